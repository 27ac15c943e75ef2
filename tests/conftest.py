"""Shared fixtures: the offline AG News files in ../shared and a private results log per test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("TEXTRNN_LESSONS_SHARED", REPO.parent / "shared"))
MINI = SHARED / "ag_news" / "mini"
CANONICAL_TEST = SHARED / "ag_news" / "test.csv"


@pytest.fixture(autouse=True)
def private_results_log(tmp_path, monkeypatch):
    """Every test writes its runs to its own log, never the user's."""
    path = tmp_path / "results.jsonl"
    monkeypatch.setenv("TEXTRNN_LESSONS_RESULTS", str(path))
    return path


@pytest.fixture
def mini_dir(monkeypatch):
    """The 6,000/1,600 offline split, selected through $TEXTRNN_LESSONS_DATA."""
    if not (MINI / "train.csv").is_file():
        pytest.fail(
            f"The offline AG News split is missing from {MINI}; see 'Run the tests' in README.md."
        )
    monkeypatch.setenv("TEXTRNN_LESSONS_DATA", str(MINI))
    return MINI


@pytest.fixture(scope="session")
def smoke_data():
    """The smoke preset on the mini split, loaded once per test session."""
    from textrnn_lessons.data.reading import load_ag_news

    return load_ag_news("smoke", MINI)


@pytest.fixture(scope="session")
def trained_smoke(smoke_data):
    """Approach 1 trained for one epoch on the smoke data (shared by tests that only read it)."""
    from textrnn_lessons.models.approaches import get_approach
    from textrnn_lessons.training.trainer import run_approach

    return run_approach(get_approach(1), smoke_data, log=False)
