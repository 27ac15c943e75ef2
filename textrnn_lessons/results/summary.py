"""Notebook 07's summary: your logged runs of the five approaches beside the tutorial's.

Introduced in notebook 07_results_and_next_steps. A comparison is fair only between runs on
the same data, trained the lessons' way, so every table here starts from `runs.runs_for(data)`.
"""

from __future__ import annotations

import math

from ..models.approaches import APPROACHES
from .records import latest_runs
from .tables import styled_table

#: The comparisons notebook 07 discusses: (question, approach, baseline approach).
KEY_COMPARISONS = (
    ("reading 50 tokens instead of 25", 2, 1),
    ("a bidirectional layer instead of a forward one", 3, 2),
    ("three stacked forward layers instead of one", 4, 2),
    ("three stacked bidirectional layers instead of one", 5, 3),
)


def train_missing_approaches(data, bench=None, train: bool = True) -> list[int]:
    """Train (and log) any of the five approaches the log has no run of on this data, so that
    notebook 07's table is full even if 02-06 were skipped. With `train=False` only say which
    are missing and how to fill them: Run All then spends its time on the experiments."""
    missing = [a for a in APPROACHES if a.number not in latest_runs(data)]
    if not missing:
        print(f"The log already holds a run of all five approaches for {data.describe()}.")
        return []
    if not train:
        numbers = [str(a.number) for a in missing]
        listed = (
            numbers[0] if len(numbers) == 1 else ", ".join(numbers[:-1]) + " and " + numbers[-1]
        )
        print(
            f"Your log has no run of approach{'es' if len(missing) > 1 else ''} {listed} on "
            "this data, so the table shows a dash there. Run the lesson of each, or set "
            "TRAIN_MISSING = True in the settings cell and run this cell again: it trains "
            "each missing approach once, as its lesson does."
        )
        return []
    from ..training.trainer import Trainer

    bench = bench or Trainer()
    for approach in missing:
        print(f"No logged run of {approach.label} on this data: training it now...")
        result = bench.run(approach, data)
        bench.log(result)
        print(
            f"    {100 * result.evaluation.accuracy:.2f} % in {result.history.train_seconds:.1f} s"
        )
    return [a.number for a in missing]


def side_by_side(data):
    """The latest logged run of each approach on this data beside the tutorial's accuracy:
    context for the experiments, one run each, not a ranking."""
    import pandas as pd

    latest = latest_runs(data)
    rows = []
    for approach in APPROACHES:
        run = latest.get(approach.number)
        rows.append(
            {
                "approach": approach.label,
                "max tokens": approach.max_tokens,
                "units": ", ".join(map(str, approach.units)),
                "your accuracy %": math.nan if run is None else 100 * run["test_accuracy"],
                "tutorial accuracy %": approach.tutorial_accuracy,
                "training seconds": math.nan if run is None else run["train_seconds"],
            }
        )
    # No rank column: one run of each approach, yours or the tutorial's, cannot rank them (the
    # seed alone moves a run by more than most gaps between approaches; notebook 07 measures it).
    return pd.DataFrame(rows).set_index("approach")


def show_side_by_side(table):
    """`side_by_side`'s table for the screen: formatted, a dash where a run is missing."""
    return styled_table(
        table,
        decimals={"your accuracy %": 2, "tutorial accuracy %": 2, "training seconds": 1},
        index=True,
        left=("units",),
    )


def key_differences(table):
    """Accuracy gained (+) or lost (-) by each design change in one run, yours beside the
    tutorial's: questions for the experiments, not answers."""
    import pandas as pd

    rows = []
    for question, number, baseline in KEY_COMPARISONS:
        new, old = table.iloc[number - 1], table.iloc[baseline - 1]
        rows.append(
            {
                "change": question,
                "compares": f"{number} vs {baseline}",
                "your difference (points)": new["your accuracy %"] - old["your accuracy %"],
                "tutorial difference (points)": new["tutorial accuracy %"]
                - old["tutorial accuracy %"],
            }
        )
    differences = ("your difference (points)", "tutorial difference (points)")
    return styled_table(
        pd.DataFrame(rows),
        decimals=dict.fromkeys(differences, 2),
        left=("change", "compares"),
        signed=differences,
    )
