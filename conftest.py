"""Settings for every test, notebooks included: nbval kernels inherit this environment."""

import os
import tempfile

# Notebooks under test run in the smoke preset and log to a throw-away results file.
os.environ["TEXTRNN_LESSONS_PRESET"] = os.environ.get("TEXTRNN_LESSONS_TEST_PRESET", "smoke")
os.environ.setdefault(
    "TEXTRNN_LESSONS_RESULTS",
    os.path.join(tempfile.mkdtemp(prefix="textrnn-results-"), "results.jsonl"),
)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# Notebook kernels start in notebooks/, so a relative data folder must be made absolute here.
if os.environ.get("TEXTRNN_LESSONS_DATA"):
    os.environ["TEXTRNN_LESSONS_DATA"] = os.path.abspath(os.environ["TEXTRNN_LESSONS_DATA"])


def pytest_collection_modifyitems(config, items):
    """Mark the slow tiers by where a test lives, so plain `pytest` stays fast (pyproject.toml)."""
    import pytest

    for item in items:
        path = str(item.path)
        if path.endswith(".ipynb"):
            item.add_marker(pytest.mark.notebooks)
        elif f"{os.sep}tests{os.sep}e2e{os.sep}" in path:
            item.add_marker(pytest.mark.browser)
        elif path.endswith(f"{os.sep}test_room.py"):
            item.add_marker(pytest.mark.room)
