"""A vocabulary counted in one pass that also gives the training texts' indexes.

Measure 6 of the speed runtime (`textrnn_lessons.speed`), used by `build_vectorizer` when the
runtime is on. `TextVectorization.adapt` reads the training texts
once to count words, and `vectorize` reads them again to look the words up. Here one pass over
the texts, on every usable core, gives both: the vocabulary (exactly adapt's: most frequent
word first, ties broken the same way) and the padded index matrix of those texts, which the
vectorizer then remembers (data/vocabulary_cache.py). tests/test_speed.py checks both against adapt.

Imported lazily: it needs TensorFlow.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ..data.text import tensorflow_tokens
from ..machine import usable_cpus

#: Texts per TensorFlow call: big enough to be fast, small enough to keep memory bounded.
CHUNK = 4_096
#: Chunks tokenized at once: one per usable core, at most 4.
WORKERS = min(4, usable_cpus())
PAD_INDEX, UNKNOWN_INDEX = 0, 1


def count_words(texts):
    """Every distinct word, most frequent first (ties: reverse byte order, like Keras).

    Returns the words and, per chunk of texts, what `indexes_from_counts` needs.
    """
    import tensorflow as tf

    tokenize = tf.function(tensorflow_tokens, input_signature=[tf.TensorSpec([None], tf.string)])

    def words_of(start):
        tokens = tokenize(tf.constant(texts[start : start + CHUNK]))
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
    return words[order], [
        (rank, positions, chunk[2]) for positions, chunk in zip(flat_positions, chunks)
    ]


def indexes_from_counts(tokens, max_vocabulary, sequence_length) -> np.ndarray:
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
