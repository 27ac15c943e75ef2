"""The approach panel and the comparison view, driven in Python on the mini data (smoke preset)."""
from __future__ import annotations

import time

import pytest

from textrnn_lessons import data as data_module
from textrnn_lessons.results import read_runs
from textrnn_lessons.widgets import ApproachPanel, ComparisonView

RUN_TIMEOUT = 300  # seconds; a smoke run takes a few seconds, the machine may be busy


@pytest.fixture
def make_panel(mini_dir):
    """Build panels on the mini data; any run still going at the end is stopped."""
    panels = []

    def make(approach=1, **kwargs):
        kwargs.setdefault("preset", "smoke")
        kwargs.setdefault("data_dir", mini_dir)
        panel = ApproachPanel(approach, **kwargs)
        panels.append(panel)
        return panel

    yield make
    for panel in panels:
        panel.stop()
        panel.wait(RUN_TIMEOUT)


def train(panel):
    panel.train_button.click()
    assert panel.wait(RUN_TIMEOUT), "the run did not finish in time"
    assert panel.last_error is None, panel.last_error


def outputs_of(output_widget):
    return [mime for output in output_widget.outputs for mime in output["data"]]


# --- controls ---------------------------------------------------------------------------------

def test_panel_preselects_an_approach_and_displays_as_a_widget(make_panel):
    panel = make_panel(4)
    assert panel.approach.value == 4
    assert (panel.layers.value, panel.units.value, panel.bidirectional.value) == (3, "50, 60, 75", False)
    assert panel.current_approach().number == 4
    assert (panel.epochs.value, panel.batch_size.value) == (1, 128)  # the smoke preset's
    assert "Ready: Approach 4" in panel.message.value
    bundle = panel._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == panel.widget.model_id
    for name in ("textrnn-train", "textrnn-stop", "textrnn-message", "textrnn-live-plot",
                 "textrnn-test-accuracy"):
        assert name in (panel.train_button._dom_classes + panel.stop_button._dom_classes
                        + panel.message._dom_classes + panel.plot_output._dom_classes
                        + panel.test_accuracy._dom_classes)


def test_changing_the_design_selects_the_matching_approach_or_custom(make_panel):
    panel = make_panel(4)
    panel.bidirectional.value = True
    assert panel.approach.value == 5
    panel.cell.value = "GRU"
    assert panel.approach.value == "custom"
    approach = panel.current_approach()
    assert (approach.number, approach.cell, approach.units) == (None, "GRU", (50, 60, 75))
    assert approach.label.startswith("Custom: 3 bidirectional GRU layers")
    panel.approach.value = 1
    assert (panel.max_tokens.value, panel.units.value, panel.cell.value) == (25, "50", "SimpleRNN")


def test_layers_slider_resizes_the_units_list(make_panel):
    panel = make_panel(1)
    panel.layers.value = 3
    assert panel.units.value == "50, 50, 50"
    panel.layers.value = 2
    assert panel.units.value == "50, 50"
    assert not panel.train_button.disabled


def test_preset_sets_its_epochs_and_batch_size(make_panel):
    panel = make_panel(1)
    panel.preset.value = "workshop"
    assert (panel.epochs.value, panel.batch_size.value) == (3, 256)
    assert panel.settings() == {"epochs": 3, "batch_size": 256, "optimizer": "rmsprop",
                                "learning_rate": 0.001}


@pytest.mark.parametrize("layers, units, expected", [
    (3, "50, 60", "You chose 3 RNN layer(s) but gave units for 2"),
    (1, "fifty", "must be whole numbers separated by commas"),
    (2, "50, 2000", "each RNN layer needs 1 to 1024 units"),
    (1, "0", "each RNN layer needs 1 to 1024 units"),
])
def test_impossible_designs_are_refused_with_a_message(make_panel, private_results_log,
                                                       layers, units, expected):
    panel = make_panel("custom")
    panel.layers.value = layers
    panel.units.value = units
    assert expected in panel.message.value
    assert "Cannot train this design" in panel.message.value
    assert panel.train_button.disabled and panel.state == "refused"
    assert "textrnn-state-refused" in panel.widget._dom_classes
    panel.train_button.click()  # click() in Python ignores `disabled`; the panel must refuse
    assert not panel.running and panel.last_result is None
    assert not private_results_log.exists()
    panel.units.value = ", ".join(["40"] * layers)
    assert not panel.train_button.disabled and "Ready: Custom" in panel.message.value


def test_controls_only_offer_valid_values(make_panel):
    panel = make_panel(1)
    assert set(panel.cell.options) == {"SimpleRNN", "LSTM", "GRU"}
    assert [value for _, value in panel.optimizer.options] == ["rmsprop", "adam"]
    assert (panel.max_tokens.min, panel.max_tokens.max) == (1, 500)
    assert (panel.embed_len.min, panel.embed_len.max) == (1, 512)
    panel.max_tokens.value = 10_000  # sliders clamp to their range
    assert panel.max_tokens.value == 500


# --- training ---------------------------------------------------------------------------------

def test_train_click_shows_live_curves_results_and_logs_the_run(make_panel, private_results_log,
                                                                monkeypatch):
    loads = []
    real_load = data_module.load_ag_news
    monkeypatch.setattr(data_module, "load_ag_news", lambda *a, **k: loads.append(a) or real_load(*a, **k))
    panel = make_panel(1)
    view = ComparisonView(panel)
    assert "No runs logged yet" in view.message.value
    panel.epochs.value = 2
    panel.train_button.click()
    assert panel.running and panel.state == "running"
    assert "textrnn-state-running" in panel.widget._dom_classes

    train(panel)
    assert panel.state == "finished" and "added to the results log" in panel.message.value
    assert len(panel.history["loss"]) == 2 and len(panel.history["val_accuracy"]) == 2
    assert outputs_of(panel.plot_output) == ["image/png", "text/plain"]
    assert "image/png" in outputs_of(panel.result_output)
    accuracy = panel.last_result.evaluation.accuracy
    assert f"{100 * accuracy:.2f} %" in panel.test_accuracy.value
    assert "86.75 %" in panel.test_accuracy.value  # the tutorial's figure for approach 1
    assert panel.progress.value == panel.progress.max > 0
    runs = read_runs(private_results_log)
    assert len(runs) == 1
    assert (runs[0]["approach"], runs[0]["epochs"], runs[0]["preset"]) == (1, 2, "smoke")
    assert runs[0]["stopped_early"] is False
    assert runs[0]["test_accuracy"] == pytest.approx(accuracy, abs=1e-6)
    # The linked comparison view refreshed itself.
    assert "1 run," in view.message.value and "Approach 1: Single RNN layer" in view.table.value
    assert outputs_of(view.chart_output) == ["image/png", "text/plain"]

    # A second click reuses the loaded data and appends a second record.
    panel.epochs.value = 1
    train(panel)
    assert len(loads) == 1
    assert len(read_runs(private_results_log)) == 2
    assert not panel.train_button.disabled and panel.stop_button.disabled


def test_custom_design_longer_than_the_default_sequence_trains(make_panel, private_results_log):
    panel = make_panel("custom")
    panel.cell.value = "GRU"
    panel.layers.value = 2
    panel.units.value = "8, 6"
    panel.max_tokens.value = 60  # longer than the shared 50-token vectorizer
    panel.optimizer.value = "adam"
    panel.learning_rate.value = 0.01
    train(panel)
    assert panel.state == "finished"
    [run] = read_runs(private_results_log)
    assert run["approach"] is None and run["label"].startswith("Custom: 2 GRU layers (8, 6)")
    assert (run["cell"], run["units"], run["max_tokens"]) == ("GRU", [8, 6], 60)
    assert (run["optimizer"], run["learning_rate"]) == ("adam", 0.01)


def test_stop_ends_training_and_leaves_the_log_and_panel_intact(make_panel, private_results_log):
    panel = make_panel(1)
    panel.epochs.value = 30  # far longer than the test waits for
    panel.batch_size.value = 16
    panel.train_button.click()
    assert panel.running and not panel.stop_button.disabled and panel.train_button.disabled
    assert panel.approach.disabled and panel.units.disabled  # no edits while it trains
    deadline = time.monotonic() + RUN_TIMEOUT
    while panel.progress.value < 3 and panel.running and time.monotonic() < deadline:
        time.sleep(0.05)
    assert panel.running, f"the run ended before Stop was pressed: {panel.message.value}"
    panel.stop_button.click()
    assert panel.wait(RUN_TIMEOUT)
    assert panel.last_error is None, panel.last_error
    assert panel.state == "stopped" and "was not added to the results log" in panel.message.value
    assert panel.last_result.record["epochs"] < 30
    assert not private_results_log.exists()

    # Usable again: a short run after the stopped one finishes and is logged.
    assert not panel.train_button.disabled and panel.stop_button.disabled
    assert not panel.approach.disabled
    panel.epochs.value = 1
    panel.batch_size.value = 128
    train(panel)
    assert panel.state == "finished"
    assert [run["epochs"] for run in read_runs(private_results_log)] == [1]


def test_stop_while_the_data_loads_trains_nothing(make_panel, private_results_log, monkeypatch):
    import threading

    release = threading.Event()
    real_load = data_module.load_ag_news

    def slow_load(*args, **kwargs):
        release.wait(RUN_TIMEOUT)
        return real_load(*args, **kwargs)

    monkeypatch.setattr(data_module, "load_ag_news", slow_load)
    panel = make_panel(1)
    panel.train_button.click()
    panel.stop_button.click()
    release.set()
    assert panel.wait(RUN_TIMEOUT)
    assert panel.state == "stopped" and "before training started" in panel.message.value
    assert panel.history == {} and panel.last_result is None
    assert not private_results_log.exists() and not panel.train_button.disabled


def test_a_problem_during_the_run_is_shown_in_the_panel(make_panel, tmp_path, private_results_log):
    panel = make_panel(1, data_dir=tmp_path)  # no AG News files there
    panel.train_button.click()
    assert panel.wait(RUN_TIMEOUT)
    assert panel.state == "failed"
    assert "Training failed:" in panel.message.value and "train.csv" in panel.message.value
    assert not panel.train_button.disabled and panel.stop_button.disabled
    assert not private_results_log.exists()


# --- comparison view --------------------------------------------------------------------------

def test_comparison_view_reads_the_log_and_filters_by_preset(private_results_log, trained_smoke):
    from textrnn_lessons.results import append_run

    workshop = dict(trained_smoke.record, preset="workshop", test_accuracy=0.8)
    for record in (trained_smoke.record, workshop):
        append_run(record, private_results_log)
    view = ComparisonView()
    assert "2 runs" in view.message.value
    assert view.table.value.count("</tr>") == 3  # header + two runs
    view.preset.value = "workshop"
    assert "1 run," in view.message.value and "80.0" in view.table.value
    view.preset.value = "full"
    assert "No runs logged yet" in view.message.value and "90.53" in view.table.value
    view.preset.value = None
    with private_results_log.open("a") as handle:
        handle.write("{not json\n")
    view.refresh_button.click()
    assert "line 3 is not a JSON record" in view.message.value


def test_retracing_warnings_of_panel_runs_stay_out_of_other_cells(caplog):
    import logging
    import threading

    from textrnn_lessons.widgets import _QUIET_RETRACING, _THREAD_NAME

    logger = logging.getLogger("tensorflow")
    logger.addFilter(_QUIET_RETRACING)
    warning = "5 out of the last 5 calls to <function f> triggered tf.function retracing."
    for name in (_THREAD_NAME, "some-other-thread"):
        thread = threading.Thread(target=logger.warning, args=(warning,), name=name)
        thread.start()
        thread.join()
    logger.warning("a different TensorFlow warning")
    assert [r.threadName for r in caplog.records] == ["some-other-thread", "MainThread"]
