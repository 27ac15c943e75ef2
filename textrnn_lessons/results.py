"""The results log: one JSON line per training run, and the table beside the tutorial's.

Introduced in notebook 07_results_and_next_steps. The log lives at
$TEXTRNN_LESSONS_RESULTS, or `results.jsonl` in the per-user data folder.
"""
from __future__ import annotations

import json
import os
import platform
import tempfile
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

from .config import results_path
from .models import APPROACHES

_VERSIONED = ("textrnn-lessons", "tensorflow", "keras", "numpy", "scikit-learn")


def library_versions() -> dict[str, str]:
    """Installed versions of the libraries that shape a result."""
    versions = {"python": platform.python_version()}
    for name in _VERSIONED:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def make_record(approach, data, epochs: int, test_accuracy: float, train_seconds: float, **extra) -> dict:
    """The fields every run records: what ran, on how much data, and how it did."""
    record = {
        "time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "approach": approach.number,
        "label": approach.label,
        "max_tokens": approach.max_tokens,
        "embed_len": approach.embed_len,
        "units": list(approach.units),
        "bidirectional": approach.bidirectional,
        "cell": approach.cell,
        "mask_padding": approach.mask_padding,
        "preset": data.preset.name,
        "train_size": len(data.train),
        "validation_size": len(data.validation),
        "test_size": len(data.test),
        "data_source": data.source,
        "epochs": epochs,
        "test_accuracy": round(float(test_accuracy), 6),
        "train_seconds": round(float(train_seconds), 2),
        "versions": library_versions(),
    }
    record.update(extra)
    return record


def append_run(record: dict, path: Path | str | None = None) -> Path:
    """Append one record atomically: a crash leaves the old log or the new one, never half a line.

    The whole file is rewritten to a temporary file beside it and swapped in with
    `os.replace`, which is atomic on POSIX and Windows.
    """
    path = Path(path) if path else results_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    old = path.read_bytes() if path.exists() else b""
    if old and not old.endswith(b"\n"):
        old += b"\n"
    line = (json.dumps(record, sort_keys=True) + "\n").encode("utf-8")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(old + line)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def read_runs(path: Path | str | None = None) -> list[dict]:
    """Every record in the log; a line that is not JSON is reported, not silently skipped."""
    path = Path(path) if path else results_path()
    if not path.exists():
        return []
    runs = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            runs.append(json.loads(line))
        except json.JSONDecodeError as error:
            raise ValueError(f"{path}, line {number} is not a JSON record ({error.msg}). "
                             f"Fix or delete that line; the other runs are intact.") from None
    return runs


def tutorial_table():
    """The tutorial's published accuracies, one row per approach."""
    import pandas as pd

    return pd.DataFrame([
        {"approach": a.number, "label": a.label, "max_tokens": a.max_tokens,
         "embed_len": a.embed_len, "units": ",".join(map(str, a.units)),
         "tutorial_accuracy_%": a.tutorial_accuracy}
        for a in APPROACHES
    ])


def comparison_table(path: Path | str | None = None, runs: list[dict] | None = None):
    """Logged runs (latest first per approach and preset) beside the tutorial's accuracies."""
    import pandas as pd

    runs = read_runs(path) if runs is None else runs
    columns = ["label", "preset", "train_size", "test_size", "epochs", "test_accuracy_%",
               "tutorial_accuracy_%", "train_seconds", "time"]
    if not runs:
        return pd.DataFrame(columns=columns)
    table = pd.DataFrame(runs)
    table["test_accuracy_%"] = (table["test_accuracy"] * 100).round(2)
    published = {a.number: a.tutorial_accuracy for a in APPROACHES}
    table["tutorial_accuracy_%"] = table["approach"].map(lambda n: published.get(n))
    # The log is in the order runs finished, so reversing it puts the newest first.
    return table.iloc[::-1][columns].reset_index(drop=True)


def latest_per_approach(table, preset: str | None = None):
    """The most recent run of each of the five approaches (optionally for one preset)."""
    if preset is not None:
        table = table[table["preset"] == preset]
    table = table[table["tutorial_accuracy_%"].notna()]
    return table.drop_duplicates(subset=["label"]).sort_values("label").reset_index(drop=True)
