"""The JupyterHub that benchmarks/room.py fills with learners, and the memory watch over it.

A real hub on 127.0.0.1: the `jupyterhub` package, configurable-http-proxy from npm (installed
by `.ci/room-setup`), DummyAuthenticator (any name and password signs in) and
SimpleLocalProcessSpawner. That spawner runs every learner's server as the user who runs the
benchmark, each with a home folder of its own: real system users (LocalProcessSpawner) would
need `useradd` and root, and this benchmark measures time and memory, not isolation. As root,
the servers get `--allow-root` (Jupyter refuses root otherwise).
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import requests
from common import Sampler  # a sibling module

REPO = Path(__file__).resolve().parents[1]
LOCAL_PROXY = REPO / ".ci" / "proxy" / "node_modules" / ".bin" / "configurable-http-proxy"
SERVICE = "room-benchmark"  # the hub service whose token creates the learners' accounts

CONFIG = """\
c = get_config()  # noqa: F821 (written by benchmarks/room_hub.py)
c.JupyterHub.bind_url = {bind_url!r}
c.JupyterHub.hub_bind_url = {hub_bind_url!r}
c.ConfigurableHTTPProxy.api_url = {proxy_api_url!r}
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.JupyterHub.db_url = "sqlite:///jupyterhub.sqlite"
c.JupyterHub.authenticator_class = "dummy"
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {homes!r} + "/{{username}}"
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.args = {args!r}
c.Spawner.ip = "127.0.0.1"
c.Spawner.start_timeout = {timeout}
c.Spawner.http_timeout = {timeout}
c.Spawner.environment = dict({environment!r},
    TEXTRNN_LESSONS_RESULTS=lambda spawner: spawner.home_dir + "/results.jsonl")
c.JupyterHub.services = [{{"name": {service!r}, "api_token": {token!r}}}]
c.JupyterHub.load_roles = [{{"name": "room-admin", "scopes": ["admin:users", "admin:servers"],
                            "services": [{service!r}]}}]
"""


class RoomError(RuntimeError):
    """The room could not be set up; the message says what to do."""


def find_proxy() -> str | None:
    """configurable-http-proxy from `.ci/room-setup`'s folder, else from PATH."""
    if LOCAL_PROXY.exists():
        return str(LOCAL_PROXY)
    return shutil.which("configurable-http-proxy")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Hub:
    """One JupyterHub process (and the proxy and servers it starts) in a folder of its own."""

    def __init__(self, folder: Path, proxy: str, environment: dict, timeout: int = 600):
        self.folder = folder
        self.homes = folder / "homes"
        self.url = f"http://127.0.0.1:{free_port()}"
        self.token = secrets.token_hex(32)
        self.process: subprocess.Popen | None = None
        bin_dir = Path(sys.executable).parent
        environment = dict(environment, PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
        self.config = CONFIG.format(
            bind_url=self.url,
            hub_bind_url=f"http://127.0.0.1:{free_port()}",
            proxy_api_url=f"http://127.0.0.1:{free_port()}",
            proxy=proxy,
            homes=str(self.homes),
            singleuser=str(bin_dir / "jupyterhub-singleuser"),
            timeout=timeout,
            args=["--allow-root"] if os.geteuid() == 0 else [],
            environment=environment,
            service=SERVICE,
            token=self.token,
        )

    def home(self, name: str) -> Path:
        return self.homes / name

    def start(self, wait_s: float = 120) -> None:
        """Start the hub (it starts the proxy) and wait until its REST API answers."""
        self.homes.mkdir(parents=True, exist_ok=True)
        (self.folder / "jupyterhub_config.py").write_text(self.config)
        self.log = open(self.folder / "jupyterhub.log", "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", "jupyterhub_config.py"],
            cwd=self.folder,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RoomError(
                    f"JupyterHub exited at start-up (code {self.process.returncode}):\n"
                    + self.log_tail()
                )
            try:
                if requests.get(f"{self.url}/hub/api/", timeout=5).ok:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.25)
        raise RoomError(
            f"JupyterHub did not answer at {self.url} within {wait_s:.0f} s:\n" + self.log_tail()
        )

    def create_users(self, names: list[str]) -> None:
        """The instructor adds the class list (the admin panel's *Add Users*, through the API)."""
        answer = requests.post(
            f"{self.url}/hub/api/users",
            json={"usernames": names},
            headers={"Authorization": f"token {self.token}"},
            timeout=60,
        )
        if answer.status_code != 201:
            raise RoomError(f"creating users {names} failed: {answer.status_code} {answer.text}")

    def log_tail(self, lines: int = 40) -> str:
        path = self.folder / "jupyterhub.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """SIGTERM: the hub stops every server and the proxy; whatever it left is ended here."""
        if self.process is None:
            return
        left = []
        try:
            left = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            pass
        self.process.terminate()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        gone, alive = psutil.wait_procs(left, timeout=10)
        for process in alive:
            process.kill()
        self.log.close()


class MemoryWatch(Sampler):
    """Samples the hub's process tree: RSS per learner (server + kernels), of the hub and proxy,
    and of the whole room.

    Servers and kernels carry JUPYTERHUB_USER in their environment, which names the learner.
    The total counts the hub, the proxy and every learner; PSS shares the pages that several
    processes map (TensorFlow's libraries) among them, so it is what the machine really holds.
    """

    def __init__(self, hub_pid: int, interval: float = 0.5):
        super().__init__(interval)
        self.hub = psutil.Process(hub_pid)
        self.learner_peak: dict[str, int] = {}
        self.kernel_peak: dict[str, int] = {}
        self.total_rss_peak = self.total_pss_peak = self.overhead_peak = 0
        self.owners: dict[int, str | None] = {}
        self.total_now = (0, 0)  # RSS and PSS of the whole room, at the last sample
        self.kernels: dict[str, int] = {}  # kernel processes per learner, at the last sample
        self.kernels_peak: dict[str, int] = {}

    def owner(self, process: psutil.Process) -> str | None:
        if process.pid not in self.owners:
            try:
                self.owners[process.pid] = process.environ().get("JUPYTERHUB_USER")
            except psutil.Error:
                return None
        return self.owners[process.pid]

    def sample(self) -> None:
        learners: dict[str, int] = {}
        kernels: dict[str, int] = {}
        counts: dict[str, int] = {}
        total_rss = total_pss = overhead = 0
        for process in [self.hub, *self.hub.children(recursive=True)]:
            try:
                memory = process.memory_full_info()
                is_server = process.ppid() == self.hub.pid
                is_kernel = "ipykernel" in " ".join(process.cmdline())
            except psutil.Error:
                continue
            total_rss += memory.rss
            total_pss += memory.pss
            name = self.owner(process)
            if not name:  # the hub and the proxy
                overhead += memory.rss
                continue
            learners[name] = learners.get(name, 0) + memory.rss
            if not is_server:
                kernels[name] = kernels.get(name, 0) + memory.rss
            if is_kernel:
                counts[name] = counts.get(name, 0) + 1
        self.kernels = {name: counts.get(name, 0) for name in learners}
        for name, count in self.kernels.items():
            self.kernels_peak[name] = max(self.kernels_peak.get(name, 0), count)
        for name, rss in learners.items():
            self.learner_peak[name] = max(self.learner_peak.get(name, 0), rss)
        for name, rss in kernels.items():
            self.kernel_peak[name] = max(self.kernel_peak.get(name, 0), rss)
        self.total_now = (total_rss, total_pss)
        self.total_rss_peak = max(self.total_rss_peak, total_rss)
        self.total_pss_peak = max(self.total_pss_peak, total_pss)
        self.overhead_peak = max(self.overhead_peak, overhead)

    def cpu_seconds(self) -> dict[str, float]:
        """CPU seconds each learner's processes used so far (their ended children included)."""
        used: dict[str, float] = {}
        for process in self.hub.children(recursive=True):
            try:
                times = process.cpu_times()
            except psutil.Error:
                continue
            name = self.owner(process)
            if name:
                used[name] = used.get(name, 0.0) + sum(times[:4])  # user, system, children's
        return used
