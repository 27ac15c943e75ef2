"""textrnn_lessons.data.vectorizer: texts to padded token indexes, fitted on the training texts.

The one-pass vocabulary's agreement with Keras's `adapt` is in tests/test_speed.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from textrnn_lessons.data.text import tokenize
from textrnn_lessons.data.vectorizer import (
    PAD_INDEX,
    UNKNOWN_INDEX,
    build_vectorizer,
    padding_first,
    vectorize,
    vectorize_splits,
    vocabulary_size,
    worked_example,
)


@pytest.fixture(scope="module")
def vectorizer(smoke_data):
    return build_vectorizer(smoke_data.train.texts)


def test_vocabulary_is_fitted_on_training_text_only(smoke_data, vectorizer):
    vocabulary = set(vectorizer.get_vocabulary())
    train_words = {w for t in smoke_data.train.texts for w in tokenize(t)}
    test_only = {w for t in smoke_data.test.texts for w in tokenize(t)} - train_words
    assert test_only, "the test split should contain words the training split lacks"
    assert not test_only & vocabulary
    assert vocabulary_size(vectorizer) == len(vectorizer.get_vocabulary()) == len(train_words) + 2
    assert vectorizer.get_vocabulary()[:2] == ["", "[UNK]"]


def test_padding_and_truncation_happen_after_the_text(vectorizer):
    short, long_text = "stocks rally", " ".join(["market"] * 80)
    ids = vectorize(vectorizer, [short, long_text], max_tokens=25)
    assert ids.shape == (2, 25) and ids.dtype == np.int32
    assert ids[0, 2:].tolist() == [PAD_INDEX] * 23 and ids[0, 0] != PAD_INDEX
    assert (ids[1] == ids[1, 0]).all() and ids[1, 0] != PAD_INDEX
    assert vectorize(vectorizer, short).shape == (1, 50)  # one text, the vectorizer's length


def test_a_vectorizer_cannot_give_more_tokens_than_it_makes(vectorizer):
    with pytest.raises(ValueError, match=r"sequences of 50 tokens.*sequence_length=60"):
        vectorize(vectorizer, ["stocks rally"], max_tokens=60)


def test_worked_example_marks_unknown_words(vectorizer):
    example = worked_example(vectorizer, "Hello, how are you? Zxqvbnm plans to go!")
    assert example.tokens == ["hello", "how", "are", "you", "zxqvbnm", "plans", "to", "go"]
    assert example.indexes[example.tokens.index("zxqvbnm")] == UNKNOWN_INDEX
    assert len(example.indexes) == len(example.tokens)
    table = example.table().splitlines()
    assert table[0].split() == ["token", "index"]
    assert len(table) == len(example.tokens) + 1
    for line, token, index in zip(table[1:], example.tokens, example.indexes):
        assert line.startswith(f"{token:<14}{index}")
        assert line.endswith("<- not in the vocabulary") == (index == UNKNOWN_INDEX)


def test_splits_come_back_as_train_validation_and_test(smoke_data, vectorizer):
    train, validation, test = vectorize_splits(vectorizer, smoke_data, 25)
    assert [len(a) for a in (train, validation, test)] == [
        len(smoke_data.train),
        len(smoke_data.validation),
        len(smoke_data.test),
    ]
    assert train.shape[1] == validation.shape[1] == test.shape[1] == 25
    np.testing.assert_array_equal(test, np.asarray(vectorizer(smoke_data.test.texts))[:, :25])
    first = vectorize_splits(vectorizer, smoke_data, 25, padding="pre")
    for post, pre in zip((train, validation, test), first):
        np.testing.assert_array_equal(pre, padding_first(post))


def test_padding_first_moves_the_zeros_before_the_words():
    ids = np.array(
        [[5, 6, 7, 0, 0], [4, 0, 0, 0, 0], [1, 2, 3, 4, 5], [0, 0, 0, 0, 0], [9, 1, 9, 8, 0]],
        dtype="int32",
    )
    np.testing.assert_array_equal(
        padding_first(ids),
        [[0, 0, 5, 6, 7], [0, 0, 0, 0, 4], [1, 2, 3, 4, 5], [0, 0, 0, 0, 0], [0, 9, 1, 9, 8]],
    )
    assert padding_first(ids).dtype == ids.dtype
    np.testing.assert_array_equal(ids[0], [5, 6, 7, 0, 0])  # a copy; the input is untouched


def test_remembered_indexes_are_copies_and_only_for_the_same_texts(smoke_data):
    texts = list(smoke_data.train.texts[:300])
    vectorizer = build_vectorizer(texts, 25, fast=True)
    first = vectorize(vectorizer, texts, 10)
    first[:] = -1  # the caller's copy, not the remembered one
    again = vectorize(vectorizer, texts, 10)
    assert (again >= 0).all()
    changed = texts[:-1] + ["Completely different closing words about football"]
    fresh = vectorize(vectorizer, changed, 10)
    np.testing.assert_array_equal(fresh[:-1], again[:-1])
    assert not np.array_equal(fresh[-1], again[-1])
    np.testing.assert_array_equal(fresh, np.asarray(vectorizer(changed))[:, :10])


@pytest.mark.parametrize("fast", [True, False])
def test_a_saved_model_holding_the_vectorizer_loads_and_splits_the_same(smoke_data, tmp_path, fast):
    import keras
    import tensorflow as tf

    vectorizer = build_vectorizer(smoke_data.train.texts[:500], fast=fast)
    model = keras.Sequential([keras.Input(shape=(1,), dtype="string"), vectorizer])
    model.save(tmp_path / "model.keras")
    loaded = keras.models.load_model(tmp_path / "model.keras").layers[0]
    texts = tf.constant(
        ["Oil-price rally: U.S. stocks (Reuters) rise", *smoke_data.test.texts[:20]]
    )
    assert loaded.get_vocabulary() == vectorizer.get_vocabulary()
    np.testing.assert_array_equal(np.asarray(loaded(texts)), np.asarray(vectorizer(texts)))


def test_a_vocabulary_can_be_capped():
    texts = ["a a a b b c", "a b d"]
    for fast in (True, False):
        vectorizer = build_vectorizer(texts, 6, max_vocabulary=4, fast=fast)
        assert vectorizer.get_vocabulary() == ["", "[UNK]", "a", "b"]
        assert vectorize(vectorizer, ["d c a"]).tolist() == [[1, 1, 2, 0, 0, 0]]


def test_vectorizer_of_an_empty_training_set_is_refused():
    with pytest.raises(ValueError, match="needs the training texts.*load_ag_news"):
        build_vectorizer([])


@pytest.mark.parametrize("fast", [True, False])
def test_training_texts_without_words_are_refused_with_a_sentence(fast):
    with pytest.raises(ValueError, match="hold no words, only punctuation"):
        build_vectorizer(["!!", " ... ", "?"], fast=fast)
