"""One tab of the workshop app in Chromium, timed as a learner waits (latency.py, room.py).

A tab opens the app, waits for the panel to be drawn and for it to be ready ("Getting ready"
over: the panel's state class is idle), presses Train and waits for the first live point (the
training curves' image in the panel) and for the run's end. Times are taken in the page
(`performance.now()`): the click from its own event, the first point from the moment the image
is added to the page, so the browser's polling adds nothing.
"""

from __future__ import annotations

import time

PANEL = ".textrnn-panel"
MS = 1_000

#: Marks in the page: when Train was clicked, and when the live plot first showed an image.
_WATCH = """() => {
  const panel = document.querySelector('.textrnn-panel');
  const plot = panel.querySelector('.textrnn-live-plot');
  const marks = window.textrnnMarks = {};
  panel.querySelector('button.textrnn-train').addEventListener(
    'click', () => { marks.click = performance.now(); }, {capture: true, once: true});
  new MutationObserver((changes, observer) => {
    if (marks.click !== undefined && plot.querySelector('img')) {
      marks.point = performance.now(); observer.disconnect();
    }
  }).observe(plot, {childList: true, subtree: true});
}"""


class AppTab:
    """The app in one page; each method returns the seconds the learner waited."""

    def __init__(self, page, timeout: float = 600):
        self.page, self.timeout = page, timeout

    def wait_state(self, state: str, timeout: float | None = None) -> None:
        self.page.locator(f"{PANEL}.textrnn-state-{state}").wait_for(
            timeout=(timeout or self.timeout) * MS
        )

    def open(self, url: str | None = None, ready: bool = True) -> dict:
        """Load the app (or reload it, with no `url`): seconds to the panel, and (`ready`) to
        the panel's being ready."""
        started = time.perf_counter()
        if url is None:
            self.page.reload(timeout=self.timeout * MS)
        else:
            self.page.goto(url, timeout=self.timeout * MS)
        self.page.locator(f"{PANEL} button.textrnn-train").wait_for(timeout=self.timeout * MS)
        shown = time.perf_counter() - started
        if ready:
            self.wait_ready()
        return {"panel_s": shown, "ready_s": time.perf_counter() - started if ready else None}

    def wait_ready(self) -> None:
        """'Getting ready' (or the last run) is over: the panel is idle or shows a result."""
        self.page.locator(f"{PANEL}.textrnn-state-idle, {PANEL}.textrnn-state-finished").wait_for(
            timeout=self.timeout * MS
        )

    def train(self) -> dict:
        """Press Train: seconds to the first live point, and to the run's end."""
        self.page.evaluate(_WATCH)
        self.page.locator(f"{PANEL} button.textrnn-train").click()
        self.page.wait_for_function(
            "() => window.textrnnMarks && window.textrnnMarks.point !== undefined",
            timeout=self.timeout * MS,
        )
        marks = self.page.evaluate("() => window.textrnnMarks")
        clicked = (
            time.perf_counter() - (self.page.evaluate("performance.now()") - marks["click"]) / MS
        )
        self.wait_state("finished")  # the run was tested (and logged)
        return {
            "first_point_s": (marks["point"] - marks["click"]) / MS,
            "finished_s": time.perf_counter() - clicked,
        }
