"""An end-to-end predictor: raw strings in, topic probabilities out.

Introduced in notebook 02_single_rnn_25_tokens, used for new text and for LIME.
"""

from __future__ import annotations

from collections.abc import Mapping, Set

import numpy as np


def require_words(text: str, task: str = "classify") -> list:
    """The words of one text (regular-expression matches), or a ValueError saying there are none.

    The one check behind `TextPredictor.predict_topic` and `explain_prediction`: a text that
    is empty, or only spaces and punctuation (which the vectorizer removes), gives the model
    nothing but padding, and any topic it answered would be noise.
    """
    from ..data.text import WORD

    require_characters(text)
    if not text.strip():
        raise ValueError(
            f"The text is empty, so there is nothing to {task}. Paste a sentence or a news article."
        )
    words = list(WORD.finditer(text))
    if not words:
        raise ValueError(
            f"The text {text[:40]!r} has no words, only punctuation and spaces, which "
            "the model's vectorizer removes. Paste a sentence or a news article."
        )
    return words


def require_characters(text: str, item: int | None = None) -> None:
    """A ValueError when `text` holds a lone surrogate (such as '\\ud800'): half of a character,
    left by a broken copy or a '\\ud800' escape, which TensorFlow cannot turn into text."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        where = "The text" if item is None else f"Item {item}"
        raise ValueError(
            f"{where} holds {text[error.start]!r} at position {error.start}, half of a "
            "character (a lone surrogate, left by a broken copy or an escape such as "
            "'\\ud800'), which cannot be read as text. Remove it, or replace every such "
            "half with text.encode('utf-8', 'replace').decode('utf-8')."
        ) from None


def as_texts(texts) -> list[str]:
    """A text or a sequence of texts as a list of str; a TypeError naming what came instead."""
    if isinstance(texts, str):
        return [texts]
    what = f"{type(texts).__name__} {_short(texts)}"
    if isinstance(texts, (bytes, bytearray)):
        raise TypeError(
            f"The predictor reads text (str), not bytes ({_short(texts)}): decode "
            "it first, such as text = data.decode('utf-8')."
        )
    if isinstance(texts, Mapping):
        raise TypeError(
            f"The predictor takes a text or a list of texts, not a {what}: it would "
            "read only the keys. Pass list(your_dict.values()) to classify the values."
        )
    if isinstance(texts, Set):
        raise TypeError(
            f"The predictor takes a text or a list of texts, not a {what}: a set has "
            "no order, so the rows of probabilities could not be matched to it. "
            "Pass a list."
        )
    try:
        items = list(texts)
    except TypeError:
        raise TypeError(
            f"The predictor takes a text (str) or a list of texts; got {what}."
        ) from None
    for position, item in enumerate(items):
        if not isinstance(item, str):
            raise TypeError(
                f"Every item must be a text (str), but item {position} is "
                f"{type(item).__name__} {_short(item)}. Convert or remove it."
            )
        require_characters(item, position)
    return items


def _short(value) -> str:
    shown = repr(value)
    return shown if len(shown) <= 40 else shown[:37] + "..."


class TextPredictor:
    """Vectorizer + trained model behind one call that takes a list of strings.

    The forward pass is traced once as a `tf.function`, so thousands of texts
    (LIME's perturbed samples) go through in a few large batches with no
    per-call model rebuilding or recompiling.
    """

    def __init__(self, vectorizer, model, max_tokens: int, class_names, batch_size: int = 2048):
        import tensorflow as tf

        self.vectorizer = vectorizer
        self.model = model
        self.max_tokens = max_tokens
        self.class_names = tuple(class_names)
        self.batch_size = batch_size
        self._forward = tf.function(
            lambda ids: model(ids, training=False),
            input_signature=[tf.TensorSpec([None, max_tokens], tf.int32)],
            reduce_retracing=True,
        )

    def __call__(self, texts) -> np.ndarray:
        """Probabilities of shape (len(texts), 4) for a text or a list of texts.

        One text on its own must have words; inside a list, empty texts are allowed (LIME's
        samples hide every word now and then) and get the model's answer to padding alone.
        """
        from ..data.vectorizer import vectorize

        if isinstance(texts, str):
            require_words(texts)
        texts = as_texts(texts)
        if not texts:
            return np.zeros((0, len(self.class_names)), dtype="float32")
        ids = vectorize(self.vectorizer, texts, self.max_tokens)
        parts = [
            np.asarray(self._forward(ids[start : start + self.batch_size]))
            for start in range(0, len(ids), self.batch_size)
        ]
        return np.concatenate(parts)

    def predict_topic(self, text: str) -> tuple[str, float]:
        """The most likely topic for one text, and its probability."""
        if not isinstance(text, str):
            raise TypeError(
                f"predict_topic takes one text (a str); got {type(text).__name__} "
                f"{_short(text)}. To classify several texts, call the predictor "
                "with a list: predictor(['first text', 'second text'])."
            )
        require_words(text)
        probabilities = self([text])[0]
        best = int(probabilities.argmax())
        return self.class_names[best], float(probabilities[best])
