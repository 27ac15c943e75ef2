"""Helpers for the textrnn-lessons notebooks: RNN text classification on AG News with Keras.

Names are loaded on first use, so importing the package (and running the CLI's
`--help`) does not start TensorFlow.
"""
import os
from importlib import import_module

# Keep TensorFlow's C++ start-up chatter out of the lessons (set it yourself to see it).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# One thread per TensorFlow operation (operations still run side by side): a recurrent step
# is a small matrix product, and splitting each one across cores costs more than it saves.
# A 50-step recurrent chain ran twice as fast on a 2-core CPU, and the two directions of a
# bidirectional layer use a core each (benchmarks/README.md). TensorFlow reads this when it
# starts, so it applies if the package is imported first; set it yourself to override.
os.environ.setdefault("TF_NUM_INTRAOP_THREADS", "1")

__version__ = "0.1.0"

# name -> module that defines it (the notebook that introduces it is in each module's docstring)
_EXPORTS = {
    "Preset": "config", "PRESETS": "config", "get_preset": "config", "results_path": "config",
    "CLASS_NAMES": "data", "DataError": "data", "load_ag_news": "data", "download_ag_news": "data",
    "build_vectorizer": "vectorizer", "vectorize": "vectorizer", "vocabulary_size": "vectorizer",
    "worked_example": "vectorizer",
    "Approach": "models", "APPROACHES": "models", "get_approach": "models", "build_model": "models",
    "set_seed": "training", "compile_model": "training", "train": "training",
    "plot_history": "training",
    "evaluate": "evaluation", "plot_confusion_matrix": "evaluation",
    "TextPredictor": "predictor",
    "vectorize_splits": "pipeline", "run_approach": "pipeline",
    "append_run": "results", "read_runs": "results", "comparison_table": "results",
    "tutorial_table": "results",
    "explain_prediction": "explain", "lesson_example": "explain",
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
