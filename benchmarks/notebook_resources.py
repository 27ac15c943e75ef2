"""Wall time and peak memory of every lesson notebook, run top to bottom in a fresh kernel.

Binder restarts a kernel that passes 2 GB, so every notebook must stay under 1.5 GB in the
workshop preset. Each notebook runs in its own child process (nbclient, a new kernel, a
private results log); a thread there polls the kernel's process tree with psutil every 50 ms,
and after the kernel exits the child also reads the kernel's own peak (`ru_maxrss` of the
reaped child process), which a poll cannot miss, and its CPU seconds. Prints a table; the
machine is whatever this runs on (on a shared machine the wall times include other people's
load; the kernel's CPU seconds much less so).

    python benchmarks/notebook_resources.py --presets workshop --data ../shared/ag_news/mini
    python benchmarks/notebook_resources.py --presets smoke workshop --record   # for lesson_times.py
    python benchmarks/notebook_resources.py --full-memory   # approach 5 on 120,000 rows

`--record` also times `lesson_times.tiny_run` (before and after the notebooks, median) and prints
the LESSON_REFERENCE dict that `textrnn-lessons check` scales into per-lesson estimates.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from common import Sampler, machine_line  # a sibling module

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
DEFAULT_DATA = REPO.parent / "shared" / "ag_news" / "mini"
CANONICAL_TEST = REPO.parent / "shared" / "ag_news" / "test.csv"
LIMIT_MB = 1536  # the budget: 1.5 GB per notebook in the workshop preset


# ---------------------------------------------------------------- inside the child process


class TreePeak(Sampler):
    """Polls the RSS of every descendant of this process (the kernel and anything it starts)."""

    def __init__(self, interval: float = 0.05):
        import psutil

        super().__init__(interval)
        self.process = psutil.Process()
        self.peak = 0

    def sample(self) -> None:
        import psutil

        total = 0
        for child in self.process.children(recursive=True):
            try:
                total += child.memory_info().rss
            except psutil.Error:
                pass
        self.peak = max(self.peak, total)


def run_one(path: Path, timeout: int) -> dict:
    """Execute one notebook in a fresh kernel; return its time, peak memory and training log."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    error = None
    started = time.perf_counter()
    with TreePeak() as tree:
        try:
            client.execute()
        except CellExecutionError as failure:
            error = str(failure).strip().splitlines()[-1][:300]
    wall = time.perf_counter() - started
    cells = cell_seconds(notebook)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    kernel_peak_kb = usage.ru_maxrss  # Linux: kilobytes
    runs = []
    log = Path(os.environ["TEXTRNN_LESSONS_RESULTS"])
    if log.is_file():
        runs = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    return {
        "notebook": path.stem,
        "wall_s": round(wall, 1),
        "error": error,
        "kernel_cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
        "peak_tree_mb": round(tree.peak / 2**20),
        "peak_kernel_mb": round(kernel_peak_kb / 1024),
        "train_s": round(sum(r.get("train_seconds", 0) for r in runs), 1),
        "article_epochs": sum(r.get("train_size", 0) * r.get("epochs", 0) for r in runs),
        "training_runs": len(runs),
        "cells": cells,
        "cells_s": round(sum(seconds for _, seconds in cells), 1),
        "runs": [
            {
                key: run.get(key)
                for key in (
                    "label",
                    "test_accuracy",
                    "train_seconds",
                    "epochs",
                    "train_size",
                    "optimizer",
                    "learning_rate",
                )
            }
            for run in runs
        ],
    }


def cell_seconds(notebook) -> list[tuple[str, float]]:
    """(label, seconds) of each code cell that ran, from the timestamps nbclient records: from
    the kernel taking the cell up to its reply. The label is the cell's first tag, else its
    number."""
    from datetime import datetime

    def moment(text: str) -> datetime:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ")

    timed = []
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    for number, cell in enumerate(code, start=1):
        stamps = cell.get("metadata", {}).get("execution", {})
        if "iopub.execute_input" in stamps and "shell.execute_reply" in stamps:
            tags = cell.metadata.get("tags") or [f"cell {number}"]
            seconds = (
                moment(stamps["shell.execute_reply"]) - moment(stamps["iopub.execute_input"])
            ).total_seconds()
            timed.append((tags[0], round(seconds, 2)))
    return timed


# ---------------------------------------------------------------- the parent


def child_env(preset: str, data: Path, results: Path) -> dict:
    env = dict(
        os.environ,
        TEXTRNN_LESSONS_PRESET=preset,
        TEXTRNN_LESSONS_DATA=str(data),
        TEXTRNN_LESSONS_RESULTS=str(results),
        TF_CPP_MIN_LOG_LEVEL="2",
        MPLBACKEND="Agg",
    )
    return env


def measure(path: Path, preset: str, data: Path, timeout: int) -> dict:
    """One notebook in a child process of its own, so `ru_maxrss` is this kernel's alone."""
    with tempfile.TemporaryDirectory(prefix="nbres-") as tmp:
        env = child_env(preset, data, Path(tmp) / "results.jsonl")
        done = subprocess.run(
            [sys.executable, __file__, "--child", str(path), "--timeout", str(timeout)],
            env=env,
            capture_output=True,
            text=True,
        )
    if done.returncode != 0:
        return {
            "notebook": path.stem,
            "error": done.stderr.strip().splitlines()[-1][:300],
            "wall_s": None,
            "peak_tree_mb": None,
            "peak_kernel_mb": None,
            "train_s": 0,
            "article_epochs": 0,
            "training_runs": 0,
        }
    return json.loads(done.stdout.strip().splitlines()[-1])


def time_tiny_run(data: Path) -> float:
    """`lesson_times.tiny_run` in a fresh process, the way `textrnn-lessons check` times it."""
    code = "import sys; from textrnn_lessons.teaching.lesson_times import tiny_run; print(tiny_run(sys.argv[1])[0])"
    with tempfile.TemporaryDirectory(prefix="nbres-") as tmp:
        done = subprocess.run(
            [sys.executable, "-c", code, str(data)],
            check=True,
            text=True,
            capture_output=True,
            env=child_env("smoke", data, Path(tmp) / "r.jsonl"),
        )
    return float(done.stdout.strip().splitlines()[-1])


def replicated_full_data(folder: Path, rows: int = 120_000) -> Path:
    """train.csv: the mini training rows repeated to `rows`; test.csv: the canonical 7,600."""
    lines = (DEFAULT_DATA / "train.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    with open(folder / "train.csv", "w", encoding="utf-8") as handle:
        for index in range(rows):
            handle.write(lines[index % len(lines)])
    (folder / "test.csv").write_bytes(CANONICAL_TEST.read_bytes())
    return folder


FULL_CODE = """
import json, resource, sys, time
from textrnn_lessons import explain_prediction, lesson_example, load_ag_news, get_approach
from textrnn_lessons.training.trainer import run_approach
started = time.perf_counter()
data = load_ag_news("full", sys.argv[1])
result = run_approach(get_approach(5), data, epochs=int(sys.argv[2]), verbose=0, log=False)
text, label = lesson_example(data)
explain_prediction(result.predictor, text, true_label=label, num_samples=data.preset.lime_samples)
print(json.dumps({"train_rows": len(data.train), "epochs": int(sys.argv[2]),
                  "train_s": round(result.history.train_seconds, 1),
                  "wall_s": round(time.perf_counter() - started, 1),
                  "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))
"""


def full_memory(epochs: int) -> dict:
    """Peak RSS of approach 5 in the full preset (120,000 replicated rows) plus one LIME run."""
    with tempfile.TemporaryDirectory(prefix="nbres-full-") as tmp:
        data = replicated_full_data(Path(tmp))
        done = subprocess.run(
            [sys.executable, "-c", FULL_CODE, str(data), str(epochs)],
            env=child_env("full", data, Path(tmp) / "r.jsonl"),
            capture_output=True,
            text=True,
        )
    if done.returncode != 0:
        raise SystemExit(f"the full-preset run failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def print_table(preset: str, rows: list[dict]) -> None:
    print(
        f"\nPreset {preset}: each notebook in a fresh kernel "
        f"(peak RSS budget {LIMIT_MB} MB; kernel = the kernel's own ru_maxrss, "
        "tree = polled sum over the kernel's process tree)"
    )
    print(
        f"{'notebook':<38}{'wall s':>8}{'cpu s':>8}{'train s':>9}{'kernel MB':>11}{'tree MB':>9}"
        "  verdict"
    )
    for row in rows:
        peak = max(row["peak_kernel_mb"] or 0, row["peak_tree_mb"] or 0)
        verdict = (
            ("ERROR: " + row["error"])
            if row["error"]
            else ("ok" if peak < LIMIT_MB else f"over {LIMIT_MB} MB (the workshop budget)")
        )
        wall = "-" if row["wall_s"] is None else f"{row['wall_s']:.1f}"
        cpu = "-" if row.get("kernel_cpu_s") is None else f"{row['kernel_cpu_s']:.1f}"
        print(
            f"{row['notebook']:<38}{wall:>8}{cpu:>8}{row['train_s']:>9.1f}"
            f"{row['peak_kernel_mb'] or 0:>11}{row['peak_tree_mb'] or 0:>9}  {verdict}"
        )
    total = sum(r["wall_s"] or 0 for r in rows)
    print(f"{'total':<38}{total:>8.1f}")


def reference_dict(results: dict[str, list[dict]], tiny: list[float], full: dict | None) -> dict:
    """The LESSON_REFERENCE literal for lesson_times.py (one session: all presets share its tiny run)."""
    presets = {}
    for preset, rows in results.items():
        trained = [r for r in rows if r["training_runs"] == 1]  # one run: its article-epochs
        presets[preset] = {
            "tiny_run_s": round(statistics.median(tiny), 2),
            "article_epochs_per_run": trained[0]["article_epochs"] if trained else None,
            "lessons": {
                r["notebook"]: {
                    "other_s": round(r["wall_s"] - r["train_s"], 1),
                    "train_s": r["train_s"],
                }
                for r in rows
                if not r["error"]
            },
        }
    peaks = {
        preset: max(max(r["peak_kernel_mb"], r["peak_tree_mb"]) for r in rows if not r["error"])
        for preset, rows in results.items()
    }
    if full:
        peaks["full"] = full["peak_mb"]
    return {
        "measured_on": f"{date.today().isoformat()} on a {os.cpu_count()}-core "
        f"{platform.machine()} machine",
        "presets": presets,
        "peak_rss_mb": peaks,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--presets", nargs="+", default=["workshop"])
    parser.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA,
        help="folder with train.csv and test.csv (default: ../shared/ag_news/mini)",
    )
    parser.add_argument(
        "--notebooks",
        nargs="*",
        default=None,
        help="notebook name prefixes, e.g. 00 06 (default: all)",
    )
    parser.add_argument("--timeout", type=int, default=3600, help="seconds per cell")
    parser.add_argument(
        "--record",
        action="store_true",
        help="also time the tiny run and print LESSON_REFERENCE for lesson_times.py",
    )
    parser.add_argument(
        "--full-memory",
        action="store_true",
        help="measure approach 5 in the full preset on 120,000 replicated rows",
    )
    parser.add_argument("--full-epochs", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.data = args.data.resolve()  # the kernels run in notebooks/, not here

    if args.child:
        print(json.dumps(run_one(args.child, args.timeout)))
        return 0

    print(f"Machine: {machine_line(('tensorflow', 'keras'))}; data: {args.data}")
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    if args.notebooks:
        paths = [p for p in paths if any(p.name.startswith(k) for k in args.notebooks)]
    tiny = [time_tiny_run(args.data)] if args.record else []
    results = {}
    if paths:
        for preset in args.presets:
            results[preset] = [measure(path, preset, args.data, args.timeout) for path in paths]
            print_table(preset, results[preset])
    if args.record:
        tiny.append(time_tiny_run(args.data))
        print(
            f"\ntiny run (lesson_times.tiny_run, fresh process): {', '.join(f'{t:.1f}' for t in tiny)} s"
        )
    full = None
    if args.full_memory:
        full = full_memory(args.full_epochs)
        print(
            f"\nFull preset, approach 5 on {full['train_rows']:,} training rows (the mini rows "
            f"repeated) for {full['epochs']} epoch(s), then one LIME explanation: peak RSS "
            f"{full['peak_mb']} MB, training {full['train_s']} s, wall {full['wall_s']} s"
        )
    if args.record and results:
        print("\nLESSON_REFERENCE for textrnn_lessons/teaching/lesson_times.py:")
        print(json.dumps(reference_dict(results, tiny, full), indent=4))
    if args.json:
        args.json.write_text(
            json.dumps({"results": results, "tiny_run_s": tiny, "full": full}, indent=2)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
