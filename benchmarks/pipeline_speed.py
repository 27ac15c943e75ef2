"""Benchmark: the tutorial's 2022 pipeline against the lessons' stock Keras and the package's
speed runtime, side by side, each run in a Python process of its own.

Sides:

* tutorial -- the tutorial's pipeline in Keras 2 (`tf_keras`): Tokenizer fitted on training
              and test text, pad_sequences, Sequential, `optimizer="rmsprop"`, fit on arrays
              with the test set as validation. TensorFlow's own thread settings.
* lessons  -- what a learner writes in the lessons: stock Keras 3, the network as the lesson
              has it, `optimizer="rmsprop"`, fit, with the public settings the lessons teach
              (LESSON_SETTINGS; a variant `lessons:NAME={"settings": {...}}` changes them).
              Data prepared by the package's helpers with Keras's own `adapt`.
* package  -- the package's own training path (the CLI, the panel, lesson 07): `Trainer.run`
              with its speed runtime (`package:NAME={"runtime": false}` is the same path on
              stock Keras; `"optimizer"` picks the arithmetic).

Two parts: timing (the whole `fit` from call to return, each epoch, the first counted from the
call, the overshoot after the last epoch, data preparation, peak RSS) on 120,000 rows (the
canonical file, or the offline mini split repeated), and accuracy like for like on the mini
split over seeds (means, differences and 95 % Welch intervals). Every finished run is appended
to `--runs FILE` (JSON lines) at once, and a run already there is not run again: stop the
benchmark at any moment and start it again with the same command to go on.

    .venv/bin/python benchmarks/pipeline_speed.py --runs /tmp/runs.jsonl
    .venv/bin/python benchmarks/pipeline_speed.py --approaches 1 --repeats 1 --rows 24000 \\
        --skip-accuracy --variant 'lessons:bare={"settings": {}}'

speed_section.py runs this for benchmarks/README.md and prints its tables.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import (  # a sibling module
    MINI,
    REPO,
    median,
    print_result,
    read_csv,
    replicate_csv,
    rotated,
    run_child,
    schedule,
)

TUTORIAL, LESSONS, PACKAGE = "tutorial", "lessons", "package"
SIDES = (TUTORIAL, LESSONS, PACKAGE)
FULL_TRAIN_ROWS, FULL_TEST_ROWS = 120_000, 7_600
BATCH_SIZE = 512
FIT_EPOCHS = 5  # the tutorial's fit: the "whole fit" column is a 5-epoch fit
OVERSHOOT_LIMIT = 0.5  # seconds: the target for fit's return after its last epoch
ORIGINAL_ENVIRONMENT = dict(os.environ)

#: Keras 3's defaults: what a learner gets without any of the settings below.
KERAS_DEFAULTS = {
    "unroll": False,
    "steps_per_execution": 1,
    "jit_compile": "auto",
    "intra_op_threads": None,
    "input": "arrays",
}
#: The public settings each lesson teaches (lesson 02, "Making training faster"), by approach:
#: `unroll=True` on its SimpleRNN layers, `compile(steps_per_execution=...)`, one TensorFlow
#: thread per operation set before anything runs, and fit's input ("dataset": a tf.data
#: pipeline the learner builds, without tf.data's autotuning; or "arrays"). One short layer
#: gains from unrolling and from 16 steps per call; stacks do not (benchmarks/README.md).
ONE_LAYER = {"unroll": True, "steps_per_execution": 16, "intra_op_threads": 1, "input": "dataset"}
STACKED = {"unroll": False, "steps_per_execution": 1, "intra_op_threads": 1, "input": "dataset"}
LESSON_SETTINGS = {1: ONE_LAYER, 2: ONE_LAYER, 3: ONE_LAYER, 4: STACKED, 5: STACKED}


# --------------------------------------------------------------------------------------------
# Child processes: one side, one approach, one seed.
# --------------------------------------------------------------------------------------------


def fit_clock(callback_base):
    """A Keras callback noting when training begins and each epoch ends (wall and CPU)."""

    class FitClock(callback_base):
        def __init__(self):
            super().__init__()
            self.train_begin, self.ends = None, []

        def on_train_begin(self, logs=None):
            self.train_begin = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.ends.append((time.perf_counter(), time.process_time()))

    return FitClock()


def fit_timing(called: tuple[float, float], returned: float, clock) -> dict:
    """The whole call's timing from `fit`'s call and return and the clock's marks.

    epoch_seconds: the first from fit's call to its first epoch's end (what a learner waits
    for the first figures), the others from epoch end to epoch end; overshoot: fit's return
    minus the end of its last epoch.
    """
    marks = [called, *clock.ends]
    return {
        "fit_seconds": returned - called[0],
        "setup_seconds": (clock.train_begin or called[0]) - called[0],
        "overshoot_seconds": returned - marks[-1][0],
        "epoch_seconds": [b[0] - a[0] for a, b in zip(marks, marks[1:])],
        "epoch_cpu_seconds": [b[1] - a[1] for a, b in zip(marks, marks[1:])],
    }


def timed_fit(model, clock, **fit_arguments) -> dict:
    """Call `model.fit` with `clock` and return `fit_timing`."""
    fit_arguments["callbacks"] = [*fit_arguments.get("callbacks", []), clock]
    called = (time.perf_counter(), time.process_time())
    model.fit(**fit_arguments)
    return fit_timing(called, time.perf_counter(), clock)


def tutorial_network(keras_module, approach, vocabulary: int, unroll: bool = False):
    """The tutorial's network for an approach (models.Approach), in the Keras given (tf_keras,
    as the tutorial had, or Keras 3); `unroll` as a learner may write it on each SimpleRNN."""
    layers = keras_module.layers
    model = keras_module.Sequential(
        [
            keras_module.Input(shape=(approach.max_tokens,), dtype="int32"),
            layers.Embedding(vocabulary, approach.embed_len),
        ]
    )
    for depth, units in enumerate(approach.units, start=1):
        rnn = layers.SimpleRNN(units, return_sequences=depth < len(approach.units), unroll=unroll)
        model.add(layers.Bidirectional(rnn) if approach.bidirectional else rnn)
    model.add(layers.Dense(4, activation="softmax"))
    return model


def child_tutorial(approach_number: int, data_dir: Path, epochs: int, seed: int, options) -> dict:
    """The tutorial's pipeline, re-written with the Keras 2 API (tf_keras)."""
    import numpy as np
    import tf_keras
    from tf_keras.preprocessing.sequence import pad_sequences
    from tf_keras.preprocessing.text import Tokenizer

    from textrnn_lessons.models.approaches import get_approach

    approach = get_approach(approach_number)
    started = time.perf_counter()
    train_texts, train_labels = read_csv(data_dir / "train.csv")
    test_texts, test_labels = read_csv(data_dir / "test.csv")
    tokenizer = Tokenizer()  # the tutorial fitted it on the training and the test texts
    tokenizer.fit_on_texts(train_texts + test_texts)

    def pad(texts):
        return pad_sequences(
            tokenizer.texts_to_sequences(texts),
            maxlen=approach.max_tokens,
            padding="post",
            truncating="post",
            value=0,
        )

    x_train, x_test = pad(train_texts), pad(test_texts)
    y_train, y_test = np.array(train_labels), np.array(test_labels)
    prep_seconds = time.perf_counter() - started

    tf_keras.utils.set_random_seed(seed)
    model = tutorial_network(tf_keras, approach, len(tokenizer.word_index) + 1)
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    timing = timed_fit(
        model,
        fit_clock(tf_keras.callbacks.Callback),
        x=x_train,
        y=y_train,
        batch_size=BATCH_SIZE,
        epochs=epochs,
        validation_data=(x_test, y_test),
        verbose=0,
    )
    predicted = model.predict(x_test, batch_size=BATCH_SIZE, verbose=0).argmax(axis=-1)
    return {
        "prep_seconds": prep_seconds,
        **timing,
        "train_rows": len(x_train),
        "vocabulary": len(tokenizer.word_index) + 1,
        "accuracy": float((predicted == y_test).mean()),
    }


def lesson_dataset(x, y, batch_size: int, shuffle: bool):
    """fit's input as a learner can build it with tf.data: row numbers shuffled every epoch
    (as Keras shuffles arrays), batches gathered from the arrays, prefetched, and without
    tf.data's autotuning (whose thread can hold up fit's return, TensorFlow 2.21)."""
    import tensorflow as tf

    x, y = tf.constant(x), tf.constant(y)
    rows = tf.data.Dataset.range(len(x))
    if shuffle:
        rows = rows.shuffle(len(x))
    batches = rows.batch(batch_size).map(lambda i: (tf.gather(x, i), tf.gather(y, i)))
    options = tf.data.Options()
    options.autotune.enabled = False
    return batches.prefetch(2).with_options(options)


def child_lessons(approach_number: int, data_dir: Path, epochs: int, seed: int, options) -> dict:
    """A lesson's cells: stock Keras 3 with the settings given ("settings": changes to Keras's
    defaults), or by default the ones the approach's lesson teaches (LESSON_SETTINGS)."""
    import textrnn_lessons  # noqa: F401  (the lessons import it first)

    settings = {**KERAS_DEFAULTS, **options.get("settings", LESSON_SETTINGS[approach_number])}
    for name in options.get("keras_defaults_for", ()):  # e.g. the lesson's, but TF's threads
        settings[name] = KERAS_DEFAULTS[name]
    import tensorflow as tf

    if settings["intra_op_threads"]:  # before any operation runs, as a lesson cell does it
        tf.config.threading.set_intra_op_parallelism_threads(settings["intra_op_threads"])
    import keras

    from textrnn_lessons.data.reading import load_ag_news
    from textrnn_lessons.data.vectorizer import build_vectorizer, vectorize_splits, vocabulary_size
    from textrnn_lessons.models.approaches import get_approach
    from textrnn_lessons.settings import get_preset

    approach = get_approach(approach_number)
    started = time.perf_counter()
    data = load_ag_news(get_preset("full"), data_dir, options.get("protocol", "clean"))
    vectorizer = build_vectorizer(data.vocabulary_texts, fast=False)  # Keras's adapt
    x_train, x_val, x_test = vectorize_splits(vectorizer, data, approach.max_tokens)
    prep_seconds = time.perf_counter() - started

    keras.utils.set_random_seed(seed)
    model = tutorial_network(keras, approach, vocabulary_size(vectorizer), settings["unroll"])
    model.compile(
        optimizer="rmsprop",
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
        steps_per_execution=settings["steps_per_execution"],
        jit_compile=settings["jit_compile"],
    )
    y_train, y_val = data.train.labels, data.validation.labels
    if settings["input"] == "dataset":
        inputs = {
            "x": lesson_dataset(x_train, y_train, BATCH_SIZE, shuffle=True),
            "validation_data": lesson_dataset(x_val, y_val, BATCH_SIZE, shuffle=False),
            "shuffle": False,  # the dataset shuffles itself; fit warns otherwise
        }
    else:
        inputs = {
            "x": x_train,
            "y": y_train,
            "batch_size": BATCH_SIZE,
            "validation_data": (x_val, y_val),
        }
    timing = timed_fit(
        model, fit_clock(keras.callbacks.Callback), epochs=epochs, verbose=0, **inputs
    )
    predicted = model.predict(x_test, batch_size=BATCH_SIZE, verbose=0).argmax(axis=-1)
    return {
        "prep_seconds": prep_seconds,
        **timing,
        "train_rows": len(x_train),
        "vocabulary": vocabulary_size(vectorizer),
        "accuracy": float((predicted == data.test.labels).mean()),
        "settings": settings,
        "intra_op_threads": tf.config.threading.get_intra_op_parallelism_threads(),
    }


def child_package(approach_number: int, data_dir: Path, epochs: int, seed: int, options) -> dict:
    """The package's own path: `Trainer.run`, as the CLI, the panel and lesson 07 train."""
    import keras

    from textrnn_lessons.models.approaches import get_approach
    from textrnn_lessons.settings import get_preset
    from textrnn_lessons.training.trainer import Trainer

    approach = get_approach(approach_number)
    trainer = Trainer(data_dir, speed=options.get("runtime"), protocol=options.get("protocol"))
    started = time.perf_counter()
    data = trainer.data(get_preset("full"))
    trainer.vectorizer(data, approach.max_tokens)
    prep_seconds = time.perf_counter() - started
    clock = fit_clock(keras.callbacks.Callback)
    extra = {"optimizer": options["optimizer"]} if options.get("optimizer") else {}
    result = trainer.run(
        approach,
        data,
        epochs=epochs,
        batch_size=BATCH_SIZE,
        seed=seed,
        callbacks=[clock],
        **extra,
    )
    history = result.history
    called = (history.fit_started, history.fit_started_cpu)
    return {
        "prep_seconds": prep_seconds,
        **fit_timing(called, history.fit_started + history.train_seconds, clock),
        "train_rows": len(data.train),
        "vocabulary": result.record["vocabulary_size"],
        "accuracy": result.evaluation.accuracy,
        "runtime": result.record.get("speed_runtime"),
        "optimizer": result.record.get("optimizer"),
    }


CHILDREN = {TUTORIAL: child_tutorial, LESSONS: child_lessons, PACKAGE: child_package}


def run_as_child(args: argparse.Namespace) -> None:
    """Entry point of a child process: run one measurement, print it as one JSON line."""
    options = json.loads(args.options) if args.options else {}
    result = CHILDREN[args.child](args.approach, Path(args.data), args.epochs, args.seed, options)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print_result(result)


# --------------------------------------------------------------------------------------------
# The parent: data, scheduling, statistics, tables.
# --------------------------------------------------------------------------------------------


def timing_data(args: argparse.Namespace, scratch: Path) -> tuple[Path, str]:
    """--data, else $TEXTRNN_LESSONS_DATA when it holds the canonical files, else the mini
    split replicated to the full size."""
    from textrnn_lessons.data.download import is_canonical
    from textrnn_lessons.settings import data_dir_from_env

    if args.data:
        folder = Path(args.data)
        kind = "canonical" if is_canonical(folder / "train.csv") else "given"
        return folder, f"{kind} files in {folder}"
    from_env = data_dir_from_env()
    if from_env and is_canonical(from_env / "train.csv") and is_canonical(from_env / "test.csv"):
        return from_env, f"the canonical AG News files in {from_env}"
    replicate_csv(MINI / "train.csv", scratch / "train.csv", args.rows)
    replicate_csv(MINI / "test.csv", scratch / "test.csv", FULL_TEST_ROWS)
    return scratch, (
        f"a stand-in: {MINI} repeated to {args.rows:,} training and "
        f"{FULL_TEST_ROWS:,} test rows (timing only, its accuracy means nothing)"
    )


def side_options(side: str, variants: dict, protocol: str) -> tuple[str, dict]:
    """(the child to run, its options) for a side name such as "lessons:bare"."""
    child = side.partition(":")[0]
    if child not in SIDES:
        sys.exit(f"Unknown side {side!r}: a side is {', '.join(SIDES)}, or one of them:NAME.")
    options = {"protocol": protocol} if child != TUTORIAL else {}
    options.update(variants.get(side, {}))
    return child, options


def measure(side: str, approach: int, data_dir: Path, epochs: int, seed: int, options: dict):
    """Run one child process and return its measurement."""
    child, options = side.partition(":")[0], dict(options)
    command = [sys.executable, str(Path(__file__).resolve()), "--child", child]
    command += ["--approach", str(approach), "--data", str(data_dir)]
    command += ["--epochs", str(epochs), "--seed", str(seed)]
    env = dict(ORIGINAL_ENVIRONMENT, TF_CPP_MIN_LOG_LEVEL="2", PYTHONHASHSEED="0")
    for name in ("TEXTRNN_LESSONS_SPEEDUPS", "TEXTRNN_LESSONS_PROTOCOL", "TF_NUM_INTRAOP_THREADS"):
        env.pop(name, None)  # each side says what it wants
    env.update(options.pop("env", {}))
    source = options.pop("src", None)
    if source:  # run the package found in that folder (an older or changed copy) instead
        env["PYTHONPATH"] = os.pathsep.join([str(source), env.get("PYTHONPATH", "")])
    command += ["--options", json.dumps(options)]
    load = os.getloadavg()[0]
    result = run_child(command, env, f"The {side} run of approach {approach}")
    result.update(side=side, approach=approach, seed=seed, epochs=epochs, load_average=load)
    return result


class RunLog:
    """Finished runs, kept in a JSON-lines file as they finish, so a stopped benchmark goes on
    where it stopped. A run is known by its part, side, approach, repeat or seed and epochs."""

    def __init__(self, path: Path | None):
        self.path = path
        self.runs = []
        if path and path.exists():
            self.runs = [json.loads(line) for line in path.read_text().splitlines() if line]

    @staticmethod
    def key(run: dict) -> tuple:
        return (run["part"], run["side"], run["approach"], run["round"], run["epochs"])

    def done(self, part, side, approach, round_, epochs) -> dict | None:
        wanted = (part, side, approach, round_, epochs)
        return next((r for r in self.runs if self.key(r) == wanted), None)

    def add(self, run: dict) -> None:
        self.runs.append(run)
        if self.path:
            with open(self.path, "a") as handle:
                handle.write(json.dumps(run) + "\n")

    def part(self, name: str) -> list[dict]:
        return [r for r in self.runs if r["part"] == name]


def summarize(runs: list[dict]) -> dict:
    """Medians of one side's runs of one approach.

    `fit5` is a 5-epoch fit's wall time: measured when the runs trained 5 epochs, else the
    whole fit plus steady epochs for the ones missing (`fit5_measured` says which).
    """
    epochs = len(runs[0]["epoch_seconds"])
    first = median(r["epoch_seconds"][0] for r in runs)
    steady = median(s for r in runs for s in r["epoch_seconds"][1:])
    fit5 = median(
        r["fit_seconds"] + (FIT_EPOCHS - epochs) * (steady if epochs > 1 else first) for r in runs
    )
    overshoots = [r["overshoot_seconds"] for r in runs]
    rows = runs[0]["train_rows"]
    return {
        "prep": median(r["prep_seconds"] for r in runs),
        "first": first,
        "steady": steady,
        "fit": median(r["fit_seconds"] for r in runs),
        "fit5": fit5,
        "fit5_measured": epochs == FIT_EPOCHS,
        "cpu_steady": median(s for r in runs for s in r["epoch_cpu_seconds"][1:]),
        "rate_first": rows / first,
        "rate_fit5": FIT_EPOCHS * rows / fit5,
        "overshoot": median(overshoots),
        "overshoot_max": max(overshoots),
        "rss": median(r["peak_rss_mb"] for r in runs),
        "n": len(runs),
        "rows": rows,
    }


def summaries(runs: list[dict]) -> dict:
    """{(approach, side): summarize(its runs)} for every pair that has runs."""
    pairs = dict.fromkeys((r["approach"], r["side"]) for r in runs)
    return {
        (a, s): summarize([r for r in runs if (r["approach"], r["side"]) == (a, s)])
        for a, s in sorted(pairs, key=lambda pair: pair[0])
    }


def ratios(runs: list[dict], side: str, base: str = TUTORIAL) -> dict:
    """{approach: (whole 5-epoch fit, first epoch)} throughput per training row of `side` over
    `base`'s."""
    found = summaries(runs)
    return {
        a: (
            s["rate_fit5"] / found[(a, base)]["rate_fit5"],
            s["rate_first"] / found[(a, base)]["rate_first"],
        )
        for (a, name), s in found.items()
        if name == side and (a, base) in found
    }


def timing_table(runs: list[dict]) -> str:
    """Medians per approach and side in seconds and MB, with throughput over the tutorial's."""
    found = summaries(runs)
    lines = [
        "| approach | side | training rows | prep s | 1st epoch s | steady epoch s | "
        "whole fit s | overshoot s (median / max) | vs tutorial: whole fit | 1st epoch | "
        "peak RSS MB | runs |",
        "|" + " --- |" * 12,
    ]
    for (approach, side), s in found.items():
        base = found.get((approach, TUTORIAL))
        fit = f"{s['fit5']:.1f}" if s["fit5_measured"] else f"~{s['fit5']:.1f}"
        versus = (
            f"{s['rate_fit5'] / base['rate_fit5']:.2f}× | {s['rate_first'] / base['rate_first']:.2f}×"
            if base and side != TUTORIAL
            else " | "
        )
        lines.append(
            f"| {approach} | {side} | {s['rows']:,} | {s['prep']:.1f} | {s['first']:.1f} | "
            f"{s['steady']:.1f} | {fit} | {s['overshoot']:.2f} / {s['overshoot_max']:.2f} | "
            f"{versus} | {s['rss']:,.0f} | {s['n']} |"
        )
    return "\n".join(lines)


def overshoot_table(runs: list[dict]) -> str:
    """Per side, over every approach: how long fit took to return after its last epoch."""
    lines = [
        f"| side | runs | overshoot median s | max s | runs within {OVERSHOOT_LIMIT} s |",
        "|" + " --- |" * 5,
    ]
    for side in dict.fromkeys(r["side"] for r in runs):
        values = [r["overshoot_seconds"] for r in runs if r["side"] == side]
        ok = sum(v <= OVERSHOOT_LIMIT for v in values)
        lines.append(
            f"| {side} | {len(values)} | {median(values):.3f} | {max(values):.2f} | "
            f"{ok} of {len(values)} |"
        )
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Accuracy: differences of means with their 95 % intervals.
# --------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Difference:
    """mean(b) - mean(a), with a confidence interval."""

    mean_a: float
    mean_b: float
    difference: float
    low: float
    high: float

    @property
    def within_noise(self) -> bool:
        """The interval holds 0: these seeds cannot tell the two apart."""
        return self.low <= 0 <= self.high


def welch_interval(a, b, confidence: float = 0.95) -> Difference:
    """mean(b) - mean(a) and its Welch t-interval (unequal variances, unpaired samples)."""
    from scipy import stats

    a, b = [float(v) for v in a], [float(v) for v in b]
    if len(a) < 2 or len(b) < 2:
        raise ValueError(
            f"a confidence interval needs 2 or more values on each side; got "
            f"{len(a)} and {len(b)}. Run more seeds (--seeds)."
        )
    interval = stats.ttest_ind(b, a, equal_var=False).confidence_interval(confidence)
    mean_a, mean_b = statistics.fmean(a), statistics.fmean(b)
    return Difference(mean_a, mean_b, mean_b - mean_a, float(interval.low), float(interval.high))


def pooled_interval(groups: list[tuple[list, list]], confidence: float = 0.95) -> Difference:
    """The mean over groups (approaches) of mean(b) - mean(a), with a Welch-Satterthwaite
    t-interval: each group's own seed spread counts, the gaps between groups do not."""
    from scipy import stats

    terms = []  # (variance of one side's mean, its degrees of freedom)
    for a, b in groups:
        for side in (a, b):
            if len(side) < 2:
                raise ValueError("a confidence interval needs 2 or more values on each side.")
            terms.append((statistics.variance(side) / len(side), len(side) - 1))
    mean_a = statistics.fmean(statistics.fmean(a) for a, _ in groups)
    mean_b = statistics.fmean(statistics.fmean(b) for _, b in groups)
    variance = sum(v for v, _ in terms) / len(groups) ** 2
    dof = (
        sum(v for v, _ in terms) ** 2 / sum(v**2 / d for v, d in terms if v > 0)
        if variance > 0
        else float("inf")
    )
    half = stats.t.ppf(0.5 + confidence / 2, dof) * variance**0.5
    difference = mean_b - mean_a
    return Difference(mean_a, mean_b, difference, difference - half, difference + half)


def comparison_table(runs: list[dict], base: str, other: str, labels: tuple[str, str]) -> str:
    """Per approach: mean test accuracy of `base` and `other`, their difference, its 95 %
    Welch interval, and whether it is within noise; then the same pooled over approaches."""

    def accuracies(approach, side):
        return [100 * r["accuracy"] for r in runs if (r["approach"], r["side"]) == (approach, side)]

    lines = [
        f"| approach | {labels[0]} % | {labels[1]} % | difference (points) | 95 % interval "
        "| within noise | seeds |",
        "|" + " --- |" * 7,
    ]
    groups = []
    for approach in sorted({r["approach"] for r in runs}):
        a, b = accuracies(approach, base), accuracies(approach, other)
        if len(a) < 2 or len(b) < 2:
            continue
        groups.append((a, b))
        lines.append(_difference_row(str(approach), welch_interval(a, b), f"{len(a)} / {len(b)}"))
    if len(groups) > 1:
        seeds = f"{sum(len(a) for a, _ in groups)} / {sum(len(b) for _, b in groups)}"
        lines.append(_difference_row("all (mean of approaches)", pooled_interval(groups), seeds))
    return "\n".join(lines)


def _difference_row(name: str, d: Difference, seeds: str) -> str:
    return (
        f"| {name} | {d.mean_a:.2f} | {d.mean_b:.2f} | {d.difference:+.2f} | "
        f"{d.low:+.2f} to {d.high:+.2f} | {'yes' if d.within_noise else 'no'} | {seeds} |"
    )


# --------------------------------------------------------------------------------------------
# Options and the main loop.
# --------------------------------------------------------------------------------------------

#: The accuracy part's sides: the lessons' code and the package's, both on the tutorial's data
#: protocol (the same rows and vocabulary as the tutorial's pipeline; the package then trains
#: with Keras 2's RMSprop, the lessons with Keras 3's).
ACCURACY_SIDES = {
    TUTORIAL: {},
    f"{LESSONS}:tutorial": {"protocol": "tutorial"},
    f"{PACKAGE}:tutorial": {"protocol": "tutorial"},
}


def parse_variants(values: list[str] | None) -> dict:
    """--variant SIDE:NAME=JSON options, by side name."""
    variants = {}
    for value in values or []:
        name, _, options = value.partition("=")
        if ":" not in name or name.partition(":")[0] not in SIDES:
            sys.exit(f"--variant {value!r}: name it SIDE:NAME with SIDE one of {', '.join(SIDES)}.")
        try:
            variants[name] = json.loads(options or "{}")
        except json.JSONDecodeError as error:
            sys.exit(
                f"--variant {value!r}: the part after '=' must be JSON such as "
                f'{{"settings": {{"steps_per_execution": 8}}}} ({error.msg}).'
            )
    return variants


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--approaches", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    parser.add_argument(
        "--sides", nargs="+", default=list(SIDES), help="sides to time (default: all three)"
    )
    parser.add_argument(
        "--protocol",
        choices=["clean", "tutorial"],
        default="clean",
        help="data protocol of the lessons' and the package's sides in the timing part",
    )
    parser.add_argument("--repeats", type=int, default=3, help="timing runs per side")
    parser.add_argument(
        "--rows", type=int, default=FULL_TRAIN_ROWS, help="training rows for timing (stand-in)"
    )
    parser.add_argument("--epochs", type=int, default=FIT_EPOCHS, help="epochs per timing run")
    parser.add_argument("--seeds", type=int, default=10, help="seeds for the accuracy part")
    parser.add_argument("--accuracy-epochs", type=int, default=5)
    parser.add_argument("--skip-timing", action="store_true")
    parser.add_argument("--skip-accuracy", action="store_true")
    parser.add_argument("--data", help="a folder with train.csv/test.csv to time on instead")
    parser.add_argument(
        "--variant",
        action="append",
        metavar="SIDE:NAME=JSON",
        help="also time a side with other options (repeatable). lessons: "
        '{"settings": {...changes to KERAS_DEFAULTS}} or {"keras_defaults_for": ["input"]} '
        "(the lesson's settings but Keras's default for these); package: {\"runtime\": false, "
        '"optimizer": "rmsprop_keras2"}; any side: {"env": {...}, "src": DIR holding another '
        "textrnn_lessons/}",
    )
    parser.add_argument("--runs", type=Path, help="JSON-lines file of finished runs (resumes)")
    parser.add_argument("--child", choices=SIDES, help=argparse.SUPPRESS)
    parser.add_argument("--options", help=argparse.SUPPRESS)
    parser.add_argument("--approach", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=42, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def _progress(run: dict, label: str) -> None:
    print(
        f"  {label} approach {run['approach']} {run['side']:16s} prep "
        f"{run['prep_seconds']:.1f}s fit {run['fit_seconds']:.1f}s epochs "
        f"{[round(s, 1) for s in run['epoch_seconds']]} overshoot "
        f"{run['overshoot_seconds']:.2f}s accuracy {100 * run['accuracy']:.1f}% peak "
        f"{run['peak_rss_mb']:,.0f} MB",
        flush=True,
    )


def run_timing(args, variants: dict, log: RunLog) -> list[dict]:
    sides = list(args.sides) + [v for v in variants if v not in args.sides]
    with tempfile.TemporaryDirectory(prefix="textrnn-bench-") as scratch:
        folder, described = timing_data(args, Path(scratch))
        print(
            f"Timing data: {described}; batch {BATCH_SIZE}, {args.epochs} epochs per run, "
            f"{args.repeats} interleaved runs per side and approach; the lessons' and the "
            f"package's sides under the {args.protocol} protocol.",
            flush=True,
        )
        for repeat, approach, side in schedule(args.approaches, args.repeats, sides):
            if log.done("timing", side, approach, repeat, args.epochs):
                continue
            _, options = side_options(side, variants, args.protocol)
            run = measure(side, approach, folder, args.epochs, 42, options)
            log.add({**run, "part": "timing", "round": repeat, "data": described})
            _progress(run, f"run {repeat + 1}")
    return [
        r for r in log.part("timing") if r["side"] in sides and r["approach"] in args.approaches
    ]


def run_accuracy(args, log: RunLog, variants: dict = ACCURACY_SIDES) -> list[dict]:
    sides = list(variants)
    print(
        f"\nAccuracy: {MINI}, {args.accuracy_epochs} epochs, batch {BATCH_SIZE}, seeds "
        f"1-{args.seeds}, each run its own process",
        flush=True,
    )
    for seed in range(1, args.seeds + 1):
        for _, approach, side in schedule(args.approaches, 1, rotated(sides, seed)):
            if log.done("accuracy", side, approach, seed, args.accuracy_epochs):
                continue
            _, options = side_options(side, variants, "clean")
            run = measure(side, approach, MINI, args.accuracy_epochs, seed, options)
            log.add({**run, "part": "accuracy", "round": seed})
            _progress(run, f"seed {seed}")
    return [r for r in log.part("accuracy") if r["approach"] in args.approaches]


def accuracy_tables(runs: list[dict]) -> str:
    """Each accuracy side against the tutorial's pipeline (difference = side - tutorial)."""
    return "\n\n".join(
        f"{side} against the tutorial's pipeline (test accuracy %):\n\n"
        + comparison_table(runs, TUTORIAL, side, ("tutorial's pipeline", side))
        for side in dict.fromkeys(r["side"] for r in runs)
        if side != TUTORIAL
    )


def main(argv=None) -> None:
    args = parse_args(argv)
    if args.child:
        run_as_child(args)
        return
    from common import machine_line

    sys.path.insert(0, str(REPO))
    print(f"Machine: {machine_line()}", flush=True)
    log = RunLog(args.runs)
    if not args.skip_timing:
        timing = run_timing(args, parse_variants(args.variant), log)
        print("\nTiming (medians; seconds, MB):\n\n" + timing_table(timing))
        print("\nfit's return after its last epoch:\n\n" + overshoot_table(timing))
    if not args.skip_accuracy:
        print("\n" + accuracy_tables(run_accuracy(args, log)))


if __name__ == "__main__":
    main()
