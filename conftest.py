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
