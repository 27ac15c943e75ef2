"""The pre-flight check behind `textrnn-lessons check` and notebook 00_start_here.

Each check returns (ok, message); the message says what to do when it fails.
"""
from __future__ import annotations

import time
from importlib import metadata
from pathlib import Path

from .config import DATA_ENV, Preset, cache_dir, data_dir_from_env

REQUIRED = ("tensorflow", "keras", "scikit-learn", "scikit-plots", "lime", "ipywidgets",
            "jupyterlab_widgets", "pooch", "pandas", "matplotlib")


def check_versions() -> tuple[bool, str]:
    """Every library the lessons import is installed."""
    found, missing = [], []
    for name in REQUIRED:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            missing.append(name)
    if missing:
        return False, (f"missing {', '.join(missing)}: run `pip install -e .` in the project folder "
                       "(or create the conda environment from environment.yml)")
    return True, "; ".join(found)


def check_data(data_dir: Path | str | None = None) -> tuple[bool, str]:
    """train.csv and test.csv are present; canonical files must match their MD5s."""
    from .data import REGISTRY, is_canonical, read_ag_news_csv

    folder = Path(data_dir) if data_dir else data_dir_from_env()
    folder = folder or cache_dir()
    missing = [name for name in REGISTRY if not (folder / name).is_file()]
    if missing:
        return False, (f"no {' or '.join(missing)} in {folder}: run `textrnn-lessons download` "
                       f"(needs internet) or set {DATA_ENV} to a folder holding both files")
    parts = []
    for name in REGISTRY:
        path = folder / name
        if is_canonical(path):
            parts.append(f"{name} canonical (MD5 verified)")
        elif data_dir or data_dir_from_env():
            rows = len(read_ag_news_csv(path))
            parts.append(f"{name} {rows:,} rows (not the canonical file: results are not "
                         "comparable with the tutorial's)")
        else:
            return False, (f"{path} does not match its published MD5: delete it and run "
                           "`textrnn-lessons download` again")
    return True, f"{folder}: " + "; ".join(parts)


def check_training(preset: Preset, data_dir=None) -> tuple[bool, str]:
    """A tiny real training run: approach 1, one epoch, on a few hundred articles."""
    from .data import load_ag_news
    from .models import get_approach
    from .pipeline import run_approach
    from .config import get_preset

    started = time.perf_counter()
    data = load_ag_news(get_preset("smoke"), data_dir)
    result = run_approach(get_approach(1), data, verbose=0, log=False)
    seconds = time.perf_counter() - started
    return True, (f"approach 1 trained for 1 epoch on {len(data.train):,} articles in "
                  f"{seconds:.1f} s (test accuracy {result.evaluation.accuracy:.2f}; "
                  f"the lessons will use the {preset.name} preset)")


def run_checks(preset: Preset, data_dir=None, out=print) -> bool:
    """Run every check, print one line each, and say whether all passed."""
    checks = [("libraries", check_versions), ("data", lambda: check_data(data_dir))]
    results = []
    for name, check in checks:
        ok, message = _safely(check)
        results.append(ok)
        out(f"[{'ok' if ok else 'FAIL'}] {name}: {message}")
    if all(results):
        ok, message = _safely(lambda: check_training(preset, data_dir))
        results.append(ok)
        out(f"[{'ok' if ok else 'FAIL'}] training: {message}")
    else:
        out("[skip] training: fix the failures above first")
    verdict = all(results) and len(results) == len(checks) + 1
    out("All checks passed: ready for the lessons." if verdict else "Some checks failed (see above).")
    return verdict


def _safely(check) -> tuple[bool, str]:
    """Turn an unexpected exception into a failed check instead of a traceback."""
    try:
        return check()
    except Exception as error:  # noqa: BLE001 - a pre-flight must report, not crash
        return False, f"{type(error).__name__}: {error}"
