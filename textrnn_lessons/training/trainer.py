"""One approach end to end, the same way for the CLI, the approach panel and notebook 07.

The notebooks walk through these steps one cell at a time; this module is the one place that
does them for the tools: data and vectorizers loaded once per preset, a model built from an
approach record, trained, evaluated and logged, with TensorFlow's retracing warning (expected
when one model follows another) kept quiet.
"""

from __future__ import annotations

import logging
import math
import numbers
import threading
import warnings
from contextlib import contextmanager
from dataclasses import dataclass

from ..data.vectorizer import LONGEST_SEQUENCE
from ..models.approaches import Approach
from .fitting import DEFAULT_SEED
from .memory_budget import require_fits


@dataclass
class RunResult:
    """What one training run produced."""

    approach: Approach
    model: object
    history: object
    evaluation: object
    predictor: object
    record: dict

    @property
    def stopped_early(self) -> bool:
        return bool(self.record.get("stopped_early"))


class Trainer:
    """Data and vectorizers loaded once per preset, and one way to train, evaluate and log.

    `speed`: the speed runtime (textrnn_lessons.speed) on or off; None follows
    TEXTRNN_LESSONS_SPEEDUPS (on when unset). `protocol` goes to `load_ag_news` (None: "clean"
    unless TEXTRNN_LESSONS_PROTOCOL says "tutorial"). `speedups` is the old name of `speed`.
    """

    def __init__(
        self,
        data_dir=None,
        speed: bool | None = None,
        protocol: str | None = None,
        *,
        speedups: bool | None = None,
    ):
        from .. import speed as runtime

        if speedups is not None:
            warnings.warn(
                "Trainer(speedups=...) is now Trainer(speed=...); the old name goes in 0.3.",
                DeprecationWarning,
                stacklevel=2,
            )
            speed = speedups if speed is None else speed
        runtime.is_enabled(speed)  # a TEXTRNN_LESSONS_SPEEDUPS it does not know stops here
        self.data_dir = data_dir
        self.speed = speed
        self.protocol = protocol
        self._data: dict[str, object] = {}
        self._vectorizers: dict[tuple, object] = {}
        self._lock = threading.Lock()

    def data(self, preset=None):
        """The preset's AG News splits, loaded on first use."""
        from ..data.reading import load_ag_news
        from ..settings import get_preset

        preset = get_preset(preset)
        with self._lock:
            if preset.name not in self._data:
                self._data[preset.name] = load_ag_news(preset, self.data_dir, self.protocol)
            return self._data[preset.name]

    def vectorizer(self, data, max_tokens: int = LONGEST_SEQUENCE):
        """A vocabulary fitted on `data` (its training texts, or under the tutorial protocol its
        training and test texts), long enough for `max_tokens`."""
        from ..data.vectorizer import build_vectorizer

        length = max(LONGEST_SEQUENCE, max_tokens)
        key = (data.preset.name, data.source, data.protocol, len(data.train), length)
        with self._lock:
            if key not in self._vectorizers:
                self._vectorizers[key] = build_vectorizer(
                    data.vocabulary_texts, length, fast=self.speed
                )
            return self._vectorizers[key]

    def run(
        self,
        approach: Approach,
        data,
        *,
        epochs: int | None = None,
        batch_size: int | None = None,
        optimizer: str | None = None,
        learning_rate: float | None = None,
        seed: int = DEFAULT_SEED,
        callbacks=None,
        verbose=0,
        test: bool = True,
    ) -> RunResult:
        """Train and evaluate one approach on `data` with its preset's settings (not logged).

        `optimizer`: "rmsprop" or "adam" (Keras 3's own, as a learner writes them) or
        "rmsprop_keras2" (the tutorial's Keras 2 arithmetic); None means "rmsprop_keras2" under
        the tutorial protocol, so that its numbers compare like for like with the tutorial's,
        and "rmsprop" otherwise. `epochs` and `batch_size` of None take the preset's.
        `test=False` leaves the test set alone (notebook 07's experiments compare designs on
        validation); the result then has no evaluation and no record. The model handed back
        is a stock keras.Sequential: saved, it loads with plain `keras.models.load_model`.
        """
        from ..data.vectorizer import vectorize_splits, vocabulary_size
        from ..evaluation.metrics import evaluate
        from ..evaluation.predictor import TextPredictor
        from ..models.approaches import build_model
        from ..results.records import make_record
        from .fitting import OPTIMIZERS, compile_model, loadable, set_seed, train

        epochs, batch_size, optimizer = check_run_settings(
            data, epochs, batch_size, optimizer, learning_rate
        )
        require_fits(approach, data, batch_size, optimizer)  # refuses what would not fit in memory
        vectorizer = self.vectorizer(data, approach.max_tokens)
        x_train, x_val, x_test = vectorize_splits(
            vectorizer, data, approach.max_tokens, approach.padding
        )
        set_seed(seed)
        model = compile_model(
            build_model(approach, vocabulary_size(vectorizer)), optimizer, learning_rate
        )
        counter = _complete_epochs()
        with quiet_retracing():
            history = train(
                model,
                x_train,
                data.train.labels,
                x_val,
                data.validation.labels,
                epochs=epochs,
                batch_size=batch_size,
                callbacks=[*(callbacks or []), counter],
                verbose=verbose,
                speed=self.speed,
            )
            model = loadable(model)
            if not test:
                return RunResult(approach, model, history, None, None, {})
            evaluation = evaluate(model, x_test, data.test.labels, data.class_names)
        epochs_run = counter.complete
        record = make_record(
            approach,
            data,
            epochs_run,
            evaluation.accuracy,
            history.train_seconds,
            batch_size=batch_size,
            optimizer=optimizer,
            optimizer_arithmetic=OPTIMIZERS[optimizer],
            learning_rate=learning_rate,
            seed=seed,
            stopped_early=epochs_run < epochs,
            too_few_tokens=approach.too_few_tokens,
            speed_runtime=history.speed_runtime,
            vocabulary_size=vocabulary_size(vectorizer),
        )
        predictor = TextPredictor(vectorizer, model, approach.max_tokens, data.class_names)
        return RunResult(approach, model, history, evaluation, predictor, record)

    @staticmethod
    def log(result: RunResult):
        """Append a finished run to the results log; a run stopped early or not tested is not
        logged (None)."""
        from ..results.log import append_run

        if result.stopped_early or not result.record.get("epochs"):
            return None
        return append_run(result.record)


def check_run_settings(data, epochs, batch_size, optimizer, learning_rate):
    """(epochs, batch size, optimizer) for a run, None meaning the preset's (or the protocol's
    optimizer); a ValueError saying what to give instead for anything that cannot train."""
    from .fitting import check_optimizer

    preset = data.preset
    problems = []
    for name, value, default in (
        ("epochs", epochs, preset.epochs),
        ("batch_size", batch_size, preset.batch_size),
    ):
        if value is not None and (not _is_integer(value) or value < 1):
            problems.append(
                f"{name} must be a whole number of 1 or more, got {value!r} "
                f"(leave it out for the {preset.name} preset's {default})"
            )
    if learning_rate is not None and not (
        _is_number(learning_rate) and math.isfinite(learning_rate) and learning_rate > 0
    ):
        problems.append(
            f"learning_rate must be a number above 0, got {learning_rate!r} (leave it out "
            "for Keras's default, 0.001)"
        )
    if problems:
        raise ValueError("Nothing was trained: " + "; ".join(problems) + ".")
    if optimizer is None:
        optimizer = "rmsprop_keras2" if data.protocol == "tutorial" else "rmsprop"
    return (
        preset.epochs if epochs is None else int(epochs),
        preset.batch_size if batch_size is None else int(batch_size),
        check_optimizer(optimizer),
    )


def _is_integer(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def run_approach(approach: Approach, data, *, log: bool = True, **options) -> RunResult:
    """Train, evaluate and (with `log`) log one approach on `data`: a Trainer used once."""
    trainer = Trainer()
    result = trainer.run(approach, data, **options)
    if log:
        trainer.log(result)
    return result


def _complete_epochs():
    """A Keras callback counting the epochs that ran every batch (Stop can end one part-way)."""
    import keras

    class CompleteEpochs(keras.callbacks.Callback):
        complete = batches = 0

        def on_epoch_begin(self, epoch, logs=None):
            self.batches = 0

        def on_train_batch_end(self, batch, logs=None):
            self.batches = batch + 1

        def on_epoch_end(self, epoch, logs=None):
            if self.batches >= (self.params.get("steps") or 0):
                self.complete += 1

    return CompleteEpochs()


class _RetracingFilter(logging.Filter):
    """Drops TensorFlow's retracing warning: each new model traces its own functions, which is
    expected, not a mistake to fix."""

    def __init__(self):
        super().__init__()
        self.users = 0
        self.lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        return "triggered tf.function retracing" not in record.getMessage()


_RETRACING = _RetracingFilter()


@contextmanager
def quiet_retracing():
    """TensorFlow's retracing warning off while the block runs (safe across threads)."""
    logger = logging.getLogger("tensorflow")
    with _RETRACING.lock:
        _RETRACING.users += 1
        logger.addFilter(_RETRACING)
    try:
        yield
    finally:
        with _RETRACING.lock:
            _RETRACING.users -= 1
            if not _RETRACING.users:
                logger.removeFilter(_RETRACING)
