"""The benchmark scripts' own logic (they print measured figures; here only their plumbing is
checked): the interleaved schedule, the replicated data, the step profile's operation counts."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from .conftest import MINI, REPO


def benchmark(name: str):
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.pop(0)


def test_benchmark_schedule_interleaves_and_rotates_who_goes_first(tmp_path):
    bench = benchmark("pipeline_speed")
    order = list(bench.schedule([1, 5], 2, ["tutorial", "ours"]))
    assert order == [
        (0, 1, "tutorial"),
        (0, 1, "ours"),
        (0, 5, "ours"),
        (0, 5, "tutorial"),
        (1, 1, "ours"),
        (1, 1, "tutorial"),
        (1, 5, "tutorial"),
        (1, 5, "ours"),
    ]
    bench.replicate_csv(MINI / "test.csv", tmp_path / "big.csv", 4000)
    lines = (tmp_path / "big.csv").read_text(encoding="utf-8").splitlines()
    original = (MINI / "test.csv").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 4000 and lines[1600:3200] == original


def test_benchmark_answers_help_without_running_anything():
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "pipeline_speed.py"), "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0
    assert "--approaches" in done.stdout and "--rows" in done.stdout


def test_step_profile_finds_the_products_and_the_embedding_update():
    """The lessons' path (speed-ups on) as a long run trains it: the word sums and the velocity
    decay once a step, and 25 recurrent steps in each chain."""
    from textrnn_lessons.machine import usable_cpus
    from textrnn_lessons.speed.rnn import RNN_CHAINS

    wall_ms, kinds = benchmark("step_profile").profile(1, vocabulary=500)
    assert wall_ms > 0
    assert any("MatMul" in kind for kind in kinds)  # oneDNN names it _MklMatMul
    assert kinds["Unique"][1] == 1  # the embedding's words, summed once a step
    assert kinds["(XLA-compiled code)"][1] == 1  # the velocity decay, once a step
    chains = min(RNN_CHAINS, usable_cpus())  # a long run's choice, as `fit` makes it
    assert kinds["Tanh"][1] == 25 * chains  # 25 steps in each chain, forward


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

    timing = bench.timed_fit(SlowModel(), bench._fit_clock(object), epochs=3)
    assert len(timing["epoch_seconds"]) == 3
    assert 0.3 <= timing["epoch_seconds"][0] < 0.45  # set-up included
    assert all(0.1 <= s < 0.2 for s in timing["epoch_seconds"][1:])
    assert 0.2 <= timing["setup_seconds"] < 0.3
    assert 0.3 <= timing["overshoot_seconds"] < 0.4
    assert (
        abs(timing["fit_seconds"] - sum(timing["epoch_seconds"]) - timing["overshoot_seconds"])
        < 1e-6
    )


def _run(pipeline, approach, epochs, fit, rows, overshoot=0.01, rss=900.0):
    return {
        "pipeline": pipeline,
        "approach": approach,
        "epoch_seconds": epochs,
        "epoch_cpu_seconds": epochs,
        "fit_seconds": fit,
        "overshoot_seconds": overshoot,
        "prep_seconds": 1.0,
        "train_rows": rows,
        "vocabulary": 100,
        "peak_rss_mb": rss,
    }


def test_summaries_give_throughput_per_row_and_count_stalls():
    bench = benchmark("pipeline_speed")
    runs = [
        _run("tutorial", 1, [4, 2, 2, 2, 2], 12.0, 1200),
        _run("tutorial", 1, [4, 2, 2, 2, 2], 14.0, 1200, overshoot=2.0),
        _run("ours", 1, [2, 1, 1, 1, 1], 6.0, 1080, rss=800.0),
        _run("ours", 1, [2, 1, 1, 1, 1], 6.0, 1080, rss=800.0),
    ]
    tutorial = bench.summarize(runs[:2])
    assert tutorial["fit5"] == 13.0 and tutorial["fit5_measured"]
    assert tutorial["overshoot_ok"] == 1 and tutorial["overshoot_max"] == 2.0
    # Per training row: ours does 1080 rows in half the time, so 0.9 x 2 = 1.8x.
    table = bench.ratio_table(runs, [1], ["tutorial", "ours"])
    assert "| 1 | ours | 1.95x | 1.80x | 1.80x | 1.00 | 900 / 800 | 2 |" in table
    assert "1 of 2" in bench.overshoot_table(runs, ["tutorial", "ours"])


def test_a_short_run_estimates_the_five_epoch_fit_from_its_steady_epochs():
    bench = benchmark("pipeline_speed")
    summary = bench.summarize([_run("ours", 1, [3.0, 1.0], 4.5, 100)])
    assert summary["fit5"] == 4.5 + 3 * 1.0 and not summary["fit5_measured"]
    assert "~7.5" in bench.timing_table([_run("ours", 1, [3.0, 1.0], 4.5, 100)], [1], ["ours"])


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
    # One approach pooled is Welch's interval itself; two identical ones halve nothing but
    # the variance of the mean, so the interval narrows.
    one = bench.pooled_interval([(a, b)])
    assert abs(one.low - d.low) < 1e-9 and abs(one.high - d.high) < 1e-9
    two = bench.pooled_interval([(a, b), (a, b)])
    assert two.difference == d.difference and two.high - two.low < d.high - d.low


def test_welch_interval_refuses_a_single_seed_with_a_sentence():
    bench = benchmark("pipeline_speed")
    with pytest.raises(ValueError, match="2 or more values on each side.*--seeds"):
        bench.welch_interval([70.0], [60.0, 61.0])


def test_comparison_table_has_a_row_per_approach_and_a_pooled_row():
    bench = benchmark("pipeline_speed")
    runs = [
        {"pipeline": p, "approach": n, "accuracy": acc / 100}
        for n in (1, 2)
        for p, accs in (("tutorial", (70, 72, 68)), ("ours:tutorial", (69, 71, 70)))
        for acc in accs
    ]
    table = bench.comparison_table(runs, [1, 2], "tutorial", "ours:tutorial", ("t", "o"))
    assert "| 1 | 70.00 | 70.00 | +0.00 |" in table and "| yes | 3 / 3 |" in table
    assert "| all (mean of approaches) |" in table and "6 / 6" in table


@pytest.mark.slow
def test_ours_runs_the_lessons_speedups_and_stock_runs_stock_keras(tmp_path):
    """One epoch of approach 1 on the mini split in each child process (about 30 s)."""
    bench = benchmark("pipeline_speed")
    args = bench.parse_args([])
    variants = bench.parse_variants(None, "tutorial", ["ours", "stock"])
    env = bench.child_environment(args)
    ours = bench.measure("ours", 1, MINI, 1, 1, variants, env)
    stock = bench.measure("stock", 1, MINI, 1, 1, variants, env)
    assert (ours["model"], ours["optimizer"], ours["intra_op_threads"]) == (
        "FastSequential",
        "RowWiseKeras2RMSprop",
        "1",
    )
    assert (stock["model"], stock["optimizer"], stock["intra_op_threads"]) == (
        "Sequential",
        "Keras2RMSprop",
        None,
    )
    for run in (ours, stock):  # the tutorial protocol: every training row, test as validation
        assert run["train_rows"] == 6000 and run["test_rows"] == 1600
        assert run["fit_seconds"] >= sum(run["epoch_seconds"])


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


def test_stand_in_is_workshop_sized(tmp_path):
    folder = benchmark("stand_in").stand_in_data(tmp_path)
    train = (folder / "train.csv").read_text(encoding="utf-8").splitlines()
    test = (folder / "test.csv").read_text(encoding="utf-8").splitlines()
    assert len(train) == 13_600 and len(test) == 7_600


def test_stand_in_says_what_is_missing_and_what_to_do(tmp_path, monkeypatch):
    stand_in = benchmark("stand_in")
    monkeypatch.setattr(stand_in, "SHARED", tmp_path / "nowhere")
    with pytest.raises(FileNotFoundError, match=r"nowhere/test\.csv.*--data DIR"):
        stand_in.stand_in_data(tmp_path)
    assert not (tmp_path / "train.csv").exists()


def _timing_run(pipeline: str, epoch: float, rss: float, overshoot: float = 0.0) -> dict:
    epochs = [epoch * 1.5] + [epoch] * 4
    return {
        "pipeline": pipeline,
        "approach": 1,
        "train_rows": 108_000 if pipeline != "tutorial" else 120_000,
        "vocabulary": 20_000,
        "prep_seconds": 1.0,
        "epoch_seconds": epochs,
        "epoch_cpu_seconds": epochs,
        "fit_seconds": sum(epochs) + overshoot,
        "overshoot_seconds": overshoot,
        "peak_rss_mb": rss,
    }


def test_speed_section_checks_each_target_against_the_tutorial_pipeline():
    section = benchmark("speed_section")
    timing = [
        _timing_run("tutorial", 4.0, 900),
        _timing_run("stock", 3.0, 1000),
        _timing_run("ours", 2.0, 1050),
        _timing_run("ours", 2.0, 1050, overshoot=0.8),
    ]
    lines = section.target_lines(timing, [])
    # whole fits: tutorial 22 s for 120,000 rows, ours 11.0 and 11.8 s (median 11.4) for 108,000
    assert lines[0].startswith("- Throughput") and ": met (1: 1.74×)" in lines[0]
    assert "**not met** (1: 1,050 vs 900 MB)" in lines[2]
    assert "**not met** (1 of 2 timing runs)" in lines[3]
    table = section.training_table(timing)
    assert "| 1 | 22.0 / 16.5 / 11.4 | **1.74×** |" in table and "| 1.45× |" in table


def test_speed_section_reports_accuracy_means_ranges_and_the_pooled_difference():
    section = benchmark("speed_section")
    runs = [
        {"pipeline": p, "approach": a, "accuracy": acc}
        for a in (1, 2)
        for p, accs in (
            ("tutorial", (0.70, 0.72, 0.74)),
            ("ours:tutorial", (0.69, 0.71, 0.73)),
            ("ours:clean", (0.60, 0.61, 0.62)),
        )
        for acc in accs
    ]
    table = section.accuracy_table(runs)
    assert "| 1 | 72.0 % (70.0–74.0) | 71.0 % (69.0–73.0) | 61.0 % (60.0–62.0) |" in table
    first, second = section.differences(runs)
    assert (
        first.startswith(
            "package under the tutorial protocol minus the tutorial's pipeline: -1.0 points"
        )
        and "within the noise" in first
    )
    assert second.startswith("clean protocol minus tutorial protocol (the package): -10.0 points")
    assert "beyond the noise" in second
