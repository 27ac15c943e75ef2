"""LIME explanations on the smoke model: faithful words, reproducible, edge cases, table and HTML."""

from __future__ import annotations

import math

import numpy as np
import pytest

from textrnn_lessons.data.vectorizer import worked_example
from textrnn_lessons.evaluation.explain import (
    MAX_WORDS,
    _each_text_once,
    explain_prediction,
    lesson_example,
    model_words,
)

SAMPLES = 200


@pytest.fixture(scope="module")
def example(smoke_data):
    return lesson_example(smoke_data)


@pytest.fixture(scope="module")
def explanation(trained_smoke, example):
    text, label = example
    return explain_prediction(trained_smoke.predictor, text, true_label=label, num_samples=SAMPLES)


class CountingPredictor:
    """Wraps a TextPredictor and records how many texts each call received."""

    def __init__(self, predictor):
        self.predictor, self.calls = predictor, []
        self.class_names, self.vectorizer = predictor.class_names, predictor.vectorizer
        self.max_tokens = predictor.max_tokens

    def __call__(self, texts):
        self.calls.append(len(texts))
        return self.predictor(texts)


def test_lesson_example_is_the_tutorials_fixed_seed_pick(smoke_data, example):
    index = np.random.RandomState(1).randint(1, len(smoke_data.test))
    assert example == (smoke_data.test.texts[index], int(smoke_data.test.labels[index]))
    assert lesson_example(smoke_data, seed=1) == example
    assert lesson_example(smoke_data, seed=7) != example


def test_model_words_split_text_exactly_like_the_vectorizer(trained_smoke, smoke_data):
    # Punctuation splits words, as in the tutorial's Tokenizer; the apostrophe is not punctuation there.
    assert model_words("U.S. stocks (Reuters) rally -- Wal-Mart's 300-run day!") == [
        "U",
        "S",
        "stocks",
        "Reuters",
        "rally",
        "Wal",
        "Mart's",
        "300",
        "run",
        "day",
    ]
    vectorizer = trained_smoke.predictor.vectorizer
    for text in smoke_data.test.texts[:50]:
        assert len(model_words(text)) == len(worked_example(vectorizer, text).tokens), text


def test_explanation_names_the_predicted_and_true_class(trained_smoke, example, explanation):
    text, label = example
    probabilities = trained_smoke.predictor([text])[0]
    names = trained_smoke.predictor.class_names
    assert explanation.predicted == names[int(probabilities.argmax())]
    assert explanation.true == names[label]
    assert explanation.labels == (explanation.predicted,)
    assert list(explanation.probabilities) == list(names)
    assert np.allclose(list(explanation.probabilities.values()), probabilities, atol=1e-6)
    assert math.isfinite(explanation.fit_score) and explanation.fit_score <= 1.0


def test_top_words_belong_to_the_text_and_weights_are_finite(example, explanation):
    words = set(model_words(example[0]))
    top = explanation.top_words()
    assert 1 <= len(top) <= 10
    assert all(word in words for word, _ in top)
    assert all(math.isfinite(weight) for _, weight in top)
    assert [abs(w) for _, w in top] == sorted((abs(w) for _, w in top), reverse=True)
    assert explanation.top_words(explanation.predicted) == top


def test_same_seed_gives_the_same_explanation_and_another_seed_differs(trained_smoke, example):
    text, _ = example

    def run(seed):
        return explain_prediction(
            trained_smoke.predictor, text, num_samples=SAMPLES, random_state=seed
        ).top_words()

    first = run(0)
    assert run(0) == first
    assert run(1) != first


def test_perturbed_samples_go_to_the_predictor_in_one_batch(trained_smoke, example):
    counting = CountingPredictor(trained_smoke.predictor)
    explain_prediction(counting, example[0], num_samples=SAMPLES)
    assert len(counting.calls) == 2 and counting.calls[0] == 1
    assert 1 < counting.calls[1] <= SAMPLES  # each distinct perturbed text once


def test_repeated_texts_are_predicted_once_and_put_back_in_order(trained_smoke):
    texts = ["stocks rally", "team wins", "stocks rally", "", "team wins"]
    counting = CountingPredictor(trained_smoke.predictor)
    probabilities = _each_text_once(counting)(texts)
    assert counting.calls == [3]
    assert np.allclose(probabilities, trained_smoke.predictor(texts), atol=1e-6)


def test_other_classes_can_be_explained_by_name_or_index(trained_smoke, example, explanation):
    text, _ = example
    names = list(trained_smoke.predictor.class_names)
    others = [name for name in names if name != explanation.predicted]
    both = explain_prediction(
        trained_smoke.predictor,
        text,
        labels=[others[0], names.index(others[1])],
        num_samples=SAMPLES,
    )
    assert both.labels == (explanation.predicted, others[0], others[1])
    assert both.top_words(others[0]) and both.top_words(names.index(others[1]))
    one = explain_prediction(trained_smoke.predictor, text, labels=others[0], num_samples=SAMPLES)
    assert one.labels == (explanation.predicted, others[0])
    with pytest.raises(ValueError, match=f"No explanation was computed for '{others[2]}'"):
        both.top_words(others[2])
    with pytest.raises(ValueError, match="Unknown class 'Weather'.*0 or 'World'"):
        explain_prediction(trained_smoke.predictor, text, labels=["Weather"], num_samples=SAMPLES)
    with pytest.raises(ValueError, match="Unknown class 9"):
        explain_prediction(trained_smoke.predictor, text, true_label=9, num_samples=SAMPLES)


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "empty"),
        ("  \n\t ", "empty"),
        ("?! -- ...", "no words"),
    ],
)
def test_texts_without_words_are_refused_with_a_sentence(trained_smoke, text, message):
    with pytest.raises(ValueError, match=message):
        explain_prediction(trained_smoke.predictor, text, num_samples=SAMPLES)


def test_bad_settings_are_refused_with_a_sentence(trained_smoke):
    predictor = trained_smoke.predictor
    with pytest.raises(ValueError, match="one text"):
        explain_prediction(predictor, ["two", "texts"], num_samples=SAMPLES)
    with pytest.raises(ValueError, match="num_samples must be .* at least 10"):
        explain_prediction(predictor, "stocks rally", num_samples=5)
    with pytest.raises(ValueError, match="num_features"):
        explain_prediction(predictor, "stocks rally", num_samples=SAMPLES, num_features=0)


def test_text_with_no_known_words_gets_an_explanation_and_a_warning(trained_smoke):
    explanation = explain_prediction(
        trained_smoke.predictor, "Zxqvbnm plorftang quuxwibble", num_samples=SAMPLES
    )
    assert {word for word, _ in explanation.top_words()} == {"Zxqvbnm", "plorftang", "quuxwibble"}
    assert any(
        "None of these words is in the model's vocabulary" in note for note in explanation.notes
    )
    assert explanation.table().count("not in the vocabulary") == 3


def test_very_long_text_is_cut_with_a_note_and_keeps_its_prediction(trained_smoke, smoke_data):
    text = " ".join(smoke_data.test.texts[:40])
    assert len(model_words(text)) > MAX_WORDS
    explanation = explain_prediction(trained_smoke.predictor, text, num_samples=SAMPLES)
    assert len(model_words(explanation.text)) == MAX_WORDS and text.startswith(explanation.text)
    assert f"{len(model_words(text)):,} words" in explanation.notes[0]
    assert explanation.predicted == trained_smoke.predictor.predict_topic(text)[0]


def test_lime_hides_whole_model_tokens(trained_smoke):
    text = "Wal-Mart's U.S. sales (Reuters) rise; don't panic, e-mail says"
    explanation = explain_prediction(
        trained_smoke.predictor, text, num_samples=SAMPLES, num_features=20
    )
    assert {word for word, _ in explanation.top_words()} == set(model_words(text))


def test_words_beyond_the_models_window_are_marked(trained_smoke):
    assert trained_smoke.predictor.max_tokens == 25
    words = [f"w{i}" for i in range(24)] + ["stocks", "rally"]  # "rally" is token 26
    explanation = explain_prediction(
        trained_smoke.predictor, " ".join(words), num_samples=SAMPLES, num_features=len(words)
    )
    assert "after token 25" in explanation.word_marks["rally"]
    assert "stocks" not in explanation.word_marks


def test_table_renders_as_plain_text(explanation):
    table = explanation.table()
    assert str(explanation) == table
    assert (
        f"Predicted: {explanation.predicted}" in table
        and f"true topic: {explanation.true}" in table
    )
    assert f"{SAMPLES} perturbed samples, random_state=0" in table
    for word, weight in explanation.top_words():
        assert f"{weight:+.4f}" in table and word in table
    assert len(table.splitlines()) == 4 + len(explanation.top_words()) + len(explanation.notes)


def test_saved_html_is_standalone(explanation, tmp_path):
    path = explanation.save_html(tmp_path / "report" / "lime.html")
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<html") and page.rstrip().endswith("</html>")
    assert f"Predicted: {explanation.predicted}" in page
    assert "<script src" not in page and "d3.select" in page  # LIME's JavaScript is inline
    assert all(word in page for word, _ in explanation.top_words())


def test_show_displays_limes_view(explanation, monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", shown.append)
    explanation.show()
    assert len(shown) == 1 and "lime.Explanation" in shown[0].data
