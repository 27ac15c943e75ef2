"""What a run record holds, and the views made from the logged runs.

Introduced in notebook 02_single_rnn_25_tokens (`log_run`); notebook 07 and the comparison view
read the runs back. The log file itself (appending, locking, reading) is `results`.
"""

from __future__ import annotations

import platform
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

from ..models.approaches import APPROACHES
from .log import append_run, read_runs

_VERSIONED = ("textrnn-lessons", "tensorflow", "keras", "numpy", "scikit-learn")
KERAS_DEFAULT_LEARNING_RATE = 0.001  # RMSprop's (and Adam's) default in Keras 3


def library_versions() -> dict[str, str]:
    """Installed versions of the libraries that shape a result."""
    versions = {"python": platform.python_version()}
    for name in _VERSIONED:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def make_record(
    approach, data, epochs: int, test_accuracy: float, train_seconds: float, **extra
) -> dict:
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
        "protocol": data.protocol,
        "epochs": epochs,
        "test_accuracy": round(float(test_accuracy), 6),
        "train_seconds": round(float(train_seconds), 2),
        "versions": library_versions(),
    }
    record.update(extra)
    return record


def log_run(
    approach,
    data,
    history,
    evaluation,
    train_seconds: float,
    *,
    batch_size: int | None = None,
    optimizer: str = "rmsprop",
    learning_rate=None,
    seed: int = 42,
) -> dict:
    """Add a lesson's run to the results log and say how it compares with the tutorial.

    Introduced in notebook 02_single_rnn_25_tokens; notebook 07 reads the log.
    """
    epochs = len(history.history.get("loss", []))
    record = make_record(
        approach,
        data,
        epochs,
        evaluation.accuracy,
        train_seconds,
        batch_size=batch_size or data.preset.batch_size,
        optimizer=optimizer,
        learning_rate=learning_rate,
        seed=seed,
        stopped_early=epochs < data.preset.epochs,
        too_few_tokens=approach.too_few_tokens,
    )
    path = append_run(record)
    published = (
        f"the tutorial reported {approach.tutorial_accuracy:.2f} % after 5 epochs on "
        "120,000 articles"
        if approach.tutorial_accuracy
        else "the tutorial has no figure for it"
    )
    print(
        f"{approach.label}: {100 * evaluation.accuracy:.2f} % test accuracy after {epochs} "
        f"epoch(s) on {len(data.train):,} training articles (preset {data.preset.name}); "
        f"{published}.\nLogged in {path}"
    )
    return record


def on_same_data(record: dict, data) -> bool:
    """True when `record` was trained and tested on exactly this data: the preset, where the
    articles came from, the three split sizes and the protocol (a record from before protocols
    were logged is a clean one)."""
    return (
        record.get("preset") == data.preset.name
        and record.get("data_source") == data.source
        and record.get("train_size") == len(data.train)
        and record.get("validation_size") == len(data.validation)
        and record.get("test_size") == len(data.test)
        and record.get("protocol", "clean") == data.protocol
    )


def runs_for(data) -> list[dict]:
    """Logged runs of the five approaches on exactly this data (on_same_data), trained
    the lessons' way: the preset's epochs and batch size, RMSprop at its default rate (Keras 3's
    or, as the tutorial protocol trains by default, Keras 2's)."""
    preset = data.preset
    return [
        r
        for r in read_runs()
        if r.get("approach") is not None
        and on_same_data(r, data)
        and r.get("epochs") == preset.epochs
        and r.get("batch_size", preset.batch_size) == preset.batch_size
        and r.get("optimizer", "rmsprop") in ("rmsprop", "rmsprop_keras2")  # either arithmetic
        and r.get("learning_rate") in (None, KERAS_DEFAULT_LEARNING_RATE)
        and not r.get("stopped_early")
    ]


def latest_runs(data) -> dict[int, dict]:
    """The newest logged run of each approach on this data, by approach number."""
    latest = {}
    for run in sorted(runs_for(data), key=lambda r: r["time"]):
        latest[run["approach"]] = run
    return latest


def tutorial_table():
    """The tutorial's published accuracies, one row per approach (`tables.show_tutorial`)."""
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "approach": a.number,
                "label": a.label,
                "max_tokens": a.max_tokens,
                "embed_len": a.embed_len,
                "units": ", ".join(map(str, a.units)),
                "tutorial_accuracy_%": a.tutorial_accuracy,
            }
            for a in APPROACHES
        ]
    )


def comparison_table(path: Path | str | None = None, runs: list[dict] | None = None):
    """Logged runs (newest first) beside the tutorial's accuracies; names made for code, and
    `tables.show_runs` for the screen. `too_few_tokens`: too few tokens to learn anything (the
    record's flag, or its max_tokens in logs older than the flag)."""
    import pandas as pd

    from ..models.approaches import MIN_USEFUL_TOKENS

    runs = read_runs(path) if runs is None else runs
    columns = [
        "label",
        "preset",
        "train_size",
        "test_size",
        "epochs",
        "test_accuracy_%",
        "tutorial_accuracy_%",
        "train_seconds",
        "time",
        "too_few_tokens",
    ]
    if not runs:
        return pd.DataFrame(columns=columns)
    table = pd.DataFrame(runs)
    table["test_accuracy_%"] = (table["test_accuracy"] * 100).round(2)
    published = {a.number: a.tutorial_accuracy for a in APPROACHES}
    table["tutorial_accuracy_%"] = table["approach"].map(lambda n: published.get(n))
    logged = table.reindex(columns=["too_few_tokens", "max_tokens"])  # older logs lack the flag
    too_short = pd.to_numeric(logged["max_tokens"], errors="coerce") < MIN_USEFUL_TOKENS
    table["too_few_tokens"] = logged["too_few_tokens"].where(
        logged["too_few_tokens"].notna(), too_short
    )
    # The log is in the order runs finished, so reversing it puts the newest first; a column
    # no record has (an old log) comes out empty rather than failing.
    return table.iloc[::-1].reindex(columns=columns).reset_index(drop=True)
