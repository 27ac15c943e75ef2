"""The README's *Speed* section from one command (issue 17): the tutorial's pipeline against the
lessons' path, and a learner's wait on one core, with every target checked.

It runs `pipeline_speed.py` (timing on 120,000 rows, then accuracy on the mini split) and
`latency.py` (one core), keeps their JSON, and prints the section's tables in Markdown:

* training: the whole 5-epoch `fit`, wall clock from call to return, and the first epoch
  (counted from the call), as throughput per training row over the tutorial's pipeline's;
  stock Keras 3 (the speed-ups off) beside the lessons' path; peak RSS; how many runs of `fit`
  returned within 0.5 s of their last epoch;
* a learner's wait on one core: notebook 02's *Run All*, the panel's first and second Train
  click to the first live point, importing the package and Keras;
* accuracy like for like: mean and range over seeds for the tutorial's pipeline, the package
  under the tutorial protocol and under the clean one;
* the targets, each met or not, with its figures.

    .venv/bin/python benchmarks/speed_section.py --out /tmp/speed    # about 2 hours, 2 cores
    .venv/bin/python benchmarks/speed_section.py --pipeline-json timing.json accuracy.json \\
        --latency-json latency.json                                  # tables from saved runs
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import latency  # noqa: E402  (a sibling script)
import pipeline_speed as bench  # noqa: E402

TARGETS = {"fit": 1.5, "first": 1.3}  # throughput over the tutorial's pipeline (issue 17)


def merged(paths: list[Path]) -> dict:
    """pipeline_speed.py's JSON files as one: their timing and accuracy runs added up."""
    everything = {"machine": [], "timing": [], "accuracy": []}
    for path in paths:
        saved = json.loads(path.read_text())
        everything["machine"].append(saved["machine"])
        everything["timing"] += saved["timing"]
        everything["accuracy"] += saved["accuracy"]
    return everything


def _pipelines(runs: list[dict]) -> list[str]:
    return [
        p
        for p in (bench.TUTORIAL, bench.STOCK, bench.OURS)
        if any(r["pipeline"] == p for r in runs)
    ]


def training_table(runs: list[dict]) -> str:
    approaches = sorted({r["approach"] for r in runs})
    summary = bench._summaries(runs, approaches, _pipelines(runs))
    lines = [
        "| Approach | 5-epoch `fit`, s (tutorial / stock / ours) | ours ÷ tutorial: whole fit "
        "| first epoch | ours ÷ stock: whole fit | Peak RSS, MB (tutorial / stock / ours) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for a in approaches:
        t, s, o = (summary.get((a, p)) for p in (bench.TUTORIAL, bench.STOCK, bench.OURS))
        if not (t and o):
            continue
        seconds = " / ".join(f"{x['fit5']:.1f}" if x else "–" for x in (t, s, o))
        rss = " / ".join(f"{x['rss']:,.0f}" if x else "–" for x in (t, s, o))
        over_stock = f"{o['rate_fit5'] / s['rate_fit5']:.2f}×" if s else "–"
        lines.append(
            f"| {a} | {seconds} | **{o['rate_fit5'] / t['rate_fit5']:.2f}×** | "
            f"{o['rate_first'] / t['rate_first']:.2f}× | {over_stock} | {rss} |"
        )
    return "\n".join(lines)


def latency_table(runs: list[dict]) -> str:
    found = latency.figures(runs)
    rows = [
        (
            "Notebook 02, *Run All* in a fresh kernel",
            "notebook 02 Run All, wall s",
            latency.TARGETS["notebook"],
        ),
        ("of which training (the `fit` cell)", "notebook 02 training (fit cell) s", None),
        (
            "Panel: first Train click to the first live point",
            "first click -> first live point",
            latency.TARGETS["first_click"],
        ),
        (
            "Panel: second Train click to the first live point",
            "second click -> first live point",
            latency.TARGETS["second_click"],
        ),
        ("`import textrnn_lessons` then `import keras`", "import textrnn_lessons + keras", None),
        ("Notebook 02's kernel, peak RSS (MB)", "notebook 02 kernel peak RSS MB", None),
    ]
    lines = ["| One core, workshop preset | Median (min–max) | Target |", "| --- | --- | --- |"]
    for text, name, target in rows:
        if name not in found:
            continue
        values = found[name]
        shown = "{:,.0f}" if name.endswith("MB") else "{:.1f} s"
        goal = (
            ""
            if target is None
            else (
                f"≤ {target:.0f} s: "
                + ("met" if statistics.median(values) <= target else "**not met**")
            )
        )
        lines.append(
            f"| {text} | {shown.format(statistics.median(values))} "
            f"({shown.format(min(values))}–{shown.format(max(values))}) | {goal} |"
        )
    return "\n".join(lines)


def accuracy_table(runs: list[dict]) -> str:
    columns = [bench.TUTORIAL, f"{bench.OURS}:tutorial", f"{bench.OURS}:clean"]
    lines = [
        "| Approach | Tutorial's pipeline | Package, tutorial protocol | Package, clean "
        "protocol (the lessons') |",
        "| --- | --- | --- | --- |",
    ]
    for a in sorted({r["approach"] for r in runs}):
        cells = []
        for p in columns:
            values = [
                100 * r["accuracy"] for r in runs if r["approach"] == a and r["pipeline"] == p
            ]
            cells.append(
                f"{statistics.mean(values):.1f} % ({min(values):.1f}–{max(values):.1f})"
                if values
                else "–"
            )
        lines.append(f"| {a} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def differences(runs: list[dict]) -> list[str]:
    """Mean over the approaches: package (tutorial protocol) - tutorial, clean - tutorial protocol."""
    approaches = sorted({r["approach"] for r in runs})

    def groups(a_name, b_name):
        def pick(a, p):
            return [100 * r["accuracy"] for r in runs if r["approach"] == a and r["pipeline"] == p]

        return [(pick(a, a_name), pick(a, b_name)) for a in approaches]

    lines = []
    for text, a_name, b_name in [
        (
            "package under the tutorial protocol minus the tutorial's pipeline",
            bench.TUTORIAL,
            f"{bench.OURS}:tutorial",
        ),
        (
            "clean protocol minus tutorial protocol (the package)",
            f"{bench.OURS}:tutorial",
            f"{bench.OURS}:clean",
        ),
    ]:
        pairs = groups(a_name, b_name)
        if all(x and y for x, y in pairs):
            d = bench.pooled_interval(pairs)
            lines.append(
                f"{text}: {d.difference:+.1f} points (95 % interval {d.low:+.1f} to "
                f"{d.high:+.1f}; {'within' if d.within_noise else 'beyond'} the noise)"
            )
    return lines


def target_lines(timing: list[dict], latency_runs: list[dict]) -> list[str]:
    approaches = sorted({r["approach"] for r in timing})
    summary = bench._summaries(timing, approaches, _pipelines(timing))
    ratios = {
        a: (summary[(a, bench.OURS)], summary[(a, bench.TUTORIAL)])
        for a in approaches
        if (a, bench.OURS) in summary and (a, bench.TUTORIAL) in summary
    }
    fit = {a: o["rate_fit5"] / t["rate_fit5"] for a, (o, t) in ratios.items()}
    first = {a: o["rate_first"] / t["rate_first"] for a, (o, t) in ratios.items()}
    rss = {a: (o["rss"], t["rss"]) for a, (o, t) in ratios.items()}

    def verdict(ok: bool) -> str:
        return "met" if ok else "**not met**"

    listed = lambda d: ", ".join(f"{a}: {v:.2f}×" for a, v in d.items())  # noqa: E731
    lines = [
        f"- Throughput over a 5-epoch `fit` ≥ {TARGETS['fit']}× the tutorial's on every "
        f"approach: {verdict(min(fit.values()) >= TARGETS['fit'])} ({listed(fit)})",
        f"- First epoch ≥ {TARGETS['first']}×: {verdict(min(first.values()) >= TARGETS['first'])} "
        f"({listed(first)})",
        "- Peak RSS ≤ the tutorial pipeline's on every approach: "
        + verdict(all(o <= t for o, t in rss.values()))
        + " ("
        + ", ".join(f"{a}: {o:,.0f} vs {t:,.0f} MB" for a, (o, t) in rss.items())
        + ")",
    ]
    ours = [r["overshoot_seconds"] for r in timing if r["pipeline"] == bench.OURS]
    lines.append(
        f"- `fit` returns within {bench.OVERSHOOT_LIMIT} s of its last epoch: "
        f"{verdict(all(v <= bench.OVERSHOOT_LIMIT for v in ours))} "
        f"({sum(v <= bench.OVERSHOOT_LIMIT for v in ours)} of {len(ours)} timing runs)"
    )
    if latency_runs:
        lines += latency.target_lines(latency_runs)
    return lines


def section(pipeline: dict, latency_saved: dict | None) -> str:
    latency_runs = latency_saved["runs"] if latency_saved else []
    parts = ["Machine (pipeline_speed): " + " | ".join(pipeline["machine"])]
    if latency_saved:
        parts.append("Machine (latency): " + latency_saved["machine"])
    if pipeline["timing"]:
        every_run = pipeline["timing"] + pipeline["accuracy"]
        parts += [
            "Training, medians:",
            training_table(pipeline["timing"]),
            "`fit`'s return after its last epoch, timing and accuracy runs:",
            bench.overshoot_table(every_run, list(dict.fromkeys(r["pipeline"] for r in every_run))),
        ]
    if latency_runs:
        parts += ["A learner's wait:", latency_table(latency_runs)]
    if pipeline["accuracy"]:
        parts += [
            "Test accuracy, mean (lowest–highest):",
            accuracy_table(pipeline["accuracy"]),
            "\n".join(differences(pipeline["accuracy"])),
        ]
    if pipeline["timing"]:
        parts += ["Targets:", "\n".join(target_lines(pipeline["timing"], latency_runs))]
    return "\n\n".join(parts)


def run_benchmarks(out: Path, seeds: int) -> tuple[list[Path], Path]:
    out.mkdir(parents=True, exist_ok=True)
    pipeline_json, latency_json = out / "pipeline_speed.json", out / "latency.json"
    for command in (
        [
            sys.executable,
            str(HERE / "pipeline_speed.py"),
            "--seeds",
            str(seeds),
            "--json-out",
            str(pipeline_json),
        ],
        [sys.executable, str(HERE / "latency.py"), "--json-out", str(latency_json)],
    ):
        print("$ " + " ".join(command[1:]), flush=True)
        subprocess.run(command, check=True)
    return [pipeline_json], latency_json


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("speed-results"),
        help="folder for the benchmarks' JSON (default: ./speed-results)",
    )
    parser.add_argument("--seeds", type=int, default=10, help="seeds for the accuracy part")
    parser.add_argument(
        "--pipeline-json",
        type=Path,
        nargs="+",
        help="print the tables from these pipeline_speed.py JSON files instead",
    )
    parser.add_argument("--latency-json", type=Path, help="and this latency.py JSON file")
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    if args.pipeline_json:
        pipeline_files, latency_file = args.pipeline_json, args.latency_json
    else:
        pipeline_files, latency_file = run_benchmarks(args.out, args.seeds)
    latency_saved = json.loads(latency_file.read_text()) if latency_file else None
    print(section(merged(pipeline_files), latency_saved))


if __name__ == "__main__":
    main()
