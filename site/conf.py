"""Sphinx configuration for the lessons' website; build it with `bash tools/build_site.sh`.

Sphinx reads the repository itself (`sphinx-build -c site . site/_build/html`), so the lessons
(notebooks/*.md), their figures and the guides (docs/*.md) are used where they are and link to
each other as they do on GitHub; this folder adds the site's own pages and its extension.

Every lesson in textrnn_lessons.teaching.catalogue.LESSONS is executed by MyST-NB with the preset
in $TEXTRNN_LESSONS_PRESET on the data in $TEXTRNN_LESSONS_DATA. Executions are cached per preset
and data (jupyter-cache, keyed on the code cells), so a prose edit does not retrain; a cell that
fails fails the build. Nothing is fetched at build time or at view time: the theme and the search
are in the installed packages, and the widget scripts MyST-NB would take from a CDN are switched
off (a widget appears as a "launch to try" note). The lessons hold no LaTeX maths, so no page
loads MathJax; maths would need a local MathJax first (the browser test would fail on the CDN).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

SITE = Path(__file__).resolve().parent
sys.path.insert(0, str(SITE / "_ext"))

from textrnn_site.facts import BuildFacts  # noqa: E402

textrnn_facts = BuildFacts.from_environment(
    build_dir=Path(os.environ.get("TEXTRNN_SITE_BUILD_DIR") or SITE / "_build")
)
# The kernels inherit the preset, the absolute data folder and the build's results log.
textrnn_facts.export(fresh=os.environ.get("TEXTRNN_SITE_FRESH") == "1")

project = "textrnn-lessons"
author = "the textrnn-lessons authors"
copyright = "the textrnn-lessons authors, MIT licence"
html_title = "RNNs for text classification"
root_doc = "site/index"

extensions = ["myst_nb", "textrnn_site"]

# Pages: the site's own, the lessons and the two guides; the lessons' .ipynb twins are downloads,
# not pages. Sphinx still walks every folder it is not told to skip, so the others are named
# (a virtual environment holds tens of thousands of files). A fixed list, not the folders found:
# a new folder (test-artifacts/) would otherwise change the configuration and re-read every page.
include_patterns = ["site/*.md", "notebooks/*.md", "docs/*.md"]
exclude_patterns = [
    ".*",
    "*.egg-info",
    "apps",
    "benchmarks",
    "binder",
    "build",
    "dist",
    "node_modules",
    "reports",
    "site/_build",
    "site/README.md",
    "speed-results",
    "test-artifacts",
    "tests",
    "textrnn_lessons",
    "venv",
    "**/.ipynb_checkpoints",
]
templates_path = ["_templates"]

# --- MyST and MyST-NB
myst_enable_extensions = ["html_image", "colon_fence", "deflist"]
myst_heading_anchors = 3
nb_execution_mode = "cache"
nb_execution_cache_path = str(textrnn_facts.execution_dir / "jupyter_cache")
nb_execution_timeout = 1800  # seconds per cell: 07's experiments on the full preset are long
nb_execution_raise_on_error = True  # a failing cell fails the build: no traceback on a page
nb_execution_show_tb = True
nb_render_markdown_format = "myst"  # Markdown a cell displays (00's table of lessons) has tables
nb_merge_streams = False  # textrnn_site.outputs joins them without breaking progress bars
nb_ipywidgets_js = {}  # no require.js or html-manager from a CDN; widgets become a note
nb_output_stderr = "show"  # what a learner sees in JupyterLab, warnings included

# --- HTML
html_theme = "sphinx_book_theme"
html_static_path = ["_static"]
html_css_files = ["site.css"]
html_favicon = "_static/favicon.svg"  # else the browser asks for /favicon.ico, which is missing
html_copy_source = False
html_use_index = False  # no API to index: the glossary and the search are the ways in
html_show_sourcelink = False
html_additional_pages = {"index": "redirect.html"}  # the site's address opens the landing page
html_theme_options = {
    "repository_url": f"https://github.com/{textrnn_facts.repository}",
    "repository_branch": textrnn_facts.branch,
    "use_repository_button": True,
    "use_download_button": False,  # each lesson links its own .ipynb (textrnn_site.lesson_pages)
    "use_fullscreen_button": False,
    "home_page_in_toc": True,
    "show_toc_level": 2,
}
html_context = {"default_mode": "light"}
