"""Each lesson's text file and notebook stay in step, and a learner's save touches only the notebook.

`tools/lessons.py` is what authors run (`sync`) and what pre-commit runs (`check`); the rows
that try to lose an edit are in tests/test_hostile_inputs.py ("Lesson pairs").
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"


def _tool():
    spec = importlib.util.spec_from_file_location("lessons_tool", REPO / "tools" / "lessons.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


lessons = _tool()
PAIRS = lessons.pairs()


@pytest.mark.parametrize("pair", PAIRS, ids=lambda pair: pair.stem)
def test_every_lesson_is_in_step_without_stray_outputs(pair):
    assert lessons.problems_of(pair) == []


def test_the_pairing_is_not_committed():
    """No committed jupytext configuration pairs the lessons for learners (author mode is local)."""
    tracked = subprocess.run(
        ["git", "ls-files", "notebooks"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    assert not [name for name in tracked if "jupytext" in Path(name).name], tracked
    assert "notebooks/jupytext.toml" in (REPO / ".gitignore").read_text()


def lesson_copy(tmp_path: Path, stem: str = "02_single_rnn_25_tokens") -> Path:
    """A git repository holding one lesson pair, committed in step."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    for suffix in (".md", ".ipynb"):
        shutil.copy(NOTEBOOKS / f"{stem}{suffix}", folder)
    for command in (
        ["git", "init", "-q"],
        ["git", "add", "."],
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "lesson"],
    ):
        subprocess.run(command, cwd=tmp_path, check=True)
    return folder


def run_tool(folder: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(REPO / "tools" / "lessons.py"), "--notebooks", str(folder), *args],
        capture_output=True,
        text=True,
    )


def test_a_typo_fixed_in_the_text_file_reaches_the_notebook_with_one_sync(tmp_path):
    folder = lesson_copy(tmp_path)
    text = folder / "02_single_rnn_25_tokens.md"
    text.write_text(text.read_text().replace("smallest one", "smalest one"))
    assert run_tool(folder, "check").returncode == 1
    done = run_tool(folder, "sync")
    assert done.returncode == 0 and "wrote" in done.stdout
    stored = nbformat.read(text.with_suffix(".ipynb"), 4)
    assert "smalest one" in "".join(cell.source for cell in stored.cells[:2])
    assert run_tool(folder, "check").returncode == 0


def test_a_sync_keeps_what_nbval_checks_in_a_checked_cell(tmp_path):
    """A checked cell keeps its outputs and its execution count through a sync, or nbval
    fails it as "Unrun reference cell has outputs"."""
    stem = "01_prepare_data"
    folder = lesson_copy(tmp_path, stem)
    notebook = folder / f"{stem}.ipynb"

    def checked(path):
        cells = nbformat.read(path, as_version=4).cells
        return [
            (c.execution_count, c.outputs) for c in cells if lessons.CHECKED in lessons._tags(c)
        ]

    before = checked(notebook)
    assert before and all(count is not None and outputs for count, outputs in before)
    text = folder / f"{stem}.md"
    text.write_text(text.read_text().replace("Prepare the data", "Prepare the data!", 1))
    assert run_tool(folder, "sync").returncode == 0
    assert checked(notebook) == before


def test_an_edit_made_in_the_notebook_reaches_the_text_file(tmp_path):
    folder = lesson_copy(tmp_path)
    path = folder / "02_single_rnn_25_tokens.ipynb"
    notebook = nbformat.read(path, 4)
    for cell in notebook.cells:
        cell.source = cell.source.replace("smallest one", "tiniest one")
    nbformat.write(notebook, path)
    assert run_tool(folder, "sync").returncode == 0
    assert "tiniest one" in path.with_suffix(".md").read_text()
    assert run_tool(folder, "check").returncode == 0


def _simulate_a_run(notebook: dict) -> dict:
    """What a learner's kernel leaves in a notebook: outputs, counts, language metadata."""
    for number, cell in enumerate(notebook["cells"], start=1):
        if cell["cell_type"] == "code":
            cell["execution_count"] = number
            cell["outputs"] = [
                {"output_type": "stream", "name": "stdout", "text": f"ran cell {number}\n"}
            ]
    notebook["metadata"]["language_info"] = {
        "name": "python",
        "pygments_lexer": "ipython3",
        "version": "3.11.7",
        "codemirror_mode": {"name": "ipython", "version": 3},
        "file_extension": ".py",
        "mimetype": "text/x-python",
        "nbconvert_exporter": "python",
    }
    return notebook


def _save_through_the_server(tmp_path: Path, folder: Path) -> None:
    from .e2e.servers import jupyter_home, new_token, root_flag, start_server

    home = tmp_path / "home"
    args = [
        "jupyter_server",
        "--no-browser",
        "--ip=127.0.0.1",
        "--port={port}",
        "--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={folder}",
        *root_flag(),
    ]
    env = {**jupyter_home(home), "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin"}
    server = start_server(
        "jupyter_server", args, folder, env, tmp_path / "server.log", "api/status", new_token()
    )
    try:
        name = "02_single_rnn_25_tokens.ipynb"
        model = server.api("GET", f"api/contents/{name}", params={"content": 1})
        model = {
            "type": "notebook",
            "format": "json",
            "content": _simulate_a_run(model["content"]),
        }
        server.api("PUT", f"api/contents/{name}", data=json.dumps(model))
        saved = json.loads((folder / name).read_text())
        assert any(cell.get("outputs") for cell in saved["cells"]), "the save did not land"
    finally:
        server.stop()


@pytest.mark.slow
def test_saving_a_lesson_through_the_server_leaves_its_text_file_alone(tmp_path):
    folder = lesson_copy(tmp_path)
    text = folder / "02_single_rnn_25_tokens.md"
    before = text.read_bytes()
    _save_through_the_server(tmp_path, folder)
    assert text.read_bytes() == before


@pytest.mark.slow
def test_in_author_mode_the_same_save_rewrites_the_text_file(tmp_path, monkeypatch):
    """The previous test can fail: with the pairing on, JupyterLab's save rewrites the .md."""
    folder = lesson_copy(tmp_path)
    monkeypatch.setattr(lessons, "AUTHOR_CONFIG", folder / "jupytext.toml")
    lessons.author_mode(True)
    text = folder / "02_single_rnn_25_tokens.md"
    before = text.read_bytes()
    _save_through_the_server(tmp_path, folder)
    assert text.read_bytes() != before
    assert jupytext.read(text).cells  # still a readable lesson


def test_the_stray_output_check_can_fail():
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "print(1)",
                outputs=[nbformat.v4.new_output("stream", text="1\n")],
                execution_count=3,
            ),
            nbformat.v4.new_code_cell(
                "print(2)",
                metadata={"tags": [lessons.CHECKED]},
                outputs=[nbformat.v4.new_output("stream", text="2\n")],
            ),
        ]
    )
    assert lessons.stray_outputs(notebook) == [
        "cell 1 stores 1 output(s)",
        "cell 1 stores execution count 3",
    ]
