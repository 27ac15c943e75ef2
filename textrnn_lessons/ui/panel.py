"""`ApproachPanel`: pick or design an approach, train it live, see the test results.

Used at the end of notebooks 02-06, in 07 and in the Voilà app. Plain ipywidgets (no extension
beyond jupyterlab_widgets), so it works in JupyterLab 4, Notebook 7 and Voilà. Training runs in
a background thread (runner.py), which never touches pyplot.
"""

from __future__ import annotations

import ipywidgets as w

from ..settings import get_preset
from ..training.trainer import Trainer
from .controls import DesignControls, TrainingControls
from .reports import GETTING_READY, RunReports
from .training_thread import TrainingRun
from .view import RunView

_NAMED = (
    "approach",
    "max_tokens",
    "embed_len",
    "layers",
    "units",
    "bidirectional",
    "cell",
    "optimizer",
    "learning_rate",
    "epochs",
    "batch_size",
    "preset",
)


class ApproachPanel(RunReports):
    """Controls for one approach, Train and Stop buttons, live curves and the test results.

    Display it by leaving it as the last expression of a cell. `train_button.click()` starts a
    run in a background thread; `wait()` blocks until it is over.
    """

    def __init__(self, approach=1, preset=None, data_dir=None):
        self.design, self.training = DesignControls(), TrainingControls(get_preset(preset))
        self.view = RunView()
        self._run = TrainingRun(Trainer(data_dir), self)
        self._listeners, self.state, self.last_result = [], "idle", None
        self.last_error: BaseException | None = None
        for name in _NAMED:  # panel.max_tokens etc., for notebooks and tests
            control = getattr(self.design, name, None) or getattr(self.training, name)
            setattr(self, name, control)
            control.add_class("textrnn-" + name.replace("_", "-"))
        for name in (
            "progress",
            "progress_label",
            "message",
            "plot_output",
            "test_accuracy",
            "result_output",
        ):
            setattr(self, name, getattr(self.view, name))
        self.train_button = w.Button(description="Train", button_style="primary", icon="play")
        self.stop_button = w.Button(
            description="Stop", button_style="warning", icon="stop", disabled=True
        )
        self.train_button.add_class("textrnn-train")
        self.stop_button.add_class("textrnn-stop")
        self.widget = w.VBox(
            [
                self.approach,
                self.preset,
                w.HBox(
                    [
                        w.VBox([w.HTML("<b>Design</b>"), *self.design.sliders]),
                        w.VBox([w.HTML("<b>Training</b>"), *self.training.all[:-1]]),
                    ],
                    layout=w.Layout(flex_flow="row wrap"),
                ),
                w.HBox([self.train_button, self.stop_button, self.progress, self.progress_label]),
                self.message,
                self.plot_output,
                self.test_accuracy,
                self.result_output,
            ]
        )
        self.widget.add_class("textrnn-panel")
        self.design.select(approach)
        for control in [self.approach, *self.design.sliders, *self.training.all]:
            control.observe(lambda change: self._validate(), names="value")
        self.train_button.on_click(lambda button: self.start())
        self.stop_button.on_click(lambda button: self.stop())
        self._validate()

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    @property
    def running(self) -> bool:
        """True while a training run is in progress."""
        return self._run.running

    @property
    def preparing(self) -> bool:
        """True while `prepare` is still getting TensorFlow and the articles ready."""
        return self._run.preparing

    @property
    def trainer(self):
        """The Trainer this panel trains with (its data and vocabularies, loaded once)."""
        return self._run.bench

    @property
    def history(self) -> dict:
        """Loss and accuracy of each complete epoch of the current (or last) run."""
        return self._run.history

    def current_approach(self):
        return self.design.current()

    def settings(self) -> dict:
        return self.training.settings()

    def on_run_finished(self, callback) -> None:
        """Call `callback(run_result)` after every run that was added to the results log."""
        self._listeners.append(callback)

    def prepare(self):
        """Get ready for the first Train click in the background: start TensorFlow, load the
        preset's articles, fit the vocabulary and train once on a few articles (thrown away).

        The Voilà app calls it as the page opens, so the first click shows its first point
        within seconds. The panel says "Getting ready" meanwhile; Train pressed before it is
        done starts as soon as it is.
        """
        if self.preparing or self._run.prepared or self.running or not self._validate():
            return None
        self.view.say(GETTING_READY.format(preset=self.preset.value))
        self._set_state("preparing")
        return self._run.prepare(self.current_approach(), self.preset.value)

    def start(self):
        """What Train does: check the choice, then train in a background thread."""
        if self.running:
            self.view.say("A run is already in progress; press Stop to end it first.", "error")
            return None
        if not self._validate():
            return None
        self.last_error, self.last_result = None, None
        self.view.clear()
        self._set_busy(True)
        self._set_state("running")
        return self._run.start(self.current_approach(), self.preset.value, self.settings())

    def stop(self) -> None:
        """What Stop does: end training after the current batch."""
        if self.running:
            self._run.stop()
            self.view.say("Stopping after the current batch...")

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the current run is over; True if it is (False if `timeout` ran out)."""
        return self._run.wait(timeout)
