"""TEMPORARY: moved to workbench.py and vectorizer.py; removed once every importer is updated."""
from .vectorizer import vectorize_splits  # noqa: F401
from .workbench import RunResult, run_approach  # noqa: F401
