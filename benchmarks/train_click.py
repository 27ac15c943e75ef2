"""How long one Train click in ApproachPanel takes, per approach and preset (prints measured figures).

Usage: TEXTRNN_LESSONS_DATA=<folder with train.csv/test.csv> python benchmarks/train_click.py [presets...] [--rounds N]
Each round clicks every approach once (order rotated per round); medians are over rounds.
The first click of a panel also loads the CSVs and fits the vocabulary; it is reported apart.
A click lasts until the run is tested and logged; benchmarks/latency.py times the wait for the
first live point, on one core.
"""

import argparse
import os
import statistics
import tempfile
import time

parser = argparse.ArgumentParser()
parser.add_argument("presets", nargs="*", default=["smoke", "workshop"])
parser.add_argument("--rounds", type=int, default=3)
args = parser.parse_args()
os.environ.setdefault("TEXTRNN_LESSONS_RESULTS", os.path.join(tempfile.mkdtemp(), "results.jsonl"))

from textrnn_lessons.ui import ApproachPanel  # noqa: E402


def click(panel):
    started = time.perf_counter()
    panel.train_button.click()
    panel.wait()
    if panel.state != "finished":
        raise SystemExit(f"run did not finish: {panel.message.value}")
    return time.perf_counter() - started, panel.last_result.history.train_seconds


for preset in args.presets:
    panel = ApproachPanel(1, preset=preset)
    cold, _ = click(panel)
    print(
        f"[{preset}] first click of a panel (approach 1, loads data + fits vocabulary): {cold:.1f} s"
    )
    clicks = {n: [] for n in range(1, 6)}
    fits = {n: [] for n in range(1, 6)}
    for r in range(args.rounds):
        order = list(range(1, 6))[r % 5 :] + list(range(1, 6))[: r % 5]
        for number in order:
            panel.approach.value = number
            total, fit = click(panel)
            clicks[number].append(total)
            fits[number].append(fit)
            print(
                f"  round {r + 1} approach {number}: click {total:.1f} s (fit {fit:.1f} s)",
                flush=True,
            )
    data = panel.trainer.data(preset)
    print(
        f"\n[{preset}] {data.describe()}; {data.preset.epochs} epoch(s), batch {data.preset.batch_size}"
    )
    print("approach | click median (s) | min-max (s) | fit median (s)")
    for number in range(1, 6):
        c = clicks[number]
        print(
            f"{number} | {statistics.median(c):.1f} | {min(c):.1f}-{max(c):.1f} | "
            f"{statistics.median(fits[number]):.1f}"
        )
    print(flush=True)
