"""Helpers for the textrnn-lessons notebooks: RNN text classification on AG News with Keras.

Names are loaded on first use, so importing the package (and running the CLI's `--help`)
does not start TensorFlow. Importing it does two documented things (README, "What importing
the package changes"): TF_CPP_MIN_LOG_LEVEL defaults to 2, and `tf_startup` waits for
TensorFlow to start, to keep its start-up notices off the screen and give it one thread per
operation.
"""
import os
from importlib import import_module

from . import tf_startup

# TensorFlow's C++ warnings after start-up stay out of the lessons (set it yourself to see them).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
tf_startup.install()

__version__ = "0.1.0"

# name -> module that defines it (the notebook that introduces it is in each module's docstring)
_EXPORTS = {
    "Preset": "config", "PRESETS": "config", "get_preset": "config", "results_path": "config",
    "CLASS_NAMES": "data", "DataError": "data", "load_ag_news": "data",
    "download_ag_news": "data",
    "build_vectorizer": "vectorizer", "vectorize": "vectorizer", "vectorize_splits": "vectorizer",
    "vocabulary_size": "vectorizer", "worked_example": "vectorizer",
    "Approach": "models", "APPROACHES": "models", "get_approach": "models", "build_model": "models",
    "Keras2RMSprop": "keras2", "Keras2Adam": "keras2",
    "set_seed": "training", "compile_model": "training", "train": "training",
    "evaluate": "evaluation",
    "plot_history": "plots", "plot_confusion_matrix": "plots",
    "TextPredictor": "predictor",
    "append_run": "results", "read_runs": "results", "log_run": "runs",
    "comparison_table": "runs", "tutorial_table": "runs",
    "explain_prediction": "explain", "lesson_example": "explain",
    "check_model": "model_check",
    "Workbench": "workbench",
    "ApproachPanel": "widgets", "ComparisonView": "widgets",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name):
    if name in _EXPORTS:
        value = getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + __all__)
