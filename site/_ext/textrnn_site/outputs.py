"""What a cell showed, made readable on a static page.

- An interactive widget (the approach panel, the comparison view) needs a live kernel, which a
  static page does not have: its output becomes a note with links to launch the lesson or the
  workshop app. No widget script is loaded, so no page shows an empty box.
- A progress bar prints a line and then rewrites it with carriage returns and backspaces: the
  page shows what a terminal ends with, the last version of each line.
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform

from .lesson_pages import lesson_by_docname

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
#: What the note calls a widget, by the name its cell constructs; anything else is "a widget".
WIDGET_NAMES = {
    "ApproachPanel": "the approach panel",
    "ComparisonView": "the comparison view",
}
_ERASED = re.compile(r"[^\x08\n]\x08")


def as_terminal_shows(text: str) -> str:
    """Each line as it reads once every carriage return and backspace has done its work."""
    lines = []
    for line in text.split("\n"):
        line = line.rsplit("\r", 1)[-1]
        while _ERASED.search(line):
            line = _ERASED.sub("", line)
        lines.append(line.replace("\x08", ""))
    return "\n".join(lines)


class SettleProgressBars(SphinxTransform):
    """Printed text (stdout, stderr) as a terminal would leave it.

    A cell's printing arrives in many pieces, and a progress bar's pieces end in carriage
    returns and backspaces instead of newlines. Each run of pieces from the same stream is
    joined as it came (MyST-NB's own merging would end every piece with a newline, turning each
    redraw into a line of its own; conf.py turns it off), then settled.
    """

    default_priority = 400

    def apply(self, **kwargs):
        for output in list(self.document.findall(nodes.container)):
            if output.get("nb_element") != "cell_code_output":
                continue
            previous = None
            for block in list(output.children):
                kind = _stream(block)
                if kind and previous is not None and _stream(previous) == kind:
                    _set_text(previous, previous.astext() + block.astext())
                    output.remove(block)
                else:
                    previous = block if kind else None
            for block in output.children:
                if _stream(block):
                    _set_text(block, as_terminal_shows(block.astext()))


def _stream(node: nodes.Node) -> str | None:
    """ "stream" (stdout) or "stderr" for a printed-text block, else None."""
    if not isinstance(node, nodes.literal_block):
        return None
    classes = node.get("classes", [])
    return next((kind for kind in ("stream", "stderr") if kind in classes), None)


def _set_text(block: nodes.literal_block, text: str) -> None:
    block.children = []
    block += nodes.Text(text)
    block.rawsource = text


class WidgetNotes(SphinxPostTransform):
    """A widget's output becomes a "launch to try" note."""

    default_priority = 3  # before MyST-NB picks one format of each output (priority 4)

    def run(self, **kwargs):
        for bundle in list(self.document.findall(nodes.container)):
            if bundle.get("nb_element") != "mime_bundle":
                continue
            if any(child.get("mime_type") == WIDGET_VIEW for child in bundle.children):
                bundle.replace_self(self._note(_cell_source(bundle)))

    def _note(self, source: str) -> nodes.admonition:
        facts = self.config.textrnn_facts
        name = next(
            (label for cls, label in WIDGET_NAMES.items() if f"{cls}(" in source), "a widget"
        )
        note = nodes.admonition(classes=["textrnn-widget-note", "tip"])
        note += nodes.title("", f"Interactive: {name}")
        text = nodes.paragraph()
        text += nodes.Text(
            f"Here the lesson shows {name}, a set of controls that works only with a running "
            "Python kernel. A web page has none, so it is not shown here. To try it, "
        )
        lesson = lesson_by_docname(self.env.docname)
        if lesson is not None:
            text += nodes.reference(
                "", "launch this lesson", refuri=facts.binder_lab(f"notebooks/{lesson.notebook}")
            )
            text += nodes.Text(" in JupyterLab on Binder, or ")
        text += nodes.reference("", "open the workshop app", refuri=facts.binder_app)
        text += nodes.Text(" (the panel and the comparison view, without code).")
        note += text
        return note


def _cell_source(node: nodes.Node) -> str:
    """The code of the cell an output belongs to ('' if there is none)."""
    while node is not None and node.get("nb_element") != "cell_code":
        node = node.parent
    if node is None:
        return ""
    sources = [each for each in node.children if each.get("nb_element") == "cell_code_source"]
    return sources[0].astext() if sources else ""


def drop_widget_state(app, doctree) -> None:
    """The widgets' saved state is only read by the widget scripts, which the site leaves out."""
    metadata = getattr(app.env, "nb_metadata", {}).get(app.env.docname, {})
    metadata.get("js_files", {}).pop("ipywidgets_state", None)


def setup(app):
    app.add_transform(SettleProgressBars)
    app.add_post_transform(WidgetNotes)
    app.connect("doctree-read", drop_widget_state)
