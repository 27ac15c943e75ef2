"""benchmarks/README.md's speed tables from one command: the tutorial's pipeline against the
lessons' stock Keras (with and without the public settings lesson 02 teaches) and the package's
speed runtime, timed interleaved, then accuracy like for like over seeds, every target checked.

Every finished run goes to OUT/runs.jsonl as it finishes; run the same command again after a
stop and it goes on where it stopped (a different --quick/full choice reuses what fits). The
tables are printed and written to OUT/section.md.

    .venv/bin/python benchmarks/speed_section.py --out speed-results            # full
    .venv/bin/python benchmarks/speed_section.py --out speed-results --quick    # about 30 min
    .venv/bin/python benchmarks/speed_section.py --out speed-results --tables-only

Full: 5 approaches x 5 sides x 3 timing runs of 5 epochs on 120,000 rows, then 10 seeds x 5
approaches x 4 sides on the mini split: about 3 hours on 2 quiet cores. Quick: approaches 1,
3 and 5, one timing run each, 3 seeds (about 30 minutes).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pipeline_speed as bench  # a sibling script
from common import MINI, REPO, machine_line

TARGETS = {"lessons": 1.0, "package": 1.5, "package first epoch": 1.3}
BARE = f"{bench.LESSONS}:keras-defaults"
OWN_THREADS = f"{bench.LESSONS}:own-threads"
TIMING_VARIANTS = {
    BARE: {"settings": {}},
    OWN_THREADS: {"keras_defaults_for": ["intra_op_threads"]},
}
TIMING_SIDES = [bench.TUTORIAL, BARE, bench.LESSONS, OWN_THREADS, bench.PACKAGE]
ACCURACY_SIDES = {
    bench.TUTORIAL: {},
    f"{bench.LESSONS}:tutorial": {"protocol": "tutorial"},
    f"{bench.PACKAGE}:tutorial": {"protocol": "tutorial"},
    bench.LESSONS: {"protocol": "clean"},
}
COLUMNS = {
    bench.TUTORIAL: "tutorial",
    BARE: "stock Keras 3",
    bench.LESSONS: "lessons",
    OWN_THREADS: "lessons, TF's threads",
    bench.PACKAGE: "package",
}


def training_table(runs: list[dict]) -> str:
    """Per approach: each side's whole 5-epoch fit, then throughput per training row over the
    tutorial's (whole fit and first epoch), fit's worst overshoot, peak RSS."""
    found = bench.summaries(runs)
    sides = [s for s in TIMING_SIDES if any(side == s for _, side in found)]
    names = " / ".join(COLUMNS[s] for s in sides)
    lines = [
        f"| Approach | 5-epoch `fit`, s ({names}) | "
        + " | ".join(f"{COLUMNS[s]} ÷ tutorial: fit, 1st epoch" for s in sides[1:])
        + f" | worst overshoot, s ({names}) | peak RSS, MB ({names}) |",
        "| --- " * (4 + len(sides) - 1) + "|",
    ]
    for approach in sorted({a for a, _ in found}):
        cells = [found.get((approach, s)) for s in sides]
        base = cells[0]
        ratios = [
            f"{c['rate_fit5'] / base['rate_fit5']:.2f}×, {c['rate_first'] / base['rate_first']:.2f}×"
            if c and base
            else "–"
            for c in cells[1:]
        ]
        lines.append(
            f"| {approach} | "
            + " / ".join(_fit_cell(c) for c in cells)
            + " | "
            + " | ".join(ratios)
            + " | "
            + " / ".join(f"{c['overshoot_max']:.1f}" if c else "–" for c in cells)
            + " | "
            + " / ".join(f"{c['rss']:,.0f}" if c else "–" for c in cells)
            + " |"
        )
    return "\n".join(lines)


def _fit_cell(summary) -> str:
    if not summary:
        return "–"
    return f"{summary['fit5']:.1f}" if summary["fit5_measured"] else f"~{summary['fit5']:.1f}"


def target_lines(timing: list[dict], accuracy: list[dict]) -> list[str]:
    """Each target, met or not, with the figures behind it."""

    def verdict(values: dict, limit: float) -> str:
        shown = ", ".join(f"{a}: {v:.2f}×" for a, v in values.items())
        met = values and min(values.values()) >= limit
        return f"{'met' if met else '**not met**'} ({shown})"

    lessons = bench.ratios(timing, bench.LESSONS)  # speed from the timing runs alone
    package = bench.ratios(timing, bench.PACKAGE)
    lines = [
        f"- The lessons' stock path ≥ {TARGETS['lessons']}× the tutorial's pipeline over a "
        "whole 5-epoch `fit`, every approach: "
        + verdict({a: fit for a, (fit, _) in lessons.items()}, TARGETS["lessons"]),
        f"- The package's runtime ≥ {TARGETS['package']}× over a whole 5-epoch `fit`: "
        + verdict({a: fit for a, (fit, _) in package.items()}, TARGETS["package"]),
        f"- The package's runtime ≥ {TARGETS['package first epoch']}× over the first epoch: "
        + verdict({a: first for a, (_, first) in package.items()}, TARGETS["package first epoch"]),
    ]
    for side in (bench.LESSONS, bench.PACKAGE):
        values = [r["overshoot_seconds"] for r in timing + accuracy if r["side"] == side]
        ok = sum(v <= bench.OVERSHOOT_LIMIT for v in values)
        lines.append(
            f"- {COLUMNS[side].capitalize()}: `fit` returns within {bench.OVERSHOOT_LIMIT} s of "
            f"its last epoch: {'met' if ok == len(values) else '**not met**'} ({ok} of "
            f"{len(values)} runs, timing and accuracy)"
        )
    return lines


def accuracy_section(runs: list[dict]) -> str:
    """Three like-for-like comparisons, each with its Welch intervals."""
    parts = [
        (
            "The lessons' code (Keras 3's RMSprop) on the tutorial's data protocol against the "
            "tutorial's pipeline: the same rows and vocabulary, so the difference is the code's.",
            bench.TUTORIAL,
            f"{bench.LESSONS}:tutorial",
            ("tutorial's pipeline", "lessons, tutorial protocol"),
        ),
        (
            "The package under the tutorial protocol (Keras 2's RMSprop, `--protocol tutorial`) "
            "against the tutorial's pipeline.",
            bench.TUTORIAL,
            f"{bench.PACKAGE}:tutorial",
            ("tutorial's pipeline", "package, tutorial protocol"),
        ),
        (
            "The lessons as they run (the clean protocol: a tenth of the training articles held "
            "out, the vocabulary from training text only) against the tutorial's pipeline.",
            bench.TUTORIAL,
            bench.LESSONS,
            ("tutorial's pipeline", "lessons, clean protocol"),
        ),
    ]
    return "\n\n".join(
        f"{text}\n\n{bench.comparison_table(runs, base, other, labels)}"
        for text, base, other, labels in parts
    )


def section(timing: list[dict], accuracy: list[dict], machine: str) -> str:
    loads = [r["load_average"] for r in timing + accuracy if "load_average" in r]
    parts = [f"Measured on: {machine}."]
    if loads:
        parts[0] += (
            f" Load average (1 minute) as each run started: median {bench.median(loads):.1f}, "
            f"{min(loads):.1f} to {max(loads):.1f} (the benchmark itself adds about 1)."
        )
    if timing:
        data = timing[0].get("data", "")
        parts += [
            f"Timing data: {data}; batch {bench.BATCH_SIZE}; each run its own process, the sides "
            "interleaved and who goes first rotating; medians over the runs. Throughput is per "
            "training row (the lessons and the package train on 108,000 rows under the clean "
            "protocol, the tutorial on 120,000); the first epoch counts from `fit`'s call.",
            training_table(timing),
            "Targets:\n\n" + "\n".join(target_lines(timing, accuracy)),
        ]
    if accuracy:
        seeds = len({r["round"] for r in accuracy})
        parts += [
            f"Accuracy on the mini split ({MINI.name}: 6,000 training and 1,600 test articles), "
            f"5 epochs, batch {bench.BATCH_SIZE}, {seeds} seeds, every run its own process; "
            "test accuracy in %, difference and its 95 % Welch interval (seeds unpaired: two "
            "pipelines draw different weights from one seed), and over all approaches the mean "
            "difference with a Welch-Satterthwaite interval.",
            accuracy_section(accuracy),
        ]
    return "\n\n".join(parts)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--out", type=Path, default=REPO / "speed-results", help="folder for runs and tables"
    )
    parser.add_argument("--quick", action="store_true", help="approaches 1, 3, 5; 1 run; 3 seeds")
    parser.add_argument("--tables-only", action="store_true", help="print from OUT/runs.jsonl")
    parser.add_argument("--approaches", type=int, nargs="+", help="instead of all (or --quick's)")
    parser.add_argument("--repeats", type=int, help="timing runs per side (3; --quick 1)")
    parser.add_argument("--seeds", type=int, help="accuracy seeds (10; --quick 3)")
    parser.add_argument(
        "--parts", nargs="+", choices=["timing", "accuracy"], default=["timing", "accuracy"]
    )
    parser.add_argument("--data", help="a folder with the canonical train.csv/test.csv to time on")
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    approaches = args.approaches or ([1, 3, 5] if args.quick else [1, 2, 3, 4, 5])
    repeats = args.repeats or (1 if args.quick else 3)
    seeds = args.seeds or (3 if args.quick else 10)
    machine = machine_line()
    print(f"Machine: {machine}", flush=True)
    log = bench.RunLog(args.out / "runs.jsonl")
    options = bench.parse_args(
        ["--approaches", *map(str, approaches), "--repeats", str(repeats), "--seeds", str(seeds)]
        + ["--sides", *TIMING_SIDES]
        + (["--data", args.data] if args.data else [])
    )
    if not args.tables_only and "timing" in args.parts:
        bench.run_timing(options, TIMING_VARIANTS, log)
    if not args.tables_only and "accuracy" in args.parts:
        bench.run_accuracy(options, log, ACCURACY_SIDES)
    timing = [r for r in log.part("timing") if r["approach"] in approaches]
    accuracy = [r for r in log.part("accuracy") if r["approach"] in approaches]
    text = section(timing, accuracy, machine)
    (args.out / "section.md").write_text(text + "\n")
    print("\n" + text)


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    main()
