"""Keras 2's RMSprop, stepping only the embedding rows a batch used.

Speed-up measure 2 of `textrnn_lessons.speedups` (the lessons meet it in notebook
02_single_rnn_25_tokens). `Keras2RMSprop` (textrnn_lessons.keras2) gives each word of a batch
one summed gradient row; Keras 3's RMSprop then still passes over the whole vocabulary x 30
table several times per step. `RowWiseKeras2RMSprop` decays the whole velocity table (as
RMSprop must) in one XLA pass, and touches only the used rows for the rest: the same weights as
`Keras2RMSprop`, up to float rounding (tests/test_speed.py).

Imported lazily: it needs Keras and TensorFlow.
"""

from __future__ import annotations

import keras
import tensorflow as tf

from ..training.keras2_optimizers import Keras2RMSprop, SumWordUsesFirst


class _RowWiseRMSprop(keras.optimizers.RMSprop):
    """keras.optimizers.RMSprop whose step for a sparse gradient with one row per word
    touches only those rows (and the velocity decay)."""

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
            self._decay_function(),
        )

    def _decay_function(self):
        """The velocity decay, compiled by XLA, one per optimizer: a function shared by all
        optimizers would keep calling the variables of the first, after it is gone."""
        decay = getattr(self, "_xla_decay", None)
        if decay is None:
            decay = tf.function(_decay, jit_compile=True)
            object.__setattr__(self, "_xla_decay", decay)
        return decay


@keras.saving.register_keras_serializable(package="textrnn_lessons")
class RowWiseKeras2RMSprop(SumWordUsesFirst, _RowWiseRMSprop):
    """Keras2RMSprop (each word stepped once per batch) touching only the embedding rows a
    batch used."""


def faster_optimizer(optimizer):
    """The row-wise twin of a Keras2RMSprop (same settings); any other optimizer unchanged."""
    if type(optimizer) is Keras2RMSprop:
        return RowWiseKeras2RMSprop.from_config(optimizer.get_config())
    return optimizer


def _tf_variable(variable):
    """The TensorFlow variable behind a Keras variable (or the variable itself)."""
    return variable.value if isinstance(variable, keras.Variable) else variable


def _row_update(variable, velocity, rows, values, learning_rate, rho, epsilon, decay):
    """RMSprop for the rows a batch used (each row once). Every row's velocity decays, as
    in Keras (`decay`); only the used rows gain a square and take a step."""
    decay(velocity, rho)
    # Plain TensorFlow operations: the number of rows changes with every batch, and XLA
    # would compile anew for each new shape.
    velocity.scatter_add(tf.IndexedSlices((1 - rho) * tf.square(values), rows))
    scale = tf.math.rsqrt(tf.gather(velocity, rows) + epsilon)
    variable.scatter_sub(tf.IndexedSlices(learning_rate * values * scale, rows))


def _decay(velocity, rho):
    """The whole table's velocity times rho: one pass over it when XLA compiles it (its
    shape never changes), against two as TensorFlow operations (benchmarks/README.md)."""
    velocity.assign(rho * velocity)
