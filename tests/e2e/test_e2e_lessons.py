"""The lesson notebooks in JupyterLab, as a learner meets them: open, Run All, look at the outputs.

The approach notebook is run once (module fixture); the tests then read its outputs and use the
approach panel at its end, in order: controls, an invalid design, Train, Stop.
"""
import re

import pytest

pytest.importorskip("playwright")

from .pages import (LabNotebook, PanelDriver, assert_image_shown,  # noqa: E402
                    check_controls_render, check_invalid_design_is_refused,
                    check_stop_leaves_panel_usable, check_train_shows_curves_and_accuracy)

START_HERE = "notebooks/00_start_here.ipynb"
APPROACH_1 = "notebooks/02_single_rnn_25_tokens.ipynb"


def test_start_here_runs_and_shows_its_verdict(lab):
    notebook = lab(START_HERE)
    notebook.run_all(timeout=300)
    notebook.assert_ran_cleanly()
    verdict = notebook.output_of("run_checks(").text_content()
    assert "All checks passed: ready for the lessons." in verdict, (
        f"00_start_here did not show the all-clear; its check cell shows:\n{verdict}")
    assert re.search(r"\[ok\] training: approach 1 trained", verdict), verdict


@pytest.fixture(scope="module")
def approach_notebook(lab_server, module_page):
    """Notebook 02 opened and run top to bottom once (smoke preset), kept open for the tests."""
    notebook = LabNotebook(module_page, lab_server, APPROACH_1).open()
    notebook.run_all(timeout=600)
    yield notebook
    lab_server.shutdown_kernels()


def test_approach_notebook_runs_top_to_bottom(approach_notebook):
    approach_notebook.assert_ran_cleanly()
    summary = approach_notebook.output_of("print(evaluation.summary())").text_content()
    assert "accuracy" in summary.lower(), f"The evaluation cell shows no accuracy:\n{summary}"


def test_approach_notebook_shows_the_confusion_matrix(approach_notebook):
    output = approach_notebook.output_of("plot_confusion_matrix(evaluation")
    assert_image_shown(output, "The confusion-matrix cell")


def test_approach_notebook_shows_the_lime_explanation(approach_notebook):
    table = approach_notebook.output_of("print(explanation.table())")
    assert "Words that moved P(" in table.text_content(), "LIME's word table is missing."
    view = approach_notebook.output_of("explanation.show()")
    # LIME's own view is drawn by its JavaScript (d3) into SVG bar charts inside div.lime
    bars = view.locator(".lime svg rect")
    try:
        bars.first.wait_for(state="visible", timeout=30_000)
    except Exception:
        raise AssertionError("LIME's view drew no bars: its JavaScript did not run in the output "
                             f"(the cell shows {view.text_content()[:200]!r}).") from None
    assert bars.count() >= 4, f"LIME's view drew only {bars.count()} bars."


@pytest.fixture(scope="module")
def panel(approach_notebook):
    """The approach panel at the end of notebook 02, scrolled into view."""
    cell = approach_notebook.cell_with_source("ApproachPanel(approach=1)")
    return PanelDriver(approach_notebook.page, cell)


def test_the_approach_controls_render(panel):
    check_controls_render(panel)


def test_an_invalid_design_shows_the_panels_message(panel):
    check_invalid_design_is_refused(panel)


def test_train_shows_the_live_plot_and_a_test_accuracy(panel):
    check_train_shows_curves_and_accuracy(panel)


def test_stop_leaves_the_panel_usable(panel):
    check_stop_leaves_panel_usable(panel)
