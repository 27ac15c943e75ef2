"""Benchmark: the tutorial's 2022 pipeline against this package's, side by side (issue 6).

Each measurement runs in its own Python process, so that the Keras 2 API (`tf_keras`, which the
tutorial used) and Keras 3 never share a process and every peak-memory figure is one run's own.
The runs are interleaved -- for each repeat, each approach, both pipelines in alternating order --
so that a busy neighbour on a shared machine slows both sides alike; the table quotes medians.

Two parts:

* timing: seconds per epoch (the first one includes tracing and compilation), data preparation
  (read the CSV files, fit the vocabulary, turn 127,600 texts into padded index matrices), peak
  RSS. Without the canonical 120,000-article training file, the offline mini split is replicated
  to 120,000 training and 7,600 test rows; the output says so.
* accuracy: the mini split, 5 epochs, batch 512, mean test accuracy over 3 seeds.

Run from the project folder (it takes about an hour for everything on a 2-core machine):

    .venv/bin/python benchmarks/pipeline_speed.py
    .venv/bin/python benchmarks/pipeline_speed.py --approaches 1 5 --repeats 1 --rows 24000 \
        --epochs 2 --seeds 1          # a few minutes
"""
from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SHARED = Path(os.environ.get("TEXTRNN_LESSONS_SHARED", REPO.parent / "shared"))
MINI = SHARED / "ag_news" / "mini"
TUTORIAL, OURS = "tutorial", "ours"
FULL_TRAIN_ROWS, FULL_TEST_ROWS = 120_000, 7_600
BATCH_SIZE = 512
RESULT_TAG = "RESULT "
ORIGINAL_ENVIRONMENT = dict(os.environ)  # before anything imports textrnn_lessons


# --------------------------------------------------------------------------------------------
# Child processes: one pipeline, one approach, one seed.
# --------------------------------------------------------------------------------------------

def _peak_rss_mb() -> float:
    """This process's peak resident memory (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _epoch_clock(callback_base):
    """A Keras callback that notes when fit() starts and when each epoch ends."""

    class EpochClock(callback_base):
        def __init__(self):
            super().__init__()
            self.marks = [(time.perf_counter(), time.process_time())]

        def on_train_begin(self, logs=None):
            self.marks = [(time.perf_counter(), time.process_time())]

        def on_epoch_end(self, epoch, logs=None):
            self.marks.append((time.perf_counter(), time.process_time()))

        def epoch_seconds(self, which: int = 0) -> list[float]:
            """Wall (which=0) or process CPU (which=1) seconds of each epoch."""
            return [b[which] - a[which] for a, b in zip(self.marks, self.marks[1:])]

    return EpochClock()


def _read_csv(path: Path) -> tuple[list[str], list[int]]:
    """AG News rows as the tutorial's loader gave them: title + " " + description, label 0-3."""
    texts, labels = [], []
    with open(path, encoding="utf-8", newline="") as handle:
        for label, title, description in csv.reader(handle):
            texts.append(f"{title} {description}")
            labels.append(int(label) - 1)
    return texts, labels


def child_tutorial(approach_number: int, data_dir: Path, epochs: int, seed: int) -> dict:
    """The tutorial's pipeline, re-written with the Keras 2 API (tf_keras)."""
    import numpy as np
    import tf_keras
    from tf_keras.preprocessing.sequence import pad_sequences
    from tf_keras.preprocessing.text import Tokenizer

    from textrnn_lessons.models import get_approach

    # The package sets a thread default when imported (textrnn_lessons/__init__.py); the
    # tutorial ran with TensorFlow's own defaults, so undo it before TensorFlow starts.
    if "TF_NUM_INTRAOP_THREADS" not in ORIGINAL_ENVIRONMENT:
        os.environ.pop("TF_NUM_INTRAOP_THREADS", None)
    approach = get_approach(approach_number)
    started = time.perf_counter()
    train_texts, train_labels = _read_csv(data_dir / "train.csv")
    test_texts, test_labels = _read_csv(data_dir / "test.csv")
    tokenizer = Tokenizer()  # the tutorial fitted it on the training and the test texts
    tokenizer.fit_on_texts(train_texts + test_texts)
    pad = lambda texts: pad_sequences(tokenizer.texts_to_sequences(texts),  # noqa: E731
                                      maxlen=approach.max_tokens, padding="post",
                                      truncating="post", value=0)
    x_train, x_test = pad(train_texts), pad(test_texts)
    y_train, y_test = np.array(train_labels), np.array(test_labels)
    prep_seconds = time.perf_counter() - started

    tf_keras.utils.set_random_seed(seed)
    layers = tf_keras.layers
    model = tf_keras.Sequential(
        [layers.Embedding(len(tokenizer.word_index) + 1, approach.embed_len,
                          input_length=approach.max_tokens)])
    for depth, units in enumerate(approach.units, start=1):
        rnn = layers.SimpleRNN(units, return_sequences=depth < len(approach.units))
        model.add(layers.Bidirectional(rnn) if approach.bidirectional else rnn)
    model.add(layers.Dense(4, activation="softmax"))
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    clock = _epoch_clock(tf_keras.callbacks.Callback)
    model.fit(x_train, y_train, batch_size=BATCH_SIZE, epochs=epochs,
              validation_data=(x_test, y_test), callbacks=[clock], verbose=0)
    predicted = model.predict(x_test, batch_size=BATCH_SIZE, verbose=0).argmax(axis=-1)
    return {"prep_seconds": prep_seconds, "epoch_seconds": clock.epoch_seconds(),
            "epoch_cpu_seconds": clock.epoch_seconds(1), "train_rows": len(x_train), "test_rows": len(x_test),
            "vocabulary": len(tokenizer.word_index) + 1,
            "accuracy": float((predicted == y_test).mean())}


def child_ours(approach_number: int, data_dir: Path, epochs: int, seed: int,
               options: dict) -> dict:
    """This package's pipeline, helper by helper, as notebook and `run_approach` call it."""
    import keras
    import tensorflow  # noqa: F401  (imported before the clock starts, as for the tutorial)

    from textrnn_lessons.config import get_preset
    from textrnn_lessons.data import load_ag_news
    from textrnn_lessons.evaluation import evaluate
    from textrnn_lessons.models import build_model, get_approach
    from textrnn_lessons.pipeline import vectorize_splits
    from textrnn_lessons.training import compile_model, set_seed, train
    from textrnn_lessons.vectorizer import build_vectorizer, vocabulary_size

    approach = get_approach(approach_number)
    if options.get("approach"):
        approach = approach.with_changes(**options["approach"])
    preset = dataclasses.replace(get_preset("full"), **options.get("preset", {}))
    started = time.perf_counter()
    data = load_ag_news(preset, data_dir)
    vectorizer = build_vectorizer(data.train.texts)
    arrays = vectorize_splits(vectorizer, data, approach.max_tokens)
    prep_seconds = time.perf_counter() - started

    set_seed(seed)
    model = compile_model(build_model(approach, vocabulary_size(vectorizer),
                                      **options.get("build", {})),
                          **options.get("compile", {}))
    clock = _epoch_clock(keras.callbacks.Callback)
    train(model, arrays.train, data.train.labels, arrays.validation, data.validation.labels,
          epochs=epochs, batch_size=BATCH_SIZE, callbacks=[clock], verbose=0, seed=seed,
          **options.get("train", {}))
    evaluation = evaluate(model, arrays.test, data.test.labels, data.class_names)
    return {"prep_seconds": prep_seconds, "epoch_seconds": clock.epoch_seconds(),
            "epoch_cpu_seconds": clock.epoch_seconds(1), "train_rows": len(arrays.train), "test_rows": len(arrays.test),
            "vocabulary": vocabulary_size(vectorizer), "accuracy": evaluation.accuracy}


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
# The parent: data, scheduling, tables.
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
    from textrnn_lessons.config import data_dir_from_env
    from textrnn_lessons.data import is_canonical

    if args.data:
        folder = Path(args.data)
        kind = "canonical" if is_canonical(folder / "train.csv") else "given"
        return folder, f"{kind} files in {folder}"
    from_env = data_dir_from_env()
    if from_env and is_canonical(from_env / "train.csv") and is_canonical(from_env / "test.csv"):
        return from_env, f"the canonical AG News files in {from_env}"
    replicate_csv(MINI / "train.csv", scratch / "train.csv", args.rows)
    replicate_csv(MINI / "test.csv", scratch / "test.csv", FULL_TEST_ROWS)
    return scratch, (f"{MINI} replicated to {args.rows:,} training and {FULL_TEST_ROWS:,} test "
                     "rows (the mini split repeated: timing only, its accuracy means nothing)")


def measure(pipeline: str, approach: int, data_dir: Path, epochs: int, seed: int,
            variants: dict, env: dict) -> dict:
    """Run one child process and return its measurement."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child",
               TUTORIAL if pipeline == TUTORIAL else OURS, "--approach", str(approach),
               "--data", str(data_dir), "--epochs", str(epochs), "--seed", str(seed)]
    options = dict(variants.get(pipeline) or {})
    source = options.pop("src", None)
    if options:
        command += ["--options", json.dumps(options)]
    if source:  # run the package found in that folder (e.g. an older version) instead
        env = dict(env, PYTHONPATH=os.pathsep.join([str(source), env.get("PYTHONPATH", "")]))
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO)
    lines = [line for line in done.stdout.splitlines() if line.startswith(RESULT_TAG)]
    if done.returncode or not lines:
        sys.exit(f"The {pipeline} run of approach {approach} failed (exit {done.returncode}):\n"
                 f"{done.stderr[-3000:]}")
    result = json.loads(lines[-1][len(RESULT_TAG):])
    result.update(pipeline=pipeline, approach=approach, seed=seed)
    return result


def child_environment(args: argparse.Namespace) -> dict:
    """The children's environment: quiet TensorFlow, optional thread counts."""
    env = dict(ORIGINAL_ENVIRONMENT, TF_CPP_MIN_LOG_LEVEL="2", PYTHONHASHSEED="0")
    if args.threads:
        env.update(TF_NUM_INTRAOP_THREADS=str(args.threads),
                   TF_NUM_INTEROP_THREADS=str(args.threads))
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
    """Medians of one pipeline's runs of one approach."""
    first = _median([r["epoch_seconds"][0] for r in runs])
    steady = _median([s for r in runs for s in r["epoch_seconds"][1:]])
    rows = runs[0]["train_rows"]
    return {"prep": _median([r["prep_seconds"] for r in runs]), "first": first, "steady": steady,
            "cpu_steady": _median([s for r in runs for s in r["epoch_cpu_seconds"][1:]]),
            "rate_first": rows / first, "rate_steady": rows / steady,
            "rate_fit": 5 * rows / (first + 4 * steady),  # the tutorial's 5 epochs, 1st included
            "vocabulary": runs[0]["vocabulary"],
            "rss": _median([r["peak_rss_mb"] for r in runs]), "n": len(runs), "rows": rows}


def timing_table(results: list[dict], approaches, pipelines: list[str]) -> str:
    """Medians per approach and pipeline, and every variant's ratios to the tutorial's."""
    rows = ["| approach | pipeline | training rows | prep s | 1st epoch s | steady epoch s | "
            "steady CPU s | rows/s 1st | rows/s steady | peak RSS MB |", "|" + "---|" * 10]
    ratios = ["| approach | pipeline | throughput 1st epoch | throughput steady | "
              "throughput 5-epoch fit | prep time | peak RSS | runs |", "|" + "---|" * 8]
    for approach in approaches:
        summary = {p: summarize([r for r in results
                                 if r["approach"] == approach and r["pipeline"] == p])
                   for p in pipelines}
        for p, s in summary.items():
            rows.append(f"| {approach} | {p} | {s['rows']:,} | {s['prep']:.1f} | {s['first']:.1f} | "
                        f"{s['steady']:.1f} | {s['cpu_steady']:.1f} | {s['rate_first']:,.0f} | "
                        f"{s['rate_steady']:,.0f} | {s['rss']:,.0f} |")
        t = summary[TUTORIAL]
        for p, o in summary.items():
            if p != TUTORIAL:
                ratios.append(f"| {approach} | {p} | {o['rate_first'] / t['rate_first']:.2f}x | "
                              f"{o['rate_steady'] / t['rate_steady']:.2f}x | "
                              f"{o['rate_fit'] / t['rate_fit']:.2f}x | "
                              f"{o['prep'] / t['prep']:.2f} | {o['rss'] / t['rss']:.2f} | "
                              f"{o['n']} |")
    vocabularies = ", ".join(f"{p} {summary[p]['vocabulary']:,}" for p in pipelines)
    notes = ["", f"Vocabulary (words + padding/unknown): {vocabularies}. The tutorial fits its "
             "Tokenizer on training and test texts and trains on every training row, validating "
             "on the test set; this package fits on the training texts only and holds out 10% of "
             "them for validation (throughput is per training row).", "",
             "Ours / tutorial (throughput: higher is better; prep time and memory: lower is "
             "better; the 5-epoch fit is first epoch + 4 steady epochs):", ""]
    return "\n".join(rows + notes + ratios)


def accuracy_table(results: list[dict], approaches, pipelines: list[str]) -> str:
    """Mean test accuracy over seeds per approach and pipeline, and the gap to the tutorial's."""
    rows = ["| approach | pipeline | test accuracy % (mean) | min | max | vs tutorial | seeds |",
            "|" + "---|" * 7]
    for approach in approaches:
        base = None
        for p in pipelines:
            accs = [100 * r["accuracy"] for r in results
                    if r["approach"] == approach and r["pipeline"] == p]
            mean = statistics.fmean(accs)
            base = mean if p == TUTORIAL else base
            gap = "" if p == TUTORIAL else f"{mean - base:+.2f}"
            rows.append(f"| {approach} | {p} | {mean:.2f} | {min(accs):.2f} | {max(accs):.2f} | "
                        f"{gap} | {len(accs)} |")
    return "\n".join(rows)


def machine_line() -> str:
    """What the numbers were measured on."""
    from importlib import metadata

    versions = ", ".join(f"{name} {metadata.version(name)}"
                         for name in ("tensorflow", "keras", "tf_keras"))
    try:
        load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    except OSError:
        load = "n/a"
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{model}, {os.cpu_count()} CPU cores ({len(os.sched_getaffinity(0))} usable), "
            f"Python {platform.python_version()}, {versions}; load average at start {load}")


def parse_variants(values: list[str] | None, before: str | None = None) -> dict:
    """'ours' (the package's defaults), 'before' with --before, and each --variant NAME=JSON."""
    variants = {"before": {"src": before}} if before else {}
    variants[OURS] = {}
    for value in values or []:
        name, _, options = value.partition("=")
        try:
            variants[f"{OURS}:{name}"] = json.loads(options or "{}")
        except json.JSONDecodeError as error:
            sys.exit(f"--variant {value!r}: the part after '=' must be JSON such as "
                     f'{{"build": {{"unroll": false}}}} ({error.msg}).')
    return variants


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--approaches", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    parser.add_argument("--repeats", type=int, default=3, help="timing runs per pipeline")
    parser.add_argument("--rows", type=int, default=FULL_TRAIN_ROWS,
                        help="training rows for timing (the mini split is replicated)")
    parser.add_argument("--epochs", type=int, default=3,
                        help="epochs per timing run (the first includes compilation)")
    parser.add_argument("--seeds", type=int, default=3, help="seeds for the accuracy part")
    parser.add_argument("--accuracy-epochs", type=int, default=5)
    parser.add_argument("--skip-timing", action="store_true")
    parser.add_argument("--skip-accuracy", action="store_true")
    parser.add_argument("--data", help="a folder with train.csv/test.csv to time on instead")
    parser.add_argument("--threads", type=int, help="TF intra/inter-op threads for the children")
    parser.add_argument("--variant", action="append", metavar="NAME=JSON",
                        help="measure our pipeline with these helper options instead of the "
                             "defaults, e.g. 'loop={\"build\": {\"unroll\": false}}' "
                             "(keys build/compile/train: keyword arguments of build_model, "
                             "compile_model, train; approach: fields of the approach, e.g. "
                             "mask_padding; preset: fields of the full preset, e.g. "
                             "validation_fraction); repeatable")
    parser.add_argument("--before", metavar="DIR",
                        help="also run the package found in DIR (a folder holding an older "
                             "textrnn_lessons/, e.g. from `git archive`) as pipeline 'before'")
    parser.add_argument("--json-out", help="also write every measurement to this JSON file")
    parser.add_argument("--child", choices=[TUTORIAL, OURS], help=argparse.SUPPRESS)
    parser.add_argument("--options", help=argparse.SUPPRESS)
    parser.add_argument("--approach", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=42, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    if args.child:
        run_child(args)
        return
    variants = parse_variants(args.variant, args.before)
    pipelines = [TUTORIAL, *variants]
    env = child_environment(args)
    print(f"Machine: {machine_line()}", flush=True)
    everything = {"machine": machine_line(), "variants": variants, "timing": [], "accuracy": []}
    if not args.skip_timing:
        with tempfile.TemporaryDirectory(prefix="textrnn-bench-") as scratch:
            folder, described = timing_data(args, Path(scratch))
            print(f"Timing data: {described}; batch {BATCH_SIZE}, {args.epochs} epochs per run, "
                  f"{args.repeats} interleaved runs per pipeline and approach.", flush=True)
            for repeat, approach, pipeline in schedule(args.approaches, args.repeats, pipelines):
                result = measure(pipeline, approach, folder, args.epochs, 42, variants, env)
                everything["timing"].append(result)
                print(f"  run {repeat + 1} approach {approach} {pipeline:12s} prep "
                      f"{result['prep_seconds']:.1f}s epochs "
                      f"{[round(s, 1) for s in result['epoch_seconds']]} peak "
                      f"{result['peak_rss_mb']:,.0f} MB", flush=True)
        print("\nTiming (medians):\n\n" +
              timing_table(everything["timing"], args.approaches, pipelines))
    if not args.skip_accuracy:
        print(f"\nAccuracy: {MINI} ({', '.join(f'{n}: {v:,}' for n, v in mini_sizes().items())}),"
              f" {args.accuracy_epochs} epochs, batch {BATCH_SIZE}, seeds 1-{args.seeds}",
              flush=True)
        for seed in range(1, args.seeds + 1):
            for _, approach, pipeline in schedule(args.approaches, 1, pipelines):
                result = measure(pipeline, approach, MINI, args.accuracy_epochs, seed, variants,
                                 env)
                everything["accuracy"].append(result)
                print(f"  seed {seed} approach {approach} {pipeline:12s} "
                      f"accuracy {100 * result['accuracy']:.2f}%", flush=True)
        print("\nTest accuracy on the mini split:\n\n" +
              accuracy_table(everything["accuracy"], args.approaches, pipelines))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(everything, indent=1))


def mini_sizes() -> dict:
    """Rows in the mini split's files."""
    return {name: sum(1 for _ in open(MINI / f"{name}.csv", encoding="utf-8"))
            for name in ("train", "test")}


if __name__ == "__main__":
    main()
