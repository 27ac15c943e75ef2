"""The index matrices a vectorizer already produced, kept so that asking again is free.

Notebooks 02-07 and the tools vectorize the same training, validation and test texts for
several approaches with one vectorizer; each approach then needs only a different window of
the same indexes. Not a speed trick of the training itself: it stays on whatever the speed
settings say. Introduced in notebook 02_single_rnn_25_tokens, through `vectorize_splits`.
"""

from __future__ import annotations

import weakref

import numpy as np

# Per vectorizer, the last few texts it turned into indexes: {vectorizer: [(texts, ids), ...]}.
_REMEMBERED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_REMEMBER_AT_MOST = 3  # training, validation and test


def remember(vectorizer, texts, ids: np.ndarray) -> None:
    """Keep a vectorizer's indexes for these texts, so asking again is free."""
    key = tuple(texts)
    entries = _REMEMBERED.setdefault(vectorizer, [])
    entries[:] = [entry for entry in entries if entry[0] != key][-(_REMEMBER_AT_MOST - 1) :]
    entries.append((key, ids))


def recall(vectorizer, texts):
    """The indexes remembered for exactly these texts, or None."""
    entries = _REMEMBERED.get(vectorizer, ())
    key = tuple(texts) if entries else None
    for remembered, ids in entries:
        if remembered == key:
            return ids
    return None
