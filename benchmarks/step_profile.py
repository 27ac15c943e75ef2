"""Where one training step's time goes: TensorFlow's profiler, summed by operation type.

Trains an approach on random token ids for a few steps, records 10 more with the profiler,
and prints the CPU time per step of each kind of operation (summed over all threads, so the
total can exceed the wall time when two cores work) and the wall time per step.

    .venv/bin/python benchmarks/step_profile.py 2              # approach 2
    .venv/bin/python benchmarks/step_profile.py 4 --vocabulary 72000 --top 15

Reads TensorFlow's own trace format (an internal module of TensorFlow 2.21); it says so if a
later TensorFlow moved it.
"""

from __future__ import annotations

import argparse
import collections
import tempfile
import time
from pathlib import Path

STEPS = 10


def profile(approach_number: int, vocabulary: int, seed: int = 0) -> tuple[float, dict]:
    """Wall milliseconds per step, and {operation type: (CPU ms per step, count per step)}."""
    import numpy as np
    import tensorflow as tf

    from textrnn_lessons import speed as speedups
    from textrnn_lessons.models.approaches import build_model, get_approach
    from textrnn_lessons.speed.dataset_fit import make_dataset
    from textrnn_lessons.speed.rnn import CHAINS_MIN_STEPS, pick_chains
    from textrnn_lessons.training.fitting import compile_model

    approach = get_approach(approach_number)
    rng = np.random.default_rng(seed)
    rows = 512 * 8
    x = rng.integers(2, vocabulary, (rows, approach.max_tokens)).astype("int32")
    y = rng.integers(0, 4, rows).astype("int32")
    model = speedups.apply(compile_model(build_model(approach, vocabulary)), quiet=True)
    pick_chains(model, steps=CHAINS_MIN_STEPS)  # what `fit` picks for a full-size run
    batches = iter(make_dataset(x, y, 512, shuffle=True, repeat=True))
    model.make_train_function()
    step = model.train_function
    for _ in range(5):  # tracing, compilation, warm caches
        step(batches)
    with tempfile.TemporaryDirectory() as logdir:
        tf.profiler.experimental.start(logdir)
        started = time.perf_counter()
        for _ in range(STEPS):
            step(batches)
        wall_ms = (time.perf_counter() - started) / STEPS * 1000
        tf.profiler.experimental.stop()
        trace = next(Path(logdir).rglob("*.xplane.pb"))
        return wall_ms, _by_operation_type(trace)


def _by_operation_type(trace: Path) -> dict:
    try:
        from tensorflow.tsl.profiler.protobuf import xplane_pb2
    except ImportError as error:
        raise SystemExit(
            f"This TensorFlow keeps its trace format elsewhere ({error}); "
            "open the trace in TensorBoard's profile plugin instead."
        ) from error
    space = xplane_pb2.XSpace()
    space.ParseFromString(trace.read_bytes())
    time_ps, count = collections.Counter(), collections.Counter()
    for plane in space.planes:
        for line in plane.lines:
            for event in line.events:
                name = plane.event_metadata[event.metadata_id].name
                if name == "CpuExecutable::ExecuteAsyncOnStream":
                    kind = "(XLA-compiled code)"
                elif ":" in name and "::" not in name and not name.startswith("Eager"):
                    kind = name.rsplit(":", 1)[-1]  # graph operations: "scope/name:OpType"
                else:
                    continue  # the executor's and tf.data's own events wrap the operations
                time_ps[kind] += event.duration_ps
                count[kind] += 1
    return {kind: (ps / STEPS / 1e9, count[kind] / STEPS) for kind, ps in time_ps.items()}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("approach", type=int, choices=range(1, 6))
    parser.add_argument(
        "--vocabulary",
        type=int,
        default=23_000,
        help="embedding rows (the mini split has ~23,000 words, the full data ~72,000)",
    )
    parser.add_argument("--top", type=int, default=20, help="operation types to list")
    args = parser.parse_args(argv)
    wall_ms, kinds = profile(args.approach, args.vocabulary)
    print(
        f"Approach {args.approach}, batch 512, {args.vocabulary:,} words: "
        f"{wall_ms:.1f} ms per step (wall, profiler on)"
    )
    print(f"{'operation type':32s} {'CPU ms/step':>11s} {'count/step':>10s}")
    for kind, (ms, per_step) in sorted(kinds.items(), key=lambda item: -item[1][0])[: args.top]:
        print(f"{kind:32s} {ms:11.2f} {per_step:10.0f}")


if __name__ == "__main__":
    main()
