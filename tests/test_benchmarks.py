"""The benchmark scripts' own logic (they print measured figures; here only their plumbing is
checked): interleaved schedules, resumable runs, the tables and their targets, the intervals,
and that no benchmark reaches into a private part of the package or of Keras."""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys

import pytest

from .conftest import MINI, REPO

BENCHMARKS = REPO / "benchmarks"


def benchmark(name: str):
    sys.path.insert(0, str(BENCHMARKS))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.pop(0)


# --------------------------------------------------------------------------- public ground


def test_no_benchmark_reaches_a_private_part_of_the_package_or_of_keras():
    """`name._private` for any name but the script's own `self` and `cls`, and Keras's own
    internals (`keras.src`), are out of bounds: a benchmark measures what a user can call."""
    found = []
    for script in sorted(BENCHMARKS.glob("*.py")):
        for number, line in enumerate(script.read_text().splitlines(), start=1):
            code = line.split("#", 1)[0]
            private = re.findall(r"\b(\w+)\._[a-z]", code)
            if [name for name in private if name not in ("self", "cls")] or "keras.src" in code:
                found.append(f"{script.name}:{number}: {line.strip()}")
    assert found == []


def test_benchmark_scripts_answer_help_without_running_anything():
    for script in ("pipeline_speed.py", "speed_section.py"):
        done = subprocess.run(
            [sys.executable, str(BENCHMARKS / script), "--help"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
    assert "--approaches" in done.stdout or "--quick" in done.stdout


# --------------------------------------------------------------------------- common


def test_schedule_interleaves_and_rotates_who_goes_first(tmp_path):
    common = benchmark("common")
    assert list(common.schedule([1, 5], 2, ["tutorial", "lessons"])) == [
        (0, 1, "tutorial"),
        (0, 1, "lessons"),
        (0, 5, "lessons"),
        (0, 5, "tutorial"),
        (1, 1, "lessons"),
        (1, 1, "tutorial"),
        (1, 5, "tutorial"),
        (1, 5, "lessons"),
    ]
    common.replicate_csv(MINI / "test.csv", tmp_path / "big.csv", 4000)
    lines = (tmp_path / "big.csv").read_text(encoding="utf-8").splitlines()
    original = (MINI / "test.csv").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 4000 and lines[1600:3200] == original


def test_stand_in_is_workshop_sized(tmp_path):
    folder = benchmark("common").stand_in_data(tmp_path)
    train = (folder / "train.csv").read_text(encoding="utf-8").splitlines()
    test = (folder / "test.csv").read_text(encoding="utf-8").splitlines()
    assert len(train) == 13_600 and len(test) == 7_600


def test_stand_in_says_what_is_missing_and_what_to_do(tmp_path, monkeypatch):
    common = benchmark("common")
    monkeypatch.setattr(common, "SHARED", tmp_path / "nowhere")
    with pytest.raises(FileNotFoundError, match=r"nowhere/test\.csv.*--data DIR"):
        common.stand_in_data(tmp_path)
    assert not (tmp_path / "train.csv").exists()


# --------------------------------------------------------------------------- pipeline_speed


def test_timed_fit_counts_the_first_epoch_from_the_call_and_the_overshoot_after_the_last():
    """A stand-in model whose fit waits 0.2 s before training and 0.3 s after its last epoch."""
    import time

    bench = benchmark("pipeline_speed")

    class SlowModel:
        def fit(self, callbacks, **arguments):
            (clock,) = callbacks
            time.sleep(0.2)
            clock.on_train_begin()
            for epoch in range(arguments["epochs"]):
                time.sleep(0.1)
                clock.on_epoch_end(epoch)
            time.sleep(0.3)

    timing = bench.timed_fit(SlowModel(), bench.fit_clock(object), epochs=3)
    assert len(timing["epoch_seconds"]) == 3
    assert 0.3 <= timing["epoch_seconds"][0] < 0.45  # set-up included
    assert all(0.1 <= s < 0.2 for s in timing["epoch_seconds"][1:])
    assert 0.2 <= timing["setup_seconds"] < 0.3
    assert 0.3 <= timing["overshoot_seconds"] < 0.4
    assert (
        abs(timing["fit_seconds"] - sum(timing["epoch_seconds"]) - timing["overshoot_seconds"])
        < 1e-6
    )


def _run(side, approach, epochs, fit, rows, overshoot=0.01, rss=900.0, part="timing", **extra):
    return {
        "part": part,
        "side": side,
        "approach": approach,
        "round": 0,
        "epochs": len(epochs),
        "epoch_seconds": epochs,
        "epoch_cpu_seconds": epochs,
        "fit_seconds": fit,
        "overshoot_seconds": overshoot,
        "prep_seconds": 1.0,
        "train_rows": rows,
        "vocabulary": 100,
        "peak_rss_mb": rss,
        **extra,
    }


def test_summaries_give_throughput_per_row_and_the_worst_stall():
    bench = benchmark("pipeline_speed")
    runs = [
        _run("tutorial", 1, [4, 2, 2, 2, 2], 12.0, 1200),
        _run("tutorial", 1, [4, 2, 2, 2, 2], 14.0, 1200, overshoot=2.0),
        _run("lessons", 1, [2, 1, 1, 1, 1], 6.0, 1080, rss=800.0),
        _run("lessons", 1, [2, 1, 1, 1, 1], 6.0, 1080, rss=800.0),
    ]
    tutorial = bench.summarize(runs[:2])
    assert tutorial["fit5"] == 13.0 and tutorial["fit5_measured"]
    assert tutorial["overshoot_max"] == 2.0
    # Per training row: the lessons do 1080 rows in 6 s against 1200 in 13 s: 1.95x; the
    # first epoch 1080 / 2 against 1200 / 4: 1.80x.
    assert bench.ratios(runs, "lessons") == {1: (pytest.approx(1.95), pytest.approx(1.8))}
    table = bench.timing_table(runs)
    assert "| 1 | lessons | 1,080 | 1.0 | 2.0 | 1.0 | 6.0 | 0.01 / 0.01 | 1.95× | 1.80× |" in table
    assert "1 of 2" in bench.overshoot_table(runs)


def test_a_short_run_estimates_the_five_epoch_fit_from_its_steady_epochs():
    bench = benchmark("pipeline_speed")
    summary = bench.summarize([_run("lessons", 1, [3.0, 1.0], 4.5, 100)])
    assert summary["fit5"] == 4.5 + 3 * 1.0 and not summary["fit5_measured"]
    assert "| ~7.5 |" in bench.timing_table([_run("lessons", 1, [3.0, 1.0], 4.5, 100)])


def test_welch_interval_is_scipys_and_says_when_a_gap_is_within_noise():
    from scipy import stats

    bench = benchmark("pipeline_speed")
    a, b = [70.1, 68.2, 73.4, 66.0, 71.5], [60.3, 62.8, 58.1, 61.0, 59.9, 63.2]
    d = bench.welch_interval(a, b)
    expected = stats.ttest_ind(b, a, equal_var=False).confidence_interval(0.95)
    assert (d.low, d.high) == (expected.low, expected.high)
    assert round(d.difference, 6) == round(sum(b) / 6 - sum(a) / 5, 6)
    assert not d.within_noise  # about 9 points apart with small spreads
    assert bench.welch_interval([70, 50, 60], [58, 71, 49]).within_noise
    # One approach pooled is Welch's interval itself; two identical ones narrow it.
    one = bench.pooled_interval([(a, b)])
    assert abs(one.low - d.low) < 1e-9 and abs(one.high - d.high) < 1e-9
    two = bench.pooled_interval([(a, b), (a, b)])
    assert two.difference == d.difference and two.high - two.low < d.high - d.low
    with pytest.raises(ValueError, match="2 or more values on each side.*--seeds"):
        bench.welch_interval([70.0], [60.0, 61.0])


def test_comparison_table_has_a_row_per_approach_and_a_pooled_row():
    bench = benchmark("pipeline_speed")
    runs = [
        {"side": p, "approach": n, "accuracy": acc / 100}
        for n in (1, 2)
        for p, accs in (("tutorial", (70, 72, 68)), ("package:tutorial", (69, 71, 70)))
        for acc in accs
    ]
    table = bench.comparison_table(runs, "tutorial", "package:tutorial", ("t", "p"))
    assert "| 1 | 70.00 | 70.00 | +0.00 |" in table and "| yes | 3 / 3 |" in table
    assert "| all (mean of approaches) |" in table and "6 / 6" in table


def test_a_stopped_benchmark_goes_on_where_it_stopped(tmp_path, monkeypatch):
    """Runs already in --runs are not run again; new ones are added to the file at once."""
    bench = benchmark("pipeline_speed")
    measured = []

    def fake_measure(side, approach, data_dir, epochs, seed, options):
        measured.append((side, approach))
        return _run(side, approach, [2, 1, 1, 1, 1], 6.0, 1000, accuracy=0.5)

    monkeypatch.setattr(bench, "measure", fake_measure)
    runs = tmp_path / "runs.jsonl"
    done_before = _run("tutorial", 1, [2, 1, 1, 1, 1], 6.0, 1000, accuracy=0.5)
    runs.write_text(json.dumps({**done_before, "data": "d"}) + "\n")
    args = bench.parse_args(
        ["--approaches", "1", "--repeats", "1", "--rows", "100", "--sides", "tutorial", "lessons"]
        + ["--runs", str(runs)]
    )
    timing = bench.run_timing(args, {}, bench.RunLog(runs))
    assert measured == [("lessons", 1)] and len(timing) == 2
    assert len(runs.read_text().splitlines()) == 2
    assert bench.RunLog(runs).done("timing", "lessons", 1, 0, 5) is not None


def test_an_unknown_side_or_variant_is_refused_with_a_sentence():
    bench = benchmark("pipeline_speed")
    with pytest.raises(SystemExit, match="Unknown side 'stock'"):
        bench.side_options("stock", {}, "clean")
    with pytest.raises(SystemExit, match="name it SIDE:NAME"):
        bench.parse_variants(['fast={"settings": {}}'])
    with pytest.raises(SystemExit, match="must be JSON"):
        bench.parse_variants(["lessons:x={settings"])


@pytest.mark.slow
@pytest.mark.parametrize("side", ["tutorial", "lessons", "package"])
def test_each_side_trains_one_epoch_in_its_own_process(side):
    """One epoch of approach 1 on the mini split in a child process (about 20 s each)."""
    bench = benchmark("pipeline_speed")
    _, options = bench.side_options(side, {}, "tutorial")
    run = bench.measure(side, 1, MINI, 1, 1, options)
    assert run["train_rows"] == 6000  # the tutorial protocol: every training row
    assert run["fit_seconds"] >= sum(run["epoch_seconds"]) and len(run["epoch_seconds"]) == 1
    assert 0 <= run["accuracy"] <= 1
    if side == "lessons":
        assert run["settings"] == {**bench.KERAS_DEFAULTS, **bench.LESSON_SETTINGS[1]}
        assert run["intra_op_threads"] == (bench.LESSON_SETTINGS[1]["intra_op_threads"] or 0)
    if side == "package":
        assert run["runtime"] is True and run["optimizer"] == "rmsprop_keras2"


# --------------------------------------------------------------------------- speed_section


def _timing_run(side: str, epoch: float, rss: float, overshoot: float = 0.0) -> dict:
    epochs = [epoch * 1.5] + [epoch] * 4
    rows = 120_000 if side == "tutorial" else 108_000
    return _run(side, 1, epochs, sum(epochs) + overshoot, rows, overshoot, rss)


def test_speed_section_checks_each_target_against_the_tutorial_pipeline():
    section = benchmark("speed_section")
    timing = [
        _timing_run("tutorial", 4.0, 900),
        _timing_run("lessons:keras-defaults", 5.0, 1000),
        _timing_run("lessons", 3.0, 1000),
        _timing_run("package", 2.0, 1050),
        _timing_run("package", 2.0, 1050, overshoot=0.8),
    ]
    # accuracy runs (mini split, seconds-long fits) share side names but never count for speed
    accuracy = [_run("tutorial", 1, [0.5] * 5, 2.5, 6_000, 0.0, 800, part="accuracy")]
    lines = section.target_lines(timing, accuracy)
    # whole fits: tutorial 22 s for 120,000 rows; lessons 16.5 s and the package 11.0 and
    # 11.8 s (median 11.4) for 108,000
    assert lines[0].endswith(": met (1: 1.20×)")
    assert lines[1].endswith(": met (1: 1.74×)")
    assert lines[2].endswith(": met (1: 1.80×)")
    assert "Lessons: `fit` returns within 0.5 s of its last epoch: met (1 of 1 runs" in lines[3]
    assert "**not met** (1 of 2 runs" in lines[4]
    table = section.training_table(timing)
    assert "| 1 | 22.0 / 27.5 / 16.5 / 11.4 | 0.72×, 0.72× | 1.20×, 1.20× | 1.74×, 1.80× |" in (
        table
    )
    assert "| 0.0 / 0.0 / 0.0 / 0.8 | 900 / 1,000 / 1,000 / 1,050 |" in table


def test_speed_section_reports_each_like_for_like_comparison():
    section = benchmark("speed_section")
    runs = [
        {"side": side, "approach": a, "accuracy": acc, "round": seed}
        for a in (1, 2)
        for side, accs in (
            ("tutorial", (0.70, 0.72, 0.74)),
            ("lessons:tutorial", (0.69, 0.71, 0.73)),
            ("package:tutorial", (0.70, 0.72, 0.74)),
            ("lessons", (0.60, 0.61, 0.62)),
        )
        for seed, acc in enumerate(accs, start=1)
    ]
    text = section.accuracy_section(runs)
    assert text.count("| all (mean of approaches) |") == 3
    assert "| 1 | 72.00 | 71.00 | -1.00 |" in text and "| 1 | 72.00 | 61.00 | -11.00 |" in text
    assert "| 1 | 72.00 | 72.00 | +0.00 |" in text


# --------------------------------------------------------------------------- latency


def test_latency_rotates_who_goes_first_and_answers_help():
    bench = benchmark("latency")
    assert [bench.rotated(["a", "b", "c"], n) for n in range(4)] == [
        ["a", "b", "c"],
        ["b", "c", "a"],
        ["c", "a", "b"],
        ["a", "b", "c"],
    ]
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "latency.py"), "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and "--rounds" in done.stdout and "--cores" in done.stdout


def test_latency_figures_and_targets_from_runs():
    bench = benchmark("latency")
    click = {"first_point_s": 3.0, "finished_s": 5.0}
    runs = [
        {
            "kind": "notebook",
            "wall_s": 36.0,
            "cells_s": 30.0,
            "train_s": 6.0,
            "peak_kernel_mb": 900,
            "cells": [["step-fit", 6.0], ["exercise", 0.1], ["exercise", 0.2]],
        },
        {
            "kind": "app",
            "variant": "this checkout",
            "panel_s": 6.0,
            "ready_s": 14.0,
            "first": click,
            "second": {**click, "first_point_s": 6.0},
            "kernel_peak_mb": 880,
        },
        {  # another checkout's figures are counted apart
            "kind": "app",
            "variant": "/tmp/before",
            "panel_s": 6.0,
            "ready_s": 6.0,
            "first": {**click, "first_point_s": 12.0},
            "second": click,
            "kernel_peak_mb": 900,
        },
    ]
    lines = bench.target_lines(runs)
    assert lines[0].endswith("NOT met") and "36.0 s" in lines[0]
    assert lines[1].endswith(": met") and lines[2].endswith("NOT met")
    assert "| exercise (2) | 0.20 |" in bench.cell_table(runs)
    assert "| notebook 02 kernel peak RSS MB | 900 |" in bench.summary_table(runs)
    assert "| [/tmp/before] first click -> first live point | 12.00 |" in bench.summary_table(runs)


def test_cell_seconds_reads_nbclients_timestamps():
    import nbformat

    bench = benchmark("notebook_resources")
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("text"),
            nbformat.v4.new_code_cell(
                "x = 1",
                metadata={
                    "tags": ["step-load"],
                    "execution": {
                        "iopub.execute_input": "2026-12-03T10:00:00.250000Z",
                        "shell.execute_reply": "2026-12-03T10:00:02.000000Z",
                    },
                },
            ),
            nbformat.v4.new_code_cell("y = 2"),
        ]
    )  # never ran: no timestamps
    notebook.cells.append(
        nbformat.v4.new_code_cell(
            "z = 3",
            metadata={
                "execution": {
                    "iopub.execute_input": "2026-12-03T10:00:02.100000Z",
                    "shell.execute_reply": "2026-12-03T10:00:02.600000Z",
                }
            },
        )
    )
    assert bench.cell_seconds(notebook) == [("step-load", 1.75), ("cell 3", 0.5)]
