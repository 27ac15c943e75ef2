"""Every figure the package draws: curves, confusion matrices, token lengths, the comparison.

Each function draws on a figure it is given, or makes one with pyplot (notebooks). The approach
panel passes a bare `matplotlib.figure.Figure`, because it draws from a background thread,
where pyplot is not safe. Each docstring names the notebook that introduces the plot. Sizes
are chosen for the panel's PNGs (90 dpi, about 800 pixels wide) and JupyterLab's inline plots.
"""

from __future__ import annotations

import textwrap

import numpy as np

from ..models.approaches import APPROACHES, MIN_USEFUL_TOKENS

TUTORIAL_SERIES = "tutorial (120,000 articles)"
#: Custom designs drawn in the comparison chart beyond the five approaches (newest first).
MAX_CUSTOM_BARS = 10
TOO_FEW_TOKENS = "(too few tokens)"


def _figure(figure, size):
    """`figure` (a bare Figure, from the panel) resized to `size` inches, else a pyplot figure."""
    if figure is None:
        import matplotlib.pyplot as plt

        return plt.figure(figsize=size)
    figure.set_size_inches(*size)
    return figure


def _wrapped(text: str, width: int) -> str:
    """A title or label broken into lines of at most `width` characters."""
    return "\n".join(textwrap.wrap(text, width)) or text


def _bar_label(label: str, width: int = 32) -> str:
    """'Approach 1:' or 'Custom:' on a line of its own, the design's name below it, broken at
    its commas where it can be, so that long custom names do not squeeze the chart."""
    prefix, _, name = label.partition(": ")
    if not name:
        return _wrapped(label, width)
    lines: list[str] = []
    for part in name.split(", "):
        if lines and len(lines[-1]) + len(part) + 2 <= width:
            lines[-1] += ", " + part
        else:
            if lines:
                lines[-1] += ","
            lines.extend(textwrap.wrap(part, width) or [part])
    return "\n".join([prefix + ":", *lines])


def plot_history(history, title: str | None = None, figure=None):
    """Loss and accuracy per epoch, training against validation (notebook 02_single_rnn_25_tokens)."""
    from matplotlib.ticker import MaxNLocator

    values = history.history if hasattr(history, "history") else history
    epochs = np.arange(1, len(values["loss"]) + 1)
    fig = _figure(figure, (9, 3.4))
    axes = fig.subplots(1, 2)
    for ax, metric in zip(axes, ("loss", "accuracy")):
        ax.plot(epochs, values[metric], "o-", label="training")
        if f"val_{metric}" in values:
            ax.plot(epochs, values[f"val_{metric}"], "s--", label="validation")
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=10, integer=True, min_n_ticks=1))
        ax.set_xlim(0.5, len(epochs) + 0.5)
        ax.grid(alpha=0.3)
    axes[1].legend(loc="best", fontsize=9)
    if title:
        fig.suptitle(_wrapped(title, 90), fontsize=11)
    fig.tight_layout()
    return fig


def plot_confusion_matrix(evaluation, title: str = "Confusion Matrix", figure=None):
    """The normalized confusion matrix: each row (true topic) sums to 1 (notebook 02).

    Drawn with scikit-learn's ConfusionMatrixDisplay, so the colour bar matches the matrix and
    the same function works with or without pyplot. (The tutorial drew it with scikit-plot's
    `plot_confusion_matrix`; scikit-plots keeps that call working, but it always goes through
    pyplot.)
    """
    from sklearn.metrics import ConfusionMatrixDisplay

    fig = _figure(figure, (5.0, 4.3))
    ax = fig.subplots()
    names = list(evaluation.class_names)
    display = ConfusionMatrixDisplay.from_predictions(
        evaluation.y_true,
        evaluation.y_pred,
        labels=list(range(len(names))),
        display_labels=names,
        normalize="true",
        cmap="Blues",
        values_format=".2f",
        ax=ax,
        colorbar=False,
    )
    fig.colorbar(display.im_, ax=ax, fraction=0.046, pad=0.04)
    ax.set_xlabel("predicted topic")
    ax.set_ylabel("true topic")
    ax.set_title(_wrapped(title, 48), fontsize=10)
    fig.tight_layout()
    return fig


def plot_token_lengths(lengths, cutoffs=(25, 50)):
    """Histogram of article lengths with the max-tokens cutoffs marked (notebook 01_prepare_data)."""
    lengths = np.asarray(lengths)
    fig = _figure(None, (8, 3.4))
    ax = fig.subplots()
    ax.hist(lengths, bins=np.arange(0, min(lengths.max(), 200) + 2) - 0.5, color="0.7")
    for cutoff, colour in zip(cutoffs, ("tab:orange", "tab:blue", "tab:green", "tab:red")):
        whole = 100 * np.mean(lengths <= cutoff)
        ax.axvline(
            cutoff + 0.5,
            color=colour,
            linewidth=2,
            label=f"max tokens {cutoff}: {whole:.0f}% of articles fit whole",
        )
    ax.set_xlabel("tokens per article (title + description)")
    ax.set_ylabel("articles")
    ax.legend(loc="upper right", framealpha=0.95, fontsize=9)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def _too_few_tokens_labels(table) -> set[str]:
    """Labels of designs too short to learn anything (`comparison_table`'s flag)."""
    if "too_few_tokens" not in table.columns:
        return set()
    return set(table.loc[table["too_few_tokens"].fillna(False).astype(bool), "label"])


def _chart_series(table) -> tuple[list[str], dict[str, dict[str, float]]]:
    """The chart's rows (five approaches, then custom designs) and its series (tutorial, presets)."""
    from ..settings import PRESETS

    latest = table.drop_duplicates(subset=["label", "preset"])  # newest first already
    labels = [a.label for a in APPROACHES]
    custom = [label for label in dict.fromkeys(latest["label"]) if label not in labels]
    labels += custom[:MAX_CUSTOM_BARS]
    series = {TUTORIAL_SERIES: {a.label: a.tutorial_accuracy for a in APPROACHES}}
    presets = list(PRESETS) + sorted(set(latest["preset"]) - set(PRESETS))
    for preset in [p for p in presets if p in set(latest["preset"])]:
        rows = latest[latest["preset"] == preset]
        series[f"your runs: {preset}"] = dict(zip(rows["label"], rows["test_accuracy_%"]))
    return labels, series


def comparison_figure(table, figure=None):
    """Bars: the tutorial's accuracy for approaches 1-5 beside the latest run per preset.

    Introduced in notebook 07_results_and_next_steps. Custom designs (no published figure) get
    their own rows below the five approaches; a design that reads fewer than
    MIN_USEFUL_TOKENS tokens is hatched and labelled as such.
    """
    from matplotlib.patches import Patch

    labels, series = _chart_series(table)
    too_few_tokens = _too_few_tokens_labels(table)
    names = [
        _bar_label(label) + (f"\n{TOO_FEW_TOKENS}" if label in too_few_tokens else "")
        for label in labels
    ]
    lines = max(name.count("\n") + 1 for name in names)
    row_inches = max(0.2 + 0.2 * len(series), 0.15 * lines + 0.2)
    fig = _figure(figure, (9, 1.3 + row_inches * len(labels)))
    ax = fig.subplots()
    height = min(0.8 / len(series), 0.5)
    colours = {
        name: ("0.6" if name == TUTORIAL_SERIES else f"C{i - 1}") for i, name in enumerate(series)
    }
    for row, label in enumerate(labels):
        present = [
            name
            for name, values in series.items()
            if values.get(label) is not None and values[label] == values[label]
        ]
        for slot, name in enumerate(present):  # centred on the row's label, whatever is missing
            value = series[name][label]
            hatched = label in too_few_tokens and name != TUTORIAL_SERIES
            bars = ax.barh(
                row + (slot - (len(present) - 1) / 2) * height,
                value,
                height=height,
                color="white" if hatched else colours[name],
                edgecolor=colours[name],
                hatch="///" if hatched else None,
            )
            ax.bar_label(bars, labels=[f"{value:.1f}"], padding=2, fontsize=8)
    ax.set_yticks(np.arange(len(labels)), names, fontsize=9)
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.axvline(25, color="0.3", linestyle=":", linewidth=1)  # guessing among four topics
    ax.set_xlim(0, 105)
    ax.set_xlabel("test accuracy (%); dotted line: chance, 25 %")
    handles = [Patch(color=colours[name], label=name) for name in series]
    if too_few_tokens & set(labels):
        handles.append(
            Patch(
                facecolor="white",
                edgecolor="0.3",
                hatch="///",
                label=f"reads under {MIN_USEFUL_TOKENS} tokens: cannot learn much",
            )
        )
    ax.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(0, 1.0),
        fontsize=9,
        ncols=len(handles) if len(handles) <= 3 else 2,
        frameon=False,
    )
    fig.tight_layout()
    return fig
