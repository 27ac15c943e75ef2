"""The command-line tool: instant help, train, reproduce."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from textrnn_lessons.cli import main
from textrnn_lessons.results.log import read_runs


def test_help_is_instant_and_does_not_import_tensorflow():
    code = (
        "import sys, time; t=time.perf_counter(); from textrnn_lessons.cli import main\n"
        "try:\n main(['--help'])\nexcept SystemExit: pass\n"
        "print(time.perf_counter()-t, 'tensorflow' in sys.modules, file=sys.stderr)"
    )
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    seconds, imported = done.stderr.split()[-2:]
    assert "reproduce" in done.stdout and "download" in done.stdout
    assert imported == "False"
    assert time.perf_counter() - started < 5 and float(seconds) < 1


def test_train_reports_and_logs_one_run(mini_dir, capsys):
    assert main(["train", "--approach", "2", "--preset", "smoke"]) == 0
    out = capsys.readouterr().out
    assert "Approach 2" in out and "preset smoke" in out and "Test accuracy" in out
    (run,) = read_runs()
    assert run["approach"] == 2 and run["preset"] == "smoke" and run["protocol"] == "clean"


def test_train_under_the_tutorial_protocol_says_so_and_logs_it(mini_dir, capsys):
    assert main(["train", "--approach", "1", "--preset", "smoke", "--protocol", "tutorial"]) == 0
    out = capsys.readouterr().out
    assert "tutorial protocol" in out and "leaky" in out and "800 training" in out
    (run,) = read_runs()
    assert run["protocol"] == "tutorial" and run["train_size"] == 800


def test_bad_data_folder_is_a_clear_error_not_a_traceback(tmp_path, capsys):
    assert main(["train", "--approach", "1", "--preset", "smoke", "--data", str(tmp_path)]) == 2
    assert "has no train.csv or test.csv" in capsys.readouterr().err


@pytest.mark.slow
def test_reproduce_writes_table_plots_and_report(mini_dir, tmp_path):
    out = tmp_path / "report"
    assert main(["reproduce", "--preset", "smoke", "--out", str(out)]) == 0
    report = (out / "report.md").read_text()
    for number in range(1, 6):
        assert (out / f"approach{number}_confusion.png").stat().st_size > 1000
        assert (out / f"approach{number}_history.png").exists()
        assert f"Approach {number}:" in report
    assert "90.53" in (out / "summary.csv").read_text()
    assert "--protocol tutorial" in report  # says how to compare like for like
    assert len(read_runs()) == 5


def test_errors_are_one_sentence_and_debug_shows_the_traceback(capsys):
    import pytest

    from textrnn_lessons.data.download import DataError

    assert main(["download", "--to", ""]) == 2
    assert capsys.readouterr().err.startswith("error: The folder to download into is empty")
    for argv in (["--debug", "download", "--to", ""], ["download", "--debug", "--to", ""]):
        with pytest.raises(DataError, match="is empty"):
            main(argv)
