"""Helpers only the lesson notebooks need: tables and plots that explain a step.

The pipeline itself lives in the other modules; these functions look inside it
(how long articles are, where a parameter count comes from, how a run compares
with the tutorial). Each docstring names the notebook that introduces it.
"""
from __future__ import annotations

import gc
import logging
import re
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from .vectorizer import LONGEST_SEQUENCE, PUNCTUATION, standardize_function

_PUNCTUATION = re.compile(PUNCTUATION)

#: The toy vocabulary of notebook 01: a handful of words, so every index is easy to follow.
TOY_VOCABULARY = ("the", "market", "stocks", "rally", "as", "will", "team", "wins")
TOY_SENTENCE = "Stocks rally as the market cheers, but will the rally last?"
KERAS_DEFAULT_LEARNING_RATE = 0.001  # RMSprop's (and Adam's) default in Keras 3


# --- 00_start_here -----------------------------------------------------------------------------

def preset_table():
    """The three presets side by side (notebook 00_start_here)."""
    import pandas as pd

    from .config import PRESETS

    def size(n):
        return "all" if n is None else f"{n:,}"

    return pd.DataFrame([
        {"preset": p.name, "training articles": size(p.train_size), "test articles": size(p.test_size),
         "epochs": p.epochs, "batch size": p.batch_size, "LIME samples": f"{p.lime_samples:,}",
         "what it is for": p.description}
        for p in PRESETS.values()
    ]).set_index("preset").style.set_properties(**{"text-align": "left"})  # full descriptions


# --- 01_prepare_data ---------------------------------------------------------------------------

def class_balance(data):
    """Articles per topic in each split, with each topic's share (notebook 01_prepare_data)."""
    import pandas as pd

    columns = {}
    for split_name in ("train", "validation", "test"):
        labels = getattr(data, split_name).labels
        counts = np.bincount(labels, minlength=len(data.class_names))
        columns[f"{split_name} articles"] = [*counts, counts.sum()]
        columns[f"{split_name} %"] = [*np.round(100 * counts / counts.sum(), 1), 100.0]
    return pd.DataFrame(columns, index=pd.Index([*data.class_names, "all topics"], name="topic"))


def sample_articles(split, class_names, per_topic: int = 1, seed: int = 0):
    """A few articles of each topic, picked with a fixed seed (notebook 01_prepare_data)."""
    import pandas as pd

    rng = np.random.RandomState(seed)
    rows = []
    for label, name in enumerate(class_names):
        where = np.flatnonzero(split.labels == label)
        for index in rng.choice(where, size=min(per_topic, len(where)), replace=False):
            rows.append({"topic": name, "article": split.texts[index]})
    return pd.DataFrame(rows).style.set_properties(**{"text-align": "left"}).hide(axis="index")


def toy_vectorizer(vocabulary=TOY_VOCABULARY):
    """A TextVectorization layer with a fixed, hand-written vocabulary (notebook 01_prepare_data).

    Nothing is learned from data, so the worked example gives the same indexes everywhere.
    """
    import keras

    return keras.layers.TextVectorization(standardize=standardize_function(),
                                          output_mode="int", vocabulary=list(vocabulary))


def show_vocabulary(vectorizer, first: int = 12) -> str:
    """The first entries of a vocabulary as 'index  token' lines (notebook 01_prepare_data)."""
    words = vectorizer.get_vocabulary()[:first]
    notes = {0: "  (padding)", 1: "  (any word not in the vocabulary)"}
    return "\n".join(f"{i:>5}  {str(word)!r}{notes.get(i, '')}" for i, word in enumerate(words))


def tokenize(text: str) -> list[str]:
    """Split text the way the vectorizer does: lower-case, punctuation to spaces, split on spaces."""
    return _PUNCTUATION.sub(" ", text.lower()).split()


def count_tokens(texts) -> np.ndarray:
    """Number of tokens in each text, counted with the vectorizer's rule (notebook 01_prepare_data)."""
    return np.array([len(tokenize(text)) for text in texts])


def token_coverage(lengths, cutoffs=(25, LONGEST_SEQUENCE)):
    """For each max-tokens cutoff: how many articles fit whole, and how much text and padding remain.

    Introduced in notebook 01_prepare_data, to show why approaches 1 and 2 differ.
    """
    import pandas as pd

    lengths = np.asarray(lengths)
    rows = []
    for cutoff in cutoffs:
        kept = np.minimum(lengths, cutoff)
        rows.append({
            "max tokens": cutoff,
            "articles kept whole %": round(100 * float(np.mean(lengths <= cutoff)), 1),
            "tokens kept %": round(100 * float(kept.sum() / lengths.sum()), 1),
            "padding per row %": round(100 * float(np.mean((cutoff - kept) / cutoff)), 1),
        })
    return pd.DataFrame(rows).set_index("max tokens")


def window_summary(texts, max_tokens: int) -> str:
    """One sentence on what a max-tokens window does to these texts (notebooks 02-06)."""
    row = token_coverage(count_tokens(texts), cutoffs=(max_tokens,)).iloc[0]
    return (f"At {max_tokens} tokens, {row['articles kept whole %']:.0f}% of these articles fit whole "
            f"and the rest are cut; {row['tokens kept %']:.0f}% of all their tokens are kept, and "
            f"{row['padding per row %']:.0f}% of an average row is padding.")


def plot_token_lengths(lengths, cutoffs=(25, LONGEST_SEQUENCE)):
    """Histogram of article lengths with the max-tokens cutoffs marked (notebook 01_prepare_data)."""
    import matplotlib.pyplot as plt

    lengths = np.asarray(lengths)
    fig, ax = plt.subplots(figsize=(8, 3.4))
    ax.hist(lengths, bins=np.arange(0, min(lengths.max(), 200) + 2) - 0.5, color="0.7")
    for cutoff, colour in zip(cutoffs, ("tab:orange", "tab:blue", "tab:green", "tab:red")):
        whole = 100 * np.mean(lengths <= cutoff)
        ax.axvline(cutoff + 0.5, color=colour, linewidth=2,
                   label=f"max tokens {cutoff}: {whole:.0f}% of articles fit whole")
    ax.set_xlabel("tokens per article (title + description)")
    ax.set_ylabel("articles")
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


@dataclass(frozen=True)
class UnseenWords:
    """Test-set words a vocabulary fitted on the training texts does not know."""

    test_only_words: int
    training_words: int
    unknown_test_tokens_pct: float
    examples: list[str]

    def summary(self) -> str:
        """Two sentences a notebook can print."""
        return (f"The training texts hold {self.training_words:,} distinct words. The test texts add "
                f"{self.test_only_words:,} words that never appear in training "
                f"({self.unknown_test_tokens_pct:.1f}% of all test tokens), "
                f"e.g. {', '.join(self.examples)}.")


def unseen_test_words(data, examples: int = 8) -> UnseenWords:
    """What fitting the vocabulary on training text only leaves out (notebook 01_prepare_data)."""
    train_words = Counter(word for text in data.train.texts for word in tokenize(text))
    test_tokens = Counter(word for text in data.test.texts for word in tokenize(text))
    unseen = {word: n for word, n in test_tokens.items() if word not in train_words}
    common = [word for word, _ in Counter(unseen).most_common(examples)]
    return UnseenWords(len(unseen), len(train_words),
                       100 * sum(unseen.values()) / max(1, sum(test_tokens.values())), common)


# --- 02-06: one approach each ----------------------------------------------------------------

def _cell_gates(cell) -> tuple[int, int]:
    """(weight sets, biases per unit) for a recurrent cell: SimpleRNN 1, LSTM 4, GRU 3 gates."""
    name = type(cell).__name__
    if name.startswith("LSTM"):
        return 4, 1
    if name.startswith("GRU"):
        return 3, 2 if getattr(cell, "reset_after", False) else 1
    return 1, 1


def _recurrent_formula(rnn) -> tuple[str, int]:
    """Formula and count for one recurrent layer (one direction)."""
    cell = rnn.cell
    inputs, units = int(cell.kernel.shape[0]), int(cell.units)
    gates, biases = _cell_gates(cell)
    count = gates * units * (inputs + units + biases)
    bias = "1" if biases == 1 else f"{biases}"
    formula = f"{units} × ({inputs} + {units} + {bias})"
    return (f"{gates} × {formula}" if gates > 1 else formula), count


def parameter_breakdown(model):
    """Each layer's trainable parameters, worked out by hand beside Keras's own count.

    Introduced in notebook 02_single_rnn_25_tokens. Embedding: one row of numbers
    per vocabulary entry. Recurrent layer with u units reading i numbers per step:
    u×i input weights + u×u recurrent weights + u biases = u×(i+u+1) (LSTM has four
    such sets, GRU three). A bidirectional layer holds two. Dense: inputs×outputs + outputs.
    """
    import pandas as pd

    rows = []
    for layer in model.layers:
        kind = type(layer).__name__
        if kind == "Embedding":
            formula = f"{layer.input_dim:,} vocabulary entries × {layer.output_dim}"
            count = layer.input_dim * layer.output_dim
        elif kind == "Bidirectional":
            inner, one = _recurrent_formula(layer.forward_layer)
            formula, count = f"2 directions × {inner}", 2 * one
            kind = f"Bidirectional({type(layer.forward_layer).__name__})"
        elif hasattr(layer, "cell"):
            formula, count = _recurrent_formula(layer)
        elif kind == "Dense":
            inputs, units = int(layer.kernel.shape[0]), int(layer.units)
            formula, count = f"{inputs} × {units} + {units}", inputs * units + units
        else:
            formula, count = "", 0
        rows.append({"layer": layer.name, "type": kind, "output shape": str(tuple(layer.output.shape)),
                     "worked out": formula, "parameters": count, "Keras counts": layer.count_params()})
    table = pd.DataFrame(rows)
    total = {"layer": "total", "type": "", "output shape": "", "worked out": "",
             "parameters": int(table["parameters"].sum()), "Keras counts": int(model.count_params())}
    return pd.concat([table, pd.DataFrame([total])], ignore_index=True).set_index("layer")


def log_run(approach, data, history, evaluation, batch_size: int | None = None,
            optimizer: str = "rmsprop", learning_rate=None, seed: int = 42) -> dict:
    """Append this notebook's run to the results log and say how it compares with the tutorial.

    Introduced in notebook 02_single_rnn_25_tokens; notebook 07 reads the log.
    """
    from .results import append_run, make_record

    epochs = len(history.history.get("loss", []))
    record = make_record(approach, data, epochs, evaluation.accuracy, history.train_seconds,
                         batch_size=batch_size or data.preset.batch_size, optimizer=optimizer,
                         learning_rate=learning_rate, seed=seed,
                         stopped_early=epochs < data.preset.epochs)
    path = append_run(record)
    published = (f"the tutorial reported {approach.tutorial_accuracy:.2f}% after 5 epochs on "
                 "120,000 articles" if approach.tutorial_accuracy else "the tutorial has no figure for it")
    print(f"{approach.label}: {100 * evaluation.accuracy:.2f}% test accuracy after {epochs} epoch(s) "
          f"on {len(data.train):,} training articles (preset {data.preset.name}); {published}.\n"
          f"Logged in {path}")
    return record


def seed_comparison(first, second, top: int = 10):
    """Top LIME words of two explanations side by side (notebook 02_single_rnn_25_tokens).

    Shows how much of an explanation is sampling noise: same model, same text,
    only LIME's random_state differs.
    """
    import pandas as pd

    a, b = dict(first.top_words()), dict(second.top_words())
    words = list(dict.fromkeys(list(a)[:top] + list(b)[:top]))
    table = pd.DataFrame({
        f"weight, random_state={first.random_state}": [a.get(w, np.nan) for w in words],
        f"weight, random_state={second.random_state}": [b.get(w, np.nan) for w in words],
    }, index=pd.Index(words, name="word")).round(4)
    return table


def shared_top_words(first, second, top: int = 5) -> int:
    """How many of the `top` words of two explanations are the same (notebook 02_single_rnn_25_tokens)."""
    return len({w for w, _ in first.top_words()[:top]} & {w for w, _ in second.top_words()[:top]})


# --- 07_results_and_next_steps -----------------------------------------------------------------

@contextmanager
def _quiet_retracing():
    """Hide TensorFlow's retracing warning while training one new model after another:
    each new model traces its own functions, which is expected, not a mistake to fix."""
    tf_logger = logging.getLogger("tensorflow")
    level = tf_logger.level
    tf_logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        tf_logger.setLevel(level)


def _runs_for(data) -> list[dict]:
    """Logged runs of the five approaches on exactly this data (preset, sizes, source), trained
    the lessons' way: the preset's epochs and batch size, RMSprop at its default rate, not stopped."""
    from .results import read_runs

    preset = data.preset
    return [r for r in read_runs()
            if r.get("approach") is not None and r.get("preset") == preset.name
            and r.get("train_size") == len(data.train) and r.get("test_size") == len(data.test)
            and r.get("data_source") == data.source and r.get("epochs") == preset.epochs
            and r.get("batch_size", preset.batch_size) == preset.batch_size
            and r.get("optimizer", "rmsprop") == "rmsprop"
            and r.get("learning_rate") in (None, KERAS_DEFAULT_LEARNING_RATE)
            and not r.get("stopped_early")]


def train_missing_approaches(data) -> list[int]:
    """Train (and log) any of the five approaches the log has no run of on this data.

    Introduced in notebook 07_results_and_next_steps, so it works even if 02-06 were skipped.
    """
    from .models import APPROACHES
    from .pipeline import run_approach
    from .vectorizer import build_vectorizer

    done = {r["approach"] for r in _runs_for(data)}
    missing = [a for a in APPROACHES if a.number not in done]
    if not missing:
        print(f"The log already holds a run of all five approaches for {data.describe()}.")
        return []
    vectorizer = build_vectorizer(data.train.texts)
    for approach in missing:
        print(f"No logged run of {approach.label} on this data: training it now...")
        with _quiet_retracing():
            result = run_approach(approach, data, vectorizer, verbose=0)
        print(f"    {100 * result.evaluation.accuracy:.2f}% in {result.history.train_seconds:.1f} s")
    return [a.number for a in missing]


def side_by_side(data):
    """The latest logged run of each approach on this data beside the tutorial's accuracy.

    Introduced in notebook 07_results_and_next_steps.
    """
    import pandas as pd

    from .models import APPROACHES

    latest = {}
    for run in sorted(_runs_for(data), key=lambda r: r["time"]):
        latest[run["approach"]] = run
    rows = []
    for approach in APPROACHES:
        run = latest.get(approach.number)
        mine = None if run is None else round(100 * run["test_accuracy"], 2)
        rows.append({
            "approach": approach.label,
            "preset": data.preset.name,
            "training articles": len(data.train),
            "test articles": len(data.test),
            "units": ",".join(map(str, approach.units)),
            "max tokens": approach.max_tokens,
            "epochs": None if run is None else run["epochs"],
            "your accuracy %": mine,
            "tutorial accuracy %": approach.tutorial_accuracy,
            "your rank": None,
            "tutorial rank": None,
            "train seconds": None if run is None else run["train_seconds"],
        })
    table = pd.DataFrame(rows).set_index("approach")
    table["your rank"] = table["your accuracy %"].rank(ascending=False, method="min").astype("Int64")
    table["tutorial rank"] = table["tutorial accuracy %"].rank(ascending=False, method="min").astype("Int64")
    return table


#: The comparisons notebook 07 discusses: (question, approach, baseline approach).
KEY_COMPARISONS = (
    ("reading 50 tokens instead of 25", 2, 1),
    ("a bidirectional layer instead of a forward one", 3, 2),
    ("three stacked forward layers instead of one", 4, 2),
    ("three stacked bidirectional layers instead of one", 5, 3),
)


def key_differences(table):
    """Accuracy gained (+) or lost (-) by each design change, yours beside the tutorial's.

    Introduced in notebook 07_results_and_next_steps; `table` comes from `side_by_side`.
    """
    import pandas as pd

    rows = []
    for question, number, baseline in KEY_COMPARISONS:
        new, old = table.iloc[number - 1], table.iloc[baseline - 1]
        rows.append({
            "change": question,
            "compares": f"{number} vs {baseline}",
            "your difference (points)": _difference(new["your accuracy %"], old["your accuracy %"]),
            "tutorial difference (points)": _difference(new["tutorial accuracy %"],
                                                        old["tutorial accuracy %"]),
        })
    return pd.DataFrame(rows).set_index("change")


def _difference(new, old):
    return None if new is None or old is None or np.isnan(new) or np.isnan(old) else round(new - old, 2)


def describe_design(approach) -> str:
    """'50 tokens, embedding 30, SimpleRNN 50' in a few words (notebook 07_results_and_next_steps)."""
    units = "/".join(map(str, approach.units))
    kind = f"bidirectional {approach.cell}" if approach.bidirectional else approach.cell
    init = f", {approach.initializer} init" if approach.initializer else ""
    mask = ", padding masked" if approach.mask_padding else ""
    return (f"{approach.max_tokens} tokens, embedding {approach.embed_len}, {kind} {units}"
            f"{init}{mask}")


class Experiments:
    """Variations on an approach, trained on the same data and collected in one table.

    Introduced in notebook 07_results_and_next_steps. Every run is also appended to the
    results log, so the comparison view shows it.
    """

    def __init__(self, data):
        self.data = data
        self.rows: list[dict] = []
        self.results = {}
        self._vectorizers = {}

    def _vectorizer(self, max_tokens: int):
        """A vocabulary fitted once, with sequences long enough for `max_tokens`."""
        from .vectorizer import build_vectorizer

        length = max(LONGEST_SEQUENCE, max_tokens)
        if length not in self._vectorizers:
            self._vectorizers[length] = build_vectorizer(self.data.train.texts, length)
        return self._vectorizers[length]

    def run(self, name: str, approach, *, epochs: int | None = None, optimizer: str = "rmsprop",
            learning_rate=None, callbacks=None, seed: int = 42, verbose=0):
        """Train `approach` under the label `name`, print one line, and keep the result
        (earlier results keep their numbers; their networks are freed to save memory)."""
        from .pipeline import run_approach

        # Logged as a custom design named after the experiment, so it never passes for one of
        # the tutorial's five runs in `side_by_side`.
        approach = approach.with_changes(name=name)
        with _quiet_retracing():
            result = run_approach(approach, self.data, self._vectorizer(approach.max_tokens),
                                  epochs=epochs, optimizer=optimizer, learning_rate=learning_rate,
                                  callbacks=callbacks, seed=seed, verbose=verbose)
        accuracy = 100 * result.evaluation.accuracy
        epochs_run = len(result.history.history.get("loss", []))
        baseline = self.rows[0]["test accuracy %"] if self.rows else None
        self.rows.append({
            "experiment": name, "design": describe_design(approach), "epochs": epochs_run,
            "optimizer": optimizer, "parameters": result.model.count_params(),
            "test accuracy %": round(accuracy, 2),
            "vs first run (points)": None if baseline is None else round(accuracy - baseline, 2),
            "train seconds": round(result.history.train_seconds, 1),
        })
        # Keep earlier runs' numbers but free their networks: a dozen trained models held at
        # once pushed notebook 07 past the 1.5 GB a Binder kernel can use (docs/instructor-guide.md).
        for earlier in self.results.values():
            earlier.model = earlier.predictor = None
            earlier.history.set_model(None)
        gc.collect()
        self.results[name] = result
        versus = "" if baseline is None else f" ({accuracy - baseline:+.2f} points vs the first run)"
        print(f"{name}: {accuracy:.2f}% test accuracy after {epochs_run} epoch(s), "
              f"{result.history.train_seconds:.1f} s{versus}")
        return result

    def repeat(self, name: str, approach, seeds=(42, 7, 123), **options) -> float:
        """Run the same experiment once per seed and print the spread of test accuracy (points).

        The spread is the yardstick for every other difference: a change smaller than it
        may be the luck of the seed.
        """
        accuracies = []
        for seed in seeds:
            result = self.run(f"{name}, seed {seed}", approach, seed=seed, **options)
            accuracies.append(100 * result.evaluation.accuracy)
        spread = max(accuracies) - min(accuracies)
        print(f"Across {len(seeds)} seeds the test accuracy ranged from {min(accuracies):.2f}% to "
              f"{max(accuracies):.2f}%: a spread of {spread:.2f} points from the seed alone.")
        return spread

    def table(self):
        """Every experiment so far, in the order they ran."""
        import pandas as pd

        return pd.DataFrame(self.rows).set_index("experiment") if self.rows else pd.DataFrame()
