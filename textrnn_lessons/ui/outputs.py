"""Figures and HTML as Output-widget outputs, without pyplot: safe from the training thread."""

from __future__ import annotations

import base64
import io


def png_output(figure, alt: str) -> dict:
    """A display_data output holding the figure as a PNG."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    return {
        "output_type": "display_data",
        "metadata": {},
        "data": {
            "image/png": base64.b64encode(buffer.getvalue()).decode("ascii"),
            "text/plain": alt,
        },
    }


def html_output(markup: str, text: str) -> dict:
    """A display_data output holding HTML (with a plain-text fallback)."""
    return {
        "output_type": "display_data",
        "metadata": {},
        "data": {"text/html": markup, "text/plain": text},
    }


def new_figure():
    """A bare matplotlib Figure (no pyplot): a plot function sizes it."""
    from matplotlib.figure import Figure

    return Figure()
