"""The benchmark scripts' own logic (they print measured figures; here only their plumbing is
checked): the interleaved schedule, the replicated data, the step profile's operation counts."""
from __future__ import annotations

import importlib
import subprocess
import sys

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
    assert order == [(0, 1, "tutorial"), (0, 1, "ours"), (0, 5, "ours"), (0, 5, "tutorial"),
                     (1, 1, "ours"), (1, 1, "tutorial"), (1, 5, "tutorial"), (1, 5, "ours")]
    bench.replicate_csv(MINI / "test.csv", tmp_path / "big.csv", 4000)
    lines = (tmp_path / "big.csv").read_text(encoding="utf-8").splitlines()
    original = (MINI / "test.csv").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 4000 and lines[1600:3200] == original


def test_benchmark_answers_help_without_running_anything():
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "pipeline_speed.py"),
                           "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert "--approaches" in done.stdout and "--rows" in done.stdout


def test_step_profile_finds_the_products_and_the_embedding_update():
    """The lessons' path (speed-ups on) as a long run trains it: the word sums and the velocity
    decay once a step, and 25 recurrent steps in each chain."""
    from textrnn_lessons.config import usable_cpus
    from textrnn_lessons.speedups.rnn import RNN_CHAINS

    wall_ms, kinds = benchmark("step_profile").profile(1, vocabulary=500)
    assert wall_ms > 0
    assert any("MatMul" in kind for kind in kinds)  # oneDNN names it _MklMatMul
    assert kinds["Unique"][1] == 1  # the embedding's words, summed once a step
    assert kinds["(XLA-compiled code)"][1] == 1  # the velocity decay, once a step
    chains = min(RNN_CHAINS, usable_cpus())  # a long run's choice, as `fit` makes it
    assert kinds["Tanh"][1] == 25 * chains  # 25 steps in each chain, forward
