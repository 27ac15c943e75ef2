"""Seeding, compiling and fitting, the same way in every lesson.

Introduced in notebook 02_single_rnn_25_tokens.
"""
from __future__ import annotations

import contextlib
import math
import time

import numpy as np

from .models import pick_chains

DEFAULT_SEED = 42
OPTIMIZERS = ("rmsprop", "adam")


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


def compile_model(model, optimizer: str = "rmsprop", learning_rate: float | None = None, *,
                  sparse_updates: bool = True, jit_compile: bool = False,
                  steps_per_execution: int = 1):
    """RMSprop (as the tutorial), sparse categorical cross-entropy and accuracy.

    Both optimizers add up the uses of a word in a batch before stepping its embedding, as
    the tutorial's Keras 2 did (textrnn_lessons.optimizers says why). The speed options
    default to what benchmarks/pipeline_speed.py measured fastest on a CPU: RMSprop updates
    only the embedding rows a batch used (`sparse_updates`), and no XLA (`jit_compile`).
    """
    import keras

    from . import optimizers

    key = optimizer.lower()
    if key not in OPTIMIZERS:
        raise ValueError(f"Optimizer must be one of {', '.join(OPTIMIZERS)}, got {optimizer!r}.")
    options = {} if learning_rate is None else {"learning_rate": learning_rate}
    if key == "rmsprop":
        opt = (optimizers.SparseRMSprop if sparse_updates else optimizers.RMSprop)(**options)
    else:
        opt = optimizers.Adam(**options)
    # XLA compilation costs more than it saves for these small RNNs on a CPU.
    model.compile(optimizer=opt, loss="sparse_categorical_crossentropy",
                  metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
                  jit_compile=jit_compile, steps_per_execution=steps_per_execution)
    if model.built:
        # Optimizer slots made now, not inside the first traced step: Keras would otherwise
        # trace the whole (unrolled) training step twice.
        opt.build(model.trainable_variables)
    return model


def make_dataset(x: np.ndarray, y: np.ndarray, batch_size: int, shuffle: bool, seed: int = DEFAULT_SEED,
                 repeat: bool = False):
    """A tf.data pipeline over in-memory arrays: shuffled each epoch when training.

    It shuffles row numbers and gathers whole batches, rather than shuffling and batching
    120,000 single rows every epoch (half the input cost; benchmarks/README.md). `repeat`
    makes it endless, one reshuffled pass after another, for `fit(steps_per_epoch=...)`.
    """
    import tensorflow as tf

    x, y = tf.constant(x), tf.constant(y)
    rows = tf.data.Dataset.range(len(x))
    if shuffle:
        rows = rows.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    batches = rows.batch(batch_size).map(lambda i: (tf.gather(x, i), tf.gather(y, i)),
                                         num_parallel_calls=tf.data.AUTOTUNE)
    return (batches.repeat() if repeat else batches).prefetch(tf.data.AUTOTUNE)


@contextlib.contextmanager
def graph_optimizer(enabled: bool):
    """TensorFlow's graph optimiser (grappler) on or off for the functions Keras builds inside.

    Off, an unrolled network's training and validation steps are ready 0.1-0.8 s sooner, and
    they run as fast (benchmarks/README.md). The setting is the process's; it is put back after.
    """
    import tensorflow as tf

    key = "disable_meta_optimizer"
    before = tf.config.optimizer.get_experimental_options().get(key, False)
    tf.config.optimizer.set_experimental_options({key: not enabled})
    try:
        yield
    finally:
        tf.config.optimizer.set_experimental_options({key: before})


def train(model, x_train, y_train, x_val, y_val, epochs: int, batch_size: int,
          callbacks=None, verbose="auto", seed: int = DEFAULT_SEED, optimize_graph: bool = False):
    """Fit with validation on a held-out slice of the training data; returns the History.

    The History gets a `train_seconds` attribute: the wall time of `fit`. `optimize_graph`
    lets TensorFlow's graph optimiser work on the training step first (see `graph_optimizer`).
    """
    steps_per_epoch = math.ceil(len(x_train) / batch_size)
    pick_chains(model, steps_per_epoch * epochs)
    started = time.perf_counter()
    with graph_optimizer(optimize_graph):
        history = model.fit(
            # One endless dataset and a step count: given a dataset that ends, Keras makes a new
            # iterator at each epoch's start and throws away one it made at the previous end,
            # which stalled every second or third epoch by ~2 s (benchmarks/README.md).
            make_dataset(x_train, y_train, batch_size, shuffle=True, seed=seed, repeat=True),
            steps_per_epoch=steps_per_epoch,
            validation_data=make_dataset(x_val, y_val, batch_size, shuffle=False),
            epochs=epochs, callbacks=callbacks, verbose=verbose,
            shuffle=False,  # the tf.data pipeline already shuffles, with a seed
        )
    history.train_seconds = time.perf_counter() - started
    return history


def plot_history(history, title: str | None = None, figure=None):
    """Loss and accuracy per epoch, training against validation; returns the figure.

    Pass a `matplotlib.figure.Figure` as `figure` to draw into it without pyplot
    (the widgets draw from a background thread, where pyplot is not safe).
    """
    values = history.history if hasattr(history, "history") else history
    epochs = np.arange(1, len(values["loss"]) + 1)
    if figure is None:
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(1, 2, figsize=(9, 3.2))
    else:
        fig, axes = figure, figure.subplots(1, 2)
    for ax, metric in zip(axes, ("loss", "accuracy")):
        ax.plot(epochs, values[metric], "o-", label="training")
        if f"val_{metric}" in values:
            ax.plot(epochs, values[f"val_{metric}"], "s--", label="validation")
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.set_xticks(epochs)
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig
