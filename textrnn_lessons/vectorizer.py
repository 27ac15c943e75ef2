"""Text to token indexes with keras.layers.TextVectorization.

Introduced in notebook 01_prepare_data. Keras 3 removed the tutorial's
`Tokenizer`; TextVectorization does the same job inside TensorFlow, so it is
fast and can live inside a model that takes raw strings.
"""
from __future__ import annotations

import weakref
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from .config import usable_cpus

#: Longest sequence any of the five approaches reads; shorter ones are a slice of it.
LONGEST_SEQUENCE = 50
PAD_INDEX, UNKNOWN_INDEX = 0, 1
# The characters the tutorial's Keras 2 Tokenizer turned into spaces (its default `filters`).
# Keras 3's "lower_and_strip_punctuation" deletes them instead, gluing "oil-price" into
# "oilprice" and "U.S." into "us": more rare words, and less accuracy on the mini split (mean
# of the five approaches 56.3 % against 59.1 %; benchmarks/README.md).
PUNCTUATION = r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~]'


#: Texts per TensorFlow call: big enough to be fast, small enough to keep memory bounded.
CHUNK = 4_096
#: Chunks tokenized at once: one per usable core, at most 4.
WORKERS = min(4, usable_cpus())
# Per vectorizer, the last few texts it turned into indexes: {vectorizer: [(texts, ids), ...]}.
_REMEMBERED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_REMEMBER_AT_MOST = 3  # training, validation and test


def build_vectorizer(train_texts, sequence_length: int = LONGEST_SEQUENCE,
                     max_vocabulary: int | None = None):
    """Fit a lower-casing vocabulary that splits words at punctuation, on the training texts only.

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
        standardize=standardize_function(),
        output_mode="int",
        output_sequence_length=sequence_length,
        # As text, not bytes: Keras saves a bytes vocabulary in a form it cannot load back.
        vocabulary=[word.decode("utf-8") for word in words] if len(words) else None,
    )
    if len(words) == 0:  # nothing but punctuation: let Keras make its empty vocabulary
        vectorizer.adapt(tf.constant(texts))
    else:
        _remember(vectorizer, texts, _indexes_from_counts(tokens, max_vocabulary,
                                                          sequence_length))
    return vectorizer


def lower_and_space_punctuation(texts):
    """Lower-case, and every punctuation mark becomes a space, as in the tutorial's Tokenizer.

    The `standardize` step of the vectorizer (TextVectorization then splits on whitespace).
    A saved Keras model that holds the vectorizer loads again once it is registered:
    `standardize_function()` does that (build_vectorizer calls it).
    """
    import tensorflow as tf

    return tf.strings.regex_replace(tf.strings.lower(texts), PUNCTUATION, " ")


def standardize_function():
    """lower_and_space_punctuation, registered with Keras's saving (done here, not on import,
    so that importing the package does not start TensorFlow)."""
    import keras

    name = "textrnn_lessons>lower_and_space_punctuation"
    if keras.saving.get_registered_object(name) is None:
        keras.saving.register_keras_serializable("textrnn_lessons")(lower_and_space_punctuation)
    return lower_and_space_punctuation


def _tokenize(texts):
    """Standardize and split on whitespace, as the vectorizer does."""
    import tensorflow as tf

    return tf.strings.split(lower_and_space_punctuation(texts))


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
