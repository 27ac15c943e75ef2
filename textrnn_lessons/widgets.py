"""Interactive controls: pick or design an approach, train it live, compare runs with the tutorial.

`ApproachPanel` is used in every approach notebook (02-06) and `ComparisonView` in
07_results_and_next_steps. Both are plain ipywidgets (no extension beyond
jupyterlab_widgets), so they work in JupyterLab 4, Notebook 7 and Voila.

Training runs in a background thread so the notebook stays responsive. That thread
never touches pyplot: figures are drawn on bare `matplotlib.figure.Figure` objects
and sent to the Output widgets as PNG outputs, so they cannot leak into other cells.
"""
from __future__ import annotations

import base64
import html
import io
import logging
import re
import threading

import ipywidgets as w

from .config import PRESETS, get_preset
from .models import APPROACHES, RNN_CELLS, Approach, get_approach

CUSTOM = "custom"
MAX_LAYERS = 5
MAX_EPOCHS = 30
BATCH_SIZES = (16, 32, 64, 128, 256, 512, 1024)
LEARNING_RATES = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1)
KERAS_DEFAULT_LEARNING_RATE = 0.001  # the default of both RMSprop and Adam in Keras 3
_WIDE = {"description_width": "10em"}
_THREAD_NAME = "textrnn-train"


class _QuietRetracing(logging.Filter):
    """Drop TensorFlow's retracing warning in panel runs: every click builds a new model, so
    retracing is expected, and the warning would land in whichever cell happens to be running."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.threadName == _THREAD_NAME
                    and "triggered tf.function retracing" in record.getMessage())


_QUIET_RETRACING = _QuietRetracing()


# --- figures as Output-widget outputs (no pyplot: safe from any thread) -----------------------

def _png_output(figure, alt: str) -> dict:
    """A display_data output holding the figure as a PNG."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    return {"output_type": "display_data", "metadata": {},
            "data": {"image/png": base64.b64encode(buffer.getvalue()).decode("ascii"),
                     "text/plain": alt}}


def _html_output(markup: str, text: str) -> dict:
    """A display_data output holding HTML (with a plain-text fallback)."""
    return {"output_type": "display_data", "metadata": {},
            "data": {"text/html": markup, "text/plain": text}}


def history_figure(history: dict, title: str):
    """The live training curves: `training.plot_history` drawn on a pyplot-free Figure."""
    from matplotlib.figure import Figure

    from .training import plot_history

    return plot_history(history, title=title, figure=Figure(figsize=(9, 3.2)))


def confusion_figure(evaluation, title: str):
    """The normalized confusion matrix on a pyplot-free Figure.

    Drawn with scikit-learn's ConfusionMatrixDisplay because scikit-plots (used by
    `evaluate.plot_confusion_matrix` in the notebooks) always goes through pyplot.
    """
    from matplotlib.figure import Figure
    from sklearn.metrics import ConfusionMatrixDisplay

    figure = Figure(figsize=(5.2, 4.6))
    ax = figure.subplots()
    ConfusionMatrixDisplay.from_predictions(
        evaluation.y_true, evaluation.y_pred, labels=list(range(len(evaluation.class_names))),
        display_labels=list(evaluation.class_names), normalize="true", cmap="Blues",
        values_format=".2f", ax=ax, xticks_rotation=90)
    ax.set_title(title, fontsize=10)
    figure.tight_layout()
    return figure


# --- the control panel -------------------------------------------------------------------------

def parse_units(text: str) -> tuple[int, ...]:
    """'50, 60, 75' -> (50, 60, 75); a sentence saying what to type otherwise."""
    parts = [p for p in re.split(r"[,\s]+", text.strip()) if p]
    if not parts or not all(p.isdigit() for p in parts):
        raise ValueError(f"RNN units per layer must be whole numbers separated by commas, "
                         f"like 50, 60, 75; got {text.strip()!r}.")
    return tuple(int(p) for p in parts)


def _custom_name(units: tuple[int, ...], bidirectional: bool, cell: str, max_tokens: int,
                 embed_len: int) -> str:
    """A name that says what a custom design is, for the results log and the comparison."""
    layers = "layer" if len(units) == 1 else "layers"
    kind = f"bidirectional {cell}" if bidirectional else cell
    return (f"{len(units)} {kind} {layers} ({', '.join(map(str, units))}), {max_tokens} tokens, "
            f"embedding {embed_len}")


class ApproachPanel:
    """Controls for one approach, a Train and a Stop button, live curves and the test results.

    Display it by leaving it as the last expression of a cell. `train_button.click()`
    starts a run in a background thread; `wait()` blocks until it is over.
    """

    def __init__(self, approach: int | str | Approach = 1, preset=None, data_dir=None):
        self.data_dir = data_dir
        self.state = "idle"
        self.last_result = None
        self.last_error: BaseException | None = None
        self.history: dict[str, list[float]] = {}
        self._data: dict[str, object] = {}          # preset name -> AGNews
        self._vectorizers: dict[tuple, object] = {}  # (preset name, sequence length) -> vectorizer
        self._load_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._listeners = []
        self._syncing = False
        self._build_controls(get_preset(preset))
        self._connect()
        self._build_layout()
        self._select_initial(approach)
        self._validate()

    # building ------------------------------------------------------------------------------

    def _build_controls(self, preset) -> None:
        options = [(a.label, a.number) for a in APPROACHES] + [("Custom design", CUSTOM)]
        self.approach = w.Dropdown(options=options, value=1, description="Approach",
                                   style=_WIDE, layout=w.Layout(width="32em"))
        self.max_tokens = w.IntSlider(value=25, min=1, max=500, description="Max tokens",
                                      style=_WIDE, continuous_update=False)
        self.embed_len = w.IntSlider(value=30, min=1, max=512, description="Embedding length",
                                     style=_WIDE, continuous_update=False)
        self.layers = w.IntSlider(value=1, min=1, max=MAX_LAYERS, description="RNN layers",
                                  style=_WIDE, continuous_update=False)
        self.units = w.Text(value="50", description="Units per layer", style=_WIDE,
                            placeholder="e.g. 50, 60, 75", continuous_update=False)
        self.bidirectional = w.Checkbox(value=False, description="Bidirectional", indent=False)
        self.cell = w.Dropdown(options=RNN_CELLS, value="SimpleRNN", description="RNN cell",
                               style=_WIDE)
        self.optimizer = w.Dropdown(options=[("RMSprop", "rmsprop"), ("Adam", "adam")],
                                    value="rmsprop", description="Optimizer", style=_WIDE)
        self.learning_rate = w.Dropdown(
            options=[(f"{lr:g}" + (" (Keras default)" if lr == KERAS_DEFAULT_LEARNING_RATE else ""), lr)
                     for lr in LEARNING_RATES],
            value=KERAS_DEFAULT_LEARNING_RATE, description="Learning rate", style=_WIDE)
        self.epochs = w.IntSlider(value=preset.epochs, min=1, max=MAX_EPOCHS,
                                  description="Epochs", style=_WIDE, continuous_update=False)
        self.batch_size = w.Dropdown(options=BATCH_SIZES, value=preset.batch_size,
                                     description="Batch size", style=_WIDE)
        self.preset = w.Dropdown(options=[(f"{p.name}: {p.description}", p.name) for p in PRESETS.values()],
                                 value=preset.name, description="Preset", style=_WIDE,
                                 layout=w.Layout(width="32em"))
        self.train_button = w.Button(description="Train", button_style="primary", icon="play")
        self.stop_button = w.Button(description="Stop", button_style="warning", icon="stop",
                                    disabled=True)
        self.progress = w.IntProgress(value=0, min=0, max=1, description="", bar_style="info")
        self.progress_label = w.Label(value="")
        self.message = w.HTML(value="")
        self.plot_output = w.Output()
        self.test_accuracy = w.HTML(value="")
        self.result_output = w.Output()
        self._architecture = [self.max_tokens, self.embed_len, self.layers, self.units,
                              self.bidirectional, self.cell]
        self._training = [self.optimizer, self.learning_rate, self.epochs, self.batch_size,
                          self.preset]

    def _connect(self) -> None:
        """CSS classes for browser tests and styling, then the handlers that keep controls consistent."""
        for name in ("approach", "max_tokens", "embed_len", "layers", "units", "bidirectional",
                     "cell", "optimizer", "learning_rate", "epochs", "batch_size", "preset",
                     "progress", "progress_label", "message", "test_accuracy"):
            getattr(self, name).add_class("textrnn-" + name.replace("_", "-"))
        self.train_button.add_class("textrnn-train")
        self.stop_button.add_class("textrnn-stop")
        self.plot_output.add_class("textrnn-live-plot")
        self.result_output.add_class("textrnn-result")

        self.approach.observe(self._on_approach, names="value")
        self.layers.observe(self._on_layers, names="value")
        for control in self._architecture:
            control.observe(self._on_architecture, names="value")
        self.preset.observe(self._on_preset, names="value")
        for control in (self.optimizer, self.learning_rate, self.epochs, self.batch_size):
            control.observe(lambda change: self._validate(), names="value")
        self.train_button.on_click(lambda button: self.start())
        self.stop_button.on_click(lambda button: self.stop())

    def _build_layout(self) -> None:
        heading = w.HTML("<b>Design</b>")
        design = w.VBox([heading, *self._architecture])
        training = w.VBox([w.HTML("<b>Training</b>"), *self._training[:-1]])
        self.widget = w.VBox([
            self.approach, self.preset,
            w.HBox([design, training], layout=w.Layout(flex_flow="row wrap")),
            w.HBox([self.train_button, self.stop_button, self.progress, self.progress_label]),
            self.message, self.plot_output, self.test_accuracy, self.result_output,
        ])
        self.widget.add_class("textrnn-panel")
        self._set_state("idle")

    def _select_initial(self, approach) -> None:
        if isinstance(approach, Approach):
            self._show_design(approach)
            self._match_approach()
        elif approach == CUSTOM:
            self.approach.value = CUSTOM
        else:
            self.approach.value = get_approach(approach).number
            self._show_design(get_approach(approach))

    # display -------------------------------------------------------------------------------

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    # keeping the controls consistent ------------------------------------------------------------

    def _show_design(self, approach: Approach) -> None:
        """Set the design controls to an approach's values without triggering re-matching."""
        self._syncing = True
        try:
            self.max_tokens.value = approach.max_tokens
            self.embed_len.value = approach.embed_len
            self.layers.value = min(len(approach.units), MAX_LAYERS)
            self.units.value = ", ".join(map(str, approach.units))
            self.bidirectional.value = approach.bidirectional
            self.cell.value = approach.cell
        finally:
            self._syncing = False

    def _match_approach(self) -> None:
        """Select the tutorial approach the controls describe, or Custom if none."""
        try:
            design = self._design()
        except ValueError:
            design = None
        match = next((a.number for a in APPROACHES if design and _same_design(a, design)), CUSTOM)
        self._syncing = True
        try:
            self.approach.value = match
        finally:
            self._syncing = False

    def _on_approach(self, change) -> None:
        if not self._syncing and change["new"] != CUSTOM:
            self._show_design(get_approach(change["new"]))
        self._validate()

    def _on_layers(self, change) -> None:
        """Grow or shrink the units list with the layer count (repeating the last layer's units)."""
        if self._syncing:
            return
        try:
            units = list(parse_units(self.units.value))
        except ValueError:
            return  # the message already says how to fix the units
        units = (units + [units[-1]] * MAX_LAYERS)[: change["new"]]
        self._syncing = True
        try:
            self.units.value = ", ".join(map(str, units))
        finally:
            self._syncing = False

    def _on_architecture(self, change) -> None:
        if not self._syncing:
            self._match_approach()
            self._validate()

    def _on_preset(self, change) -> None:
        preset = get_preset(change["new"])
        self._syncing = True
        try:
            self.epochs.value = preset.epochs
            self.batch_size.value = preset.batch_size
        finally:
            self._syncing = False
        self._validate()

    # reading the controls ---------------------------------------------------------------------

    def _design(self) -> Approach:
        """The design the controls describe, as an unnamed Approach (ValueError if impossible)."""
        units = parse_units(self.units.value)
        if len(units) != self.layers.value:
            raise ValueError(
                f"You chose {self.layers.value} RNN layer(s) but gave units for {len(units)} "
                f"({', '.join(map(str, units))}). Give one number per layer, or move the "
                f"layers slider to {len(units)}.")
        name = _custom_name(units, self.bidirectional.value, self.cell.value,
                            self.max_tokens.value, self.embed_len.value)
        return Approach(None, name, self.max_tokens.value, self.embed_len.value, units,
                        self.bidirectional.value, self.cell.value)

    def current_approach(self) -> Approach:
        """The approach the panel would train: a tutorial one, or a custom design."""
        design = self._design()
        if self.approach.value == CUSTOM:
            return design
        return get_approach(self.approach.value)

    def settings(self) -> dict:
        """The training settings chosen in the panel, as `run_approach` keywords."""
        return {"epochs": self.epochs.value, "batch_size": self.batch_size.value,
                "optimizer": self.optimizer.value, "learning_rate": self.learning_rate.value}

    def _validate(self) -> bool:
        """Show why the current choice cannot be trained (and disable Train), or that it can."""
        if self.running:
            return False
        try:
            approach = self.current_approach()
        except ValueError as error:
            self._say(f"Cannot train this design: {error}", "error")
            self.train_button.disabled = True
            self._set_state("refused")
            return False
        s = self.settings()
        epochs = f"{s['epochs']} epoch" + ("s" if s["epochs"] != 1 else "")
        self._say(f"Ready: {approach.label}, preset {self.preset.value}, {epochs}, batch "
                  f"{s['batch_size']}, {self.optimizer.label} at learning rate {s['learning_rate']:g}.")
        self.train_button.disabled = False
        self._set_state("idle")
        return True

    # feedback --------------------------------------------------------------------------------

    def _say(self, text: str, kind: str = "info") -> None:
        colour = {"info": "inherit", "error": "#b00020", "done": "#1b5e20"}[kind]
        self.message.value = f'<span style="color:{colour}">{html.escape(text)}</span>'

    def _set_state(self, state: str) -> None:
        """Record the panel's state; the root widget carries it as a CSS class for browser tests."""
        for old in [c for c in self.widget._dom_classes if c.startswith("textrnn-state-")]:
            self.widget.remove_class(old)
        self.widget.add_class(f"textrnn-state-{state}")
        self.state = state

    def _set_busy(self, busy: bool) -> None:
        for control in [self.approach, *self._architecture, *self._training]:
            control.disabled = busy
        self.train_button.disabled = busy
        self.stop_button.disabled = not busy

    # running ---------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """True while a training run is in progress."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> threading.Thread | None:
        """What the Train button does: check the choice, then train in a background thread."""
        if self.running:
            self._say("A run is already in progress; press Stop to end it first.", "error")
            return None
        if not self._validate():
            return None
        approach, settings, preset = self.current_approach(), self.settings(), self.preset.value
        self._stop.clear()
        self.last_error = None
        self.history = {}
        self.plot_output.outputs = ()
        self.result_output.outputs = ()
        self.test_accuracy.value = ""
        self.progress.value, self.progress.bar_style = 0, "info"
        self._set_busy(True)
        self._set_state("running")
        self._thread = threading.Thread(target=self._run, args=(approach, settings, preset),
                                        name=_THREAD_NAME, daemon=True)
        self._thread.start()
        return self._thread

    def stop(self) -> None:
        """What the Stop button does: end training after the current batch."""
        if self.running:
            self._stop.set()
            self._say("Stopping after the current batch...")

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the current run is over; True if it is (False if `timeout` ran out)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return not self.running

    def on_run_finished(self, callback) -> None:
        """Call `callback(run_result)` after every run that was added to the results log."""
        self._listeners.append(callback)

    def _run(self, approach: Approach, settings: dict, preset: str) -> None:
        """The background job: load (cached), train with live feedback, evaluate, log."""
        logging.getLogger("tensorflow").addFilter(_QUIET_RETRACING)  # a no-op after the first
        try:
            data, vectorizer = self._prepare(preset, approach.max_tokens)
            if self._stop.is_set():
                self._finish("stopped", "Stopped before training started; nothing was logged.")
                return
            self._say(f"Training {approach.label} on {data.describe()}...")
            result = self._train(approach, data, vectorizer, settings)
            self._show_result(result, data)
        except Exception as error:  # shown in the panel; the panel stays usable
            self.last_error = error
            self._finish("failed", f"Training failed: {error}", "error")

    def _prepare(self, preset: str, max_tokens: int):
        """The preset's data and a vectorizer long enough for `max_tokens`, loaded once per panel."""
        from .data import load_ag_news
        from .vectorizer import LONGEST_SEQUENCE, build_vectorizer

        with self._load_lock:
            if preset not in self._data:
                self._say(f"Loading AG News for preset {preset} (once per panel)...")
                self._data[preset] = load_ag_news(preset, self.data_dir)
            data = self._data[preset]
            length = max(LONGEST_SEQUENCE, max_tokens)
            if (preset, length) not in self._vectorizers:
                self._say("Fitting the vocabulary on the training texts...")
                self._vectorizers[preset, length] = build_vectorizer(data.train.texts, length)
            return data, self._vectorizers[preset, length]

    def _train(self, approach, data, vectorizer, settings):
        from .pipeline import run_approach

        return run_approach(approach, data, vectorizer, callbacks=[_live_callback(self, approach)],
                            verbose=0, log=False, **settings)

    def _show_result(self, result, data) -> None:
        """Test accuracy, confusion matrix and report; log the run unless Stop was pressed."""
        from .results import append_run

        self.last_result = result
        evaluation, approach = result.evaluation, result.approach
        epochs_run = result.record["epochs"]
        tutorial = (f" The tutorial reports {approach.tutorial_accuracy:.2f} % for this approach "
                    f"(all 120,000 articles, 5 epochs).") if approach.tutorial_accuracy else ""
        self.test_accuracy.value = (
            f"<b>Test accuracy: {100 * evaluation.accuracy:.2f} %</b> on {len(data.test):,} test "
            f"articles after {epochs_run} epoch(s).{html.escape(tutorial)}")
        self.result_output.outputs = (
            _png_output(confusion_figure(evaluation, approach.label), "confusion matrix"),
            _html_output(f"<pre>{html.escape(evaluation.report)}</pre>", evaluation.report),
        )
        if self._stop.is_set():
            self._finish("stopped", f"Stopped by you after {epochs_run} epoch(s). The scores above "
                         "are for the half-trained model; the run was not added to the results log.")
            return
        path = append_run(result.record)
        done = (f"Done in {result.history.train_seconds:.1f} s of training. "
                f"The run was added to the results log ({path}).")
        for callback in list(self._listeners):  # before "finished", so linked views are current
            try:
                callback(result)
            except Exception as error:  # a broken listener must not break the panel
                done += f" Updating a linked view failed: {error}"
        self._finish("finished", done, "done")

    def _finish(self, state: str, text: str, kind: str = "info") -> None:
        self._say(text, kind)
        self.progress.bar_style = {"finished": "success", "stopped": "warning"}.get(state, "danger")
        self._set_busy(False)
        self._set_state(state)

    # called by the Keras callback (in the training thread) ------------------------------------

    def _batch_done(self, epoch: int, epochs: int, batch: int, steps: int | None) -> bool:
        """Advance the progress bar; return True when training should stop."""
        if steps:
            self.progress.max = epochs * steps
            self.progress.value = min(epoch * steps + batch + 1, self.progress.max)
        of_steps = f"/{steps}" if steps else ""
        self.progress_label.value = f"epoch {epoch + 1}/{epochs}, batch {batch + 1}{of_steps}"
        return self._stop.is_set()

    def _epoch_done(self, logs: dict, title: str) -> None:
        for key, value in logs.items():
            self.history.setdefault(key, []).append(float(value))
        if "loss" in self.history:
            self.plot_output.outputs = (_png_output(history_figure(self.history, title),
                                                    "training curves"),)


def _same_design(a: Approach, b: Approach) -> bool:
    fields = ("max_tokens", "embed_len", "units", "bidirectional", "cell")
    return all(getattr(a, f) == getattr(b, f) for f in fields)


def _live_callback(panel: ApproachPanel, approach: Approach):
    """A Keras callback that feeds the panel and honours its Stop button after each batch."""
    import keras

    class LivePanel(keras.callbacks.Callback):
        epoch = 0

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch

        def on_train_batch_end(self, batch, logs=None):
            if panel._batch_done(self.epoch, self.params.get("epochs", 1), batch,
                                 self.params.get("steps")):
                self.model.stop_training = True

        def on_epoch_end(self, epoch, logs=None):
            panel._epoch_done(logs or {}, approach.label)

    return LivePanel()


# --- the comparison view -------------------------------------------------------------------------

class ComparisonView:
    """Every logged run in one table and one chart, beside the tutorial's published accuracies.

    Pass panels (or call `follow`) to refresh it whenever one of them logs a run.
    """

    def __init__(self, *panels: ApproachPanel):
        self.refresh_button = w.Button(description="Refresh", icon="refresh")
        self.preset = w.Dropdown(options=[("all presets", None)] + [(p, p) for p in PRESETS],
                                 value=None, description="Show")
        self.message = w.HTML(value="")
        self.chart_output = w.Output()
        self.table = w.HTML(value="", layout=w.Layout(max_height="24em", overflow="auto"))
        for name, widget in (("refresh", self.refresh_button), ("comparison-preset", self.preset),
                             ("comparison-message", self.message),
                             ("comparison-chart", self.chart_output),
                             ("comparison-table", self.table)):
            widget.add_class("textrnn-" + name)
        self.widget = w.VBox([w.HBox([self.refresh_button, self.preset]), self.message,
                              self.chart_output, self.table])
        self.widget.add_class("textrnn-comparison")
        self.refresh_button.on_click(lambda button: self.refresh())
        self.preset.observe(lambda change: self.refresh(), names="value")
        self._lock = threading.Lock()
        for panel in panels:
            self.follow(panel)
        self.refresh()

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def follow(self, panel: ApproachPanel) -> "ComparisonView":
        """Refresh this view whenever `panel` adds a run to the log."""
        panel.on_run_finished(lambda result: self.refresh())
        return self

    def refresh(self) -> None:
        """Re-read the results log and redraw the table and the chart."""
        from .results import comparison_table, tutorial_table

        with self._lock:
            try:
                table = comparison_table()
            except ValueError as error:  # a damaged log line: the sentence says how to fix it
                self.message.value = f'<span style="color:#b00020">{html.escape(str(error))}</span>'
                return
            if self.preset.value:
                table = table[table["preset"] == self.preset.value].reset_index(drop=True)
            if table.empty:
                self.message.value = ("No runs logged yet; train an approach and refresh. "
                                      "The tutorial's published accuracies:")
                self.table.value = tutorial_table().to_html(index=False)
            else:
                self.message.value = f"{len(table)} run(s), newest first."
                self.table.value = table.to_html(index=False, na_rep="")
            self.chart_output.outputs = (_png_output(comparison_figure(table), "comparison chart"),)


def comparison_figure(table):
    """Bars: the tutorial's accuracy for approaches 1-5 beside the latest run per preset.

    Custom designs (no published figure) get their own rows below the five approaches.
    """
    import numpy as np
    from matplotlib.figure import Figure

    latest = table.drop_duplicates(subset=["label", "preset"])  # newest first already
    labels = [a.label for a in APPROACHES]
    labels += [label for label in dict.fromkeys(latest["label"]) if label not in labels][:10]
    series = {"tutorial (120,000 articles)": {a.label: a.tutorial_accuracy for a in APPROACHES}}
    for preset in [p for p in PRESETS if p in set(latest["preset"])]:
        rows = latest[latest["preset"] == preset]
        series[f"your runs: {preset}"] = dict(zip(rows["label"], rows["test_accuracy_%"]))

    figure = Figure(figsize=(9, 1.2 + 0.55 * len(labels)))
    ax = figure.subplots()
    height = 0.8 / len(series)
    y = np.arange(len(labels))
    for i, (name, values) in enumerate(series.items()):
        widths = [values.get(label, np.nan) for label in labels]
        bars = ax.barh(y + i * height, widths, height=height, label=name,
                       color="0.6" if i == 0 else None)
        ax.bar_label(bars, labels=["" if np.isnan(v) else f"{v:.1f}" for v in widths],
                     padding=2, fontsize=8)
    ax.set_yticks(y + height * (len(series) - 1) / 2, labels)
    ax.invert_yaxis()
    ax.axvline(25, color="0.3", linestyle=":", linewidth=1)  # guessing among four topics
    ax.set_xlim(0, 105)
    ax.set_xlabel("test accuracy (%); dotted line: chance, 25 %")
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=len(series), fontsize=8,
              frameon=False)
    figure.tight_layout()
    return figure
