"""textrnn_lessons.data.text: one rule for splitting text into words, in Python and in TensorFlow."""

from __future__ import annotations

import pytest

from textrnn_lessons.data.text import PUNCTUATION, WORD, tensorflow_tokens, tokenize, words

from .conftest import MINI


@pytest.fixture(scope="module")
def mini_texts():
    from textrnn_lessons.data.reading import read_ag_news_csv

    return [
        text for name in ("train.csv", "test.csv") for text in read_ag_news_csv(MINI / name).texts
    ]


def test_python_and_tensorflow_split_every_mini_article_alike(mini_texts):
    """`tokenize` (tables, LIME) and the vectorizer's TensorFlow standardize + split give the
    same tokens for each of the 7,600 articles of the mini split."""
    assert len(mini_texts) == 7_600
    tensorflow = tensorflow_tokens(mini_texts).to_list()
    differ = [
        (text, tokenize(text), [t.decode() for t in tokens])
        for text, tokens in zip(mini_texts, tensorflow)
        if tokenize(text) != [t.decode() for t in tokens]
    ]
    assert differ == [], f"{len(differ)} articles split differently, first: {differ[:1]}"


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Oil-price rally: U.S. stocks (Reuters) rise",
            ["oil", "price", "rally", "u", "s", "stocks", "reuters", "rise"],
        ),
        ("AT&amp;T's #39;new#39; plan", ["at", "amp", "t's", "39", "new", "39", "plan"]),
        ("tabs\tand\nnew   lines", ["tabs", "and", "new", "lines"]),
        ("!!! ... ???", []),
        ("", []),
    ],
)
def test_punctuation_becomes_a_space_as_in_the_tutorials_tokenizer(text, expected):
    assert tokenize(text) == expected
    assert [t.decode() for t in tensorflow_tokens([text]).to_list()[0]] == expected


def test_words_keep_their_case_and_tokens_are_lower_cased():
    text = "Apple's iPod sales, up 20%!"
    assert words(text) == ["Apple's", "iPod", "sales", "up", "20"]
    assert tokenize(text) == [word.lower() for word in words(text)]
    assert WORD.findall(text) == words(text)


def test_the_punctuation_is_the_tutorials_tokenizer_filter():
    """Keras 2's Tokenizer's default filters, minus tab and newline (whitespace anyway);
    the apostrophe is not among them."""
    filters = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~'
    assert all(tokenize(f"left{mark}right") == ["left", "right"] for mark in filters)
    assert tokenize("don't") == ["don't"]
    assert PUNCTUATION.startswith("[") and PUNCTUATION.endswith("]")
