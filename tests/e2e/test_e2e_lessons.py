"""The lesson notebooks in JupyterLab, as a learner meets them: open, Run All, look at the outputs.

Notebook 02 is run once (module fixture); the tests then read its outputs and use the
approach panel at its end, in order: controls, an invalid design, Train, Stop. Notebook 04 is
run as a learner who has not written the network yet: the lesson must train the reference and
say so. Each view is photographed into test-artifacts/e2e/screens/lab-*.png and checked for
what looks unfinished.
"""

import re

import pytest

pytest.importorskip("playwright")

from .pages import (
    PanelDriver,
    check_controls_render,
    check_invalid_design_is_refused,
    check_stop_leaves_panel_usable,
    check_train_shows_curves_and_accuracy,
    ran_notebook,
)
from .screens import assert_stayed_local, look_at, look_at_image, track_requests

START_HERE = "notebooks/00_start_here.ipynb"
APPROACH_1 = "notebooks/02_single_rnn_25_tokens.ipynb"
APPROACH_3 = "notebooks/04_bidirectional_rnn.ipynb"
FALLBACK = "Training the reference network so the lesson can go on"


def test_start_here_runs_and_shows_its_verdict(lab):
    notebook = lab(START_HERE)
    notebook.run_all(timeout=300)
    notebook.assert_ran_cleanly()
    verdict = notebook.output_of("run_checks(").text_content()
    assert "All checks passed: ready for the lessons." in verdict, (
        f"00_start_here did not show the all-clear; its check cell shows:\n{verdict}"
    )
    assert re.search(r"\[ok\] training: approach 1 trained", verdict), verdict
    page = notebook.panel.text_content()
    assert "NBVAL" not in page, "00_start_here shows a test marker."
    for noise in ("cuInit", "CUDA error", "absl::InitializeLog", "I0000", "oneDNN"):
        assert noise not in page, f"00_start_here shows TensorFlow's start-up line {noise!r}."
    look_at(notebook.output_of("run_checks("), "lab-00-checks", "00_start_here's check")


@pytest.fixture(scope="module")
def approach_notebook(lab_server, module_page):
    """Notebook 02 opened and run top to bottom once (smoke preset), kept open for the tests."""
    track_requests(module_page)
    with ran_notebook(module_page, lab_server, APPROACH_1) as notebook:
        yield notebook


def test_approach_notebook_runs_top_to_bottom(approach_notebook):
    approach_notebook.assert_ran_cleanly()
    report = approach_notebook.output_of("classification_report(y_test").text_content()
    assert "Test accuracy:" in report and "precision" in report, (
        f"The scikit-learn report cell shows no accuracy and report:\n{report}"
    )
    assert "NBVAL" not in approach_notebook.panel.text_content(), "02 shows a test marker."


def test_approach_notebook_shows_its_figures(approach_notebook):
    for name in ("embedding_lookup", "simple_rnn_unrolled"):
        figure = approach_notebook.figure(f"{name}.svg", near='name="approach_1"')
        look_at_image(figure, f"lab-02-figure-{name}", f"02's figure {name}")


def test_exercise_3_left_as_dots_trains_the_reference_and_says_so(approach_notebook):
    said = approach_notebook.output_of("variant = yours_or_reference(").text_content()
    assert "Not yet: replace the ..." in said and FALLBACK in said, said
    look_at(
        approach_notebook.cell_with_source("variant = yours_or_reference("),
        "lab-02-exercise-3-fallback",
        "02's exercise 3 with the ... in place",
    )


def test_approach_notebook_shows_the_training_curves(approach_notebook):
    look_at_image(
        approach_notebook.output_of("plot_history(history"),
        "lab-02-training-curves",
        "02's training curves",
    )


def test_approach_notebook_shows_the_confusion_matrix(approach_notebook):
    look_at_image(
        approach_notebook.output_of("skplt.metrics.plot_confusion_matrix("),
        "lab-02-confusion-matrix",
        "02's confusion matrix (scikit-plot)",
    )


def test_approach_notebook_shows_the_lime_explanation(approach_notebook):
    words = approach_notebook.output_of("explanation.as_list(label=label)").text_content()
    assert "towards" in words or "against" in words, f"LIME's word list is missing:\n{words}"
    view = approach_notebook.output_of("HTML(explanation.as_html())")
    # LIME's own view is drawn by its JavaScript (d3) into SVG bar charts inside div.lime
    bars = view.locator(".lime svg rect")
    try:
        bars.first.wait_for(state="visible", timeout=30_000)
    except Exception:
        raise AssertionError(
            "LIME's view drew no bars: its JavaScript did not run in the output "
            f"(the cell shows {view.text_content()[:200]!r})."
        ) from None
    assert bars.count() >= 4, f"LIME's view drew only {bars.count()} bars."
    look_at(view, "lab-02-lime-view", "02's LIME view")
    seeds = approach_notebook.output_of("seed_comparison(explanation, other")
    seeds.locator("table").first.wait_for(timeout=30_000)
    look_at(seeds, "lab-02-lime-seeds", "02's LIME seed comparison")
    assert_stayed_local(approach_notebook.page, "JupyterLab, running notebook 02")


@pytest.fixture(scope="module")
def panel(approach_notebook):
    """The approach panel at the end of notebook 02, scrolled into view."""
    cell = approach_notebook.cell_with_source("ApproachPanel(approach=1")
    return PanelDriver(approach_notebook.page, cell)


def test_the_approach_controls_render(panel):
    check_controls_render(panel)
    look_at(panel.root, "lab-02-panel-ready", "02's approach panel before a run")


def test_an_invalid_design_shows_the_panels_message(panel):
    check_invalid_design_is_refused(panel)


def test_train_shows_the_live_plot_and_a_test_accuracy(panel):
    check_train_shows_curves_and_accuracy(panel, "lab-02-panel-after-train")


def test_stop_leaves_the_panel_usable(panel):
    check_stop_leaves_panel_usable(panel, "lab-02-panel-after-stop")


def test_an_approach_lesson_trains_the_reference_until_the_learner_writes_the_network(lab):
    """04 under Run All with its exercises untouched: it runs to the end, says why it trains
    the reference network, and shows its figure."""
    notebook = lab(APPROACH_3)
    notebook.run_all(timeout=600)
    notebook.assert_ran_cleanly()
    choose = notebook.cell_with_source("model = yours_or_reference(my_model, approach=3")
    said = choose.locator(".jp-OutputArea").text_content()
    assert "Not yet: replace the ... with your keras.Sequential" in said and FALLBACK in said, said
    look_at(choose, "lab-04-choose-reference", "04's line that chooses the network")
    trained = notebook.output_of("print(evaluation.summary())").text_content()
    assert "Test accuracy:" in trained, f"04 did not evaluate the network it trained:\n{trained}"
    figure = notebook.figure("bidirectional.svg", near="my_model = ...  # keras.Sequential")
    look_at_image(figure, "lab-04-figure", "04's figure")
