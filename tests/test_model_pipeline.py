"""Vectorizer, the five approaches, training, evaluation and the raw-string predictor."""
from __future__ import annotations

import math

import numpy as np
import pytest

from textrnn_lessons.models import APPROACHES, Approach, build_model, get_approach
from .conftest import MINI
from textrnn_lessons.vectorizer import (UNKNOWN_INDEX, build_vectorizer, vectorize, vocabulary_size,
                                       worked_example)


@pytest.fixture(scope="module")
def vectorizer(smoke_data):
    return build_vectorizer(smoke_data.train.texts)


def test_vocabulary_is_fitted_on_training_text_only(smoke_data, vectorizer):
    vocabulary = set(vectorizer.get_vocabulary())
    train_words = {w for t in smoke_data.train.texts for w in worked_example(vectorizer, t).tokens}
    test_only = {w for t in smoke_data.test.texts for w in worked_example(vectorizer, t).tokens} - train_words
    assert test_only, "the test split should contain words the training split lacks"
    assert not test_only & vocabulary


def test_padding_and_truncation_happen_after_the_text(vectorizer):
    short, long_text = "stocks rally", " ".join(["market"] * 80)
    ids = vectorize(vectorizer, [short, long_text], max_tokens=25)
    assert ids.shape == (2, 25)
    assert ids[0, 2:].tolist() == [0] * 23 and ids[0, 0] != 0
    assert (ids[1] == ids[1, 0]).all() and ids[1, 0] != 0


def test_worked_example_marks_unknown_words(vectorizer):
    example = worked_example(vectorizer, "Hello, how are you? Zxqvbnm plans to go!")
    assert example.tokens == ["hello", "how", "are", "you", "zxqvbnm", "plans", "to", "go"]
    assert example.indexes[example.tokens.index("zxqvbnm")] == UNKNOWN_INDEX
    assert len(example.indexes) == len(example.tokens)
    assert "not in the vocabulary" in example.table()


def test_five_approaches_match_the_tutorial():
    assert [(a.max_tokens, a.embed_len, a.units, a.bidirectional) for a in APPROACHES] == [
        (25, 30, (50,), False), (50, 30, (50,), False), (50, 30, (50,), True),
        (50, 30, (50, 60, 75), False), (50, 30, (50, 60, 75), True)]
    assert [a.tutorial_accuracy for a in APPROACHES] == [86.75, 87.77, 90.42, 83.63, 90.53]


def test_parameter_counts_match_the_tutorials_summaries():
    vocab = 72_003  # the tutorial's vocabulary size (2,160,090 / 30)
    counts = {a.number: build_model(a, vocab).count_params() for a in APPROACHES}
    embedding = vocab * 30
    assert counts[1] - embedding == 4_050 + 204
    assert counts[3] - embedding == 8_100 + 404
    assert counts[5] - embedding == 8_100 + 19_320 + 29_400 + 604


def test_invalid_designs_are_refused_with_a_sentence():
    with pytest.raises(ValueError, match="cannot be built.*units"):
        Approach(None, "bad", 50, 30, (), False)
    with pytest.raises(ValueError, match="RNN cell must be one of"):
        get_approach(2).with_changes(cell="Transformer")
    with pytest.raises(ValueError, match="numbered 1 to 5"):
        get_approach(6)
    assert get_approach(5).with_changes(units=[10, 20]).units == (10, 20)


def test_training_learns_and_the_predictor_takes_raw_strings(trained_smoke, smoke_data):
    history = trained_smoke.history.history
    assert set(history) >= {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert trained_smoke.history.train_seconds > 0
    evaluation = trained_smoke.evaluation
    assert evaluation.confusion.sum() == len(smoke_data.test)
    assert math.isclose(evaluation.accuracy, np.trace(evaluation.confusion) / len(smoke_data.test))
    assert "Sci/Tech" in evaluation.report
    probabilities = trained_smoke.predictor(["Stocks fall as oil prices rise", ""])
    assert probabilities.shape == (2, 4)
    assert np.allclose(probabilities.sum(axis=1), 1, atol=1e-4)
    topic, probability = trained_smoke.predictor.predict_topic("The team won the final")
    assert topic in smoke_data.class_names and 0 < probability <= 1


def test_more_training_beats_chance():
    """A real model on real text: a few epochs on 2,700 articles beat the 25 % of guessing."""
    from textrnn_lessons.config import Preset
    from textrnn_lessons.data import load_ag_news
    from textrnn_lessons.pipeline import run_approach

    preset = Preset("test", train_size=3_000, test_size=800, epochs=4, batch_size=32, lime_samples=100)
    result = run_approach(get_approach(1), load_ag_news(preset, MINI), verbose=0, log=False)
    assert result.evaluation.accuracy > 0.5


def test_seeded_runs_repeat(smoke_data, vectorizer):
    from textrnn_lessons.pipeline import run_approach

    runs = [run_approach(get_approach(1), smoke_data, vectorizer, verbose=0, log=False, seed=7)
            for _ in range(2)]
    first, second = (r.history.history["loss"][0] for r in runs)
    assert first == pytest.approx(second, rel=1e-3)


def test_plots_are_figures(trained_smoke):
    import matplotlib

    matplotlib.use("Agg")
    from textrnn_lessons.evaluation import plot_confusion_matrix
    from textrnn_lessons.training import plot_history

    assert len(plot_history(trained_smoke.history).axes) == 2
    figure = plot_confusion_matrix(trained_smoke.evaluation)
    assert figure.axes[0].get_title() == "Confusion Matrix"


def test_package_exports_functions_not_modules_of_the_same_name():
    import types

    import textrnn_lessons.evaluation  # noqa: F401 - importing the submodules must not shadow
    import textrnn_lessons.vectorizer  # noqa: F401
    from textrnn_lessons import evaluate, vectorize

    assert not isinstance(vectorize, types.ModuleType) and callable(vectorize)
    assert not isinstance(evaluate, types.ModuleType) and callable(evaluate)
