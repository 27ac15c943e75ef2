"""The speed choices (issue 6) change how fast things run, never what they compute.

Each test compares a fast path with the plain Keras way on real data or real layers.
"""
from __future__ import annotations

import importlib
import os
import subprocess
import sys

import numpy as np
import pytest

from .conftest import MINI, REPO

vectorize_module = importlib.import_module("textrnn_lessons.vectorizer")


@pytest.fixture(scope="module")
def mini_data():
    from textrnn_lessons.data import load_ag_news

    return load_ag_news("full", MINI)


def keras_adapted(texts, sequence_length=50, max_tokens=None):
    """The vectorizer the plain Keras way: TextVectorization.adapt."""
    import keras

    layer = keras.layers.TextVectorization(max_tokens=max_tokens,
                                           standardize=vectorize_module.lower_and_space_punctuation,
                                           output_mode="int", output_sequence_length=sequence_length)
    layer.adapt(texts, batch_size=2048)
    return layer


@pytest.mark.parametrize("max_vocabulary", [None, 500])
def test_vocabulary_and_indexes_match_keras_adapt(mini_data, max_vocabulary):
    from textrnn_lessons.pipeline import vectorize_splits

    ours = vectorize_module.build_vectorizer(mini_data.train.texts, 50, max_vocabulary)
    reference = keras_adapted(mini_data.train.texts, 50, max_vocabulary)
    assert ours.get_vocabulary() == reference.get_vocabulary()
    arrays = vectorize_splits(ours, mini_data, 50)
    for split, ids in ((mini_data.train, arrays.train), (mini_data.validation, arrays.validation),
                       (mini_data.test, arrays.test)):
        np.testing.assert_array_equal(ids, np.asarray(reference(split.texts)))
        assert ids.dtype == np.int32


def test_remembered_indexes_are_copies_and_only_for_the_same_texts(mini_data):
    texts = list(mini_data.train.texts[:300])
    vectorizer = vectorize_module.build_vectorizer(texts, 25)
    first = vectorize_module.vectorize(vectorizer, texts, 10)
    first[:] = -1  # the caller's copy, not the remembered one
    again = vectorize_module.vectorize(vectorizer, texts, 10)
    assert (again >= 0).all()
    changed = texts[:-1] + ["Completely different closing words about football"]
    fresh = vectorize_module.vectorize(vectorizer, changed, 10)
    np.testing.assert_array_equal(fresh[:-1], again[:-1])
    assert not np.array_equal(fresh[-1], again[-1])
    np.testing.assert_array_equal(fresh, np.asarray(vectorizer(changed))[:, :10])


def test_a_saved_model_holding_the_vectorizer_loads_and_splits_the_same(mini_data, tmp_path):
    import keras
    import tensorflow as tf

    vectorizer = vectorize_module.build_vectorizer(mini_data.train.texts[:500])
    model = keras.Sequential([keras.Input(shape=(1,), dtype="string"), vectorizer])
    model.save(tmp_path / "model.keras")
    loaded = keras.models.load_model(tmp_path / "model.keras").layers[0]
    texts = tf.constant(["Oil-price rally: U.S. stocks (Reuters) rise", *mini_data.test.texts[:20]])
    assert loaded.get_vocabulary() == vectorizer.get_vocabulary()
    np.testing.assert_array_equal(np.asarray(loaded(texts)), np.asarray(vectorizer(texts)))


def test_vectorizer_of_an_empty_training_set_is_refused():
    with pytest.raises(ValueError, match="needs the training texts"):
        vectorize_module.build_vectorizer([])


# An embedding's gradient: word 3 used three times in the batch, words 7 and 0 once.
REPEATED_ROWS = [3, 7, 3, 3, 0]
REPEATED_VALUES = np.arange(20, dtype="float32").reshape(5, 4) / 10 - 1
TABLE_START = np.linspace(-1, 1, 40, dtype="float32").reshape(10, 4)


def _apply_repeated_rows(optimizer, steps=2):
    """The embedding table after `steps` steps of the repeated-rows gradient."""
    import tensorflow as tf

    table = tf.Variable(TABLE_START)
    optimizer.build([table])
    gradient = tf.IndexedSlices(tf.constant(REPEATED_VALUES), tf.constant(REPEATED_ROWS),
                                tf.constant([10, 4]))
    for _ in range(steps):
        optimizer.apply_gradients([(gradient, table)])
    return table.numpy()


@pytest.mark.parametrize("name", ["SparseRMSprop", "RMSprop"])
def test_rmsprop_steps_each_word_once_per_batch_as_keras_2_did(name):
    """A word's uses in a batch are added up before the step, then plain RMSprop: the sum's
    square goes into the velocity. Rows the batch did not use stay where they were."""
    from textrnn_lessons import optimizers

    got = _apply_repeated_rows(getattr(optimizers, name)(learning_rate=0.01))
    summed = np.zeros_like(TABLE_START)
    np.add.at(summed, REPEATED_ROWS, REPEATED_VALUES)
    velocity, expected = np.zeros_like(TABLE_START), TABLE_START.copy()
    for _ in range(2):
        velocity = 0.9 * velocity + 0.1 * summed ** 2
        expected -= 0.01 * summed / np.sqrt(velocity + 1e-7)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    untouched = [1, 2, 4, 5, 6, 8, 9]
    np.testing.assert_array_equal(got[untouched], TABLE_START[untouched])


@pytest.mark.parametrize("name", ["SparseRMSprop", "RMSprop", "Adam"])
def test_optimizers_match_the_tutorials_keras_2_on_repeated_words(name):
    """The same steps as tf_keras (Keras 2, the tutorial's); Keras 3's own optimizers differ."""
    import tf_keras  # the test extra installs it
    import keras

    from textrnn_lessons import optimizers

    keras_2 = getattr(tf_keras.optimizers, name.replace("Sparse", ""))(learning_rate=0.01)
    expected = _apply_repeated_rows(keras_2)
    ours = _apply_repeated_rows(getattr(optimizers, name)(learning_rate=0.01))
    np.testing.assert_allclose(ours, expected, rtol=1e-5, atol=1e-6)
    keras_3 = _apply_repeated_rows(getattr(keras.optimizers, name.replace("Sparse", ""))(
        learning_rate=0.01))
    assert not np.allclose(keras_3, expected, atol=1e-4)


@pytest.mark.parametrize("number", [2, 3])
def test_training_follows_the_tutorials_keras_2_step_for_step(number):
    """Same starting weights, same batches: the package's network and optimizer take the
    steps the tutorial's Keras 2 code takes (benchmarks/pipeline_speed.py's tutorial side)."""
    import tf_keras  # the test extra installs it

    from textrnn_lessons.models import build_model, get_approach
    from textrnn_lessons.training import compile_model

    approach = get_approach(number)
    rng = np.random.default_rng(0)
    ids = rng.integers(1, 300, size=(4 * 64, approach.max_tokens)).astype("int32")
    ids[::2, 30:] = 0  # padding after the text in half the rows
    labels = rng.integers(0, 4, len(ids))
    layers = tf_keras.layers
    tutorial = tf_keras.Sequential([tf_keras.Input((approach.max_tokens,)),
                                    layers.Embedding(300, approach.embed_len)])
    rnn = layers.SimpleRNN(approach.units[0])
    tutorial.add(layers.Bidirectional(rnn) if approach.bidirectional else rnn)
    tutorial.add(layers.Dense(4, activation="softmax"))
    tutorial.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy")
    ours = compile_model(build_model(approach, 300, chains=2))
    ours.set_weights(tutorial.get_weights())
    for batch in np.split(np.arange(len(ids)), 4):
        tutorial.train_on_batch(ids[batch], labels[batch])
        ours.train_on_batch(ids[batch], labels[batch])
    for expected, got in zip(tutorial.get_weights(), ours.get_weights()):
        np.testing.assert_allclose(got, expected, atol=2e-6)


def test_sparse_rmsprop_trains_like_keras_rmsprop_on_dense_weights():
    import keras
    import tensorflow as tf

    from textrnn_lessons.optimizers import SparseRMSprop

    weights = {}
    for optimizer in (keras.optimizers.RMSprop(), SparseRMSprop()):
        variable = tf.Variable(np.ones((3, 2), dtype="float32"))
        optimizer.build([variable])
        for scale in (1.0, -2.0, 0.5):
            optimizer.apply_gradients([(tf.constant(np.full((3, 2), scale, "float32")), variable)])
        weights[type(optimizer).__name__] = variable.numpy()
    np.testing.assert_allclose(weights["SparseRMSprop"], weights["RMSprop"], rtol=1e-6)


# Padding at the end (as the lessons pad), and a mask with holes anywhere.
MASKS = {"post_padding": [[1] * 9, [1] * 4 + [0] * 5, [1] * 8 + [0], [0] * 9, [1] * 6 + [0] * 3,
                          [1] + [0] * 8],
         "holes": [[1, 0, 1, 1, 0, 0, 1, 0, 1], [0, 1] * 4 + [1], [1] * 9, [0] * 8 + [1],
                   [1, 1, 0, 0, 1, 1, 0, 0, 1], [0] * 9]}


@pytest.mark.parametrize("mask", [None, "post_padding", "holes"])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("chains", [1, 4])
def test_project_once_rnn_computes_what_keras_simplernn_computes(bidirectional, return_sequences,
                                                                mask, chains):
    """Outputs and every gradient, with and without a padding mask, in one chain of steps or
    in several slices of the batch (6 rows in 4 chains: slices of 1 and 2 rows)."""
    import keras
    import tensorflow as tf

    from textrnn_lessons.rnn import SimpleRNN

    inputs = tf.constant(np.random.default_rng(0).normal(size=(6, 9, 5)).astype("float32"))
    keep = None if mask is None else tf.constant(np.array(MASKS[mask], dtype=bool))
    # With a mask, the reference is Keras's loop: its unrolled version zeroes the wrong steps of
    # a backwards layer's output (keras/src/backend/tensorflow/rnn.py does not reverse the mask
    # for zero_output_for_mask), which Bidirectional turns on.
    reference = keras.layers.SimpleRNN(7, return_sequences=return_sequences, unroll=mask is None)
    ours = SimpleRNN(7, return_sequences=return_sequences, unroll=True, chains=chains)
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
def test_masked_approach_predicts_what_keras_layers_predict(bidirectional):
    """A whole network with `mask_padding`: ours against Keras's own SimpleRNN loop."""
    import keras

    from textrnn_lessons.models import build_model, get_approach

    design = get_approach(5 if bidirectional else 4).with_changes(
        max_tokens=12, embed_len=6, units=[5, 4], mask_padding=True)
    ours = build_model(design, 40)
    reference = keras.Sequential([keras.Input(shape=(12,), dtype="int32"),
                                  keras.layers.Embedding(40, 6, mask_zero=True)])
    for depth, units in enumerate(design.units, start=1):
        rnn = keras.layers.SimpleRNN(units, return_sequences=depth < len(design.units))
        reference.add(keras.layers.Bidirectional(rnn) if bidirectional else rnn)
    reference.add(keras.layers.Dense(4, activation="softmax"))
    reference.set_weights(ours.get_weights())
    assert ours.layers[0].mask_zero
    ids = np.random.default_rng(1).integers(2, 40, size=(7, 12)).astype("int32")
    for row, length in enumerate([12, 9, 3, 1, 0, 11, 6]):
        ids[row, length:] = 0  # padding after the text, as the vectorizer pads
    np.testing.assert_allclose(np.asarray(ours(ids)), np.asarray(reference(ids)), atol=1e-5)
    unmasked = build_model(design.with_changes(mask_padding=False), 40)
    unmasked.set_weights(ours.get_weights())
    assert not np.allclose(np.asarray(unmasked(ids)), np.asarray(ours(ids)), atol=1e-4)


def test_package_runs_tensorflow_ops_on_one_thread_each_unless_told_otherwise():
    code = "import os, textrnn_lessons; print(os.environ['TF_NUM_INTRAOP_THREADS'])"
    env = {k: v for k, v in os.environ.items() if k != "TF_NUM_INTRAOP_THREADS"}
    default = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             env=env, timeout=60)
    chosen = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**env, "TF_NUM_INTRAOP_THREADS": "3"}, timeout=60)
    assert (default.stdout.strip(), chosen.stdout.strip()) == ("1", "3")


def test_long_runs_use_a_chain_per_core_in_one_directional_layers(tmp_path):
    import keras

    from textrnn_lessons.config import usable_cpus
    from textrnn_lessons.models import CHAINS_MIN_STEPS, RNN_CHAINS, build_model, get_approach, pick_chains

    def chains(model):
        return [getattr(layer, "forward_layer", layer).chains
                for layer in model.layers if "rnn" in layer.name or "bidirectional" in layer.name]

    short, long = build_model(get_approach(4), 100), build_model(get_approach(4), 100)
    assert chains(long) == [None] * 3  # left to `train`
    pick_chains(short, CHAINS_MIN_STEPS - 1)
    pick_chains(long, CHAINS_MIN_STEPS)
    assert chains(short) == [1] * 3 and chains(long) == [min(RNN_CHAINS, usable_cpus())] * 3
    pick_chains(short, 10 * CHAINS_MIN_STEPS)
    assert chains(short) == [1] * 3  # chosen once, before the first training
    bidirectional = build_model(get_approach(5), 100)
    pick_chains(bidirectional, 10 * CHAINS_MIN_STEPS)
    assert chains(bidirectional) == [None] * 3  # two directions, two cores: one chain each
    by_hand = build_model(get_approach(1), 100, chains=3)
    pick_chains(by_hand, 1)
    assert chains(by_hand) == [3]
    long.save(tmp_path / "model.keras")
    assert chains(keras.models.load_model(tmp_path / "model.keras")) == chains(long)
    with pytest.raises(ValueError, match="chains must be 1 or more"):
        build_model(get_approach(1), 100, chains=0)


def test_train_picks_the_chains_from_the_length_of_the_run(tmp_path):
    from textrnn_lessons.models import build_model, get_approach
    from textrnn_lessons.training import compile_model, train

    x = np.random.default_rng(0).integers(0, 50, size=(64, 25)).astype("int32")
    y = np.arange(64, dtype="int32") % 4
    model = compile_model(build_model(get_approach(1), 50))
    train(model, x, y, x[:8], y[:8], epochs=1, batch_size=32, verbose=0)  # 2 steps: too short
    assert model.layers[1].chains == 1


@pytest.mark.parametrize("set_before", [None, True, False])
def test_train_builds_its_steps_without_the_graph_optimizer_and_puts_the_setting_back(set_before):
    import keras
    import tensorflow as tf

    from textrnn_lessons.models import build_model, get_approach
    from textrnn_lessons.training import compile_model, train

    key = "disable_meta_optimizer"
    if set_before is not None:
        tf.config.optimizer.set_experimental_options({key: set_before})
    before = tf.config.optimizer.get_experimental_options().get(key, False)
    seen = []

    class Watch(keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            seen.append(tf.config.optimizer.get_experimental_options()[key])

    x = np.random.default_rng(0).integers(0, 50, size=(64, 25)).astype("int32")
    y = np.arange(64, dtype="int32") % 4
    try:
        train(compile_model(build_model(get_approach(1), 50)), x, y, x[:8], y[:8], epochs=1,
              batch_size=32, verbose=0, callbacks=[Watch()])
        assert seen == [True, True]
        assert tf.config.optimizer.get_experimental_options().get(key, False) == before
    finally:
        tf.config.optimizer.set_experimental_options({key: False})


def test_short_sequences_are_unrolled_and_long_ones_are_not():
    from textrnn_lessons.models import UNROLL_MAX_TOKENS, build_model, get_approach

    def unrolled(model):
        return {getattr(layer, "forward_layer", layer).unroll
                for layer in model.layers if "rnn" in layer.name or "bidirectional" in layer.name}

    assert unrolled(build_model(get_approach(5), 100)) == {True}
    long_approach = get_approach(2).with_changes(max_tokens=UNROLL_MAX_TOKENS + 1)
    assert unrolled(build_model(long_approach, 100)) == {False}
    assert unrolled(build_model(get_approach(1), 100, unroll=False)) == {False}


def test_compile_model_picks_optimizers_that_step_each_word_once(tmp_path):
    import keras

    from textrnn_lessons import optimizers
    from textrnn_lessons.models import build_model, get_approach
    from textrnn_lessons.training import compile_model

    model = compile_model(build_model(get_approach(1), 50))
    assert type(model.optimizer) is optimizers.SparseRMSprop
    plain = compile_model(build_model(get_approach(1), 50), sparse_updates=False)
    assert type(plain.optimizer) is optimizers.RMSprop
    adam = compile_model(build_model(get_approach(1), 50), optimizer="Adam")
    assert type(adam.optimizer) is optimizers.Adam
    model.train_on_batch(np.ones((2, 25), "int32"), np.array([0, 1]))
    model.save(tmp_path / "trained.keras")  # a trained model keeps its optimizer
    assert type(keras.models.load_model(tmp_path / "trained.keras").optimizer) is \
        optimizers.SparseRMSprop


def test_dataset_serves_every_row_once_per_epoch_in_a_seeded_order():
    from textrnn_lessons.training import make_dataset

    x = np.arange(1000, dtype="int32").reshape(100, 10)
    y = np.arange(100, dtype="int32") % 4

    def epochs(dataset, count=2):
        return [np.concatenate([batch[0].numpy()[:, 0] // 10 for batch in dataset])
                for _ in range(count)]

    first, second = epochs(make_dataset(x, y, 32, shuffle=True, seed=3))
    assert sorted(first) == list(range(100)) and sorted(second) == list(range(100))
    assert list(first) != list(second)  # reshuffled every epoch
    np.testing.assert_array_equal(epochs(make_dataset(x, y, 32, shuffle=True, seed=3))[0], first)
    plain = epochs(make_dataset(x, y, 32, shuffle=False), 1)[0]
    assert list(plain) == list(range(100))
    for batch_x, batch_y in make_dataset(x, y, 32, shuffle=True, seed=3):
        np.testing.assert_array_equal(batch_y.numpy(), (batch_x.numpy()[:, 0] // 10) % 4)
    # Endless for fit(steps_per_epoch=...): 4 batches per pass, each pass a new order.
    endless = [batch[0].numpy()[:, 0] // 10 for batch in
               make_dataset(x, y, 32, shuffle=True, seed=3, repeat=True).take(8)]
    passes = np.concatenate(endless[:4]), np.concatenate(endless[4:])
    assert [len(batch) for batch in endless] == [32, 32, 32, 4] * 2
    assert sorted(passes[0]) == list(range(100)) and sorted(passes[1]) == list(range(100))
    assert list(passes[0]) != list(passes[1])


def test_benchmark_schedule_interleaves_and_rotates_who_goes_first(tmp_path):
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        bench = importlib.import_module("pipeline_speed")
    finally:
        sys.path.pop(0)
    order = list(bench.schedule([1, 5], 2, ["tutorial", "ours"]))
    assert order == [(0, 1, "tutorial"), (0, 1, "ours"), (0, 5, "ours"), (0, 5, "tutorial"),
                     (1, 1, "ours"), (1, 1, "tutorial"), (1, 5, "tutorial"), (1, 5, "ours")]
    bench.replicate_csv(MINI / "test.csv", tmp_path / "big.csv", 4000)
    lines = (tmp_path / "big.csv").read_text(encoding="utf-8").splitlines()
    original = (MINI / "test.csv").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 4000 and lines[1600:3200] == original


def test_benchmark_answers_help_without_running_anything():
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "pipeline_speed.py"),
                           "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert "--approaches" in done.stdout and "--rows" in done.stdout


def test_step_profile_finds_the_products_and_the_embedding_update():
    from textrnn_lessons.config import usable_cpus
    from textrnn_lessons.models import RNN_CHAINS

    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        step_profile = importlib.import_module("step_profile")
    finally:
        sys.path.pop(0)
    wall_ms, kinds = step_profile.profile(1, vocabulary=500)
    assert wall_ms > 0
    assert any("MatMul" in kind for kind in kinds)  # oneDNN names it _MklMatMul
    assert kinds["Unique"][1] == 1  # the embedding's words, summed once a step
    assert kinds["(XLA-compiled code)"][1] == 1  # the velocity decay, once a step
    chains = min(RNN_CHAINS, usable_cpus())  # a long run's choice, as `train` makes it
    assert kinds["Tanh"][1] == 25 * chains  # 25 steps in each chain, forward


@pytest.mark.parametrize("quota, expected", [("max 100000", 4), ("100000 100000", 1),
                                             ("150000 100000", 2), ("garbled", 4)])
def test_usable_cpus_follows_a_containers_quota(tmp_path, monkeypatch, quota, expected):
    from textrnn_lessons import config

    monkeypatch.setattr(config.os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    (tmp_path / "cpu.max").write_text(quota + "\n")
    monkeypatch.setattr(config, "CGROUP_CPU_MAX", tmp_path / "cpu.max")
    assert config.usable_cpus() == expected
    monkeypatch.setattr(config, "CGROUP_CPU_MAX", tmp_path / "absent")
    assert config.usable_cpus() == 4
