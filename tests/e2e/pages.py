"""What a learner does in the browser, as Playwright calls: open a notebook, Run All, read outputs.

Failures raise AssertionError with a sentence that says what the learner would have seen.
"""

from __future__ import annotations

import contextlib
import re
import time

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

SECOND = 1_000  # Playwright counts milliseconds

#: What JupyterLab or Voilà shows instead of a widget when the widget front end is missing or
#: broken, and whether that is final (a renderer never changes its mind) or may still resolve.
WIDGET_FALLBACKS = (
    (
        re.compile(
            r"^\s*\w+\((children|description|value|layout|style|outputs)=|^\s*\w+\(\)\s*$", re.M
        ),
        "the widget's plain-text stand-in (such as 'VBox(children=...)')",
        True,
    ),
    (
        re.compile(r"Error displaying widget|model not found|Failed to load model class", re.I),
        "an 'Error displaying widget' message",
        True,
    ),
    (
        re.compile(r"Loading widget", re.I),
        "'Loading widget...', which never turned into the widget",
        False,
    ),
)
#: ipywidgets draws this box (with "Click to show javascript error.") when a view cannot be made.
ERROR_BOX = ".jupyter-widgets-error-widget"
FRONTEND_HINT = (
    "The kernel made the widget but the browser's widget front end did not draw it; "
    "check that jupyterlab_widgets is installed and enabled (`jupyter labextension "
    "list` should show @jupyter-widgets/jupyterlab-manager enabled OK) and matches "
    "ipywidgets. The browser console is saved with the screenshot."
)


def widget_frontend_problem(scope: Locator, final_only: bool = False) -> str | None:
    """If `scope` shows ipywidgets' error box or a widget's fallback text, say which."""
    try:
        if scope.locator(ERROR_BOX).count() or scope.evaluate(f"el => el.matches('{ERROR_BOX}')"):
            return "ipywidgets' error box ('Click to show javascript error.')"
        # outputs only (not the code that made them), read whether painted or not
        text = "\n".join(scope.locator(".jp-OutputArea-output").all_text_contents())
    except PlaywrightError:
        return None
    for pattern, description, final in WIDGET_FALLBACKS:
        match = pattern.search(text)
        if match and (final or not final_only):
            line = text[match.start() :].strip().splitlines()[0][:120]
            return f"{description}: {line!r}"
    return None


def wait_for_widget(
    page: Page,
    selector: str,
    scope: Locator | None = None,
    timeout: float = 120,
    what: str = "the widget",
) -> Locator:
    """Wait for a rendered ipywidget; fail saying so when the widget front end is at fault.

    A final fallback (plain-text stand-in, error box) fails at once rather than at the timeout.
    """
    scope = scope if scope is not None else page.locator("body")
    widget = scope.locator(selector).first
    deadline = time.monotonic() + timeout
    while True:
        try:
            widget.wait_for(state="visible", timeout=2 * SECOND)
            break
        except PlaywrightTimeout:
            final = widget_frontend_problem(scope, final_only=True)
            if final or time.monotonic() > deadline:
                problem = final or widget_frontend_problem(scope)
                if problem:
                    raise AssertionError(
                        f"{what} ({selector}) never rendered: the page shows "
                        f"{problem}. {FRONTEND_HINT}" + first_browser_error(page)
                    ) from None
                raise AssertionError(
                    f"{what} ({selector}) did not appear within {timeout:.0f} s "
                    "(no widget fallback text either: see the screenshot)."
                ) from None
    problem = widget_frontend_problem(widget)
    if problem:
        raise AssertionError(
            f"{what} ({selector}) is broken: it shows {problem}. {FRONTEND_HINT}"
            + first_browser_error(page)
        )
    return widget


def first_browser_error(page: Page) -> str:
    """The first JavaScript error the page logged (recorded by the `page` fixtures), if any."""
    errors = [
        line
        for line in getattr(page, "console_lines", [])
        if line.startswith(("[error] Error", "[pageerror]"))
    ]
    return f" First browser error: {errors[0][:300]}" if errors else ""


class LabNotebook:
    """One notebook open in JupyterLab, driven through menus and clicks as a learner would."""

    def __init__(self, page: Page, server, path: str):
        self.page, self.server, self.path = page, server, path
        self.panel = page.locator(".jp-NotebookPanel:visible").first

    def open(self, timeout: float = 180) -> LabNotebook:
        """Open the notebook in a fresh workspace and wait for its kernel to be idle."""
        self.page.goto(self.server.url(f"lab/tree/{self.path}", reset=""))
        self.panel.locator(".jp-Cell").first.wait_for(timeout=timeout * SECOND)
        self.wait_idle(timeout)
        return self

    def wait_idle(self, timeout: float) -> None:
        """The notebook's kernel has started and is idle, as the status bar says ("... | Idle").

        The toolbar circle alone is not enough: it reads idle before any kernel exists.
        """
        self.page.wait_for_function(
            """() => {
                const bar = document.querySelector('#jp-main-statusbar');
                return bar && /\\| Idle/.test(bar.innerText) && !/No Kernel/.test(bar.innerText);
            }""",
            timeout=timeout * SECOND,
            polling=250,
        )

    def menu(self, top: str, command: str) -> None:
        """Click a menu bar entry (as named on screen), then the item that runs `command`."""
        self.page.get_by_role("menuitem", name=top, exact=True).click()
        self.page.locator(f".lm-Menu-item[data-command='{command}']").click()

    def run_all(self, timeout: float = 300) -> None:
        """Run > Run All Cells, then wait until no cell is queued or running any more."""
        self.menu("Run", "runmenu:run-all")
        self.wait_for_run(timeout)

    def wait_for_run(self, timeout: float) -> None:
        """Wait until no cell prompt shows [*] and the kernel is idle."""
        self.page.wait_for_function(
            """(panel) => {
                const prompts = [...panel.querySelectorAll('.jp-InputArea-prompt')];
                const indicator = panel.querySelector('.jp-Notebook-ExecutionIndicator');
                return prompts.every(p => !p.textContent.includes('*'))
                    && (!indicator || indicator.dataset.status === 'idle');
            }""",
            arg=self.panel.element_handle(),
            timeout=timeout * SECOND,
            polling=500,
        )

    def save(self) -> None:
        """File > Save, then wait until the tab no longer shows unsaved changes."""
        self.menu("File", "docmanager:save")
        self.page.locator(".jp-mod-dirty").first.wait_for(state="detached", timeout=60 * SECOND)

    def saved_json(self) -> dict:
        """The notebook as saved on the server (outputs included)."""
        return self.server.api("GET", f"api/contents/{self.path}")["content"]

    def code_cells(self) -> Locator:
        return self.panel.locator(".jp-CodeCell")

    def cell_with_source(self, fragment: str) -> Locator:
        """The first code cell whose source contains `fragment`, scrolled into view.

        JupyterLab skips rendering cells far off screen (content-visibility), so the tests
        read text with text_content(): innerText of a cell not yet painted is empty.
        """
        editor = self.page.locator(".jp-InputArea-editor", has_text=fragment)
        cell = self.code_cells().filter(has=editor).first
        if cell.count() == 0:
            raise AssertionError(
                f"{self.path} has no code cell containing {fragment!r}; "
                "the test and the notebook disagree."
            )
        cell.scroll_into_view_if_needed()
        return cell

    def output_of(self, fragment: str) -> Locator:
        """The output area of the first code cell whose source contains `fragment`."""
        return self.cell_with_source(fragment).locator(".jp-OutputArea")

    def figure(self, name: str, near: str) -> Locator:
        """The rendered Markdown cell that shows notebooks/figures/`name`, scrolled into view.

        JupyterLab attaches only the cells near the window, so the code cell whose source holds
        `near` (one close to the figure) is scrolled to first.
        """
        self.cell_with_source(near)
        image = self.page.locator(f"img[src*='{name}']")  # `has` reads it inside each cell
        cell = self.panel.locator(".jp-MarkdownCell").filter(has=image).first
        try:
            cell.wait_for(state="attached", timeout=30 * SECOND)
        except PlaywrightTimeout:
            raise AssertionError(
                f"{self.path} shows no figure {name!r} in a rendered Markdown cell near the "
                f"cell with {near!r}; the lesson and the test disagree, or the Markdown did "
                "not render."
            ) from None
        cell.scroll_into_view_if_needed()
        return cell

    def assert_ran_cleanly(self) -> dict:
        """Save, then fail naming the first cell that raised or never ran; returns the notebook."""
        self.save()
        notebook = self.saved_json()
        code = [
            (n, cell) for n, cell in enumerate(notebook["cells"], 1) if cell["cell_type"] == "code"
        ]
        for number, cell in code:
            source = "".join(cell["source"]).strip()
            first = source.splitlines()[0][:80] if source else "(empty)"
            for output in cell.get("outputs", []):
                if output["output_type"] == "error":
                    raise AssertionError(
                        f"{self.path}: cell {number} ({first!r}) raised {output['ename']}: "
                        f"{output['evalue']}"
                    )
            if source and cell.get("execution_count") is None:
                raise AssertionError(f"{self.path}: cell {number} ({first!r}) never ran.")
        return notebook


@contextlib.contextmanager
def ran_notebook(page: Page, server, path: str, timeout: float = 600):
    """A notebook opened and run top to bottom once, kept open for a module's tests; its
    kernels are shut down afterwards."""
    notebook = LabNotebook(page, server, path).open()
    try:
        notebook.run_all(timeout=timeout)
        yield notebook
    finally:
        server.shutdown_kernels()


def assert_image_shown(output: Locator, what: str) -> None:
    """An <img> is in `output` and the browser decoded it (non-zero natural size)."""
    image = output.locator("img").first
    try:
        image.wait_for(state="visible", timeout=30 * SECOND)
    except PlaywrightTimeout:
        raise AssertionError(f"{what}: no image is shown in the cell's output.") from None
    width = image.evaluate("img => img.complete ? img.naturalWidth : 0")
    assert width > 100, f"{what}: the image did not load in the browser (natural width {width})."


class PanelDriver:
    """The ApproachPanel as a learner uses it (JupyterLab or Voilà): its CSS classes come from widgets.py.

    Locators are lazy; `rendered()` waits for the panel once, in the first test that uses it,
    so a broken widget front end fails those tests (not their fixtures) with its reason.
    """

    def __init__(self, page: Page, scope: Locator):
        self.page, self.scope = page, scope
        self.root = scope.locator(".textrnn-panel").first
        self.train_button = self.root.locator("button.textrnn-train")
        self.stop_button = self.root.locator("button.textrnn-stop")
        self.message = self.root.locator(".textrnn-message")
        self.accuracy = self.root.locator(".textrnn-test-accuracy")
        self.live_plot = self.root.locator(".textrnn-live-plot")
        self._problem: str | None = None
        self._checked = False

    def rendered(self) -> PanelDriver:
        """Wait until the panel and its Train button are drawn, or fail saying why they are not."""
        if not self._checked:
            self._checked = True
            try:
                wait_for_widget(self.page, ".textrnn-panel", self.scope, what="The approach panel")
                wait_for_widget(
                    self.page,
                    "button.textrnn-train",
                    self.root,
                    timeout=30,
                    what="The approach panel's Train button",
                )
            except AssertionError as error:
                self._problem = str(error)
        if self._problem:
            raise AssertionError(self._problem)
        return self

    def wait_state(self, state: str, timeout: float = 240) -> None:
        """Wait for the panel's state class (textrnn-state-<state>); say what it shows instead."""
        try:
            expect(self.root).to_have_class(
                re.compile(rf"\btextrnn-state-{state}\b"), timeout=timeout * SECOND
            )
        except AssertionError:
            classes = self.root.get_attribute("class") or ""
            now = re.findall(r"textrnn-state-(\w+)", classes)
            raise AssertionError(
                f"The panel did not reach state {state!r} within {timeout:.0f} s; "
                f"it is {now or 'unknown'} and says: {self.message_text()!r}"
            ) from None

    def message_text(self) -> str:
        return (self.message.text_content(timeout=10 * SECOND) or "").strip()

    def set_text(self, css: str, value: str) -> None:
        """Type into a Text widget and press Enter (the panel reacts on Enter or on leaving it)."""
        box = self.root.locator(f"{css} input").first
        box.fill(value)
        box.press("Enter")

    def choose(self, css: str, label: str) -> None:
        """Pick an option of a Dropdown widget by its visible label."""
        self.root.locator(f"{css} select").first.select_option(label=label)

    def set_slider(self, css: str, value: int) -> None:
        """Type a value into a slider's number readout, as a learner can."""
        readout = self.root.locator(f"{css} .widget-readout").first
        readout.click()
        readout.press("Control+A")
        readout.type(str(value))
        readout.press("Enter")
        expect(readout).to_have_text(str(value), timeout=10 * SECOND)


# --- the panel stories, shared by the JupyterLab and the Voilà tests --------------------------


def check_controls_render(panel: PanelDriver) -> None:
    """Every control is drawn, Train is enabled and Stop is not, and the panel says it is ready."""
    panel.rendered()
    for css in (
        ".textrnn-approach select",
        ".textrnn-preset select",
        ".textrnn-max-tokens",
        ".textrnn-embed-len",
        ".textrnn-layers",
        ".textrnn-units input",
        ".textrnn-bidirectional input",
        ".textrnn-cell select",
        ".textrnn-optimizer select",
        ".textrnn-learning-rate select",
        ".textrnn-epochs",
        ".textrnn-batch-size select",
    ):
        control = panel.root.locator(css).first
        assert control.is_visible(), f"The panel's control {css} is not visible."
    expect(panel.train_button).to_be_enabled()
    expect(panel.stop_button).to_be_disabled()
    expect(panel.message).to_contain_text("Ready", timeout=30 * SECOND)


def check_invalid_design_is_refused(panel: PanelDriver) -> None:
    """Two units for one layer: the panel says what is wrong and disables Train, until fixed."""
    panel.rendered()
    panel.set_text(".textrnn-units", "50, 60")
    panel.wait_state("refused", timeout=30)
    text = panel.message_text()
    assert "Cannot train this design" in text and "1 RNN layer" in text, (
        f"The panel's message does not explain the invalid design: {text!r}"
    )
    expect(panel.train_button).to_be_disabled()
    panel.set_text(".textrnn-units", "50")
    panel.wait_state("idle", timeout=30)
    expect(panel.train_button).to_be_enabled()


def check_train_shows_curves_and_accuracy(
    panel: PanelDriver, screen: str, timeout: float = 300
) -> str:
    """Train: the live curves appear, then the test accuracy, the confusion matrix and the
    per-topic report in a fixed-width font; `screen` names the screenshot. Returns the
    accuracy sentence."""
    from .screens import look_at

    panel.rendered()
    panel.train_button.click()
    panel.wait_state("finished", timeout=timeout)
    assert_image_shown(panel.live_plot, "The live training curves")
    sentence = (panel.accuracy.text_content() or "").strip()
    assert re.search(r"Test accuracy: \d+\.\d\d %", sentence), (
        f"No test accuracy after training; the panel shows {sentence!r}"
    )
    result = panel.root.locator(".textrnn-result")
    assert_image_shown(result, "The confusion matrix after training")
    report = result.locator("pre", has_text="precision").first
    font = report.evaluate("el => getComputedStyle(el).fontFamily")
    assert "mono" in font.lower(), (
        f"The per-topic report is set in {font!r}, not a fixed-width font."
    )
    assert "scores are below" in panel.message_text(), (
        f"The panel's message does not say where the scores are: {panel.message_text()!r}"
    )
    look_at(panel.root, screen, "The panel after Train")
    return sentence


def check_stop_leaves_panel_usable(panel: PanelDriver, screen: str) -> None:
    """A long run (batch 16, 5 epochs) is stopped mid-way and says so truthfully (only complete
    epochs count); `screen` names the screenshot. The controls work again afterwards."""
    from .screens import look_at

    panel.rendered()
    panel.choose(".textrnn-batch-size", "16")
    panel.set_slider(".textrnn-epochs", 5)
    panel.train_button.click()
    panel.wait_state("running", timeout=30)
    expect(panel.stop_button).to_be_enabled()
    expect(panel.root.locator(".textrnn-progress-label")).to_contain_text(
        "batch", timeout=120 * SECOND
    )
    panel.stop_button.click()
    panel.wait_state("stopped", timeout=120)
    said = panel.message_text()
    assert re.search(r"Stopped by you (after \d+ complete epochs?|during the first epoch)", said), (
        f"After Stop the panel does not say how many complete epochs ran: {said!r}"
    )
    assert "below" in said, f"After Stop the panel does not say where the scores are: {said!r}"
    expect(panel.train_button).to_be_enabled()
    expect(panel.stop_button).to_be_disabled()
    look_at(panel.root, screen, "The panel after Stop")
    # usable: the controls answer again and the panel is ready for the next run
    panel.choose(".textrnn-batch-size", "128")
    panel.set_slider(".textrnn-epochs", 1)
    panel.wait_state("idle", timeout=30)
    expect(panel.message).to_contain_text("Ready", timeout=30 * SECOND)
