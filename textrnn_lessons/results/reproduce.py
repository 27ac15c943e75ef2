"""`textrnn-lessons reproduce`: all five approaches, then a table, plots and a markdown report."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from ..settings import Preset


def check_out_folder(out: Path) -> Path:
    """Create the report folder and try writing in it, so a bad --out fails before any training."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ValueError(
            f"{out} is a file, not a folder: give --out a folder for the report "
            "(it is created if missing)."
        )
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as error:
        raise ValueError(
            f"Cannot write the report into {out} ({error.strerror or error}): "
            "give --out a folder you can write."
        ) from None
    return out


def reproduce(
    preset: Preset,
    data_dir,
    out: Path,
    protocol: str | None = None,
    before_logging: Callable[[], None] | None = None,
) -> Path:
    """Train every approach on one shared vocabulary; write PNGs, CSV and report.md into `out`.

    `protocol="tutorial"` repeats the tutorial's leaky protocol, to compare like for like.
    `before_logging` runs before each run is logged (the CLI's Ctrl-C check).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd

    from ..data.reading import load_ag_news
    from ..evaluation.plots import plot_confusion_matrix, plot_history
    from ..models.approaches import APPROACHES
    from ..training.trainer import Trainer

    out = check_out_folder(out)
    data = load_ag_news(preset, data_dir, protocol)
    print(f"Reproducing the tutorial on {data.describe()}")
    bench = Trainer(protocol=data.protocol)  # one vocabulary for all five
    rows, sections = [], []
    for approach in APPROACHES:
        print(f"\n== {approach.label}")
        result = bench.run(approach, data, verbose=2)
        if before_logging:
            before_logging()
        bench.log(result)
        stem = f"approach{approach.number}"
        plot_confusion_matrix(result.evaluation, title=approach.label).savefig(
            out / f"{stem}_confusion.png", dpi=100
        )
        plot_history(result.history, title=approach.label).savefig(
            out / f"{stem}_history.png", dpi=100
        )
        plt.close("all")
        extra = _lime_section(result, data, out, stem)
        rows.append(
            {
                "approach": approach.number,
                "name": approach.name,
                "max_tokens": approach.max_tokens,
                "embed_len": approach.embed_len,
                "units": ",".join(map(str, approach.units)),
                "test_accuracy_%": round(100 * result.evaluation.accuracy, 2),
                "tutorial_accuracy_%": approach.tutorial_accuracy,
                "train_seconds": round(result.history.train_seconds, 1),
            }
        )
        sections.append(
            f"## {approach.label}\n\n```\n{result.evaluation.summary()}\n```\n\n"
            f"![confusion matrix]({stem}_confusion.png) ![training curves]({stem}_history.png)\n"
            + extra
        )
    table = pd.DataFrame(rows)
    table.to_csv(out / "summary.csv", index=False)
    report = out / "report.md"
    report.write_text(
        f"# Reproducing the tutorial\n\nPreset **{preset.name}**: {data.describe()}; "
        f"{preset.epochs} epoch(s), batch {preset.batch_size}. "
        + _protocol_note(data)
        + "\n\n"
        + table.to_markdown(index=False)
        + "\n\n"
        + "\n".join(sections),
        encoding="utf-8",
    )
    print("\n" + table.to_string(index=False))
    return report


def _protocol_note(data) -> str:
    if data.protocol == "tutorial":
        return (
            "Tutorial protocol, as the tutorial ran it: the vocabulary was fitted on the "
            "training and test texts, every training article was trained on, and the test "
            "set served as validation data. The test scores are therefore not independent."
        )
    return (
        "The tutorial trained on all 120,000 articles, fitted its vocabulary on the test "
        "text too and validated on the test set; here the vocabulary saw training text "
        "only and validation is a tenth held out of the training articles "
        "(`--protocol tutorial` repeats the tutorial's way)."
    )


def _lime_section(result, data, out: Path, stem: str) -> str:
    """A LIME explanation of the lessons' example article."""
    from ..evaluation.explain import explain_prediction, lesson_example

    text, label = lesson_example(data)
    explanation = explain_prediction(
        result.predictor, text, true_label=label, num_samples=data.preset.lime_samples
    )
    explanation.save_html(out / f"{stem}_lime.html")
    return f"\nLIME explanation: [{stem}_lime.html]({stem}_lime.html)\n\n```\n{explanation.table()}\n```\n"
