"""How much memory a design needs to train, measured, beside what memory_budget estimates.

For each design and batch size, a fresh Python process loads the articles (workshop preset),
fits the vocabulary, notes its resident memory, then trains the design with `Trainer.run` for a
few batches (one epoch, stopped after --steps batches; the validation slice cut to one batch)
and reads its peak resident memory (the kernel's high-water mark, reset just before training,
so the figure is what training added on top of a kernel that holds the data). Beside it,
`textrnn_lessons.training.memory_budget.estimate_training_memory` for the same design, batch and
vocabulary, and their ratio.

Designs are written like `tokens=500,embed=512,units=1024x5,bi,cell=LSTM`, or an approach
number; `--batch` takes several sizes. Designs run in the order given, each at every batch
size, one process each (`--repeats` rounds, the order rotating each round).

    .venv/bin/python benchmarks/design_memory.py                 # the five approaches, batch 256
    .venv/bin/python benchmarks/design_memory.py "tokens=500,embed=30,units=1024,bi,cell=LSTM" --batch 8 16 --steps 2
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from common import (  # sibling modules
    child_result,
    machine_line,
    print_result,
    rotated,
    stand_in_data,
)

MB = 2**20


def parse_design(text: str):
    """An approach number, or key=value parts: tokens, embed, units (50,60 or 1024x5), bi, cell."""
    from textrnn_lessons.models.approaches import get_approach

    if text.strip().isdigit():
        return get_approach(int(text))
    changes: dict = {"bidirectional": False}
    for part in (p.strip() for p in text.split(",")):
        key, _, value = part.partition("=")
        if key == "bi":
            changes["bidirectional"] = True
        elif key == "tokens":
            changes["max_tokens"] = int(value)
        elif key == "embed":
            changes["embed_len"] = int(value)
        elif key == "cell":
            changes["cell"] = value
        elif key == "units":
            size, _, count = value.partition("x")
            changes["units"] = [int(size)] * int(count) if count else [int(size)]
        elif part:
            raise SystemExit(f"Unknown part {part!r} in the design {text!r}.")
    return get_approach(1).with_changes(**changes)


def _rss_bytes() -> int:
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _high_water_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise SystemExit("No VmHWM in /proc/self/status: this benchmark needs Linux.")


def child(design_text: str, batch: int, steps: int, data_dir: str) -> dict:
    """Train one design for `steps` batches; what training added to the resident memory."""
    from dataclasses import replace

    import keras

    from textrnn_lessons.data.reading import Split
    from textrnn_lessons.data.vectorizer import vocabulary_size
    from textrnn_lessons.training.memory_budget import DataSize, estimate_training_memory
    from textrnn_lessons.training.trainer import Trainer

    approach = parse_design(design_text)
    trainer = Trainer(data_dir)
    data = trainer.data("workshop")
    vocabulary = vocabulary_size(trainer.vectorizer(data, approach.max_tokens))
    few = Split(data.validation.texts[:batch], data.validation.labels[:batch])
    data = replace(data, validation=few)

    class StopAfter(keras.callbacks.Callback):
        def on_train_batch_end(self, index, logs=None):
            if index + 1 >= steps:
                self.model.stop_training = True

    before = _rss_bytes()
    Path("/proc/self/clear_refs").write_text("5")  # the high-water mark starts again from here
    trainer.run(approach, data, epochs=1, batch_size=batch, test=False, callbacks=[StopAfter()])
    peak = _high_water_bytes()
    articles = len(data.train) + len(data.validation) + len(data.test)
    estimate = estimate_training_memory(approach, batch, DataSize(vocabulary, articles))
    return {
        "design": approach.describe(),
        "batch": batch,
        "vocabulary": vocabulary,
        "kernel_before_mb": round(before / MB),
        "measured_mb": round((peak - before) / MB),
        "estimate_mb": round(estimate.total / MB),
        "estimate_parts_mb": {name: round(value / MB) for name, value in estimate.parts.items()},
    }


def measure(design: str, batch: int, args, data_dir: Path) -> dict:
    command = [sys.executable, __file__, "--child", design, "--batch", str(batch)]
    command += ["--steps", str(args.steps), "--data", str(data_dir)]
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", MPLBACKEND="Agg")
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    result = child_result(done)
    if result is None:  # a design that fails is a row of the table, not the end of the run
        return {"design": design, "batch": batch, "error": done.stderr.strip()[-600:]}
    return result


def table(results: list[dict]) -> str:
    rows = {}
    for result in results:
        if "error" not in result:
            rows.setdefault((result["design"], result["batch"]), []).append(result)
    lines = [
        "| design | batch | vocabulary | measured MB (median) | estimate MB | estimate / measured |",
        "|---|---|---|---|---|---|",
    ]
    for (design, batch), found in rows.items():
        measured = statistics.median(r["measured_mb"] for r in found)
        estimate = found[0]["estimate_mb"]
        lines.append(
            f"| {design} | {batch} | {found[0]['vocabulary']:,} | {measured:,.0f} "
            f"| {estimate:,} | {estimate / max(measured, 1):.2f} |"
        )
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("designs", nargs="*", default=["1", "2", "3", "4", "5"])
    parser.add_argument("--batch", type=int, nargs="+", default=[256])
    parser.add_argument("--steps", type=int, default=3, help="training batches per measurement")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--data", type=Path, help="train.csv/test.csv folder (default: stand-in)")
    parser.add_argument("--json-out", type=Path)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        result = child(args.child, args.batch[0], args.steps, str(args.data))
        print_result(result)
        return
    print(f"Machine: {machine_line(('tensorflow', 'keras'))}", flush=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="design-memory-") as scratch:
        data_dir = args.data.resolve() if args.data else stand_in_data(Path(scratch))
        print(f"Data: {data_dir if args.data else 'the workshop-sized stand-in'}; workshop preset")
        jobs = [(design, batch) for design in args.designs for batch in args.batch]
        for round_number in range(args.repeats):
            for design, batch in rotated(jobs, round_number):
                result = measure(design, batch, args, data_dir)
                results.append(result)
                print(f"  {json.dumps(result)}", flush=True)
    print("\n" + table(results))
    if args.json_out:
        args.json_out.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
