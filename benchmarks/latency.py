"""A learner's wait on one core: notebook 02's Run All, the workshop app's Train clicks, imports.

Three measurements, interleaved round by round with who goes first rotating; the tables quote
medians. Everything the learner waits on runs on the given cores (default: core 0, as
`taskset -c 0` would; a small Binder pod gets one core); this script and the browser run on the
others.

* import   -- a fresh Python process: `import textrnn_lessons`, then `import keras` (TensorFlow
              starts here).
* notebook -- notebook 02 top to bottom in a fresh kernel (nbclient), workshop preset: the
              whole wall time from starting the kernel to the last cell's reply, the kernel's
              peak RSS, the training time the lesson logs (its `fit` cell), and each cell's
              time. Target: 35 s or less.
* app      -- the workshop app in a fresh tab of Chromium, nothing imported beforehand: a new
              Voilà server started as `textrnn-lessons app` starts it, the page requested, the
              panel drawn, the panel ready ("Getting ready" over), Train pressed (`--click
              ready`, the default: once the panel is ready; `--click at-once`: as soon as the
              panel is drawn), the first live point (the curves' image, timed in the page), the
              run's end, then a second click. Target: the first click's first point in 5 s or
              less, TensorFlow's start-up included (issue 25).

`--compare DIR` also measures the app as another checkout of the repository serves it (say a
`git worktree` of the commit before a change): its Voilà runs in DIR with DIR first on
PYTHONPATH, set up as that checkout's own voila.json says; the rounds interleave the two.

Data: --data DIR, else a workshop-sized stand-in built in a temporary folder (the canonical AG
News test file's 7,600 articles plus the mini split's 6,000 training articles as train.csv, of
which the preset draws 12,000, and the canonical test file as test.csv, from ../shared/ag_news).
Its timing and memory are the workshop preset's; its accuracy means nothing (its test
articles are also in its training file). The output says which data it used.

    .venv/bin/python benchmarks/latency.py                     # 3 rounds, about 5 minutes
    .venv/bin/python benchmarks/latency.py --only app --compare /tmp/before --rounds 3
    .venv/bin/python benchmarks/latency.py --cores 0 1 --only notebook --json-out latency.json
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

import psutil
from app_tab import AppTab  # sibling scripts
from common import (  # sibling modules
    Sampler,
    child_result,
    machine_line,
    print_result,
    rotated,
    stand_in_data,
)
from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))  # the browser tests' server and browser plumbing

from tests.e2e.servers import (  # noqa: E402
    jupyter_home,
    launch_chromium,
    new_token,
    start_server,
)

NOTEBOOK = REPO / "notebooks" / "02_single_rnn_25_tokens.ipynb"
APP = "apps/approach_explorer.ipynb"
KINDS = ("import", "notebook", "app")
#: Seconds: notebook 02 (issue 17), the app's first click from a fresh tab (issue 25), the second.
TARGETS = {"notebook": 35.0, "first_click": 5.0, "second_click": 5.0}


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


def child_notebook(path: Path, timeout: int) -> dict:
    """Notebook 02 in a fresh kernel (benchmarks/notebook_resources.run_one)."""
    sys.path.insert(0, str(HERE))
    from notebook_resources import run_one

    return run_one(path, timeout)


def run_child(args: argparse.Namespace) -> None:
    if args.child == "import":
        result = child_import()
    else:
        result = child_notebook(NOTEBOOK, args.timeout)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print_result(result)


# --------------------------------------------------------------------------------------------
# The parent
# --------------------------------------------------------------------------------------------


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
    result = child_result(done)
    if result is None:
        raise SystemExit(
            f"The {kind} measurement failed (exit {done.returncode}):\n{done.stderr[-3000:]}"
        )
    if result.get("error"):
        raise SystemExit(f"Notebook 02 stopped with an error: {result['error']}")
    result.update(kind=kind, process_s=wall)
    return result


class TreeMemory(Sampler):
    """The peak resident memory of a server's kernels (its child processes), sampled."""

    def __init__(self, pid: int):
        super().__init__(0.25)
        self.server, self.peak = psutil.Process(pid), 0

    def sample(self) -> None:
        kernels = self.server.children(recursive=True)
        self.peak = max(self.peak, sum(child.memory_info().rss for child in kernels))


def measure_app(source: Path | None, data_dir: Path, cores: set[int], args, browser) -> dict:
    """A fresh Voilà server and a fresh tab: the learner's waits, from the page request on.

    `source` None: this checkout, set up as `textrnn-lessons app` sets it up. Otherwise another
    checkout's app and package (first on PYTHONPATH), started in that folder, as it said to.
    """
    from textrnn_lessons.ui.voila_app import jupyter_environment

    root = source or REPO
    with tempfile.TemporaryDirectory(prefix="latency-app-") as scratch:
        home = Path(scratch)
        env = {
            key: value
            for key, value in os.environ.items()
            if key != "MPLBACKEND" and not key.startswith(("JUPYTER_", "PYTEST_"))
        }
        env.update(jupyter_home(home / "jupyter"))
        env.update(
            TEXTRNN_LESSONS_PRESET="workshop",
            TEXTRNN_LESSONS_DATA=str(data_dir),
            TEXTRNN_LESSONS_RESULTS=str(home / "results.jsonl"),
            TF_CPP_MIN_LOG_LEVEL="2",
            PYTHONUNBUFFERED="1",
        )
        if source is None:
            env = jupyter_environment(env)
        else:
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(source), env.get("PYTHONPATH")]))
        args_ = ["voila", APP, "--no-browser", "--Voila.ip=127.0.0.1", "--port={port}"]
        server = start_server(
            "voila",
            [*args_, "--token={token}"],
            root,
            env,
            home / "voila.log",
            ready_path="voila/static/",
            token=new_token(),
        )
        context = None
        try:
            os.sched_setaffinity(server.process.pid, cores)  # its kernels will inherit it
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            tab = AppTab(context.new_page(), timeout=args.timeout)
            with TreeMemory(server.process.pid) as memory:
                opened = tab.open(server.url(""), ready=args.click == "ready")
                first = tab.train()
                tab.wait_ready()
                second = tab.train()
        except Exception as error:
            raise SystemExit(
                f"The app measurement failed ({error}); Voilà's log ends:\n{server.log_tail()}"
            ) from None
        finally:
            if context is not None:
                context.close()
            server.stop()
    return {
        "kind": "app",
        "variant": "this checkout" if source is None else str(source),
        "click": args.click,
        **opened,
        "first": first,
        "second": second,
        "kernel_peak_mb": round(memory.peak / 2**20),
    }


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
        else:  # the app; another checkout's figures are marked with its folder
            mark = "" if run["variant"] == "this checkout" else f"[{run['variant']}] "
            add(f"{mark}app: page requested -> panel drawn", run["panel_s"])
            add(f"{mark}app: page requested -> panel ready", run["ready_s"])
            for name in ("first", "second"):
                add(f"{mark}{name} click -> first live point", run[name]["first_point_s"])
                add(f"{mark}{name} click -> run finished", run[name]["finished_s"])
            add(f"{mark}app: kernel peak RSS MB", run["kernel_peak_mb"])
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
    """Each target (issues 17 and 25) with its median and whether it is met."""
    found = figures(runs)
    checks = [
        ("notebook", "Run All of notebook 02", "notebook 02 Run All, wall s"),
        ("first_click", "first click to first live point", "first click -> first live point"),
        ("second_click", "second click to first live point", "second click -> first live point"),
    ]
    lines = []
    for key, text, name in checks:
        if name in found and key != "notebook":
            text = f"the app in a fresh tab, {text}"
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
    parser.add_argument(
        "--click",
        choices=("ready", "at-once"),
        default="ready",
        help="press Train once the app says it is ready (default), or as soon as it is drawn",
    )
    parser.add_argument(
        "--compare",
        type=Path,
        help="also measure the app as the checkout in this folder serves it, interleaved",
    )
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
    others = set(os.sched_getaffinity(0)) - cores
    if others:  # this script and the browser keep off the learner's cores
        os.sched_setaffinity(0, others)
    jobs = [(kind, None) for kind in args.only]
    if args.compare and "app" in args.only:
        jobs.append(("app", args.compare.resolve()))
    runs: list[dict] = []
    with (
        sync_playwright() as playwright,
        tempfile.TemporaryDirectory(prefix="latency-data-") as scratch,
    ):
        browser = launch_chromium(playwright) if "app" in args.only else None
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
            for kind, source in rotated(jobs, round_number):
                run = (
                    measure_app(source, data_dir, cores, args, browser)
                    if kind == "app"
                    else measure(kind, data_dir, cores, args)
                )
                runs.append(run)
                print(f"  round {round_number + 1} {kind}: {_one_line(run)}", flush=True)
    print("\nMedians (seconds unless marked):\n\n" + summary_table(runs))
    if any(run["kind"] == "notebook" for run in runs):
        print("\nNotebook 02, each cell (median seconds):\n\n" + cell_table(runs))
    print("\nTargets (issues 17 and 25):\n" + "\n".join(target_lines(runs)))
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
    ready = "not waited for" if run["ready_s"] is None else f"{run['ready_s']:.1f} s"
    return (
        f"[{run['variant']}] panel {run['panel_s']:.1f} s, ready {ready}; "
        f"first click -> point {first['first_point_s']:.1f} s (done {first['finished_s']:.1f} s); "
        f"second click -> point {second['first_point_s']:.1f} s; kernel peak "
        f"{run['kernel_peak_mb']:,} MB"
    )


if __name__ == "__main__":
    main()
