"""Rebuild a learner's Sequential model with the faster layers, optimizer and `fit`.

The work behind `speedups.apply`. Layers that have no faster twin are reused as they are (the
new model shares them); each SimpleRNN is rebuilt as a ProjectedSimpleRNN with the same
settings and weights. Imported lazily: it needs Keras.
"""

from __future__ import annotations

import keras

from . import UNROLL_MAX_TOKENS
from .dataset_fit import FastSequential
from .optimizers import faster_optimizer
from .rnn import ProjectedSimpleRNN

_HEADER = (
    "Speed-ups on (textrnn_lessons.speedups): the same weights and arithmetic, faster "
    "on a CPU; tests/test_speed.py compares each with stock Keras."
)
_FOOTER = "Switch them off with speedups.apply(model, enabled=False)."


def faster_model(model) -> tuple[object, list[str]]:
    """(the faster model, lines saying what changed); `model` itself when nothing applies."""
    reason = _unsupported(model)
    if reason:
        return model, [f"Speed-ups not applied: {reason} The model trains on stock Keras."]
    inputs = model.inputs[0]
    fast = FastSequential(name=model.name)
    fast.add(
        keras.Input(shape=tuple(inputs.shape[1:]), dtype=inputs.dtype, name=_input_name(model))
    )
    lines = [
        _HEADER,
        f"  model: {type(model).__name__} -> FastSequential (fit feeds arrays "
        "through a faster tf.data pipeline)",
    ]
    steps = inputs.shape[1]
    for layer in model.layers:
        twin = _faster_layer(layer, steps)
        fast.add(twin)
        if twin is not layer:
            twin.set_weights(layer.get_weights())
            lines.append(
                f"  {layer.name}: {_kind(layer)} -> {_kind(twin)} (input weights applied "
                "once per sequence, steps unrolled)"
            )
        elif _recurrent(layer) is not None:
            lines.append(
                f"  {layer.name}: {_kind(layer)} kept as it is: "
                f"{_obstacle(_recurrent(layer), steps)}"
            )
    if model.compiled:
        config = keras.saving.deserialize_keras_object(model.get_compile_config())
        optimizer = config["optimizer"]
        config["optimizer"] = faster_optimizer(optimizer)
        fast.compile(**config)
        if config["optimizer"] is not optimizer:
            lines.append(
                f"  optimizer: {type(optimizer).__name__} -> "
                f"{type(config['optimizer']).__name__} (steps only the embedding rows "
                "a batch used)"
            )
    return fast, lines + [_FOOTER]


def _unsupported(model) -> str | None:
    """Why `model` cannot be made faster, as a sentence; None when it can."""
    if isinstance(model, FastSequential):
        return "this model is already a FastSequential."
    if type(model) is not keras.Sequential:
        return f"they work on keras.Sequential models, and this is a {type(model).__name__}."
    if not model.built or not model.inputs:
        return (
            "the model does not know its input shape yet: start the Sequential with "
            'keras.Input(shape=(max_tokens,), dtype="int32").'
        )
    return None


def _input_name(model) -> str | None:
    layer = getattr(model.inputs[0], "_keras_history", [None])[0]
    return getattr(layer, "name", None)


def _faster_layer(layer, steps):
    """A ProjectedSimpleRNN (or Bidirectional of one) for a plain SimpleRNN; else `layer`."""
    rnn = _recurrent(layer)
    if rnn is None or _obstacle(rnn, steps):
        return layer
    if isinstance(layer, keras.layers.Bidirectional):
        return keras.layers.Bidirectional(
            _projected(rnn), merge_mode=layer.merge_mode, name=layer.name
        )
    return _projected(layer)


def _recurrent(layer):
    """The recurrent layer in `layer` (a Bidirectional's forward half); None for other layers."""
    rnn = getattr(layer, "forward_layer", layer)
    return rnn if isinstance(rnn, keras.layers.RNN) else None


def _obstacle(rnn, steps) -> str | None:
    """Why the projected layer cannot compute this recurrent layer exactly, in words; None when
    it can (a stock SimpleRNN without dropout, reading forwards, short enough to unroll)."""
    if type(rnn) is not keras.layers.SimpleRNN:
        return f"only SimpleRNN has a faster twin, and this is a {type(rnn).__name__}."
    if rnn.cell.dropout or rnn.cell.recurrent_dropout:
        return "the faster SimpleRNN has no dropout."
    if steps is None or steps > UNROLL_MAX_TOKENS:
        return (
            f"the faster SimpleRNN writes its steps out, which pays only up to "
            f"{UNROLL_MAX_TOKENS} tokens."
        )
    if rnn.go_backwards:
        return "the faster SimpleRNN reads forwards only (go_backwards=True here)."
    return None


def _projected(layer) -> ProjectedSimpleRNN:
    return ProjectedSimpleRNN.from_config({**layer.get_config(), "unroll": True})


def _kind(layer) -> str:
    inner = getattr(layer, "forward_layer", None)
    return f"Bidirectional({type(inner).__name__})" if inner else type(layer).__name__
