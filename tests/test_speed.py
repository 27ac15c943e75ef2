"""textrnn_lessons.speed changes how fast training runs, never what it computes.

One test per measure listed in the subpackage's docstring (the names it gives), each comparing
the fast path with stock Keras on the same weights and data; then `speedups.apply`: what it
swaps, what it leaves alone, and that switching it off gives stock Keras.
"""

from __future__ import annotations

import numpy as np
import pytest

from textrnn_lessons import speed as speedups
from textrnn_lessons.models.approaches import build_model, get_approach
from textrnn_lessons.training.fitting import compile_model

from .conftest import MINI
from .test_startup import (
    reads_tensorflow_starts,
    started_early,  # noqa: F401 (a fixture: TensorFlow starts early)
    tensorflow_start,
)


def ids_and_labels(rows: int, tokens: int, vocabulary: int = 300, seed: int = 0):
    """Token indexes with padding after the text in half the rows, and labels."""
    rng = np.random.default_rng(seed)
    ids = rng.integers(2, vocabulary, size=(rows, tokens)).astype("int32")
    ids[::2, tokens * 2 // 3 :] = 0
    return ids, rng.integers(0, 4, rows).astype("int32")


#: Approach 1 made small, where only the mechanics are tested: short to trace and to train.
SMALL = get_approach(1).with_changes(max_tokens=8, embed_len=4, units=[6])


def stock_and_fast(approach, vocabulary=300):
    """Two compiled stock models with the same weights, the second made fast (they must not
    share layers: `apply` reuses the layers it does not replace)."""
    stock = compile_model(build_model(approach, vocabulary))
    twin = compile_model(build_model(approach, vocabulary))
    twin.set_weights(stock.get_weights())
    return stock, speedups.apply(twin, enabled=True, quiet=True)


# --- 1. ProjectedSimpleRNN ----------------------------------------------------------------------

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
    stock, fast = stock_and_fast(design, 40)
    assert fast.layers[0].mask_zero
    ids = np.random.default_rng(1).integers(2, 40, size=(7, 12)).astype("int32")
    for row, length in enumerate([12, 9, 3, 1, 0, 11, 6]):
        ids[row, length:] = 0  # padding after the text, as the vectorizer pads
    np.testing.assert_allclose(np.asarray(fast(ids)), np.asarray(stock(ids)), atol=1e-5)
    unmasked = build_model(design.with_changes(mask_padding=False), 40)
    unmasked.set_weights(stock.get_weights())
    assert not np.allclose(np.asarray(unmasked(ids)), np.asarray(fast(ids)), atol=1e-4)


# --- 2. RowWiseKeras2RMSprop --------------------------------------------------------------------


def test_row_wise_rmsprop_trains_like_keras2_rmsprop():
    """Same starting table, same gradients (repeated words, unused rows, a dense variable
    beside it): the same weights and velocities after every step."""
    import tensorflow as tf

    from textrnn_lessons.speed.optimizers import RowWiseKeras2RMSprop
    from textrnn_lessons.training.keras2_optimizers import Keras2RMSprop

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
    finals = {}
    for optimizer in (Keras2RMSprop(learning_rate=0.01), RowWiseKeras2RMSprop(learning_rate=0.01)):
        table, dense = tf.Variable(table_start), tf.Variable(dense_start)
        optimizer.build([table, dense])
        steps = []
        for rows, values, dense_gradient in batches:
            sparse = tf.IndexedSlices(tf.constant(values), tf.constant(rows), tf.constant([50, 6]))
            optimizer.apply_gradients([(sparse, table), (tf.constant(dense_gradient), dense)])
            steps.append(
                (table.numpy(), dense.numpy(), *[np.asarray(v) for v in optimizer._velocities])
            )
        finals[type(optimizer).__name__] = steps
    for stock, fast in zip(finals["Keras2RMSprop"], finals["RowWiseKeras2RMSprop"]):
        for expected, got in zip(stock, fast):
            np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    unused = sorted(set(range(50)) - {int(r) for rows, _, _ in batches for r in rows})
    assert unused  # rows no batch used stay where they were
    np.testing.assert_array_equal(
        finals["RowWiseKeras2RMSprop"][-1][0][unused], table_start[unused]
    )


def test_faster_optimizer_swaps_only_keras2_rmsprop_and_keeps_its_settings():
    import keras

    from textrnn_lessons.speed.optimizers import RowWiseKeras2RMSprop, faster_optimizer
    from textrnn_lessons.training.keras2_optimizers import Keras2Adam, Keras2RMSprop

    fast = faster_optimizer(Keras2RMSprop(learning_rate=0.003, rho=0.8))
    assert type(fast) is RowWiseKeras2RMSprop
    assert (float(fast.learning_rate), fast.rho) == (pytest.approx(0.003), 0.8)
    for other in (Keras2Adam(), keras.optimizers.RMSprop()):
        assert faster_optimizer(other) is other


# --- 3. FastSequential.fit's input pipeline -----------------------------------------------------


def test_fast_datasets_run_without_the_autotuning_thread():
    """tf.data's autotuning thread can make fit wait up to 60 s as it returns (TensorFlow 2.21,
    benchmarks/fit_stall.py): training and validation datasets both run without it."""
    from textrnn_lessons.speed.dataset_fit import make_dataset

    x = np.zeros((10, 3), dtype="int32")
    y = np.zeros(10, dtype="int32")
    for dataset in (
        make_dataset(x, y, 4, shuffle=True, repeat=True),
        make_dataset(x, y, 4, shuffle=False),
    ):
        assert dataset.options().autotune.enabled is False


def test_dataset_serves_every_row_once_per_epoch():
    """In a seeded order, reshuffled each epoch; in order without shuffling; endless with
    `repeat`, each pass a new order."""
    from textrnn_lessons.speed.dataset_fit import make_dataset

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
    # Endless for fit(steps_per_epoch=...): 4 batches per pass, each pass a new order.
    endless = [
        batch[0].numpy()[:, 0] // 10
        for batch in make_dataset(x, y, 32, shuffle=True, seed=3, repeat=True).take(8)
    ]
    passes = np.concatenate(endless[:4]), np.concatenate(endless[4:])
    assert [len(batch) for batch in endless] == [32, 32, 32, 4] * 2
    assert sorted(passes[0]) == list(range(100)) and sorted(passes[1]) == list(range(100))
    assert list(passes[0]) != list(passes[1])


def test_fast_fit_trains_every_row_and_reports_as_keras_does():
    """Steps per epoch, History keys and validation as stock `fit`; a dataset goes to Keras."""
    import keras

    x, y = ids_and_labels(70, SMALL.max_tokens, 50)
    stock, fast = stock_and_fast(SMALL, 50)
    steps = []

    class Count(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            steps.append(self.params["steps"])

    histories = [
        model.fit(
            x,
            y,
            batch_size=32,
            epochs=2,
            validation_data=(x[:10], y[:10]),
            verbose=0,
            callbacks=[Count()],
        )
        for model in (stock, fast)
    ]
    assert steps == [3, 3, 3, 3]
    assert (
        set(histories[1].history)
        == set(histories[0].history)
        == {"loss", "accuracy", "val_loss", "val_accuracy"}
    )
    assert len(histories[1].history["val_loss"]) == 2
    # Not arrays: stock Keras's own fit (here a tf.data dataset of the same rows).
    from textrnn_lessons.speed.dataset_fit import make_dataset

    again = fast.fit(make_dataset(x, y, 35, shuffle=False), epochs=1, verbose=0, shuffle=False)
    assert len(again.history["loss"]) == 1


# --- 4. the graph optimiser while FastSequential.fit builds its steps ---------------------------


@pytest.mark.parametrize("set_before", [None, True, False])
def test_fast_fit_builds_its_steps_without_the_graph_optimizer(set_before):
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
    _, fast = stock_and_fast(SMALL, 50)
    try:
        fast.fit(
            x,
            y,
            batch_size=32,
            epochs=1,
            verbose=0,
            validation_data=(x[:8], y[:8]),
            callbacks=[Watch()],
        )
        assert seen == [True, True]
        assert tf.config.optimizer.get_experimental_options().get(key, False) == before
    finally:
        tf.config.optimizer.set_experimental_options({key: False})


# --- chains: chosen from the length of the run --------------------------------------------------


def test_long_runs_use_a_chain_per_core_in_one_directional_layers(tmp_path):
    import keras

    from textrnn_lessons.machine import usable_cpus
    from textrnn_lessons.speed.rnn import (
        CHAINS_MIN_STEPS,
        RNN_CHAINS,
        ProjectedSimpleRNN,
        pick_chains,
    )

    def chains(model):
        return [
            getattr(layer, "forward_layer", layer).chains
            for layer in model.layers
            if "rnn" in layer.name or "bidirectional" in layer.name
        ]

    def fast(number):
        return speedups.apply(build_model(get_approach(number), 100), enabled=True, quiet=True)

    short, long = fast(4), fast(4)
    assert chains(long) == [None] * 3  # left to `fit`
    pick_chains(short, CHAINS_MIN_STEPS - 1)
    pick_chains(long, CHAINS_MIN_STEPS)
    assert chains(short) == [1] * 3 and chains(long) == [min(RNN_CHAINS, usable_cpus())] * 3
    pick_chains(short, 10 * CHAINS_MIN_STEPS)
    assert chains(short) == [1] * 3  # chosen once, before the first training
    bidirectional = fast(5)
    pick_chains(bidirectional, 10 * CHAINS_MIN_STEPS)
    assert chains(bidirectional) == [None] * 3  # two directions, two cores: one chain each
    by_hand = fast(1)
    by_hand.layers[1].chains = 3
    pick_chains(by_hand, 1)
    assert chains(by_hand) == [3]
    long.save(tmp_path / "model.keras")
    assert chains(keras.models.load_model(tmp_path / "model.keras")) == chains(long)
    with pytest.raises(ValueError, match="chains must be 1 or more"):
        ProjectedSimpleRNN(5, chains=0)


def test_fast_fit_picks_the_chains_from_the_length_of_the_run(monkeypatch):
    """Steps x epochs left to run against CHAINS_MIN_STEPS (4 here, so the runs stay short)."""
    from textrnn_lessons.machine import usable_cpus
    from textrnn_lessons.speed import rnn

    monkeypatch.setattr(rnn, "CHAINS_MIN_STEPS", 4)
    x, y = ids_and_labels(64, SMALL.max_tokens, 50)  # 2 steps per epoch at batch 32
    runs = {}
    for name, epochs, initial_epoch in (("short", 1, 0), ("resumed", 2, 1), ("long", 2, 0)):
        _, fast = stock_and_fast(SMALL, 50)
        fast.fit(x, y, batch_size=32, epochs=epochs, initial_epoch=initial_epoch, verbose=0)
        runs[name] = fast.layers[1].chains
    assert runs == {"short": 1, "resumed": 1, "long": min(rnn.RNN_CHAINS, usable_cpus())}


# --- 5. the one-pass vocabulary -----------------------------------------------------------------


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
    monkeypatch.setenv(speedups.SPEEDUPS_ENV, "off")
    assert recall(build_vectorizer(texts, 5), texts) is None  # counted by adapt
    monkeypatch.setenv(speedups.SPEEDUPS_ENV, "on")
    assert recall(build_vectorizer(texts, 5), texts) is not None  # counted in one pass


# --- 6. one thread per TensorFlow operation -----------------------------------------------------


@reads_tensorflow_starts
def test_tensorflow_starts_with_one_thread_per_op_unless_told_otherwise():
    """After `import textrnn_lessons` and TensorFlow's start, in fresh processes; with the
    speed-ups off the hook leaves the setting alone (tests/test_startup.py)."""
    assert tensorflow_start("package").threads == "1"
    assert tensorflow_start("all logs, own threads").threads == "3"  # set beforehand: kept
    assert tensorflow_start("without the package").threads == "unset"


# --- speedups.apply -----------------------------------------------------------------------------


def kinds(model):
    return [type(getattr(layer, "forward_layer", layer)).__name__ for layer in model.layers]


@pytest.mark.parametrize("number", [1, 5])
def test_apply_swaps_what_it_says_and_keeps_the_weights(number, capsys):
    import keras

    from textrnn_lessons.speed.dataset_fit import FastSequential
    from textrnn_lessons.speed.optimizers import RowWiseKeras2RMSprop

    approach = get_approach(number)
    model = compile_model(build_model(approach, 300))
    ids, _ = ids_and_labels(16, approach.max_tokens)
    before = np.asarray(model(ids))
    fast = speedups.apply(model, enabled=True)
    said = capsys.readouterr().out
    assert type(model) is keras.Sequential and type(fast) is FastSequential
    rnn_kind = "Bidirectional" if approach.bidirectional else "SimpleRNN"
    assert [type(layer).__name__ for layer in model.layers] == (
        ["Embedding"] + [rnn_kind] * len(approach.units) + ["Dense"]
    )
    assert kinds(fast) == ["Embedding"] + ["ProjectedSimpleRNN"] * len(approach.units) + ["Dense"]
    assert all(getattr(layer, "forward_layer", layer).unroll for layer in fast.layers[1:-1])
    assert type(model.optimizer).__name__ == "Keras2RMSprop"
    assert type(fast.optimizer) is RowWiseKeras2RMSprop
    assert fast.loss == model.loss and fast.name == model.name
    np.testing.assert_allclose(np.asarray(fast(ids)), before, atol=1e-6)
    assert said.count("->") == 2 + len(approach.units)  # model, each RNN, the optimizer
    assert "Sequential -> FastSequential" in said
    assert "Keras2RMSprop -> RowWiseKeras2RMSprop" in said
    assert "enabled=False" in said
    assert not speedups.apply(build_model(approach, 300), quiet=True).compiled  # as it was


def test_apply_keeps_other_optimizers():
    fast = speedups.apply(compile_model(build_model(get_approach(1), 50), "adam"), quiet=True)
    assert type(fast.optimizer).__name__ == "Keras2Adam"


@pytest.mark.parametrize("case", ["dropout", "LSTM", "long sequences", "backwards"])
def test_apply_leaves_recurrent_layers_it_cannot_match_alone_and_says_why(case, capsys):
    import keras
    from keras import layers

    tokens = 150 if case == "long sequences" else 20
    rnn = {
        "dropout": layers.SimpleRNN(8, dropout=0.2),
        "LSTM": layers.LSTM(8),
        "long sequences": layers.SimpleRNN(8),
        "backwards": layers.SimpleRNN(8, go_backwards=True),
    }[case]
    model = keras.Sequential(
        [
            keras.Input(shape=(tokens,), dtype="int32"),
            layers.Embedding(50, 4),
            rnn,
            layers.Dense(4, activation="softmax"),
        ]
    )
    ids, _ = ids_and_labels(5, tokens, 50)
    fast = speedups.apply(model, enabled=True)
    said = capsys.readouterr().out
    assert fast.layers[1] is rnn  # the same layer, stock Keras
    assert f"{rnn.name}: {type(rnn).__name__} kept as it is" in said
    np.testing.assert_allclose(np.asarray(fast(ids)), np.asarray(model(ids)), atol=1e-6)


@pytest.mark.parametrize("case", ["functional", "no input", "already fast"])
def test_apply_refuses_models_it_cannot_rebuild_with_a_sentence(case, capsys):
    import keras
    from keras import layers

    if case == "functional":
        inputs = keras.Input(shape=(10,), dtype="int32")
        model = keras.Model(
            inputs, layers.Dense(4)(layers.SimpleRNN(3)(layers.Embedding(20, 2)(inputs)))
        )
        expected = "this is a Functional"
    elif case == "no input":
        model = keras.Sequential([layers.Embedding(20, 2), layers.SimpleRNN(3), layers.Dense(4)])
        expected = "start the Sequential with keras.Input"
    else:
        model = speedups.apply(build_model(get_approach(1), 20), quiet=True)
        expected = "already a FastSequential"
    assert speedups.apply(model, enabled=True) is model
    said = capsys.readouterr().out
    assert said.startswith("Speed-ups not applied: ") and expected in said


def test_switched_off_apply_returns_the_model_itself(monkeypatch, capsys):
    model = compile_model(build_model(get_approach(1), 50))
    assert speedups.apply(model, enabled=False) is model
    assert "stock Keras" in capsys.readouterr().out
    monkeypatch.setenv(speedups.SPEEDUPS_ENV, "off")
    assert not speedups.is_enabled()
    assert speedups.apply(model) is model
    capsys.readouterr()
    assert speedups.apply(model, quiet=True) is model and capsys.readouterr().out == ""
    assert speedups.is_enabled(True)  # the argument wins over the environment
    for value in ("0", "False", " no ", "OFF"):
        monkeypatch.setenv(speedups.SPEEDUPS_ENV, value)
        assert not speedups.is_enabled()
    monkeypatch.setenv(speedups.SPEEDUPS_ENV, "on")
    assert speedups.is_enabled() and not speedups.is_enabled(False)


def test_a_trained_fast_model_saves_and_loads_with_its_classes(tmp_path):
    import keras

    from textrnn_lessons.speed.dataset_fit import FastSequential
    from textrnn_lessons.speed.optimizers import RowWiseKeras2RMSprop

    _, fast = stock_and_fast(get_approach(3).with_changes(max_tokens=8, embed_len=4), 60)
    ids, labels = ids_and_labels(32, 8, 60)
    fast.fit(ids, labels, batch_size=16, epochs=1, verbose=0)
    fast.save(tmp_path / "fast.keras")
    loaded = keras.models.load_model(tmp_path / "fast.keras")
    assert type(loaded) is FastSequential and kinds(loaded) == kinds(fast)
    assert type(loaded.optimizer) is RowWiseKeras2RMSprop
    assert int(loaded.optimizer.iterations) == 2
    np.testing.assert_allclose(np.asarray(loaded(ids)), np.asarray(fast(ids)), atol=1e-6)
    loaded.train_on_batch(ids[:16], labels[:16])  # and it trains on


def test_speed_ups_on_and_off_take_the_same_steps():
    """Same weights, same batches (train_on_batch, so the two input pipelines' different
    shuffling plays no part): the same weights after a few steps. A stack in two chains,
    shortened to keep the test quick (tests/test_keras2.py trains approaches 2 and 3 at full
    length, with and without the speed-ups)."""
    approach = get_approach(4).with_changes(max_tokens=10, units=[9, 7, 5])
    stock, fast = stock_and_fast(approach, 300)
    for layer in fast.layers[1:-1]:
        layer.chains = 2
    ids, labels = ids_and_labels(4 * 48, approach.max_tokens)
    start = stock.get_weights()
    for batch in np.split(np.arange(len(ids)), 4):
        stock.train_on_batch(ids[batch], labels[batch])
        fast.train_on_batch(ids[batch], labels[batch])
    assert not any(np.allclose(a, b) for a, b in zip(stock.get_weights(), start))
    for expected, got in zip(stock.get_weights(), fast.get_weights()):
        np.testing.assert_allclose(got, expected, atol=2e-6)


def test_each_measure_in_the_docstring_names_a_test_here():
    import re
    import sys

    lines = re.findall(r"Tests?: (`test_\w+`(?:,\s+`test_\w+`)*)", speedups.__doc__)
    assert len(lines) == 6  # one per measure
    named = [name for line in lines for name in re.findall(r"test_\w+", line)]
    missing = [name for name in named if not callable(getattr(sys.modules[__name__], name, None))]
    assert missing == []
