"""Fixtures for the browser tests: JupyterLab and Voilà on 127.0.0.1, headless Debian Chromium.

The servers run on a temporary copy of notebooks/ and apps/ (so Run All never rewrites the
repository's notebooks), with the smoke preset, the offline mini split and a private results
log. Needs `bash .ci/e2e-setup` (Chromium, Playwright, Voilà). A failing test leaves a
screenshot, the browser console and the server log in test-artifacts/e2e/.

Every page a test opens is watched: a test fails when, while it ran, a page logged a console
error or asked a host other than this computer for anything (a test marked `noisy_page`, which
breaks a page on purpose, is exempt).

TEXTRNN_E2E_DISABLE_LABEXTENSIONS=@jupyter-widgets/jupyterlab-manager runs the suite with the
widget front end switched off, to see what the tests report when widgets cannot render.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import MINI, REPO

from .servers import CHROMIUM, jupyter_home, launch_chromium, new_token, root_flag, start_server

ARTIFACTS = REPO / "test-artifacts" / "e2e"
APP = "apps/approach_explorer.ipynb"
HERE = Path(__file__).parent


def pytest_collection_modifyitems(items):
    """Mark every test in this folder `e2e`, so `-m "not e2e"` skips the browser tests."""
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.e2e)


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: drives JupyterLab or Voilà in headless Chromium")
    config.addinivalue_line(
        "markers", "noisy_page: breaks a page on purpose, so its console errors are expected"
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """After each test, fail it if a page logged a console error or left this computer."""
    result = yield
    problems = new_page_problems()
    if problems and item.get_closest_marker("noisy_page") is None:
        raise AssertionError(
            "The page was not quiet and local while this test ran:\n- " + "\n- ".join(problems)
        )
    return result


def new_page_problems() -> list[str]:
    """Console errors and outside requests of every page since the last call (setup included)."""
    from .screens import outside_requests

    problems = []
    for page in ALL_PAGES:
        errors, page.errors_seen = page.console_errors[page.errors_seen :], len(page.console_errors)
        urls, page.requests_seen = page.request_log[page.requests_seen :], len(page.request_log)
        problems += [f"console: {error[:400]}" for error in errors]
        problems += [f"request to {url}" for url in dict.fromkeys(outside_requests(urls))]
    return problems


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """When a browser test fails, keep what the learner saw before fixtures tidy up."""
    outcome = yield
    report = outcome.get_result()
    # a fixture that fails in setup leaves the page it depends on out of item.funcargs
    page = OPEN_PAGES[-1] if OPEN_PAGES else None
    wanted = report.failed or (
        report.when == "call" and os.environ.get("TEXTRNN_E2E_SCREENSHOTS") == "always"
    )
    if page is not None and report.when in ("setup", "call") and wanted:
        keep_artifacts(item, page)


def keep_artifacts(item, page) -> None:
    """Screenshot, browser console and server logs into test-artifacts/e2e/<test name>.*"""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    stem = ARTIFACTS / re.sub(r"[^\w.-]+", "_", f"{item.path.stem}__{item.name}")
    console = getattr(page, "console_lines", [])
    try:
        page.screenshot(path=f"{stem}.png", full_page=True)
    except Exception as error:
        console.append(f"[screenshot failed] {error}")
    Path(f"{stem}.console.txt").write_text("\n".join(console))
    for fixture, server in RUNNING_SERVERS.items():
        if fixture in item.fixturenames:
            shutil.copyfile(server.log_path, f"{stem}.{server.name}.log")


def _missing_tool(message: str):
    """In CI a missing browser is a failure; on a laptop without it the e2e tests are skipped."""
    if os.environ.get("CI"):
        pytest.fail(message + " (CI must run `bash .ci/e2e-setup` first)")
    pytest.skip(message + ": run `bash .ci/e2e-setup` to install it")


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session (Debian's build, not Playwright's download)."""
    if not CHROMIUM.is_file():
        _missing_tool(f"No Chromium at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing_tool("The Playwright Python package is not installed")
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


OPEN_PAGES: list = []  # pages now open, newest last (the one a failing test was using)
ALL_PAGES: list = []  # every page of the session, watched for console errors and outside requests
RUNNING_SERVERS: dict = {}  # fixture name -> Server, whose log a failure report copies


def _open_page(browser):
    """A fresh browser context and page; its console and requests are recorded."""
    from .screens import track_requests

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    OPEN_PAGES.append(page)
    ALL_PAGES.append(page)
    page.console_lines, page.console_errors = [], []
    page.errors_seen = page.requests_seen = 0
    track_requests(page)

    def on_console(message):
        page.console_lines.append(f"[{message.type}] {message.text}")
        if message.type == "error":
            where = message.location.get("url", "") if message.location else ""
            page.console_errors.append(message.text + (f" ({where})" if where else ""))

    def on_page_error(error):
        page.console_lines.append(f"[pageerror] {error}")
        page.console_errors.append(f"uncaught {error}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    page.on(
        "requestfailed",
        lambda request: page.console_lines.append(
            f"[requestfailed] {request.url} {request.failure}"
        ),
    )
    return page


def _close_page(page) -> None:
    OPEN_PAGES.remove(page)
    page.context.close()


@pytest.fixture
def page(browser):
    """A page for one test."""
    page = _open_page(browser)
    yield page
    _close_page(page)


@pytest.fixture(scope="module")
def module_page(browser):
    """A page shared by the tests of one module, which walk through one notebook or app in order."""
    page = _open_page(browser)
    yield page
    _close_page(page)


@pytest.fixture(scope="session")
def lesson_root(tmp_path_factory) -> Path:
    """A throwaway copy of notebooks/ and apps/: what the servers serve and Run All may save into."""
    if not (MINI / "train.csv").is_file():
        pytest.fail(
            f"The offline AG News split is missing from {MINI}; see 'Run the tests' in README.md."
        )
    root = tmp_path_factory.mktemp("lessons")
    for folder in ("notebooks", "apps"):
        if (REPO / folder).is_dir():
            shutil.copytree(
                REPO / folder,
                root / folder,
                ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
            )
    return root


def server_env(home: Path, disabled=()) -> dict[str, str]:
    """The environment for a server and its kernels: smoke preset, mini split, private log."""
    # What the test process set for itself stays out: the root conftest's MPLBACKEND=Agg (for
    # nbval) would keep every figure out of the browser, and a learner has no PYTEST_* variables.
    env = {
        key: value
        for key, value in os.environ.items()
        if key != "MPLBACKEND" and not key.startswith("PYTEST_")
    }
    env.update(jupyter_home(home, disabled))
    env.update(
        {
            "TEXTRNN_LESSONS_PRESET": "smoke",
            "TEXTRNN_LESSONS_DATA": str(MINI),
            "TEXTRNN_LESSONS_RESULTS": str(home / "results.jsonl"),
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def start_lab(root: Path, home: Path, disabled=(), name: str = "jupyterlab"):
    """JupyterLab on a free port of 127.0.0.1 with a random token, serving `root`."""
    home.mkdir(parents=True, exist_ok=True)
    args = [
        "jupyterlab",
        "--no-browser",
        "--ip=127.0.0.1",
        "--port={port}",
        "--IdentityProvider.token={token}",
        "--ServerApp.terminals_enabled=False",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        f"--ServerApp.root_dir={root}",
        *root_flag(),
    ]
    return start_server(
        name,
        args,
        root,
        server_env(home, disabled),
        home / "server.log",
        ready_path="api/status",
        token=new_token(),
    )


def _running(fixture: str, server):
    """Yield a started server for a fixture; stop it (and its kernels) afterwards."""
    RUNNING_SERVERS[fixture] = server
    try:
        yield server
    finally:
        RUNNING_SERVERS.pop(fixture, None)
        server.stop()


def _disabled_from_env() -> tuple[str, ...]:
    value = os.environ.get("TEXTRNN_E2E_DISABLE_LABEXTENSIONS", "")
    return tuple(name.strip() for name in value.split(",") if name.strip())


@pytest.fixture(scope="session")
def lab_server(lesson_root, tmp_path_factory):
    """The JupyterLab every lab test uses; stopped (with its kernels) at the end of the session."""
    server = start_lab(lesson_root, tmp_path_factory.mktemp("lab-home"), _disabled_from_env())
    yield from _running("lab_server", server)


@pytest.fixture
def lab(lab_server, page):
    """Open notebooks in JupyterLab: `lab("notebooks/00_start_here.ipynb")` -> LabNotebook.

    Kernels are shut down after each test so the next one starts on a quiet machine.
    """
    from .pages import LabNotebook

    yield lambda path: LabNotebook(page, lab_server, path).open()
    lab_server.shutdown_kernels()


@pytest.fixture(scope="module")
def broken_widgets_lab(lesson_root, tmp_path_factory):
    """A second JupyterLab with the widget front end switched off, as if jupyterlab_widgets were missing."""
    from .servers import WIDGETS_LABEXTENSION

    server = start_lab(
        lesson_root,
        tmp_path_factory.mktemp("broken-lab-home"),
        (WIDGETS_LABEXTENSION,),
        name="jupyterlab-without-widgets",
    )
    yield from _running("broken_widgets_lab", server)


def start_voila(root: Path, home: Path, name: str = "voila"):
    """Voilà serving the workshop app (code cells hidden) from `root`, on a free port of
    127.0.0.1, set up as `textrnn-lessons app` sets it up: from a folder with no voila.json."""
    from textrnn_lessons.ui.voila_app import jupyter_environment

    if not (root / APP).is_file():
        pytest.fail(f"{APP} is missing from the repository.")
    home.mkdir(parents=True, exist_ok=True)
    args = [
        "voila",
        APP,
        "--no-browser",
        "--Voila.ip=127.0.0.1",
        "--port={port}",
        "--token={token}",
        "--VoilaConfiguration.show_tracebacks=True",
    ]
    # any answer on a static path means Voilà listens (requesting "/" would run the notebook)
    return start_server(
        name,
        args,
        root,
        jupyter_environment(server_env(home, _disabled_from_env())),
        home / "server.log",
        ready_path="voila/static/",
        token=new_token(),
    )


@pytest.fixture(scope="module")
def voila_server(lesson_root, tmp_path_factory):
    """The workshop app in Voilà (see start_voila).

    Module-scoped: stopping Voilà also stops the app's kernel, which holds TensorFlow.
    """
    server = start_voila(lesson_root, tmp_path_factory.mktemp("voila-home"))
    yield from _running("voila_server", server)


@pytest.fixture
def scratch_notebook(lesson_root) -> str:
    """A tiny notebook with one ipywidgets button, for checking the browser plumbing itself."""
    import nbformat

    source = (
        "import ipywidgets as widgets\n"
        "said = widgets.Output()\n"
        "button = widgets.Button(description='Say hello')\n"
        "button.add_class('scratch-button')\n"
        "def say_hello(_):\n"
        "    with said:\n"
        "        print('hello from the kernel')\n"
        "button.on_click(say_hello)\n"
        "widgets.VBox([button, said])"
    )
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# Scratch"), nbformat.v4.new_code_cell(source)]
    )
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = lesson_root / "scratch" / "widget_button.ipynb"
    path.parent.mkdir(exist_ok=True)
    nbformat.write(notebook, path)
    return "scratch/widget_button.ipynb"
