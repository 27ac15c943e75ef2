"""Kernels go away: a reloaded or closed tab of the workshop app gives its kernel back.

Each reload or close starts from a fresh page in Chromium. Voilà's own unload request ends the
kernel of a reloaded or closed tab at once; a tab that vanishes without it (a browser that
crashed, a laptop closed) is culled once it has had no connection for 45 s. Both as
`textrnn-lessons app` starts it (standalone Voilà) and on Binder's route (Voilà as a Jupyter
server extension, voila/render/...), from folders with no voila.json.
"""

from __future__ import annotations

import time

import psutil
import pytest

pytest.importorskip("playwright")

from .conftest import APP, _close_page, _open_page, _running, server_env, start_voila
from .pages import SECOND, PanelDriver
from .servers import new_token, root_flag, start_server

CULLED_WITHIN = 75  # seconds: 45 s without a connection, checked every 10 s, and some slack


def kernels(server) -> int:
    """The kernel processes the server runs now."""
    children = psutil.Process(server.process.pid).children(recursive=True)
    return sum(1 for child in children if _is_kernel(child))


def _is_kernel(process) -> bool:
    try:
        return "ipykernel_launcher" in " ".join(process.cmdline())
    except psutil.Error:
        return False


def wait_for_kernels(server, count: int, timeout: float) -> float:
    """Seconds until the server runs `count` kernels; fails saying how many it kept."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if kernels(server) == count:
            return time.monotonic() - started
        time.sleep(1)
    raise AssertionError(
        f"{kernels(server)} kernels still run {timeout:.0f} s later; {count} expected. "
        f"The server's log ends:\n{server.log_tail(15)}"
    )


def open_app(page, url: str) -> None:
    page.goto(url, timeout=180 * SECOND)
    PanelDriver(page, page.locator("body")).rendered()


@pytest.fixture
def standalone(lesson_root, tmp_path):
    yield from _running("standalone", start_voila(lesson_root, tmp_path / "home"))


@pytest.fixture
def binder_route(lesson_root, tmp_path):
    """jupyter_server with Voilà as its extension, set up as binder/start sets it up."""
    from textrnn_lessons.ui.voila_app import jupyter_environment

    home = tmp_path / "home"
    home.mkdir()
    args = [
        "jupyter_server",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        "--ServerApp.port={port}",
        "--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={lesson_root}",
        *root_flag(),
    ]
    server = start_server(
        "jupyter-server",
        args,
        lesson_root,
        jupyter_environment(server_env(home)),
        home / "server.log",
        ready_path="api/status",
        token=new_token(),
    )
    yield from _running("binder_route", server)


def reload_twice_then_close(page, server, url: str) -> None:
    open_app(page, url)
    assert kernels(server) == 1
    for _ in range(2):
        page.reload(timeout=180 * SECOND)
        PanelDriver(page, page.locator("body")).rendered()
        wait_for_kernels(server, 1, timeout=30)  # the old tab's kernel went at once
    page.close(run_before_unload=True)  # as a learner closes the tab
    wait_for_kernels(server, 0, timeout=30)


def test_the_app_gives_back_the_kernels_of_reloaded_and_closed_tabs(page, standalone):
    reload_twice_then_close(page, standalone, standalone.url(""))


def test_binders_voila_route_gives_back_the_kernels_of_reloaded_and_closed_tabs(page, binder_route):
    reload_twice_then_close(page, binder_route, binder_route.url(f"voila/render/{APP}"))


def test_a_tab_that_vanishes_without_a_word_is_culled_within_a_minute(browser, standalone):
    page = _open_page(browser)
    open_app(page, standalone.url(""))
    assert kernels(standalone) == 1
    _close_page(page)  # the browser context goes away without running the unload handler
    seconds = wait_for_kernels(standalone, 0, timeout=CULLED_WITHIN)
    print(f"culled {seconds:.0f} s after the tab vanished")
