"""Seeding, compiling and fitting, the way the CLI, the panel and notebook 07 train.

Introduced in notebook 02_single_rnn_25_tokens, where you write the same `compile` and `fit`
calls yourself.
"""

from __future__ import annotations

import time

DEFAULT_SEED = 42
OPTIMIZERS = ("rmsprop", "adam", "rmsprop_keras2")


def set_seed(seed: int = DEFAULT_SEED, deterministic: bool = False) -> None:
    """Seed Python, NumPy and TensorFlow so a rerun gives close numbers.

    `deterministic=True` also forces deterministic TensorFlow kernels: identical
    numbers on every rerun on the same machine, at some cost in speed.
    """
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    if deterministic:
        tf.config.experimental.enable_op_determinism()


def make_optimizer(optimizer: str = "rmsprop", learning_rate: float | None = None):
    """Keras 3's own RMSprop or Adam, as a learner writes them; "rmsprop_keras2" is the
    tutorial's Keras 2 arithmetic (keras2_optimizers says why), for the tutorial protocol and
    notebook 07's experiment."""
    import keras

    from .keras2_optimizers import Keras2RMSprop

    key = str(optimizer).lower()
    if key not in OPTIMIZERS:
        raise ValueError(f"Optimizer must be one of {', '.join(OPTIMIZERS)}, got {optimizer!r}.")
    options = {} if learning_rate is None else {"learning_rate": learning_rate}
    kinds = {
        "rmsprop": keras.optimizers.RMSprop,
        "adam": keras.optimizers.Adam,
        "rmsprop_keras2": Keras2RMSprop,
    }
    return kinds[key](**options)


def compile_model(model, optimizer: str = "rmsprop", learning_rate: float | None = None):
    """The tutorial's compile call: RMSprop, sparse categorical cross-entropy, accuracy."""
    model.compile(
        optimizer=make_optimizer(optimizer, learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def train(
    model,
    x_train,
    y_train,
    x_val,
    y_val,
    epochs: int,
    batch_size: int,
    callbacks=None,
    verbose="auto",
):
    """`model.fit` with validation on the held-out slice; returns the History.

    The History gets a `train_seconds` attribute: the wall time of the whole `fit` call,
    which is what a learner waits for.
    """
    started = time.perf_counter()
    history = model.fit(
        x_train,
        y_train,
        batch_size=batch_size,
        epochs=epochs,
        validation_data=(x_val, y_val),
        callbacks=callbacks,
        verbose=verbose,
    )
    history.train_seconds = time.perf_counter() - started
    return history
