"""The speed runtime of the package's own training paths, and one switch for all of it.

Used only where the package trains for you: `Trainer` (training/trainer.py), so the approach
panel and the Voilà app, `textrnn-lessons train` and `reproduce`, and lesson 07's experiments.
No lesson cell uses it: what a learner writes is stock Keras, made fast by public settings that
lesson 02 teaches. Each measure changes how fast training runs, never what it computes: each
has a test in tests/test_speed.py that compares it with stock Keras (named below). Figures:
benchmarks/README.md (2 cores, 120,000 articles, batch 512).

1. The fast twin (twin.py): `fit` trains a copy of the model built from the parts below, then
   copies the weights back into the model's own stock layers, so the model handed on saves
   and loads with plain `keras.models.load_model`, without this package.
   Tests: `test_the_runtime_trains_the_stock_model_it_was_given`,
   `test_a_model_the_runtime_trained_loads_in_a_fresh_python_without_the_package`.
2. `ProjectedSimpleRNN` (rnn.py) for each SimpleRNN of up to 100 tokens: the input weights
   applied to the whole sequence in one product, the steps unrolled, and long runs stepping
   through two slices of the batch side by side (one per core).
   Test: `test_projected_rnn_computes_what_keras_simplernn_computes`.
3. `RowWiseRMSprop` and `RowWiseKeras2RMSprop` (optimizers.py): only the embedding rows a batch
   used are stepped; the velocity decay of the whole table runs in one XLA pass.
   Test: `test_row_wise_rmsprop_trains_like_keras_rmsprop`.
4. `make_dataset` (dataset.py): a tf.data pipeline gathering whole shuffled batches, without
   tf.data's autotuning thread, whose race in TensorFlow 2.21 can hold up `fit`'s return by
   up to 60 s. A network of one forward layer also runs up to 16 steps per call into
   TensorFlow (`steps_per_execution`). Tests: `test_dataset_serves_every_row_once_per_epoch`,
   `test_datasets_run_without_the_autotuning_thread`.
5. The graph optimiser off while `fit` builds its steps (dataset.py): ready 0.1-0.8 s sooner.
   Test: `test_the_runtime_builds_its_steps_without_the_graph_optimizer`.
6. The one-pass vocabulary (vocabulary.py) for `build_vectorizer`: the vocabulary and the
   training texts' indexes from one pass on every core, exactly `adapt`'s.
   Test: `test_one_pass_vocabulary_matches_keras_adapt`.

Measures 2 and 3 use private parts of Keras. check.py tries them on a tiny layer and optimizer
before the first run; when one is missing or changed, `fit` trains on stock Keras and says so
in one sentence (test: `test_a_missing_private_part_means_stock_keras_and_one_sentence`).

Switch the whole runtime off with TEXTRNN_LESSONS_SPEEDUPS=off (or `Trainer(speed=False)`):
the same arithmetic on stock Keras, slower.
"""

from __future__ import annotations

import math
import os
import warnings

SPEEDUPS_ENV = "TEXTRNN_LESSONS_SPEEDUPS"
#: Most training steps the twin of a one-layer, one-directional network runs per call into
#: TensorFlow (`compile(steps_per_execution=...)`): at most an eighth of an epoch, so that a
#: Stop and the progress stay prompt. Other networks run one step per call.
STEPS_PER_EXECUTION = 16
_ON, _OFF = ("on", "1", "true", "yes"), ("off", "0", "false", "no")


class SpeedRuntimeUnavailable(UserWarning):
    """The runtime could not run on this Keras; stock Keras trained instead."""


def is_enabled(enabled: bool | None = None) -> bool:
    """The argument if given, else $TEXTRNN_LESSONS_SPEEDUPS (on when unset or empty)."""
    if enabled is not None:
        return bool(enabled)
    value = os.environ.get(SPEEDUPS_ENV, "").strip().lower()
    if value in ("", *_ON):
        return True
    if value in _OFF:
        return False
    raise ValueError(
        f"{SPEEDUPS_ENV} is {os.environ[SPEEDUPS_ENV]!r}, which it does not know. Set it to "
        f"on or off (also accepted: {', '.join(_ON[1:] + _OFF[1:])}), or leave it unset for on."
    )


def fit(
    model,
    x,
    y,
    validation_data,
    *,
    epochs: int,
    batch_size: int,
    callbacks=None,
    verbose=0,
    enabled: bool | None = None,
):
    """Train a compiled keras.Sequential on arrays, as `model.fit` would; returns the History.

    With the runtime on, a fast twin of `model` trains (measures 1-5) and its weights are then
    copied into `model`; off, or for a model it cannot rebuild, `model.fit` itself runs. The
    History's `speed_runtime` says whether the twin trained.
    """
    if not is_enabled(enabled):
        history = model.fit(
            x,
            y,
            batch_size=batch_size,
            epochs=epochs,
            validation_data=validation_data,
            callbacks=callbacks,
            verbose=verbose,
        )
        history.speed_runtime = False
        return history
    from .check import unavailable
    from .dataset import graph_optimizer, make_dataset
    from .rnn import pick_chains
    from .twin import faster_twin, unsupported

    problem = unavailable()
    if problem:
        warnings.warn(problem, SpeedRuntimeUnavailable, stacklevel=2)
    steps = math.ceil(len(x) / batch_size)
    trained = (
        model
        if problem or unsupported(model)
        else faster_twin(model, steps_per_execution=_steps_per_execution(model, steps))
    )
    pick_chains(trained, steps * epochs)
    with graph_optimizer(enabled=False):
        history = trained.fit(
            make_dataset(x, y, batch_size, shuffle=True),
            epochs=epochs,
            validation_data=make_dataset(*validation_data, batch_size, shuffle=False),
            callbacks=callbacks,
            verbose=verbose,
            shuffle=False,  # the dataset shuffles
        )
    history.speed_runtime = trained is not model
    if history.speed_runtime:
        model.set_weights(trained.get_weights())
        _copy_optimizer_state(trained.optimizer, model.optimizer, model)
    return history


def _copy_optimizer_state(source, target, model) -> None:
    """The twin's step count and velocities into the model's own (unused) optimizer, so that
    the model trains on, or is saved, as if it had trained itself."""
    target.build(model.trainable_variables)
    pairs = list(zip(source.variables, target.variables))
    if len(source.variables) == len(target.variables) and all(
        tuple(a.shape) == tuple(b.shape) for a, b in pairs
    ):
        for value, variable in pairs:
            variable.assign(value)


def _steps_per_execution(model, steps: int) -> int:
    """Up to STEPS_PER_EXECUTION for a network with one recurrent layer reading forwards,
    whose short steps lose most to Python between calls; 1 for stacks and bidirectional
    layers, whose parallel branches ran slower inside Keras's multi-step loop."""
    import keras

    recurrent = [layer for layer in model.layers if isinstance(layer, keras.layers.RNN)]
    both_ways = [layer for layer in model.layers if isinstance(layer, keras.layers.Bidirectional)]
    if len(recurrent) != 1 or both_ways:
        return 1
    return max(1, min(STEPS_PER_EXECUTION, steps // 8))
