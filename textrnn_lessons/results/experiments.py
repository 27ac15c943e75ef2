"""Notebook 07's experiments: designs compared on validation accuracy over several seeds.

Introduced in notebook 07_results_and_next_steps. Two rules from lesson 02 are built in:
choices are made on validation data, never on the test set; and a difference counts as real
only when it is bigger than what changing the seed alone does. The test set is used once, at
the end, for the design you pick (`final_test`).
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, field

import numpy as np

from ..training.trainer import Trainer
from .tables import styled_table

SEEDS = (42, 7, 123)
VERDICTS = ("better", "worse", "no real difference")


@dataclass
class Experiment:
    """One design trained once per seed: its final validation accuracy (%) for each seed."""

    name: str
    approach: object
    settings: dict
    accuracies: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)

    @property
    def mean(self) -> float:
        return float(np.mean(self.accuracies))

    @property
    def spread(self) -> float:
        """Highest minus lowest accuracy over the seeds: what the seed alone does."""
        return float(np.max(self.accuracies) - np.min(self.accuracies))


def verdict(experiment: Experiment, baseline: Experiment) -> str:
    """'better', 'worse' or 'no real difference': real only beyond both spreads."""
    difference = experiment.mean - baseline.mean
    if abs(difference) <= max(experiment.spread, baseline.spread):
        return "no real difference"
    return "better" if difference > 0 else "worse"


class Experiments:
    """Variations on a design, each trained once per seed on the same data; one final test."""

    def __init__(self, data, seeds=SEEDS, bench: Trainer | None = None):
        if len(seeds) < 2:
            raise ValueError(
                "Compare over at least two seeds (three is better): one run cannot "
                "tell a real difference from the luck of the seed."
            )
        self.data, self.seeds = data, tuple(seeds)
        self.bench = bench or Trainer()
        self.done: dict[str, Experiment] = {}
        self.predictions: dict[str, str] = {}
        self.tested: str | None = None

    def predict(self, name: str, expected: str) -> None:
        """Write down what you expect an experiment to do, before you run it."""
        if expected is Ellipsis:
            print(
                f"No prediction for {name!r} yet: replace the ... with "
                f"{', '.join(map(repr, VERDICTS))}."
            )
            return
        if expected not in VERDICTS:
            raise ValueError(f"Predict one of {', '.join(map(repr, VERDICTS))}; got {expected!r}.")
        if name in self.done:
            raise ValueError(
                f"{name!r} has already run: a prediction counts only before the results are in."
            )
        self.predictions[name] = expected

    def run(self, name: str, approach, **settings) -> Experiment:
        """Train `approach` once per seed and report its validation accuracy against the first
        experiment (the baseline). `settings`: epochs, optimizer, learning_rate, callbacks."""
        experiment = Experiment(name, approach, settings)
        for seed in self.seeds:
            result = self.bench.run(approach, self.data, seed=seed, test=False, **settings)
            experiment.accuracies.append(100 * result.history.history["val_accuracy"][-1])
            experiment.seconds.append(result.history.train_seconds)
            del result
            gc.collect()  # one network at a time: a Binder kernel has little memory to spare
        self.done[name] = experiment
        print(self._report(experiment))
        return experiment

    def _report(self, experiment: Experiment) -> str:
        line = (
            f"{experiment.name}: validation accuracy {experiment.mean:.1f} % on average "
            f"({min(experiment.accuracies):.1f}-{max(experiment.accuracies):.1f} over "
            f"{len(self.seeds)} seeds, a spread of {experiment.spread:.1f} points)"
        )
        baseline = next(iter(self.done.values()))
        if baseline is experiment:
            return line + "; the baseline for the experiments below."
        found = verdict(experiment, baseline)
        line += f"; {experiment.mean - baseline.mean:+.1f} points against the baseline: {found}."
        expected = self.predictions.get(experiment.name)
        if expected is not None:
            line += (
                "\nRight: you predicted that."
                if expected == found
                else f"\nNot what you predicted ({expected}). Think about why before reading "
                "the discussion below; a difference inside the seed spread is no evidence "
                "either way."
            )
        return line

    def table(self):
        """Every experiment so far: mean, range, difference with the baseline, verdict."""
        import pandas as pd

        baseline = next(iter(self.done.values()), None)
        rows = [_row(e, baseline, self.predictions.get(e.name, "–")) for e in self.done.values()]
        return styled_table(
            pd.DataFrame(rows),
            decimals={"seconds per run": 1},
            left=("experiment", "design", "verdict", "you predicted"),
            signed=("vs baseline (points)",),
        )

    def recommend(self) -> str:
        """The rule's pick: the best mean among experiments really better than the baseline,
        else the baseline itself."""
        baseline = next(iter(self.done.values()))
        better = [e for e in self.done.values() if verdict(e, baseline) == "better"]
        return max(better, key=lambda e: e.mean).name if better else baseline.name

    def final_test(self, name: str):
        """Train the chosen experiment once more (first seed), test it once, and log it."""
        if self.tested is not None:
            print(
                f"You already used the test set, for {self.tested!r}. Choosing again after "
                "seeing a test score would make the test set part of the choice; report "
                "that first score."
            )
            return None
        if name not in self.done:
            raise ValueError(
                f"No experiment named {name!r}; choose one of {', '.join(map(repr, self.done))}."
            )
        chosen = self.done[name]
        approach = (
            chosen.approach.with_changes(name=name)
            if chosen.approach.number is None
            else chosen.approach
        )
        result = self.bench.run(approach, self.data, seed=self.seeds[0], **chosen.settings)
        self.bench.log(result)
        self.tested = name
        print(
            f"{name}: {100 * result.evaluation.accuracy:.2f} % on the {len(self.data.test):,} "
            f"test articles (validation: {chosen.mean:.1f} % on average). Logged."
        )
        return result


def _row(experiment: Experiment, baseline: Experiment, predicted: str) -> dict:
    """One line of `Experiments.table`."""
    first = experiment is baseline
    return {
        "experiment": experiment.name,
        "design": experiment.approach.describe(),
        "validation accuracy % (mean)": experiment.mean,
        "lowest %": min(experiment.accuracies),
        "highest %": max(experiment.accuracies),
        "vs baseline (points)": None if first else experiment.mean - baseline.mean,
        "verdict": "baseline" if first else verdict(experiment, baseline),
        "you predicted": predicted,
        "seconds per run": float(np.median(experiment.seconds)),
    }
