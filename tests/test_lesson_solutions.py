"""Every exercise's folded solution is right: each lesson runs again with its solutions in place.

For lessons 00-06, each exercise cell's `name = ...` line is replaced by the python block of the
`<details>` solution under it, and the lesson runs top to bottom in a fresh kernel (smoke
preset). Every check must then say "Right", and where the exercise is the network (03-06, and
02's last exercise) the line that decides what trains must say it trains the learner's network.
nbval runs the same lessons as committed, with the `...` in place.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from textrnn_lessons.models.design_check import FALLBACK
from textrnn_lessons.teaching.catalogue import LESSONS

pytestmark = pytest.mark.notebooks

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
PLACEHOLDER = re.compile(r"^(\w+) = \.\.\.(\s*#.*)?$", re.M)
CHOOSERS = ("step-choose", "variant-choose")
TRAINS_YOURS = "Training your network."


def tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def solution_code(markdown: str) -> str:
    found = re.search(r"```python\n(.*?)```", markdown, re.S)
    assert found, f"a solution without a ```python block:\n{markdown[:300]}"
    return found.group(1).rstrip("\n")


def with_solutions(notebook) -> list[int]:
    """Put each exercise's solution in place of its `...` line; the exercise cells' indexes."""
    exercises = []
    for index, cell in enumerate(notebook.cells):
        if "exercise" not in tags(cell):
            continue
        placeholders = PLACEHOLDER.findall(cell.source)
        assert len(placeholders) == 1, f"exercise cell {index} should hold one `name = ...` line"
        solution = next(c.source for c in notebook.cells[index + 1 :] if "<details>" in c.source)
        code = solution_code(solution)
        cell.source = PLACEHOLDER.sub(lambda _, code=code: code, cell.source, count=1)
        exercises.append(index)
    return exercises


def said(cell) -> str:
    return "".join(
        output.get("text", "") for output in cell.get("outputs", []) if output.get("name")
    )


def check_output(notebook, index: int) -> str:
    """What an exercise's check printed: in its own cell, or in the line that chooses the
    network just after a model cell."""
    text = said(notebook.cells[index])
    if "Right:" in text or "Not yet:" in text:
        return text
    following = next(
        c for c in notebook.cells[index + 1 :] if c.cell_type == "code" and c.source.strip()
    )
    assert set(tags(following)) & set(CHOOSERS), f"exercise cell {index} has no check"
    return said(following)


@pytest.mark.parametrize("lesson", LESSONS[:7], ids=lambda lesson: lesson.stem)
def test_every_solution_gets_right_and_the_lesson_trains_the_learners_network(
    lesson, tmp_path, monkeypatch
):
    monkeypatch.setenv("TEXTRNN_LESSONS_PRESET", "smoke")
    monkeypatch.setenv("TEXTRNN_LESSONS_RESULTS", str(tmp_path / "results.jsonl"))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    notebook = nbformat.read(NOTEBOOKS / lesson.notebook, as_version=4)
    exercises = with_solutions(notebook)
    assert 2 <= len(exercises) <= 3, f"{lesson.stem} has {len(exercises)} exercises"
    NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    ).execute()
    for index in exercises:
        text = check_output(notebook, index)
        assert text.startswith("Right:") and "Not yet" not in text, (
            f"{lesson.stem}, exercise cell {index}, with its solution in place, said:\n{text}"
        )
    choosers = [c for c in notebook.cells if set(tags(c)) & set(CHOOSERS)]
    if lesson.stem[:2] in {"02", "03", "04", "05", "06"}:
        assert choosers, f"{lesson.stem} has no line that decides which network trains"
    for cell in choosers:
        text = said(cell)
        assert TRAINS_YOURS in text and FALLBACK not in text, f"{lesson.stem} said:\n{text}"


def test_the_placeholder_pattern_finds_what_a_learner_replaces():
    """The pattern the test relies on, on the shapes the lessons use."""
    cell = "MY_UNITS = 100   # your choice\nmy_model = ...   # approach 1\ncheck(my_model)"
    assert PLACEHOLDER.findall(cell) == [("my_model", "   # approach 1")]
    replaced = PLACEHOLDER.sub(lambda _: "my_model = build()", cell, count=1)
    assert replaced == "MY_UNITS = 100   # your choice\nmy_model = build()\ncheck(my_model)"
    assert not PLACEHOLDER.findall("my_share = 100 * x  # percent")
