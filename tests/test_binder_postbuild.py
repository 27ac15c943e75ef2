"""binder/postBuild runs here as repo2docker would run it, against a local stand-in data host.

The script runs in a fresh virtual environment of its own (it `pip install`s the package; the
environment under test is left alone) that borrows this environment's libraries, with HOME
in a temporary folder, as the notebook user's home is in a Binder image. The canonical
test.csv is served under its published MD5; the mini training file stands in for train.csv
through $TEXTRNN_LESSONS_DATA_MD5 (the canonical one is not available offline).
"""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from textrnn_lessons.data.download import MD5_ENV, MIRROR_ENV, REGISTRY, md5sum

from .conftest import CANONICAL_TEST, MINI, REPO
from .local_server import serve

FIRST_LESSON = "/lab/tree/notebooks/00_start_here.ipynb"
DEFAULT_DATA = Path(".cache") / "textrnn-lessons" / "ag_news"  # under $HOME, as binder/start says


@pytest.fixture(scope="module")
def build_env(tmp_path_factory):
    """A throwaway venv whose `python` also sees this environment's installed libraries."""
    root = tmp_path_factory.mktemp("binder-venv")
    subprocess.run([sys.executable, "-m", "venv", str(root)], check=True)
    purelib = subprocess.run(
        [
            str(root / "bin" / "python"),
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(purelib) / "borrowed_libraries.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    return root


@pytest.fixture(scope="module")
def host(tmp_path_factory):
    folder = tmp_path_factory.mktemp("host")
    shutil.copy(CANONICAL_TEST, folder / "test.csv")
    shutil.copy(MINI / "train.csv", folder / "train.csv")
    with serve(folder) as url:
        yield url


def binder_environ(build_env: Path, home: Path, **extra) -> dict:
    """The environment of a repo2docker build: our venv first on PATH, a fresh HOME."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TEXTRNN_LESSONS_", "JUPYTER_", "PYTHON", "VIRTUAL_ENV"))
    }
    env.update(
        PATH=f"{build_env / 'bin'}{os.pathsep}{env['PATH']}",
        HOME=str(home),
        # the borrowed libraries' data files, JupyterLab's widget extension among them
        JUPYTER_PATH=str(Path(sys.prefix) / "share" / "jupyter"),
        TF_CPP_MIN_LOG_LEVEL="2",
        MPLBACKEND="Agg",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        TEXTRNN_LESSONS_RESULTS=str(home / "results.jsonl"),
        **extra,
    )
    return env


def run_postbuild(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(REPO / "binder" / "postBuild")],
        env=env,
        cwd=env["HOME"],
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def built(build_env, host, tmp_path_factory):
    """postBuild run once, successfully; shared by the tests that read what it left."""
    home = tmp_path_factory.mktemp("home")
    env = binder_environ(
        build_env, home, **{MIRROR_ENV: host, MD5_ENV: f"train.csv={md5sum(MINI / 'train.csv')}"}
    )
    result = run_postbuild(env)
    assert result.returncode == 0, f"postBuild failed:\n{result.stdout}\n{result.stderr}"
    return home, env, result


@pytest.mark.slow
def test_postbuild_installs_the_package_into_the_build_environment(built, build_env):
    home, _, result = built
    assert (build_env / "bin" / "textrnn-lessons").is_file()
    assert "installing the package" in result.stdout


def test_postbuild_fetches_and_verifies_ag_news_at_build_time(built):
    home, _, result = built
    data = home / DEFAULT_DATA
    assert md5sum(data / "test.csv") == REGISTRY["test.csv"][1]
    assert (data / "train.csv").read_bytes() == (MINI / "train.csv").read_bytes()
    assert "test.csv: the canonical AG News file (published MD5 verified)" in result.stdout


def test_postbuild_runs_the_preflight_inside_the_image(built):
    _, _, result = built
    for name in ("libraries", "widgets", "data", "memory", "training"):
        assert f"[ok] {name}: " in result.stdout, result.stdout
    assert "All checks passed: ready for the lessons." in result.stdout


def test_postbuild_points_jupyterlab_at_the_first_lesson(built):
    home, _, _ = built
    config = json.loads((home / ".jupyter" / "jupyter_server_config.json").read_text())
    assert config["ServerApp"]["default_url"] == FIRST_LESSON
    assert config["LabApp"]["default_url"] == FIRST_LESSON


def through_start(env: dict, *command: str) -> str:
    """What `command` prints when Binder's start script runs it (as Binder runs the server)."""
    return subprocess.run(
        ["bash", str(REPO / "binder" / "start"), *command],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_start_sets_the_workshop_preset_and_the_built_data(built):
    home, env, _ = built
    shown = through_start(env, "env").splitlines()
    assert "TEXTRNN_LESSONS_PRESET=workshop" in shown
    assert f"TEXTRNN_LESSONS_DATA={home / DEFAULT_DATA}" in shown
    chosen = through_start({**env, "TEXTRNN_LESSONS_PRESET": "smoke"}, "env").splitlines()
    assert "TEXTRNN_LESSONS_PRESET=smoke" in chosen  # a value set by the deployment wins


def test_start_puts_the_workshop_apps_jupyter_set_up_first(built):
    """The voila/render route finds the app's template, and its server culls idle kernels."""
    from textrnn_lessons.ui.voila_app import CONFIG_PATH, DATA_PATH, TEMPLATE

    _, env, _ = built
    code = (
        "import os; from voila.paths import collect_template_paths; "
        f"print(collect_template_paths(['voila', 'nbconvert'], {TEMPLATE!r}, prune=True)[0]); "
        "print(os.environ['JUPYTER_PATH']); print(os.environ['JUPYTER_CONFIG_PATH'])"
    )
    template, data_path, config_path = through_start(env, "python", "-c", code).splitlines()
    assert Path(template) == DATA_PATH / "voila" / "templates" / TEMPLATE
    assert data_path.split(os.pathsep) == [str(DATA_PATH), env["JUPYTER_PATH"]]  # both kept
    assert config_path == str(CONFIG_PATH)
    shown = through_start(env, "python", "-m", "jupyter_server", "--show-config")
    assert "cull_idle_timeout" in shown and "cull_connected" in shown, shown


def test_launched_lessons_load_the_built_data_without_a_download(built):
    home, env, _ = built
    code = (
        "from textrnn_lessons.data.reading import load_ag_news; d = load_ag_news(); "
        "print(d.preset.name, d.source, len(d.test))"
    )
    env = {**env, MIRROR_ENV: "http://127.0.0.1:9/"}  # any download attempt would fail
    out = through_start(env, "python", "-c", code).split()
    assert out == ["workshop", str(home / DEFAULT_DATA), "7600"]


def test_jupyterlab_started_by_binder_opens_on_the_first_lesson(built, build_env):
    home, env, _ = built
    token = "binder-test"
    port = _free_port()
    log = home / "jupyterlab.log"
    server = subprocess.Popen(
        [
            "bash",
            str(REPO / "binder" / "start"),
            "python",
            "-m",
            "jupyterlab",
            "--no-browser",
            f"--ServerApp.port={port}",
            "--ServerApp.ip=127.0.0.1",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={REPO}",
            *(["--allow-root"] if os.geteuid() == 0 else []),
        ],  # CI runs as root; Binder does not
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    try:
        location = _first_redirect(f"http://127.0.0.1:{port}/?token={token}", server, log)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert location.split("?")[0].endswith(FIRST_LESSON)


def test_postbuild_fails_the_build_when_the_data_does_not_verify(build_env, host, tmp_path):
    """No MD5 override: the stand-in train.csv fails the published MD5, and so does the build."""
    result = run_postbuild(binder_environ(build_env, tmp_path, **{MIRROR_ENV: host}))
    assert result.returncode != 0
    assert "train.csv is corrupted or incomplete" in result.stderr
    assert not (tmp_path / DEFAULT_DATA / "train.csv").exists()
    assert "pre-flight" not in result.stdout and not (tmp_path / ".jupyter").exists()


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _first_redirect(url: str, server: subprocess.Popen, log: Path, wait_s: float = 120) -> str:
    """The Location of the server's answer to `url`, waiting for the server to come up."""
    opener = urllib.request.build_opener(_NoRedirect)
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"JupyterLab exited: {log.read_text()[-2000:]}")
        try:
            opener.open(url, timeout=5)
        except urllib.error.HTTPError as answer:
            if answer.code in (301, 302, 303, 307):
                return answer.headers["Location"]
            raise
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.5)
            continue
        raise AssertionError(f"{url} answered without redirecting")
    raise AssertionError(f"JupyterLab did not answer on {url} within {wait_s:.0f} s")
