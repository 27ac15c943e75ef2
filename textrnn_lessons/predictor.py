"""An end-to-end predictor: raw strings in, topic probabilities out.

Introduced in notebook 02_single_rnn_25_tokens, used for new text and for LIME.
"""
from __future__ import annotations

import numpy as np


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
        """Probabilities of shape (len(texts), 4)."""
        from .vectorizer import vectorize

        texts = [texts] if isinstance(texts, str) else list(texts)
        if not texts:
            return np.zeros((0, len(self.class_names)), dtype="float32")
        ids = vectorize(self.vectorizer, texts, self.max_tokens)
        parts = [np.asarray(self._forward(ids[start:start + self.batch_size]))
                 for start in range(0, len(ids), self.batch_size)]
        return np.concatenate(parts)

    def predict_topic(self, text: str) -> tuple[str, float]:
        """The most likely topic for one text, and its probability."""
        probabilities = self([text])[0]
        best = int(probabilities.argmax())
        return self.class_names[best], float(probabilities[best])
