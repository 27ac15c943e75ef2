"""textrnn_lessons.speed changes how fast training runs, never what it computes.

One test (or more) per measure listed in the subpackage's docstring (the names it gives), each
comparing the runtime with stock Keras on the same weights and data; then the start-up check
and its fallback, the switch, and models that load without the package.
"""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pytest

from textrnn_lessons import speed
from textrnn_lessons.models.approaches import build_model, get_approach
from textrnn_lessons.training.fitting import compile_model

from .conftest import MINI


def ids_and_labels(rows: int, tokens: int, vocabulary: int = 300, seed: int = 0):
    """Token indexes with padding after the text in half the rows, and labels."""
    rng = np.random.default_rng(seed)
    ids = rng.integers(2, vocabulary, size=(rows, tokens)).astype("int32")
    ids[::2, tokens * 2 // 3 :] = 0
    return ids, rng.integers(0, 4, rows).astype("int32")


#: Approach 1 made small, where only the mechanics are tested: short to trace and to train.
SMALL = get_approach(1).with_changes(max_tokens=8, embed_len=4, units=[6])


def stock_and_twin(approach, vocabulary=300, optimizer="rmsprop"):
    """A compiled stock model and the runtime's fast twin of it (same weights, own layers)."""
    from textrnn_lessons.speed.twin import faster_twin

    stock = compile_model(build_model(approach, vocabulary), optimizer)
    return stock, faster_twin(stock)


def kinds(model):
    return [type(getattr(layer, "forward_layer", layer)).__name__ for layer in model.layers]


def runtime_fit(model, x, y, epochs=1, batch_size=32, callbacks=None, enabled=True):
    return speed.fit(
        model,
        x,
        y,
        (x[:10], y[:10]),
        epochs=epochs,
        batch_size=batch_size,
        callbacks=callbacks,
        enabled=enabled,
    )


# --- 1. the fast twin ---------------------------------------------------------------------------


@pytest.mark.parametrize("number", [1, 5])
def test_the_twin_swaps_what_it_says_and_keeps_weights_and_settings(number):
    approach = get_approach(number)
    stock, twin = stock_and_twin(approach)
    assert kinds(twin) == ["Embedding"] + ["ProjectedSimpleRNN"] * len(approach.units) + ["Dense"]
    assert kinds(stock) == ["Embedding"] + ["SimpleRNN"] * len(approach.units) + ["Dense"]
    assert all(getattr(layer, "forward_layer", layer).unroll for layer in twin.layers[1:-1])
    assert not any(a is b for a, b in zip(stock.layers, twin.layers))  # nothing shared
    assert type(twin.optimizer).__name__ == "RowWiseRMSprop" and twin.loss == stock.loss
    ids, _ = ids_and_labels(16, approach.max_tokens)
    np.testing.assert_allclose(np.asarray(twin(ids)), np.asarray(stock(ids)), atol=1e-6)


@pytest.mark.parametrize("case", ["dropout", "LSTM", "long sequences"])
def test_the_twin_keeps_recurrent_layers_it_cannot_match_as_they_are(case):
    import keras
    from keras import layers

    from textrnn_lessons.speed.twin import faster_twin

    tokens = 150 if case == "long sequences" else 20
    rnn = {
        "dropout": layers.SimpleRNN(8, dropout=0.2),
        "LSTM": layers.LSTM(8),
        "long sequences": layers.SimpleRNN(8),
    }[case]
    model = keras.Sequential(
        [keras.Input(shape=(tokens,), dtype="int32"), layers.Embedding(50, 4), rnn, layers.Dense(4)]
    )
    model.compile(optimizer="rmsprop", loss="mse")
    twin = faster_twin(model)
    assert kinds(twin)[1] == type(rnn).__name__
    ids, _ = ids_and_labels(5, tokens, 50)
    np.testing.assert_allclose(np.asarray(twin(ids)), np.asarray(model(ids)), atol=1e-6)


def test_the_runtime_trains_the_stock_model_it_was_given():
    """The twin trains; the model given gets its weights and stays stock Keras. Steps per
    epoch, History keys and validation as stock `fit`."""
    import keras

    x, y = ids_and_labels(70, SMALL.max_tokens, 50)
    model = compile_model(build_model(SMALL, 50))
    start = model.get_weights()
    seen = []

    class Watch(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append((self.params["steps"], kinds(self.model)[1]))

    history = runtime_fit(model, x, y, epochs=2, callbacks=[Watch()])
    assert history.speed_runtime and seen == [(3, "ProjectedSimpleRNN")] * 2
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert len(history.history["val_loss"]) == 2
    assert kinds(model) == ["Embedding", "SimpleRNN", "Dense"]
    assert type(model.optimizer) is keras.optimizers.RMSprop
    assert all(not np.allclose(a, b) for a, b in zip(model.get_weights(), start))
    twin = history.model
    np.testing.assert_allclose(np.asarray(model(x)), np.asarray(twin(x)), atol=1e-6)


@pytest.mark.parametrize(
    "approach, per_call", [(SMALL, 4), (SMALL.with_changes(bidirectional=True), 1)]
)
def test_one_forward_layer_runs_several_steps_per_call_and_no_step_more(
    approach, per_call, monkeypatch
):
    """73 batches an epoch, 4 steps per call for one forward layer: still 73 optimizer steps an
    epoch (an endless dataset would have run 76). Bidirectional layers run one per call."""
    monkeypatch.setattr(speed, "STEPS_PER_EXECUTION", 4)
    x, y = ids_and_labels(73 * 8, SMALL.max_tokens, 50)
    history = runtime_fit(compile_model(build_model(approach, 50)), x, y, 2, batch_size=8)
    assert history.model.steps_per_execution == per_call
    assert int(history.model.optimizer.iterations) == 2 * 73


def test_runtime_and_stock_keras_take_the_same_steps():
    """Same weights, same batches (train_on_batch, so the two input pipelines' different
    shuffling plays no part): the same weights after a few steps. A stack in two chains,
    shortened to keep the test quick (tests/test_keras2.py trains approaches 2 and 3 at full
    length with Keras 2's arithmetic, on stock Keras and in the runtime)."""
    approach = get_approach(4).with_changes(max_tokens=10, units=[9, 7, 5])
    stock, twin = stock_and_twin(approach)
    for layer in twin.layers[1:-1]:
        layer.chains = 2
    ids, labels = ids_and_labels(4 * 48, approach.max_tokens)
    start = stock.get_weights()
    for batch in np.split(np.arange(len(ids)), 4):
        stock.train_on_batch(ids[batch], labels[batch])
        twin.train_on_batch(ids[batch], labels[batch])
    assert not any(np.allclose(a, b) for a, b in zip(stock.get_weights(), start))
    for expected, got in zip(stock.get_weights(), twin.get_weights()):
        np.testing.assert_allclose(got, expected, atol=2e-6)


LOAD_WITHOUT_THE_PACKAGE = """
import sys
import keras, numpy as np
model = keras.models.load_model(sys.argv[1])
assert "textrnn_lessons" not in sys.modules
ids = np.load(sys.argv[2])
np.testing.assert_allclose(np.asarray(model(ids)), np.load(sys.argv[3]), atol=1e-6)
print(type(model).__name__, type(model.optimizer).__name__, int(model.optimizer.iterations))
"""


@pytest.mark.parametrize("optimizer, steps", [("rmsprop", 4), ("rmsprop_keras2", 0)])
def test_a_model_the_runtime_trained_loads_in_a_fresh_python_without_the_package(
    optimizer, steps, tmp_path
):
    """Saved after `fitting.train` (the runtime) and `loadable`, as `Trainer.run` hands it on:
    plain `keras.models.load_model` in a Python that never imports textrnn_lessons, without a
    warning. Keras 3's RMSprop keeps the twin's state (4 steps); Keras 2's starts again as
    Keras 3's RMSprop."""
    from textrnn_lessons.training.fitting import loadable, train

    approach = get_approach(3).with_changes(max_tokens=8, embed_len=4, units=[5])
    model = compile_model(build_model(approach, 60), optimizer)
    ids, labels = ids_and_labels(64, 8, 60)
    history = train(model, ids, labels, ids[:8], labels[:8], 1, 16, verbose=0, speed=True)
    assert history.speed_runtime
    loadable(model).save(tmp_path / "model.keras")
    np.save(tmp_path / "ids.npy", ids)
    np.save(tmp_path / "expected.npy", np.asarray(model(ids)))
    done = subprocess.run(
        [sys.executable, "-c", LOAD_WITHOUT_THE_PACKAGE]
        + [str(tmp_path / name) for name in ("model.keras", "ids.npy", "expected.npy")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["Sequential", "RMSprop", str(steps)]
    assert "Skipping variable loading" not in done.stderr, done.stderr[-2000:]


# --- 2. ProjectedSimpleRNN ----------------------------------------------------------------------

# Padding at the end (as the lessons pad), and a mask with holes anywhere.
MASKS = {
    "post_padding": [
        [1] * 9,
        [1] * 4 + [0] * 5,
        [1] * 8 + [0],
        [0] * 9,
        [1] * 6 + [0] * 3,
        [1] + [0] * 8,
    ],
    "holes": [
        [1, 0, 1, 1, 0, 0, 1, 0, 1],
        [0, 1] * 4 + [1],
        [1] * 9,
        [0] * 8 + [1],
        [1, 1, 0, 0, 1, 1, 0, 0, 1],
        [0] * 9,
    ],
}


@pytest.mark.parametrize("mask", [None, "post_padding", "holes"])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("chains", [1, 4])
def test_projected_rnn_computes_what_keras_simplernn_computes(
    bidirectional, return_sequences, mask, chains
):
    """Outputs and every gradient, with and without a padding mask, in one chain of steps or
    in several slices of the batch (6 rows in 4 chains: slices of 1 and 2 rows)."""
    import keras
    import tensorflow as tf

    from textrnn_lessons.speed.rnn import ProjectedSimpleRNN

    inputs = tf.constant(np.random.default_rng(0).normal(size=(6, 9, 5)).astype("float32"))
    keep = None if mask is None else tf.constant(np.array(MASKS[mask], dtype=bool))
    # With a mask, the reference is Keras's loop: its unrolled version zeroes the wrong steps of
    # a backwards layer's output (keras/src/backend/tensorflow/rnn.py does not reverse the mask
    # for zero_output_for_mask), which Bidirectional turns on.
    reference = keras.layers.SimpleRNN(7, return_sequences=return_sequences, unroll=mask is None)
    ours = ProjectedSimpleRNN(7, return_sequences=return_sequences, unroll=True, chains=chains)
    if bidirectional:
        reference, ours = keras.layers.Bidirectional(reference), keras.layers.Bidirectional(ours)
    reference(inputs)
    ours(inputs)
    ours.set_weights(reference.get_weights())
    results = []
    for layer in (reference, ours):
        with tf.GradientTape() as tape:
            tape.watch(inputs)
            output = layer(inputs, mask=keep)
            loss = tf.reduce_sum(tf.sin(output))
        results.append([output, *tape.gradient(loss, [inputs, *layer.trainable_weights])])
    for expected, got in zip(*results):
        np.testing.assert_allclose(np.asarray(got), np.asarray(expected), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("bidirectional", [False, True])
def test_a_fast_masked_network_predicts_what_the_stock_one_predicts(bidirectional):
    """A whole stacked network with `mask_padding`, made fast, against the same stock model."""
    design = get_approach(5 if bidirectional else 4).with_changes(
        max_tokens=12, embed_len=6, units=[5, 4], mask_padding=True
    )
    stock, fast = stock_and_twin(design, 40)
    assert fast.layers[0].mask_zero and kinds(fast)[1] == "ProjectedSimpleRNN"
    ids = np.random.default_rng(1).integers(2, 40, size=(7, 12)).astype("int32")
    for row, length in enumerate([12, 9, 3, 1, 0, 11, 6]):
        ids[row, length:] = 0  # padding after the text, as the vectorizer pads
    np.testing.assert_allclose(np.asarray(fast(ids)), np.asarray(stock(ids)), atol=1e-5)
    unmasked = build_model(design.with_changes(mask_padding=False), 40)
    unmasked.set_weights(stock.get_weights())
    assert not np.allclose(np.asarray(unmasked(ids)), np.asarray(fast(ids)), atol=1e-4)


# --- 3. the row-wise RMSprop -------------------------------------------------------------------


@pytest.mark.parametrize(
    "stock_name, fast_name",
    [("RMSprop", "RowWiseRMSprop"), ("Keras2RMSprop", "RowWiseKeras2RMSprop")],
)
def test_row_wise_rmsprop_trains_like_keras_rmsprop(stock_name, fast_name):
    """Same starting table, same gradients (repeated words, unused rows, a dense variable
    beside it): the same weights and velocities after every step, for Keras 3's arithmetic
    and for Keras 2's."""
    import keras
    import tensorflow as tf

    from textrnn_lessons.speed import optimizers
    from textrnn_lessons.training import keras2_optimizers

    stock_class = getattr(keras.optimizers, stock_name, None) or getattr(
        keras2_optimizers, stock_name
    )
    rng = np.random.default_rng(3)
    table_start = rng.normal(size=(50, 6)).astype("float32")
    dense_start = rng.normal(size=(6, 4)).astype("float32")
    batches = [
        (
            rng.integers(0, 50, size=40),
            rng.normal(size=(40, 6)).astype("float32"),
            rng.normal(size=(6, 4)).astype("float32"),
        )
        for _ in range(4)
    ]
    finals = []
    for optimizer in (
        stock_class(learning_rate=0.01),
        getattr(optimizers, fast_name)(learning_rate=0.01),
    ):
        table, dense = tf.Variable(table_start), tf.Variable(dense_start)
        optimizer.build([table, dense])
        steps = []
        for rows, values, dense_gradient in batches:
            sparse = tf.IndexedSlices(tf.constant(values), tf.constant(rows), tf.constant([50, 6]))
            optimizer.apply_gradients([(sparse, table), (tf.constant(dense_gradient), dense)])
            state = [np.asarray(v) for v in optimizer.variables]  # velocities included
            steps.append((table.numpy(), dense.numpy(), *state))
        finals.append(steps)
    for stock, fast in zip(*finals):
        for expected, got in zip(stock, fast):
            np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    unused = sorted(set(range(50)) - {int(r) for rows, _, _ in batches for r in rows})
    assert unused  # rows no batch used stay where they were
    np.testing.assert_array_equal(finals[1][-1][0][unused], table_start[unused])


def test_faster_optimizer_swaps_rmsprop_and_keeps_its_settings():
    import keras

    from textrnn_lessons.speed.optimizers import (
        RowWiseKeras2RMSprop,
        RowWiseRMSprop,
        faster_optimizer,
    )
    from textrnn_lessons.training.keras2_optimizers import Keras2RMSprop

    for stock, twin in (
        (keras.optimizers.RMSprop, RowWiseRMSprop),
        (Keras2RMSprop, RowWiseKeras2RMSprop),
    ):
        fast = faster_optimizer(stock(learning_rate=0.003, rho=0.8))
        assert type(fast) is twin
        assert (float(fast.learning_rate), fast.rho) == (pytest.approx(0.003), 0.8)
    adam = keras.optimizers.Adam(learning_rate=0.02)
    copy = faster_optimizer(adam)
    assert type(copy) is keras.optimizers.Adam and copy is not adam
    assert float(copy.learning_rate) == pytest.approx(0.02)


# --- 4. the runtime's input pipeline ------------------------------------------------------------


def test_datasets_run_without_the_autotuning_thread():
    """tf.data's autotuning thread can make fit wait up to 60 s as it returns (TensorFlow
    2.21): training and validation datasets both run without it."""
    from textrnn_lessons.speed.dataset import make_dataset

    x = np.zeros((10, 3), dtype="int32")
    y = np.zeros(10, dtype="int32")
    for dataset in (
        make_dataset(x, y, 4, shuffle=True),
        make_dataset(x, y, 4, shuffle=False),
    ):
        assert dataset.options().autotune.enabled is False


def test_dataset_serves_every_row_once_per_epoch():
    """In a seeded order, reshuffled each epoch; in order without shuffling."""
    from textrnn_lessons.speed.dataset import make_dataset

    x = np.arange(1000, dtype="int32").reshape(100, 10)
    y = np.arange(100, dtype="int32") % 4

    def epochs(dataset, count=2):
        return [
            np.concatenate([batch[0].numpy()[:, 0] // 10 for batch in dataset])
            for _ in range(count)
        ]

    first, second = epochs(make_dataset(x, y, 32, shuffle=True, seed=3))
    assert sorted(first) == list(range(100)) and sorted(second) == list(range(100))
    assert list(first) != list(second)  # reshuffled every epoch
    np.testing.assert_array_equal(epochs(make_dataset(x, y, 32, shuffle=True, seed=3))[0], first)
    plain = epochs(make_dataset(x, y, 32, shuffle=False), 1)[0]
    assert list(plain) == list(range(100))
    for batch_x, batch_y in make_dataset(x, y, 32, shuffle=True, seed=3):
        np.testing.assert_array_equal(batch_y.numpy(), (batch_x.numpy()[:, 0] // 10) % 4)


# --- 5. the graph optimiser while the runtime builds its steps ----------------------------------


@pytest.mark.parametrize("set_before", [None, True, False])
def test_the_runtime_builds_its_steps_without_the_graph_optimizer(set_before):
    """Off while `fit` runs, whatever it was before; the process's setting put back after."""
    import keras
    import tensorflow as tf

    key = "disable_meta_optimizer"
    if set_before is not None:
        tf.config.optimizer.set_experimental_options({key: set_before})
    before = tf.config.optimizer.get_experimental_options().get(key, False)
    seen = []

    class Watch(keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            seen.append(tf.config.optimizer.get_experimental_options()[key])

    x, y = ids_and_labels(64, SMALL.max_tokens, 50)
    try:
        runtime_fit(compile_model(build_model(SMALL, 50)), x, y, callbacks=[Watch()])
        assert seen == [True, True]
        assert tf.config.optimizer.get_experimental_options().get(key, False) == before
    finally:
        tf.config.optimizer.set_experimental_options({key: False})


# --- chains: chosen from the length of the run --------------------------------------------------


def test_long_runs_use_a_chain_per_core_in_one_directional_layers():
    from textrnn_lessons.machine import usable_cpus
    from textrnn_lessons.speed.rnn import (
        CHAINS_MIN_STEPS,
        RNN_CHAINS,
        ProjectedSimpleRNN,
        pick_chains,
    )

    def chains(model):
        return [getattr(layer, "forward_layer", layer).chains for layer in model.layers[1:-1]]

    def twin(number):
        return stock_and_twin(get_approach(number), 100)[1]

    short, long = twin(4), twin(4)
    assert chains(long) == [None] * 3  # left to `fit`
    pick_chains(short, CHAINS_MIN_STEPS - 1)
    pick_chains(long, CHAINS_MIN_STEPS)
    assert chains(short) == [1] * 3 and chains(long) == [min(RNN_CHAINS, usable_cpus())] * 3
    pick_chains(short, 10 * CHAINS_MIN_STEPS)
    assert chains(short) == [1] * 3  # chosen once, before the first training
    bidirectional = twin(5)
    pick_chains(bidirectional, 10 * CHAINS_MIN_STEPS)
    assert chains(bidirectional) == [None] * 3  # two directions, two cores: one chain each
    by_hand = twin(1)
    by_hand.layers[1].chains = 3
    pick_chains(by_hand, 1)
    assert chains(by_hand) == [3]
    with pytest.raises(ValueError, match="chains must be 1 or more"):
        ProjectedSimpleRNN(5, chains=0)


def test_the_runtime_picks_the_chains_from_the_length_of_the_run(monkeypatch):
    """Steps x epochs against CHAINS_MIN_STEPS (4 here, so the runs stay short)."""
    import keras

    from textrnn_lessons.machine import usable_cpus
    from textrnn_lessons.speed import rnn

    monkeypatch.setattr(rnn, "CHAINS_MIN_STEPS", 4)
    x, y = ids_and_labels(64, SMALL.max_tokens, 50)  # 2 steps per epoch at batch 32
    picked = []

    class Chains(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            picked.append(self.model.layers[1].chains)

    for epochs in (1, 2):  # 2 steps, then 4
        runtime_fit(compile_model(build_model(SMALL, 50)), x, y, epochs, callbacks=[Chains()])
    assert picked == [1, min(rnn.RNN_CHAINS, usable_cpus())]


# --- 6. the one-pass vocabulary -----------------------------------------------------------------


@pytest.fixture(scope="module")
def mini_data():
    from textrnn_lessons.data.reading import load_ag_news

    return load_ag_news("full", MINI)


@pytest.mark.parametrize("max_vocabulary", [None, 500])
def test_one_pass_vocabulary_matches_keras_adapt(mini_data, max_vocabulary):
    """The vocabulary and every split's indexes: the one-pass count (fast=True), `adapt`
    (fast=False) and a TextVectorization adapted by hand all agree."""
    import keras

    from textrnn_lessons.data.text import lower_and_space_punctuation
    from textrnn_lessons.data.vectorizer import build_vectorizer, vectorize_splits
    from textrnn_lessons.data.vocabulary_cache import recall

    texts = mini_data.train.texts
    fast = build_vectorizer(texts, 50, max_vocabulary, fast=True)
    adapted = build_vectorizer(texts, 50, max_vocabulary, fast=False)
    assert recall(fast, list(texts)) is not None and recall(adapted, list(texts)) is None
    by_hand = keras.layers.TextVectorization(
        max_tokens=max_vocabulary,
        standardize=lower_and_space_punctuation,
        output_mode="int",
        output_sequence_length=50,
    )
    by_hand.adapt(texts, batch_size=2048)
    assert fast.get_vocabulary() == adapted.get_vocabulary() == by_hand.get_vocabulary()
    if max_vocabulary:
        assert fast.vocabulary_size() == max_vocabulary
    splits = (mini_data.train, mini_data.validation, mini_data.test)
    for ours, theirs, split in zip(
        vectorize_splits(fast, mini_data, 50), vectorize_splits(adapted, mini_data, 50), splits
    ):
        reference = np.asarray(by_hand(split.texts))
        np.testing.assert_array_equal(ours, reference)
        np.testing.assert_array_equal(theirs, reference)
        assert ours.dtype == np.int32


def test_the_switch_reaches_build_vectorizer(monkeypatch):
    from textrnn_lessons.data.vectorizer import build_vectorizer
    from textrnn_lessons.data.vocabulary_cache import recall

    texts = ["Stocks rally as oil falls", "The team wins the cup", "Oil prices rise again"]
    monkeypatch.setenv(speed.SPEEDUPS_ENV, "off")
    assert recall(build_vectorizer(texts, 5), texts) is None  # counted by adapt
    monkeypatch.setenv(speed.SPEEDUPS_ENV, "on")
    assert recall(build_vectorizer(texts, 5), texts) is not None  # counted in one pass


# --- the start-up check, its fallback, and the switch ------------------------------------------


@pytest.fixture
def fresh_check():
    """The check runs again in this test, and its answer is forgotten after."""
    from textrnn_lessons.speed.check import unavailable

    unavailable.cache_clear()
    yield unavailable
    unavailable.cache_clear()


def test_this_keras_has_every_private_part_the_runtime_needs(fresh_check):
    assert fresh_check() is None


def test_a_missing_private_part_means_stock_keras_and_one_sentence(fresh_check, monkeypatch):
    """A Keras whose RNN.inner_loop takes other arguments (faked here; SimpleRNN still works
    through it): the runtime warns once, in one sentence, and trains the stock model."""
    import keras

    original = keras.layers.RNN.inner_loop

    def changed(self, sequences, initial_state, mask, training=False, unrolled=None):
        return original(self, sequences, initial_state, mask, training)

    monkeypatch.setattr(keras.layers.RNN, "inner_loop", changed)
    x, y = ids_and_labels(64, SMALL.max_tokens, 50)
    model = compile_model(build_model(SMALL, 50))
    start = model.get_weights()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = runtime_fit(model, x, y)
    said = [str(w.message) for w in caught if w.category is speed.SpeedRuntimeUnavailable]
    assert len(said) == 1 and said[0].count(". ") == 0  # one sentence
    assert "RNN.inner_loop takes" in said[0] and "trains on stock Keras" in said[0]
    assert not history.speed_runtime and history.model is model
    assert not np.allclose(model.get_weights()[0], start[0])  # it trained all the same


def test_a_missing_optimizer_part_is_named(fresh_check, monkeypatch):
    import keras

    for base in type(keras.optimizers.RMSprop()).__mro__:
        if "_get_variable_index" in vars(base):
            monkeypatch.delattr(base, "_get_variable_index")
    said = fresh_check()
    assert "RMSprop._get_variable_index is missing" in said
    assert said.startswith("The speed runtime needs a private part of Keras")


def test_switched_off_the_runtime_is_stock_fit_on_arrays(monkeypatch):
    import keras

    x, y = ids_and_labels(64, SMALL.max_tokens, 50)
    monkeypatch.setenv(speed.SPEEDUPS_ENV, "off")
    model = compile_model(build_model(SMALL, 50))
    history = runtime_fit(model, x, y, enabled=None)
    assert not history.speed_runtime and history.model is model
    assert type(model.optimizer) is keras.optimizers.RMSprop


def test_the_switch_takes_on_and_off_and_refuses_anything_else(monkeypatch):
    for value in ("0", "False", " no ", "OFF"):
        monkeypatch.setenv(speed.SPEEDUPS_ENV, value)
        assert not speed.is_enabled()
        assert speed.is_enabled(True)  # the argument wins over the environment
    for value in ("1", "on", "TRUE", "yes", ""):
        monkeypatch.setenv(speed.SPEEDUPS_ENV, value)
        assert speed.is_enabled() and not speed.is_enabled(False)
    monkeypatch.delenv(speed.SPEEDUPS_ENV)
    assert speed.is_enabled()
    for value in ("bogus", "disabled", "none"):
        monkeypatch.setenv(speed.SPEEDUPS_ENV, value)
        with pytest.raises(ValueError) as refused:
            speed.is_enabled()
        said = str(refused.value)
        assert f"TEXTRNN_LESSONS_SPEEDUPS is '{value}'" in said and "on or off" in said


def test_each_measure_in_the_docstring_names_a_test_here():
    import re

    measures = re.findall(r"^\d\. ", speed.__doc__, flags=re.MULTILINE)
    assert len(measures) == 6
    named = re.findall(r"`(test_\w+)`", speed.__doc__)
    assert len(named) >= 8
    missing = [name for name in named if not callable(globals().get(name))]
    assert missing == []
