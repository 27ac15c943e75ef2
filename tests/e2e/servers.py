"""Start and stop the servers the browser tests talk to (JupyterLab and Voilà, on 127.0.0.1),
and the browser they use. No pytest here: benchmarks/latency.py and room.py use it too.

Each server runs in its own process group with a private Jupyter configuration, so a test
run never reads or writes the user's settings, and stopping it also stops its kernels.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import requests

CHROMIUM = Path(os.environ.get("TEXTRNN_E2E_CHROMIUM", "/usr/bin/chromium"))
# Verified on these machines: without the networking flags Chromium keeps dialling Google's
# hosts, which the closed network refuses; a fresh profile avoids first-run dialogs.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]


def launch_chromium(playwright):
    """Debian's headless Chromium (Playwright's own download does not work on these machines)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)


#: The JupyterLab news prompt ("Would you like to get notified...") would cover the page.
QUIET_LAB_PLUGINS = ("@jupyterlab/apputils-extension:announcements",)
WIDGETS_LABEXTENSION = "@jupyter-widgets/jupyterlab-manager"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def jupyter_home(folder: Path, disabled_labextensions=()) -> dict[str, str]:
    """Private Jupyter config/runtime/settings folders; returns the environment that selects them.

    `disabled_labextensions` are switched off the way `jupyter labextension disable` does
    (labconfig/page_config.json), which is how a test shows a broken widget front end.
    """
    folders = {
        name: folder / name for name in ("config", "data", "runtime", "settings", "workspaces")
    }
    for path in folders.values():
        path.mkdir(parents=True, exist_ok=True)
    disabled = dict.fromkeys((*QUIET_LAB_PLUGINS, *disabled_labextensions), True)
    (folders["config"] / "labconfig").mkdir(exist_ok=True)
    (folders["config"] / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": disabled}, indent=1)
    )
    return {
        "JUPYTER_CONFIG_DIR": str(folders["config"]),
        "JUPYTER_DATA_DIR": str(folders["data"]),
        "JUPYTER_RUNTIME_DIR": str(folders["runtime"]),
        "JUPYTERLAB_SETTINGS_DIR": str(folders["settings"]),
        "JUPYTERLAB_WORKSPACES_DIR": str(folders["workspaces"]),
        "IPYTHONDIR": str(folder / "ipython"),
    }


@dataclass
class Server:
    """A running Jupyter server (JupyterLab or Voilà) and how to reach it."""

    name: str
    base_url: str
    token: str
    process: subprocess.Popen
    log_path: Path
    log: IO[str]
    root: Path

    def url(self, path: str = "", **query) -> str:
        """An address on this server, with the token when there is one."""
        params = dict(query)
        if self.token:
            params["token"] = self.token
        tail = "&".join(f"{key}={value}" if value != "" else key for key, value in params.items())
        return f"{self.base_url}/{path.lstrip('/')}" + (f"?{tail}" if tail else "")

    def log_tail(self, lines: int = 40) -> str:
        """The end of the server's log, for failure messages."""
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def api(self, method: str, path: str, **kwargs):
        """Call the server's REST API with the token (used to clean up kernels between tests)."""
        headers = {"Authorization": f"token {self.token}"} if self.token else {}
        response = requests.request(
            method, f"{self.base_url}/{path.lstrip('/')}", headers=headers, timeout=30, **kwargs
        )
        response.raise_for_status()
        return response.json() if response.content else None

    def shutdown_kernels(self) -> None:
        """Stop every kernel, so the next test starts on a quiet machine."""
        for kernel in self.api("GET", "api/kernels"):
            self.api("DELETE", f"api/kernels/{kernel['id']}")

    def stop(self, grace: float = 30) -> None:
        """SIGTERM (the server then shuts its kernels down), then SIGKILL the group if it hangs."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                pass
        try:  # kernels and anything else the server started share its process group
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(10)
        self.log.close()


def start_server(
    name: str,
    args: list[str],
    root: Path,
    env: dict[str, str],
    log_path: Path,
    ready_path: str,
    token: str = "",
    timeout: float = 180,
) -> Server:
    """Run `python -m <args>` in `root` and wait until it answers HTTP on `ready_path`.

    Any answer below 500 counts: it means the server is listening and serving requests.
    """
    port = free_port()
    command = [sys.executable, "-m", *[arg.format(port=port, token=token) for arg in args]]
    log = open(log_path, "w")
    log.write("$ " + " ".join(command) + "\n\n")
    log.flush()
    process = subprocess.Popen(
        command,
        cwd=root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    server = Server(name, f"http://127.0.0.1:{port}", token, process, log_path, log, root)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.close()
            raise RuntimeError(
                f"{name} exited with code {process.returncode} before it answered on "
                f"port {port}. Its log ({log_path}) ends:\n{server.log_tail()}"
            )
        try:
            if requests.get(server.url(ready_path), timeout=5).status_code < 500:
                return server
        except requests.RequestException:
            pass
        time.sleep(0.5)
    server.stop()
    raise RuntimeError(
        f"{name} did not answer on {server.base_url} within {timeout:.0f} s. "
        f"Its log ({log_path}) ends:\n{server.log_tail()}"
    )


def new_token() -> str:
    """A random token, as `jupyter lab` would make."""
    return secrets.token_hex(16)


def root_flag() -> list[str]:
    """Jupyter refuses to run as root without --allow-root (CI runs as root)."""
    return ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
