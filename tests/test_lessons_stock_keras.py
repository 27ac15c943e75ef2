"""The code a learner writes and copies runs anywhere: the model, compile and fit cells of each
approach lesson, run in a Jupyter kernel where `textrnn_lessons` cannot be imported.

The kernel first blocks the package (an import finder that refuses it), then gets small
stand-in arrays in place of the data the lesson's helpers would load, then runs the lesson's
own settings, model (with the folded solution in place of the `...` in 03-06), compile and fit
cells, word for word. Any line that needs this package fails here.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from textrnn_lessons.teaching.catalogue import LESSONS

from .test_lesson_solutions import PLACEHOLDER, solution_code, tags

pytestmark = pytest.mark.notebooks

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
APPROACH_LESSONS = [
    lesson for lesson in LESSONS if lesson.stem[:2] in {"02", "03", "04", "05", "06"}
]

WITHOUT_THE_PACKAGE = '''\
import importlib.abc
import sys


class NoLessonsPackage(importlib.abc.MetaPathFinder):
    """Refuse textrnn_lessons, as a plain Keras install without it would."""

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "textrnn_lessons":
            raise ModuleNotFoundError(f"No module named {name!r}")


sys.meta_path.insert(0, NoLessonsPackage())
assert "textrnn_lessons" not in sys.modules
'''

STAND_IN_DATA = """\
import time

import numpy as np
import keras
from keras import layers

rng = np.random.default_rng(0)
vocab_size, BATCH_SIZE, EPOCHS = 300, 32, 1
x_train, x_val = (rng.integers(0, vocab_size, (n, MAX_TOKENS)).astype("int32") for n in (96, 32))
y_train, y_val = (rng.integers(0, 4, n) for n in (96, 32))
"""

REPORT = """\
import json
try:
    import textrnn_lessons
    blocked = False
except ModuleNotFoundError:
    blocked = True
print(json.dumps({
    "blocked": blocked,
    "loaded": sorted(m for m in sys.modules if m.split(".")[0] == "textrnn_lessons"),
    "histories": {name: len(value.history["loss"]) for name, value in dict(globals()).items()
                  if isinstance(value, keras.callbacks.History)},
}))
"""

#: The cells a learner writes or copies, by tag: they must run in any Keras 3 install (and 02's
#: "speed-timing", the function that times the settings it teaches).
STOCK_TAGS = ("step-model", "step-compile", "step-fit", "variant-model", "variant-fit")
#: The cells that turn the learner's network into the one that trains (package helpers), and
#: what stands in for them here once the solution is in place.
CHOOSERS = {"step-choose": "model = my_model", "variant-choose": "variant = my_model"}


def stock_cells(stem: str) -> list[str]:
    """The lesson's settings and stock cells, in order, solutions in place of the `...`."""
    notebook = nbformat.read(NOTEBOOKS / f"{stem}.ipynb", as_version=4)
    sources = []
    for index, cell in enumerate(notebook.cells):
        found = set(tags(cell))
        if "step-settings" in found:
            sources += [cell.source, STAND_IN_DATA]
        elif found & set(STOCK_TAGS) or "speed-timing" in found:
            source = cell.source
            if PLACEHOLDER.search(source):
                solution = next(c.source for c in notebook.cells[index:] if "<details>" in c.source)
                source = PLACEHOLDER.sub(lambda _, s=solution: solution_code(s), source, count=1)
            sources.append(source)
        elif found & set(CHOOSERS):
            sources.append(CHOOSERS[(found & set(CHOOSERS)).pop()])
        if "speed-timing" in found:  # 02 times the settings it teaches: with both, here
            sources.append("speed_seconds = time_epoch(prepare(True, 16)[0])")
    return sources


@pytest.mark.parametrize("lesson", APPROACH_LESSONS, ids=lambda lesson: lesson.stem)
def test_the_learners_cells_run_without_the_package(lesson):
    cells = [WITHOUT_THE_PACKAGE, *stock_cells(lesson.stem), REPORT]
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(source) for source in cells],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}},
    )
    NotebookClient(notebook, timeout=300, kernel_name="python3").execute()
    printed = "".join(o.get("text", "") for o in notebook.cells[-1].outputs)
    report = json.loads(printed.strip().splitlines()[-1])
    assert report["blocked"] and report["loaded"] == [], report
    expected = {"history": 1} | ({"variant_history": 1} if lesson.stem.startswith("02") else {})
    assert expected.items() <= report["histories"].items(), report


def test_the_blocker_refuses_the_package(tmp_path):
    """Without the blocker the package imports (it is installed here); with it, it does not."""
    import subprocess
    import sys

    script = (
        WITHOUT_THE_PACKAGE
        + "\ntry:\n    import textrnn_lessons\nexcept ModuleNotFoundError as e:\n    print(e)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert "No module named 'textrnn_lessons'" in done.stdout
    plain = subprocess.run(
        [sys.executable, "-c", "import textrnn_lessons; print('imported')"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "imported" in plain.stdout
