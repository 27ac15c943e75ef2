"""How long one LIME explanation takes: our batched predictor vs the tutorial's classifier function.

Trains approach 5 briefly on the offline mini split (accuracy does not matter here), then times,
interleaved and repeated, on the lessons' example article:

  ours      explain_prediction(): each distinct perturbed text once, through TextVectorization
            and one traced forward pass per 2,048 texts
  tutorial  LimeTextExplainer with the tutorial's classifier function: a pure-Python tokenizer
            (lower-case, punctuation to spaces, split, dict lookup, as Keras 2's Tokenizer did) into
            the same vocabulary, post-padding with NumPy, then model.predict(X)

Both ways are timed twice: the classifier alone on the same 5,000 perturbed strings (no
de-duplication), and the whole explanation. Medians are printed with the spread, and the load
average, since a shared machine slows every row.

    python benchmarks/lime_speed.py [--data ../shared/ag_news/mini] [--samples 5000] [--repeats 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np

from textrnn_lessons.data.text import tokenize

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "ag_news" / "mini"


class TutorialClassifier:
    """The tutorial's `make_predictions`: Python tokenizer + NumPy padding + `model.predict`."""

    def __init__(self, vectorizer, model, max_tokens: int):
        self.word_index = {word: i for i, word in enumerate(vectorizer.get_vocabulary())}
        self.model, self.max_tokens = model, max_tokens

    def texts_to_sequences(self, texts):
        lookup = self.word_index.get
        return [[lookup(word, 1) for word in tokenize(text)] for text in texts]

    def __call__(self, texts):
        ids = np.zeros((len(texts), self.max_tokens), dtype="int32")  # padding="post"
        for row, sequence in enumerate(self.texts_to_sequences(texts)):
            sequence = sequence[: self.max_tokens]  # truncating="post"
            ids[row, : len(sequence)] = sequence
        return self.model.predict(ids, verbose=0)


def tutorial_explain(classifier, class_names, text, label, num_samples, seed):
    """The tutorial's call: default LimeTextExplainer, explaining the true label."""
    from lime.lime_text import LimeTextExplainer

    explainer = LimeTextExplainer(class_names=list(class_names), random_state=seed)
    return explainer.explain_instance(
        text, classifier_fn=classifier, labels=[label], num_samples=num_samples
    )


def perturbed_samples(text, num_samples, seed):
    """The strings LIME would send to the classifier, to time the classifiers on equal input."""
    from lime.lime_text import IndexedString

    indexed = IndexedString(text)
    rng = np.random.RandomState(seed)
    sizes = rng.randint(1, indexed.num_words() + 1, num_samples - 1)
    return [text] + [
        indexed.inverse_removing(rng.choice(indexed.num_words(), size, replace=False))
        for size in sizes
    ]


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", type=Path, default=DEFAULT_DATA, help="folder with train.csv/test.csv"
    )
    parser.add_argument("--samples", type=int, default=5_000, help="LIME samples per explanation")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=1)
    args = parser.parse_args(argv)

    import tensorflow as tf

    from textrnn_lessons.data.reading import load_ag_news
    from textrnn_lessons.evaluation.explain import MAX_WORDS, explain_prediction, lesson_example
    from textrnn_lessons.models.approaches import get_approach
    from textrnn_lessons.training.trainer import run_approach

    data = load_ag_news("workshop", args.data)
    print(f"Training approach 5 for {args.epochs} epoch(s) on {data.describe()}")
    result = run_approach(get_approach(5), data, epochs=args.epochs, verbose=0, log=False)
    ours = result.predictor
    tutorial = TutorialClassifier(ours.vectorizer, result.model, ours.max_tokens)
    text, label = lesson_example(data)
    long_text = " ".join(data.test.texts)  # cut to MAX_WORDS words by explain_prediction
    samples = perturbed_samples(text, args.samples, seed=0)
    gap = np.abs(ours(samples) - tutorial(samples)).max()
    print(f"Example article ({len(text.split())} words): {text[:90]}...")
    print(
        f"Both classifiers give the same probabilities on {len(samples):,} perturbed strings "
        f"(largest difference {gap:.1e})."
    )

    cases = {
        "classifier only, ours": lambda: ours(samples),
        "classifier only, tutorial": lambda: tutorial(samples),
        "explanation, ours": lambda: explain_prediction(
            ours, text, true_label=label, num_samples=args.samples
        ),
        "explanation, tutorial": lambda: tutorial_explain(
            tutorial, data.class_names, text, label, args.samples, seed=0
        ),
        f"explanation, ours, {MAX_WORDS}-word text": lambda: explain_prediction(
            ours, long_text, num_samples=args.samples
        ),
    }
    for case in cases.values():  # warm-up: tracing, first predict, caches
        case()
    load_before = os.getloadavg()[0]
    times = {name: [] for name in cases}
    names = list(cases)
    for repeat in range(args.repeats):
        for name in names if repeat % 2 == 0 else names[::-1]:  # interleaved, alternating order
            times[name].append(timed(cases[name]))

    print(
        f"\n{args.samples:,} LIME samples, {args.repeats} interleaved repeats, "
        f"TensorFlow {tf.__version__}, {os.cpu_count()} CPU(s), load average "
        f"{load_before:.1f} before / {os.getloadavg()[0]:.1f} after the timings\n"
    )
    print(f"{'case':<42}{'median s':>10}{'min s':>9}{'max s':>9}")
    for name in names:
        values = times[name]
        print(f"{name:<42}{statistics.median(values):>10.3f}{min(values):>9.3f}{max(values):>9.3f}")
    ratio = statistics.median(times["explanation, tutorial"]) / statistics.median(
        times["explanation, ours"]
    )
    print(f"\nOne explanation: the tutorial's way takes {ratio:.1f}x as long as ours (medians).")


if __name__ == "__main__":
    main()
