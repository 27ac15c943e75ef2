"""One training run in a background thread, reporting to a listener: no widgets here.

The approach panel (02-07 and the Voilà app) is the listener; tests can be one too. The
notebook stays responsive while the run trains, and Stop ends it after the current batch.
`prepare` does the slow first-time work (TensorFlow's start, the articles, the vocabulary, one
tiny throwaway run) in the background before anyone presses Train, so that the first click
trains at once; a click while it is still going waits for it.
"""

from __future__ import annotations

import threading
from typing import Protocol

THREAD_NAME = "textrnn-train"
PREPARE_THREAD_NAME = "textrnn-prepare"
#: Articles in the throwaway run `prepare` trains: enough for a batch or two of each split.
WARM_UP_ARTICLES = 512


class Listener(Protocol):
    """What a run reports, in order: status lines, progress, each complete epoch, the end."""

    def on_status(self, text: str) -> None: ...
    def on_progress(self, epoch: int, epochs: int, batch: int, steps: int | None) -> None: ...
    def on_epoch(self, history: dict[str, list[float]], title: str) -> None: ...
    def on_evaluating(self) -> None: ...
    def on_finished(self, result, log_path, log_error) -> None: ...
    def on_stopped(self, result) -> None: ...
    def on_failed(self, error: BaseException) -> None: ...
    def on_prepared(self, error: BaseException | None) -> None: ...


class TrainingRun:
    """Load (cached by the workbench), train with live reports, evaluate, log."""

    def __init__(self, bench, listener: Listener):
        self.bench = bench
        self.listener = listener
        self.result = None
        self.error: BaseException | None = None
        self.history: dict[str, list[float]] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._preparing: threading.Thread | None = None
        self._prepared = threading.Event()
        self._wanted = threading.Event()  # Train was pressed: skip what can wait

    @property
    def preparing(self) -> bool:
        return self._preparing is not None and not self._prepared.is_set()

    @property
    def prepared(self) -> bool:
        return self._prepared.is_set()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    def prepare(self, approach, preset: str) -> threading.Thread:
        """Start TensorFlow, load the preset's articles and fit the vocabulary in the background."""
        self._preparing = threading.Thread(
            target=self._prepare, args=(approach, preset), name=PREPARE_THREAD_NAME, daemon=True
        )
        self._preparing.start()
        return self._preparing

    def start(self, approach, preset: str, settings: dict) -> threading.Thread:
        self._wanted.set()
        self._stop.clear()
        self.result, self.error, self.history = None, None, {}
        self._thread = threading.Thread(
            target=self._run, args=(approach, preset, settings), name=THREAD_NAME, daemon=True
        )
        self._thread.start()
        return self._thread

    def stop(self) -> None:
        self._stop.set()

    def wait(self, timeout: float | None = None) -> bool:
        if self._thread is not None:
            self._thread.join(timeout)
        return not self.running

    def _prepare(self, approach, preset: str) -> None:
        problem = None
        try:
            import keras  # noqa: F401  (TensorFlow starts here: the longest part)

            data = self.bench.data(preset)
            self.bench.vectorizer(data, approach.max_tokens)
            if not self._wanted.is_set():  # TensorFlow's first graphs, off the learner's clock
                warm_up = _first_articles(data)
                stop = _stop_when(self._wanted)
                self.bench.run(approach, warm_up, epochs=1, test=False, callbacks=[stop])
        except Exception as error:  # Train reports it again, with the run's own sentence
            problem = error
        self._prepared.set()
        self.listener.on_prepared(problem)

    def _run(self, approach, preset: str, settings: dict) -> None:
        if self._preparing is not None:
            self._preparing.join()
        try:
            self.listener.on_status(f"Loading AG News for preset {preset} (once per panel)...")
            data = self.bench.data(preset)
            self.listener.on_status("Fitting the vocabulary on the training texts...")
            self.bench.vectorizer(data, approach.max_tokens)
            if self._stop.is_set():
                self.listener.on_stopped(None)
                return
            self.listener.on_status(f"Training {approach.label} on {data.describe()}...")
            self.result = self.bench.run(
                approach,
                data,
                verbose=0,
                callbacks=[_live_callback(self, approach.label)],
                **settings,
            )
        except Exception as error:  # reported by the listener; the panel stays usable
            self.error = error
            self.listener.on_failed(error)
            return
        if self.result.stopped_early:
            self.listener.on_stopped(self.result)
            return
        try:
            path, problem = self.bench.log(self.result), None
        except Exception as error:  # the run itself succeeded: say so, and why it is not logged
            path, problem = None, error
        self.listener.on_finished(self.result, path, problem)


def _first_articles(data, count: int = WARM_UP_ARTICLES):
    """The same data cut to its first `count` articles of each split (a throwaway run's)."""
    from dataclasses import replace

    from ..data.reading import Split

    def cut(split):
        return Split(split.texts[:count], split.labels[:count])

    return replace(
        data, train=cut(data.train), validation=cut(data.validation), test=cut(data.test)
    )


def _stop_when(event: threading.Event):
    """A Keras callback that ends training after the batch during which `event` was set."""
    import keras

    class StopWhen(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if event.is_set():
                self.model.stop_training = True

    return StopWhen()


def _live_callback(run: TrainingRun, title: str):
    """A Keras callback: progress after each batch, curves after each *complete* epoch, Stop."""
    import keras

    class Live(keras.callbacks.Callback):
        epoch = batches = 0

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch, self.batches = epoch, 0

        def on_train_batch_end(self, batch, logs=None):
            self.batches = batch + 1
            run.listener.on_progress(
                self.epoch, self.params.get("epochs", 1), batch, self.params.get("steps")
            )
            if run.stop_requested:
                self.model.stop_training = True

        def on_epoch_end(self, epoch, logs=None):
            steps = self.params.get("steps")
            if steps and self.batches < steps:
                return  # stopped part-way: this epoch's figures describe a few batches
            for key, value in (logs or {}).items():
                run.history.setdefault(key, []).append(float(value))
            run.listener.on_epoch(run.history, title)

        def on_train_end(self, logs=None):
            if not run.stop_requested:
                run.listener.on_evaluating()

    return Live()
