"""Seeding, compiling and fitting, the way the CLI, the panel and notebook 07 train.

A lesson writes the same `compile` and `fit` calls by hand (notebook 02_single_rnn_25_tokens);
here they also take the speed runtime (textrnn_lessons.speed) and the tutorial's Keras 2
arithmetic when asked.
"""

from __future__ import annotations

import time

DEFAULT_SEED = 42
#: The optimizers `Trainer.run` takes, and the arithmetic each stands for.
OPTIMIZERS = {
    "rmsprop": "Keras 3's RMSprop",
    "adam": "Keras 3's Adam",
    "rmsprop_keras2": "Keras 2's RMSprop, each word's uses in a batch summed before its step "
    "(the tutorial's)",
}


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


def check_optimizer(optimizer: str) -> str:
    """`optimizer` as a key of OPTIMIZERS, or a ValueError naming the choices."""
    key = str(optimizer).strip().lower()
    if key not in OPTIMIZERS:
        choices = "; ".join(f'"{name}" ({meaning})' for name, meaning in OPTIMIZERS.items())
        raise ValueError(f"Unknown optimizer {optimizer!r}. Choose one of: {choices}.")
    return key


def make_optimizer(optimizer: str = "rmsprop", learning_rate: float | None = None):
    """A fresh optimizer for a name of OPTIMIZERS, at Keras's default rate unless given."""
    import keras

    from .keras2_optimizers import Keras2RMSprop

    kind = {
        "rmsprop": keras.optimizers.RMSprop,
        "adam": keras.optimizers.Adam,
        "rmsprop_keras2": Keras2RMSprop,
    }[check_optimizer(optimizer)]
    return kind() if learning_rate is None else kind(learning_rate=learning_rate)


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
    speed: bool | None = None,
):
    """Fit with validation on the held-out slice, through the speed runtime unless `speed` is
    False (None: $TEXTRNN_LESSONS_SPEEDUPS); returns the History.

    The History gets `fit_started` and `fit_started_cpu` (perf_counter and process_time as
    fitting began) and `train_seconds`, the wall time of the whole call: what a learner waits
    for.
    """
    from .. import speed as runtime

    started, started_cpu = time.perf_counter(), time.process_time()
    history = runtime.fit(
        model,
        x_train,
        y_train,
        (x_val, y_val),
        epochs=epochs,
        batch_size=batch_size,
        callbacks=callbacks,
        verbose=verbose,
        enabled=speed,
    )
    history.train_seconds = time.perf_counter() - started
    history.fit_started, history.fit_started_cpu = started, started_cpu
    return history


def loadable(model):
    """`model` compiled with a stock Keras optimizer, built, so that a file it is saved to
    loads with plain `keras.models.load_model` where this package is not installed, without
    warnings. Keras2RMSprop becomes RMSprop with the same settings, its state starting
    again; the weights stay."""
    import keras

    from .keras2_optimizers import Keras2RMSprop

    if isinstance(model.optimizer, Keras2RMSprop):
        config = keras.saving.deserialize_keras_object(model.get_compile_config())
        settings = {k: v for k, v in model.optimizer.get_config().items() if k != "name"}
        config["optimizer"] = keras.optimizers.RMSprop.from_config(settings)
        model.compile(**config)
    model.optimizer.build(model.trainable_variables)
    return model
