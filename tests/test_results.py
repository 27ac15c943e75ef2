"""The results log: atomic appends, readable errors, and the table beside the tutorial's."""
from __future__ import annotations

import json
import os

import pytest

from textrnn_lessons.results import (append_run, comparison_table, latest_per_approach, make_record,
                                     read_runs, tutorial_table)


def _record(smoke_data, number=1, accuracy=0.5):
    from textrnn_lessons.models import get_approach

    return make_record(get_approach(number), smoke_data, epochs=1, test_accuracy=accuracy,
                       train_seconds=1.25)


def test_each_run_appends_one_complete_record(private_results_log, smoke_data):
    append_run(_record(smoke_data, 1, 0.61))
    append_run(_record(smoke_data, 5, 0.72))
    lines = private_results_log.read_text().splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert first["preset"] == "smoke" and first["train_size"] == len(smoke_data.train)
    assert first["versions"]["tensorflow"] != "not installed"
    assert [r["approach"] for r in read_runs()] == [1, 5]


def test_a_failed_write_leaves_the_old_log_untouched(private_results_log, smoke_data, monkeypatch):
    append_run(_record(smoke_data))
    before = private_results_log.read_bytes()

    def crash(*_):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        append_run(_record(smoke_data, 2))
    assert private_results_log.read_bytes() == before
    assert list(private_results_log.parent.glob("*.tmp")) == []


def test_a_damaged_line_is_reported_with_its_number(private_results_log, smoke_data):
    append_run(_record(smoke_data))
    with open(private_results_log, "a") as handle:
        handle.write('{"approach": 2, "trunc')
    with pytest.raises(ValueError, match="line 2 is not a JSON record"):
        read_runs()


def test_comparison_sits_beside_the_tutorials_numbers(smoke_data):
    append_run(_record(smoke_data, 3, 0.5))
    append_run(_record(smoke_data, 3, 0.8))
    table = comparison_table()
    assert list(table["test_accuracy_%"]) == [80.0, 50.0]  # newest first
    assert set(table["tutorial_accuracy_%"]) == {90.42}
    latest = latest_per_approach(table, "smoke")
    assert len(latest) == 1 and latest.iloc[0]["test_accuracy_%"] == 80.0
    assert list(tutorial_table()["tutorial_accuracy_%"]) == [86.75, 87.77, 90.42, 83.63, 90.53]
    assert comparison_table(runs=[]).empty
