"""Old import paths and names of release 0.1, kept working for one release with a warning.

The package moved from one flat folder of modules to sub-packages by capability. A notebook
or script written against 0.1 (`from textrnn_lessons.exercises import ...`,
`textrnn_lessons.Workbench`) still runs and is told the new place. Remove in 0.3.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
import warnings

#: old module (under textrnn_lessons) -> the module that holds its contents now
MOVED_MODULES = {
    "config": "settings",
    "download": "data.download",
    "text": "data.text",
    "vectorizer": "data.vectorizer",
    "model_check": "models.design_check",
    "keras2": "training.keras2_optimizers",
    "workbench": "training.trainer",
    "plots": "evaluation.plots",
    "predictor": "evaluation.predictor",
    "explain": "evaluation.explain",
    "runs": "results.records",
    "tables": "results.tables",
    "summary": "results.summary",
    "experiments": "results.experiments",
    "reproduce": "results.reproduce",
    "exercises": "teaching.exercises",
    "lesson": "teaching.explainers",
    "lessons": "teaching.catalogue",
    "lesson_times": "teaching.lesson_times",
    "checks": "teaching.preflight",
    "tf_startup": "startup",
    "widgets": "ui",
    "speedups": "speed",
}
#: old modules whose name is now a sub-package: their names are served from this module
PACKAGE_NOW = {
    "data": "data.reading",
    "models": "models.approaches",
    "training": "training.fitting",
    "evaluation": "evaluation.metrics",
    "results": "results.log",
}
#: renamed names of the top-level package
MOVED_NAMES = {"Workbench": ("training.trainer", "Trainer")}
_PACKAGE = __name__.rpartition(".")[0]


def _warn(old: str, new: str) -> None:
    warnings.warn(
        f"{old} moved to {new} in textrnn-lessons 0.2; the old name goes in 0.3.",
        DeprecationWarning,
        stacklevel=3,
    )


class _AliasFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves `textrnn_lessons.<old module>` as the module that holds its contents now."""

    def find_spec(self, fullname, path=None, target=None):
        package, _, old = fullname.partition(".")
        if package != _PACKAGE:
            return None
        new = _new_module(old)
        if new is None:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec):
        old = spec.name.partition(".")[2]
        new = _new_module(old)
        _warn(f"textrnn_lessons.{old}", f"textrnn_lessons.{new}")
        return importlib.import_module(f"{_PACKAGE}.{new}")

    def exec_module(self, module):
        pass  # already executed under its new name


def _new_module(old: str) -> str | None:
    head, _, rest = old.partition(".")
    if head not in MOVED_MODULES:
        return None
    return ".".join(filter(None, [MOVED_MODULES[head], rest]))


def install() -> None:
    if not any(isinstance(finder, _AliasFinder) for finder in sys.meta_path):
        sys.meta_path.append(_AliasFinder())


def moved_name(name: str):
    """The object a renamed top-level name now has, with a warning; None if not renamed."""
    if name not in MOVED_NAMES:
        return None
    module, new = MOVED_NAMES[name]
    _warn(f"textrnn_lessons.{name}", f"textrnn_lessons.{new}")
    return getattr(importlib.import_module(f"{_PACKAGE}.{module}"), new)


def package_attribute(package: str, name: str):
    """A name of the old module a sub-package replaced (`textrnn_lessons.models.get_approach`)."""
    old = package.rpartition(".")[2]
    module = importlib.import_module(f"{_PACKAGE}.{PACKAGE_NOW[old]}")
    if name.startswith("__") or not hasattr(module, name):
        raise AttributeError(f"module {package!r} has no attribute {name!r}")
    _warn(f"{package}.{name}", f"{_PACKAGE}.{PACKAGE_NOW[old]}.{name}")
    return getattr(module, name)
