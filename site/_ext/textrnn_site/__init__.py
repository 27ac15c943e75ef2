"""The lessons' website: what Sphinx and MyST-NB need on top of their defaults.

- facts: the preset and data a build runs on, the execution cache, the launch addresses.
- lesson_pages: the lessons in catalogue order, each with launch links, its .ipynb to download
  and the preset and data its outputs come from; the results page read after them.
- glossary: the glossary page from glossary.yml, and a link from each lesson's first use of a
  term to its entry.
- outputs: a widget's output becomes a "launch to try" note; progress bars settle.
- links: links to files become links to pages (or to GitHub, for files the site leaves out).
"""

from __future__ import annotations


def setup(app):
    from . import glossary, lesson_pages, links, outputs

    lesson_pages.setup(app)
    glossary.setup(app)
    outputs.setup(app)
    links.setup(app)
    return {"version": "1", "parallel_read_safe": False, "parallel_write_safe": True}
