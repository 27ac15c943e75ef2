"""What the approach panel shows of a run: message, progress, live curves, test results."""

from __future__ import annotations

import html
import re

import ipywidgets as w

from ..evaluation.plots import plot_confusion_matrix, plot_history
from .outputs import html_output, new_figure, png_output

_COLOURS = {"info": "inherit", "error": "#b00020", "done": "#1b5e20", "warn": "#8a4b00"}
_BAR = {"running": "info", "finished": "success", "stopped": "warning", "failed": "danger"}
#: An absolute file path (POSIX, home-relative or Windows); group 1 is its last part.
_PATH = re.compile(
    r"(?<![\w:/.~-])~?/(?:[\w.+@-]+/)*([\w.+@-]+)|\b[A-Za-z]:\\(?:[\w.+@ -]+\\)*([\w.+@-]+)"
)


def without_server_paths(text: str) -> str:
    """`text` with each absolute path cut to its last part ('/srv/ag_news/train.csv' ->
    'train.csv'): in a room the page is the learner's, the folders are the server's."""
    return _PATH.sub(lambda match: match.group(1) or match.group(2), text)


class RunView:
    """The output widgets of a panel, and how each stage of a run is drawn in them."""

    def __init__(self):
        self.progress = w.IntProgress(value=0, min=0, max=1, bar_style="info")
        self.progress_label = w.Label(value="")
        self.message = w.HTML(value="")
        self.plot_output = w.Output()
        self.test_accuracy = w.HTML(value="")
        self.result_output = w.Output()
        for name in ("progress", "progress_label", "message", "test_accuracy"):
            getattr(self, name).add_class("textrnn-" + name.replace("_", "-"))
        self.plot_output.add_class("textrnn-live-plot")
        self.result_output.add_class("textrnn-result")

    def say(self, text: str, kind: str = "info") -> None:
        shown = html.escape(without_server_paths(text))
        self.message.value = f'<span style="color:{_COLOURS[kind]}">{shown}</span>'

    def clear(self) -> None:
        self.plot_output.outputs = ()
        self.result_output.outputs = ()
        self.test_accuracy.value = ""
        self.progress_label.value = ""
        self.progress.value, self.progress.bar_style = 0, _BAR["running"]

    def end(self, state: str) -> None:
        self.progress.bar_style = _BAR.get(state, "info")

    def show_progress(self, epoch: int, epochs: int, batch: int, steps: int | None) -> None:
        if steps:
            self.progress.max = epochs * steps
            self.progress.value = min(epoch * steps + batch + 1, self.progress.max)
        of_steps = f"/{steps}" if steps else ""
        self.progress_label.value = f"epoch {epoch + 1}/{epochs}, batch {batch + 1}{of_steps}"

    def show_curves(self, history: dict, title: str) -> None:
        if "loss" in history:
            figure = plot_history(history, title=title, figure=new_figure())
            self.plot_output.outputs = (png_output(figure, "training curves"),)

    def show_result(self, result, test_articles: int) -> None:
        """Test accuracy, then the confusion matrix beside the per-topic report (fixed-width)."""
        evaluation, approach = result.evaluation, result.approach
        epochs = result.record["epochs"]
        after = (
            f"after {epochs} complete epoch{'s' if epochs != 1 else ''}"
            if epochs
            else "after part of the first epoch"
        )
        tutorial = (
            (
                f" The tutorial reports {approach.tutorial_accuracy:.2f} % for this approach "
                "(all 120,000 articles, 5 epochs)."
            )
            if approach.tutorial_accuracy
            else ""
        )
        self.test_accuracy.value = (
            f"<b>Test accuracy: {100 * evaluation.accuracy:.2f} %</b> on {test_articles:,} test "
            f"articles {after}.{html.escape(tutorial)}"
        )
        figure = plot_confusion_matrix(evaluation, title=approach.label, figure=new_figure())
        self.result_output.outputs = (_matrix_and_report(figure, evaluation.report),)


def _matrix_and_report(figure, report: str) -> dict:
    """One output: the confusion matrix with the per-topic report beside it (below it when the
    page is narrow), the report in a fixed-width font so its columns line up. The PNG alone
    and the report as text come with it, for front ends that cannot show HTML."""
    matrix = png_output(figure, "confusion matrix")["data"]["image/png"]
    markup = (
        '<div style="display: flex; flex-wrap: wrap; align-items: center; gap: 0.5em 2em">'
        f'<img src="data:image/png;base64,{matrix}" alt="confusion matrix">'
        '<div><div style="font-weight: 600; margin-bottom: 0.4em">Per topic, on the test set'
        '</div><pre style="font-family: monospace; margin: 0">'
        f"{html.escape(report)}</pre></div></div>"
    )
    output = html_output(markup, report)
    output["data"]["image/png"] = matrix
    return output
