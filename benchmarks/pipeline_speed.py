"""Benchmark: the tutorial's 2022 pipeline against the lessons' path, side by side (issues 6, 17).

Three pipelines, each measurement in a Python process of its own (the Keras 2 API that the
tutorial used, `tf_keras`, and Keras 3 never share one, and every peak-memory figure is one
run's own):

* tutorial -- the tutorial's pipeline in `tf_keras`: Tokenizer fitted on training and test
              text, pad_sequences, Sequential, RMSprop, fit with the test set as validation.
* ours     -- what notebook 02 does: load_ag_news("full", protocol), build_vectorizer on
              data.vocabulary_texts, vectorize_splits, the stock keras.Sequential
              (models.build_model builds the lesson's network), compile with Keras2RMSprop,
              `model = speedups.apply(model)`, model.fit on arrays, evaluate.
* stock    -- the same with the speed-ups off (TEXTRNN_LESSONS_SPEEDUPS=off in the child's
              environment and speedups.apply(..., enabled=False)): stock Keras 3 alone, so
              that ours / stock is the speed-ups' own gain.

The runs are interleaved (for each repeat and approach, every pipeline in turn, and who goes
first rotates), so a busy neighbour slows every side alike; the tables quote medians.

Two parts:

* timing: data preparation (read the CSV files, fit the vocabulary, turn the texts into padded
  index matrices), the whole `fit` call (wall clock from call to return), each epoch (the first
  counted from the call, so it includes fit's set-up and building the graph), the overshoot
  (fit's return minus the end of its last epoch), peak RSS. Without the canonical
  120,000-article training file, the offline mini split is repeated to 120,000 training and
  7,600 test rows; the output says so.
* accuracy, like for like: the mini split, 5 epochs, batch 512, seeds 1..N; the package under
  the tutorial protocol against the tutorial's pipeline, and the package's clean protocol
  against its tutorial protocol: means, the difference and its 95 % Welch interval.

Run from the project folder (about 1.5 hours for everything on a 2-core machine):

    .venv/bin/python benchmarks/pipeline_speed.py
    .venv/bin/python benchmarks/pipeline_speed.py --approaches 1 5 --repeats 1 --rows 24000 \\
        --epochs 2 --seeds 2          # a few minutes
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import machine_line  # a sibling script

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SHARED = Path(os.environ.get("TEXTRNN_LESSONS_SHARED", REPO.parent / "shared"))
MINI = SHARED / "ag_news" / "mini"
TUTORIAL, OURS, STOCK = "tutorial", "ours", "stock"
FULL_TRAIN_ROWS, FULL_TEST_ROWS = 120_000, 7_600
BATCH_SIZE = 512
FIT_EPOCHS = 5  # the tutorial's fit: the "whole fit" column is a 5-epoch fit
OVERSHOOT_LIMIT = 0.5  # seconds: issue 17's target for fit's return after its last epoch
RESULT_TAG = "RESULT "
ORIGINAL_ENVIRONMENT = dict(os.environ)  # before anything imports textrnn_lessons
SPEEDUPS_OFF = {"speedups": False, "env": {"TEXTRNN_LESSONS_SPEEDUPS": "off"}}


# --------------------------------------------------------------------------------------------
# Child processes: one pipeline, one approach, one seed.
# --------------------------------------------------------------------------------------------


def _peak_rss_mb() -> float:
    """This process's peak resident memory (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _fit_clock(callback_base):
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


def timed_fit(model, clock, **fit_arguments) -> dict:
    """Call `model.fit` with `clock` and return the whole call's timing.

    epoch_seconds: the first from fit's call to its first epoch's end (what a learner waits
    for the first figures), the others from epoch end to epoch end; overshoot: fit's return
    minus the end of its last epoch.
    """
    fit_arguments["callbacks"] = [*fit_arguments.get("callbacks", []), clock]
    called = (time.perf_counter(), time.process_time())
    model.fit(**fit_arguments)
    returned = time.perf_counter()
    marks = [called, *clock.ends]
    return {
        "fit_seconds": returned - called[0],
        "setup_seconds": (clock.train_begin or called[0]) - called[0],
        "overshoot_seconds": returned - marks[-1][0],
        "epoch_seconds": [b[0] - a[0] for a, b in zip(marks, marks[1:])],
        "epoch_cpu_seconds": [b[1] - a[1] for a, b in zip(marks, marks[1:])],
    }


def read_csv(path: Path) -> tuple[list[str], list[int]]:
    """AG News rows as the tutorial's loader gave them: title + " " + description, label 0-3."""
    texts, labels = [], []
    with open(path, encoding="utf-8", newline="") as handle:
        for label, title, description in csv.reader(handle):
            texts.append(f"{title} {description}")
            labels.append(int(label) - 1)
    return texts, labels


def tutorial_network(keras_module, approach, vocabulary: int):
    """The tutorial's network for an approach (models.Approach), in the Keras given (tf_keras,
    as the tutorial had, or Keras 3), compiled with its RMSprop."""
    layers = keras_module.layers
    model = keras_module.Sequential(
        [
            keras_module.Input(shape=(approach.max_tokens,), dtype="int32"),
            layers.Embedding(vocabulary, approach.embed_len),
        ]
    )
    for depth, units in enumerate(approach.units, start=1):
        rnn = layers.SimpleRNN(units, return_sequences=depth < len(approach.units))
        model.add(layers.Bidirectional(rnn) if approach.bidirectional else rnn)
    model.add(layers.Dense(4, activation="softmax"))
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def child_tutorial(approach_number: int, data_dir: Path, epochs: int, seed: int) -> dict:
    """The tutorial's pipeline, re-written with the Keras 2 API (tf_keras)."""
    import numpy as np
    import tf_keras
    from tf_keras.preprocessing.sequence import pad_sequences
    from tf_keras.preprocessing.text import Tokenizer

    from textrnn_lessons.models.approaches import get_approach

    # TensorFlow started (with tf_keras) before textrnn_lessons was imported, so the package's
    # thread setting never applied: the tutorial runs with TensorFlow's own defaults.
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
    timing = timed_fit(
        model,
        _fit_clock(tf_keras.callbacks.Callback),
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
        "test_rows": len(x_test),
        "vocabulary": len(tokenizer.word_index) + 1,
        "accuracy": float((predicted == y_test).mean()),
    }


def child_ours(approach_number: int, data_dir: Path, epochs: int, seed: int, options: dict) -> dict:
    """Notebook 02's cells, in order (the approach's network built by models.build_model)."""
    # The lessons import the package first: its import hook gives TensorFlow one thread per
    # operation when it starts (unless the speed-ups are off).
    from textrnn_lessons import speed as speedups

    # isort: split
    import keras

    from textrnn_lessons.data.reading import load_ag_news
    from textrnn_lessons.data.vectorizer import build_vectorizer, vectorize_splits, vocabulary_size
    from textrnn_lessons.evaluation.metrics import evaluate
    from textrnn_lessons.models.approaches import build_model, get_approach
    from textrnn_lessons.settings import get_preset
    from textrnn_lessons.training.fitting import set_seed
    from textrnn_lessons.training.keras2_optimizers import Keras2RMSprop

    approach = get_approach(approach_number)
    if options.get("approach"):
        approach = approach.with_changes(**options["approach"])
    preset = dataclasses.replace(get_preset("full"), **options.get("preset", {}))
    started = time.perf_counter()
    data = load_ag_news(preset, data_dir, options.get("protocol", "clean"))
    vectorizer = build_vectorizer(data.vocabulary_texts)
    x_train, x_val, x_test = vectorize_splits(
        vectorizer, data, approach.max_tokens, approach.padding
    )
    prep_seconds = time.perf_counter() - started

    set_seed(seed)
    model = build_model(approach, vocabulary_size(vectorizer))
    model.compile(
        optimizer=Keras2RMSprop(), loss="sparse_categorical_crossentropy", metrics=["accuracy"]
    )
    model = speedups.apply(model, enabled=options.get("speedups"), quiet=True)
    timing = timed_fit(
        model,
        _fit_clock(keras.callbacks.Callback),
        x=x_train,
        y=data.train.labels,
        batch_size=BATCH_SIZE,
        epochs=epochs,
        validation_data=(x_val, data.validation.labels),
        verbose=0,
    )
    evaluation = evaluate(model, x_test, data.test.labels, data.class_names)
    return {
        "prep_seconds": prep_seconds,
        **timing,
        "train_rows": len(x_train),
        "test_rows": len(x_test),
        "vocabulary": vocabulary_size(vectorizer),
        "accuracy": evaluation.accuracy,
        "model": type(model).__name__,
        "optimizer": type(model.optimizer).__name__,
        "intra_op_threads": os.environ.get("TF_NUM_INTRAOP_THREADS"),
    }


def run_child(args: argparse.Namespace) -> None:
    """Entry point of a child process: run one measurement, print it as one JSON line."""
    options = json.loads(args.options) if args.options else {}
    if args.child == TUTORIAL:
        result = child_tutorial(args.approach, Path(args.data), args.epochs, args.seed)
    else:
        result = child_ours(args.approach, Path(args.data), args.epochs, args.seed, options)
    result["peak_rss_mb"] = _peak_rss_mb()
    print(RESULT_TAG + json.dumps(result), flush=True)


# --------------------------------------------------------------------------------------------
# The parent: data, scheduling, statistics, tables.
# --------------------------------------------------------------------------------------------


def replicate_csv(source: Path, target: Path, rows: int) -> None:
    """Write the first `rows` rows of `source` repeated end to end (timing data only)."""
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    with open(target, "w", encoding="utf-8", newline="") as handle:
        for i in range(rows):
            handle.write(lines[i % len(lines)])


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


def measure(
    pipeline: str, approach: int, data_dir: Path, epochs: int, seed: int, variants: dict, env: dict
) -> dict:
    """Run one child process and return its measurement."""
    options = dict(variants.get(pipeline) or {})
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        TUTORIAL if pipeline == TUTORIAL else OURS,
        "--approach",
        str(approach),
        "--data",
        str(data_dir),
        "--epochs",
        str(epochs),
        "--seed",
        str(seed),
    ]
    source = options.pop("src", None)
    env = {**env, **options.pop("env", {})}
    if options:
        command += ["--options", json.dumps(options)]
    if source:  # run the package found in that folder (an older or changed copy) instead
        env["PYTHONPATH"] = os.pathsep.join([str(source), env.get("PYTHONPATH", "")])
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO)
    lines = [line for line in done.stdout.splitlines() if line.startswith(RESULT_TAG)]
    if done.returncode or not lines:
        sys.exit(
            f"The {pipeline} run of approach {approach} failed (exit {done.returncode}):\n"
            f"{done.stderr[-3000:]}"
        )
    result = json.loads(lines[-1][len(RESULT_TAG) :])
    result.update(pipeline=pipeline, approach=approach, seed=seed)
    return result


def child_environment(args: argparse.Namespace) -> dict:
    """The children's environment: quiet TensorFlow, optional thread counts."""
    env = dict(ORIGINAL_ENVIRONMENT, TF_CPP_MIN_LOG_LEVEL="2", PYTHONHASHSEED="0")
    for name in ("TEXTRNN_LESSONS_SPEEDUPS", "TEXTRNN_LESSONS_PROTOCOL"):
        env.pop(name, None)  # each pipeline says what it wants
    if args.threads:
        env.update(
            TF_NUM_INTRAOP_THREADS=str(args.threads), TF_NUM_INTEROP_THREADS=str(args.threads)
        )
    return env


def schedule(approaches, repeats: int, pipelines: list[str]):
    """(repeat, approach, pipeline) in interleaved order; who goes first rotates."""
    for repeat in range(repeats):
        for index, approach in enumerate(approaches):
            shift = (repeat + index) % len(pipelines)
            for pipeline in pipelines[shift:] + pipelines[:shift]:
                yield repeat, approach, pipeline


def _median(values):
    return statistics.median(values) if values else float("nan")


def summarize(runs: list[dict]) -> dict:
    """Medians of one pipeline's runs of one approach.

    `fit5` is a 5-epoch fit's wall time: measured when the runs trained 5 epochs, else the
    whole fit plus steady epochs for the ones missing (`fit5_measured` says which).
    """
    epochs = len(runs[0]["epoch_seconds"])
    first = _median([r["epoch_seconds"][0] for r in runs])
    steady = _median([s for r in runs for s in r["epoch_seconds"][1:]])
    fit = _median([r["fit_seconds"] for r in runs])
    fit5 = _median(
        [r["fit_seconds"] + (FIT_EPOCHS - epochs) * (steady if epochs > 1 else first) for r in runs]
    )
    overshoots = [r["overshoot_seconds"] for r in runs]
    rows = runs[0]["train_rows"]
    return {
        "prep": _median([r["prep_seconds"] for r in runs]),
        "first": first,
        "steady": steady,
        "fit": fit,
        "fit5": fit5,
        "fit5_measured": epochs == FIT_EPOCHS,
        "epochs": epochs,
        "cpu_steady": _median([s for r in runs for s in r["epoch_cpu_seconds"][1:]]),
        "rate_first": rows / first,
        "rate_steady": rows / steady,
        "rate_fit5": FIT_EPOCHS * rows / fit5,
        "overshoot": _median(overshoots),
        "overshoot_max": max(overshoots),
        "overshoot_ok": sum(o <= OVERSHOOT_LIMIT for o in overshoots),
        "vocabulary": runs[0]["vocabulary"],
        "rss": _median([r["peak_rss_mb"] for r in runs]),
        "n": len(runs),
        "rows": rows,
    }


def _summaries(results: list[dict], approaches, pipelines: list[str]) -> dict:
    return {
        (a, p): summarize([r for r in results if r["approach"] == a and r["pipeline"] == p])
        for a in approaches
        for p in pipelines
        if any(r["approach"] == a and r["pipeline"] == p for r in results)
    }


def timing_table(results: list[dict], approaches, pipelines: list[str]) -> str:
    """Medians per approach and pipeline in seconds and MB."""
    summary = _summaries(results, approaches, pipelines)
    lines = [
        "| approach | pipeline | training rows | prep s | 1st epoch s | steady epoch s | "
        "steady CPU s | whole fit s | 5-epoch fit s | overshoot s (median / max) | "
        "peak RSS MB | runs |",
        "|" + "---|" * 12,
    ]
    for (approach, p), s in summary.items():
        fit5 = f"{s['fit5']:.1f}" if s["fit5_measured"] else f"~{s['fit5']:.1f}"
        lines.append(
            f"| {approach} | {p} | {s['rows']:,} | {s['prep']:.1f} | {s['first']:.1f} | "
            f"{s['steady']:.1f} | {s['cpu_steady']:.1f} | {s['fit']:.1f} | {fit5} | "
            f"{s['overshoot']:.2f} / {s['overshoot_max']:.2f} | {s['rss']:,.0f} | "
            f"{s['n']} |"
        )
    return "\n".join(lines)


def ratio_table(results: list[dict], approaches, pipelines: list[str], base: str = TUTORIAL) -> str:
    """Throughput per training row of every other pipeline over `base`'s; prep time and peak
    RSS as plain quotients (lower is better)."""
    summary = _summaries(results, approaches, pipelines)
    lines = [
        f"| approach | pipeline | 5-epoch fit (wall) | 1st epoch | steady epoch | "
        f"prep time | peak RSS MB ({base} / pipeline) | runs |",
        "|" + "---|" * 8,
    ]
    for approach in approaches:
        b = summary.get((approach, base))
        for p in pipelines:
            o = summary.get((approach, p))
            if p == base or b is None or o is None:
                continue
            lines.append(
                f"| {approach} | {p} | {o['rate_fit5'] / b['rate_fit5']:.2f}x | "
                f"{o['rate_first'] / b['rate_first']:.2f}x | "
                f"{o['rate_steady'] / b['rate_steady']:.2f}x | "
                f"{o['prep'] / b['prep']:.2f} | {b['rss']:,.0f} / {o['rss']:,.0f} | "
                f"{o['n']} |"
            )
    return "\n".join(lines)


def overshoot_table(results: list[dict], pipelines: list[str]) -> str:
    """Per pipeline, over every approach: how long fit took to return after its last epoch."""
    lines = [
        f"| pipeline | runs | overshoot median s | max s | runs within {OVERSHOOT_LIMIT} s |",
        "|" + "---|" * 5,
    ]
    for p in pipelines:
        values = [r["overshoot_seconds"] for r in results if r["pipeline"] == p]
        if values:
            ok = sum(v <= OVERSHOOT_LIMIT for v in values)
            lines.append(
                f"| {p} | {len(values)} | {_median(values):.3f} | {max(values):.2f} | "
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
    test = stats.ttest_ind(b, a, equal_var=False)
    interval = test.confidence_interval(confidence)
    mean_a, mean_b = statistics.fmean(a), statistics.fmean(b)
    return Difference(mean_a, mean_b, mean_b - mean_a, float(interval.low), float(interval.high))


def pooled_interval(
    groups: list[tuple[list[float], list[float]]], confidence: float = 0.95
) -> Difference:
    """The mean over groups (approaches) of mean(b) - mean(a), with a Welch-Satterthwaite
    t-interval: each group's own seed spread counts, the gaps between groups do not."""
    from scipy import stats

    k = len(groups)
    terms = []  # (variance of one side's mean, its degrees of freedom)
    for a, b in groups:
        for side in (a, b):
            if len(side) < 2:
                raise ValueError("a confidence interval needs 2 or more values on each side.")
            terms.append((statistics.variance(side) / len(side), len(side) - 1))
    mean_a = statistics.fmean(statistics.fmean(a) for a, _ in groups)
    mean_b = statistics.fmean(statistics.fmean(b) for _, b in groups)
    variance = sum(v for v, _ in terms) / k**2
    dof = (
        sum(v for v, _ in terms) ** 2 / sum(v**2 / d for v, d in terms if v > 0)
        if variance > 0
        else float("inf")
    )
    half = stats.t.ppf(0.5 + confidence / 2, dof) * variance**0.5
    difference = mean_b - mean_a
    return Difference(mean_a, mean_b, difference, difference - half, difference + half)


def comparison_table(
    results: list[dict], approaches, base: str, other: str, labels: tuple[str, str]
) -> str:
    """Per approach: mean test accuracy of `base` and `other`, their difference, its 95 %
    Welch interval, and whether it is within noise; then the same pooled over approaches."""

    def accuracies(approach, pipeline):
        return [
            100 * r["accuracy"]
            for r in results
            if r["approach"] == approach and r["pipeline"] == pipeline
        ]

    lines = [
        f"| approach | {labels[0]} % | {labels[1]} % | difference (points) | 95 % interval "
        "| within noise | seeds |",
        "|" + "---|" * 7,
    ]
    groups = []
    for approach in approaches:
        a, b = accuracies(approach, base), accuracies(approach, other)
        groups.append((a, b))
        d = welch_interval(a, b)
        lines.append(_difference_row(str(approach), d, f"{len(a)} / {len(b)}"))
    if len(groups) > 1:
        lines.append(
            _difference_row(
                "all (mean of approaches)",
                pooled_interval(groups),
                f"{sum(len(a) for a, _ in groups)} / {sum(len(b) for _, b in groups)}",
            )
        )
    return "\n".join(lines)


def _difference_row(name: str, d: Difference, seeds: str) -> str:
    return (
        f"| {name} | {d.mean_a:.2f} | {d.mean_b:.2f} | {d.difference:+.2f} | "
        f"{d.low:+.2f} to {d.high:+.2f} | {'yes' if d.within_noise else 'no'} | {seeds} |"
    )


# --------------------------------------------------------------------------------------------
# Options and the main loop.
# --------------------------------------------------------------------------------------------


def parse_variants(
    values: list[str] | None, protocol: str, pipelines: list[str], before: str | None = None
) -> dict:
    """The pipelines' options: 'ours' and 'stock' under `protocol`, 'before' with --before,
    and each --variant NAME=JSON (under `protocol` unless its JSON names one)."""
    known = {OURS: {"protocol": protocol}, STOCK: {"protocol": protocol, **SPEEDUPS_OFF}}
    variants = {p: known[p] for p in pipelines if p in known}
    if before:
        variants["before"] = {"protocol": protocol, "src": before}
    for value in values or []:
        name, _, options = value.partition("=")
        try:
            variants[f"{OURS}:{name}"] = {"protocol": protocol, **json.loads(options or "{}")}
        except json.JSONDecodeError as error:
            sys.exit(
                f"--variant {value!r}: the part after '=' must be JSON such as "
                f'{{"approach": {{"mask_padding": true}}}} ({error.msg}).'
            )
    return variants


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--approaches", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    parser.add_argument(
        "--pipelines",
        nargs="+",
        default=[TUTORIAL, OURS, STOCK],
        choices=[TUTORIAL, OURS, STOCK],
        help="which to time (default: all)",
    )
    parser.add_argument(
        "--protocol",
        choices=["clean", "tutorial"],
        default="clean",
        help="data protocol of ours and stock in the timing part (tutorial: "
        "the tutorial's training rows and vocabulary)",
    )
    parser.add_argument("--repeats", type=int, default=3, help="timing runs per pipeline")
    parser.add_argument(
        "--rows",
        type=int,
        default=FULL_TRAIN_ROWS,
        help="training rows for timing (the mini split is replicated)",
    )
    parser.add_argument(
        "--epochs",
        type=int,
        default=FIT_EPOCHS,
        help="epochs per timing run (default 5: the tutorial's whole fit)",
    )
    parser.add_argument("--seeds", type=int, default=6, help="seeds for the accuracy part")
    parser.add_argument("--accuracy-epochs", type=int, default=5)
    parser.add_argument("--skip-timing", action="store_true")
    parser.add_argument("--skip-accuracy", action="store_true")
    parser.add_argument("--data", help="a folder with train.csv/test.csv to time on instead")
    parser.add_argument("--threads", type=int, help="TF intra/inter-op threads for the children")
    parser.add_argument(
        "--variant",
        action="append",
        metavar="NAME=JSON",
        help="also time the lessons' path with these options, e.g. "
        '\'mask={"approach": {"mask_padding": true}}\' (keys: approach: '
        "fields of the approach; preset: fields of the full preset; "
        "protocol; speedups: true/false; env: environment variables for "
        "the child; src: a folder holding another textrnn_lessons/); "
        "repeatable",
    )
    parser.add_argument(
        "--before",
        metavar="DIR",
        help="also run the package found in DIR (a folder holding another "
        "textrnn_lessons/ with this API, e.g. from `git archive`) as "
        "pipeline 'before'",
    )
    parser.add_argument("--json-out", help="also write every measurement to this JSON file")
    parser.add_argument("--child", choices=[TUTORIAL, OURS], help=argparse.SUPPRESS)
    parser.add_argument("--options", help=argparse.SUPPRESS)
    parser.add_argument("--approach", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=42, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def run_timing(args, variants: dict, env: dict, everything: dict) -> None:
    pipelines = [p for p in args.pipelines if p == TUTORIAL] + list(variants)
    with tempfile.TemporaryDirectory(prefix="textrnn-bench-") as scratch:
        folder, described = timing_data(args, Path(scratch))
        print(
            f"Timing data: {described}; batch {BATCH_SIZE}, {args.epochs} epochs per run, "
            f"{args.repeats} interleaved runs per pipeline and approach; ours and stock under "
            f"the {args.protocol} protocol.",
            flush=True,
        )
        for repeat, approach, pipeline in schedule(args.approaches, args.repeats, pipelines):
            result = measure(pipeline, approach, folder, args.epochs, 42, variants, env)
            everything["timing"].append(result)
            print(
                f"  run {repeat + 1} approach {approach} {pipeline:12s} prep "
                f"{result['prep_seconds']:.1f}s fit {result['fit_seconds']:.1f}s epochs "
                f"{[round(s, 1) for s in result['epoch_seconds']]} overshoot "
                f"{result['overshoot_seconds']:.2f}s peak {result['peak_rss_mb']:,.0f} MB",
                flush=True,
            )
    results = everything["timing"]
    vocabularies = {
        p: next(r["vocabulary"] for r in results if r["pipeline"] == p) for p in pipelines
    }
    print(
        "\nTiming (medians; seconds, MB):\n\n" + timing_table(results, args.approaches, pipelines)
    )
    print(
        f"\nVocabulary (words + padding/unknown): "
        f"{', '.join(f'{p} {v:,}' for p, v in vocabularies.items())}. Throughput below is "
        "per training row; the first epoch counts from fit's call. The 5-epoch fit is "
        + (
            "measured."
            if args.epochs == FIT_EPOCHS
            else f"the {args.epochs}-epoch fit plus {FIT_EPOCHS - args.epochs} steady epochs (~)."
        )
    )
    if TUTORIAL in pipelines:
        print(
            "\nEach pipeline's throughput / the tutorial's (higher is better); prep time as a "
            "quotient (lower is better):\n\n" + ratio_table(results, args.approaches, pipelines)
        )
    if OURS in pipelines and STOCK in pipelines:
        print(
            "\nThe speed-ups' own gain: ours / stock:\n\n"
            + ratio_table(results, args.approaches, [STOCK, OURS], base=STOCK)
        )
    print(
        "\nfit's return after its last epoch, all approaches:\n\n"
        + overshoot_table(results, pipelines)
    )


def run_accuracy(args, env: dict, everything: dict) -> None:
    """The package under the tutorial protocol against the tutorial's pipeline, and the
    package's clean protocol against its tutorial protocol, on the mini split."""
    variants = {
        f"{OURS}:tutorial": {"protocol": "tutorial"},
        f"{OURS}:clean": {"protocol": "clean"},
    }
    pipelines = [TUTORIAL, *variants]
    sizes = ", ".join(f"{n}: {v:,}" for n, v in mini_sizes().items())
    print(
        f"\nAccuracy: {MINI} ({sizes}), {args.accuracy_epochs} epochs, batch {BATCH_SIZE}, "
        f"seeds 1-{args.seeds}, each run its own process",
        flush=True,
    )
    for seed in range(1, args.seeds + 1):
        shift = seed % len(pipelines)  # who goes first also rotates from seed to seed
        for _, approach, pipeline in schedule(
            args.approaches, 1, pipelines[shift:] + pipelines[:shift]
        ):
            result = measure(pipeline, approach, MINI, args.accuracy_epochs, seed, variants, env)
            everything["accuracy"].append(result)
            print(
                f"  seed {seed} approach {approach} {pipeline:14s} "
                f"accuracy {100 * result['accuracy']:.2f}%",
                flush=True,
            )
    results = everything["accuracy"]
    print(
        "\nLike for like: the package under the tutorial protocol against the tutorial's "
        "pipeline (test accuracy %; difference = package - tutorial; 95 % Welch t-interval, "
        "seeds unpaired: the two pipelines draw different weights from one seed):\n\n"
        + comparison_table(
            results,
            args.approaches,
            TUTORIAL,
            f"{OURS}:tutorial",
            ("tutorial's pipeline", "package, tutorial protocol"),
        )
    )
    print(
        "\nThe clean protocol's cost: the package under the clean protocol against its "
        "tutorial protocol (difference = clean - tutorial protocol):\n\n"
        + comparison_table(
            results,
            args.approaches,
            f"{OURS}:tutorial",
            f"{OURS}:clean",
            ("package, tutorial protocol", "package, clean protocol"),
        )
    )
    print(
        "\nfit's return after its last epoch in these runs:\n\n"
        + overshoot_table(results, pipelines)
    )


def main(argv=None) -> None:
    args = parse_args(argv)
    if args.child:
        run_child(args)
        return
    variants = parse_variants(args.variant, args.protocol, args.pipelines, args.before)
    env = child_environment(args)
    machine = machine_line()
    print(f"Machine: {machine}", flush=True)
    everything = {"machine": machine, "variants": variants, "timing": [], "accuracy": []}
    if not args.skip_timing:
        run_timing(args, variants, env, everything)
    if not args.skip_accuracy:
        run_accuracy(args, env, everything)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(everything, indent=1))


def mini_sizes() -> dict:
    """Rows in the mini split's files."""
    return {
        name: sum(1 for _ in open(MINI / f"{name}.csv", encoding="utf-8"))
        for name in ("train", "test")
    }


if __name__ == "__main__":
    main()
