"""A room on one server: N learners on a real JupyterHub run notebook 02 at the same time.

For each room size N it starts a fresh JupyterHub on 127.0.0.1 (benchmarks/room_hub.py), adds
N learners, and lets them all go at once: each signs in through the hub's REST API, starts
their server, opens notebook 02 and runs it top to bottom over the kernel's websocket,
through the hub's proxy (benchmarks/room_learner.py). Each learner has a home folder with a
copy of the notebook and a results log of their own. Prints, per N: time to result (sign-in
to the last cell, median and slowest), peak memory per learner and for the whole room, the
CPU seconds a learner used, and failures (an error, a timeout, or no run in the results log).

    bash .ci/room-setup        # configurable-http-proxy from npm, once
    python benchmarks/room.py --learners 1 2 4 8 --preset workshop --stand-in
    python benchmarks/room.py --learners 2 --preset smoke --data ../shared/ag_news/mini

`--app` fills the room with the workshop app instead (issue 25, "kernels go away"): each learner
signs in through the hub's login page in Chromium, opens the app on the hub's Voilà route
(/user/NAME/voila/render/apps/approach_explorer.ipynb), trains, then reloads the page and
trains again `--reloads` times, and keeps the tab open. Once everyone has reloaded, the room is
watched (`--watch` seconds): how long until each learner runs one kernel for their one open
tab, and how many kernels each runs at the end; with the room's peak memory. `--compare DIR`
also fills a room with another checkout (say the commit before), its package first on
PYTHONPATH and none of this checkout's Jupyter set-up, interleaved round by round.

    python benchmarks/room.py --app --learners 4 --preset smoke --data ../shared/ag_news/mini \
        --compare /tmp/before --rounds 2

`--stand-in` builds a workshop-sized data folder in a temporary directory when the canonical
training file is not at hand: 13,600 training articles (the canonical 7,600 test articles
plus the offline mini split's 6,000 training articles; the preset draws 12,000 of them) and
the canonical test file, from ../shared/ag_news (or $TEXTRNN_LESSONS_SHARED/ag_news). Run times
and memory match the real preset; accuracies do not.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))  # tests/e2e's browser plumbing
from common import rotated, stand_in_data
from room_hub import Hub, MemoryWatch, RoomError, find_proxy
from room_learner import app_learner, learner

REPO = Path(__file__).resolve().parents[1]
MB = 2**20
APP = "apps/approach_explorer.ipynb"


def lesson_notebook(pattern: str) -> Path:
    """The one notebook matching `pattern` (e.g. notebooks/02_*.ipynb), whatever it is named."""
    found = sorted(REPO.glob(pattern)) if not Path(pattern).is_absolute() else [Path(pattern)]
    found = [path for path in found if path.is_file()]
    if len(found) != 1:
        raise RoomError(
            f"--notebook {pattern!r} should match exactly one notebook; it matched "
            f"{[str(p) for p in found] or 'none'}. Give its path."
        )
    return found[0]


def logged_accuracy(home: Path) -> float | None:
    """The test accuracy of the learner's last logged run, or None when nothing was logged."""
    log = home / "results.jsonl"
    if not log.is_file():
        return None
    lines = [line for line in log.read_text(errors="replace").splitlines() if line.strip()]
    try:
        return json.loads(lines[-1]).get("test_accuracy") if lines else None
    except (ValueError, AttributeError):  # a half-written or foreign last line: no result
        return None


def run_round(count: int, args, notebook: Path) -> dict:
    """One room of `count` learners on a fresh hub; returns every learner's figures."""
    names = [f"learner{index + 1}" for index in range(count)]
    environment = {"TEXTRNN_LESSONS_PRESET": args.preset, "TEXTRNN_LESSONS_DATA": str(args.data)}
    if os.environ.get("PYTHONPATH"):  # the learners import what this process would import
        environment["PYTHONPATH"] = os.environ["PYTHONPATH"]
    with tempfile.TemporaryDirectory(prefix="room-") as folder:
        hub = Hub(Path(folder), args.proxy, environment, timeout=int(args.timeout))
        for name in names:  # the instructor hands out the lesson (nbgitpuller would, on a real hub)
            (hub.home(name) / "notebooks").mkdir(parents=True)
            shutil.copyfile(notebook, hub.home(name) / "notebooks" / notebook.name)
        try:
            hub.start()
            hub.create_users(names)
            start = threading.Barrier(count)
            with MemoryWatch(hub.process.pid) as watch, ThreadPoolExecutor(count) as pool:
                futures = [
                    pool.submit(learner, hub.url, name, notebook, start, args.timeout)
                    for name in names
                ]
                learners = [future.result() for future in futures]
                cpu = watch.cpu_seconds()
            for row in learners:
                name = row["name"]
                row["accuracy"] = logged_accuracy(hub.home(name))
                if row["error"] is None and row["accuracy"] is None:
                    row["error"] = "the notebook ran but no run reached the learner's results log"
                row["peak_mb"] = round(watch.learner_peak.get(name, 0) / MB)
                row["kernel_peak_mb"] = round(watch.kernel_peak.get(name, 0) / MB)
                row["cpu_s"] = round(cpu.get(name, 0.0), 1)
            hub_log = hub.log_tail(15) if any(row["error"] for row in learners) else ""
        finally:
            hub.stop()
    return {
        "learners": count,
        "rows": learners,
        "total_rss_mb": round(watch.total_rss_peak / MB),
        "total_pss_mb": round(watch.total_pss_peak / MB),
        "hub_proxy_mb": round(watch.overhead_peak / MB),
        "hub_log_tail": hub_log,
    }


def run_app_round(count: int, args, source: Path | None) -> dict:
    """A room of `count` learners in the workshop app, with this checkout's set-up (`source`
    None) or another checkout's; returns the kernels each learner kept and the room's memory."""
    from textrnn_lessons.ui.voila_app import jupyter_environment

    names = [f"learner{index + 1}" for index in range(count)]
    environment = {"TEXTRNN_LESSONS_PRESET": args.preset, "TEXTRNN_LESSONS_DATA": str(args.data)}
    if source is None:
        environment.update(jupyter_environment({}))  # as binder/start and the guide's hubs do
    paths = [str(source)] if source else []
    if os.environ.get("PYTHONPATH"):
        paths.append(os.environ["PYTHONPATH"])
    if paths:
        environment["PYTHONPATH"] = os.pathsep.join(paths)
    with tempfile.TemporaryDirectory(prefix="room-app-") as folder:
        hub = Hub(Path(folder), args.proxy, environment, timeout=int(args.timeout))
        for name in names:
            (hub.home(name) / "apps").mkdir(parents=True)
            shutil.copyfile((source or REPO) / APP, hub.home(name) / APP)
        try:
            hub.start()
            hub.create_users(names)
            start, reloaded = threading.Barrier(count), threading.Semaphore(0)
            finish = threading.Event()
            with MemoryWatch(hub.process.pid) as watch, ThreadPoolExecutor(count) as pool:
                futures = [
                    pool.submit(
                        app_learner,
                        hub.url,
                        name,
                        APP,
                        start,
                        args.reloads,
                        reloaded,
                        finish,
                        args.timeout,
                    )
                    for name in names
                ]
                for _ in names:
                    reloaded.acquire(timeout=args.timeout)
                settled, watched = _watch_kernels(watch, names, args.watch)
                finish.set()
                rows = [future.result() for future in futures]
            hub_log = hub.log_tail(15) if any(row["error"] for row in rows) else ""
        finally:
            hub.stop()
    return {
        "setup": "this checkout" if source is None else str(source),
        "learners": count,
        "rows": rows,
        "kernels_peak": max(watch.kernels_peak.values(), default=0),
        "one_kernel_per_tab_s": settled,
        "kernels_at_end": watched,
        "total_rss_mb": round(watch.total_rss_peak / MB),
        "total_pss_mb": round(watch.total_pss_peak / MB),
        "end_pss_mb": round(watch.total_now[1] / MB),
        "failures": sum(row["error"] is not None for row in rows),
        "hub_log_tail": hub_log,
    }


def _watch_kernels(watch: MemoryWatch, names: list[str], seconds: float):
    """Seconds until every learner runs exactly one kernel (None if not within `seconds`), and
    the kernels each runs at the end of the watch."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        counts = dict(watch.kernels)
        if all(counts.get(name, 0) == 1 for name in names):
            return round(time.monotonic() - started, 1), counts
        time.sleep(1)
    return None, dict(watch.kernels)


def app_table(rooms: list[dict]) -> str:
    """One row per set-up and room size: medians over rounds (kernels: the worst)."""
    lines = [
        "| Set-up | Learners | Rounds | Kernels per learner, at most | One kernel per open tab "
        "after the last reload (s) | Kernels per learner at the end of the watch | Room's peak "
        "RSS / PSS (MB) | Room's PSS at the end (MB) | Failures |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for setup, learners in dict.fromkeys((room["setup"], room["learners"]) for room in rooms):
        mine = [room for room in rooms if (room["setup"], room["learners"]) == (setup, learners)]
        settled = [room["one_kernel_per_tab_s"] for room in mine]
        shown = ", ".join("never" if s is None else f"{s:.0f}" for s in settled) if settled else "-"
        at_end = max(max(room["kernels_at_end"].values(), default=0) for room in mine)

        def median(key, rooms=mine):
            return round(statistics.median(room[key] for room in rooms))

        lines.append(
            f"| {setup} | {learners} | {len(mine)} | "
            f"{max(room['kernels_peak'] for room in mine)} | {shown} | up to {at_end} | "
            f"{median('total_rss_mb'):,} / {median('total_pss_mb'):,} | {median('end_pss_mb'):,} | "
            f"{sum(room['failures'] for room in mine)} |"
        )
    return "\n".join(lines)


def summary(room: dict) -> dict:
    """Median and worst of a round, over the learners who got a result."""
    done = [row for row in room["rows"] if row["error"] is None]

    def median(key):
        return round(statistics.median(row[key] for row in done), 1) if done else None

    def median_mb(key):
        return round(statistics.median(row[key] for row in done)) if done else None

    return {
        "learners": room["learners"],
        "result_median_s": median("result_s"),
        "result_slowest_s": round(max(row["result_s"] for row in done), 1) if done else None,
        "server_ready_median_s": median("server_ready_s"),
        "notebook_median_s": median("notebook_s"),
        "peak_median_mb": median_mb("peak_mb"),
        "kernel_median_mb": median_mb("kernel_peak_mb"),
        "peak_largest_mb": max((row["peak_mb"] for row in room["rows"]), default=0),
        "total_rss_mb": room["total_rss_mb"],
        "total_pss_mb": room["total_pss_mb"],
        "hub_proxy_mb": room["hub_proxy_mb"],
        "cpu_median_s": median("cpu_s"),
        "failures": sum(row["error"] is not None for row in room["rows"]),
    }


def cell(value) -> str:
    return "-" if value is None else f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"


def print_table(summaries: list[dict]) -> None:
    print(
        "\n| Learners | Time to result, median / slowest (s) | Server ready, median (s) "
        "| Notebook run, median (s) | Peak per learner (server + kernel), median / largest (MB) "
        "| Kernel alone, median (MB) | Room's peak, RSS / PSS (MB) | Hub + proxy (MB) "
        "| CPU per learner, median (s) | Failures |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for row in summaries:
        print(
            f"| {row['learners']} | {cell(row['result_median_s'])} / {cell(row['result_slowest_s'])} "
            f"| {cell(row['server_ready_median_s'])} | {cell(row['notebook_median_s'])} "
            f"| {cell(row['peak_median_mb'])} / {cell(row['peak_largest_mb'])} "
            f"| {cell(row['kernel_median_mb'])} "
            f"| {cell(row['total_rss_mb'])} / {cell(row['total_pss_mb'])} | {cell(row['hub_proxy_mb'])} "
            f"| {cell(row['cpu_median_s'])} | {row['failures']} of {row['learners']} |"
        )


def print_failures(rooms: list[dict]) -> None:
    """Each learner's error and the hub's last log lines, per room (an --app room names its
    set-up)."""
    for room in rooms:
        where = room.get("setup") or f"{room['learners']} learners"
        for row in room["rows"]:
            if row["error"]:
                print(f"  {where}, {row['name']}: {row['error']}")
        if room["hub_log_tail"]:
            print(f"  the hub's last log lines:\n{room['hub_log_tail']}")


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--learners",
        type=int,
        nargs="+",
        default=[1, 2, 4, 8],
        help="room sizes, one fresh hub each (default: 1 2 4 8)",
    )
    parser.add_argument("--preset", choices=["smoke", "workshop", "full"], default="workshop")
    parser.add_argument(
        "--notebook",
        default="notebooks/02_*.ipynb",
        help="the lesson every learner runs (default: notebooks/02_*.ipynb)",
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=os.environ.get("TEXTRNN_LESSONS_DATA"),
        help="folder with train.csv and test.csv (default: $TEXTRNN_LESSONS_DATA)",
    )
    parser.add_argument(
        "--stand-in",
        action="store_true",
        help="use a workshop-sized stand-in built from ../shared/ag_news",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=1200,
        help="seconds each learner has from sign-in to result (default: 1200)",
    )
    parser.add_argument("--json-out", type=Path, help="also write every figure to this file")
    parser.add_argument(
        "--app", action="store_true", help="the workshop app with reloads, not a lesson"
    )
    parser.add_argument("--reloads", type=int, default=2, help="reloads per learner (--app)")
    parser.add_argument(
        "--watch", type=float, default=60, help="seconds the room is watched after (--app)"
    )
    parser.add_argument("--rounds", type=int, default=1, help="rooms per set-up (--app)")
    parser.add_argument(
        "--compare", type=Path, help="--app: also a room with the checkout in this folder"
    )
    args = parser.parse_args(argv)
    if args.data is None and not args.stand_in:
        parser.error("give --data DIR, --stand-in, or set TEXTRNN_LESSONS_DATA")
    if any(count < 1 for count in args.learners):
        parser.error(f"--learners takes room sizes of 1 or more; got {args.learners}")
    args.proxy = find_proxy()
    if args.proxy is None:
        parser.error(
            "configurable-http-proxy is not installed: run `bash .ci/room-setup` "
            "(it needs npm), or install it on PATH with `npm install -g configurable-http-proxy`"
        )
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        notebook = lesson_notebook(args.notebook)
        with tempfile.TemporaryDirectory(prefix="room-data-") as stand_in:
            args.data = stand_in_data(Path(stand_in)) if args.stand_in else args.data.resolve()
            missing = [
                name for name in ("train.csv", "test.csv") if not (args.data / name).is_file()
            ]
            if missing:
                raise RoomError(
                    f"--data {args.data} has no {' or '.join(missing)}: give a folder made "
                    "by `textrnn-lessons download --to DIR`, or use --stand-in."
                )
            data_note = (
                "workshop-sized stand-in (canonical test.csv + mini train.csv as "
                "training rows, canonical test.csv)"
                if args.stand_in
                else str(args.data)
            )
            print(
                f"Room benchmark, {date.today().isoformat()}: {platform.platform()}, "
                f"{os.cpu_count()} CPUs, Python {platform.python_version()}\n"
                f"notebook {notebook.relative_to(REPO) if notebook.is_relative_to(REPO) else notebook}, "
                f"preset {args.preset}, data {data_note}",
                flush=True,
            )
            if args.app:
                return app_rooms(args)
            rooms = []
            for count in args.learners:
                rooms.append(run_round(count, args, notebook))
                print(f"  {count} learner(s) done: {summary(rooms[-1])}", flush=True)
    except (RoomError, FileNotFoundError) as failure:
        print(f"room benchmark: {failure}", file=sys.stderr)
        return 2
    summaries = [summary(room) for room in rooms]
    print_table(summaries)
    print_failures(rooms)
    if args.json_out:
        args.json_out.write_text(
            json.dumps(
                {
                    "preset": args.preset,
                    "data": data_note,
                    "notebook": notebook.name,
                    "rooms": rooms,
                    "summaries": summaries,
                },
                indent=2,
            )
        )
    return 1 if any(row["failures"] for row in summaries) else 0


def app_rooms(args) -> int:
    """--app: rooms of the workshop app, this checkout and --compare interleaved."""
    setups = [None] + ([args.compare.resolve()] if args.compare else [])
    rooms = []
    for round_number in range(args.rounds):
        for count in args.learners:
            for source in rotated(setups, round_number):
                rooms.append(run_app_round(count, args, source))
                shown = {k: v for k, v in rooms[-1].items() if k not in ("rows", "hub_log_tail")}
                print(f"  round {round_number + 1}: {shown}", flush=True)
    print("\n" + app_table(rooms))
    print_failures(rooms)
    if args.json_out:
        args.json_out.write_text(json.dumps({"preset": args.preset, "rooms": rooms}, indent=2))
    return 1 if any(room["failures"] for room in rooms) else 0


if __name__ == "__main__":
    sys.exit(main())
