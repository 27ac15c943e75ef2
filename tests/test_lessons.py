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

from .test_lesson_pairs import lessons as lessons_tool  # tools/lessons.py, the one check

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
    problems = lessons_tool.stray_outputs(notebook)
    assert not problems, f"{lesson.stem}.ipynb: {'; '.join(problems)}. Clear them, then sync."
    for cell in notebook.cells:
        if CHECKED in tags(cell):
            assert cell.outputs, f"{lesson.stem}: a checked cell stores no expected output"
            assert "stderr" not in {o.get("name") for o in cell.outputs}
    sources = "\n".join(c.source for c in notebook.cells)
    assert "NBVAL" not in sources, "test markers belong in cell tags, not on the learner's screen"


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
    stated = re.search(r"\*\*Run All:\*\* (?:about )?([^(]+?) \(", opening)
    assert stated, f"{lesson.stem}'s opening box states no Run All time"
    assert stated.group(1) == recorded_run_all(lesson.stem), (
        f"{lesson.stem} says Run All takes {stated.group(1)}; lesson_times.py recorded "
        f"{recorded_run_all(lesson.stem)}. Re-measure (benchmarks/notebook_resources.py "
        "--record) and update both."
    )


def _step_tags(stem):
    text_nb, _ = paired(stem)
    return [t for c in text_nb.cells for t in tags(c) if t.startswith("step-")]


def _is_subsequence(short: list, long: list) -> bool:
    remaining = iter(long)
    return all(item in remaining for item in short)


def test_the_approach_lessons_share_their_steps_in_the_same_order():
    """03-06 are one recipe; 02 holds the same steps (done by hand), less the choice of network."""
    first = _step_tags(APPROACH_LESSONS[1].stem)
    assert "step-model" in first and "step-choose" in first and "step-fit" in first
    for lesson in APPROACH_LESSONS[2:]:
        assert _step_tags(lesson.stem) == first, f"{lesson.stem} has drifted from 03's steps"
    worked = _step_tags(APPROACH_LESSONS[0].stem)
    assert _is_subsequence([t for t in first if t != "step-choose"], worked), (
        "02 has drifted from 03-06's steps"
    )


def code_of(stem: str) -> str:
    text_nb, _ = paired(stem)
    return "\n".join(c.source for c in text_nb.cells if c.cell_type == "code")


def solutions_of(stem: str) -> str:
    text_nb, _ = paired(stem)
    return "\n".join(
        c.source for c in text_nb.cells if c.cell_type == "markdown" and "<details>" in c.source
    )


KERAS_NETWORK = ("keras.Sequential(", "keras.Input(", "layers.Embedding(", "layers.Dense(")


def test_02_shows_every_step_of_the_tutorial_in_learner_cells():
    code = code_of("02_single_rnn_25_tokens")
    for call in (
        *KERAS_NETWORK,
        "layers.SimpleRNN(",
        "layers.TextVectorization(",
        ".adapt(",
        "vectorizer(data.train.texts)",
        "model.compile(",
        "model.fit(",
        "accuracy_score(",
        "classification_report(",
        "confusion_matrix(",
        "skplt.metrics.plot_confusion_matrix(",
        "LimeTextExplainer(class_names=",
        ".explain_instance(text, predict_proba",
    ):
        assert call in code, f"02 has no {call} in its code cells"


def test_01_builds_the_vocabulary_in_view():
    code = code_of("01_prepare_data")
    for call in ("layers.TextVectorization(", ".adapt(data.train.texts)", "vectorizer(["):
        assert call in code, f"01 has no {call} in its code cells"


@pytest.mark.parametrize("lesson", APPROACH_LESSONS[1:], ids=lambda lesson: lesson.stem)
def test_in_03_to_06_the_network_is_the_learners_and_the_reference_is_folded(lesson):
    """The network's code appears only in the solution; one visible line decides what trains."""
    code, solutions = code_of(lesson.stem), solutions_of(lesson.stem)
    uncommented = re.sub(r"#.*", "", code)  # `my_model = ...  # keras.Sequential([...])` is a hint
    number = int(lesson.stem[:2]) - 1
    assert f"model = yours_or_reference(my_model, approach={number}, vocab_size=vocab_size)" in code
    for call in KERAS_NETWORK:
        assert call not in uncommented, f"{lesson.stem} shows {call} outside its folded solution"
        assert call in solutions, f"{lesson.stem}'s solution lacks {call}"
    for call in ("model.compile(", "model.fit("):
        assert call in code, f"{lesson.stem} has no {call} in its code cells"


FORBIDDEN_IN_CODE = ("speedups", "Keras2RMSprop", "SPEEDUPS", "build_model", "set_seed(")


@pytest.mark.parametrize("lesson", LESSONS[:7], ids=lambda lesson: lesson.stem)
def test_lesson_code_is_stock_keras(lesson):
    """No lesson cell reaches for the package's speed machinery or its own optimizer."""
    code = code_of(lesson.stem)
    for name in FORBIDDEN_IN_CODE:
        assert name not in code, f"{lesson.stem} has {name!r} in a code cell"


#: What learner prose must not hold: developers' files, machines and data names.
DEVELOPER_NOTES = (
    "benchmark",
    "README",
    "mini split",
    "offline",
    "notebook_resources",
    "pipeline_speed",
    "speedups",
    "SPEEDUPS",
    ".py`",
)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.stem)
def test_learner_prose_holds_no_developer_notes(lesson):
    text_nb, _ = paired(lesson.stem)
    prose = "\n".join(c.source for c in text_nb.cells if c.cell_type == "markdown")
    found = [note for note in DEVELOPER_NOTES if note in prose]
    assert not found, f"{lesson.stem}'s text mentions {found}"


def _index(cells, predicate) -> int:
    return next(i for i, c in enumerate(cells) if predicate(c))


def _tagged(tag):
    return lambda cell: tag in tags(cell)


def _calls(name):
    return lambda cell: cell.cell_type == "code" and name in cell.source


@pytest.mark.parametrize(
    "stem, exercise, answer_shown_by",
    [
        ("02_single_rnn_25_tokens", "check_parameter_count(", _tagged("step-summary")),
        ("02_single_rnn_25_tokens", "check_accuracy_from_confusion(", _tagged("step-report")),
        ("03_single_rnn_50_tokens", "check_no_new_weights(", _tagged("step-summary")),
        ("04_bidirectional_rnn", "check_layer_count(", _tagged("step-summary")),
        ("05_stacked_rnn", "check_layer_count(", _tagged("step-summary")),
        ("06_stacked_bidirectional_rnn", "check_layer_count(", _tagged("step-summary")),
    ],
)
def test_no_cell_shows_an_answer_before_its_exercise(stem, exercise, answer_shown_by):
    """model.summary() prints every count, accuracy_score the accuracy: both come after."""
    cells = paired(stem)[0].cells
    assert _index(cells, _calls(exercise)) < _index(cells, answer_shown_by)


def test_prose_before_an_exercise_does_not_give_its_answer():
    """The sentences the review found, each one an answer printed above its question."""
    for stem, exercise, answer in (
        ("06_stacked_bidirectional_rnn", "check_layer_count(", "120"),
        ("03_single_rnn_50_tokens", "check_no_new_weights(", "no weights"),
        ("03_single_rnn_50_tokens", "check_no_new_weights(", "not more weights"),
    ):
        cells = paired(stem)[0].cells
        above = "\n".join(c.source for c in cells[: _index(cells, _calls(exercise))])
        assert answer not in above, f"{stem} gives {answer!r} before {exercise}"


FIGURE = re.compile(r"!\[([^\]]*)\]\((figures/[^)]+)\)")


def test_the_figures_are_shown_with_alt_text_and_none_is_missing_or_unused():
    shown = {}
    for lesson in LESSONS:
        text_nb, _ = paired(lesson.stem)
        for cell in text_nb.cells:
            for alt, path in FIGURE.findall(cell.source):
                assert len(alt.split()) >= 8, f"{lesson.stem}: {path} needs a real alt text"
                assert (NOTEBOOKS / path).is_file(), f"{lesson.stem} shows a missing {path}"
                shown.setdefault(path, lesson.stem)
    on_disk = {f"figures/{p.name}" for p in (NOTEBOOKS / "figures").glob("*.svg")}
    assert len(shown) >= 4 and set(shown) == on_disk, (sorted(shown), sorted(on_disk))
    where = {path.split("/")[1]: stem[:2] for path, stem in shown.items()}
    assert where["embedding_lookup.svg"] == "02" and where["simple_rnn_unrolled.svg"] == "02"
    assert where["bidirectional.svg"] == "04" and where["stacked_return_sequences.svg"] == "05"


def test_the_figures_are_what_the_drawing_script_draws(tmp_path):
    """tools/draw_figures.py is deterministic, and the committed SVGs are its current output."""
    import subprocess
    import sys

    subprocess.run(
        [sys.executable, str(REPO / "tools" / "draw_figures.py"), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    for drawn in tmp_path.glob("*.svg"):
        committed = NOTEBOOKS / "figures" / drawn.name
        assert committed.read_bytes() == drawn.read_bytes(), (
            f"{committed.name} differs from what tools/draw_figures.py draws: run it again"
        )


def _solution_code(markdown: str) -> str:
    found = re.search(r"```python\n(.*?)```", markdown, re.S)
    assert found, "a solution without a python block"
    return found.group(1)


@pytest.mark.parametrize("lesson", APPROACH_LESSONS[1:], ids=lambda lesson: lesson.stem)
def test_the_model_cell_with_its_solution_builds_the_tutorials_network(lesson):
    """The settings cell and the model cell, with the folded solution in place of the `...`,
    give the tutorial's layers, shapes and parameter counts (the embedding counted for this
    vocabulary)."""
    import keras
    from keras import layers

    from textrnn_lessons.models.design_check import differences

    cells = paired(lesson.stem)[0].cells
    by_tag = {t: c.source for c in cells for t in tags(c)}
    model_at = _index(cells, _tagged("step-model"))
    solution = next(c.source for c in cells[model_at:] if "<details>" in c.source)
    namespace = {"keras": keras, "layers": layers, "vocab_size": 1_000}
    exec(by_tag["step-settings"], namespace)
    exec(by_tag["step-model"].replace("my_model = ...", _solution_code(solution)), namespace)
    number = int(lesson.stem[:2]) - 1
    assert differences(namespace["my_model"], number, 1_000) == []
