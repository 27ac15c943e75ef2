"""Text to token indexes with keras.layers.TextVectorization.

Introduced in notebook 01_prepare_data. Keras 3 removed the tutorial's
`Tokenizer`; TextVectorization does the same job inside TensorFlow, so it is
fast and can live inside a model that takes raw strings.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Longest sequence any of the five approaches reads; shorter ones are a slice of it.
LONGEST_SEQUENCE = 50
PAD_INDEX, UNKNOWN_INDEX = 0, 1
# The characters Keras's "lower_and_strip_punctuation" removes (keras TextVectorization).
_KERAS_PUNCTUATION = r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']'


def build_vectorizer(train_texts, sequence_length: int = LONGEST_SEQUENCE,
                     max_vocabulary: int | None = None):
    """Fit a lower-casing, punctuation-stripping vocabulary on the training texts only.

    Sequences come out padded and truncated at the end ("post"), like the tutorial's
    `pad_sequences(..., padding="post", truncating="post")`.
    """
    import keras
    import tensorflow as tf

    vectorizer = keras.layers.TextVectorization(
        max_tokens=max_vocabulary,
        standardize="lower_and_strip_punctuation",
        output_mode="int",
        output_sequence_length=sequence_length,
    )
    vectorizer.adapt(tf.data.Dataset.from_tensor_slices(list(train_texts)).batch(2048))
    return vectorizer


def vectorize(vectorizer, texts, max_tokens: int | None = None, batch_size: int = 8192) -> np.ndarray:
    """Token indexes for many texts, cut to `max_tokens` columns (post-truncation).

    Works in batches so 120,000 texts never sit in memory as one big string tensor.
    """
    parts = [np.asarray(vectorizer(list(texts[start:start + batch_size])))
             for start in range(0, len(texts), batch_size)]
    width = vectorizer.get_config()["output_sequence_length"]
    ids = np.concatenate(parts) if parts else np.zeros((0, width), dtype="int64")
    return ids[:, :max_tokens].astype("int32") if max_tokens else ids.astype("int32")


def vocabulary_size(vectorizer) -> int:
    """Number of rows the Embedding layer needs (padding and [UNK] included)."""
    return int(vectorizer.vocabulary_size())


@dataclass(frozen=True)
class WorkedExample:
    """A sentence on its way to indexes, for the lesson's table."""

    sentence: str
    tokens: list[str]
    indexes: list[int]

    def table(self) -> str:
        """Token and index side by side; unknown words are marked."""
        rows = [f"{'token':<14}index"]
        for token, index in zip(self.tokens, self.indexes):
            note = "  <- not in the vocabulary" if index == UNKNOWN_INDEX else ""
            rows.append(f"{token:<14}{index}{note}")
        return "\n".join(rows)


def worked_example(vectorizer, sentence: str) -> WorkedExample:
    """Show how one sentence becomes tokens and then vocabulary indexes (padding dropped)."""
    import tensorflow as tf

    standardized = tf.strings.regex_replace(tf.strings.lower(sentence), _KERAS_PUNCTUATION, "")
    tokens = standardized.numpy().decode("utf-8").split()
    indexes = [int(i) for i in np.asarray(vectorizer([sentence]))[0][: len(tokens)]]
    return WorkedExample(sentence, tokens, indexes)
