"""`FastSequential`: keras.Sequential whose `fit` on arrays uses a faster input pipeline.

Speed-up measures 3 and 4 of `textrnn_lessons.speedups` (the lessons meet them in notebook
02_single_rnn_25_tokens, through `speedups.apply`). Given arrays, `FastSequential.fit` trains on
a `tf.data` pipeline that shuffles row numbers and gathers whole batches (half the input cost of
batching single rows), as one endless dataset with a step count (Keras's own pipeline starts a
new iterator each epoch), without tf.data's autotuning thread (a race in TensorFlow 2.21 made
`fit` wait up to 60 s after its last epoch: benchmarks/fit_stall.py), picks the RNN chains for
the length of the run, and
builds its steps with TensorFlow's graph optimiser off (ready 0.1-0.8 s sooner, same speed
after). The arguments and the History are stock Keras's; benchmarks/README.md has the figures.

Imported lazily: it needs Keras and TensorFlow.
"""

from __future__ import annotations

import contextlib
import math

import keras
import numpy as np

from .rnn import pick_chains

_ARRAY_ONLY = ("sample_weight", "validation_split", "steps_per_epoch", "validation_steps")


@keras.saving.register_keras_serializable(package="textrnn_lessons")
class FastSequential(keras.Sequential):
    """keras.Sequential whose `fit` feeds arrays through `make_dataset` (same steps, faster)."""

    def fit(
        self,
        x=None,
        y=None,
        batch_size=None,
        epochs=1,
        verbose="auto",
        callbacks=None,
        validation_data=None,
        shuffle=True,
        **kwargs,
    ):
        if not _arrays(x, y) or any(kwargs.get(name) is not None for name in _ARRAY_ONLY):
            return super().fit(
                x,
                y,
                batch_size=batch_size,
                epochs=epochs,
                verbose=verbose,
                callbacks=callbacks,
                validation_data=validation_data,
                shuffle=shuffle,
                **kwargs,
            )
        batch_size = batch_size or 32
        steps = math.ceil(len(x) / batch_size)
        pick_chains(self, steps * (epochs - kwargs.get("initial_epoch", 0)))
        if validation_data is not None and _arrays(*validation_data[:2]):
            validation_data = make_dataset(
                *validation_data[:2],
                kwargs.pop("validation_batch_size", None) or batch_size,
                shuffle=False,
            )
        with graph_optimizer(enabled=False):
            return super().fit(
                make_dataset(x, y, batch_size, shuffle=shuffle, repeat=True),
                steps_per_epoch=steps,
                epochs=epochs,
                verbose=verbose,
                callbacks=callbacks,
                validation_data=validation_data,
                shuffle=False,
                **kwargs,
            )  # the dataset shuffles


def _arrays(*values) -> bool:
    return len(values) == 2 and all(isinstance(v, np.ndarray) for v in values)


def make_dataset(
    x: np.ndarray,
    y: np.ndarray,
    batch_size: int,
    shuffle: bool,
    seed: int | None = None,
    repeat: bool = False,
    autotune: bool = False,
):
    """A tf.data pipeline over in-memory arrays, reshuffled each epoch when `shuffle`.

    It shuffles row numbers and gathers whole batches, rather than shuffling and batching
    single rows. `repeat` makes it endless, one reshuffled pass after another, for
    `fit(steps_per_epoch=...)`. Without a `seed` the order follows TensorFlow's global seed
    (`keras.utils.set_random_seed`). `autotune=True` brings back tf.data's autotuning thread,
    only so that benchmarks/fit_stall.py can show the stall it causes.
    """
    import tensorflow as tf

    x, y = tf.constant(x), tf.constant(y)
    rows = tf.data.Dataset.range(len(x))
    if shuffle:
        rows = rows.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    batches = rows.batch(batch_size).map(
        lambda i: (tf.gather(x, i), tf.gather(y, i)), num_parallel_calls=tf.data.AUTOTUNE
    )
    options = tf.data.Options()
    # No autotuning thread: in TensorFlow 2.21 it can miss its wake-up when Keras deletes the
    # iterator as `fit` returns, and `fit` then waits out the rest of its sleep, up to 60 s
    # (benchmarks/fit_stall.py). Without it, map and prefetch keep fixed, sensible defaults.
    options.autotune.enabled = autotune
    return (
        (batches.repeat() if repeat else batches).prefetch(tf.data.AUTOTUNE).with_options(options)
    )


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
