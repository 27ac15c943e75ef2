"""Before the speed runtime trains anything: are the private Keras parts it reads still there,
and do they still behave as it expects?

The runtime overrides `keras.layers.RNN.inner_loop` (rnn.py) and reads RMSprop's
`_velocities[_get_variable_index(variable)]` (optimizers.py); neither is public API, so a
Keras release may rename or change them. `unavailable()` checks them once per process, on a
tiny layer and optimizer (milliseconds), and returns a sentence saying what is missing or
changed; the runtime then trains on stock Keras and says so (textrnn_lessons.speed.fit).
Test: `test_a_missing_private_part_means_stock_keras_and_one_sentence` (tests/test_speed.py).
"""

from __future__ import annotations

import functools
import inspect

#: What `RNN.inner_loop` must accept, in this order (Keras 3.15's signature).
INNER_LOOP_PARAMETERS = ["self", "sequences", "initial_state", "mask", "training"]


@functools.cache
def unavailable() -> str | None:
    """Why the runtime cannot run on this Keras, as one sentence; None when it can."""
    import keras

    reason = _rnn_problem() or _optimizer_problem()
    if reason is None:
        return None
    return (
        f"The speed runtime needs a private part of Keras that Keras {keras.__version__} "
        f"does not have as expected ({reason}), so this run trains on stock Keras: the same "
        "arithmetic, slower."
    )


def _rnn_problem() -> str | None:
    import keras
    import numpy as np

    loop = getattr(keras.layers.RNN, "inner_loop", None)
    if not callable(loop):
        return "keras.layers.RNN.inner_loop is missing"
    if list(inspect.signature(loop).parameters) != INNER_LOOP_PARAMETERS:
        return f"keras.layers.RNN.inner_loop takes {inspect.signature(loop)}"
    from .rnn import ProjectedSimpleRNN

    inputs = np.linspace(-1, 1, 2 * 3 * 2, dtype="float32").reshape(2, 3, 2)
    stock = keras.layers.SimpleRNN(3, unroll=True)
    ours = ProjectedSimpleRNN(3, unroll=True)
    try:
        expected = np.asarray(stock(inputs))
        ours(inputs)
        ours.set_weights(stock.get_weights())
        same = np.allclose(np.asarray(ours(inputs)), expected, atol=1e-5)
    except Exception as error:  # any failure here is a change in Keras's RNN internals
        return f"a SimpleRNN stepping through RNN.inner_loop failed: {error}"
    return None if same else "RNN.inner_loop's results are used differently"


def _optimizer_problem() -> str | None:
    import keras

    optimizer = keras.optimizers.RMSprop()
    if not callable(getattr(optimizer, "_get_variable_index", None)):
        return "RMSprop._get_variable_index is missing"
    variable = keras.Variable([[1.0, 2.0]])
    try:
        optimizer.build([variable])
        velocity = optimizer._velocities[optimizer._get_variable_index(variable)]
    except Exception as error:  # missing, renamed or indexed differently
        return f"RMSprop._velocities[_get_variable_index(variable)] failed: {error}"
    if tuple(velocity.shape) != tuple(variable.shape):
        return "RMSprop._velocities holds something other than each variable's velocity"
    return None
