"""A learner's wait on one core (issue 17): notebook 02's Run All, the panel's Train clicks.

Three measurements, each in a fresh Python process pinned to the given cores (default: core 0,
as `taskset -c 0` would; a small Binder pod gets one core), interleaved round by round with who
goes first rotating; the tables quote medians:

* import   -- `import textrnn_lessons`, then `import keras` (TensorFlow starts here).
* notebook -- notebook 02 top to bottom in a fresh kernel (nbclient), workshop preset: the
              whole wall time from starting the kernel to the last cell's reply, the kernel's
              peak RSS, the training time the lesson logs (its `fit` cell), and each cell's
              time. Target: 35 s or less.
* panel    -- a fresh process imports the package and keras, builds ApproachPanel(1,
              preset="workshop"), clicks Train and waits for the first live point (the panel's
              `on_epoch` has drawn the first complete epoch's curves): target 15 s or less.
              When that run has finished, a second click on the same panel, to its first
              point: target 5 s or less. The panel's own status messages timestamp the
              phases of the first click (loading the data, the vocabulary, the step up to
              the first batch, the rest of the first epoch).

Data: --data DIR, else a workshop-sized stand-in built in a temporary folder (the canonical AG
News test file's 7,600 articles plus the mini split's 6,000 training articles as train.csv, of
which the preset draws 12,000, and the canonical test file as test.csv, from ../shared/ag_news).
Its timing and memory are the workshop preset's; its accuracy means nothing (its test
articles are also in its training file). The output says which data it used.

    .venv/bin/python benchmarks/latency.py                     # 3 rounds, about 5 minutes
    .venv/bin/python benchmarks/latency.py --rounds 5 --json-out latency.json
    .venv/bin/python benchmarks/latency.py --cores 0 1 --only panel
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import machine_line, stand_in_data  # a sibling module

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
NOTEBOOK = REPO / "notebooks" / "02_single_rnn_25_tokens.ipynb"
KINDS = ("import", "notebook", "panel")
TARGETS = {"notebook": 35.0, "first_click": 15.0, "second_click": 5.0}  # seconds (issue 17)
RESULT_TAG = "RESULT "


# --------------------------------------------------------------------------------------------
# Child processes
# --------------------------------------------------------------------------------------------


def child_import() -> dict:
    """Seconds to import the package, then keras (which starts TensorFlow)."""
    started = time.perf_counter()
    import textrnn_lessons  # noqa: F401

    package = time.perf_counter()
    import keras  # noqa: F401

    done = time.perf_counter()
    return {"package_s": package - started, "keras_s": done - package, "total_s": done - started}


class PanelClock:
    """Timestamps of a panel's reports: status lines, the first batch, each drawn epoch."""

    def __init__(self, panel):
        self.marks: list[tuple[str, float]] = []
        for name in ("on_status", "on_progress", "on_epoch"):
            setattr(panel, name, self._wrap(name, getattr(panel, name)))

    def _wrap(self, name, report):
        def wrapped(*args):
            report(*args)  # the panel's own work first: a point counts once it is drawn
            if name == "on_status":
                self.marks.append((args[0].split(" ", 1)[0].lower(), time.perf_counter()))
            elif name == "on_epoch" or not any(m == "first batch" for m, _ in self.marks):
                self.marks.append(
                    ("first batch" if name == "on_progress" else "epoch drawn", time.perf_counter())
                )

        return wrapped

    def since(self, clicked: float, mark: str) -> float | None:
        """Seconds from the click to the first `mark`, or None if it never came."""
        return next((t - clicked for m, t in self.marks if m == mark), None)


def _click(panel, clock: PanelClock) -> dict:
    """Click Train, wait for the run; seconds to each phase and to the end."""
    clock.marks.clear()
    clicked = time.perf_counter()
    panel.train_button.click()
    panel.wait()
    finished = time.perf_counter() - clicked
    if panel.state != "finished":
        raise SystemExit(f"The panel's run did not finish ({panel.state}): {panel.message.value}")
    phases = {
        mark: clock.since(clicked, mark)
        for mark in ("loading", "fitting", "training", "first batch", "epoch drawn")
    }
    return {
        "first_point_s": phases["epoch drawn"],
        "finished_s": finished,
        "phases": phases,
        "fit_s": panel.last_result.history.train_seconds,
    }


def child_panel(data_dir: Path, approach: int) -> dict:
    """A fresh panel's first and second Train click, after importing the package and keras."""
    started = time.perf_counter()
    from textrnn_lessons.ui import ApproachPanel  # the package first, as the lessons do

    # isort: split
    import keras  # noqa: F401

    imported = time.perf_counter()
    panel = ApproachPanel(approach, preset="workshop", data_dir=data_dir)
    clock = PanelClock(panel)
    built = time.perf_counter()
    first = _click(panel, clock)
    second = _click(panel, clock)
    from textrnn_lessons.data.reading import load_ag_news

    data = load_ag_news("workshop", data_dir)  # read again, after the clicks, to describe it
    return {
        "import_s": imported - started,
        "panel_s": built - imported,
        "first": first,
        "second": second,
        "describe": data.describe(),
    }


def child_notebook(path: Path, timeout: int) -> dict:
    """Notebook 02 in a fresh kernel (benchmarks/notebook_resources.run_one)."""
    sys.path.insert(0, str(HERE))
    from notebook_resources import run_one

    return run_one(path, timeout)


def run_child(args: argparse.Namespace) -> None:
    if args.child == "import":
        result = child_import()
    elif args.child == "panel":
        result = child_panel(Path(args.data), args.approach)
    else:
        result = child_notebook(NOTEBOOK, args.timeout)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(RESULT_TAG + json.dumps(result), flush=True)


# --------------------------------------------------------------------------------------------
# The parent
# --------------------------------------------------------------------------------------------


def rotated(kinds: list[str], round_number: int) -> list[str]:
    """This round's order: who goes first rotates from round to round."""
    shift = round_number % len(kinds)
    return kinds[shift:] + kinds[:shift]


def measure(kind: str, data_dir: Path, cores: set[int], args) -> dict:
    """One child process pinned to `cores` (its children, the kernel included, inherit it)."""
    with tempfile.TemporaryDirectory(prefix="latency-") as scratch:
        env = dict(
            os.environ,
            TEXTRNN_LESSONS_PRESET="workshop",
            TEXTRNN_LESSONS_DATA=str(data_dir),
            TF_CPP_MIN_LOG_LEVEL="2",
            TEXTRNN_LESSONS_RESULTS=str(Path(scratch) / "results.jsonl"),
            MPLBACKEND="Agg",
        )
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--child",
            kind,
            "--data",
            str(data_dir),
            "--approach",
            str(args.approach),
            "--timeout",
            str(args.timeout),
        ]
        started = time.perf_counter()
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            env=env,
            cwd=REPO,
            preexec_fn=lambda: os.sched_setaffinity(0, cores),
        )
        wall = time.perf_counter() - started
    lines = [line for line in done.stdout.splitlines() if line.startswith(RESULT_TAG)]
    if done.returncode or not lines:
        raise SystemExit(
            f"The {kind} measurement failed (exit {done.returncode}):\n{done.stderr[-3000:]}"
        )
    result = json.loads(lines[-1][len(RESULT_TAG) :])
    if result.get("error"):
        raise SystemExit(f"Notebook 02 stopped with an error: {result['error']}")
    result.update(kind=kind, process_s=wall)
    return result


def figures(runs: list[dict]) -> dict[str, list[float]]:
    """The headline figures of every run, by name."""
    found: dict[str, list[float]] = {}

    def add(name, value):
        if value is not None:
            found.setdefault(name, []).append(value)

    for run in runs:
        if run["kind"] == "import":
            add("import textrnn_lessons", run["package_s"])
            add("import keras (TensorFlow starts)", run["keras_s"])
            add("import textrnn_lessons + keras", run["total_s"])
        elif run["kind"] == "notebook":
            add("notebook 02 Run All, wall s", run["wall_s"])
            add("notebook 02 cells, sum s", run["cells_s"])
            add("notebook 02 training (fit cell) s", run["train_s"])
            add("notebook 02 kernel peak RSS MB", run["peak_kernel_mb"])
        else:
            add("panel: import textrnn_lessons + keras + widgets", run["import_s"])
            add("panel: build ApproachPanel", run["panel_s"])
            for name in ("first", "second"):
                add(f"{name} click -> first live point", run[name]["first_point_s"])
                add(f"{name} click -> run finished", run[name]["finished_s"])
                add(f"{name} click: fit call", run[name]["fit_s"])
            for phase, seconds in run["first"]["phases"].items():
                add(f"first click -> '{phase}'", seconds)
            add("panel process peak RSS MB", run["peak_rss_mb"])
    return found


def summary_table(runs: list[dict]) -> str:
    lines = ["| measurement | median | min | max | runs |", "|---|---|---|---|---|"]
    for name, values in figures(runs).items():
        shown = "{:,.0f}" if name.endswith("MB") else "{:.2f}"
        lines.append(
            f"| {name} | {shown.format(statistics.median(values))} | "
            f"{shown.format(min(values))} | {shown.format(max(values))} | "
            f"{len(values)} |"
        )
    return "\n".join(lines)


def cell_table(runs: list[dict]) -> str:
    """Median seconds per cell of notebook 02, in the notebook's order."""
    order, values = [], {}
    for run in runs:
        if run["kind"] == "notebook":
            seen: dict[str, int] = {}
            for label, seconds in run["cells"]:
                seen[label] = seen.get(label, 0) + 1
                label = label if seen[label] == 1 else f"{label} ({seen[label]})"
                if label not in values:
                    order.append(label)
                values.setdefault(label, []).append(seconds)
    lines = ["| cell | median s |", "|---|---|"]
    lines += [f"| {label} | {statistics.median(values[label]):.2f} |" for label in order]
    return "\n".join(lines)


def target_lines(runs: list[dict]) -> list[str]:
    """Each issue-17 target with its median and whether it is met."""
    found = figures(runs)
    checks = [
        ("notebook", "Run All of notebook 02", "notebook 02 Run All, wall s"),
        ("first_click", "first click to first live point", "first click -> first live point"),
        ("second_click", "second click to first live point", "second click -> first live point"),
    ]
    lines = []
    for key, text, name in checks:
        if name in found:
            median = statistics.median(found[name])
            verdict = "met" if median <= TARGETS[key] else "NOT met"
            lines.append(
                f"- {text}: median {median:.1f} s (target {TARGETS[key]:.0f} s or less): {verdict}"
            )
    return lines


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds of every measurement")
    parser.add_argument(
        "--cores",
        type=int,
        nargs="+",
        default=[0],
        help="CPU cores the measurements run on (default: 0, one core)",
    )
    parser.add_argument(
        "--only",
        nargs="+",
        choices=KINDS,
        default=list(KINDS),
        help="which measurements to take (default: all)",
    )
    parser.add_argument(
        "--data",
        type=Path,
        help="folder with train.csv/test.csv (default: a workshop-sized "
        "stand-in built from ../shared/ag_news)",
    )
    parser.add_argument("--approach", type=int, default=1, help="the panel's approach")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per notebook cell")
    parser.add_argument("--json-out", type=Path, help="also write every figure to this file")
    parser.add_argument("--child", choices=KINDS, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    if args.child:
        run_child(args)
        return
    cores = set(args.cores)
    machine = machine_line(("tensorflow", "keras"), cores)
    print(f"Machine: {machine}", flush=True)
    runs: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="latency-data-") as scratch:
        if args.data:
            data_dir, described = args.data.resolve(), f"the files in {args.data}"
        else:
            try:
                data_dir = stand_in_data(Path(scratch))
            except FileNotFoundError as missing:
                raise SystemExit(str(missing)) from None
            described = (
                "a workshop-sized stand-in: the canonical 7,600 test articles plus "
                "the mini split's 6,000 training articles as train.csv, the canonical "
                "test file as test.csv (timing and memory only)"
            )
        print(f"Data: {described}; workshop preset; {args.rounds} rounds.", flush=True)
        for round_number in range(args.rounds):
            for kind in rotated(args.only, round_number):
                run = measure(kind, data_dir, cores, args)
                runs.append(run)
                print(f"  round {round_number + 1} {kind}: {_one_line(run)}", flush=True)
    described_data = next((r["describe"] for r in runs if r["kind"] == "panel"), None)
    if described_data:
        print(f"\nThe panel's data: {described_data}")
    print("\nMedians (seconds unless marked):\n\n" + summary_table(runs))
    if any(run["kind"] == "notebook" for run in runs):
        print("\nNotebook 02, each cell (median seconds):\n\n" + cell_table(runs))
    print("\nTargets (issue 17):\n" + "\n".join(target_lines(runs)))
    if args.json_out:
        args.json_out.write_text(json.dumps({"machine": machine, "runs": runs}, indent=1))


def _one_line(run: dict) -> str:
    if run["kind"] == "import":
        return (
            f"textrnn_lessons {run['package_s']:.2f} s, keras {run['keras_s']:.2f} s, "
            f"total {run['total_s']:.2f} s"
        )
    if run["kind"] == "notebook":
        return (
            f"wall {run['wall_s']:.1f} s (cells {run['cells_s']:.1f} s, training "
            f"{run['train_s']:.1f} s), kernel peak {run['peak_kernel_mb']:,} MB"
        )
    first, second = run["first"], run["second"]
    return (
        f"import {run['import_s']:.1f} s; first click -> point {first['first_point_s']:.1f} s "
        f"(done {first['finished_s']:.1f} s); second click -> point "
        f"{second['first_point_s']:.1f} s (done {second['finished_s']:.1f} s)"
    )


if __name__ == "__main__":
    main()
