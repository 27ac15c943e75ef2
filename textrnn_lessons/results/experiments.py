"""Notebook 07's experiments: designs compared on validation accuracy over several seeds.

Introduced in notebook 07_results_and_next_steps. Three rules are built in:

- choices are made on validation data, never on the test set (lesson 02);
- a design is compared by its mean over three or more seeds, and a difference from the
  baseline counts as real only when its 95 % Welch interval leaves out zero;
- a design whose validation accuracy stays near chance did not learn in the training budget,
  which says nothing about the design, so it is reported as such, never as "worse".

The test set is used once, for the design the learner picks (`final_test`). That guard lives
in the results log, not in the kernel: the final test's record carries the study's name, and a
later `final_test` for the same study on the same data (preset, source, sizes, protocol)
refuses, after Run All or a kernel restart alike. A new results log, other data, another
preset or a study of another name may test again.
"""

from __future__ import annotations

import gc
import math
from dataclasses import dataclass, field

import numpy as np

from ..models.approaches import NUM_CLASSES
from ..training.trainer import Trainer
from .tables import styled_table

SEEDS = (42, 7, 123)
MIN_SEEDS = 3
#: What a learner may predict for an experiment against the baseline.
VERDICTS = ("better", "worse", "no real difference")
DID_NOT_LEARN = "did not learn in this budget"
BASELINE_DID_NOT_LEARN = "no comparison: the baseline did not learn"
CONFIDENCE = 0.95
#: A design "learned" when its mean validation accuracy is at least this many points above
#: chance; below that its seeds mostly guess, and comparing it says nothing about the design.
LEARNED_MARGIN = 10.0
STUDY = "lesson 07"


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
    def standard_error(self) -> float:
        """How far the mean itself may move with other seeds: shrinks as seeds are added."""
        if len(self.accuracies) < 2:
            return math.nan
        return float(np.std(self.accuracies, ddof=1) / math.sqrt(len(self.accuracies)))


@dataclass(frozen=True)
class Comparison:
    """A design against the baseline: the difference of means, its interval, the verdict."""

    difference: float
    low: float
    high: float
    verdict: str


def welch_interval(design, baseline, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """The `confidence` interval of mean(design) - mean(baseline) when the two may vary by
    different amounts (Welch): Student's t with the Welch-Satterthwaite degrees of freedom."""
    from scipy import stats  # installed with scikit-learn, which requires it

    design, baseline = np.asarray(design, float), np.asarray(baseline, float)
    difference = float(design.mean() - baseline.mean())
    shares = [x.var(ddof=1) / len(x) for x in (design, baseline)]  # squared standard errors
    error = math.sqrt(sum(shares))
    if error == 0:  # no seed moved either design: nothing to widen
        return difference, difference
    freedom = sum(shares) ** 2 / sum(
        v**2 / (len(x) - 1) for v, x in zip(shares, (design, baseline))
    )
    half = float(stats.t.ppf((1 + confidence) / 2, freedom)) * error
    return difference - half, difference + half


def chance_level(labels) -> float:
    """Validation accuracy (%) of always guessing the commonest topic: 25 % for four balanced."""
    counts = np.bincount(np.asarray(labels))
    return float(100 * counts.max() / counts.sum())


def learned(experiment: Experiment, chance: float) -> bool:
    return experiment.mean >= chance + LEARNED_MARGIN


def compare(experiment: Experiment, baseline: Experiment, chance: float = 25.0) -> Comparison:
    """The design against the baseline: real only when the Welch interval leaves out zero, and
    only between designs that both learned."""
    low, high = welch_interval(experiment.accuracies, baseline.accuracies)
    difference = experiment.mean - baseline.mean
    if not learned(experiment, chance):
        found = DID_NOT_LEARN
    elif not learned(baseline, chance):
        found = BASELINE_DID_NOT_LEARN
    elif low > 0:
        found = "better"
    elif high < 0:
        found = "worse"
    else:
        found = "no real difference"
    return Comparison(difference, low, high, found)


def verdict(experiment: Experiment, baseline: Experiment, chance: float = 25.0) -> str:
    """'better', 'worse', 'no real difference' or why there is no comparison."""
    return compare(experiment, baseline, chance).verdict


class Experiments:
    """Variations on a design, each trained once per seed on the same data; one final test.

    `budget` is the training every experiment gets unless it says otherwise (epochs,
    batch_size, learning_rate, optimizer): the same for all, so that the designs, not their
    training, are compared. `study` names the final test in the results log.
    """

    def __init__(self, data, seeds=SEEDS, bench: Trainer | None = None, study=STUDY, **budget):
        self.seeds = _checked_seeds(seeds)
        self.data = data
        self.bench = bench or Trainer()
        self.budget = budget
        self.study = str(study)
        self.done: dict[str, Experiment] = {}
        self.predictions: dict[str, str] = {}
        self.waiting: set[str] = set()  # predictions left as ...: those experiments wait

    @property
    def chance(self) -> float:
        """What guessing scores on this lab's validation slice (25 % without data)."""
        validation = getattr(self.data, "validation", None)
        return 100 / NUM_CLASSES if validation is None else chance_level(validation.labels)

    @property
    def baseline(self) -> Experiment:
        """The first experiment run; a sentence if there is none yet."""
        if not self.done:
            raise ValueError(
                "No experiment has run yet. Run the baseline first, for example "
                'lab.run("baseline: approach 2", get_approach(2)); every later experiment '
                "is compared with it."
            )
        return next(iter(self.done.values()))

    def predict(self, name: str, expected: str) -> None:
        """Write down what you expect an experiment to do, before you run it."""
        if expected is Ellipsis:
            self.waiting.add(name)
            print(
                f"No prediction for {name!r} yet: replace the ... with "
                f"{', '.join(map(repr, VERDICTS))}, then run the cell again."
            )
            return
        if expected not in VERDICTS:
            raise ValueError(f"Predict one of {', '.join(map(repr, VERDICTS))}; got {expected!r}.")
        if name in self.done:
            raise ValueError(
                f"{name!r} has already run: a prediction counts only before the results are in."
            )
        self.waiting.discard(name)
        self.predictions[name] = expected

    def run(self, name: str, approach, **settings) -> Experiment | None:
        """Train `approach` once per seed and report its validation accuracy against the first
        experiment (the baseline). `settings` change the budget for this experiment: epochs,
        batch_size, optimizer, learning_rate, callbacks. An experiment whose prediction was
        left as ... waits for it and trains nothing."""
        if name in self.waiting:
            print(f"{name!r} waits for your prediction: nothing was trained.")
            return None
        experiment = Experiment(name, approach, {**self.budget, **settings})
        for seed in self.seeds:
            result = self.bench.run(
                approach, self.data, seed=seed, test=False, **experiment.settings
            )
            experiment.accuracies.append(100 * result.history.history["val_accuracy"][-1])
            experiment.seconds.append(result.history.train_seconds)
            del result
            gc.collect()  # one network at a time: a Binder kernel has little memory to spare
        self.done[name] = experiment
        print(self._report(experiment))
        return experiment

    def _report(self, experiment: Experiment) -> str:
        line = (
            f"{experiment.name}: validation accuracy {experiment.mean:.1f} % on average over "
            f"{len(experiment.accuracies)} seeds (standard error "
            f"{experiment.standard_error:.1f}; seeds: {_listed(experiment.accuracies)}; "
            f"trained in {sum(experiment.seconds):.0f} s)"
        )
        first = experiment is self.baseline
        if not learned(experiment, self.chance):
            line += (
                f". That is near chance ({self.chance:.0f} %): it {DID_NOT_LEARN}, so "
                + ("nothing can be compared with it" if first else "it is not compared")
                + ". Train it longer (more epochs) before judging the design."
            )
        elif first:
            line += "; the baseline for the experiments below."
        found = None if first else compare(experiment, self.baseline, self.chance)
        if found is not None and found.verdict in VERDICTS:
            line += (
                f"; {found.difference:+.1f} points against the baseline "
                f"(95 % interval {found.low:+.1f} to {found.high:+.1f}): {found.verdict}."
            )
        elif found is not None and found.verdict == BASELINE_DID_NOT_LEARN:
            line += f"; {found.verdict}."
        expected = self.predictions.get(experiment.name)
        if found is None or expected is None:
            return line
        if found.verdict not in VERDICTS:
            return line + f"\nYour prediction ({expected}) cannot be judged in this budget."
        if expected == found.verdict:
            return line + "\nRight: you predicted that."
        return line + (
            f"\nNot what you predicted ({expected}). Think about why before reading the "
            "discussion below; an interval that holds zero is no evidence either way."
        )

    def table(self):
        """Every experiment so far: mean, standard error, difference with its interval, verdict."""
        import pandas as pd

        if not self.done:
            return pd.DataFrame()
        rows = [self._row(e) for e in self.done.values()]
        return styled_table(
            pd.DataFrame(rows),
            decimals={
                "validation accuracy % (mean)": 1,
                "standard error": 1,
                "vs baseline (points)": 1,
                "seconds per run": 1,
            },
            left=("experiment", "design", "seeds %", "95 % interval", "verdict", "you predicted"),
            signed=("vs baseline (points)",),
        )

    def _row(self, experiment: Experiment) -> dict:
        first = experiment is self.baseline
        found = None if first else compare(experiment, self.baseline, self.chance)
        own = "baseline" if learned(experiment, self.chance) else f"baseline; {DID_NOT_LEARN}"
        return {
            "experiment": experiment.name,
            "design": experiment.approach.describe() + self._training(experiment),
            "seeds %": _listed(experiment.accuracies),
            "validation accuracy % (mean)": experiment.mean,
            "standard error": experiment.standard_error,
            "vs baseline (points)": None if first else found.difference,
            "95 % interval": "" if first else f"{found.low:+.1f} to {found.high:+.1f}",
            "verdict": own if first else found.verdict,
            "you predicted": self.predictions.get(experiment.name, "–"),
            "seconds per run": float(np.median(experiment.seconds)),
        }

    def _training(self, experiment: Experiment) -> str:
        """How an experiment's training differs from the lab's budget, if it does."""
        changed = {
            key: value
            for key, value in experiment.settings.items()
            if self.budget.get(key) != value
        }
        words = [
            f"{len(value)} callback(s)"
            if key == "callbacks"
            else f"{key.replace('_', ' ')} {value}"
            for key, value in changed.items()
        ]
        return "; " + ", ".join(words) if words else ""

    def recommend(self) -> str:
        """The rule's pick: the best mean among experiments really better than the baseline,
        else the baseline itself."""
        baseline = self.baseline
        better = [e for e in self.done.values() if verdict(e, baseline, self.chance) == "better"]
        return max(better, key=lambda e: e.mean).name if better else baseline.name

    def earlier_final_test(self) -> dict | None:
        """This study's final test on this data in the results log, if there is one."""
        from .log import read_runs
        from .records import on_same_data

        for record in reversed(read_runs()):
            if record.get("final_test") == self.study and on_same_data(record, self.data):
                return record
        return None

    def final_test(self, name):
        """Train the chosen experiment once more (first seed), test it once, and log it.

        Nothing is trained or tested while `name` is ... or when the results log already
        holds this study's final test on this data."""
        _ = self.baseline  # a sentence when nothing has run yet
        earlier = self.earlier_final_test()
        if earlier is not None:
            print(
                f"You already used the test set in {self.study!r} on this data, for "
                f"{earlier['experiment']!r}: {100 * earlier['test_accuracy']:.2f} % "
                f"(logged {earlier['time']}). Choosing again after seeing a test score would "
                "make the test set part of the choice; report that first score."
            )
            return None
        if name is Ellipsis or name is None:
            print(
                "Nothing tested yet: write your choice in Exercise 2 (my_choice = "
                '"..."), run its check, then run this cell. The test set is untouched.'
            )
            return None
        if name not in self.done:
            raise ValueError(
                f"No experiment named {name!r}; choose one of {', '.join(map(repr, self.done))}."
            )
        return self._test_once(name)

    def _test_once(self, name: str):
        from .log import append_run, check_writable

        check_writable()  # refuse before training, not after
        chosen = self.done[name]
        approach = (
            chosen.approach.with_changes(name=name)
            if chosen.approach.number is None
            else chosen.approach
        )
        result = self.bench.run(approach, self.data, seed=self.seeds[0], **chosen.settings)
        record = {
            **result.record,
            "final_test": self.study,
            "experiment": name,
            "validation_mean": round(chosen.mean, 2),
            "seeds": list(self.seeds),
        }
        append_run(record)
        print(
            f"{name}: {100 * result.evaluation.accuracy:.2f} % on the {len(self.data.test):,} "
            f"test articles (validation: {chosen.mean:.1f} % on average). Logged, so this "
            f"study ({self.study!r}) will not test again on this data."
        )
        return result


def _checked_seeds(seeds) -> tuple[int, ...]:
    """Three or more different whole numbers, or a sentence saying what is wrong."""
    try:
        seeds = tuple(seeds)
    except TypeError:
        raise ValueError(
            f"seeds must be a list of three or more whole numbers, like {SEEDS}; got {seeds!r}."
        ) from None
    if not all(isinstance(s, (int, np.integer)) and not isinstance(s, bool) for s in seeds):
        raise ValueError(f"Every seed must be a whole number, like {SEEDS}; got {seeds!r}.")
    repeated = sorted({s for s in seeds if seeds.count(s) > 1})
    if repeated:
        raise ValueError(
            f"The seeds {seeds} repeat {', '.join(map(str, repeated))}: a repeated seed trains "
            "the same network again and makes the seed's effect look smaller than it is. Give "
            f"{MIN_SEEDS} or more different seeds, like {SEEDS}."
        )
    if len(seeds) < MIN_SEEDS:
        raise ValueError(
            f"Compare over at least {MIN_SEEDS} seeds (you gave {len(seeds)}): fewer cannot "
            "tell a real difference from the luck of the seed."
        )
    return tuple(int(s) for s in seeds)


def _listed(accuracies) -> str:
    return ", ".join(f"{a:.1f}" for a in accuracies)
