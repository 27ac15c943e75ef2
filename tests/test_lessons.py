"""The lessons as committed: one list, text files paired with notebooks, the same shape.

Each lesson is a MyST Markdown file (what instructors edit) paired with its .ipynb (what
learners open) by jupytext. These tests read both; nbval runs the notebooks themselves.
"""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import nbformat
import pytest

from textrnn_lessons.teaching.catalogue import LESSONS, markdown_table
from textrnn_lessons.teaching.lesson_times import recorded_run_all

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
CHECKED = "nbval-check-output"
APPROACH_LESSONS = [
    lesson for lesson in LESSONS if lesson.stem[:2] in {"02", "03", "04", "05", "06"}
]


def tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def paired(stem: str):
    """(text notebook read by jupytext, stored .ipynb)."""
    return (
        jupytext.read(NOTEBOOKS / f"{stem}.md"),
        nbformat.read(NOTEBOOKS / f"{stem}.ipynb", as_version=4),
    )


def stray_outputs(notebook) -> list[str]:
    """Code cells that store outputs or execution counts nbval does not check."""
    problems = []
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type != "code" or CHECKED in tags(cell):
            continue
        if cell.get("outputs"):
            problems.append(f"cell {number} has {len(cell.outputs)} stored output(s)")
        if cell.get("execution_count") is not None:
            problems.append(f"cell {number} has execution_count {cell.execution_count}")
    return problems


def test_the_lesson_list_is_what_is_in_notebooks():
    stems = [lesson.stem for lesson in LESSONS]
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")) == sorted(stems)
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.md")) == sorted(stems)


def test_the_readme_table_is_the_lesson_list():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert markdown_table() in readme, (
        "README.md's table of lessons differs from textrnn_lessons/teaching/catalogue.py; paste the output "
        "of `python -c 'from textrnn_lessons.teaching.catalogue import markdown_table; "
        "print(markdown_table())'` into it."
    )


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.stem)
def test_no_outputs_except_in_checked_cells(lesson):
    notebook = nbformat.read(NOTEBOOKS / f"{lesson.stem}.ipynb", as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata.get("kernelspec", {}).get("name") == "python3"
    problems = stray_outputs(notebook)
    assert not problems, f"{lesson.stem}.ipynb: {'; '.join(problems)}. Clear them, then sync."
    for cell in notebook.cells:
        if CHECKED in tags(cell):
            assert cell.outputs, f"{lesson.stem}: a checked cell stores no expected output"
            assert "stderr" not in {o.get("name") for o in cell.outputs}
    sources = "\n".join(c.source for c in notebook.cells)
    assert "NBVAL" not in sources, "test markers belong in cell tags, not on the learner's screen"


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
                metadata={"tags": [CHECKED]},
                outputs=[nbformat.v4.new_output("stream", text="2\n")],
            ),
        ]
    )
    assert stray_outputs(notebook) == [
        "cell 1 has 1 stored output(s)",
        "cell 1 has execution_count 3",
    ]


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.stem)
def test_each_lesson_has_objectives_exercises_key_points_and_a_next_link(lesson):
    text_nb, _ = paired(lesson.stem)
    markdown = "\n".join(c.source for c in text_nb.cells if c.cell_type == "markdown")
    opening = text_nb.cells[0].source
    for heading in ("**Questions**", "**Objectives**", "**Teaching:**", "**Run All:**"):
        assert heading in opening, f"{lesson.stem} opens without {heading}"
    assert "## Key points" in markdown
    exercises = [
        c
        for c in text_nb.cells
        if c.cell_type == "markdown" and re.search(r"^#+ Exercise \d", c.source, re.M)
    ]
    assert 2 <= len(exercises) <= 3, f"{lesson.stem} has {len(exercises)} exercises"
    assert markdown.count("<details>") >= len(exercises), "every exercise needs its solution"
    assert text_nb.cells[-1].source.strip() == f'show_next("{lesson.stem}")'


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.stem)
def test_each_lessons_run_all_time_is_the_recorded_one(lesson):
    """The time in a lesson's opening box is the one `check` scales (lesson_times.py)."""
    opening = paired(lesson.stem)[0].cells[0].source
    stated = re.search(r"\*\*Run All:\*\* ([^(]+?) \(", opening)
    assert stated, f"{lesson.stem}'s opening box states no Run All time"
    assert stated.group(1) == recorded_run_all(lesson.stem), (
        f"{lesson.stem} says Run All takes {stated.group(1)}; lesson_times.py recorded "
        f"{recorded_run_all(lesson.stem)}. Re-measure (benchmarks/notebook_resources.py "
        "--record) and update both."
    )


def _step_tags(stem):
    text_nb, _ = paired(stem)
    return [t for c in text_nb.cells for t in tags(c) if t.startswith("step-")]


def test_the_approach_lessons_share_their_steps_in_the_same_order():
    first = _step_tags(APPROACH_LESSONS[0].stem)
    assert "step-model" in first and "step-fit" in first
    for lesson in APPROACH_LESSONS[1:]:
        assert _step_tags(lesson.stem) == first, f"{lesson.stem} has drifted from 02's steps"


@pytest.mark.parametrize("lesson", APPROACH_LESSONS, ids=lambda lesson: lesson.stem)
def test_the_learner_writes_the_keras_code(lesson):
    text_nb, _ = paired(lesson.stem)
    code = "\n".join(c.source for c in text_nb.cells if c.cell_type == "code")
    for call in (
        "keras.Sequential(",
        "keras.Input(",
        "layers.Embedding(",
        "layers.SimpleRNN(",
        "layers.Dense(",
        "model.compile(",
        "model.fit(",
    ):
        assert call in code, f"{lesson.stem} has no {call} in its code cells"
    assert "build_model" not in code


@pytest.mark.parametrize("lesson", APPROACH_LESSONS, ids=lambda lesson: lesson.stem)
def test_the_model_cell_builds_the_tutorials_network(lesson):
    """The settings and model cells, run as they stand, give the tutorial's layers, shapes and
    parameter counts (the embedding counted for this vocabulary)."""
    import keras
    from keras import layers

    from textrnn_lessons.models.design_check import differences
    from textrnn_lessons.training.fitting import set_seed

    text_nb, _ = paired(lesson.stem)
    cells = {t: c.source for c in text_nb.cells for t in tags(c)}
    namespace = {"keras": keras, "layers": layers, "set_seed": set_seed, "vocab_size": 1_000}
    exec(cells["step-settings"], namespace)
    exec(cells["model"].replace("model.summary()", ""), namespace)
    number = int(lesson.stem[:2]) - 1
    assert differences(namespace["model"], number, 1_000) == []
