"""The approach panel, its training runner and the comparison view, driven in Python on the
mini data (smoke preset: 720 training articles, 6 batches of 128 per epoch)."""

from __future__ import annotations

import html
import re
import threading

import pytest

from textrnn_lessons.data import reading as data_module
from textrnn_lessons.models.approaches import get_approach
from textrnn_lessons.results.log import read_runs
from textrnn_lessons.settings import PRESETS, get_preset
from textrnn_lessons.training.trainer import Trainer
from textrnn_lessons.ui import ApproachPanel, ComparisonView
from textrnn_lessons.ui.controls import parse_units, preset_option
from textrnn_lessons.ui.training_thread import TrainingRun

from .conftest import MINI

RUN_TIMEOUT = 300  # seconds; a smoke run takes a few seconds, the machine may be busy
#: A small design for the runner's tests: quick to train, the same reports.
SMALL = get_approach(1).with_changes(max_tokens=10, units=[8])


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


def messages_of(panel) -> list[str]:
    """Every message the panel shows from now on, as plain text, in order."""
    said = []
    panel.message.observe(
        lambda change: said.append(re.sub("<[^>]+>", "", change["new"])), names="value"
    )
    return said


def stop_part_way(panel, epoch: int, batch: int):
    """Press Stop (as a learner would) after `batch` of `epoch`, both counted from 0."""
    report = panel.on_progress

    def on_progress(at_epoch, epochs, at_batch, steps):
        report(at_epoch, epochs, at_batch, steps)
        if (at_epoch, at_batch) == (epoch, batch):
            panel.stop_button.click()

    panel.on_progress = on_progress  # the runner reports to the panel's own attribute


# --- controls ---------------------------------------------------------------------------------


def test_panel_preselects_an_approach_and_displays_as_a_widget(make_panel):
    panel = make_panel(4)
    assert panel.approach.value == 4
    assert (panel.layers.value, panel.units.value, panel.bidirectional.value) == (
        3,
        "50, 60, 75",
        False,
    )
    assert panel.current_approach().number == 4
    assert (panel.epochs.value, panel.batch_size.value) == (1, 128)  # the smoke preset's
    assert "Ready: Approach 4" in panel.message.value
    bundle = panel._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == panel.widget.model_id
    for name in (
        "textrnn-train",
        "textrnn-stop",
        "textrnn-message",
        "textrnn-live-plot",
        "textrnn-test-accuracy",
    ):
        assert name in (
            panel.train_button._dom_classes
            + panel.stop_button._dom_classes
            + panel.message._dom_classes
            + panel.plot_output._dom_classes
            + panel.test_accuracy._dom_classes
        )


def test_the_approach_can_be_given_as_text_or_a_record_and_a_bad_one_gets_a_sentence(make_panel):
    assert make_panel("3").current_approach() == get_approach(3)
    assert make_panel(" custom ").approach.value == "custom"
    variant = get_approach(2).with_changes(units=[20])
    panel = make_panel(variant)
    assert panel.approach.value == "custom" and panel.units.value == "20"
    assert make_panel(get_approach(5).with_changes()).approach.value == 5  # the same design
    for bad, shown in ((1.0, "got 1.0 (a float)"), ("x", "got 'x' (a str)"), (6, "got 6")):
        with pytest.raises(
            ValueError, match=re.escape(f"numbered with the whole numbers 1 to 5; {shown}")
        ):
            ApproachPanel(bad, preset="smoke", data_dir=MINI)


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
    assert panel.settings() == {
        "epochs": 3,
        "batch_size": 256,
        "optimizer": "rmsprop",
        "learning_rate": 0.001,
    }


@pytest.mark.parametrize(
    "layers, units, expected",
    [
        (3, "50, 60", "You chose 3 RNN layer(s) but gave units for 2"),
        (1, "fifty", "must be whole numbers separated by commas"),
        (1, "²", "must be whole numbers separated by commas, like 50, 60, 75; got '²'"),
        (1, "5.0", "must be whole numbers separated by commas"),
        (2, "50, 2000", "each RNN layer needs 1 to 1024 units"),
        (1, "0", "each RNN layer needs 1 to 1024 units"),
    ],
)
def test_impossible_designs_are_refused_with_a_message(
    make_panel, private_results_log, layers, units, expected
):
    panel = make_panel("custom")
    panel.layers.value = layers
    panel.units.value = units
    assert expected in html.unescape(panel.message.value)
    assert "Cannot train this design" in panel.message.value
    assert panel.train_button.disabled and panel.state == "refused"
    assert "textrnn-state-refused" in panel.widget._dom_classes
    panel.train_button.click()  # click() in Python ignores `disabled`; the panel must refuse
    assert not panel.running and panel.last_result is None
    assert not private_results_log.exists()
    panel.units.value = ", ".join(["40"] * layers)
    assert not panel.train_button.disabled and "Ready: Custom" in panel.message.value


def test_units_are_plain_whole_numbers():
    assert parse_units(" 50, 60 75 ") == (50, 60, 75)
    for text in ("²", "٣", "50, -3", "", "1e2"):  # str.isdigit would take the first two
        with pytest.raises(ValueError, match="whole numbers separated by commas"):
            parse_units(text)


def test_controls_only_offer_valid_values(make_panel):
    panel = make_panel(1)
    assert set(panel.cell.options) == {"SimpleRNN", "LSTM", "GRU"}
    assert [value for _, value in panel.optimizer.options] == ["rmsprop", "adam"]
    assert (panel.max_tokens.min, panel.max_tokens.max) == (1, 500)
    assert (panel.embed_len.min, panel.embed_len.max) == (1, 512)
    panel.max_tokens.value = 10_000  # sliders clamp to their range
    assert panel.max_tokens.value == 500
    assert [label for label, _ in panel.preset.options] == [
        preset_option(preset) for preset in PRESETS.values()
    ]
    assert preset_option(get_preset("workshop")) == "workshop: 12,000 articles, 3 epochs"


def _em(size: str, default_px: float) -> float:
    """A CSS width in em (13 px to the em, JupyterLab's widget font size)."""
    if size and size.endswith("em"):
        return float(size[:-2])
    if size and size.endswith("px"):
        return float(size[:-2]) / 13
    return default_px / 13


def test_every_dropdown_option_shows_whole(make_panel):
    """Each option's text, measured in DejaVu Sans (the widest of the usual sans-serif fonts;
    Chromium's fallback on Linux), fits the select box: the dropdown's width less its
    description and the box's arrow and padding (about 3 em). No option is cut off."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextPath

    font = FontProperties(family="DejaVu Sans")
    panel = make_panel(1)
    for dropdown in (
        panel.approach,
        panel.preset,
        panel.cell,
        panel.optimizer,
        panel.learning_rate,
        panel.batch_size,
    ):
        room = _em(dropdown.layout.width, 300) - _em(dropdown.style.description_width, 80) - 3
        for label in dropdown._options_labels:
            width = TextPath((0, 0), label, size=1, prop=font).get_extents().width
            assert width <= room, (
                f"{dropdown.description}: {label!r} needs {width:.1f} em, "
                f"the box shows {room:.1f} em"
            )


# --- the runner, without widgets ----------------------------------------------------------------


class Recorder:
    """A runner's listener that writes down what it hears; it can press Stop part-way."""

    def __init__(self, stop_at=None):
        self.events, self.stop_at, self.run = [], stop_at, None

    def on_status(self, text):
        self.events.append(("status", text))

    def on_progress(self, epoch, epochs, batch, steps):
        self.events.append(("progress", (epoch, epochs, batch, steps)))
        if (epoch, batch) == self.stop_at:
            self.run.stop()

    def on_epoch(self, history, title):
        self.events.append(("epoch", (len(history["loss"]), title)))

    def on_evaluating(self):
        self.events.append(("evaluating", None))

    def on_finished(self, result, log_path, log_error):
        self.events.append(("finished", (result, log_path, log_error)))

    def on_stopped(self, result):
        self.events.append(("stopped", result))

    def on_failed(self, error):
        self.events.append(("failed", error))

    def kinds(self):
        """The events in order, repeats of progress folded into one."""
        kinds = [kind for kind, _ in self.events]
        return [k for i, k in enumerate(kinds) if k != "progress" or kinds[i - 1] != "progress"]


@pytest.fixture(scope="module")
def bench():
    return Trainer(MINI)


def run_with(bench, recorder, epochs):
    run = TrainingRun(bench, recorder)
    recorder.run = run
    run.start(
        SMALL,
        "smoke",
        {"epochs": epochs, "batch_size": 128, "optimizer": "rmsprop", "learning_rate": 0.001},
    )
    assert run.wait(RUN_TIMEOUT) and not run.running
    return run


def test_the_runner_reports_each_stage_in_order(bench, private_results_log):
    recorder = Recorder()
    run = run_with(bench, recorder, epochs=2)
    assert recorder.kinds() == [
        "status",
        "status",
        "status",
        "progress",
        "epoch",
        "progress",
        "epoch",
        "evaluating",
        "finished",
    ]
    statuses = [text for kind, text in recorder.events if kind == "status"]
    assert statuses[0].startswith("Loading AG News for preset smoke")
    assert statuses[2].startswith(f"Training {SMALL.label} on ")
    progress = [value for kind, value in recorder.events if kind == "progress"]
    assert progress == [(e, 2, b, 6) for e in range(2) for b in range(6)]
    assert [value for kind, value in recorder.events if kind == "epoch"] == [
        (1, SMALL.label),
        (2, SMALL.label),
    ]
    result, path, problem = recorder.events[-1][1]
    assert (path, problem) == (private_results_log, None) and result is run.result
    assert result.record["epochs"] == 2 and read_runs(private_results_log) == [result.record]
    assert {key: len(values) for key, values in run.history.items()} == {
        "loss": 2,
        "accuracy": 2,
        "val_loss": 2,
        "val_accuracy": 2,
    }


def test_a_stopped_run_reports_only_its_complete_epochs(bench, private_results_log):
    recorder = Recorder(stop_at=(1, 2))  # Stop after the third batch of the second epoch
    run = run_with(bench, recorder, epochs=4)
    assert recorder.kinds() == [
        "status",
        "status",
        "status",
        "progress",
        "epoch",
        "progress",
        "stopped",
    ]
    assert "evaluating" not in recorder.kinds()  # a stopped run is tested, but not announced
    result = recorder.events[-1][1]
    assert result.stopped_early and result.record["epochs"] == 1
    assert [len(values) for values in run.history.values()] == [1, 1, 1, 1]
    assert not private_results_log.exists()


# --- training in the panel ----------------------------------------------------------------------


def test_train_click_shows_live_curves_results_and_logs_the_run(
    make_panel, private_results_log, monkeypatch
):
    loads = []
    real_load = data_module.load_ag_news
    monkeypatch.setattr(
        data_module, "load_ag_news", lambda *a, **k: loads.append(a) or real_load(*a, **k)
    )
    panel = make_panel(1)
    view = ComparisonView(panel)
    assert "No runs logged yet" in view.message.value
    said = messages_of(panel)
    panel.epochs.value = 2
    panel.train_button.click()
    assert panel.running and panel.state == "running"
    assert "textrnn-state-running" in panel.widget._dom_classes

    train(panel)
    assert panel.state == "finished" and "added to the results log" in panel.message.value
    testing = "Training done; testing on the 400 test articles..."
    assert testing in said and said.index(testing) == len(said) - 2  # then the final message
    assert len(panel.history["loss"]) == 2 and len(panel.history["val_accuracy"]) == 2
    assert outputs_of(panel.plot_output) == ["image/png", "text/plain"]
    assert "image/png" in outputs_of(panel.result_output)
    accuracy = panel.last_result.evaluation.accuracy
    assert f"{100 * accuracy:.2f} %" in panel.test_accuracy.value
    assert "after 2 complete epochs" in panel.test_accuracy.value
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


def test_stop_part_way_shows_complete_epochs_and_a_log_failure_is_not_a_training_failure(
    make_panel, private_results_log, monkeypatch, tmp_path
):
    from textrnn_lessons.ui import view as view_module

    plotted = []
    real_plot = view_module.plot_history
    monkeypatch.setattr(
        view_module,
        "plot_history",
        lambda history, **kwargs: (
            plotted.append(len(history["loss"])) or real_plot(history, **kwargs)
        ),
    )
    panel = make_panel(1)
    panel.epochs.value = 30  # far longer than the test lets it run
    stop_part_way(panel, epoch=1, batch=2)
    panel.train_button.click()
    assert panel.running and panel.train_button.disabled
    assert panel.approach.disabled and panel.units.disabled  # no edits while it trains
    assert panel.wait(RUN_TIMEOUT)
    assert panel.last_error is None, panel.last_error
    assert panel.state == "stopped"
    assert "Stopped by you after 1 complete epoch. " in panel.message.value
    assert "was not added to the results log" in panel.message.value
    assert "after 1 complete epoch." in panel.test_accuracy.value
    assert [len(values) for values in panel.history.values()] == [1, 1, 1, 1]
    assert plotted == [1]  # the curves show the one complete epoch, not the broken one
    assert panel.last_result.record["epochs"] == 1
    assert not private_results_log.exists()

    # Usable again; a run that trains but cannot be logged says so, and is no failure.
    assert not panel.train_button.disabled and panel.stop_button.disabled
    assert not panel.approach.disabled
    (tmp_path / "a-file").write_text("not a folder\n")
    monkeypatch.setenv("TEXTRNN_LESSONS_RESULTS", str(tmp_path / "a-file" / "results.jsonl"))
    del panel.on_progress  # no more Stop
    panel.epochs.value = 1
    panel.train_button.click()
    assert panel.wait(RUN_TIMEOUT)
    assert panel.state == "finished" and "Training failed" not in panel.message.value
    assert (
        "and tested (scores below), but the run could not be added to the results log"
        in panel.message.value
    )
    assert "results.jsonl" in panel.message.value  # the sentence names the file...
    assert str(tmp_path) not in panel.message.value  # ...but not the server's folders
    assert panel.last_error is not None and panel.last_result is not None
    assert "Test accuracy" in panel.test_accuracy.value


@pytest.fixture
def slow_data(monkeypatch) -> threading.Event:
    """The articles load only once the returned Event is set."""
    release = threading.Event()
    real_load = data_module.load_ag_news

    def slow_load(*args, **kwargs):
        release.wait(RUN_TIMEOUT)
        return real_load(*args, **kwargs)

    monkeypatch.setattr(data_module, "load_ag_news", slow_load)
    return release


def test_stop_while_the_data_loads_trains_nothing(make_panel, private_results_log, slow_data):
    release = slow_data
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


# --- getting ready, and designs that do not fit ------------------------------------------------


def test_prepare_gets_ready_in_the_background_then_says_ready(make_panel, private_results_log):
    panel = make_panel(1)
    thread = panel.prepare()
    assert panel.state == "preparing" and "Getting ready" in panel.message.value
    assert not panel.train_button.disabled  # a click now would wait for it
    thread.join(RUN_TIMEOUT)
    assert not panel.preparing and panel.state == "idle"
    assert "Ready: Approach 1" in panel.message.value
    assert panel.prepare() is None  # once is enough
    assert not private_results_log.exists()  # the throwaway run is not logged


def test_a_click_while_getting_ready_waits_and_then_trains(
    make_panel, private_results_log, slow_data
):
    release = slow_data
    panel = make_panel(1)
    panel.prepare()
    panel.train_button.click()
    assert panel.state == "running" and "Getting ready" in panel.message.value
    release.set()
    assert panel.wait(RUN_TIMEOUT)
    assert panel.state == "finished" and not panel.preparing
    assert len(read_runs()) == 1  # the learner's run, not the throwaway one


def test_a_design_too_large_for_the_kernels_memory_is_refused_with_what_fits(
    make_panel, monkeypatch
):
    from textrnn_lessons import machine

    monkeypatch.setattr(machine, "memory_available_bytes", lambda: 2 * 1024**3)  # a Binder pod
    panel = make_panel(1, preset="workshop")
    panel.approach.value = "custom"
    panel.max_tokens.value, panel.units.value = 500, "1024"
    panel.bidirectional.value, panel.cell.value = True, "LSTM"
    assert panel.state == "refused" and panel.train_button.disabled
    said = html.unescape(re.sub("<[^>]+>", "", panel.message.value))
    assert said.startswith("Cannot train this design: This design needs about ")
    assert "but this kernel has about 2.0 GB left" in said
    batch = int(re.search(r"The largest batch size that fits is (\d+)", said).group(1))
    panel.batch_size.value = batch
    assert panel.state == "idle" and not panel.train_button.disabled
    assert "Ready:" in panel.message.value


# --- comparison view --------------------------------------------------------------------------


def test_comparison_view_reads_the_log_and_filters_by_preset(private_results_log, trained_smoke):
    from textrnn_lessons.results.log import append_run

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
