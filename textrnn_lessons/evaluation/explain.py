"""Explain one prediction with LIME: which words moved the model towards a topic.

Introduced in notebook 02_single_rnn_25_tokens (with the lesson on what LIME can
and cannot tell you); used again after every approach and by `textrnn-lessons reproduce`.

LIME hides random sets of words, asks the predictor about each damaged copy of the
text (all copies in one batched call), and fits a weighted linear model whose
weights are the word scores shown here.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..data.text import words as model_words
from ..data.vectorizer import UNKNOWN_INDEX
from .predictor import require_words

DEFAULT_SAMPLES = 5_000
#: Longer texts are cut to their first MAX_WORDS words before LIME perturbs them: ten times the
#: longest window of the five approaches, and LIME's cost grows with every word.
MAX_WORDS = 500
MIN_SAMPLES = 10
#: LIME keeps every sample's text and word mask in memory: measured on 2 cores with approach 1,
#: about 1.3 KB per sample for a 38-word article and 11 KB for a MAX_WORDS-word text (peak RSS
#: from 16,000 to 64,000 samples). 50,000, ten times the tutorial's 5,000, then costs at most
#: about 0.55 GB; the 10**7 a typo can ask for would need over 100 GB.
MAX_SAMPLES = 50_000


def lesson_example(data, seed: int = 1) -> tuple[str, int]:
    """The tutorial's example: a fixed-seed random test article and its true label index."""
    count = len(data.test)
    if count < 2:
        raise ValueError(
            f"The test split has {count} article(s); picking an example needs at least 2."
        )
    index = np.random.RandomState(seed).randint(1, count)
    return data.test.texts[index], int(data.test.labels[index])


@dataclass
class TextExplanation:
    """One LIME explanation, readable as a table, in LIME's notebook view, or as an HTML file."""

    text: str
    predicted: str
    true: str | None
    probabilities: dict[str, float]
    labels: tuple[str, ...]  # the classes explained, the predicted one first
    lime: object  # lime.explanation.Explanation
    num_samples: int
    random_state: int | None
    fit_score: float  # R^2 of LIME's local linear model for the predicted class
    notes: list[str] = field(default_factory=list)
    word_marks: dict[str, str] = field(default_factory=dict)

    def _label_index(self, label) -> int:
        names = list(self.probabilities)
        index = _class_index(self.predicted if label is None else label, names)
        if names[index] not in self.labels:
            raise ValueError(
                f"No explanation was computed for {label!r} ({names[index]}); this one "
                f"explains {', '.join(self.labels)}. Pass labels=[{label!r}] to "
                "explain_prediction to explain it too."
            )
        return index

    def top_words(self, label=None) -> list[tuple[str, float]]:
        """(word, weight) pairs for `label` (default: the predicted class), largest effect first.

        A positive weight means the word pushed the probability of that class up.
        """
        return [
            (word, float(weight))
            for word, weight in self.lime.as_list(label=self._label_index(label))
        ]

    def table(self, label=None) -> str:
        """The top words and weights as plain text, for GitHub, nbval, a terminal or a report."""
        name = list(self.probabilities)[self._label_index(label)]
        probability = self.probabilities[self.predicted]
        fit = f", local fit R^2={self.fit_score:.2f}" if name == self.predicted else ""
        lines = [
            f"Predicted: {self.predicted} (probability {probability:.2f})"
            + (f"; true topic: {self.true}" if self.true else ""),
            f"LIME: {self.num_samples:,} perturbed samples, random_state={self.random_state}{fit}",
            f"Words that moved P({name}) the most:",
            f"  {'word':<18}{'weight':>9}",
        ]
        for word, weight in self.top_words(label):
            direction = f"towards {name}" if weight > 0 else f"against {name}"
            mark = f"  ({self.word_marks[word]})" if word in self.word_marks else ""
            lines.append(f"  {word:<18}{weight:>+9.4f}  {direction}{mark}")
        lines.extend(f"Note: {note}" for note in self.notes)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table()

    def show(self) -> None:
        """LIME's own view in the notebook, as `show_in_notebook` draws it (needs JavaScript).

        Displayed through IPython.display: lime 0.2.0.1's `show_in_notebook` imports a name
        that IPython 9 no longer has.
        """
        from IPython.display import HTML, display

        display(HTML(self.as_html()))

    def as_html(self) -> str:
        """A self-contained HTML page: a heading, the notes, then LIME's view (its JavaScript inline)."""
        page = self.lime.as_html(labels=[self._label_index(name) for name in self.labels])
        head, body_tag, rest = page.rpartition("</head><body>")
        true = f" — true topic: {html.escape(self.true)}" if self.true else ""
        # A styled paragraph, not <h2>: in a notebook a heading in an output would join the
        # lesson's table of contents.
        heading = (
            f'<p style="font-size: 1.25em; font-weight: 600; margin: 0.3em 0">Predicted: '
            f"{html.escape(self.predicted)}{true}</p>\n<p>LIME, "
            f"{self.num_samples:,} samples, random_state={self.random_state}</p>\n"
            + "".join(f"<p>{html.escape(note)}</p>\n" for note in self.notes)
        )
        title = f"<title>LIME explanation: {html.escape(self.predicted)}</title>"
        return head + title + body_tag + heading + rest

    def save_html(self, path) -> Path:
        """Write `as_html()` to `path` (folders created); it opens offline in any browser."""
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(self.as_html(), encoding="utf-8")
        except OSError as error:
            raise OSError(
                f"Could not save the explanation as {path} ({error.strerror or error}). Give "
                "a file in a folder you can write, such as explanation.save_html('lime.html')."
            ) from None
        return path


def explain_prediction(
    predictor,
    text: str,
    true_label=None,
    labels=None,
    num_samples: int | None = None,
    num_features: int = 10,
    random_state: int | None = 0,
) -> TextExplanation:
    """Explain why `predictor` gives `text` its topic, with LIME (the tutorial's last step per approach).

    `predictor` takes a list of strings and returns class probabilities (a TextPredictor).
    The predicted class is always explained; `labels` (names or indexes) adds others.
    `num_samples` defaults to 5,000 as in the tutorial; the notebooks pass their preset's
    `lime_samples`. The same `random_state` gives the same explanation.
    Empty text, or text with only punctuation, raises ValueError; a text longer than
    MAX_WORDS words is cut to its first MAX_WORDS words, and `notes` says so.
    """
    from lime.lime_text import LimeTextExplainer

    class_names = list(predictor.class_names)
    num_samples = DEFAULT_SAMPLES if num_samples is None else num_samples
    _check_settings(num_samples, num_features)
    text, notes = _prepare_text(text, getattr(predictor, "max_tokens", None))
    true_index = None if true_label is None else _class_index(true_label, class_names)
    probabilities = np.asarray(predictor([text])[0], dtype=float)
    predicted = int(probabilities.argmax())
    if labels is None or isinstance(labels, (str, int, np.integer)):
        labels = [] if labels is None else [labels]
    others = [_class_index(label, class_names) for label in labels]
    # LIME reports the local fit (R^2) of the label it explains last: make that the predicted class.
    explained = list(dict.fromkeys(others + [predicted]))
    explained.remove(predicted)
    explainer = LimeTextExplainer(
        class_names=class_names, split_expression=model_words, bow=True, random_state=random_state
    )
    lime_explanation = explainer.explain_instance(
        text,
        _each_text_once(predictor),
        labels=explained + [predicted],
        num_features=num_features,
        num_samples=num_samples,
    )
    marks, vocabulary_notes = _word_marks(predictor, lime_explanation)
    return TextExplanation(
        text=text,
        predicted=class_names[predicted],
        true=None if true_index is None else class_names[true_index],
        probabilities={name: float(p) for name, p in zip(class_names, probabilities)},
        labels=tuple(class_names[i] for i in [predicted] + explained),
        lime=lime_explanation,
        num_samples=num_samples,
        random_state=random_state,
        fit_score=float(lime_explanation.score),
        notes=notes + vocabulary_notes,
        word_marks=marks,
    )


def _each_text_once(predictor):
    """LIME's classifier function: predict each distinct perturbed text once (short texts repeat a lot)."""

    def classify(texts):
        positions: dict[str, int] = {}
        rows = [positions.setdefault(text, len(positions)) for text in texts]
        return np.asarray(predictor(list(positions)))[rows]

    return classify


def _check_settings(num_samples, num_features) -> None:
    if (
        not isinstance(num_samples, (int, np.integer))
        or isinstance(num_samples, bool)
        or not MIN_SAMPLES <= num_samples <= MAX_SAMPLES
    ):
        raise ValueError(
            f"num_samples must be a whole number, at least {MIN_SAMPLES} and at most "
            f"{MAX_SAMPLES:,} (the tutorial used {DEFAULT_SAMPLES:,}; each sample "
            f"takes memory); got {num_samples!r}."
        )
    if not isinstance(num_features, (int, np.integer)) or num_features < 1:
        raise ValueError(
            f"num_features (how many words to list) must be at least 1; got {num_features!r}."
        )


def _prepare_text(text, max_tokens) -> tuple[str, list[str]]:
    """Refuse texts with no words; cut very long ones to MAX_WORDS words, with a note saying so."""
    if not isinstance(text, str):
        raise ValueError(
            f"LIME explains one text (a str); got {type(text).__name__}. "
            "To explain several articles, call explain_prediction once per article."
        )
    words = require_words(text, "explain")
    if len(words) <= MAX_WORDS:
        return text, []
    reads = f"the model reads only its first {max_tokens} tokens, so " if max_tokens else ""
    note = (
        f"The text has {len(words):,} words; LIME explained only the first {MAX_WORDS:,} "
        f"({reads}the words further on could only matter in samples where LIME had hidden "
        "nearly all the words before them)."
    )
    return text[: words[MAX_WORDS - 1].end()], [note]


def _class_index(label, class_names) -> int:
    """A class given by index or name, as an index; anything else is refused with the choices."""
    if isinstance(label, (int, np.integer)) and 0 <= label < len(class_names):
        return int(label)
    if isinstance(label, str) and label in class_names:
        return class_names.index(label)
    choices = ", ".join(f"{i} or {name!r}" for i, name in enumerate(class_names))
    raise ValueError(f"Unknown class {label!r}; use an index or a name: {choices}.")


def _word_marks(predictor, lime_explanation) -> tuple[dict[str, str], list[str]]:
    """Mark words the vocabulary lacks and words past the model's window, so the table can say why."""
    vectorizer = getattr(predictor, "vectorizer", None)
    max_tokens = getattr(predictor, "max_tokens", None)
    if vectorizer is None:
        return {}, []
    from ..data.vectorizer import vectorize

    indexed = lime_explanation.domain_mapper.indexed_string
    words = list(indexed.inverse_vocab)  # distinct words, in order of first appearance
    ids = vectorize(vectorizer, words, max_tokens=1)[:, 0]
    first_position = {word: i for i, word in reversed(list(enumerate(model_words(indexed.raw))))}
    marks = {}
    for word, index in zip(words, ids):
        if index == UNKNOWN_INDEX:
            marks[word] = "not in the vocabulary: the model sees [UNK]"
        elif max_tokens and first_position[word] >= max_tokens:
            marks[word] = f"after token {max_tokens}: read only when LIME hides earlier words"
    notes = []
    if words and all(ids == UNKNOWN_INDEX):
        notes.append(
            "None of these words is in the model's vocabulary: it sees only [UNK] tokens, so the "
            "weights can only reflect how many words there are, not which words they are."
        )
    return marks, notes
