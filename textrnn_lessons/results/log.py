"""The results log: one JSON line per training run, appended safely, read back strictly.

Introduced in notebook 02_single_rnn_25_tokens (`runs.log_run` writes it) and read in
07_results_and_next_steps. What a record holds, and the tables made from records, are in
`runs`. The log lives at
$TEXTRNN_LESSONS_RESULTS, or `results.jsonl` in the per-user data folder. Notebooks, the
approach panels, Voilà kernels and the CLI may all append to one log at the same moment.
"""

from __future__ import annotations

import errno
import json
import math
import os
import time
from contextlib import contextmanager
from pathlib import Path

from ..settings import RESULTS_ENV, results_path

#: Fields every record must hold for the comparison: a line without them is reported.
REQUIRED_FIELDS = ("time", "approach", "label", "preset", "test_accuracy")
#: How long an append waits for another program to finish its own (each takes milliseconds).
LOCK_TIMEOUT_S = 30.0


class ResultsLogError(ValueError):
    """The results log could not be read or written; the message names the file and the fix.

    A ValueError, so views that already show a damaged line's sentence (the comparison
    view, the CLI) show these too.
    """


def _write_problem(path: Path, error: OSError) -> ResultsLogError:
    fix = (
        "Free some space on its disk"
        if error.errno in (errno.ENOSPC, errno.EDQUOT)
        else "Make that file writable (or its folder, if the file does not exist yet)"
    )
    return ResultsLogError(
        f"Could not add the run to the results log {path} ({error.strerror or error}); nothing "
        "was written to it. "
        f"{fix}, or set {RESULTS_ENV} to a file you can write."
    )


def check_writable(path: Path | str | None = None) -> Path:
    """Open the log for appending (creating it, empty, if need be) before a long run, so a
    run is not trained only to be refused by the log at the end. Returns the log's path."""
    path = Path(path) if path else results_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "ab"):
            pass
    except OSError as error:
        raise _write_problem(path, error) from None
    return path


def append_run(record: dict, path: Path | str | None = None) -> Path:
    """Add one record to the end of the log, whoever else is appending at the same moment.

    The log is opened in append mode and locked for the write with `filelock.lock_descriptor`:
    an operating-system lock on the log file itself (flock on Linux and macOS, LockFileEx on
    Windows), held through one write of the whole line, flush and fsync. There is no
    separate lock file, so every process that can write the log (other kernels, other users,
    other machines sharing the folder over NFS, where Linux turns flock into an NFS lock)
    waits on the same lock, by whatever path or symlink it reaches the file; the folder need
    not be writable, the file keeps its mode, and a symlink stays a symlink. A crash part
    way leaves at most a half last line, which `read_runs` reports and the next append
    starts a new line after.
    """
    path = Path(path) if path else results_path()
    _, problem = _check_record(record)
    if problem:  # it would make the whole log unreadable for the comparison
        raise ResultsLogError(f"This record was not added to the results log: it {problem}.")
    line = (json.dumps(record, sort_keys=True) + "\n").encode("utf-8")
    try:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a+b") as handle:
            with _locked(handle, path):
                handle.seek(0, 2)
                if handle.tell() > 0:
                    handle.seek(-1, 2)
                    if handle.read(1) != b"\n":  # a half line left by a crash: start afresh
                        line = b"\n" + line
                handle.write(line)
                handle.flush()
                try:
                    os.fsync(handle.fileno())
                except OSError as error:  # files that cannot be synced: /dev/null, some pipes
                    if error.errno not in (errno.EINVAL, errno.ENOTSUP):
                        raise
    except OSError as error:
        raise _write_problem(path, error) from None
    return path


@contextmanager
def _locked(handle, path: Path):
    """The log's lock for a with-block; a sentence if another program keeps it too long."""
    from filelock import lock_descriptor, unlock_descriptor

    deadline = time.monotonic() + LOCK_TIMEOUT_S
    while not lock_descriptor(handle.fileno(), blocking=False):
        if time.monotonic() > deadline:
            raise ResultsLogError(
                f"Another program has held the lock on the results log {path} for "
                f"{LOCK_TIMEOUT_S:.0f} s, so the run could not be added. Close programs that may "
                "be stuck writing to it (or restart their kernels) and try again."
            )
        time.sleep(0.01)
    try:
        yield
    finally:
        unlock_descriptor(handle.fileno())


def read_runs(path: Path | str | None = None) -> list[dict]:
    """Every record in the log, oldest first.

    A line that is not a complete record (not UTF-8, not JSON, not a JSON object, missing a
    field the comparison needs, or an accuracy that is not a number from 0 to 1) raises a
    ResultsLogError that names the file, the line and the fix, and lists any other bad lines:
    skipping them would quietly drop runs from the comparison.
    """
    path = Path(path) if path else results_path()
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        return []
    except OSError as error:
        raise ResultsLogError(
            f"Could not read the results log {path} ({error.strerror or error}). "
            f"Make it a readable file, or set {RESULTS_ENV} to another "
            "file."
        ) from None
    lines = [(number, raw) for number, raw in enumerate(content.split(b"\n"), 1) if raw.strip()]
    decoded = _decode_all(lines)
    runs, problems = [], []
    for index, (number, raw) in enumerate(lines):
        record, problem = _parse_record(raw) if decoded is None else _check_record(decoded[index])
        if problem:
            problems.append((number, problem))
        else:
            runs.append(record)
    if problems:
        raise ResultsLogError(_problems_sentence(path, problems))
    return runs


def _decode_all(lines: list[tuple[int, bytes]]) -> list | None:
    """Every line as JSON in one call (a long log reads in a second, not a minute); None when
    some line is not JSON, so that the line-by-line reading can say which."""
    try:
        decoded = json.loads(b"[" + b",".join(raw for _, raw in lines) + b"]")
    except (UnicodeDecodeError, ValueError):
        return None
    return decoded if len(decoded) == len(lines) else None  # a line of two values, "1, 2"


def _parse_record(raw: bytes) -> tuple[dict | None, str | None]:
    """(record, None) for a good line; (None, what is wrong with it) otherwise."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return None, (
            f"is not UTF-8 text (byte 0x{raw[error.start]:02x} at position {error.start + 1})"
        )
    try:
        record = json.loads(text)
    except json.JSONDecodeError as error:
        return None, f"is not a JSON record ({error.msg})"
    return _check_record(record)


def _check_record(record) -> tuple[dict | None, str | None]:
    """(record, None) for a complete record; (None, what is wrong with it) otherwise."""
    if not isinstance(record, dict):
        return None, (
            f"is JSON but not a record: a {type(record).__name__} where an object "
            'with named fields ({"approach": ...}) belongs'
        )
    missing = [name for name in REQUIRED_FIELDS if name not in record]
    if missing:
        return None, f"has no {' or '.join(repr(name) for name in missing)}"
    accuracy = record["test_accuracy"]
    if (
        isinstance(accuracy, bool)
        or not isinstance(accuracy, (int, float))
        or not math.isfinite(accuracy)
        or not 0 <= accuracy <= 1
    ):
        return None, f"has test_accuracy {accuracy!r}, which is not a number from 0 to 1"
    approach = record["approach"]
    if approach is not None and (isinstance(approach, bool) or not isinstance(approach, int)):
        return None, (
            f"has approach {approach!r}, which is neither a whole number (1 to 5) nor "
            "null (a custom design)"
        )
    if not isinstance(record["label"], str) or not isinstance(record["preset"], str):
        return None, "has a 'label' or 'preset' that is not text"
    if not _is_timestamp(record["time"]):
        return None, (
            f"has time {record['time']!r}, which is not a date and time written as text "
            '(like "2026-01-01T09:41:00+00:00"), so the runs cannot be put in order'
        )
    return record, None


def _is_timestamp(value) -> bool:
    """True for an ISO 8601 date and time, as the log writes them."""
    from datetime import datetime

    if not isinstance(value, str):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _problems_sentence(path: Path, problems: list[tuple[int, str]]) -> str:
    number, problem = problems[0]
    sentence = (
        f"{path}, line {number} {problem}. Fix or delete that line; the other runs are intact."
    )
    others = [str(n) for n, _ in problems[1:]]
    if len(others) > 10:  # a file that is not a log at all: do not list every line
        others = others[:10] + [f"{len(others) - 10:,} more"]
    if len(others) == 1:
        sentence += f" Line {others[0]} has a problem too."
    elif others:
        sentence += f" Lines {', '.join(others[:-1])} and {others[-1]} have problems too."
    return sentence
