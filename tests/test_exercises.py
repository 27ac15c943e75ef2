"""textrnn_lessons.teaching.exercises: each check passes the right answer, answers each typical wrong
answer with its own hint, and reminds a learner who left the `...` in place.

The expected numbers are worked out here by hand, from the lessons' formulas.
"""

from __future__ import annotations

import numpy as np
import pytest

from textrnn_lessons.settings import get_preset
from textrnn_lessons.teaching import exercises


def said(verdict) -> str:
    return verdict.text


def assert_right(verdict, *fragments):
    assert verdict and said(verdict).startswith("Right: "), said(verdict)
    for fragment in fragments:
        assert fragment in said(verdict)


def assert_hint(verdict, fragment):
    assert not verdict and said(verdict).startswith("Not yet: "), said(verdict)
    assert fragment in said(verdict), said(verdict)


# check name -> (call with the answer, right answer, {wrong answer: hint fragment}, general hint)
def _layer_count(approach, layer):
    return lambda answer: exercises.check_layer_count(answer, approach, layer)


CHECKS = {
    "training articles (workshop)": (
        lambda answer: exercises.check_training_articles(answer, get_preset("workshop")),
        10_800,
        {12_000: "that is the whole pool", 1_200: "that is the validation slice"},
        "take away the validation fraction (10%)",
    ),
    "training articles (full)": (
        lambda answer: exercises.check_training_articles(answer, get_preset("full")),
        108_000,
        {120_000: "that is the whole pool", 12_000: "that is the validation slice"},
        "take away the validation fraction",
    ),
    "steps per epoch (workshop)": (
        lambda answer: exercises.check_steps_per_epoch(answer, get_preset("workshop")),
        43,
        {47: "the validation slice does not take part", 42: "round up"},
        "divide the training articles by the batch size",
    ),
    "parameter count (approach 1)": (
        lambda answer: exercises.check_parameter_count(answer, 1_000, approach=1),
        34_254,
        {
            34_200: "also has a bias",
            31_754: "carries its state from step to step",
            4_254: "the embedding table is a layer with weights too",
            30_000 + 25 * 4_050 + 204: "the same weights at every step",
        },
        "add up the three layers",
    ),
    "no new weights (approach 2)": (
        exercises.check_no_new_weights,
        0,
        {750: "the embedding table does not grow with the window"},
        "compare the two model.summary() tables",
    ),
    "layer count (approach 3, layer 1)": (
        _layer_count(3, 1),
        8_100,
        {4_050: "a bidirectional layer holds two complete recurrent layers."},
        "once for each direction",
    ),
    "layer count (approach 4, layer 2)": (
        _layer_count(4, 2),
        6_660,
        {5_460: "reads the layer below it (50 numbers per step)"},
        "units x (numbers read per step + units + 1).",
    ),
    "layer count (approach 5, layer 3)": (
        _layer_count(5, 3),
        29_400,
        {
            14_700: "a bidirectional layer holds two complete recurrent layers.",
            15_900: "reads the layer below it (120 numbers per step)",
            20_400: "the layer below is bidirectional",
            10_200: "holds two complete recurrent layers, and the layer below passes on both",
        },
        "once for each direction",
    ),
}


@pytest.mark.parametrize("name", CHECKS)
def test_each_number_check_knows_right_from_each_typical_wrong_answer(name):
    check, correct, wrong, general = CHECKS[name]
    assert_right(check(correct))
    assert_right(check(str(correct)))  # typed as text, still a number
    hints = []
    for answer, fragment in wrong.items():
        assert_hint(check(answer), fragment)
        hints.append(said(check(answer)))
    assert len(set(hints)) == len(hints)  # each wrong answer its own hint
    assert_hint(check(correct + 1_000_001), general)  # any other number: the general hint
    assert_hint(check(...), "replace the ... with your answer")
    assert_hint(check(None), "replace the ... with your answer")
    assert_hint(check("about a thousand"), "the answer should be a number; got 'about a thousand'")


def test_the_verdict_prints_once_and_shows_nothing_more_in_a_notebook(capsys):
    verdict = exercises.check_no_new_weights(0)
    assert capsys.readouterr().out == said(verdict) + "\n"
    assert verdict._ipython_display_() is None
    assert repr(verdict).startswith("Verdict('Right: none.")
    assert bool(exercises.check_no_new_weights(1)) is False


LENGTHS = [3, 10, 25, 25, 30, 60, 100, 7]  # 5 of 8 have at most 25 tokens


def test_kept_whole_share_in_percent():
    check = lambda answer: exercises.check_kept_whole(answer, LENGTHS, 25)  # noqa: E731
    assert_right(check(62.5), "62.5 % of the articles have at most 25 tokens")
    assert_right(check(62.54))  # within the rounding a learner may do
    assert_hint(check(0.625), "that is a fraction; give it in percent")
    kept_tokens = 100 * (3 + 10 + 25 * 5 + 7) / sum(LENGTHS)
    assert_hint(check(kept_tokens), "that is the share of all *tokens* kept")
    assert_hint(check(37.5), "an article of exactly 25 tokens fits too: use <=")
    assert_hint(check(50), "count the articles with lengths <= 25")
    assert_hint(check(...), "replace the ...")


@pytest.fixture(scope="module")
def toy_vectorizer():
    from textrnn_lessons.data.vectorizer import build_vectorizer

    return build_vectorizer(
        ["The team wins the cup", "Stocks rally as the cup final nears", "Stocks fall"], 12
    )


def test_toy_indexes(toy_vectorizer):
    sentence = "The team wins the cup, and stocks rally!"
    vocabulary = toy_vectorizer.get_vocabulary()
    tokens = ["the", "team", "wins", "the", "cup", "and", "stocks", "rally"]
    expected = [vocabulary.index(t) if t in vocabulary else 1 for t in tokens]
    assert expected[5] == 1 and expected[0] == 2  # "and" is unknown; "the" is the commonest
    check = lambda answer: exercises.check_toy_indexes(answer, toy_vectorizer, sentence)  # noqa: E731
    assert_right(check(expected), "Every word the vocabulary lacks becomes 1, [UNK]")
    assert_right(check(tuple(str(i) for i in expected)))
    assert_hint(
        check(expected[:5] + expected[6:]),
        "the sentence has 8 tokens (punctuation becomes a space), so the answer needs 8 indexes",
    )
    assert_hint(check(expected + [0, 0]), "the answer needs 8 indexes")
    from_zero = [i - 2 if i != 1 else 1 for i in expected]  # counted the vocabulary from 0
    assert_hint(check(from_zero), "the first word of the vocabulary has index 2")
    assert_hint(check([i - 2 if i != 1 else 0 for i in expected]), "has index 2")
    unknown_as_zero = [i if i != 1 else 0 for i in expected]
    assert_hint(check(unknown_as_zero), "0 means padding; a word the vocabulary lacks becomes 1")
    assert_hint(check([i + 1 for i in expected]), "look each lower-cased word up")
    assert_hint(check(...), "replace the ... with your list of indexes")
    assert_hint(check("2 3 4"), "should be a list of whole numbers")
    assert_hint(check(7), "should be a list of whole numbers")


def test_accuracy_from_the_confusion_matrix():
    from textrnn_lessons.evaluation.metrics import Evaluation

    confusion = np.array([[50, 5, 3, 2], [4, 60, 1, 0], [6, 2, 40, 12], [3, 1, 10, 56]])
    evaluation = Evaluation(
        0.0, "", confusion, np.zeros(0), np.zeros(0), ("World", "Sports", "Business", "Sci/Tech")
    )
    check = lambda answer: exercises.check_accuracy_from_confusion(answer, evaluation)  # noqa: E731
    accuracy = 100 * 206 / 255
    assert_right(check(accuracy), "206 correct of 255: 80.78 %")
    assert_right(check(80.8))  # rounded as a learner would
    assert_hint(check(accuracy / 100), "that is a fraction; give it in percent")
    for recall in (100 * 50 / 60, 100 * 60 / 65, 100 * 40 / 60, 100 * 56 / 70):
        assert_hint(check(recall), "that is one topic's recall (one row)")
    assert_hint(check(50), "add up the diagonal")
    assert_hint(check(...), "replace the ...")


def test_accuracy_from_sklearns_matrix_as_lesson_02_passes_it():
    """Lesson 02 passes scikit-learn's confusion_matrix itself, an array."""
    matrix = np.array([[50, 5, 3, 2], [4, 60, 1, 0], [6, 2, 40, 12], [3, 1, 10, 56]])
    assert_right(exercises.check_accuracy_from_confusion(100 * 206 / 255, matrix), "206 correct")
    assert_right(exercises.check_accuracy_from_confusion(80.78, matrix.tolist()))


# --- 07: choosing a design by the interval rule ------------------------------------------------


def lab_with(**accuracies):
    """An Experiments object holding finished experiments (the first is the baseline)."""
    from textrnn_lessons.models.approaches import get_approach
    from textrnn_lessons.results.experiments import Experiment, Experiments

    lab = Experiments(data=None, seeds=(1, 2, 3))
    for name, values in accuracies.items():
        lab.done[name] = Experiment(name, get_approach(1), {}, list(values), [1.0] * len(values))
    return lab


def test_choice_follows_the_interval_rule():
    lab = lab_with(
        baseline=[60, 62, 61], noisy=[58, 66, 70], better=[70, 71, 72], best=[75, 76, 77]
    )
    assert lab.recommend() == "best"
    assert_right(
        exercises.check_choice(lab, "best"),
        "'best': the best mean among the designs really better than the baseline",
    )
    assert_hint(
        exercises.check_choice(lab, "noisy"),
        "'noisy' is not really better than the baseline (no real difference): its interval "
        "holds zero",
    )
    assert_hint(
        exercises.check_choice(lab, "baseline"),
        "keep the baseline only when no design is really better; 'best' is",
    )
    assert_hint(
        exercises.check_choice(lab, "better"),
        "'better' is really better than the baseline, but 'best' is better still on validation",
    )
    assert_hint(
        exercises.check_choice(lab, "bigger"),
        "'bigger' is not one of the experiments: 'baseline', 'noisy', 'better', 'best'",
    )
    assert_hint(exercises.check_choice(lab, ["best"]), "is not one of the experiments")
    assert_hint(exercises.check_choice(lab, ...), "replace the ... with the name of an experiment")


def test_choice_keeps_the_baseline_when_no_interval_lies_above_zero():
    lab = lab_with(
        baseline=[60, 62, 64], noisy=[61, 66, 70], worse=[40, 41, 42], stuck=[25, 26, 24]
    )
    assert lab.recommend() == "baseline"
    assert_right(
        exercises.check_choice(lab, "baseline"),
        "no design was really better than the baseline (every interval that favoured one held "
        "zero), so keep the simplest",
    )
    assert_hint(exercises.check_choice(lab, "noisy"), "its interval holds zero")
    assert_hint(exercises.check_choice(lab, "worse"), "(worse)")
    assert_hint(exercises.check_choice(lab, "stuck"), "(did not learn in this budget)")
    empty = lab_with()
    assert_hint(exercises.check_choice(empty, "baseline"), "no experiment has run yet")
