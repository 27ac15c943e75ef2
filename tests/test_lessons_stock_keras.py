"""Every approach lesson also runs on stock Keras alone, with the speed-ups switched off by the
one switch the lessons name (issue 14): `TEXTRNN_LESSONS_SPEEDUPS=off`, which a lesson's
`SPEEDUPS = None` follows. nbval runs the same notebooks with the speed-ups on."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from textrnn_lessons.teaching.catalogue import LESSONS

pytestmark = pytest.mark.notebooks

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
APPROACH_LESSONS = [
    lesson for lesson in LESSONS if lesson.stem[:2] in {"02", "03", "04", "05", "06"}
]


def _output_text(cell) -> str:
    return "".join(output.get("text", "") for output in cell.get("outputs", []))


def _cell(notebook, tag: str):
    return next(cell for cell in notebook.cells if tag in cell.get("metadata", {}).get("tags", []))


@pytest.mark.parametrize("lesson", APPROACH_LESSONS, ids=lambda lesson: lesson.stem)
def test_each_approach_lesson_runs_on_stock_keras(lesson, tmp_path, monkeypatch):
    monkeypatch.setenv("TEXTRNN_LESSONS_SPEEDUPS", "off")
    monkeypatch.setenv("TEXTRNN_LESSONS_PRESET", "smoke")
    monkeypatch.setenv("TEXTRNN_LESSONS_RESULTS", str(tmp_path / "results.jsonl"))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    notebook = nbformat.read(NOTEBOOKS / lesson.notebook, as_version=4)
    NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    ).execute()
    said = _output_text(_cell(notebook, "step-speedups"))
    assert "stock Keras" in said, f"{lesson.stem}'s speed-up step said: {said!r}"
    assert (tmp_path / "results.jsonl").is_file(), f"{lesson.stem} logged no run"
