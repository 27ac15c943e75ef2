"""Every figure the package draws: curves, confusion matrices, token lengths, the comparison.

Each function draws on a figure it is given, or makes one with pyplot (notebooks). The approach
panel passes a bare `matplotlib.figure.Figure`, because it draws from a background thread,
where pyplot is not safe. Each docstring names the notebook that introduces the plot.
"""
from __future__ import annotations

import numpy as np

from .models import APPROACHES


def _figure(figure, size):
    """`figure` (a bare Figure, from the panel) resized to `size` inches, else a pyplot figure."""
    if figure is None:
        import matplotlib.pyplot as plt

        return plt.figure(figsize=size)
    figure.set_size_inches(*size)
    return figure


def plot_history(history, title: str | None = None, figure=None):
    """Loss and accuracy per epoch, training against validation (notebook 02_single_rnn_25_tokens)."""
    values = history.history if hasattr(history, "history") else history
    epochs = np.arange(1, len(values["loss"]) + 1)
    fig = _figure(figure, (9, 3.2))
    axes = fig.subplots(1, 2)
    for ax, metric in zip(axes, ("loss", "accuracy")):
        ax.plot(epochs, values[metric], "o-", label="training")
        if f"val_{metric}" in values:
            ax.plot(epochs, values[f"val_{metric}"], "s--", label="validation")
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.set_xticks(epochs)
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
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

    fig = _figure(figure, (5.4, 4.6))
    ax = fig.subplots()
    names = list(evaluation.class_names)
    display = ConfusionMatrixDisplay.from_predictions(
        evaluation.y_true, evaluation.y_pred, labels=list(range(len(names))),
        display_labels=names, normalize="true", cmap="Blues", values_format=".2f", ax=ax,
        colorbar=False)
    fig.colorbar(display.im_, ax=ax, fraction=0.046, pad=0.04)
    ax.set_title(title, fontsize=10)
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
        ax.axvline(cutoff + 0.5, color=colour, linewidth=2,
                   label=f"max tokens {cutoff}: {whole:.0f}% of articles fit whole")
    ax.set_xlabel("tokens per article (title + description)")
    ax.set_ylabel("articles")
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def comparison_figure(table, figure=None):
    """Bars: the tutorial's accuracy for approaches 1-5 beside the latest run per preset.

    Introduced in notebook 07_results_and_next_steps. Custom designs (no published figure) get
    their own rows below the five approaches.
    """
    from .config import PRESETS

    latest = table.drop_duplicates(subset=["label", "preset"])  # newest first already
    labels = [a.label for a in APPROACHES]
    labels += [label for label in dict.fromkeys(latest["label"]) if label not in labels][:10]
    series = {"tutorial (120,000 articles)": {a.label: a.tutorial_accuracy for a in APPROACHES}}
    for preset in [p for p in PRESETS if p in set(latest["preset"])]:
        rows = latest[latest["preset"] == preset]
        series[f"your runs: {preset}"] = dict(zip(rows["label"], rows["test_accuracy_%"]))
    fig = _figure(figure, (9, 1.2 + 0.55 * len(labels)))
    ax = fig.subplots()
    height = 0.8 / len(series)
    y = np.arange(len(labels))
    for i, (name, values) in enumerate(series.items()):
        widths = [values.get(label, np.nan) for label in labels]
        bars = ax.barh(y + i * height, widths, height=height, label=name,
                       color="0.6" if i == 0 else None)
        ax.bar_label(bars, labels=["" if np.isnan(v) else f"{v:.1f}" for v in widths],
                     padding=2, fontsize=8)
    ax.set_yticks(y + height * (len(series) - 1) / 2, labels)
    ax.invert_yaxis()
    ax.axvline(25, color="0.3", linestyle=":", linewidth=1)  # guessing among four topics
    ax.set_xlim(0, 105)
    ax.set_xlabel("test accuracy (%); dotted line: chance, 25 %")
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=len(series), fontsize=8,
              frameon=False)
    fig.tight_layout()
    return fig
