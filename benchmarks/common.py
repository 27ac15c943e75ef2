"""Plumbing the benchmark scripts share: where the data is, what machine measured, child
processes that print one JSON result, interleaved schedules, background sampling."""

from __future__ import annotations

import csv
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
from datetime import date
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("TEXTRNN_LESSONS_SHARED", REPO.parent / "shared")) / "ag_news"
MINI = SHARED / "mini"
RESULT_TAG = "RESULT "


def machine_line(
    libraries=("tensorflow", "keras", "tf_keras"), cores: set[int] | None = None
) -> str:
    """Date, CPU model, cores (or the ones the measurements are pinned to), Python, library
    versions, commit, and the load average as the benchmark starts."""
    versions = ", ".join(f"{name} {metadata.version(name)}" for name in libraries)
    try:
        load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    except OSError:
        load = "n/a"
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = (
        subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO
        ).stdout.strip()
        or "unknown"
    )
    where = (
        f"pinned to core(s) {', '.join(map(str, sorted(cores)))} of {os.cpu_count()}"
        if cores
        else f"{os.cpu_count()} CPU cores ({len(os.sched_getaffinity(0))} usable)"
    )
    return (
        f"{date.today().isoformat()}, {model}, {where}, Python {platform.python_version()}, "
        f"{versions}; commit {commit}; load average at start {load}"
    )


def read_csv(path: Path) -> tuple[list[str], list[int]]:
    """AG News rows as the tutorial's loader gave them: title + " " + description, label 0-3."""
    texts, labels = [], []
    with open(path, encoding="utf-8", newline="") as handle:
        for label, title, description in csv.reader(handle):
            texts.append(f"{title} {description}")
            labels.append(int(label) - 1)
    return texts, labels


def replicate_csv(source: Path, target: Path, rows: int) -> None:
    """Write the first `rows` rows of `source` repeated end to end (timing data only)."""
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    with open(target, "w", encoding="utf-8", newline="") as handle:
        for i in range(rows):
            handle.write(lines[i % len(lines)])


def stand_in_data(folder: Path) -> Path:
    """The workshop-sized stand-in for AG News, for a machine without the canonical training
    file: train.csv (the canonical 7,600 test articles plus the mini split's 6,000 training
    articles: 13,600 rows, of which the workshop preset draws 12,000) and the canonical
    test.csv, written into `folder`. Timing and memory are the workshop preset's; accuracy
    means nothing, since its test articles also appear in its training file."""
    sources = [SHARED / "test.csv", SHARED / "mini" / "train.csv"]
    missing = [str(path) for path in sources if not path.is_file()]
    if missing:
        raise FileNotFoundError(
            f"The workshop-sized stand-in is built from {', '.join(missing)}, "
            "which is missing; give a folder holding train.csv and test.csv "
            "(--data DIR) instead."
        )
    with open(folder / "train.csv", "wb") as train:
        for source in sources:
            rows = source.read_bytes()
            train.write(rows if rows.endswith(b"\n") else rows + b"\n")
    shutil.copyfile(SHARED / "test.csv", folder / "test.csv")
    return folder


def child_result(done: subprocess.CompletedProcess) -> dict | None:
    """The JSON a finished child printed after RESULT_TAG (`print_result`); None when it failed
    or printed none."""
    lines = [line for line in done.stdout.splitlines() if line.startswith(RESULT_TAG)]
    if done.returncode or not lines:
        return None
    return json.loads(lines[-1][len(RESULT_TAG) :])


def run_child(command: list[str], env: dict, what: str) -> dict:
    """Run a child Python process and return its result; stop the benchmark with its error
    output when it failed."""
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO)
    result = child_result(done)
    if result is None:
        sys.exit(f"{what} failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    return result


def print_result(result: dict) -> None:
    """A child's side of `run_child`."""
    print(RESULT_TAG + json.dumps(result), flush=True)


def rotated(items: list, shift: int) -> list:
    """`items` started `shift` places along, so who goes first takes turns."""
    shift %= len(items)
    return items[shift:] + items[:shift]


def schedule(approaches, repeats: int, sides: list[str]):
    """(repeat, approach, side) in interleaved order; who goes first rotates."""
    for repeat in range(repeats):
        for index, approach in enumerate(approaches):
            for side in rotated(sides, repeat + index):
                yield repeat, approach, side


def median(values) -> float:
    values = list(values)
    return statistics.median(values) if values else float("nan")


class Sampler:
    """Calls `sample()` every `interval` seconds on a thread while the `with` block runs, and
    once more at its end. A process that ends while it is being sampled is skipped."""

    def __init__(self, interval: float):
        self.interval = interval
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.poll, daemon=True)

    def sample(self) -> None:
        raise NotImplementedError

    def sample_quietly(self) -> None:
        import psutil

        try:
            self.sample()
        except psutil.Error:
            pass

    def poll(self) -> None:
        while not self.stopping.is_set():
            self.sample_quietly()
            self.stopping.wait(self.interval)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        self.thread.join()
        self.sample_quietly()
