"""textrnn_lessons.results.experiments (notebook 07): designs compared on validation over three
or more seeds, differences judged by a Welch interval, designs near chance reported as not
having learned, and the test set used once per study and data, remembered by the results log.
"""

from __future__ import annotations

import dataclasses
import json

import pytest

from textrnn_lessons.models.approaches import get_approach
from textrnn_lessons.results.experiments import (
    BASELINE_DID_NOT_LEARN,
    DID_NOT_LEARN,
    VERDICTS,
    Experiment,
    Experiments,
    compare,
    verdict,
    welch_interval,
)
from textrnn_lessons.results.log import read_runs
from textrnn_lessons.training.trainer import Trainer

from .conftest import MINI

SEEDS = (42, 7, 123)
#: A smaller design than approach 1, for the second experiment: quick to train.
NARROW = get_approach(1).with_changes(units=[8])


def made_up(name: str, *accuracies: float) -> Experiment:
    return Experiment(name, get_approach(1), {}, list(accuracies), [1.0] * len(accuracies))


@pytest.mark.parametrize(
    "baseline, other, expected",
    [
        ((60, 62, 64), (70, 71, 72), "better"),  # 9 points ahead, interval +4.8 to +13.2
        ((60, 62, 64), (50, 51, 52), "worse"),
        ((60, 62, 64), (61, 64, 67), "no real difference"),  # 2 ahead, interval holds zero
        ((60, 61, 62), (58, 66, 74), "no real difference"),  # 5 ahead, but its own seeds vary
        ((60, 60, 60), (64, 64, 64), "better"),  # no seed moved either: any difference counts
        ((60, 60, 60), (60, 60, 60), "no real difference"),
        ((60, 62, 64), (64, 66, 68), "no real difference"),  # 4 ahead: -0.5 to +8.5
        ((60, 62, 64), (67, 68, 69), "better"),  # 6 ahead: +1.8 to +10.2
        ((60, 62, 64), (25, 26, 24), DID_NOT_LEARN),  # near chance: not "worse"
        ((33, 34, 35), (25, 25, 26), DID_NOT_LEARN),
        ((26, 24, 25), (60, 62, 64), BASELINE_DID_NOT_LEARN),
    ],
)
def test_a_difference_is_real_only_when_its_interval_leaves_out_zero(baseline, other, expected):
    assert verdict(made_up("other", *other), made_up("baseline", *baseline)) == expected


def test_the_interval_is_welchs_for_the_difference_of_means():
    low, high = welch_interval([70, 71, 72], [60, 62, 64])
    # means 71 and 62; standard errors 1/sqrt(3) and 2/sqrt(3); Welch df 2.94, t 3.19
    assert (low, high) == (pytest.approx(4.845, abs=1e-3), pytest.approx(13.155, abs=1e-3))
    found = compare(made_up("a", 70, 71, 72), made_up("b", 60, 62, 64))
    assert found.difference == pytest.approx(9) and found.verdict == "better"
    assert welch_interval([64, 64, 64], [60, 60, 60]) == (4, 4)


@pytest.mark.parametrize(
    "design, baseline",
    [
        ((70, 71, 72), (60, 62, 64)),
        ((58, 66, 74), (60, 61, 62)),
        ((70, 70.5, 71, 69), (58, 62, 72)),
    ],
)
def test_the_interval_agrees_with_scipys_welch_t_test(design, baseline):
    from scipy import stats

    expected = stats.ttest_ind(design, baseline, equal_var=False).confidence_interval(0.95)
    assert welch_interval(design, baseline) == (
        pytest.approx(expected.low, abs=1e-9),
        pytest.approx(expected.high, abs=1e-9),
    )


def test_chance_follows_the_validation_slice():
    lab = Experiments(data=None)
    assert lab.chance == 25
    assert verdict(made_up("x", 40, 41, 42), made_up("b", 60, 61, 62), chance=35) == DID_NOT_LEARN


def test_mean_and_standard_error():
    experiment = made_up("x", 61.0, 58.5, 66.0)
    assert experiment.mean == pytest.approx(61.8333, abs=1e-4)
    # sample standard deviation 3.819 over sqrt(3)
    assert experiment.standard_error == pytest.approx(2.2048, abs=1e-4)
    # More seeds like these make the mean surer; the runs themselves are as scattered.
    assert made_up("y", 61.0, 58.5, 66.0, 61.0, 58.5, 66.0).standard_error < 2.2048 * 0.75


@pytest.mark.parametrize(
    "seeds, says",
    [
        ((42,), "at least 3 seeds (you gave 1)"),
        ((42, 7), "at least 3 seeds (you gave 2)"),
        ((42, 42, 7), "repeat 42"),
        ((1.5, 2, 3), "Every seed must be a whole number"),
        (42, "seeds must be a list of three or more whole numbers"),
    ],
)
def test_seeds_are_three_or_more_different_whole_numbers(seeds, says):
    with pytest.raises(ValueError, match=says.replace("(", r"\(").replace(")", r"\)")):
        Experiments(data=None, seeds=seeds)


def test_before_any_experiment_each_call_says_what_to_do_first():
    lab = Experiments(data=None)
    for call in (lab.recommend, lambda: lab.final_test("baseline"), lambda: lab.final_test(...)):
        with pytest.raises(ValueError, match="No experiment has run yet. Run the baseline first"):
            call()
    assert lab.table().empty


class NoTraining(Trainer):
    """A Trainer that fails the test if anything trains."""

    def run(self, *args, **kwargs):
        raise AssertionError("trained, but nothing should have")


def test_an_experiment_whose_prediction_is_left_as_dots_trains_nothing(capsys):
    lab = Experiments(data=None, bench=NoTraining())
    lab.predict("wider", ...)
    assert lab.run("wider", get_approach(1)) is None
    said = capsys.readouterr().out
    assert "No prediction for 'wider' yet" in said and "nothing was trained" in said
    assert "wider" not in lab.done
    lab.predict("wider", "better")  # filled in: it would train now
    assert "wider" not in lab.waiting and lab.predictions == {"wider": "better"}


@pytest.fixture(scope="module")
def lab(smoke_data):
    """Two experiments over three seeds, one epoch each: the smoke run of notebook 07's steps."""
    lab = Experiments(smoke_data, seeds=SEEDS, bench=Trainer(MINI), batch_size=64)
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
        assert experiment.settings == {"batch_size": 64, "epochs": 1}
    assert lab.done["narrow"].approach.units == (8,)


def test_the_report_and_table_judge_against_the_baseline_and_the_prediction(lab, capsys):
    found = compare(lab.done["narrow"], lab.done["baseline"], lab.chance)
    report = lab._report(lab.done["narrow"])
    assert "over 3 seeds (standard error" in report and "trained in" in report
    if found.verdict in VERDICTS:
        assert f"(95 % interval {found.low:+.1f} to {found.high:+.1f}): {found.verdict}." in report
        assert ("Right: you predicted that." in report) == (found.verdict == "better")
    else:  # one epoch on 720 articles may well stay near chance
        assert "it did not learn in this budget" in report or found.verdict in report
        assert "Your prediction (better) cannot be judged in this budget." in report
    rows = lab.table().data
    assert rows["experiment"].tolist() == ["baseline", "narrow"]
    assert rows["verdict"].tolist()[1] == found.verdict
    assert rows["you predicted"].tolist() == ["–", "better"]
    assert rows["seeds %"].tolist()[0].count(",") == 2
    assert (lab.recommend() == "narrow") == (found.verdict == "better")


def test_predictions_are_checked(lab):
    with pytest.raises(ValueError, match="Predict one of 'better', 'worse', 'no real difference'"):
        lab.predict("wider", "much better")
    with pytest.raises(ValueError, match="'baseline' has already run"):
        lab.predict("baseline", "worse")
    assert lab.predictions == {"narrow": "better"}


def test_the_final_test_waits_for_an_explicit_choice(lab, private_results_log, capsys):
    assert lab.final_test(...) is None
    assert "Nothing tested yet: write your choice in Exercise 2" in capsys.readouterr().out
    assert read_runs(private_results_log) == []
    with pytest.raises(ValueError, match="No experiment named 'widest'"):
        lab.final_test("widest")
    assert read_runs(private_results_log) == []


def test_the_test_set_is_used_once_per_study_and_data_even_after_a_restart(
    lab, smoke_data, private_results_log, capsys
):
    result = lab.final_test("narrow")
    said = capsys.readouterr().out
    assert f"on the {len(smoke_data.test):,} test articles" in said and "Logged" in said
    [record] = read_runs(private_results_log)
    assert record["label"] == "Custom: narrow" and record["units"] == [8]
    assert record["final_test"] == "lesson 07" and record["experiment"] == "narrow"
    assert record["seed"] == SEEDS[0] and record["epochs"] == 1 and record["batch_size"] == 64
    assert record["test_accuracy"] == pytest.approx(result.evaluation.accuracy, abs=1e-6)
    # The first seed again: the same validation accuracy as in the experiment.
    assert 100 * result.history.history["val_accuracy"][-1] == pytest.approx(
        lab.done["narrow"].accuracies[0], abs=1e-6
    )
    assert lab.final_test("baseline") is None
    assert "You already used the test set in 'lesson 07' on this data, for 'narrow'" in (
        capsys.readouterr().out
    )

    # Run All, or a kernel restart: a new lab on the same data and log still refuses.
    again = Experiments(smoke_data, bench=NoTraining())
    again.done["baseline"] = made_up("baseline", 60, 61, 62)
    assert again.final_test("baseline") is None
    assert again.final_test(...) is None
    assert "You already used the test set" in capsys.readouterr().out
    assert len(read_runs(private_results_log)) == 1

    # Another study, other data or another preset may test again.
    assert Experiments(smoke_data, study="after the workshop").earlier_final_test() is None
    other_data = dataclasses.replace(smoke_data, source="another folder")
    assert Experiments(other_data).earlier_final_test() is None
    assert again.earlier_final_test()["experiment"] == "narrow"


def test_an_unreadable_log_stops_the_final_test_before_training(smoke_data, private_results_log):
    private_results_log.write_text(json.dumps({"time": 1}) + "\n")
    lab = Experiments(smoke_data, bench=NoTraining())
    lab.done["baseline"] = made_up("baseline", 60, 61, 62)
    with pytest.raises(ValueError, match="line 1 has no 'approach'"):
        lab.final_test("baseline")


def test_a_log_without_the_five_approaches_leaves_dashes_unless_asked(smoke_data, capsys):
    from textrnn_lessons.results.summary import (
        key_differences,
        side_by_side,
        train_missing_approaches,
    )

    assert train_missing_approaches(smoke_data, bench=NoTraining(), train=False) == []
    said = capsys.readouterr().out
    assert "Your log has no run of approaches 1, 2, 3, 4 and 5 on this data" in said
    assert "set TRAIN_MISSING = True" in said
    table = side_by_side(smoke_data)
    assert table["your accuracy %"].isna().all() and "your rank" not in table.columns
    shown = key_differences(table).data
    assert shown["your difference (points)"].isna().all()
    assert shown["tutorial difference (points)"].notna().all()
