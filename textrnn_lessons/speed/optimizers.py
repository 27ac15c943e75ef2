"""RMSprop stepping only the embedding rows a batch used: Keras 3's arithmetic or Keras 2's.

A measure of the speed runtime (textrnn_lessons.speed). An embedding's gradient comes as one
row per use of a word. Keras 3's RMSprop turns it into a whole vocabulary x 30 table and passes
over that table several times per step. `RowWiseRMSprop` decays the whole velocity table (as
RMSprop must) in one XLA pass and touches only the used rows for the rest: the same weights as
`keras.optimizers.RMSprop`, up to float rounding. `RowWiseKeras2RMSprop` does the same for
`Keras2RMSprop` (training/keras2_optimizers.py: each word's uses summed first).
Tests (tests/test_speed.py): `test_row_wise_rmsprop_trains_like_keras_rmsprop`.

It reads two private parts of Keras's optimizer, `_velocities` and `_get_variable_index`
(speed/check.py checks them before the runtime starts). Imported lazily: it needs Keras and
TensorFlow.
"""

from __future__ import annotations

import keras
import tensorflow as tf

from ..training.keras2_optimizers import Keras2RMSprop, SumWordUsesFirst


class RowWiseRMSprop(keras.optimizers.RMSprop):
    """keras.optimizers.RMSprop whose step for a sparse gradient touches only its rows (and
    the velocity decay)."""

    def update_step(self, gradient, variable, learning_rate):
        if not isinstance(gradient, tf.IndexedSlices) or self.momentum > 0 or self.centered:
            return super().update_step(gradient, variable, learning_rate)
        velocity = self._velocities[self._get_variable_index(variable)]
        _row_update(
            _tf_variable(variable),
            _tf_variable(velocity),
            gradient.indices,
            tf.cast(gradient.values, variable.dtype),
            tf.cast(learning_rate, variable.dtype),
            self.rho,
            self.epsilon,
            self.decay_function(),
        )

    def decay_function(self):
        """The velocity decay, compiled by XLA, one per optimizer: a function shared by all
        optimizers would keep calling the variables of the first, after it is gone."""
        decay = getattr(self, "xla_decay", None)
        if decay is None:
            decay = tf.function(_decay, jit_compile=True)
            object.__setattr__(self, "xla_decay", decay)  # not a Keras-tracked attribute
        return decay


class RowWiseKeras2RMSprop(SumWordUsesFirst, RowWiseRMSprop):
    """Keras2RMSprop (each word stepped once per batch, its uses summed) touching only the
    embedding rows a batch used."""


def faster_optimizer(optimizer):
    """The row-wise twin of a plain RMSprop or a Keras2RMSprop (same settings); any other
    optimizer (Adam, RMSprop with momentum) as a fresh copy of itself."""
    twin = {keras.optimizers.RMSprop: RowWiseRMSprop, Keras2RMSprop: RowWiseKeras2RMSprop}.get(
        type(optimizer), type(optimizer)
    )
    return twin.from_config(optimizer.get_config())


def _tf_variable(variable):
    """The TensorFlow variable behind a Keras variable (or the variable itself)."""
    return variable.value if isinstance(variable, keras.Variable) else variable


def _row_update(variable, velocity, rows, values, learning_rate, rho, epsilon, decay):
    """RMSprop for the rows a batch used. Every row's velocity decays, as in Keras (`decay`);
    a used row gains the squares of its gradient rows (summed when a row comes several
    times, as Keras sums them) and takes their step."""
    decay(velocity, rho)
    # Plain TensorFlow operations: the number of rows changes with every batch of Keras 2's
    # summed gradients, and XLA would compile anew for each new shape.
    velocity.scatter_add(tf.IndexedSlices((1 - rho) * tf.square(values), rows))
    scale = tf.math.rsqrt(tf.gather(velocity, rows) + epsilon)
    variable.scatter_sub(tf.IndexedSlices(learning_rate * values * scale, rows))


def _decay(velocity, rho):
    """The whole table's velocity times rho: one pass over it when XLA compiles it (its
    shape never changes), against two as TensorFlow operations."""
    velocity.assign(rho * velocity)
