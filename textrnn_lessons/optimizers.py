"""RMSprop and Adam that treat an embedding the way the tutorial's Keras 2 did.

Introduced in notebook 02_single_rnn_25_tokens, through `compile_model`. An embedding's
gradient comes as one row per *use* of a word: "the" appears hundreds of times in a batch of
512 articles. Keras 2 first added up those uses into one gradient per word, then took one
RMSprop or Adam step. Keras 3's optimizers take the uses one by one instead, so a word used n
times moves up to sqrt(n) times further than Keras 2 would move it. These classes add up the
uses first: from the same starting weights and batches, the package's training then follows
the tutorial's step for step (benchmarks/README.md; tests/test_speed.py checks the
arithmetic against Keras 2's).

`SparseRMSprop` (the default) also updates only the rows a batch used; Keras 3's RMSprop
would pass over the whole vocabulary x 30 table several times per step.

Imported lazily: it needs Keras and TensorFlow.
"""
from __future__ import annotations

import keras
import tensorflow as tf


def summed_by_word(gradient: tf.IndexedSlices) -> tf.IndexedSlices:
    """One gradient row per word the batch used: the sum of that word's uses."""
    rows, position = tf.unique(gradient.indices)
    values = tf.math.unsorted_segment_sum(gradient.values, position, tf.shape(rows)[0])
    return tf.IndexedSlices(values, rows, gradient.dense_shape)


class _SumsWordUses:
    """Mixed into a Keras optimizer: sparse gradients are summed by word before each step."""

    def update_step(self, gradient, variable, learning_rate):
        if isinstance(gradient, tf.IndexedSlices):
            gradient = summed_by_word(gradient)
        return super().update_step(gradient, variable, learning_rate)


@keras.saving.register_keras_serializable(package="textrnn_lessons")
class RMSprop(_SumsWordUses, keras.optimizers.RMSprop):
    """keras.optimizers.RMSprop, stepping each word of an embedding once per batch."""


@keras.saving.register_keras_serializable(package="textrnn_lessons")
class Adam(_SumsWordUses, keras.optimizers.Adam):
    """keras.optimizers.Adam, stepping each word of an embedding once per batch."""


class _RowWiseRMSprop(keras.optimizers.RMSprop):
    """keras.optimizers.RMSprop whose step for a sparse gradient with one row per word
    touches only those rows (and the velocity decay)."""

    def update_step(self, gradient, variable, learning_rate):
        if not isinstance(gradient, tf.IndexedSlices) or self.momentum > 0 or self.centered:
            return super().update_step(gradient, variable, learning_rate)
        velocity = self._velocities[self._get_variable_index(variable)]
        _row_update(_tf_variable(variable), _tf_variable(velocity), gradient.indices,
                    tf.cast(gradient.values, variable.dtype),
                    tf.cast(learning_rate, variable.dtype), self.rho, self.epsilon)


@keras.saving.register_keras_serializable(package="textrnn_lessons")
class SparseRMSprop(_SumsWordUses, _RowWiseRMSprop):
    """RMSprop stepping each word once per batch (as above), touching only the embedding rows
    a batch used."""


def _tf_variable(variable):
    """The TensorFlow variable behind a Keras variable (or the variable itself)."""
    return variable.value if isinstance(variable, keras.Variable) else variable


def _row_update(variable, velocity, rows, values, learning_rate, rho, epsilon):
    """RMSprop for the rows a batch used (each row once). Every row's velocity decays, as
    in Keras; only the used rows gain a square and take a step."""
    _decay(velocity, rho)
    # Plain TensorFlow operations: the number of rows changes with every batch, and XLA
    # would compile anew for each new shape.
    velocity.scatter_add(tf.IndexedSlices((1 - rho) * tf.square(values), rows))
    scale = tf.math.rsqrt(tf.gather(velocity, rows) + epsilon)
    variable.scatter_sub(tf.IndexedSlices(learning_rate * values * scale, rows))


@tf.function(jit_compile=True)
def _decay(velocity, rho):
    """The whole table's velocity times rho: one pass over it when XLA compiles it (its
    shape never changes), against two as TensorFlow operations (benchmarks/README.md)."""
    velocity.assign(rho * velocity)
