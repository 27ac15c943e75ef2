"""RMSprop that updates only the embedding rows a batch used.

Introduced in notebook 02_single_rnn_25_tokens, through `compile_model`. An embedding's
gradient touches a few thousand of its rows per batch. Keras 3's RMSprop turns it into a full
dense matrix before updating: several passes over the whole table (vocabulary x 30) on every
step. This subclass does the same arithmetic (Keras 3's, which is also the tutorial's Keras 2
RMSprop on sparse gradients: a word used several times in one batch adds the square of each
use's gradient to its velocity) with the same scatter operations as Keras 2, touching only
the rows in the batch apart from the one multiplication that decays every row's velocity,
and has XLA compile them into one step.
benchmarks/README.md has the measurements; tests/test_speed.py checks that both optimizers
give the same weights.

Imported lazily: it needs Keras and TensorFlow.
"""
from __future__ import annotations

import keras
import tensorflow as tf


@keras.saving.register_keras_serializable(package="textrnn_lessons")
class SparseRMSprop(keras.optimizers.RMSprop):
    """keras.optimizers.RMSprop with a row-wise update for sparse (embedding) gradients."""

    def update_step(self, gradient, variable, learning_rate):
        """Row-wise step for a sparse gradient; Keras's own step for everything else."""
        if not isinstance(gradient, tf.IndexedSlices) or self.momentum > 0 or self.centered:
            return super().update_step(gradient, variable, learning_rate)
        # Scatter operations add up repeated rows, which is exactly Keras's arithmetic: the
        # squares of each use go into the velocity, and every use is divided by the same
        # square root.
        velocity = self._velocities[self._get_variable_index(variable)]
        _row_update(_tf_variable(variable), _tf_variable(velocity), gradient.indices,
                    tf.cast(gradient.values, variable.dtype),
                    tf.cast(learning_rate, variable.dtype), self.rho, self.epsilon)


def _tf_variable(variable):
    """The TensorFlow variable behind a Keras variable (or the variable itself)."""
    return variable.value if isinstance(variable, keras.Variable) else variable


@tf.function(jit_compile=True)
def _row_update(variable, velocity, rows, values, learning_rate, rho, epsilon):
    """One RMSprop step for the rows of an embedding a batch used, compiled by XLA into a
    few loops (half the time of the same TensorFlow operations run one by one)."""
    velocity.assign(rho * velocity)
    velocity.scatter_add(tf.IndexedSlices((1 - rho) * tf.square(values), rows))
    scale = tf.math.rsqrt(tf.gather(velocity, rows) + epsilon)
    variable.scatter_sub(tf.IndexedSlices(learning_rate * values * scale, rows))
