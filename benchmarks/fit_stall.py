"""Probe: does `fit` return when its last epoch ends, or does it stall after it? (issue 17)

Each run is its own Python process; the variants are interleaved (who goes first rotates), so
a busy neighbour slows every variant alike. Per run it prints the sum of the epochs (a callback
times on_epoch_begin to on_epoch_end), the whole `fit` call (wall clock from call to return),
the overshoot (seconds from the end of the last epoch to `fit`'s return) and the part of it
after on_train_end; at the end, per variant, the overshoot's median and maximum, the runs that
overshot 0.5 s, and the median first and later epoch (wall and process CPU seconds).

Variants (`--variants`; the first four by default):

* keras3              -- Keras 3 `model.fit` on NumPy arrays, as the lessons call it.
* package             -- Keras 3 `fit` on the package's pipeline (training.make_dataset at
                         7e9470c): one endless tf.data dataset (shuffled row numbers, buffer =
                         all rows; batch; gather; repeat; prefetch) and `steps_per_epoch`,
                         validation on a tf.data dataset that ends.
* tf_keras            -- the tutorial's Keras 2 (`tf_keras`) `fit` on NumPy arrays.
* package_fixed       -- `package` with tf.data's autotuning turned off (the proposed fix).
* keras3_no_autotune  -- diagnostic only: `keras3` with Keras's private NumPy-array pipeline
                         patched to turn autotuning off.

What the stall is (TensorFlow 2.21): every iterator of an autotuned tf.data dataset (the
default) has a `tf_data_model` thread that tunes the pipeline, then sleeps for a period that
doubles from 10 ms up to 60 s. Deleting the iterator -- Keras does it as `fit` returns, when
its frame lets go of the epoch iterator -- cancels that thread and joins it. The cancellation
wakes the thread before it marks itself cancelled (CancellationManager runs its callbacks
first), so a thread that wakes at once sees "not cancelled" and sleeps out the rest of its
period, and the join waits for it. `--explain` shows it per run: TensorFlow's log has that
thread's "Waiting for N ms" a few milliseconds after on_train_end, and `fit` returns N ms later.
`--dump-every 1` prints stacks of the stalled process (py-spy, or gdb for every thread).

The data are ../shared/ag_news/mini/train.csv repeated to `--rows` training rows and
mini/test.csv repeated to 12,000 validation rows (timing only), vectorized once by
keras.layers.TextVectorization into a scratch folder that every run reads. 10 runs of four
variants take about 15 minutes on 2 cores.

    .venv/bin/python benchmarks/fit_stall.py --runs 10 --approach 1
    .venv/bin/python benchmarks/fit_stall.py --runs 3 --variants package package_fixed --explain
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

from pipeline_speed import read_csv, tutorial_network  # a sibling script

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SHARED = Path(os.environ.get("TEXTRNN_LESSONS_SHARED", REPO.parent / "shared"))
MINI = SHARED / "ag_news" / "mini"
VALIDATION_ROWS = 12_000
BATCH_SIZE = 512
LONGEST = 50
RESULT_TAG = "RESULT "
VARIANTS = ("keras3", "package", "tf_keras", "package_fixed", "keras3_no_autotune")


# --------------------------------------------------------------------------------------------
# Child processes
# --------------------------------------------------------------------------------------------


def _clock(callback_base):
    """A callback that notes each epoch's start and end (wall clock, and the process's CPU
    seconds per epoch) and when on_train_end runs."""

    class Clock(callback_base):
        def __init__(self):
            super().__init__()
            self.begins, self.ends, self.cpu, self.train_end = [], [], [], None

        def on_epoch_begin(self, epoch, logs=None):
            self.begins.append(time.perf_counter())
            self.cpu.append(time.process_time())

        def on_epoch_end(self, epoch, logs=None):
            self.ends.append(time.perf_counter())
            self.cpu[-1] = time.process_time() - self.cpu[-1]

        def on_train_end(self, logs=None):
            self.train_end = time.perf_counter()
            print("TRAIN_END", flush=True)  # the parent may sample the process from here on

    return Clock()


def child_prepare(folder: Path, rows: int) -> None:
    """Vectorize the replicated mini split once, into folder/arrays.npz."""
    import keras
    import numpy as np

    train_texts, train_labels = read_csv(MINI / "train.csv")
    val_texts, val_labels = read_csv(MINI / "test.csv")
    repeat = lambda items, n: [items[i % len(items)] for i in range(n)]  # noqa: E731
    vectorizer = keras.layers.TextVectorization(output_sequence_length=LONGEST)
    vectorizer.adapt(train_texts)
    ids = lambda texts: np.asarray(vectorizer(texts), dtype="int32")  # noqa: E731
    np.savez(
        folder / "arrays.npz",
        x_train=np.tile(ids(train_texts), (rows // len(train_texts) + 1, 1))[:rows],
        y_train=np.array(repeat(train_labels, rows), "int32"),
        x_val=np.tile(ids(val_texts), (VALIDATION_ROWS // len(val_texts) + 1, 1))[:VALIDATION_ROWS],
        y_val=np.array(repeat(val_labels, VALIDATION_ROWS), "int32"),
        vocabulary=vectorizer.vocabulary_size(),
    )


def package_dataset(x, y, batch_size: int, shuffle: bool, repeat: bool, seed: int = 42):
    """The package's pipeline as it was when the stall was found: tf.data autotuning on."""
    from textrnn_lessons.speed.dataset_fit import make_dataset

    return make_dataset(x, y, batch_size, shuffle, seed=seed, repeat=repeat, autotune=True)


def fixed_dataset(x, y, batch_size: int, shuffle: bool, repeat: bool, seed: int = 42):
    """The package's pipeline now (the fix): tf.data's autotuning off.

    Autotuning runs a `tf_data_model` thread per iterator, and deleting an iterator waits
    for that thread to end; when the thread misses its wake-up, that is the rest of its
    sleep, up to 60 s (see the module docstring). Off, there is no such thread. AUTOTUNE
    values then take TensorFlow's fallbacks: map runs min(16, inter-op threads) calls at
    once (autotuning's own starting point), and prefetch keeps its own buffer tuner, which
    needs no thread.
    """
    from textrnn_lessons.speed.dataset_fit import make_dataset

    return make_dataset(x, y, batch_size, shuffle, seed=seed, repeat=repeat)


def _turn_off_autotune_in_keras_array_adapter() -> None:
    """Diagnostic only: Keras's NumPy-array pipeline with tf.data autotuning off (patched)."""
    import tensorflow as tf
    from keras.src.trainers.data_adapters import array_data_adapter

    original = array_data_adapter.ArrayDataAdapter.get_tf_dataset

    def get_tf_dataset(self):
        options = tf.data.Options()
        options.autotune.enabled = False
        return original(self).with_options(options)

    array_data_adapter.ArrayDataAdapter.get_tf_dataset = get_tf_dataset


def child_fit(variant: str, folder: Path, approach: int, epochs: int) -> dict:
    """Build, compile and fit one network; return the clock's figures."""
    import numpy as np

    if variant == "tf_keras":
        import tf_keras as keras_module
    else:
        import keras as keras_module
    # After TensorFlow has started: the threads are child_env's choice, not the package's.
    from textrnn_lessons.models.approaches import get_approach

    network = get_approach(approach)
    arrays = np.load(folder / "arrays.npz")
    tokens = network.max_tokens
    x_train, x_val = arrays["x_train"][:, :tokens], arrays["x_val"][:, :tokens]
    y_train, y_val = arrays["y_train"], arrays["y_val"]
    keras_module.utils.set_random_seed(42)
    model = tutorial_network(keras_module, network, int(arrays["vocabulary"]))
    clock = _clock(keras_module.callbacks.Callback)
    common = dict(epochs=epochs, callbacks=[clock], verbose=0)
    if variant == "keras3_no_autotune":
        _turn_off_autotune_in_keras_array_adapter()
    if variant in ("package", "package_fixed"):
        make = package_dataset if variant == "package" else fixed_dataset
        steps = -(-len(x_train) // BATCH_SIZE)
        train = make(x_train, y_train, BATCH_SIZE, shuffle=True, repeat=True)
        val = make(x_val, y_val, BATCH_SIZE, shuffle=False, repeat=False)
        started = time.perf_counter()
        model.fit(train, steps_per_epoch=steps, validation_data=val, shuffle=False, **common)
    else:
        started = time.perf_counter()
        model.fit(x_train, y_train, batch_size=BATCH_SIZE, validation_data=(x_val, y_val), **common)
    returned = time.perf_counter()
    return {
        "epoch_seconds": [e - b for b, e in zip(clock.begins, clock.ends)],
        "epoch_cpu_seconds": clock.cpu,
        "train_end_unix": time.time() - (returned - clock.train_end),
        "fit_seconds": returned - started,
        "overshoot": returned - clock.ends[-1],
        "after_train_end": returned - clock.train_end,
        "before_first_epoch": clock.begins[0] - started,
    }


# --------------------------------------------------------------------------------------------
# The parent
# --------------------------------------------------------------------------------------------


def prepare_data(args) -> Path:
    """A scratch folder with the vectorized arrays, made once by a child process."""
    folder = Path(tempfile.mkdtemp(prefix="fit_stall_"))
    subprocess.run(
        [sys.executable, __file__, "--prepare", str(folder), "--rows", str(args.rows)],
        check=True,
        env=child_env(None, False),
        cwd=REPO,
    )
    return folder


def child_env(variant: str | None, explain: bool) -> dict:
    """Quiet TensorFlow, or with --explain its autotuning log (model.cc at verbosity 2);
    Keras 3 runs get the package's one thread per operation (textrnn_lessons sets it when
    imported), tf_keras runs get TensorFlow's defaults, as the tutorial had."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONHASHSEED="0")
    if explain:
        env.update(TF_CPP_MIN_LOG_LEVEL="0", TF_CPP_VMODULE="model=2")
    if variant and variant != "tf_keras":
        env.setdefault("TF_NUM_INTRAOP_THREADS", "1")
    return env


def dump_command(tool: str, pid: int) -> list[str]:
    if tool == "py-spy":
        return [
            str(Path(sys.executable).with_name("py-spy")),
            "dump",
            "--native",
            "--pid",
            str(pid),
        ]
    return ["gdb", "-p", str(pid), "-batch", "-nx", "-ex", "thread apply all bt 40"]


def read_child(process, every: float, tool: str) -> tuple[list[str], list[str]]:
    """The child's stdout lines and, if `every` > 0, stack dumps of it taken every `every`
    seconds from on_train_end until it reports (the dumps pause it: its timings then grow)."""
    import select

    lines, dumps, next_dump = [], [], None
    while True:
        if next_dump is None or select.select([process.stdout], [], [], 0.05)[0]:
            line = process.stdout.readline()
            if not line:
                return lines, dumps
            lines.append(line)
            if every and line.startswith("TRAIN_END"):
                next_dump = time.perf_counter() + every
            if line.startswith(RESULT_TAG):
                next_dump = None
        if next_dump is not None and time.perf_counter() >= next_dump:
            done = subprocess.run(dump_command(tool, process.pid), capture_output=True, text=True)
            dumps.append(
                f"--- {tool} dump, {time.strftime('%H:%M:%S')}\n{done.stdout}{done.stderr}"
            )
            next_dump = time.perf_counter() + every


def autotune_waits(log: str, since_unix: float, window: float = 0.05) -> list[float]:
    """Seconds that tf.data's autotuning threads went (back) to sleep for, as logged within
    `window` seconds after on_train_end (log lines: `I0000 00:00:<unix time> <thread>
    model.cc:<line>] Waiting for <n> ms.`)."""
    waits = []
    for match in re.finditer(
        r"^I\d{4} [\d:]+:(\d+\.\d+) +\d+ model\.cc:\d+\] Waiting for (\d+) ms", log, re.MULTILINE
    ):
        if since_unix <= float(match.group(1)) <= since_unix + window:
            waits.append(int(match.group(2)) / 1000)
    return waits


def run_one(variant: str, folder: Path, args) -> dict:
    """One child process: one fit of one variant."""
    command = [
        sys.executable,
        __file__,
        "--child",
        variant,
        "--data",
        str(folder),
        "--approach",
        str(args.approach),
        "--epochs",
        str(args.epochs),
    ]
    with tempfile.TemporaryFile("w+") as errors:
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            env=child_env(variant, args.explain),
            cwd=REPO,
        )
        lines, dumps = read_child(process, args.dump_every, args.dump_with)
        process.wait()
        errors.seek(0)
        log = errors.read()
    results = [line for line in lines if line.startswith(RESULT_TAG)]
    if process.returncode or not results:
        sys.exit(f"The {variant} run failed (exit {process.returncode}):\n{log[-3000:]}")
    result = json.loads(results[-1][len(RESULT_TAG) :])
    result["dumps"] = dumps
    result["autotune_waits"] = autotune_waits(log, result["train_end_unix"])
    return result


def print_summary(measured: dict) -> None:
    """Per variant: overshoot median and max, how many runs overshot 0.5 s, and the median
    first and later epoch (wall and process CPU seconds)."""
    print(
        "\nvariant               runs  overshoot s: median    max  runs > 0.5 s   "
        "1st epoch s: wall  cpu   later epochs s: wall  cpu"
    )
    for variant, results in measured.items():
        over = [r["overshoot"] for r in results]

        def median(key, part, results=results):
            seconds = [s for r in results for s in (r[key][1:] if part else r[key][:1])]
            return statistics.median(seconds or [float("nan")])

        print(
            f"{variant:<20} {len(results):>5} {statistics.median(over):>20.2f} {max(over):>6.2f} "
            f"{sum(o > 0.5 for o in over):>13} {median('epoch_seconds', 0):>18.2f} "
            f"{median('epoch_cpu_seconds', 0):>5.2f} {median('epoch_seconds', 1):>21.2f} "
            f"{median('epoch_cpu_seconds', 1):>5.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="runs of each variant")
    parser.add_argument("--rows", type=int, default=108_000, help="training rows")
    parser.add_argument("--approach", type=int, default=1, choices=range(1, 6))
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS[:4]), choices=VARIANTS)
    parser.add_argument(
        "--explain",
        action="store_true",
        help="log tf.data autotuning in the children and print, per run, the "
        "sleeps its threads began just after on_train_end",
    )
    parser.add_argument(
        "--dump-every",
        type=float,
        default=0,
        help="dump a child's stacks every N seconds after on_train_end",
    )
    parser.add_argument(
        "--dump-with",
        choices=("py-spy", "gdb"),
        default="py-spy",
        help="py-spy: Python threads with native frames; gdb: every thread",
    )
    parser.add_argument("--child", choices=VARIANTS, help=argparse.SUPPRESS)
    parser.add_argument("--prepare", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        return child_prepare(Path(args.prepare), args.rows)
    if args.child:
        result = child_fit(args.child, Path(args.data), args.approach, args.epochs)
        print(RESULT_TAG + json.dumps(result), flush=True)
        return None

    folder = prepare_data(args)
    print(
        f"approach {args.approach}, {args.rows:,} training rows, {VALIDATION_ROWS:,} validation "
        f"rows, batch {BATCH_SIZE}, {args.epochs} epochs; {os.cpu_count()} CPUs; "
        f"TensorFlow {version('tensorflow')}, Keras {version('keras')}, "
        f"tf_keras {version('tf_keras')}",
        flush=True,
    )
    print(
        f"{'run':>3} {'variant':<20} {'epochs sum s':>12} {'fit s':>7} {'overshoot s':>11} "
        f"{'after on_train_end s':>20}"
        + ("  autotune sleeps begun after on_train_end, s" if args.explain else ""),
        flush=True,
    )
    measured = {variant: [] for variant in args.variants}
    try:
        for run in range(args.runs):
            turn = run % len(args.variants)
            for variant in args.variants[turn:] + args.variants[:turn]:
                result = run_one(variant, folder, args)
                measured[variant].append(result)
                waits = " ".join(f"{w:.2f}" for w in result["autotune_waits"]) or "-"
                print(
                    f"{run + 1:>3} {variant:<20} {sum(result['epoch_seconds']):>12.2f} "
                    f"{result['fit_seconds']:>7.2f} {result['overshoot']:>11.2f} "
                    f"{result['after_train_end']:>20.2f}" + (f"  {waits}" if args.explain else ""),
                    flush=True,
                )
                for dump in result["dumps"]:
                    print(dump, flush=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print_summary(measured)


if __name__ == "__main__":
    main()
