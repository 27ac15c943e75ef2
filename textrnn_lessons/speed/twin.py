"""The fast twin of a model: the same network, weights and compile settings, built from the
runtime's faster parts, for the runtime to train in place of the model itself.

The work behind `textrnn_lessons.speed.fit`. `keras.models.clone_model` rebuilds the model
layer by layer: each plain SimpleRNN short enough to unroll becomes a ProjectedSimpleRNN with
the same settings (rnn.py), every other layer a fresh copy of itself; the weights are copied
over and the twin is compiled like the model, with the row-wise RMSprop (optimizers.py). After
training, `fit` copies the weights back into the model's own stock layers, so what the package
hands on (and what a learner saves) is stock Keras and loads without this package.
Test: `test_the_runtime_trains_the_stock_model_it_was_given`.
"""

from __future__ import annotations

import keras

from .optimizers import faster_optimizer
from .rnn import ProjectedSimpleRNN

#: Sequences this short are unrolled (written out step by step): faster on a CPU.
UNROLL_MAX_TOKENS = 100


def unsupported(model) -> str | None:
    """Why the runtime cannot build a twin of `model`, in words; None when it can."""
    if type(model) is not keras.Sequential:
        return f"it rebuilds keras.Sequential models, and this is a {type(model).__name__}"
    if not model.built or not model.inputs:
        return "the model does not know its input shape (start it with keras.Input)"
    if not model.compiled:
        return "the model is not compiled"
    return None


def faster_twin(model, **compile_changes):
    """The twin of a compiled keras.Sequential, compiled like it (with `compile_changes`)."""
    tokens = model.inputs[0].shape[1]
    twin = keras.models.clone_model(model, clone_function=lambda layer: _twin_layer(layer, tokens))
    twin.set_weights(model.get_weights())
    config = keras.saving.deserialize_keras_object(model.get_compile_config())
    config["optimizer"] = faster_optimizer(model.optimizer)
    twin.compile(**{**config, **compile_changes})
    return twin


def _twin_layer(layer, tokens):
    """A ProjectedSimpleRNN (or a Bidirectional of one) for a plain SimpleRNN it computes
    exactly; else a fresh copy of `layer`."""
    rnn = getattr(layer, "forward_layer", layer)
    if not _projectable(rnn, tokens):
        return layer.__class__.from_config(layer.get_config())
    projected = ProjectedSimpleRNN.from_config({**rnn.get_config(), "unroll": True})
    if isinstance(layer, keras.layers.Bidirectional):
        return keras.layers.Bidirectional(projected, merge_mode=layer.merge_mode, name=layer.name)
    return projected


def _projectable(rnn, tokens) -> bool:
    """A stock SimpleRNN without dropout, reading forwards, short enough to unroll."""
    return (
        type(rnn) is keras.layers.SimpleRNN
        and not (rnn.cell.dropout or rnn.cell.recurrent_dropout)
        and not rnn.go_backwards
        and tokens is not None
        and tokens <= UNROLL_MAX_TOKENS
    )
