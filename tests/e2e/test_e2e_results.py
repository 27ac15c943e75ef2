"""Lesson 07's tables and views in JupyterLab, and 01's histogram, as a learner sees them.

Notebook 07 trains all five approaches and several experiments over three seeds, which takes
too long here; so a short notebook (made by the fixture) makes the same calls 07 and 01 make,
on real runs: approach 1 and a design too short to learn (logged), two experiments over three
seeds. Each output is photographed into test-artifacts/e2e/screens/lab-07-*.png and checked
for cut text, NaN, overlapping widgets and missing images.
"""

import re

import pytest

pytest.importorskip("playwright")

from .pages import assert_image_shown, ran_notebook, wait_for_widget
from .screens import look_at, look_at_image

NOTEBOOK = "scratch/results_views.ipynb"
CELLS = (
    "from textrnn_lessons import (ComparisonView, Trainer, comparison_table, get_approach,\n"
    "                             load_ag_news, tutorial_table)\n"
    "from textrnn_lessons.results.experiments import Experiments\n"
    "from textrnn_lessons.teaching.explainers import count_tokens\n"
    "from textrnn_lessons.evaluation.plots import plot_token_lengths\n"
    "from textrnn_lessons.results.summary import key_differences, show_side_by_side, side_by_side\n"
    "from textrnn_lessons.results.tables import show_runs, show_tutorial\n"
    "data = load_ag_news()\n"
    "bench = Trainer()",
    "plot_token_lengths(count_tokens(data.train.texts), cutoffs=(25, 50));",
    "for approach in (get_approach(1), get_approach(1).with_changes(max_tokens=2)):\n"
    "    bench.log(bench.run(approach, data))",
    "show_runs(comparison_table())",
    "show_tutorial(tutorial_table())",
    "results = side_by_side(data)\nshow_side_by_side(results)",
    "key_differences(results)",
    "ComparisonView()",
    "lab = Experiments(data, seeds=(42, 7, 123), bench=bench)\n"
    "lab.run('baseline: approach 1', get_approach(1))\n"
    "lab.run('embedding length 8', get_approach(1).with_changes(embed_len=8))\n"
    "lab.table()",
)


@pytest.fixture(scope="module")
def results_notebook(lab_server, module_page, lesson_root):
    """The notebook written into the served folder, opened and run once."""
    import nbformat

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = lesson_root / NOTEBOOK
    path.parent.mkdir(exist_ok=True)
    nbformat.write(notebook, path)
    with ran_notebook(module_page, lab_server, NOTEBOOK) as opened:
        yield opened


def test_the_views_notebook_runs(results_notebook):
    results_notebook.assert_ran_cleanly()


def test_the_token_length_histogram(results_notebook):
    look_at_image(
        results_notebook.output_of("plot_token_lengths("),
        "lab-01-token-lengths",
        "01's token-length histogram",
    )


def test_the_runs_table_has_friendly_headers_and_marks_the_short_design(results_notebook):
    output = results_notebook.output_of("show_runs(comparison_table())")
    header = output.locator("thead").text_content()
    for raw in ("train_size", "test_accuracy_%", "tutorial_accuracy_%"):
        assert raw not in header, f"The runs table shows the raw column name {raw!r}: {header}"
    text = output.text_content()
    assert "too few tokens" in text, f"The 2-token design is not marked as such: {text}"
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", text), f"Long ISO times: {text}"
    look_at(output, "lab-07-runs-table", "The runs table (comparison_table)")


def test_the_tutorial_table(results_notebook):
    output = results_notebook.output_of("show_tutorial(tutorial_table())")
    look_at(output, "lab-07-tutorial-table", "The tutorial's table")


def test_the_side_by_side_tables_show_dashes_for_missing_runs(results_notebook):
    output = results_notebook.output_of("show_side_by_side(results)")
    assert "–" in output.text_content(), "Approaches without a run should show a dash."
    look_at(output, "lab-07-side-by-side", "07's side-by-side table")
    look_at(
        results_notebook.output_of("key_differences(results)"),
        "lab-07-key-differences",
        "07's key differences",
    )


def test_the_comparison_view_in_jupyterlab(results_notebook):
    cell = results_notebook.cell_with_source("ComparisonView()")
    view = wait_for_widget(
        results_notebook.page, ".textrnn-comparison", cell, what="The comparison view"
    )
    assert_image_shown(view.locator(".textrnn-comparison-chart"), "The comparison chart")
    look_at(view, "lab-07-comparison-view", "07's comparison view")


def test_the_experiments_table(results_notebook):
    output = results_notebook.output_of("lab.table()")
    output.locator("table").first.wait_for(timeout=30_000)
    look_at(output, "lab-07-experiments", "07's experiments table")
