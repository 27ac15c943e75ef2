"""What the approach panel says and enables at each stage: the listener of a training run.

A mixin of `ApproachPanel` (panel.py), kept apart so that each reads in one sitting. The runner
calls these methods from its background thread; ipywidgets sends each change to the browser.
"""

from __future__ import annotations

from ..models.approaches import MIN_USEFUL_TOKENS

GETTING_READY = (
    "Getting ready: starting TensorFlow and loading the articles (preset {preset}). "
    "You can press Train now: training starts as soon as this is done."
)


class RunReports:
    """Messages, button states and results for `ApproachPanel`."""

    # --- before a run -------------------------------------------------------------------------

    def _validate(self) -> bool:
        """Show why the current choice cannot be trained (and disable Train), or that it can."""
        if self.running:
            return False
        try:
            approach = self.current_approach()
        except ValueError as error:
            self.view.say(f"Cannot train this design: {error}", "error")
            self.train_button.disabled = True
            self._set_state("refused")
            return False
        too_large = _memory_refusal(approach, self.preset.value, self.settings())
        if too_large:
            self.view.say(f"Cannot train this design: {too_large}", "error")
            self.train_button.disabled = True
            self._set_state("refused")
            return False
        if self.preparing:  # "Getting ready" stays up; Train may be pressed already
            self.view.say(GETTING_READY.format(preset=self.preset.value))
            self.train_button.disabled = False
            self._set_state("preparing")
            return True
        ready = _ready(approach, self.preset.value, self.settings(), self.optimizer.label)
        self.view.say(ready, "warn" if approach.too_few_tokens else "info")
        self.train_button.disabled = False
        self._set_state("idle")
        return True

    def _set_state(self, state: str) -> None:
        """Record the panel's state; the root widget carries it as a CSS class for browser tests."""
        for old in [c for c in self.widget._dom_classes if c.startswith("textrnn-state-")]:
            self.widget.remove_class(old)
        self.widget.add_class(f"textrnn-state-{state}")
        self.state = state

    def _set_busy(self, busy: bool) -> None:
        for control in [self.approach, *self.design.sliders, *self.training.all]:
            control.disabled = busy
        self.train_button.disabled = busy
        self.stop_button.disabled = not busy

    def _end(self, state: str, text: str, kind: str = "info") -> None:
        self.view.say(text, kind)
        self.view.end(state)
        self._set_busy(False)
        self._set_state(state)

    # --- the runner's reports -----------------------------------------------------------------

    def on_status(self, text: str) -> None:
        self.view.say(text)

    def on_progress(self, epoch, epochs, batch, steps) -> None:
        self.view.show_progress(epoch, epochs, batch, steps)

    def on_epoch(self, history, title) -> None:
        self.view.show_curves(history, title)

    def on_evaluating(self) -> None:
        data = self._run.bench.data(self.preset.value)
        self.view.say(f"Training done; testing on the {len(data.test):,} test articles...")

    def on_finished(self, result, log_path, log_error) -> None:
        self.last_result = result
        data = self._run.bench.data(self.preset.value)
        self.view.show_result(result, len(data.test))
        seconds = result.history.train_seconds
        if log_error is not None:
            self.last_error = log_error
            self._end(
                "finished",
                f"Trained in {seconds:.1f} s and tested (scores below), but the "
                f"run could not be added to the results log: {log_error}",
                "error",
            )
            return
        done = (
            f"Done in {seconds:.1f} s of training; the test scores are below. The run was "
            f"added to the results log ({log_path})."
        )
        for callback in list(self._listeners):  # before "finished", so linked views are current
            try:
                callback(result)
            except Exception as error:  # a broken listener must not break the panel
                done += f" Updating a linked view failed: {error}"
        self._end("finished", done, "done")

    def on_stopped(self, result) -> None:
        if result is None:
            self._end("stopped", "Stopped before training started; nothing was logged.")
            return
        self.last_result = result
        data = self._run.bench.data(self.preset.value)
        self.view.show_result(result, len(data.test))
        epochs = result.record["epochs"]
        complete = (
            f"after {epochs} complete epoch{'s' if epochs != 1 else ''}"
            if epochs
            else "during the first epoch"
        )
        self._end(
            "stopped",
            f"Stopped by you {complete}. The test scores below are for the "
            "half-trained network; the run was not added to the results log.",
        )

    def on_prepared(self, error) -> None:
        if self.running:  # a run was waiting for this: its own reports follow
            return
        if error is None:
            self._validate()
        else:
            self.view.say(
                f"Could not get ready ({error}). Press Train to try again, or change the "
                "settings first.",
                "error",
            )
            self._set_state("idle")

    def on_failed(self, error) -> None:
        self.last_error = error
        self._end("failed", f"Training failed: {error}", "error")


def _memory_refusal(approach, preset: str, settings: dict) -> str | None:
    """Why this design would not fit in the kernel's memory at these settings, or None."""
    from ..settings import get_preset
    from ..training.memory_budget import DataSize, refusal

    size = DataSize.of_preset(get_preset(preset))
    return refusal(approach, settings["batch_size"], size, settings["optimizer"])


def _ready(approach, preset: str, settings: dict, optimizer: str) -> str:
    """'Ready: ...' with the run's settings, and a warning for a design too short to learn."""
    epochs = f"{settings['epochs']} epoch" + ("s" if settings["epochs"] != 1 else "")
    ready = (
        f"Ready: {approach.label}, preset {preset}, {epochs}, batch "
        f"{settings['batch_size']}, {optimizer} at learning rate "
        f"{settings['learning_rate']:g}."
    )
    if not approach.too_few_tokens:
        return ready
    tokens = f"{approach.max_tokens} token" + ("s are" if approach.max_tokens != 1 else " is")
    return (
        ready + f" Note: {tokens} less than a headline (under {MIN_USEFUL_TOKENS}); it "
        "trains, but cannot learn anything useful, and the comparison marks it so."
    )
