"""Links between files, as they work on GitHub, made to work on the site.

A lesson or guide may link to another page by its file (`02_single_rnn_25_tokens.ipynb`,
`../docs/learner-setup.md`): on the site that becomes the page. A link to a repository file the
site does not publish (`../README.md`, a script) becomes the file on GitHub, instead of a broken
link or a copy of the file. Links printed by a cell (a Markdown output, such as a lesson's
"Next" link) get the same treatment once the pages are known.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from urllib.parse import urlsplit

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform

#: File endings that name a page when the file is one of the site's sources.
PAGE_SUFFIXES = (".md", ".ipynb")


def _repository_file(env, docname: str, target: str) -> Path | None:
    """The file a relative link from `docname` names, if it lies in the repository (srcdir)."""
    srcdir = Path(env.srcdir).resolve()
    if target.startswith("/"):
        path = (srcdir / target.lstrip("/")).resolve()
    else:
        path = (srcdir / posixpath.dirname(docname) / target).resolve()
    if srcdir not in path.parents or not path.is_file():
        return None
    return path


class RepositoryLinks(SphinxTransform):
    """Links from a page's Markdown to files that are not pages: to GitHub."""

    default_priority = 450  # before the environment collects the downloads (doctree-read)

    def apply(self, **kwargs):
        facts = self.config.textrnn_facts
        srcdir = Path(self.env.srcdir).resolve()
        for node in list(self.document.findall(addnodes.pending_xref)):
            if node.get("reftype") != "myst" or node.get("refdomain") != "doc":
                continue
            if node["reftarget"] in self.env.found_docs:
                continue
            for suffix in PAGE_SUFFIXES:
                path = srcdir / (node["reftarget"] + suffix)
                if path.is_file():
                    node.replace_self(_github(node, facts, path.relative_to(srcdir)))
                    break
        for node in list(self.document.findall(addnodes.download_reference)):
            if node.get("reftype") != "myst":
                continue  # the lessons' own .ipynb downloads (reftype "textrnn") stay
            path = _repository_file(self.env, self.env.docname, node["reftarget"])
            if path is not None:
                node.replace_self(_github(node, facts, path.relative_to(srcdir)))


def _github(node: nodes.Element, facts, path: Path) -> nodes.reference:
    reference = nodes.reference("", "", refuri=facts.source_url(path.as_posix()), internal=False)
    reference += node.children
    return reference


class OutputLinks(SphinxPostTransform):
    """Relative links a cell printed (Markdown outputs): to the page, or to GitHub."""

    default_priority = 20

    def run(self, **kwargs):
        facts = self.config.textrnn_facts
        srcdir = Path(self.env.srcdir).resolve()
        docname = self.env.docname
        for node in self.document.findall(nodes.reference):
            uri = node.get("refuri", "")
            parts = urlsplit(uri)
            if not uri or parts.scheme or parts.netloc or uri.startswith("#"):
                continue
            if not parts.path.endswith(PAGE_SUFFIXES) or not _is_printed(node):
                continue
            path = _repository_file(self.env, docname, parts.path)
            if path is None:
                continue
            relative = path.relative_to(srcdir).as_posix()
            target = relative.rsplit(".", 1)[0]
            anchor = f"#{parts.fragment}" if parts.fragment else ""
            if target in self.env.all_docs:
                node["refuri"] = self.app.builder.get_relative_uri(docname, target) + anchor
            else:
                node["refuri"] = facts.source_url(relative) + anchor


def _is_printed(node: nodes.Node) -> bool:
    while node is not None:
        if isinstance(node, nodes.container) and node.get("nb_element") == "cell_code_output":
            return True
        node = node.parent
    return False


def setup(app):
    app.add_transform(RepositoryLinks)
    app.add_post_transform(OutputLinks)
