"""Ctrl-C always reads as Ctrl-C: one sentence, exit status 130, the results log untouched.

TensorFlow runs much of a graph's building in C++; a Ctrl-C that lands there can come back
to Python as another exception (a SystemError "returned a result with an exception set"),
which the command must still call an interruption, not a bug.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from textrnn_lessons import cli

from .conftest import MINI

INTERRUPTED = "error: interrupted; a run that had not finished was not logged."


def run_main_with(command, capsys, monkeypatch) -> tuple[int, str]:
    monkeypatch.setitem(cli.COMMANDS, "check", command)
    status = cli.main(["check"])
    return status, capsys.readouterr().err


def test_an_error_caused_by_ctrl_c_reads_as_an_interruption(capsys, monkeypatch):
    def graph_building(args):
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as interrupt:
            raise SystemError("<built-in method> returned a result with an exception set") from (
                interrupt
            )

    status, said = run_main_with(graph_building, capsys, monkeypatch)
    assert status == 130 and said.strip() == INTERRUPTED


def test_any_error_after_a_ctrl_c_reads_as_an_interruption(capsys, monkeypatch):
    """The KeyboardInterrupt can be lost on the way out of C++: the Ctrl-C itself still counts."""

    def graph_building(args):
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(1)  # the signal arrives here, as it would inside TensorFlow
        except KeyboardInterrupt:
            pass  # swallowed by the C++ layer...
        raise SystemError("error return without exception set")  # ...which fails another way

    status, said = run_main_with(graph_building, capsys, monkeypatch)
    assert status == 130 and said.strip() == INTERRUPTED


def test_a_ctrl_c_swallowed_on_the_way_is_still_an_interruption(capsys, monkeypatch):
    """TensorFlow can swallow the KeyboardInterrupt altogether, and the command then ends as
    if nothing happened: the Ctrl-C still counts (and cmd_train checks before logging)."""

    def swallowed(args):
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(1)
        except KeyboardInterrupt:
            pass  # lost in the C++ layer; training goes on
        return 0

    status, said = run_main_with(swallowed, capsys, monkeypatch)
    assert status == 130 and said.strip() == INTERRUPTED


def test_an_error_without_ctrl_c_is_still_reported_as_itself(capsys, monkeypatch):
    def broken(args):
        raise SystemError("something else")

    status, said = run_main_with(broken, capsys, monkeypatch)
    assert status == 1 and "unexpected SystemError: something else" in said
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # put back


#: Seconds after the line that names the run (`Approach 5: ... on preset smoke`) at which
#: Ctrl-C is pressed: the vocabulary and the indexes, then the first step's graph being built,
#: then batches running (the whole run takes 4-9 s here; Keras 3 prints no "Epoch 1/1" line
#: for a one-epoch run, so that line cannot be the cue).
INTERRUPT_AFTER_START_LINE = (0.0, 0.3, 0.6, 1.0, 1.5, 2.0, 2.5)


@pytest.mark.slow
def test_ctrl_c_while_approach_5_builds_its_graph_is_an_interruption(tmp_path):
    """Interrupt `train --approach 5` at several moments of graph building and training: every
    time the one sentence, exit 130, no traceback, and the results log byte for byte as it was."""
    log = tmp_path / "results.jsonl"
    record = {"approach": 1, "label": "Approach 1", "preset": "smoke", "test_accuracy": 0.5}
    before = (json.dumps({**record, "time": "2026-01-01T00:00:00+00:00"}) + "\n").encode()
    log.write_bytes(before)
    env = dict(
        os.environ,
        PYTHONUNBUFFERED="1",
        TF_CPP_MIN_LOG_LEVEL="2",
        TEXTRNN_LESSONS_RESULTS=str(log),
    )
    command = [sys.executable, "-m", "textrnn_lessons.cli", "train", "--approach", "5"]
    command += ["--preset", "smoke", "--data", str(MINI)]
    for delay in INTERRUPT_AFTER_START_LINE:
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
        )
        said, pressed = [], False
        for line in process.stdout:
            said.append(line)
            if line.startswith("Approach 5:"):
                time.sleep(delay)
                process.send_signal(signal.SIGINT)
                pressed = True
                break
        said.append(process.communicate(timeout=300)[0])
        said = "".join(said)
        assert pressed, f"the run never printed the line that names it:\n{said}"
        where = f"Ctrl-C {delay} s after the run's first line"
        assert process.returncode == 130, f"{where}: exit {process.returncode}\n{said}"
        assert said.rstrip().endswith(INTERRUPTED), f"{where}:\n{said}"
        for sign in ("Traceback", "SystemError", "probably a bug"):
            assert sign not in said, f"{where}:\n{said}"
        assert log.read_bytes() == before, f"{where}: the results log changed"
