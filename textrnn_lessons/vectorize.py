"""Text to token indexes with keras.layers.TextVectorization.

Introduced in notebook 01_prepare_data. Keras 3 removed the tutorial's
`Tokenizer`; TextVectorization does the same job inside TensorFlow, so it is
fast and can live inside a model that takes raw strings.
"""
from __future__ import annotations

import os
import weakref
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

#: Longest sequence any of the five approaches reads; shorter ones are a slice of it.
LONGEST_SEQUENCE = 50
PAD_INDEX, UNKNOWN_INDEX = 0, 1
# The characters Keras's "lower_and_strip_punctuation" removes (keras TextVectorization).
_KERAS_PUNCTUATION = r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']'


#: Texts per TensorFlow call: big enough to be fast, small enough to keep memory bounded.
CHUNK = 4_096
#: Chunks tokenized at once (one per core, but few: a container may see more cores than it gets).
WORKERS = min(4, os.cpu_count() or 1)
_STANDARDIZE = "lower_and_strip_punctuation"
# Per vectorizer, the last few texts it turned into indexes: {vectorizer: [(texts, ids), ...]}.
_REMEMBERED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_REMEMBER_AT_MOST = 3  # training, validation and test


def build_vectorizer(train_texts, sequence_length: int = LONGEST_SEQUENCE,
                     max_vocabulary: int | None = None):
    """Fit a lower-casing, punctuation-stripping vocabulary on the training texts only.

    Sequences come out padded and truncated at the end ("post"), like the tutorial's
    `pad_sequences(..., padding="post", truncating="post")`.

    The vocabulary is exactly the one `TextVectorization.adapt` finds (most frequent word
    first, ties broken the same way; tests/test_speed.py checks it), but it is
    counted in one pass that also gives the training texts' indexes, so `vectorize` on the
    same training texts afterwards costs nothing (benchmarks/README.md has the timings).
    """
    import keras
    import tensorflow as tf

    texts = list(train_texts)
    if not texts:
        raise ValueError("build_vectorizer needs the training texts to learn a vocabulary, "
                         "and got none. Pass data.train.texts from load_ag_news().")
    words, tokens = _count_words(texts)
    if max_vocabulary is not None:
        words = words[: max(max_vocabulary - 2, 0)]  # index 0 is padding, 1 is [UNK]
    vectorizer = keras.layers.TextVectorization(
        max_tokens=max_vocabulary,
        standardize=_STANDARDIZE,
        output_mode="int",
        output_sequence_length=sequence_length,
        vocabulary=tf.constant(words, dtype=tf.string) if len(words) else None,
    )
    if len(words) == 0:  # nothing but punctuation: let Keras make its empty vocabulary
        vectorizer.adapt(tf.constant(texts))
    else:
        _remember(vectorizer, texts, _indexes_from_counts(tokens, max_vocabulary,
                                                          sequence_length))
    return vectorizer


def _tokenize(texts):
    """Lower-case, strip punctuation and split on whitespace, as TextVectorization does."""
    import tensorflow as tf

    return tf.strings.split(tf.strings.regex_replace(tf.strings.lower(texts), _KERAS_PUNCTUATION,
                                                     ""))


def _count_words(texts):
    """Every distinct word, most frequent first (ties: reverse byte order, like Keras).

    Returns the words and, per chunk of texts, what `_indexes_from_counts` needs.
    """
    import tensorflow as tf

    tokenize = tf.function(_tokenize, input_signature=[tf.TensorSpec([None], tf.string)])

    def words_of(start):
        tokens = tokenize(tf.constant(texts[start:start + CHUNK]))
        unique, position = tf.unique(tokens.flat_values)
        return unique, position, tokens.row_splits

    # TensorFlow lets go of Python's lock while it works, so chunks run on every core.
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        chunks = list(pool.map(words_of, range(0, len(texts), CHUNK)))
    unique, where = tf.unique(tf.concat([chunk[0] for chunk in chunks], axis=0))
    flat_positions = []
    offset = 0
    for chunk_unique, position, _ in chunks:
        flat_positions.append(tf.gather(where, position + offset))
        offset += int(chunk_unique.shape[0])
    counts = np.bincount(tf.concat(flat_positions, axis=0).numpy(), minlength=int(unique.shape[0]))
    words = unique.numpy()
    order = np.lexsort((words, counts))[::-1]
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order)) + 2  # after padding (0) and [UNK] (1)
    return words[order], [(rank, positions, chunk[2])
                          for positions, chunk in zip(flat_positions, chunks)]


def _indexes_from_counts(tokens, max_vocabulary, sequence_length) -> np.ndarray:
    """The training texts' padded index matrix, straight from the word counts."""
    import tensorflow as tf

    def padded(chunk):
        rank, positions, row_splits = chunk
        ids = np.take(rank, positions.numpy())
        if max_vocabulary is not None:
            ids[ids >= max_vocabulary] = UNKNOWN_INDEX
        ragged = tf.RaggedTensor.from_row_splits(ids, row_splits)
        return ragged.to_tensor(PAD_INDEX, shape=[None, sequence_length]).numpy()

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return np.concatenate(list(pool.map(padded, tokens))).astype("int32")


def _remember(vectorizer, texts, ids: np.ndarray) -> None:
    """Keep a vectorizer's indexes for these texts, so asking again is free."""
    key = tuple(texts)
    entries = _REMEMBERED.setdefault(vectorizer, [])
    entries[:] = [entry for entry in entries if entry[0] != key][-(_REMEMBER_AT_MOST - 1):]
    entries.append((key, ids))


def _recall(vectorizer, texts):
    """The indexes remembered for exactly these texts, or None."""
    entries = _REMEMBERED.get(vectorizer, ())
    key = tuple(texts) if entries else None
    for remembered, ids in entries:
        if remembered == key:
            return ids
    return None


def _compiled(vectorizer):
    """The vectorizer as one traced TensorFlow function over a batch of strings."""
    import tensorflow as tf

    function = getattr(vectorizer, "_textrnn_traced", None)
    if function is None:
        function = tf.function(lambda batch: vectorizer(batch),
                               input_signature=[tf.TensorSpec([None], tf.string)])
        object.__setattr__(vectorizer, "_textrnn_traced", function)
    return function


def vectorize(vectorizer, texts, max_tokens: int | None = None, batch_size: int = CHUNK,
              remember: bool = False) -> np.ndarray:
    """Token indexes for many texts, cut to `max_tokens` columns (post-truncation).

    Works in batches of `batch_size` texts through one traced TensorFlow function, so
    120,000 texts take about a second and never sit in memory as one big string tensor.
    Texts the vectorizer has seen before (its training texts, or texts vectorized with
    `remember=True`) come back from memory.
    """
    import tensorflow as tf

    width = vectorizer.get_config()["output_sequence_length"]
    if max_tokens and width and max_tokens > width:
        raise ValueError(f"This vectorizer makes sequences of {width} tokens, so it cannot give "
                         f"{max_tokens}. Build one with build_vectorizer(texts, sequence_length="
                         f"{max_tokens}).")
    texts = [texts] if isinstance(texts, str) else list(texts)
    ids = _recall(vectorizer, texts)
    if ids is None:
        traced = _compiled(vectorizer)
        parts = [traced(tf.constant(texts[start:start + batch_size], dtype=tf.string)).numpy()
                 for start in range(0, len(texts), batch_size)]
        ids = np.concatenate(parts).astype("int32") if parts else np.zeros((0, width), "int32")
        if remember:
            _remember(vectorizer, texts, ids)
    return np.array(ids[:, :max_tokens] if max_tokens else ids, dtype="int32")


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

    tokens = [token.decode("utf-8") for token in _tokenize(tf.constant([sentence]))[0].numpy()]
    indexes = [int(i) for i in np.asarray(vectorizer([sentence]))[0][: len(tokens)]]
    return WorkedExample(sentence, tokens, indexes)
