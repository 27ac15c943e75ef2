"""Tables and sentences that look inside one step of the pipeline, for the lessons.

The pipeline itself lives in the other modules; these functions explain a step (how long
articles are, where a parameter count comes from, how noisy a LIME explanation is). Each
docstring names the notebook that introduces it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from ..data.text import standardize_function, tokenize
from ..data.vectorizer import LONGEST_SEQUENCE
from ..results.tables import styled_table

#: The toy vocabulary of notebook 01: a handful of words, so every index is easy to follow.
TOY_VOCABULARY = ("the", "market", "stocks", "rally", "as", "will", "team", "wins")
TOY_SENTENCE = "Stocks rally as the market cheers, but will the rally last?"
#: Articles in the canonical AG News files, which a preset of "all" reads (notebook 00).
CANONICAL_ARTICLES = {"train": 120_000, "test": 7_600}
#: Markup the AG News files kept from the web pages they were gathered from (notebook 01):
#: (as written, a pattern that finds it, what it stands for, an example from the articles).
MARKUP = (
    ("#39;", r"#39;", "an apostrophe", "company #39;s"),
    ("quot;", r"(?<![A-Za-z])quot;", "a quotation mark", "quot;foolish quot;"),
    ("&lt; &gt;", r"(?<![A-Za-z])[lg]t;", "< and >, around HTML tags", "&lt;b&gt;...&lt;/b&gt;"),
    ("amp;", r"(?<![A-Za-z])amp;", "an ampersand, &", "AT amp;T"),
    ("#36;", r"#36;", "a dollar sign", "#36;10 million"),
    ("#151; ...", r"#(?!39;|36;)\d+;", "other characters (#151; a dash)", "knee #151; another"),
)


# --- 00_start_here -----------------------------------------------------------------------------


def preset_table():
    """The three presets side by side, as the lessons use them (notebook 00_start_here).

    The training articles are the pool drawn from train.csv; each lesson holds a tenth of it
    out for validation (00's first exercise works out the rest).
    """
    import pandas as pd

    from ..settings import PRESETS

    def size(n, whole):
        return f"all ({whole:,})" if n is None else f"{n:,}"

    table = pd.DataFrame(
        [
            {
                "preset": p.name,
                "training articles": size(p.train_size, CANONICAL_ARTICLES["train"]),
                "held out for validation": f"{p.validation_fraction:.0%}",
                "test articles": size(p.test_size, CANONICAL_ARTICLES["test"]),
                "epochs": p.epochs,
                "batch size": p.batch_size,
                "LIME samples": p.lime_samples,
            }
            for p in PRESETS.values()
        ]
    )
    return styled_table(table, left=("preset",))


# --- 01_prepare_data ---------------------------------------------------------------------------


def class_balance(data):
    """Articles per topic in each split, with each topic's share (notebook 01_prepare_data)."""
    import pandas as pd

    columns = {}
    for split_name, heading in (
        ("train", "training"),
        ("validation", "validation"),
        ("test", "test"),
    ):
        labels = getattr(data, split_name).labels
        counts = np.bincount(labels, minlength=len(data.class_names))
        columns[f"{heading} articles"] = [*counts, counts.sum()]
        columns[f"{heading} %"] = [*np.round(100 * counts / counts.sum(), 1), 100.0]
    table = pd.DataFrame({"topic": [*data.class_names, "all topics"], **columns})
    return styled_table(table, {c: 1 for c in table.columns if c.endswith("%")}, left=("topic",))


def sample_articles(split, class_names, per_topic: int = 1, seed: int = 0):
    """A few articles of each topic, picked with a fixed seed (notebook 01_prepare_data)."""
    import pandas as pd

    rng = np.random.RandomState(seed)
    rows = []
    for label, name in enumerate(class_names):
        where = np.flatnonzero(split.labels == label)
        for index in rng.choice(where, size=min(per_topic, len(where)), replace=False):
            rows.append({"topic": name, "article (title and description)": split.texts[index]})
    frame = pd.DataFrame(rows)
    # Escaped, so that markup such as &lt;b&gt; shows as it is written in the text.
    return styled_table(frame, left=tuple(frame.columns)).format(escape="html")


def markup_summary(texts) -> str:
    """How many articles still hold web markup such as `#39;`, and the tokens it becomes.

    Introduced in notebook 01_prepare_data, which keeps the markup, as the tutorial did.
    """
    import re

    texts = list(texts)
    found = [[bool(re.search(pattern, text)) for text in texts] for _, pattern, _, _ in MARKUP]
    marked = int(np.any(found, axis=0).sum()) if texts else 0
    if not marked:
        return f"None of these {len(texts):,} articles holds web markup."
    rows = [f"  {'markup':<11}{'stands for':<34}{'articles':>8}   {'as in':<24}tokens"]
    for (written, _, meaning, example), hits in zip(MARKUP, found):
        rows.append(
            f"  {written:<11}{meaning:<34}{sum(hits):>8,}   {example:<24}"
            f"{' '.join(tokenize(example))}"
        )
    return (
        f"{marked:,} of {len(texts):,} articles ({100 * marked / len(texts):.1f} %) hold "
        "markup left from the web pages:\n" + "\n".join(rows)
    )


def toy_vectorizer(vocabulary=TOY_VOCABULARY):
    """A TextVectorization layer with a fixed, hand-written vocabulary (notebook 01_prepare_data).

    Nothing is learned from data, so the worked example gives the same indexes everywhere.
    """
    import keras

    return keras.layers.TextVectorization(
        standardize=standardize_function(), output_mode="int", vocabulary=list(vocabulary)
    )


def show_vocabulary(vectorizer, first: int = 12) -> str:
    """The first entries of a vocabulary as 'index  token' lines (notebook 01_prepare_data)."""
    words = vectorizer.get_vocabulary()[:first]
    notes = {0: "  (padding)", 1: "  (any word not in the vocabulary)"}
    return "\n".join(f"{i:>5}  {str(word)!r}{notes.get(i, '')}" for i, word in enumerate(words))


def count_tokens(texts) -> np.ndarray:
    """Number of tokens in each text, counted with the vectorizer's rule (notebook 01_prepare_data)."""
    return np.array([len(tokenize(text)) for text in texts])


def coverage_frame(lengths, cutoffs=(25, LONGEST_SEQUENCE)):
    """For each max-tokens cutoff: how many articles fit whole, and how much text and padding remain."""
    import pandas as pd

    lengths = np.asarray(lengths)
    rows = []
    for cutoff in cutoffs:
        kept = np.minimum(lengths, cutoff)
        rows.append(
            {
                "max tokens": cutoff,
                "articles kept whole %": 100 * float(np.mean(lengths <= cutoff)),
                "tokens kept %": 100 * float(kept.sum() / lengths.sum()),
                "padding per row %": 100 * float(np.mean((cutoff - kept) / cutoff)),
            }
        )
    return pd.DataFrame(rows)


def token_coverage(lengths, cutoffs=(25, LONGEST_SEQUENCE)):
    """`coverage_frame` as a table to read (notebook 01_prepare_data, why approaches 1 and 2 differ)."""
    table = coverage_frame(lengths, cutoffs)
    return styled_table(table, {column: 1 for column in table.columns if column.endswith("%")})


def window_summary(texts, max_tokens: int) -> str:
    """One sentence on what a max-tokens window does to these texts (notebooks 02-06)."""
    row = coverage_frame(count_tokens(texts), cutoffs=(max_tokens,)).iloc[0]
    return (
        f"At {max_tokens} tokens, {row['articles kept whole %']:.0f}% of these articles fit whole "
        f"and the rest are cut; {row['tokens kept %']:.0f}% of all their tokens are kept, and "
        f"{row['padding per row %']:.0f}% of an average row is padding."
    )


@dataclass(frozen=True)
class UnseenWords:
    """Test-set words a vocabulary fitted on the training texts does not know."""

    test_only_words: int
    training_words: int
    unknown_test_tokens_pct: float
    examples: list[str]

    def summary(self) -> str:
        """Two sentences a notebook can print."""
        return (
            f"The training texts hold {self.training_words:,} distinct words. The test texts add "
            f"{self.test_only_words:,} words that never appear in training "
            f"({self.unknown_test_tokens_pct:.1f}% of all test tokens), "
            f"e.g. {', '.join(self.examples)}."
        )


def unseen_test_words(data, examples: int = 8) -> UnseenWords:
    """What fitting the vocabulary on training text only leaves out (notebook 01_prepare_data)."""
    train_words = Counter(word for text in data.train.texts for word in tokenize(text))
    test_tokens = Counter(word for text in data.test.texts for word in tokenize(text))
    unseen = {word: n for word, n in test_tokens.items() if word not in train_words}
    common = [word for word, _ in Counter(unseen).most_common(examples)]
    return UnseenWords(
        len(unseen),
        len(train_words),
        100 * sum(unseen.values()) / max(1, sum(test_tokens.values())),
        common,
    )


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
        rows.append(
            {
                "layer": layer.name,
                "type": kind,
                "output shape": str(tuple(layer.output.shape)),
                "worked out": formula,
                "parameters": count,
                "Keras counts": layer.count_params(),
            }
        )
    table = pd.DataFrame(rows)
    total = {
        "layer": "total",
        "type": "",
        "output shape": "",
        "worked out": "",
        "parameters": int(table["parameters"].sum()),
        "Keras counts": int(model.count_params()),
    }
    table = pd.concat([table, pd.DataFrame([total])], ignore_index=True).set_index("layer")
    return styled_table(table, index=True, left=("type", "output shape", "worked out"))


def seed_comparison(first, second, top: int = 10, label=None, seeds=None):
    """Top LIME words of two explanations side by side (notebook 02_single_rnn_25_tokens).

    Shows how much of an explanation is sampling noise: same model, same text,
    only LIME's random_state differs. Takes the package's explanations (`explain_prediction`)
    or LIME's own (`explain_instance`, with the `label` they explain); `seeds` names the two
    random states when LIME's objects do not say.
    """
    import pandas as pd

    a, b = _lime_weights(first, label), _lime_weights(second, label)
    words = list(dict.fromkeys(list(a)[:top] + list(b)[:top]))
    absent = f"not in its top {top}"
    names = seeds or (getattr(first, "random_state", "?"), getattr(second, "random_state", "?"))

    def column(weights):
        return [f"{weights[w]:+.4f}" if w in weights else absent for w in words]

    table = pd.DataFrame(
        {f"weight, random_state={name}": column(w) for name, w in zip(names, (a, b))},
        index=pd.Index(words, name="word"),
    )
    return styled_table(table, index=True)


def _lime_weights(explanation, label=None) -> dict[str, float]:
    """word -> weight, largest effect first, from either kind of explanation."""
    if hasattr(explanation, "top_words"):
        return dict(explanation.top_words(label))
    if label is None:
        label = next(iter(explanation.local_exp))
    return dict(explanation.as_list(label=label))


def shared_top_words(first, second, top: int = 5, label=None) -> int:
    """How many of the `top` words of two explanations are the same (notebook 02)."""
    a, b = _lime_weights(first, label), _lime_weights(second, label)
    return len(set(list(a)[:top]) & set(list(b)[:top]))


def training_times(data, approach: int, seconds: float, others=()) -> str:
    """This run's training time beside your logged runs of `others` on the same data (04-06).

    Every figure is a run you made: the time `fit` took here, and the times your results log
    holds for the other approaches on the same preset and data (the newest of each).
    """
    from ..results.log import ResultsLogError
    from ..results.records import latest_runs

    try:
        logged = latest_runs(data)
    except ResultsLogError as problem:
        return f"Approach {approach} trained in {seconds:.1f} s. ({problem})"
    parts = [f"approach {approach} {seconds:.1f} s (this run)"]
    missing = []
    for number in others:
        run = logged.get(number)
        if run is None:
            missing.append(number)
        else:
            parts.append(f"approach {number} {run['train_seconds']:.1f} s")
    text = f"Training time for {data.preset.epochs} epoch(s) on this data: " + ", ".join(parts)
    if missing:
        lessons = ", ".join(f"{number + 1:02d}" for number in missing)
        text += (
            f". Your results log has no run of approach {', '.join(map(str, missing))} on this "
            f"data yet: run lesson {lessons} with the same preset to compare."
        )
    return text + "."


def speed_table(timings: dict):
    """Median seconds per setting, and each epoch's speed against the first setting (lesson 02).

    `timings` maps a setting's name to its measured (seconds to build the training step,
    seconds for one epoch) pairs, one pair per round; the first setting is the baseline.
    """
    import pandas as pd

    rows, baseline = [], None
    for name, pairs in timings.items():
        built = float(np.median([pair[0] for pair in pairs]))
        epoch = float(np.median([pair[1] for pair in pairs]))
        baseline = epoch if baseline is None else baseline
        rows.append(
            {
                "setting": name,
                "building the step, s": built,
                "one epoch, s": epoch,
                "speed of an epoch vs the first row": f"{baseline / epoch:.2f}x",
                "rounds": len(pairs),
            }
        )
    table = pd.DataFrame(rows).set_index("setting")
    return styled_table(table, {"building the step, s": 2, "one epoch, s": 2}, index=True)


def time_settings(prepare, time_epoch, settings: dict, rounds: int = 2) -> dict:
    """Time one epoch of training under each of `settings`, `rounds` times (lesson 02).

    `prepare(**options)` returns (a network ready to train, seconds it took to build its
    training step); each setting is prepared once. `time_epoch(network)` returns the seconds of
    one epoch. The epochs alternate between the settings, in reversed order every other round:
    a shared computer is faster at some moments than others, and alternating spreads that over
    every setting. Returns name -> [(seconds to build, seconds of one epoch), ...], one pair per
    round.

    TensorFlow's notice that a training step was traced again ("triggered tf.function
    retracing") is silenced meanwhile: building one network per setting is the point here.
    """
    import logging

    logger = logging.getLogger("tensorflow")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        prepared = {name: prepare(**options) for name, options in settings.items()}
        timings: dict = {name: [] for name in settings}
        for round_number in range(rounds):
            order = list(settings) if round_number % 2 == 0 else list(settings)[::-1]
            for name in order:
                network, built = prepared[name]
                timings[name].append((built, time_epoch(network)))
    finally:
        logger.setLevel(level)
    return timings
