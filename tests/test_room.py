"""benchmarks/room.py on a real JupyterHub: two learners run notebook 02 at once (smoke preset).

The hub, its proxy (configurable-http-proxy from npm, installed by `.ci/room-setup`), the
learners' servers and kernels are all real processes on 127.0.0.1. Without the proxy these tests
try `.ci/room-setup` once and skip only when that cannot install it; under CI they fail instead.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tests.conftest import MINI, REPO

sys.path.insert(0, str(REPO / "benchmarks"))
from room_hub import find_proxy


@pytest.fixture(scope="module")
def proxy():
    """configurable-http-proxy, installed by .ci/room-setup when it is missing."""
    if find_proxy() is None:
        setup = subprocess.run(
            ["bash", str(REPO / ".ci" / "room-setup")], capture_output=True, text=True, timeout=600
        )
        if find_proxy() is None:
            reason = (
                "configurable-http-proxy could not be installed by .ci/room-setup: "
                + (setup.stderr or setup.stdout).strip()[-500:]
            )
            if os.environ.get("CI"):
                pytest.fail(reason)
            pytest.skip(reason)
    return find_proxy()


def run_room(tmp_path: Path, *options: str) -> tuple[subprocess.CompletedProcess, dict]:
    figures = tmp_path / "room.json"
    env = {key: value for key, value in os.environ.items() if key != "TEXTRNN_LESSONS_RESULTS"}
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "room.py"),
            "--data",
            str(MINI),
            "--json-out",
            str(figures),
            "--timeout",
            "600",
            *options,
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    return done, (json.loads(figures.read_text()) if figures.is_file() else {})


def test_two_learners_run_notebook_02_at_once_and_the_table_has_their_figures(proxy, tmp_path):
    done, figures = run_room(tmp_path, "--learners", "2", "--preset", "smoke")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    number = r"\d[\d,]*(?:\.\d)?"
    row = (
        rf"^\| 2 \| {number} / {number} \| {number} \| {number} \| {number} / {number} "
        rf"\| {number} \| {number} / {number} \| {number} \| {number} \| 0 of 2 \|$"
    )
    assert re.search(row, done.stdout, re.MULTILINE), done.stdout

    room = figures["rooms"][0]
    assert [learner["name"] for learner in room["rows"]] == ["learner1", "learner2"]
    notebook_cells = sum(
        1
        for cell in nbformat.read(next(REPO.glob("notebooks/02_*.ipynb")), 4).cells
        if cell.cell_type == "code" and cell.source.strip()
    )
    for learner in room["rows"]:
        assert learner["error"] is None
        assert learner["cells"] == notebook_cells
        assert 0 <= learner["accuracy"] <= 1  # each learner's own log got the trained run
        assert learner["server_ready_s"] < learner["result_s"]
        assert learner["kernel_peak_mb"] > 300  # a kernel that imported TensorFlow was watched
        assert learner["peak_mb"] > learner["kernel_peak_mb"]  # plus the learner's server
        assert learner["cpu_s"] > 1
    assert room["total_rss_mb"] > sum(learner["peak_mb"] for learner in room["rows"])
    assert 0 < room["total_pss_mb"] <= room["total_rss_mb"]


def test_a_learner_whose_notebook_raises_is_counted_as_a_failure(proxy, tmp_path):
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("print('first cell runs')"),
            nbformat.v4.new_code_cell("raise ValueError('broken on purpose')"),
            nbformat.v4.new_code_cell("print('never reached')"),
        ]
    )
    path = tmp_path / "02_broken.ipynb"
    nbformat.write(notebook, path)
    done, figures = run_room(
        tmp_path, "--learners", "1", "--preset", "smoke", "--notebook", str(path)
    )
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-3000:]
    assert re.search(r"^\| 1 \| - / - .* \| 1 of 1 \|$", done.stdout, re.MULTILINE), done.stdout
    assert "learner1: LearnerFailed: a cell raised ValueError: broken on purpose" in done.stdout
    assert figures["rooms"][0]["rows"][0]["error"].endswith("broken on purpose")


def test_a_room_in_the_workshop_app_keeps_one_kernel_per_open_tab(proxy, tmp_path):
    """Two learners open the app through the hub in Chromium, train, reload and train again,
    and keep their tab open: within the watch each runs exactly one kernel again."""
    pytest.importorskip("playwright")
    done, figures = run_room(
        tmp_path,
        "--app",
        "--learners",
        "2",
        "--reloads",
        "1",
        "--preset",
        "smoke",
        "--watch",
        "60",
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (room,) = figures["rooms"]
    assert room["setup"] == "this checkout" and room["failures"] == 0, room
    assert room["one_kernel_per_tab_s"] is not None, room  # within the 60 s watch
    assert set(room["kernels_at_end"].values()) == {1}, room
    assert room["total_pss_mb"] > 2 * 300  # two kernels that imported TensorFlow were watched
    for learner in room["rows"]:
        assert len(learner["opens"]) == 2 and len(learner["trains"]) == 2
        assert all(train["first_point_s"] > 0 for train in learner["trains"])
    assert re.search(r"^\| this checkout \| 2 \| 1 \| \d+ \| \d+ \| up to 1 \|", done.stdout, re.M)
