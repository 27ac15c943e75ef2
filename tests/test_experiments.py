"""textrnn_lessons.results.experiments (notebook 07): designs compared on validation over several seeds,
differences judged against the seed spread, and the test set used once.
"""

from __future__ import annotations

import pytest

from textrnn_lessons.models.approaches import get_approach
from textrnn_lessons.results.experiments import VERDICTS, Experiment, Experiments, verdict
from textrnn_lessons.results.log import read_runs
from textrnn_lessons.training.trainer import Trainer

from .conftest import MINI

SEEDS = (42, 7)
#: A smaller design than approach 1, for the second experiment: quick to train.
NARROW = get_approach(1).with_changes(units=[8])


def made_up(name: str, *accuracies: float) -> Experiment:
    return Experiment(name, get_approach(1), {}, list(accuracies), [1.0] * len(accuracies))


@pytest.mark.parametrize(
    "baseline, other, expected",
    [
        ((60, 62, 64), (70, 71, 72), "better"),  # 8 points ahead, spreads 4 and 2
        ((60, 62, 64), (50, 51, 52), "worse"),
        ((60, 62, 64), (61, 64, 67), "no real difference"),  # 2 ahead, inside the spread
        ((60, 61, 62), (58, 66, 74), "no real difference"),  # 5 ahead, but its own spread is 16
        ((60, 60, 60), (64, 64, 64), "better"),  # no spread at all: any difference counts
        ((60, 62, 64), (64, 66, 68), "no real difference"),  # exactly the spread (4): not beyond it
    ],
)
def test_a_difference_is_real_only_beyond_both_spreads(baseline, other, expected):
    assert verdict(made_up("other", *other), made_up("baseline", *baseline)) == expected
    assert expected in VERDICTS


def test_mean_and_spread():
    experiment = made_up("x", 61.0, 58.5, 66.0)
    assert experiment.mean == pytest.approx(61.8333, abs=1e-4)
    assert experiment.spread == pytest.approx(7.5)


def test_one_seed_is_refused_with_a_sentence():
    with pytest.raises(ValueError, match="at least two seeds"):
        Experiments(data=None, seeds=(42,))


@pytest.fixture(scope="module")
def lab(smoke_data):
    """Two experiments over two seeds, one epoch each: the smoke run of notebook 07's steps."""
    lab = Experiments(smoke_data, seeds=SEEDS, bench=Trainer(MINI))
    lab.predict("narrow", "better")
    lab.run("baseline", get_approach(1), epochs=1)
    lab.run("narrow", NARROW, epochs=1)
    return lab


def test_each_seed_gives_a_validation_accuracy(lab):
    for name in ("baseline", "narrow"):
        experiment = lab.done[name]
        assert len(experiment.accuracies) == len(SEEDS) == len(experiment.seconds)
        # 80 validation articles: each accuracy is a whole number of them
        assert all(
            0 <= a <= 100 and (a * 80 / 100) == pytest.approx(round(a * 80 / 100))
            for a in experiment.accuracies
        )
        assert all(s > 0 for s in experiment.seconds)
    assert lab.done["narrow"].approach.units == (8,)


def test_the_report_judges_against_the_baseline_and_the_prediction(lab, capsys):
    found = verdict(lab.done["narrow"], lab.done["baseline"])
    print(lab._report(lab.done["narrow"]))
    report = capsys.readouterr().out
    assert f"over 2 seeds, a spread of {lab.done['narrow'].spread:.1f} points" in report
    assert f"against the baseline: {found}." in report
    assert ("Right: you predicted that." in report) == (found == "better")
    assert ("Not what you predicted (better)" in report) == (found != "better")
    assert "the baseline for the experiments below" in lab._report(lab.done["baseline"])
    rows = lab.table().data
    assert rows["experiment"].tolist() == ["baseline", "narrow"]
    assert rows["verdict"].tolist() == ["baseline", found]
    assert rows["you predicted"].tolist() == ["–", "better"]
    assert lab.recommend() in ("baseline", "narrow")
    assert (lab.recommend() == "narrow") == (found == "better")


def test_predictions_are_checked(lab, capsys):
    lab.predict("wider", ...)  # left as ...: a reminder, no prediction
    assert "No prediction for 'wider' yet: replace the ..." in capsys.readouterr().out
    with pytest.raises(ValueError, match="Predict one of 'better', 'worse', 'no real difference'"):
        lab.predict("wider", "much better")
    with pytest.raises(ValueError, match="'baseline' has already run"):
        lab.predict("baseline", "worse")
    assert lab.predictions == {"narrow": "better"}


def test_the_test_set_is_used_once_and_the_run_logged(lab, smoke_data, private_results_log, capsys):
    with pytest.raises(ValueError, match="No experiment named 'widest'"):
        lab.final_test("widest")
    result = lab.final_test("narrow")
    said = capsys.readouterr().out
    assert f"on the {len(smoke_data.test):,} test articles" in said and "Logged." in said
    [record] = read_runs(private_results_log)
    assert record["label"] == "Custom: narrow" and record["units"] == [8]
    assert record["seed"] == SEEDS[0] and record["epochs"] == 1
    assert record["test_accuracy"] == pytest.approx(result.evaluation.accuracy, abs=1e-6)
    # The first seed again: the same validation accuracy as in the experiment.
    assert 100 * result.history.history["val_accuracy"][-1] == pytest.approx(
        lab.done["narrow"].accuracies[0], abs=1e-6
    )
    assert lab.final_test("baseline") is None
    assert "You already used the test set, for 'narrow'" in capsys.readouterr().out
    assert len(read_runs(private_results_log)) == 1
