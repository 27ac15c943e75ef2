"""Seeding, compiling and fitting, the same way in every lesson.

Introduced in notebook 02_single_rnn_25_tokens.
"""
from __future__ import annotations

import time

import numpy as np

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


def compile_model(model, optimizer: str = "rmsprop", learning_rate: float | None = None):
    """RMSprop (as the tutorial), sparse categorical cross-entropy and accuracy."""
    import keras

    key = optimizer.lower()
    if key not in OPTIMIZERS:
        raise ValueError(f"Optimizer must be one of {', '.join(OPTIMIZERS)}, got {optimizer!r}.")
    options = {} if learning_rate is None else {"learning_rate": learning_rate}
    opt = keras.optimizers.RMSprop(**options) if key == "rmsprop" else keras.optimizers.Adam(**options)
    # XLA compilation costs more than it saves for these small RNNs on a CPU.
    model.compile(optimizer=opt, loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                  jit_compile=False)
    return model


def make_dataset(x: np.ndarray, y: np.ndarray, batch_size: int, shuffle: bool, seed: int = DEFAULT_SEED):
    """A tf.data pipeline over in-memory arrays: shuffled each epoch when training."""
    import tensorflow as tf

    dataset = tf.data.Dataset.from_tensor_slices((x, y))
    if shuffle:
        dataset = dataset.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    return dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE)


def train(model, x_train, y_train, x_val, y_val, epochs: int, batch_size: int,
          callbacks=None, verbose="auto", seed: int = DEFAULT_SEED):
    """Fit with validation on a held-out slice of the training data; returns the History.

    The History gets a `train_seconds` attribute: the wall time of `fit`.
    """
    started = time.perf_counter()
    history = model.fit(
        make_dataset(x_train, y_train, batch_size, shuffle=True, seed=seed),
        validation_data=make_dataset(x_val, y_val, batch_size, shuffle=False),
        epochs=epochs, callbacks=callbacks, verbose=verbose,
        shuffle=False,  # the tf.data pipeline already shuffles, with a seed
    )
    history.train_seconds = time.perf_counter() - started
    return history


def plot_history(history, title: str | None = None):
    """Loss and accuracy per epoch, training against validation; returns the figure."""
    import matplotlib.pyplot as plt

    values = history.history if hasattr(history, "history") else history
    epochs = np.arange(1, len(values["loss"]) + 1)
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.2))
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
