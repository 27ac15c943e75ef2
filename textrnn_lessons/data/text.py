"""How text splits into words: one rule for the vectorizer, LIME and the lesson tables.

Introduced in notebook 01_prepare_data. The rule is the tutorial's Keras 2 `Tokenizer`'s:
lower-case, every punctuation mark becomes a space, split on whitespace. Keras 3's
`TextVectorization` would delete punctuation instead, gluing "oil-price" into "oilprice" and
"U.S." into "us": more rare words, and less accuracy on the mini split (mean of the five
approaches 56.3 % against 59.1 %; benchmarks/README.md).

`tokenize` is the plain-Python rule (for tables and counts); `lower_and_space_punctuation` is
the same rule as TensorFlow operations (the vectorizer's `standardize` step). A test checks
that the two split every mini-split article alike.
"""

from __future__ import annotations

import re

#: The characters the tutorial's Tokenizer turned into spaces (its default `filters`), as a
#: regular-expression character class.
PUNCTUATION = r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~]'
#: A word: a run of characters that are neither whitespace nor punctuation.
WORD = re.compile(rf"[^\s{PUNCTUATION[1:-1]}]+")
_STANDARDIZE_NAME = "textrnn_lessons>lower_and_space_punctuation"


def words(text: str) -> list[str]:
    """The words of `text` in order, as written (LIME hides and shows these)."""
    return WORD.findall(text)


def tokenize(text: str) -> list[str]:
    """The tokens the vectorizer makes of `text`: its words, lower-cased."""
    return [word.lower() for word in WORD.findall(text)]


def lower_and_space_punctuation(texts):
    """The vectorizer's `standardize` step: lower-case, punctuation to spaces (TensorFlow ops).

    A saved Keras model that holds the vectorizer loads again once this function is
    registered with Keras's saving; `standardize_function()` does that.
    """
    import tensorflow as tf

    return tf.strings.regex_replace(tf.strings.lower(texts), PUNCTUATION, " ")


def standardize_function():
    """`lower_and_space_punctuation`, registered with Keras's saving.

    Registered here, on first use, rather than on import, so that importing the package does
    not start TensorFlow.
    """
    import keras

    if keras.saving.get_registered_object(_STANDARDIZE_NAME) is None:
        keras.saving.register_keras_serializable("textrnn_lessons")(lower_and_space_punctuation)
    return lower_and_space_punctuation


def tensorflow_tokens(texts):
    """`tokenize` for a batch of strings, as TensorFlow ops: a ragged tensor of tokens."""
    import tensorflow as tf

    return tf.strings.split(lower_and_space_punctuation(texts))
