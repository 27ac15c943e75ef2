"""One approach end to end (vectorize, build, train, evaluate, log) for the CLI and the widgets.

The notebooks walk through these same steps one cell at a time.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .data import AGNews
from .models import Approach


@dataclass
class Arrays:
    """Token-index matrices of the three splits, cut to one approach's max tokens."""

    train: np.ndarray
    validation: np.ndarray
    test: np.ndarray


def vectorize_splits(vectorizer, data: AGNews, max_tokens: int) -> Arrays:
    """Vectorize train, validation and test once each, truncated/padded at `max_tokens`.

    The vectorizer remembers the three splits, so running another approach with the same
    vectorizer (the CLI's `reproduce`, the widgets) slices them instead of vectorizing again.
    """
    from .vectorizer import vectorize

    return Arrays(*(vectorize(vectorizer, split.texts, max_tokens, remember=True)
                    for split in (data.train, data.validation, data.test)))


@dataclass
class RunResult:
    """What one training run produced."""

    approach: Approach
    model: object
    history: object
    evaluation: object
    predictor: object
    record: dict


def run_approach(approach: Approach, data: AGNews, vectorizer=None, *, epochs: int | None = None,
                 batch_size: int | None = None, optimizer: str = "rmsprop",
                 learning_rate: float | None = None, seed: int = 42, callbacks=None,
                 verbose="auto", log: bool = True) -> RunResult:
    """Train and evaluate one approach on `data` with its preset's settings, and log the run."""
    from .evaluation import evaluate
    from .models import build_model
    from .predictor import TextPredictor
    from .results import append_run, make_record
    from .training import compile_model, set_seed, train
    from .vectorizer import LONGEST_SEQUENCE, build_vectorizer, vocabulary_size

    preset = data.preset
    epochs = epochs or preset.epochs
    batch_size = batch_size or preset.batch_size
    set_seed(seed)
    vectorizer = vectorizer or build_vectorizer(data.train.texts,
                                                max(LONGEST_SEQUENCE, approach.max_tokens))
    arrays = vectorize_splits(vectorizer, data, approach.max_tokens)
    model = compile_model(build_model(approach, vocabulary_size(vectorizer)), optimizer, learning_rate)
    history = train(model, arrays.train, data.train.labels, arrays.validation, data.validation.labels,
                    epochs=epochs, batch_size=batch_size, callbacks=callbacks, verbose=verbose, seed=seed)
    evaluation = evaluate(model, arrays.test, data.test.labels, data.class_names)
    epochs_run = len(history.history.get("loss", []))
    record = make_record(approach, data, epochs_run, evaluation.accuracy, history.train_seconds,
                         batch_size=batch_size, optimizer=optimizer, learning_rate=learning_rate,
                         seed=seed, stopped_early=epochs_run < epochs)
    if log and epochs_run:
        append_run(record)
    predictor = TextPredictor(vectorizer, model, approach.max_tokens, data.class_names)
    return RunResult(approach, model, history, evaluation, predictor, record)
