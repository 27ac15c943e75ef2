"""`ComparisonView`: every logged run in one table and one chart, beside the tutorial's figures.

Introduced in notebook 07_results_and_next_steps; also in the Voilà app under the panel.
"""

from __future__ import annotations

import html
import threading

import ipywidgets as w

from ..evaluation.plots import comparison_figure
from ..settings import PRESETS
from .outputs import new_figure, png_output
from .view import without_server_paths

ALL_PRESETS = "all presets"
#: Rows the table shows, newest first; a log can hold thousands of runs (a long-lived room
#: server's), and styling every row would take minutes and gigabytes.
SHOWN_RUNS = 100


class ComparisonView:
    """The results log as a table and a chart. Pass panels (or call `follow`) to refresh it
    whenever one of them logs a run."""

    def __init__(self, *panels):
        self.refresh_button = w.Button(description="Refresh", icon="refresh")
        self.preset = w.Dropdown(
            options=[ALL_PRESETS, *PRESETS], value=ALL_PRESETS, description="Show"
        )
        self.message = w.HTML(value="")
        self.chart_output = w.Output()
        self.table = w.HTML(value="", layout=w.Layout(max_height="24em", overflow="auto"))
        for name, widget in (
            ("refresh", self.refresh_button),
            ("comparison-preset", self.preset),
            ("comparison-message", self.message),
            ("comparison-chart", self.chart_output),
            ("comparison-table", self.table),
        ):
            widget.add_class("textrnn-" + name)
        self.widget = w.VBox(
            [
                w.HBox([self.refresh_button, self.preset]),
                self.message,
                self.chart_output,
                self.table,
            ]
        )
        self.widget.add_class("textrnn-comparison")
        self.refresh_button.on_click(lambda button: self.refresh())
        self.preset.observe(lambda change: self.refresh(), names="value")
        self._lock = threading.Lock()
        for panel in panels:
            self.follow(panel)
        self.refresh()

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def follow(self, panel) -> ComparisonView:
        """Refresh this view whenever `panel` adds a run to the log."""
        panel.on_run_finished(lambda result: self.refresh())
        return self

    def refresh(self) -> None:
        """Re-read the results log and redraw the table and the chart."""
        from ..results.records import comparison_table, tutorial_table
        from ..results.tables import show_runs, show_tutorial

        with self._lock:
            try:
                table = comparison_table()
            except ValueError as error:  # a damaged log line: the sentence says how to fix it
                problem = html.escape(without_server_paths(str(error)))
                self.message.value = f'<span style="color:#b00020">{problem}</span>'
                return
            if self.preset.value != ALL_PRESETS:
                table = table[table["preset"] == self.preset.value].reset_index(drop=True)
            if table.empty:
                among = (
                    "" if self.preset.value == ALL_PRESETS else f" with preset {self.preset.value}"
                )
                self.message.value = (
                    f"No runs logged yet{among}; train an approach and press "
                    "Refresh. The tutorial's published accuracies:"
                )
                self.table.value = show_tutorial(tutorial_table()).to_html()
            else:
                runs = f"{len(table):,} run" + ("s" if len(table) != 1 else "")
                older = len(table) - SHOWN_RUNS
                self.message.value = (
                    f"{runs}, newest first; the chart shows the latest per preset."
                    + (
                        f" The table shows the latest {SHOWN_RUNS}; the other {older:,} are in the "
                        "results log."
                        if older > 0
                        else ""
                    )
                )
                self.table.value = show_runs(table.head(SHOWN_RUNS)).to_html()
            figure = comparison_figure(table, figure=new_figure())
            self.chart_output.outputs = (png_output(figure, "comparison chart"),)
