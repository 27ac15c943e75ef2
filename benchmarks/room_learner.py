"""One simulated learner for benchmarks/room.py, talking to the hub as a browser would.

Signs in through the hub's REST API (a token requested with the learner's name and password,
which the hub checks with its authenticator), starts the learner's server and waits for it,
opens the notebook as JupyterLab does (a session, which starts a kernel in the notebook's
folder), then runs every code cell in order over the kernel's websocket, through the proxy.
A cell that raises stops the run, as *Run All* does; its error is the learner's failure.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import nbformat
import requests
import websocket
from jupyter_client.jsonutil import json_default
from jupyter_client.session import Session

PASSWORD = "any"  # DummyAuthenticator accepts any password


class LearnerFailed(RuntimeError):
    """What went wrong for this learner, in a sentence."""


def sign_in(hub_url: str, name: str) -> str:
    """POST /hub/api/users/{name}/tokens with the learner's credentials: their own API token."""
    answer = requests.post(
        f"{hub_url}/hub/api/users/{name}/tokens",
        timeout=60,
        json={
            "auth": {"username": name, "password": PASSWORD},
            "note": "room benchmark",
            "expires_in": 4 * 3600,
        },
    )
    if answer.status_code != 201:
        raise LearnerFailed(f"sign-in refused: {answer.status_code} {answer.text[:200]}")
    return answer.json()["token"]


def start_server(hub_url: str, name: str, headers: dict, deadline: float) -> None:
    """Ask for the learner's server, then poll the hub until it says the server is ready."""
    answer = requests.post(f"{hub_url}/hub/api/users/{name}/server", headers=headers, timeout=60)
    if answer.status_code not in (201, 202):
        raise LearnerFailed(f"server start refused: {answer.status_code} {answer.text[:200]}")
    while time.monotonic() < deadline:
        model = requests.get(f"{hub_url}/hub/api/users/{name}", headers=headers, timeout=60).json()
        server = model.get("servers", {}).get("")
        if server and server.get("ready"):
            return
        if not server and not model.get("pending"):
            raise LearnerFailed("the hub reports no server and no pending start: the spawn failed")
        time.sleep(0.5)
    raise LearnerFailed("the server was not ready in time")


def open_notebook(server_url: str, path: str, headers: dict) -> str:
    """A session for the notebook, as JupyterLab opens one; returns its kernel's id."""
    answer = requests.post(
        f"{server_url}/api/sessions",
        headers=headers,
        timeout=120,
        json={
            "path": path,
            "name": Path(path).name,
            "type": "notebook",
            "kernel": {"name": "python3"},
        },
    )
    if answer.status_code != 201:
        raise LearnerFailed(f"opening {path} failed: {answer.status_code} {answer.text[:200]}")
    return answer.json()["kernel"]["id"]


def run_cell(channel: websocket.WebSocket, session: Session, code: str, deadline: float) -> None:
    """Send one execute_request; wait for its reply and for the kernel to go idle after it."""
    request = session.msg(
        "execute_request",
        {
            "code": code,
            "silent": False,
            "store_history": True,
            "user_expressions": {},
            "allow_stdin": False,
            "stop_on_error": True,
        },
    )
    request["channel"] = "shell"
    channel.send(json.dumps(request, default=json_default))
    reply, idle = None, False
    while reply is None or not idle:
        left = deadline - time.monotonic()
        if left <= 0:
            raise LearnerFailed("the notebook did not finish in time")
        channel.settimeout(left)
        message = json.loads(channel.recv())
        if message.get("parent_header", {}).get("msg_id") != request["header"]["msg_id"]:
            continue
        kind = message["msg_type"]
        if kind == "execute_reply":
            reply = message["content"]
        elif kind == "status" and message["content"]["execution_state"] == "idle":
            idle = True
    if reply["status"] != "ok":
        raise LearnerFailed(f"a cell raised {reply.get('ename')}: {reply.get('evalue', '')[:200]}")


def run_notebook(
    server_url: str, kernel_id: str, notebook: Path, token: str, deadline: float
) -> int:
    """Every code cell of `notebook`, in order, over the kernel's websocket; returns the count."""
    cells = [
        cell.source
        for cell in nbformat.read(notebook, as_version=4).cells
        if cell.cell_type == "code" and cell.source.strip()
    ]
    session = Session(username="learner")
    url = server_url.replace("http://", "ws://", 1)
    channel = websocket.create_connection(
        f"{url}/api/kernels/{kernel_id}/channels?session_id={session.session}",
        header=[f"Authorization: token {token}"],
        timeout=120,
    )
    try:
        for code in cells:
            run_cell(channel, session, code, deadline)
    finally:
        channel.close()
    return len(cells)


def learner(
    hub_url: str, name: str, notebook: Path, start: threading.Barrier, timeout_s: float
) -> dict:
    """One learner from sign-in to result; all learners leave `start` together."""
    start.wait()
    began = time.monotonic()
    deadline = began + timeout_s
    times = {"name": name, "error": None}
    try:
        token = sign_in(hub_url, name)
        headers = {"Authorization": f"token {token}"}
        start_server(hub_url, name, headers, deadline)
        times["server_ready_s"] = round(time.monotonic() - began, 1)
        server_url = f"{hub_url}/user/{name}"
        kernel_id = open_notebook(server_url, f"notebooks/{notebook.name}", headers)
        opened = time.monotonic()
        times["cells"] = run_notebook(server_url, kernel_id, notebook, token, deadline)
        times["notebook_s"] = round(time.monotonic() - opened, 1)
        times["result_s"] = round(time.monotonic() - began, 1)
    except (
        LearnerFailed,
        requests.RequestException,
        websocket.WebSocketException,
        OSError,
        ValueError,
    ) as failure:
        times["error"] = f"{type(failure).__name__}: {failure}"
    return times


def log_in(page, hub_url: str, name: str, timeout_s: float) -> None:
    """The hub's login form, as a learner fills it, landing on the hub's home page (landing on
    the app would start a kernel that the next navigation abandons)."""
    page.goto(f"{hub_url}/hub/login?next=/hub/home", timeout=timeout_s * 1000)
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation(timeout=timeout_s * 1000):
        page.click("[type=submit]")


def app_learner(
    hub_url: str,
    name: str,
    app: str,
    start: threading.Barrier,
    reloads: int,
    reloaded: threading.Semaphore,
    finish: threading.Event,
    timeout_s: float,
) -> dict:
    """One learner in the workshop app: sign in, open the app in Chromium, train, reload and
    train again `reloads` times, release `reloaded`, then keep the tab open until `finish`."""
    from app_tab import AppTab
    from playwright.sync_api import sync_playwright

    from tests.e2e.servers import launch_chromium

    start.wait()
    began = time.monotonic()
    row = {"name": name, "error": None, "opens": [], "trains": []}
    try:
        token = sign_in(hub_url, name)
        start_server(hub_url, name, {"Authorization": f"token {token}"}, began + timeout_s)
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            try:
                page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
                log_in(page, hub_url, name, timeout_s)
                tab = AppTab(page, timeout_s)
                row["opens"].append(tab.open(f"{hub_url}/user/{name}/voila/render/{app}"))
                row["trains"].append(tab.train())
                for _ in range(reloads):
                    row["opens"].append(tab.open())
                    row["trains"].append(tab.train())
                row["reloaded_at"] = time.monotonic()
                reloaded.release()
                finish.wait(timeout_s)  # the tab stays open while the room is watched
            finally:
                browser.close()
    except Exception as failure:  # any failure is this learner's result, not the room's end
        row["error"] = f"{type(failure).__name__}: {str(failure)[:300]}"
        if "reloaded_at" not in row:
            row["reloaded_at"] = time.monotonic()
            reloaded.release()
    return row
