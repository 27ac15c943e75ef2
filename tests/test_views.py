"""Plots and tables as a learner sees them: nothing cut, crushed, misplaced, raw or NaN.

The browser tests (tests/e2e) photograph these views; these tests check, without a browser,
what can be measured on the figures and the HTML themselves.
"""

from __future__ import annotations

import re

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

from textrnn_lessons.evaluation.metrics import Evaluation
from textrnn_lessons.evaluation.plots import comparison_figure, plot_confusion_matrix
from textrnn_lessons.models.approaches import get_approach
from textrnn_lessons.results.records import comparison_table, tutorial_table
from textrnn_lessons.results.tables import show_runs, show_tutorial, styled_table
from textrnn_lessons.ui.outputs import new_figure

LONG_CUSTOM = "Custom: 3 bidirectional LSTM layers (120, 120, 120), 300 tokens, embedding 256"


def record(label, preset, accuracy, time, approach=None, **extra):
    return {
        "time": time,
        "approach": approach,
        "label": label,
        "preset": preset,
        "test_accuracy": accuracy,
        "train_size": 720,
        "test_size": 400,
        "epochs": 1,
        "train_seconds": 2.5,
        **extra,
    }


@pytest.fixture
def runs():
    first = get_approach(1)
    return [
        record(first.label, "smoke", 0.31, "2026-12-03T09:00:00+00:00", approach=1, max_tokens=25),
        record(
            first.label,
            "workshop",
            0.62,
            "2026-12-03T09:10:00+00:00",
            approach=1,
            max_tokens=25,
            too_few_tokens=False,
        ),
        record(
            LONG_CUSTOM,
            "smoke",
            0.55,
            "2026-12-03T09:20:00+00:00",
            max_tokens=300,
            too_few_tokens=False,
        ),
        record(
            "Custom: 1 SimpleRNN layer (50), 1 tokens, embedding 30",
            "smoke",
            0.27,
            "2026-12-03T09:30:00+00:00",
            max_tokens=1,
            too_few_tokens=True,
        ),
        record(
            "Custom: old log, 2 tokens", "smoke", 0.26, "2026-12-03T09:40:00+00:00", max_tokens=2
        ),  # written before records carried the flag
    ]


def test_comparison_table_flags_designs_with_too_few_tokens(runs):
    table = comparison_table(runs=runs)
    flagged = dict(zip(table["label"], table["too_few_tokens"]))
    assert flagged["Custom: 1 SimpleRNN layer (50), 1 tokens, embedding 30"] is True
    assert flagged["Custom: old log, 2 tokens"] is True
    assert flagged[LONG_CUSTOM] is False and flagged[get_approach(1).label] is False


def _bars_by_row(ax):
    """{row: [(bar centre, hatch)]} for the bars the chart drew."""
    rows = {}
    for bar in ax.patches:
        centre = bar.get_y() + bar.get_height() / 2
        rows.setdefault(round(centre), []).append((centre, bar.get_hatch()))
    return rows


def test_custom_bars_sit_on_their_labels_and_short_designs_are_hatched(runs):
    figure = comparison_figure(comparison_table(runs=runs), figure=new_figure())
    ax = figure.axes[0]
    labels = [tick.get_text() for tick in ax.get_yticklabels()]
    rows = _bars_by_row(ax)
    for row in (5, 6, 7):  # the custom designs: one bar each, centred on the label
        ((centre, _),) = rows[row]
        assert centre == pytest.approx(row)
    hatched = {row for row, bars in rows.items() if any(hatch for _, hatch in bars)}
    marked = {row for row, label in enumerate(labels) if "(too few tokens)" in label}
    assert hatched == marked == {5, 6}  # newest first: the two short designs


def test_long_custom_labels_leave_the_bars_most_of_the_width(runs):
    figure = comparison_figure(comparison_table(runs=runs), figure=new_figure())
    ax = figure.axes[0]
    assert ax.get_position().width > 0.6
    assert all(
        len(line) <= 40 for tick in ax.get_yticklabels() for line in tick.get_text().splitlines()
    )
    assert min(text.get_fontsize() for text in ax.get_legend().get_texts()) >= 9


def test_the_confusion_matrix_colour_bar_matches_the_matrix_and_the_title_fits():
    rng = np.random.default_rng(0)
    truth = rng.integers(0, 4, 400)
    evaluation = Evaluation(
        0.5, "", None, truth, rng.integers(0, 4, 400), ("World", "Sports", "Business", "Sci/Tech")
    )
    figure = plot_confusion_matrix(evaluation, title=LONG_CUSTOM, figure=new_figure())
    matrix, colour_bar = figure.axes
    assert colour_bar.get_position().height == pytest.approx(matrix.get_position().height, rel=0.02)
    assert all(label.get_rotation() == 0 for label in matrix.get_xticklabels())
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(figure).get_renderer()
    title = matrix.title.get_window_extent(renderer)
    assert not title.overlaps(colour_bar.get_window_extent(renderer))
    assert title.x1 <= figure.bbox.x1 and title.x0 >= 0


def cells(html: str) -> list[str]:
    return [cell.strip() for cell in re.findall(r"<t[dh][^>]*>([^<]*)</t[dh]>", html)]


def test_the_runs_table_reads_as_a_learner_expects(runs):
    html = show_runs(comparison_table(runs=runs)).to_html()
    shown = cells(html)
    assert "approach or design" in shown and "accuracy %" in shown
    assert not {"train_size", "test_accuracy_%", "tutorial_accuracy_%", "time"} & set(shown)
    assert not any(re.fullmatch(r"nan|NaN|None", cell) for cell in shown)
    assert "–" in shown  # the tutorial has no figure for a custom design
    assert any(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", cell) for cell in shown)
    assert not any("T09:" in cell for cell in shown)
    assert any(cell.endswith("(too few tokens to learn)") for cell in shown)
    assert "row_heading" not in html  # no 0, 1, 2 ... column
    assert "border-bottom: 1px solid #e4e4e4" in html


def test_the_tutorial_table_has_friendly_headers():
    shown = cells(show_tutorial(tutorial_table()).to_html())
    assert "tutorial's accuracy %" in shown and "50, 60, 75" in shown and "86.75" in shown


def test_friendly_turns_missing_values_into_dashes_in_every_column():
    frame = pd.DataFrame(
        {"name": ["a", None], "change": [1.5, None], "count": [1245570, 3]},
        index=pd.Index(["x", "y"], name="word"),
    )
    shown = cells(styled_table(frame, index=True, signed=("change",)).to_html())
    assert shown == [
        "word",
        "name",
        "change",
        "count",
        "x",
        "a",
        "+1.5",
        "1,245,570",
        "y",
        "–",
        "–",
        "3",
    ]
