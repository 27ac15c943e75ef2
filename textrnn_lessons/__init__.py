"""Helpers for the textrnn-lessons notebooks: RNN text classification on AG News with Keras.

The package is laid out by what a lesson does: `data` (download, read, vectorize), `models`
(the five approaches and the check of a learner's network), `training`, `evaluation`
(metrics, plots, LIME), `results` (the log and what is made of it), `teaching` (exercises,
explainer tables, the list of lessons, the pre-flight check), `ui` (the approach panel) and
`speed` (the speed runtime of the package's own training paths).

Names are loaded on first use, so importing the package (and running the CLI's `--help`)
does not start TensorFlow. Importing it does two documented things (README, "What importing
the package changes"): TF_CPP_MIN_LOG_LEVEL defaults to 2, and `startup` keeps TensorFlow's
start-up notices off the screen when TensorFlow starts.
"""

import os
from importlib import import_module

from . import _aliases, startup

# TensorFlow's C++ warnings after start-up stay out of the lessons (set it yourself to see them).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
startup.install()
_aliases.install()

__version__ = "0.1.0"

# name -> module that defines it (the notebook that introduces it is in each module's docstring)
_EXPORTS = {
    "Preset": "settings",
    "PRESETS": "settings",
    "get_preset": "settings",
    "results_path": "settings",
    "CLASS_NAMES": "data.reading",
    "load_ag_news": "data.reading",
    "DataError": "data.download",
    "download_ag_news": "data.download",
    "build_vectorizer": "data.vectorizer",
    "vectorize": "data.vectorizer",
    "vectorize_splits": "data.vectorizer",
    "vocabulary_size": "data.vectorizer",
    "worked_example": "data.vectorizer",
    "Approach": "models.approaches",
    "APPROACHES": "models.approaches",
    "get_approach": "models.approaches",
    "build_model": "models.approaches",
    "check_model": "models.design_check",
    "Keras2RMSprop": "training.keras2_optimizers",
    "set_seed": "training.fitting",
    "compile_model": "training.fitting",
    "train": "training.fitting",
    "Trainer": "training.trainer",
    "evaluate": "evaluation.metrics",
    "plot_history": "evaluation.plots",
    "plot_confusion_matrix": "evaluation.plots",
    "TextPredictor": "evaluation.predictor",
    "explain_prediction": "evaluation.explain",
    "lesson_example": "evaluation.explain",
    "append_run": "results.log",
    "read_runs": "results.log",
    "log_run": "results.records",
    "comparison_table": "results.records",
    "tutorial_table": "results.records",
    "ApproachPanel": "ui",
    "ComparisonView": "ui",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name):
    if name in _EXPORTS:
        value = getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    moved = _aliases.moved_name(name)
    if moved is not None:
        return moved
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + __all__)
