"""Text to token indexes with keras.layers.TextVectorization.

Introduced in notebook 01_prepare_data. Keras 3 removed the tutorial's `Tokenizer`;
TextVectorization does the same job inside TensorFlow, so it is fast and can live inside a
model that takes raw strings. Words split by the tutorial's rule (textrnn_lessons.text).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .text import standardize_function, tokenize

#: Longest sequence any of the five approaches reads; shorter ones are a slice of it.
LONGEST_SEQUENCE = 50
PAD_INDEX, UNKNOWN_INDEX = 0, 1
#: Texts per TensorFlow call in `vectorize`: fast, and memory stays bounded.
BATCH = 4_096


def build_vectorizer(
    train_texts,
    sequence_length: int = LONGEST_SEQUENCE,
    max_vocabulary: int | None = None,
    fast: bool | None = None,
):
    """A vocabulary fitted on `train_texts`, as a TextVectorization layer (notebook 01).

    Sequences come out padded and truncated at the end ("post"), like the tutorial's
    `pad_sequences(..., padding="post", truncating="post")`. With the speed runtime on (`fast`,
    default: textrnn_lessons.speed.is_enabled) the vocabulary is counted in one pass that
    also gives the training texts' indexes; it is exactly the one `adapt` finds.
    """
    import keras
    import tensorflow as tf

    from .. import speed as speedups

    texts = list(train_texts)
    if not texts:
        raise ValueError(
            "build_vectorizer needs the training texts to learn a vocabulary, "
            "and got none. Pass data.train.texts from load_ag_news()."
        )
    layer = dict(
        max_tokens=max_vocabulary,
        standardize=standardize_function(),
        output_mode="int",
        output_sequence_length=sequence_length,
    )
    words, fast = None, speedups.is_enabled(fast)
    if fast:
        from ..speed.vocabulary import count_words, indexes_from_counts
        from .vocabulary_cache import remember

        words, tokens = count_words(texts)
        if max_vocabulary is not None:
            words = words[: max(max_vocabulary - 2, 0)]  # index 0 is padding, 1 is [UNK]
    if words is None:  # speed-ups off: Keras's own adapt
        vectorizer = keras.layers.TextVectorization(**layer)
        vectorizer.adapt(tf.constant(texts), batch_size=BATCH)
        words = vectorizer.get_vocabulary()[2:]
    if len(words) == 0:
        raise ValueError(
            f"The {len(texts):,} training texts hold no words, only punctuation and "
            "spaces, so there is no vocabulary to learn. Pass the articles' texts "
            "(data.train.texts from load_ag_news())."
        )
    if not fast:
        return vectorizer
    # As text, not bytes: Keras saves a bytes vocabulary in a form it cannot load back.
    vectorizer = keras.layers.TextVectorization(
        **layer, vocabulary=[word.decode("utf-8") for word in words]
    )
    remember(vectorizer, texts, indexes_from_counts(tokens, max_vocabulary, sequence_length))
    return vectorizer


def _traced(vectorizer):
    """The vectorizer as one traced TensorFlow function over a batch of strings."""
    import tensorflow as tf

    function = getattr(vectorizer, "_textrnn_traced", None)
    if function is None:
        function = tf.function(
            lambda batch: vectorizer(batch), input_signature=[tf.TensorSpec([None], tf.string)]
        )
        object.__setattr__(vectorizer, "_textrnn_traced", function)
    return function


def vectorize(
    vectorizer, texts, max_tokens: int | None = None, remember: bool = False
) -> np.ndarray:
    """Token indexes for many texts, cut to `max_tokens` columns (post-truncation).

    Works in batches through one traced TensorFlow function, so 120,000 texts take about a
    second and never sit in memory as one big string tensor. Texts the vectorizer has seen
    before (its training texts, or texts vectorized with `remember=True`) come back from memory.
    """
    import tensorflow as tf

    from .vocabulary_cache import recall
    from .vocabulary_cache import remember as keep

    width = vectorizer.get_config()["output_sequence_length"]
    if max_tokens and width and max_tokens > width:
        raise ValueError(
            f"This vectorizer makes sequences of {width} tokens, so it cannot give "
            f"{max_tokens}. Build one with build_vectorizer(texts, sequence_length="
            f"{max_tokens})."
        )
    texts = [texts] if isinstance(texts, str) else list(texts)
    ids = recall(vectorizer, texts)
    if ids is None:
        traced = _traced(vectorizer)
        parts = [
            traced(tf.constant(texts[start : start + BATCH], dtype=tf.string)).numpy()
            for start in range(0, len(texts), BATCH)
        ]
        ids = np.concatenate(parts).astype("int32") if parts else np.zeros((0, width), "int32")
        if remember:
            keep(vectorizer, texts, ids)
    return np.array(ids[:, :max_tokens] if max_tokens else ids, dtype="int32")


def vectorize_splits(vectorizer, data, max_tokens: int, padding: str = "post"):
    """(train, validation, test) index matrices at `max_tokens` (notebooks 02-06).

    The vectorizer remembers the three splits, so another approach with the same vectorizer
    slices them instead of vectorizing again. `padding="pre"` puts each short article's zeros
    before its words instead of after them (notebook 07's experiment).
    """
    arrays = tuple(
        vectorize(vectorizer, split.texts, max_tokens, remember=True)
        for split in (data.train, data.validation, data.test)
    )
    return tuple(map(padding_first, arrays)) if padding == "pre" else arrays


def padding_first(ids: np.ndarray) -> np.ndarray:
    """Rows padded after their words, padded before them instead (words keep their order)."""
    width = ids.shape[1]
    lengths = (ids != PAD_INDEX).sum(axis=1)
    keep = np.arange(width)[None, :] < lengths[:, None]
    rows = np.broadcast_to(np.arange(len(ids))[:, None], ids.shape)
    columns = np.arange(width)[None, :] + (width - lengths)[:, None]
    moved = np.zeros_like(ids)
    moved[rows[keep], columns[keep]] = ids[keep]
    return moved


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
    tokens = tokenize(sentence)
    indexes = [int(i) for i in np.asarray(vectorizer([sentence]))[0][: len(tokens)]]
    return WorkedExample(sentence, tokens, indexes)
