"""Test-set metrics: accuracy, the per-topic report and the confusion matrix.

Introduced in notebook 02_single_rnn_25_tokens.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Evaluation:
    """Everything the lessons report about one model on the test set."""

    accuracy: float
    report: str
    confusion: np.ndarray
    y_true: np.ndarray
    y_pred: np.ndarray
    class_names: tuple[str, ...]

    def summary(self) -> str:
        """Accuracy, the classification report and the raw confusion matrix, as text."""
        return (
            f"Test accuracy: {self.accuracy:.4f}\n\nClassification report:\n{self.report}\n"
            f"Confusion matrix (rows: true topic, columns: predicted topic):\n{self.confusion}"
        )


def evaluate(
    model, x_test: np.ndarray, y_test: np.ndarray, class_names, batch_size: int = 1024
) -> Evaluation:
    """Predict the test set once and compute accuracy, the report and the confusion matrix."""
    from sklearn.metrics import accuracy_score, classification_report, confusion_matrix

    y_pred = model.predict(x_test, batch_size=batch_size, verbose=0).argmax(axis=-1)
    labels = list(range(len(class_names)))
    return Evaluation(
        accuracy=float(accuracy_score(y_test, y_pred)),
        report=classification_report(
            y_test, y_pred, labels=labels, target_names=list(class_names), zero_division=0
        ),
        confusion=confusion_matrix(y_test, y_pred, labels=labels),
        y_true=np.asarray(y_test),
        y_pred=np.asarray(y_pred),
        class_names=tuple(class_names),
    )
