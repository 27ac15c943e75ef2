"""RMSprop as the tutorial's Keras 2 computed it for an embedding: `optimizer="rmsprop_keras2"`.

The `tutorial` protocol trains with it, so that its numbers compare like for like with the
tutorial's, and lesson 07 asks whether it trains differently; the lessons, the panel and 07's
other experiments use Keras 3's own RMSprop, as a learner writes it.

An embedding's gradient comes as one row per *use* of a word: "the" appears hundreds of times
in a batch of 512 articles. Keras 2 first added up those uses into one gradient per word, then
took one RMSprop step. Keras 3's RMSprop adds up the squares of the uses in its velocity
instead, so a word used n times moves up to sqrt(n) times further than Keras 2 would move it
(from the same weights, one step of approach 1 moved embedding values by up to 0.0086 with
Keras 3 and 0.0032 with Keras 2).

`Keras2RMSprop` adds up the uses first; everything else is Keras 3's own RMSprop.
tests/test_keras2.py checks the arithmetic against Keras 2 itself (`tf_keras`).

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


class SumWordUsesFirst:
    """Mixed into a Keras optimizer: sparse gradients are summed by word before each step."""

    def update_step(self, gradient, variable, learning_rate):
        if isinstance(gradient, tf.IndexedSlices):
            gradient = summed_by_word(gradient)
        return super().update_step(gradient, variable, learning_rate)


@keras.saving.register_keras_serializable(package="textrnn_lessons")
class Keras2RMSprop(SumWordUsesFirst, keras.optimizers.RMSprop):
    """keras.optimizers.RMSprop, stepping each word of an embedding once per batch (Keras 2)."""
