"""The lessons as pages, taken from textrnn_lessons.teaching.catalogue.LESSONS.

- `{lesson-toctree}` and `{lesson-table}`: the lessons in the catalogue's order, so a lesson
  added there (and its .md in notebooks/) joins the site with no edit here.
- Each lesson page opens with its launch links (JupyterLab on Binder, the workshop app), its
  .ipynb to download (the file learners open, without outputs) and which preset and data
  produced the outputs below.
- The lessons are read (and executed) first, in catalogue order, and the results page last,
  on every build: it shows the runs the lessons logged.
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx import addnodes
from sphinx.directives.other import TocTree
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from textrnn_lessons.teaching.catalogue import LESSONS

LESSON_FOLDER = "notebooks"
RESULTS_PAGE = "site/results"
#: The opening box of a lesson: "**Teaching:** 25 min · **Exercises:** 15 min".
_TIMES = re.compile(r"\*\*Teaching:\*\*\s*(\d+)\s*min.*?\*\*Exercises:\*\*\s*(\d+)\s*min", re.S)

logger = logging.getLogger(__name__)


def lesson_docname(lesson) -> str:
    return f"{LESSON_FOLDER}/{lesson.stem}"


def lesson_by_docname(docname: str):
    return next((each for each in LESSONS if lesson_docname(each) == docname), None)


def lesson_minutes(source: Path) -> tuple[int, int] | None:
    """(teaching, exercise) minutes from a lesson's opening box, or None if it has none."""
    found = _TIMES.search(source.read_text(encoding="utf-8"))
    return (int(found[1]), int(found[2])) if found else None


class LessonToctree(TocTree):
    """A toctree of every lesson in the catalogue's order (no content of its own)."""

    has_content = False

    def run(self):
        self.content = StringList(
            [f"/{lesson_docname(each)}" for each in LESSONS], source="catalogue.LESSONS"
        )
        return super().run()


class LessonTable(SphinxDirective):
    """The lessons as a table: number, title (a link), what you learn, minutes."""

    def run(self):
        rows, total, missing = [], 0, []
        for lesson in LESSONS:
            source = self.env.doc2path(lesson_docname(lesson))
            self.env.note_dependency(str(source))
            minutes = lesson_minutes(Path(source))
            if minutes is None:
                missing.append(lesson.stem)
                shown = "see the lesson"
            else:
                total += sum(minutes)
                shown = f"{minutes[0]} + {minutes[1]} min"
            link = f"[{lesson.title}](/{lesson_docname(lesson)}.md)"
            rows.append(f"| {lesson.number} | {link} | {lesson.summary} | {shown} |")
        if missing:
            logger.warning(
                "No '**Teaching:** N min · **Exercises:** N min' line in %s; the landing page "
                "cannot add up the time the lessons take.",
                ", ".join(missing),
                location=self.get_location(),
            )
        hours, minutes = divmod(total, 60)
        table = "\n".join(
            [
                "| | Lesson | What you learn | Time |",
                "| --- | --- | --- | --- |",
                *rows,
            ]
        )
        summary = (
            f"Time: minutes of teaching + minutes of exercises. All {len(LESSONS)} lessons take "
            f"about {hours} h {minutes:02d} min, plus the time the code takes to run (each "
            "lesson's opening box says how long)."
        )
        return self.parse_text_to_nodes(table + "\n\n" + summary)


class BuildFactsNote(SphinxDirective):
    """The sentence that says which preset and data produced this build's numbers."""

    def run(self):
        return [facts_paragraph(self.config.textrnn_facts)]


def facts_paragraph(facts) -> nodes.paragraph:
    return nodes.paragraph("", facts.data_summary, classes=["textrnn-build-facts"])


class LessonHeader(SphinxTransform):
    """Launch links, the notebook to download and the build's data, under a lesson's title."""

    default_priority = 500

    def apply(self, **kwargs):
        lesson = lesson_by_docname(self.env.docname)
        if lesson is None:
            return
        section = next(iter(self.document.findall(nodes.section)), None)
        if section is None or not isinstance(section[0], nodes.title):
            logger.warning("A lesson page needs a title (a # heading) first.", location=section)
            return
        facts = self.config.textrnn_facts
        links = nodes.paragraph(classes=["textrnn-launch"])
        links += _link(
            facts.binder_lab(f"{LESSON_FOLDER}/{lesson.notebook}"),
            "Launch in JupyterLab (Binder)",
            "textrnn-launch-lab",
        )
        links += _link(
            facts.binder_app, "Open the workshop app (Voilà, Binder)", "textrnn-launch-app"
        )
        download = addnodes.download_reference(
            "",
            "",
            reftarget=lesson.notebook,  # beside the lesson's .md
            refdoc=self.env.docname,
            refexplicit=True,
            reftype="textrnn",
            classes=["textrnn-download"],
        )
        download += nodes.inline("", f"Download {lesson.notebook}")
        links += download
        box = nodes.container(classes=["textrnn-lesson-header"])
        box += links
        box += facts_paragraph(facts)
        section.insert(1, box)


def _link(url: str, text: str, klass: str) -> nodes.reference:
    return nodes.reference("", text, refuri=url, classes=[klass])


def read_lessons_first(app, env, docnames: list[str]) -> None:
    """Lessons first (in the catalogue's order), the results page last and always."""
    if RESULTS_PAGE in env.found_docs and RESULTS_PAGE not in docnames:
        docnames.append(RESULTS_PAGE)
    order = {lesson_docname(each): place for place, each in enumerate(LESSONS)}
    docnames.sort(
        key=lambda name: (
            2 if name == RESULTS_PAGE else 0 if name in order else 1,
            order.get(name, 0),
            name,
        )
    )


def missing_lessons(app, env) -> None:
    """A lesson in the catalogue with no page is a broken build, not a missing page."""
    for lesson in LESSONS:
        if lesson_docname(lesson) not in env.found_docs:
            logger.warning(
                "The catalogue lists %s, but %s/%s.md does not exist.",
                lesson.stem,
                LESSON_FOLDER,
                lesson.stem,
            )


def setup(app):
    app.add_config_value("textrnn_facts", None, "env")
    app.add_directive("lesson-toctree", LessonToctree)
    app.add_directive("lesson-table", LessonTable)
    app.add_directive("build-facts", BuildFactsNote)
    app.add_transform(LessonHeader)
    app.connect("env-before-read-docs", read_lessons_first)
    app.connect("env-updated", missing_lessons)
