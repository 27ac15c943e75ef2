"""Draw the lessons' diagrams into notebooks/figures/ as SVG: `python tools/draw_figures.py`.

Each figure is drawn where its idea is taught: the embedding lookup (01, 02), a SimpleRNN
unrolled over the tokens (02), a bidirectional layer (04), stacked layers with
`return_sequences` (05) and the stacked bidirectional network (06). The output is
deterministic (fixed hash salt, no date), so re-running the script after an edit changes only
the figures that changed. Text is drawn as paths, so a figure looks the same in every browser.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

FIGURES = Path(__file__).resolve().parents[1] / "notebooks" / "figures"
OUT = FIGURES  # where `save` writes: --out changes it (the test draws into a scratch folder)

# One colour per kind of thing, the same in every figure.
TOKEN = "#eeeeee"
PAD = "#ffffff"
VECTOR = "#c6dbef"
CELL = "#fdd0a2"
BACKWARD = "#d9f0d3"
STATE = "#9ecae1"
DENSE = "#dadaeb"
INK = "#333333"
ACCENT = "#d94801"

#: The toy vocabulary of lesson 01 (index 0 is padding, 1 is [UNK]).
TOY = ["(padding)", "[UNK]", "the", "market", "stocks", "rally", "as", "will", "team", "wins"]
SENTENCE = [("Stocks", 4), ("rally", 5), ("as", 6), ("the", 2), ("market", 3), ("cheers", 1)]


def canvas(width: float, height: float):
    """A figure whose data units are inches, with no axes: everything is placed by hand."""
    fig = plt.figure(figsize=(width, height))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.axis("off")
    return fig, ax


def box(ax, x, y, w, h, text="", colour=TOKEN, size=10, weight="normal", edge=INK, style="-"):
    """A rounded box centred on (x, y), with centred text."""
    ax.add_patch(
        FancyBboxPatch(
            (x - w / 2, y - h / 2),
            w,
            h,
            boxstyle="round,pad=0.02,rounding_size=0.06",
            facecolor=colour,
            edgecolor=edge,
            linewidth=1.0,
            linestyle=style,
        )
    )
    if text:
        ax.text(x, y, text, ha="center", va="center", fontsize=size, color=INK, weight=weight)


def arrow(ax, start, end, colour=INK, width=1.2, style="-|>", bend=0.0):
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle=style,
            mutation_scale=11,
            color=colour,
            linewidth=width,
            shrinkA=2,
            shrinkB=2,
            connectionstyle=f"arc3,rad={bend}",
        )
    )


def vector(ax, x, y, values, cell=0.16, cmap="Blues", vertical=False):
    """A short vector of numbers drawn as a strip of shaded squares, centred on (x, y)."""
    colours = plt.get_cmap(cmap)(0.15 + 0.7 * np.asarray(values))
    n = len(values)
    for i, colour in enumerate(colours):
        if vertical:
            xy = (x - cell / 2, y + (n / 2 - i - 1) * cell)
        else:
            xy = (x + (i - n / 2) * cell, y - cell / 2)
        ax.add_patch(Rectangle(xy, cell, cell, facecolor=colour, edgecolor="white", linewidth=0.6))


def text(ax, x, y, words, size=9.5, colour=INK, **options):
    ax.text(x, y, words, fontsize=size, color=colour, **options)


def save(fig, name: str) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.svg"
    fig.savefig(path, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    return path


# --------------------------------------------------------------------------- the figures


def embedding_lookup() -> Path:
    """Token indexes pick rows of the embedding table; the rows, stacked, are the article."""
    rng = np.random.default_rng(3)
    table = rng.random((len(TOY), 6))
    fig, ax = canvas(9.9, 4.6)
    text(ax, 0.25, 4.3, "tokens and their indexes", size=10.5, weight="bold")
    text(ax, 3.4, 4.3, "the embedding table", size=10.5, weight="bold")
    text(ax, 7.2, 4.3, "what the next layer reads", size=10.5, weight="bold")
    rows = {}
    for index, word in enumerate(TOY):  # the table, top to bottom
        y = 3.85 - index * 0.34
        rows[index] = y
        text(ax, 3.55, y, f"{index}", size=9, ha="right", va="center")
        text(ax, 3.65, y, word, size=9, va="center", colour="#777777" if index < 2 else INK)
        vector(ax, 5.55, y, table[index], cell=0.22)
    text(
        ax,
        0.25,
        0.35,
        "“cheers” is not in this vocabulary,\nso it becomes 1, [UNK]",
        size=9,
        colour=ACCENT,
        va="center",
    )
    text(
        ax,
        4.9,
        0.25,
        "…and one row for every other word:\nvocabulary size × 30 numbers, learned in training",
        size=9,
        ha="center",
        va="center",
        colour="#555555",
    )
    for position, (word, index) in enumerate(SENTENCE + [("", 0), ("", 0)]):
        y = 3.85 - position * 0.42
        label = word if word else "(pad)"
        box(ax, 0.75, y, 0.95, 0.32, label, PAD if not word else TOKEN, size=9.5)
        box(ax, 1.6, y, 0.42, 0.32, str(index), TOKEN, size=9.5, weight="bold")
        arrow(
            ax,
            (1.83, y),
            (3.35, rows[index]),
            colour=ACCENT if index == 1 else "#6a6a6a",
            width=0.9,
        )
        vector(ax, 7.95, y, table[index], cell=0.22)
        text(
            ax,
            8.75,
            y,
            f"step {position + 1}: row {index}",
            size=8.5,
            va="center",
            colour="#555555",
        )
    text(
        ax,
        7.95,
        0.4,
        "one vector per token: 8 tokens × 30 numbers\n(6 of the 30 drawn)",
        size=9,
        ha="center",
        va="center",
        colour="#555555",
    )
    arrow(ax, (6.35, 2.4), (7.2, 2.4), width=1.6)
    text(ax, 6.78, 2.55, "copy the\nrow", size=8.5, ha="center")
    return save(fig, "embedding_lookup")


def _unrolled_row(ax, xs, y, colour, label, backward=False, states=True):
    """One recurrent layer drawn as its steps, with the state passed along the row."""
    for x in xs:
        box(ax, x, y, 0.78, 0.5, label, colour, size=9)
    order = list(reversed(xs)) if backward else xs
    for a, b in zip(order, order[1:]):
        step = 1 if b > a else -1
        arrow(ax, (a + step * 0.4, y), (b - step * 0.4, y), colour=INK, width=1.4)
    return order


def simple_rnn_unrolled() -> Path:
    words = ["Stocks", "rally", "as", "the", "market", "(pad)", "(pad)"]
    rng = np.random.default_rng(5)
    fig, ax = canvas(10.6, 4.7)
    xs = [1.2 + i * 1.22 for i in range(len(words))]
    for x, word in zip(xs, words):
        box(ax, x, 0.45, 0.9, 0.34, word, PAD if word == "(pad)" else TOKEN, size=9.5)
        vector(ax, x, 1.15, rng.random(5), cell=0.15)
        arrow(ax, (x, 0.63), (x, 1.05), width=0.9)
        arrow(ax, (x, 1.25), (x, 1.78), width=1.1)
    text(ax, 0.12, 1.15, "word\nvector", size=8.5, va="center", colour="#555555")
    _unrolled_row(ax, xs, 2.05, CELL, "W, U, b")
    box(ax, 0.25, 2.05, 0.32, 0.4, "0", STATE, size=9)
    arrow(ax, (0.42, 2.05), (xs[0] - 0.4, 2.05), width=1.4)
    text(ax, 0.05, 2.5, "start\nstate", size=8.5, colour="#555555")
    for a, b in zip(xs, xs[1:]):
        text(ax, (a + b) / 2, 2.22, "state", size=7.5, ha="center", colour="#555555")
    # the same weights at every step
    ax.annotate(
        "",
        xy=(xs[0] - 0.4, 2.45),
        xytext=(xs[-1] + 0.4, 2.45),
        arrowprops=dict(arrowstyle="-", color=ACCENT, linewidth=1.2),
    )
    text(
        ax,
        (xs[0] + xs[-1]) / 2,
        2.55,
        "one SimpleRNN layer: the same weights W, U and b at every step",
        size=9.5,
        ha="center",
        colour=ACCENT,
    )
    text(
        ax,
        (xs[0] + xs[-1]) / 2,
        2.95,
        "state after each step = tanh(word vector · W + previous state · U + b)",
        size=10,
        ha="center",
    )
    last = xs[-1]
    vector(ax, last + 0.95, 2.05, rng.random(5), cell=0.15, vertical=True)
    arrow(ax, (last + 0.4, 2.05), (last + 0.82, 2.05), width=1.4)
    text(ax, last + 0.95, 2.62, "final state\n(50 numbers)", size=8.5, ha="center")
    box(ax, last + 0.95, 3.7, 1.5, 0.45, "Dense + softmax", DENSE, size=9)
    arrow(ax, (last + 0.95, 2.95), (last + 0.95, 3.45), width=1.2)
    text(ax, last + 0.95, 4.2, "4 topic probabilities", size=9, ha="center")
    text(
        ax,
        xs[5] - 0.2,
        0.02,
        "padding is read like any other token: a short article ends on zeros",
        size=8.5,
        ha="center",
        colour="#555555",
    )
    text(
        ax,
        0.1,
        4.35,
        "A SimpleRNN unrolled over an article: one step per token, left to right",
        size=11,
        weight="bold",
    )
    return save(fig, "simple_rnn_unrolled")


def bidirectional() -> Path:
    words = ["Stocks", "rally", "as", "the", "(pad)", "(pad)"]
    fig, ax = canvas(10.2, 5.0)
    xs = [1.35 + i * 1.3 for i in range(len(words))]
    for x, word in zip(xs, words):
        box(ax, x, 0.4, 0.9, 0.34, word, PAD if word == "(pad)" else TOKEN, size=9.5)
        arrow(ax, (x + 0.15, 0.58), (x + 0.15, 1.35), width=0.9)
        # the same word vector goes to the backward reader, beside the forward box
        ax.plot(
            [x - 0.15, x - 0.15, x - 0.55, x - 0.55],
            [0.58, 1.0, 1.1, 2.3],
            color="#888888",
            linewidth=0.9,
        )
        arrow(ax, (x - 0.55, 2.3), (x - 0.2, 2.55), width=0.9, colour="#888888")
    _unrolled_row(ax, xs, 1.6, CELL, "forward")
    _unrolled_row(ax, xs, 2.8, BACKWARD, "backward", backward=True)
    text(ax, 0.12, 1.6, "reads\n→", size=9, va="center")
    text(ax, 0.12, 2.8, "reads\n←", size=9, va="center")
    text(ax, xs[-1] + 0.55, 1.22, "ends on padding", size=8.5, colour=ACCENT)
    text(ax, 0.1, 3.3, "ends on the first word", size=8.5, colour=ACCENT)
    # the two final states, joined
    cx = xs[-1] + 1.5
    arrow(ax, (xs[-1] + 0.4, 1.6), (cx - 0.2, 2.85), width=1.4, bend=0.2)
    arrow(ax, (xs[0], 3.05), (cx - 0.2, 3.45), width=1.4, bend=-0.25)
    vector(ax, cx, 3.45, [0.3, 0.7, 0.5, 0.9], cell=0.15, vertical=True, cmap="Greens")
    vector(ax, cx, 2.85, [0.6, 0.2, 0.8, 0.4], cell=0.15, vertical=True, cmap="Oranges")
    text(ax, cx + 0.18, 3.15, "joined:\n50 + 50\n= 100\nnumbers", size=8.5, va="center")
    box(ax, cx, 4.35, 1.5, 0.42, "Dense + softmax", DENSE, size=9)
    arrow(ax, (cx, 3.78), (cx, 4.12), width=1.2)
    text(
        ax,
        0.1,
        4.7,
        "layers.Bidirectional(layers.SimpleRNN(50)): two readers, each with its own weights",
        size=11,
        weight="bold",
    )
    return save(fig, "bidirectional")


def stacked(bidirectional_layers: bool = False) -> Path:
    n = 6
    fig, ax = canvas(11.3, 5.6)
    xs = [3.05 + i * 1.1 for i in range(n)]
    words = ["Stocks", "rally", "as", "the", "market", "(pad)"]
    for x, word in zip(xs, words):
        box(ax, x, 0.35, 0.9, 0.32, word, PAD if word == "(pad)" else TOKEN, size=9.5)
        arrow(ax, (x, 0.52), (x, 0.93), width=0.9)
    wrap = "Bidirectional(\n  SimpleRNN({}{}))" if bidirectional_layers else "SimpleRNN({}{})"
    every = "both directions at\nevery step" if bidirectional_layers else "a state at\nevery step"
    last = "both final states" if bidirectional_layers else "only its\nfinal state"
    rows = [
        (1.2, wrap.format(50, ",\n  return_sequences=True"), every),
        (2.45, wrap.format(60, ",\n  return_sequences=True"), every),
        (3.7, wrap.format(75, ""), last),
    ]
    shapes = (
        ["(None, 50, 100)", "(None, 50, 120)", "(None, 150)"]
        if bidirectional_layers
        else ["(None, 50, 50)", "(None, 50, 60)", "(None, 75)"]
    )
    for depth, ((y, code, passes), shape) in enumerate(zip(rows, shapes)):
        colour = CELL if depth % 2 == 0 else "#fee6ce"
        for x in xs:
            box(ax, x, y, 0.72, 0.48, "", colour, size=9)
            if bidirectional_layers:
                text(ax, x, y + 0.08, "→", size=9, ha="center", va="center")
                text(ax, x, y - 0.1, "←", size=9, ha="center", va="center")
        lift = 0.08 if bidirectional_layers else 0
        for a, b in zip(xs, xs[1:]):
            arrow(ax, (a + 0.37, y + lift), (b - 0.37, y + lift), width=1.2)
            if bidirectional_layers:
                arrow(ax, (b - 0.37, y - 0.1), (a + 0.37, y - 0.1), width=1.0, colour="#4d9221")
        text(ax, 0.1, y + 0.02, f"layer {depth + 1}", size=9.5, va="center", weight="bold")
        text(ax, 0.8, y + 0.02, code, size=8.5, va="center", family="DejaVu Sans Mono")
        # 06's exercise asks what the layer below passes on: its figure leaves the widths out
        shown = f"{passes}" if bidirectional_layers else f"{passes}\noutput {shape}"
        text(ax, xs[-1] + 0.5, y + 0.02, shown, size=8.5, va="center", colour="#555555")
        if depth < 2:  # return_sequences=True: every step goes up
            for x in xs:
                arrow(ax, (x, y + 0.26), (x, y + 1.0), width=1.0, colour=ACCENT)
    top = xs[-1]
    box(ax, top, 5.0, 1.5, 0.42, "Dense + softmax", DENSE, size=9)
    arrow(ax, (top, 3.96), (top, 4.77), width=1.4, colour=ACCENT)
    if bidirectional_layers:
        arrow(ax, (xs[0], 3.96), (top - 0.75, 4.9), width=1.2, colour="#4d9221", bend=-0.15)
        text(
            ax,
            xs[2],
            4.75,
            "the backward reader's final state",
            size=8.5,
            colour="#4d9221",
            ha="center",
        )
        title = "Three stacked bidirectional layers: each reads both directions of the one below"
        name = "stacked_bidirectional"
    else:
        title = "Three stacked SimpleRNN layers: the lower two pass on a state at every step"
        name = "stacked_return_sequences"
    text(ax, 0.1, 5.35, title, size=11, weight="bold")
    return save(fig, name)


def main(argv=None) -> None:
    global OUT
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=FIGURES, help="folder (notebooks/figures)")
    OUT = parser.parse_args(argv).out
    plt.rcParams.update(
        {"svg.hashsalt": "textrnn-lessons", "svg.fonttype": "path", "font.family": "DejaVu Sans"}
    )
    for draw in (
        embedding_lookup,
        simple_rnn_unrolled,
        bidirectional,
        stacked,
        lambda: stacked(bidirectional_layers=True),
    ):
        path = draw()
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
