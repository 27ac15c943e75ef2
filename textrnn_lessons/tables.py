"""Tables as a learner should see them: friendly headers, formatted numbers, no NaN.

Every table the lessons and widgets show goes through `friendly`: numbers get thousands
separators and a sensible number of decimals, a missing value shows as a dash, and the row
numbers pandas adds are hidden unless the index means something.
"""
from __future__ import annotations

MISSING = "–"


def friendly(frame, decimals: dict[str, int] | None = None, index: bool = False,
             left: tuple[str, ...] = ()):
    """A pandas Styler of `frame` for display.

    `decimals` maps a column to its number of decimals (other number columns: whole numbers
    with thousands separators, or 1 decimal when they hold fractions). `index=True` keeps the
    index (when it names something, like a topic). Columns in `left` are left-aligned text.
    """
    import pandas as pd

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
        formats[column] = f"{{:,.{places}f}}"
    styler = frame.style.format(formats, na_rep=MISSING)
    styler = styler.set_properties(**{"text-align": "right"})
    if left:
        styler = styler.set_properties(subset=[c for c in left if c in frame.columns],
                                       **{"text-align": "left"})
    styler = styler.set_table_styles([{"selector": "th", "props": "text-align: left;"}])
    return styler if index else styler.hide(axis="index")


def plain_text(frame, decimals: dict[str, int] | None = None) -> str:
    """The same table as aligned plain text (for the CLI, reports and nbval-checked cells)."""
    shown = frame.copy()
    for column in shown.columns:
        places = (decimals or {}).get(column)
        if places is not None:
            shown[column] = shown[column].map(
                lambda v: MISSING if v is None or v != v else f"{v:,.{places}f}")
    return shown.fillna(MISSING).to_string(index=False)
