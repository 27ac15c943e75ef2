"""fit's input as a tf.data pipeline, and the graph optimiser off while fit builds its steps.

Two measures of the speed runtime (textrnn_lessons.speed), both public TensorFlow:

* `make_dataset` shuffles row numbers and gathers whole batches (an epoch's input 0.11-0.15 s
  against 0.24-0.25 s for batching single rows, 1.8-2.0 s for `from_tensor_slices` with a
  108,000-row shuffle buffer), without tf.data's autotuning thread. In TensorFlow 2.21 that
  thread can miss its wake-up when Keras deletes an iterator as `fit` returns, and `fit` then
  waits out the rest of its sleep, up to 60 s (the tutorial's tf_keras waited up to 57 s
  after its last epoch in 23 of 65 runs; stock Keras 3 up to 7.8 s in 4 of 15).
  Tests: `test_dataset_serves_every_row_once_per_epoch`,
  `test_datasets_run_without_the_autotuning_thread`.
* `graph_optimizer(enabled=False)` while the runtime's `fit` builds its steps: an unrolled
  network's training and validation steps are ready 0.1-0.8 s sooner, and run as fast.
  Test: `test_the_runtime_builds_its_steps_without_the_graph_optimizer`.
"""

from __future__ import annotations

import contextlib

import numpy as np


def make_dataset(x: np.ndarray, y: np.ndarray, batch_size: int, shuffle: bool, seed=None):
    """A tf.data pipeline over in-memory arrays, reshuffled each pass when `shuffle`.

    It shuffles row numbers and gathers whole batches, rather than shuffling and batching
    single rows, as Keras does for arrays. One pass is one epoch: with `steps_per_execution`,
    an endless dataset and `steps_per_epoch` would run whole executions past the epoch's end.
    Without a `seed` the order follows TensorFlow's global seed (`keras.utils.set_random_seed`).
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
    # No autotuning thread (the stall above); map and prefetch keep fixed, sensible defaults.
    options.autotune.enabled = False
    return batches.prefetch(tf.data.AUTOTUNE).with_options(options)


@contextlib.contextmanager
def graph_optimizer(enabled: bool):
    """TensorFlow's graph optimiser (grappler) on or off for the functions Keras builds inside.
    The setting is the process's; it is put back after."""
    import tensorflow as tf

    key = "disable_meta_optimizer"
    before = tf.config.optimizer.get_experimental_options().get(key, False)
    tf.config.optimizer.set_experimental_options({key: not enabled})
    try:
        yield
    finally:
        tf.config.optimizer.set_experimental_options({key: before})
