"""textrnn_lessons.training.keras2_optimizers: RMSprop steps as the tutorial's Keras 2 stepped it.

Checked against Keras 2 itself (`tf_keras`, in the test extra), on one optimizer step and on
whole training steps of the approach's network, on stock Keras and in the speed runtime.
"""

from __future__ import annotations

import numpy as np
import pytest

# An embedding's gradient: word 3 used three times in the batch, words 7 and 0 once.
REPEATED_ROWS = [3, 7, 3, 3, 0]
REPEATED_VALUES = np.arange(20, dtype="float32").reshape(5, 4) / 10 - 1
TABLE_START = np.linspace(-1, 1, 40, dtype="float32").reshape(10, 4)
# Our optimizer -> the Keras 2 (and Keras 3) class it should step like.
OURS = {"Keras2RMSprop": "RMSprop", "RowWiseKeras2RMSprop": "RMSprop"}


def our_optimizer(name: str):
    from textrnn_lessons.speed import optimizers
    from textrnn_lessons.training import keras2_optimizers as keras2

    return getattr(keras2, name, None) or getattr(optimizers, name)


def _apply_repeated_rows(optimizer, steps=2):
    """The embedding table after `steps` steps of the repeated-rows gradient."""
    import tensorflow as tf

    table = tf.Variable(TABLE_START)
    optimizer.build([table])
    gradient = tf.IndexedSlices(
        tf.constant(REPEATED_VALUES), tf.constant(REPEATED_ROWS), tf.constant([10, 4])
    )
    for _ in range(steps):
        optimizer.apply_gradients([(gradient, table)])
    return table.numpy()


@pytest.mark.parametrize("name", ["Keras2RMSprop", "RowWiseKeras2RMSprop"])
def test_rmsprop_steps_each_word_once_per_batch_as_keras_2_did(name):
    """A word's uses in a batch are added up before the step, then plain RMSprop: the sum's
    square goes into the velocity. Rows the batch did not use stay where they were."""
    got = _apply_repeated_rows(our_optimizer(name)(learning_rate=0.01))
    summed = np.zeros_like(TABLE_START)
    np.add.at(summed, REPEATED_ROWS, REPEATED_VALUES)
    velocity, expected = np.zeros_like(TABLE_START), TABLE_START.copy()
    for _ in range(2):
        velocity = 0.9 * velocity + 0.1 * summed**2
        expected -= 0.01 * summed / np.sqrt(velocity + 1e-7)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    untouched = [1, 2, 4, 5, 6, 8, 9]
    np.testing.assert_array_equal(got[untouched], TABLE_START[untouched])


@pytest.mark.parametrize("name", sorted(OURS))
def test_optimizers_match_the_tutorials_keras_2_on_repeated_words(name):
    """The same steps as tf_keras (Keras 2, the tutorial's); Keras 3's own optimizers differ."""
    import keras
    import tf_keras  # the test extra installs it

    expected = _apply_repeated_rows(getattr(tf_keras.optimizers, OURS[name])(learning_rate=0.01))
    ours = _apply_repeated_rows(our_optimizer(name)(learning_rate=0.01))
    np.testing.assert_allclose(ours, expected, rtol=1e-5, atol=1e-6)
    keras_3 = _apply_repeated_rows(getattr(keras.optimizers, OURS[name])(learning_rate=0.01))
    assert not np.allclose(keras_3, expected, atol=1e-4)


def test_summed_by_word_adds_up_each_words_rows():
    import tensorflow as tf

    from textrnn_lessons.training.keras2_optimizers import summed_by_word

    gradient = tf.IndexedSlices(
        tf.constant(REPEATED_VALUES), tf.constant(REPEATED_ROWS), tf.constant([10, 4])
    )
    summed = summed_by_word(gradient)
    rows = summed.indices.numpy().tolist()
    assert sorted(rows) == [0, 3, 7]
    expected = np.zeros_like(TABLE_START)
    np.add.at(expected, REPEATED_ROWS, REPEATED_VALUES)
    np.testing.assert_allclose(summed.values.numpy(), expected[rows], rtol=1e-6)
    assert summed.dense_shape.numpy().tolist() == [10, 4]


def test_dense_gradients_step_as_in_keras_3():
    """Only embedding (sparse) gradients are summed; every other weight steps as usual."""
    import keras
    import tensorflow as tf

    weights = {}
    for optimizer in (
        keras.optimizers.RMSprop(),
        our_optimizer("Keras2RMSprop")(),
        our_optimizer("RowWiseKeras2RMSprop")(),
    ):
        variable = tf.Variable(np.ones((3, 2), dtype="float32"))
        optimizer.build([variable])
        for scale in (1.0, -2.0, 0.5):
            optimizer.apply_gradients([(tf.constant(np.full((3, 2), scale, "float32")), variable)])
        weights[type(optimizer).__name__] = variable.numpy()
    np.testing.assert_allclose(weights["Keras2RMSprop"], weights["RMSprop"], rtol=1e-6)
    np.testing.assert_allclose(weights["RowWiseKeras2RMSprop"], weights["RMSprop"], rtol=1e-6)


@pytest.mark.parametrize("fast", [False, True], ids=["stock Keras", "speed runtime"])
@pytest.mark.parametrize("number", [2, 3])
def test_training_follows_the_tutorials_keras_2_step_for_step(number, fast):
    """Same starting weights, same batches: the approach's Keras 3 network with
    `optimizer="rmsprop_keras2"` (and the speed runtime's twin of it, in two chains where it
    has one direction) takes the steps the tutorial's Keras 2 code takes
    (benchmarks/pipeline_speed.py's tutorial side)."""
    import tf_keras  # the test extra installs it

    from textrnn_lessons.models.approaches import build_model, get_approach
    from textrnn_lessons.speed.twin import faster_twin
    from textrnn_lessons.training.fitting import compile_model

    approach = get_approach(number)
    rng = np.random.default_rng(0)
    ids = rng.integers(1, 300, size=(4 * 64, approach.max_tokens)).astype("int32")
    ids[::2, 30:] = 0  # padding after the text in half the rows
    labels = rng.integers(0, 4, len(ids))
    layers = tf_keras.layers
    tutorial = tf_keras.Sequential(
        [tf_keras.Input((approach.max_tokens,)), layers.Embedding(300, approach.embed_len)]
    )
    rnn = layers.SimpleRNN(approach.units[0])
    tutorial.add(layers.Bidirectional(rnn) if approach.bidirectional else rnn)
    tutorial.add(layers.Dense(4, activation="softmax"))
    tutorial.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy")
    ours = compile_model(build_model(approach, 300), "rmsprop_keras2")
    ours.set_weights(tutorial.get_weights())
    if fast:
        ours = faster_twin(ours)
        assert type(ours.optimizer).__name__ == "RowWiseKeras2RMSprop"
        if not approach.bidirectional:
            ours.layers[1].chains = 2
    start = tutorial.get_weights()
    for batch in np.split(np.arange(len(ids)), 4):
        tutorial.train_on_batch(ids[batch], labels[batch])
        ours.train_on_batch(ids[batch], labels[batch])
    for before, expected, got in zip(start, tutorial.get_weights(), ours.get_weights()):
        assert not np.allclose(expected, before)
        np.testing.assert_allclose(got, expected, atol=2e-6)
