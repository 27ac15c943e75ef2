"""The glossary: its page from site/glossary.yml, and a link from each lesson's first use of a term.

The links are made here, at build time, so the lessons stay plain MyST that reads the same in
JupyterLab. Only prose is linked: code, headings, outputs and existing links are left alone.
The glossary page then lists, under each entry, the lessons that use the term (each a link to
the word's first use there).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from docutils import nodes
from sphinx import addnodes
from sphinx.errors import ExtensionError
from sphinx.transforms import SphinxTransform
from sphinx.util.docutils import SphinxDirective

from textrnn_lessons.teaching.catalogue import LESSONS

from .lesson_pages import lesson_by_docname, lesson_docname

SOURCE = Path(__file__).resolve().parents[2] / "glossary.yml"
GLOSSARY_PAGE = "site/glossary"
HEADER_CLASS = "textrnn-lesson-header"
#: Text inside these is never linked: code, headings, links, raw HTML, images, glossary terms.
_NOT_PROSE = (
    nodes.title,
    nodes.subtitle,
    nodes.rubric,
    nodes.caption,
    nodes.literal,
    nodes.FixedTextElement,  # literal_block, doctest_block, ...
    nodes.reference,
    nodes.raw,
    nodes.image,
    nodes.comment,
    nodes.target,
    nodes.term,
    addnodes.pending_xref,
    addnodes.download_reference,
)


@dataclass(frozen=True)
class Entry:
    term: str
    forms: tuple[str, ...]
    definition: str

    @property
    def slug(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.term.lower()).strip("-")

    @property
    def pattern(self) -> re.Pattern:
        """Any of the forms as a whole word (longest first, so "final state" beats "state")."""
        forms = sorted(self.forms, key=len, reverse=True)
        return re.compile(
            r"(?<![\w-])(?:" + "|".join(map(re.escape, forms)) + r")(?![\w-])", re.IGNORECASE
        )


def read_entries(path: Path = SOURCE) -> list[Entry]:
    """The entries of glossary.yml, checked: each has a term and a definition, no term twice."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ExtensionError(f"Could not read the glossary {path}: {error}") from None
    entries, seen = [], set()
    for number, item in enumerate(raw or [], start=1):
        if not isinstance(item, dict) or not item.get("term") or not item.get("definition"):
            raise ExtensionError(
                f"{path}, entry {number}: each entry needs a 'term' and a 'definition' "
                f"(and may list 'forms'); got {item!r}."
            )
        term = str(item["term"]).strip()
        if term.lower() in seen:
            raise ExtensionError(f"{path}: the term {term!r} is listed twice.")
        seen.add(term.lower())
        forms = tuple(str(form) for form in item.get("forms") or [term])
        entries.append(Entry(term, forms, " ".join(str(item["definition"]).split())))
    return entries


def glossary_markdown(entries: list[Entry]) -> str:
    """A MyST glossary directive holding every entry, sorted by term."""
    lines = ["```{glossary}", ":sorted:", ""]
    for entry in entries:
        lines += [entry.term, f"  {entry.definition}", ""]
    return "\n".join(lines + ["```"])


class GlossaryEntries(SphinxDirective):
    """The glossary page's entries, from glossary.yml."""

    def run(self):
        self.env.note_dependency(str(SOURCE))
        return self.parse_text_to_nodes(glossary_markdown(read_entries()))


def use_id(entry: Entry) -> str:
    """The anchor of a term's first use on a lesson page."""
    return f"glossary-use-{entry.slug}"


class LinkFirstUses(SphinxTransform):
    """In a lesson, wrap the first use of each glossary term in prose in a link to its entry."""

    default_priority = 510  # after lesson_pages.LessonHeader, whose note is not prose

    def apply(self, **kwargs):
        if lesson_by_docname(self.env.docname) is None:
            return
        waiting = {entry.term: entry for entry in read_entries()}
        used = []
        for text in [node for node in self.document.findall(nodes.Text) if _is_prose(node)]:
            if not waiting:
                break
            pieces = self._link(str(text), waiting, used)
            if pieces:
                text.parent.replace(text, pieces)
        self.env.textrnn_term_uses[self.env.docname] = used

    def _link(self, text: str, waiting: dict, used: list) -> list[nodes.Node]:
        pieces, position = [], 0
        while waiting:
            found = [
                (match, entry)
                for entry in waiting.values()
                if (match := entry.pattern.search(text, position))
            ]
            if not found:
                break
            match, entry = min(found, key=lambda pair: pair[0].start())
            pieces += [nodes.Text(text[position : match.start()]), self._term(entry, match[0])]
            position = match.end()
            del waiting[entry.term]
            used.append(entry.term)
        return pieces + [nodes.Text(text[position:])] if pieces else []

    def _term(self, entry: Entry, words: str) -> nodes.inline:
        reference = addnodes.pending_xref(
            "",
            refdomain="std",
            reftype="term",
            reftarget=entry.term,
            refexplicit=True,
            refwarn=True,
            refdoc=self.env.docname,
        )
        reference += nodes.inline(words, words, classes=["xref", "std", "std-term"])
        wrapper = nodes.inline("", "", ids=[use_id(entry)], classes=["textrnn-term-use"])
        wrapper += reference
        return wrapper


def _is_prose(text: nodes.Text) -> bool:
    parent = text.parent
    while parent is not None:
        if isinstance(parent, _NOT_PROSE):
            return False
        if isinstance(parent, nodes.container) and (
            parent.get("nb_element") or HEADER_CLASS in parent.get("classes", [])
        ):
            return False  # a code cell, its outputs, or the launch links and build note
        parent = parent.parent
    return True


def list_first_uses(app, doctree, docname) -> None:
    """Under each glossary entry: the lessons that use the term, linked to its first use."""
    if docname != GLOSSARY_PAGE:
        return
    uses = app.env.textrnn_term_uses
    entries = {entry.term.lower(): entry for entry in read_entries()}
    for item in doctree.findall(nodes.definition_list_item):
        entry = entries.get(item[0].astext().strip().lower())
        lessons = [
            each for each in LESSONS if entry and entry.term in uses.get(lesson_docname(each), ())
        ]
        if not lessons:
            continue
        line = nodes.paragraph(classes=["textrnn-first-uses"])
        line += nodes.Text("Used in lesson" + ("s " if len(lessons) > 1 else " "))
        for place, lesson in enumerate(lessons):
            if place:
                line += nodes.Text(", ")
            uri = app.builder.get_relative_uri(docname, lesson_docname(lesson))
            line += nodes.reference(
                "", lesson.number, refuri=f"{uri}#{use_id(entry)}", reftitle=lesson.title
            )
        item[-1] += line


def start_uses(app, env, docnames) -> None:
    if not hasattr(env, "textrnn_term_uses"):
        env.textrnn_term_uses = {}


def forget_uses(app, env, docname) -> None:
    getattr(env, "textrnn_term_uses", {}).pop(docname, None)


def rewrite_glossary(app, env) -> list[str]:
    """The glossary page lists the lessons' uses, so it is written again whenever they may change."""
    return [GLOSSARY_PAGE] if GLOSSARY_PAGE in env.found_docs else []


def setup(app):
    app.add_directive("glossary-entries", GlossaryEntries)
    app.connect("env-get-updated", rewrite_glossary)
    app.add_transform(LinkFirstUses)
    app.connect("env-before-read-docs", start_uses)
    app.connect("env-purge-doc", forget_uses)
    app.connect("doctree-resolved", list_first_uses)
