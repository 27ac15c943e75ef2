"""The results log: appends that lose nothing, readable errors, and the table beside the tutorial's."""

from __future__ import annotations

import json
import multiprocessing
import os
import stat
import subprocess
import sys
import threading

import pytest

from textrnn_lessons.results.log import ResultsLogError, append_run, read_runs
from textrnn_lessons.results.records import comparison_table, make_record, tutorial_table

from .test_hostile_inputs import as_plain_user

PER_WRITER = 50


def _record(smoke_data, number=1, accuracy=0.5):
    from textrnn_lessons.models.approaches import get_approach

    return make_record(
        get_approach(number), smoke_data, epochs=1, test_accuracy=accuracy, train_seconds=1.25
    )


def _tiny_record(writer: int, n: int) -> dict:
    """A complete record, cheap to make in a fresh process (no data to load)."""
    return {
        "time": "2026-01-01T00:00:00+00:00",
        "approach": 1,
        "label": "Approach 1",
        "preset": "smoke",
        "test_accuracy": 0.5,
        "writer": writer,
        "n": n,
        "padding": "x" * 400,
    }  # about the size of a real record


def _append_many(path: str, writer: int, barrier) -> None:
    """One writer: wait for the others, then append PER_WRITER records as fast as it can."""
    from textrnn_lessons.results.log import append_run

    barrier.wait()
    for n in range(PER_WRITER):
        append_run(_tiny_record(writer, n), path)


def _all_kept(path) -> None:
    kept = sorted((run["writer"], run["n"]) for run in read_runs(path))
    assert len(kept) == 2 * PER_WRITER, f"kept {len(kept)} of {2 * PER_WRITER} records"
    assert kept == [(w, n) for w in range(2) for n in range(PER_WRITER)]


def test_each_run_appends_one_complete_record(private_results_log, smoke_data):
    append_run(_record(smoke_data, 1, 0.61))
    append_run(_record(smoke_data, 5, 0.72))
    lines = private_results_log.read_text().splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert first["preset"] == "smoke" and first["train_size"] == len(smoke_data.train)
    assert first["versions"]["tensorflow"] != "not installed"
    assert [r["approach"] for r in read_runs()] == [1, 5]


def test_two_processes_appending_at_the_same_moment_keep_every_record(private_results_log):
    context = multiprocessing.get_context("spawn")  # a clean interpreter, as another kernel is
    barrier = context.Barrier(2)
    writers = [
        context.Process(target=_append_many, args=(str(private_results_log), w, barrier))
        for w in range(2)
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=120)
        assert writer.exitcode == 0
    _all_kept(private_results_log)


def test_two_threads_appending_at_the_same_moment_keep_every_record(private_results_log):
    barrier = threading.Barrier(2)
    errors = []

    def write(writer):
        try:
            _append_many(str(private_results_log), writer, barrier)
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    _all_kept(private_results_log)


def test_a_symlinked_log_stays_a_link_and_its_target_gets_the_runs(tmp_path):
    shared = tmp_path / "shared" / "room-results.jsonl"
    shared.parent.mkdir()
    shared.write_text(json.dumps(_tiny_record(0, 0)) + "\n")
    link = tmp_path / "mine" / "results.jsonl"
    link.parent.mkdir()
    link.symlink_to(shared)
    append_run(_tiny_record(0, 1), link)
    assert link.is_symlink() and os.readlink(link) == str(shared)
    assert [run["n"] for run in read_runs(shared)] == [0, 1]


def test_the_log_keeps_its_mode(private_results_log):
    append_run(_tiny_record(0, 0))
    private_results_log.chmod(0o664)  # a log a group shares
    append_run(_tiny_record(0, 1))
    assert stat.S_IMODE(private_results_log.stat().st_mode) == 0o664


def test_only_the_file_needs_to_be_writable_not_its_folder(tmp_path):
    folder = tmp_path / "room"
    folder.mkdir()
    log = folder / "results.jsonl"
    log.write_text(json.dumps(_tiny_record(0, 0)) + "\n")
    log.chmod(0o666)
    folder.chmod(0o555)
    try:
        code = (
            "import sys; from textrnn_lessons.results.log import append_run; "
            "append_run({'time': '2026-01-01T00:00:00+00:00', 'approach': 1, 'label': 'A', 'preset': 'smoke', "
            "'test_accuracy': 0.5, 'writer': 0, 'n': 1}, sys.argv[1])"
        )
        done = subprocess.run(
            as_plain_user([sys.executable, "-c", code, str(log)]),
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        folder.chmod(0o755)
    assert done.returncode == 0, done.stderr
    assert [run["n"] for run in read_runs(log)] == [0, 1]
    assert sorted(p.name for p in folder.iterdir()) == ["results.jsonl"]


def test_a_half_line_from_a_crash_is_reported_and_the_next_run_starts_a_new_line(
    private_results_log,
):
    append_run(_tiny_record(0, 0))
    with open(private_results_log, "a") as handle:
        handle.write('{"approach": 2, "trunc')  # a writer killed part way through its line
    append_run(_tiny_record(0, 2))
    with pytest.raises(ValueError, match="line 2 is not a JSON record") as caught:
        read_runs()
    assert "Fix or delete that line; the other runs are intact" in str(caught.value)
    lines = private_results_log.read_text().splitlines()
    assert json.loads(lines[2])["n"] == 2  # the new record is whole, on its own line
    private_results_log.write_text("\n".join([lines[0], lines[2]]) + "\n")
    assert [run["n"] for run in read_runs()] == [0, 2]


def test_a_log_that_cannot_be_written_is_a_sentence_and_nothing_changes(tmp_path):
    log = tmp_path / "results.jsonl"
    log.mkdir()  # say, a folder where the file should be
    with pytest.raises(ResultsLogError, match="Could not add the run to the results log") as caught:
        append_run(_tiny_record(0, 0), log)
    assert str(log) in str(caught.value) and "TEXTRNN_LESSONS_RESULTS" in str(caught.value)
    assert list(log.iterdir()) == []


@pytest.mark.parametrize(
    "content, complaint",
    [
        (b'{"approach": 1, "label": "caf\xe9"}\n', "is not UTF-8 text (byte 0xe9"),
        (b"[1, 2, 3]\n", "is JSON but not a record: a list"),
        (b'"a string"\n', "is JSON but not a record: a str"),
        (
            b'{"time": "t", "approach": 1, "label": "A", "preset": "smoke"}\n',
            "has no 'test_accuracy'",
        ),
        (
            b'{"time": "t", "approach": 1, "preset": "smoke", "test_accuracy": 0.5}\n',
            "has no 'label'",
        ),
        (b'{"label": "A", "test_accuracy": 0.5}\n', "has no 'time' or 'approach' or 'preset'"),
        (
            b'{"time": "t", "approach": 1, "label": "A", "preset": "smoke", "test_accuracy": "0.9"}\n',
            "has test_accuracy '0.9', which is not a number from 0 to 1",
        ),
        (
            b'{"time": "t", "approach": 1, "label": "A", "preset": "smoke", "test_accuracy": 87.5}\n',
            "has test_accuracy 87.5, which is not a number from 0 to 1",
        ),
        (
            b'{"time": "t", "approach": [1], "label": "A", "preset": "smoke", "test_accuracy": 0.5}\n',
            "has approach [1], which is neither a whole number",
        ),
    ],
)
def test_every_malformed_record_is_reported_by_line_with_the_fix(
    private_results_log, content, complaint
):
    good = (json.dumps(_tiny_record(0, 0)) + "\n").encode()
    private_results_log.write_bytes(good + content + good)
    with pytest.raises(ValueError) as caught:
        read_runs()
    message = str(caught.value)
    assert f"{private_results_log}, line 2 {complaint}" in message, message
    assert "Fix or delete that line; the other runs are intact." in message
    with pytest.raises(ValueError, match="line 2"):  # the comparison table says the same
        comparison_table()


def test_all_damaged_lines_are_listed_at_once(private_results_log):
    good = json.dumps(_tiny_record(0, 0))
    private_results_log.write_text("\n".join([good, "[]", good, "{oops", "42", good]) + "\n")
    with pytest.raises(
        ValueError, match="line 2 is JSON but not a record.*Lines 4 and 5 have problems too"
    ):
        read_runs()


def test_comparison_sits_beside_the_tutorials_numbers(smoke_data):
    append_run(_record(smoke_data, 3, 0.5))
    append_run(_record(smoke_data, 3, 0.8))
    table = comparison_table()
    assert list(table["test_accuracy_%"]) == [80.0, 50.0]  # newest first
    assert set(table["tutorial_accuracy_%"]) == {90.42}
    assert list(tutorial_table()["tutorial_accuracy_%"]) == [86.75, 87.77, 90.42, 83.63, 90.53]
    assert comparison_table(runs=[]).empty


def test_an_old_log_without_optional_fields_still_compares(private_results_log):
    private_results_log.write_text(
        json.dumps(
            {
                "time": "2025-06-01T10:00:00+00:00",
                "approach": 2,
                "label": "Approach 2",
                "preset": "smoke",
                "test_accuracy": 0.6,
            }
        )
        + "\n"
    )
    table = comparison_table()
    assert table.loc[0, "test_accuracy_%"] == 60.0 and table["train_size"].isna().all()
