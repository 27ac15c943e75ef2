"""Tables as a learner should see them: friendly headers, formatted numbers, no NaN.

Every table the lessons and widgets show goes through `styled_table`: numbers get thousands
separators and a sensible number of decimals, a missing value shows as a dash, the grid is
light, and the row numbers pandas adds are hidden unless the index means something.
`show_runs` and `show_tutorial` do the same for the results log's tables (notebook 07 and the
comparison view), whose column names are made for code.
"""

from __future__ import annotations

from datetime import datetime

MISSING = "–"
#: Light rules between rows, none between columns; numbers in columns of equal-width digits.
#: The selectors are scoped to the table's own id by pandas, so they beat a page's own styles.
TABLE_STYLES = [
    {
        "selector": "",
        "props": "border-collapse: collapse; border: none; line-height: 1.35; "
        "font-variant-numeric: tabular-nums; margin: 0.2em 0;",
    },
    {
        "selector": "th",
        "props": "text-align: left; font-weight: 600; padding: 0.3em 0.8em; "
        "border: none; border-bottom: 1px solid #9e9e9e;",
    },
    {
        "selector": "td",
        "props": "padding: 0.25em 0.8em; border: none; border-bottom: 1px solid #e4e4e4;",
    },
]
#: The results log's columns as a learner reads them, in the order shown.
RUN_HEADERS = {
    "label": "approach or design",
    "preset": "preset",
    "train_size": "training articles",
    "test_size": "test articles",
    "epochs": "epochs",
    "test_accuracy_%": "accuracy %",
    "tutorial_accuracy_%": "tutorial %",
    "train_seconds": "seconds",
    "time": "finished",
}
TUTORIAL_HEADERS = {
    "label": "approach",
    "max_tokens": "max tokens",
    "embed_len": "embedding length",
    "units": "RNN units",
    "tutorial_accuracy_%": "tutorial's accuracy %",
}
TOO_FEW_TOKENS = " (too few tokens to learn)"


def styled_table(
    frame,
    decimals: dict[str, int] | None = None,
    index: bool = False,
    left: tuple[str, ...] = (),
    signed: tuple[str, ...] = (),
):
    """A pandas Styler of `frame` for display.

    `decimals` maps a column to its number of decimals (other number columns: whole numbers
    with thousands separators, or 1 decimal when they hold fractions). `index=True` keeps the
    index (when it names something, like a topic) as the first, left-aligned column. Columns
    in `left` are left-aligned text; columns in `signed` (differences) show a + or - sign;
    every missing value shows as a dash.
    """
    import pandas as pd

    if index:
        name = frame.index.name or ""
        frame = frame.reset_index(names=name)
        left = (name, *left)
    decimals = decimals or {}
    formats = {}
    for column in frame.columns:
        values = frame[column]
        if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            continue
        places = decimals.get(column)
        if places is None:
            whole = values.dropna().apply(lambda v: float(v).is_integer()).all()
            places = 0 if whole else 1
        formats[column] = f"{{:{'+' if column in signed else ''},.{places}f}}"
    others = [column for column in frame.columns if column not in formats]
    styler = frame.style.format(formats, na_rep=MISSING)
    if others:
        styler = styler.format(na_rep=MISSING, subset=others)
    styler = styler.set_properties(**{"text-align": "right", "white-space": "nowrap"})
    shown_left = [c for c in left if c in frame.columns]
    if shown_left:
        styler = styler.set_properties(
            subset=shown_left, **{"text-align": "left", "white-space": "normal"}
        )
    right = {
        column: [{"selector": "th", "props": "text-align: right;"}]
        for column in frame.columns
        if column not in shown_left
    }
    return (
        styler.set_table_styles(TABLE_STYLES)
        .set_table_styles(right, overwrite=False)
        .hide(axis="index")
    )


def short_time(stamp) -> str:
    """'2026-12-03 09:41' in this computer's time zone, from a log's ISO time (a dash if none)."""
    if not isinstance(stamp, str):
        return MISSING
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%Y-%m-%d %H:%M")


def show_runs(table):
    """`runs.comparison_table()` for the screen: styled_table headers, short times, a dash where
    the tutorial has no figure, designs with too few tokens said to be so (notebook 07)."""
    shown = table.copy()
    if "too_few_tokens" in shown.columns:
        flagged = shown["too_few_tokens"].fillna(False).astype(bool)
        shown.loc[flagged, "label"] = shown.loc[flagged, "label"] + TOO_FEW_TOKENS
    shown["time"] = shown["time"].map(short_time)
    shown = shown[list(RUN_HEADERS)].rename(columns=RUN_HEADERS)
    return styled_table(
        shown,
        decimals={"accuracy %": 2, "tutorial %": 2, "seconds": 1},
        left=("approach or design", "preset"),
    )


def show_tutorial(table):
    """`runs.tutorial_table()` for the screen (notebook 07 and the comparison view)."""
    shown = table[list(TUTORIAL_HEADERS)].rename(columns=TUTORIAL_HEADERS)
    return styled_table(
        shown, decimals={"tutorial's accuracy %": 2}, left=("approach", "RNN units")
    )


def plain_text(frame, decimals: dict[str, int] | None = None) -> str:
    """The same table as aligned plain text (for the CLI, reports and nbval-checked cells)."""
    shown = frame.copy()
    for column in shown.columns:
        places = (decimals or {}).get(column)
        if places is not None:
            shown[column] = shown[column].map(
                lambda v, places=places: MISSING if v is None or v != v else f"{v:,.{places}f}"
            )
    return shown.fillna(MISSING).to_string(index=False)
