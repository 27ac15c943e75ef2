"""Everything this package does only for speed, in one place, and one switch for all of it.

The lessons meet it in notebook 02_single_rnn_25_tokens, at one visible step:
`model = speedups.apply(model)`. Each measure changes how fast training runs, never what it
computes: every one has a test in tests/test_speed.py that compares it with stock Keras.
Timings are from benchmarks/README.md (2 cores, 120,000 articles, batch 512).

1. `ProjectedSimpleRNN` (rnn.py) replaces each `keras.layers.SimpleRNN`: the input weights are
   applied to the whole sequence in one product, the steps are unrolled, and long runs step
   through two slices of the batch side by side (one per core). Approach 5's later epochs took
   0.6x the tutorial's time unrolled, 1.0x as Keras's loop; two slices took approach 2's step
   from 14 to 9 ms. Test: `test_projected_rnn_computes_what_keras_simplernn_computes`.
2. `RowWiseKeras2RMSprop` (optimizers.py) replaces `Keras2RMSprop`: only the embedding rows a
   batch used are stepped (the velocity decay of the whole table runs in one XLA pass).
   Test: `test_row_wise_rmsprop_trains_like_keras2_rmsprop`.
3. `FastSequential.fit` (fit.py): arrays go through a tf.data pipeline that gathers whole
   shuffled batches (an epoch's input 0.11-0.15 s against 0.24-0.25 s), as one endless dataset
   without tf.data's autotuning thread. Stock `fit` on arrays starts a new autotuned iterator
   every epoch, and a race in TensorFlow 2.21 can make it wait, at an epoch's start or after
   the last epoch, for the rest of the autotuning thread's sleep (up to 60 s): stock Keras 3
   waited up to 7.8 s after the last epoch in 4 of 15 runs, the tutorial's tf_keras up to 57 s
   in 23 of 65; the lessons' path returned within 0.5 s in 115 of 115 (pipeline_speed.py,
   2026-12-03; the cause in benchmarks/fit_stall.py). Tests: `test_dataset_serves_every_row_once_per_epoch`,
   `test_fast_datasets_run_without_the_autotuning_thread`.
4. The graph optimiser is off while `FastSequential.fit` builds its steps: the first steps are
   ready 0.1-0.8 s sooner. Test: `test_fast_fit_builds_its_steps_without_the_graph_optimizer`.
5. `build_vectorizer` counts the vocabulary in one pass on every core that also gives the
   training texts' indexes (vocabulary.py): data preparation 1.3 s against the tutorial's 3.8 s.
   Test: `test_one_pass_vocabulary_matches_keras_adapt`.
6. One thread per TensorFlow operation, set when TensorFlow starts (textrnn_lessons.tf_startup):
   a recurrent step is a product too small to split across cores (approach 5 step 99 ms
   against 106-176 ms). Your own `TF_NUM_INTRAOP_THREADS` wins.
   Test: `test_tensorflow_starts_with_one_thread_per_op_unless_told_otherwise`.

Switch all of them off with `speedups.apply(model, enabled=False)` for one model, or for the
whole process with the environment variable TEXTRNN_LESSONS_SPEEDUPS=off (measures 5 and 6
follow the variable only). The lessons then run on stock Keras: slower, the same arithmetic.
"""

from __future__ import annotations

import os

SPEEDUPS_ENV = "TEXTRNN_LESSONS_SPEEDUPS"
_OFF = ("0", "off", "false", "no")
#: Sequences this short are unrolled (written out step by step): faster on a CPU.
UNROLL_MAX_TOKENS = 100


def is_enabled(enabled: bool | None = None) -> bool:
    """The argument if given, else $TEXTRNN_LESSONS_SPEEDUPS (on unless 0/off/false/no)."""
    if enabled is not None:
        return bool(enabled)
    return os.environ.get(SPEEDUPS_ENV, "on").strip().lower() not in _OFF


def apply(model, enabled: bool | None = None, quiet: bool = False):
    """The same network, weights and training settings, made faster (notebook 02).

    Returns a `FastSequential` holding your layers, with each SimpleRNN swapped for a
    `ProjectedSimpleRNN` carrying the same weights and a compiled `Keras2RMSprop` swapped for
    `RowWiseKeras2RMSprop`; prints what it swapped. The other layers (embedding, dense) are
    shared, not copied, so use the returned model from here on: `model = speedups.apply(model)`.
    With `enabled=False` (or TEXTRNN_LESSONS_SPEEDUPS=off) it returns `model` itself: stock
    Keras all the way.
    """
    from .swap import faster_model

    if not is_enabled(enabled):
        if not quiet:
            print("Speed-ups off: this model trains on stock Keras.")
        return model
    fast, changes = faster_model(model)
    if not quiet:
        print("\n".join(changes))
    return fast
