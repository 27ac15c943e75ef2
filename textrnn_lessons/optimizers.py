"""RMSprop that updates only the embedding rows a batch used.

Introduced in notebook 02_single_rnn_25_tokens, through `compile_model`. An embedding's
gradient touches a few thousand of its rows per batch. Keras 3's RMSprop turns it into a full
dense matrix before updating: several passes over the whole table (vocabulary x 30) on every
step. This subclass does Keras 3's arithmetic exactly, including how it treats a word used
several times in one batch (it adds up the squares of each use's gradient; Keras 2, the
tutorial's, squared their sum), but touches only the rows in the batch, apart from the one
multiplication that decays every row's velocity. benchmarks/README.md has the measurements;
tests/test_speed.py checks that both optimizers give the same weights.

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
        rows, position = tf.unique(gradient.indices)
        count = tf.shape(rows)[0]
        values = tf.cast(gradient.values, variable.dtype)
        summed = tf.math.unsorted_segment_sum(values, position, count)
        squares = tf.math.unsorted_segment_sum(tf.square(values), position, count)
        lr = tf.cast(learning_rate, variable.dtype)
        velocity = self._velocities[self._get_variable_index(variable)]
        self.assign(velocity, self.rho * velocity.value)
        self.assign_add(velocity, tf.IndexedSlices((1 - self.rho) * squares, rows))
        denominator = tf.gather(velocity.value, rows) + self.epsilon
        self.assign_sub(variable, tf.IndexedSlices(lr * summed / tf.sqrt(denominator), rows))
