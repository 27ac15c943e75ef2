"""Keep each lesson's MyST text file and its notebook in step, without ever losing an edit.

Each lesson is `notebooks/NN_name.md` (what authors edit and review) and `NN_name.ipynb` (what
learners open). The pair is not linked for JupyterLab, so a learner who runs and saves a lesson
changes only the notebook. Authors keep the two in step with this script:

    python tools/lessons.py sync     # write the side that did not change from the side that did
    python tools/lessons.py check    # what pre-commit and the tests run: in step, no stray outputs
    python tools/lessons.py author-mode on|off   # JupyterLab pairs on save (this checkout only)

"Changed" means changed since the last commit, when every pair was in step (the tests see to
that). When both sides of a pair changed and they disagree, `sync` and `check` refuse and name
both files: only the author knows which edit to keep.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import jupytext
import nbformat
from jupytext.combine import combine_inputs_with_outputs

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
TEXT_FORMAT = "md:myst"
#: Cells whose stored output nbval compares; every other code cell is committed empty.
CHECKED = "nbval-check-output"
#: Written by `author-mode on`, ignored by git: JupyterLab's jupytext pairs the lessons on save.
AUTHOR_CONFIG = NOTEBOOKS / "jupytext.toml"
SYNC = "python tools/lessons.py sync"


@dataclass(frozen=True)
class Pair:
    """One lesson: its text file and its notebook."""

    text: Path
    notebook: Path

    @property
    def stem(self) -> str:
        return self.text.stem


def pairs(folder: Path = NOTEBOOKS) -> list[Pair]:
    """Every lesson in `folder`, found from either side so that a missing half shows up."""
    stems = sorted(
        {p.stem for p in folder.glob("[0-9]*.md")} | {p.stem for p in folder.glob("[0-9]*.ipynb")}
    )
    return [Pair(folder / f"{stem}.md", folder / f"{stem}.ipynb") for stem in stems]


def _tags(cell) -> list[str]:
    return sorted(cell.get("metadata", {}).get("tags", []))


def differences(text_nb, notebook) -> list[str]:
    """Where the two sides disagree: cells (kind, source, tags) and the kernel."""
    found = []
    mine = [(c.cell_type, c.source.strip(), _tags(c)) for c in text_nb.cells]
    theirs = [(c.cell_type, c.source.strip(), _tags(c)) for c in notebook.cells]
    for number, (a, b) in enumerate(zip(mine, theirs), start=1):
        if a != b:
            what = "kind" if a[0] != b[0] else "text" if a[1] != b[1] else "tags"
            found.append(f"cell {number} differs in its {what}")
    if len(mine) != len(theirs):
        found.append(f"the text file has {len(mine)} cells and the notebook {len(theirs)}")
    kernels = text_nb.metadata.get("kernelspec"), notebook.metadata.get("kernelspec")
    if kernels[0] != kernels[1]:
        found.append(f"the kernels differ ({_kernel(kernels[0])} and {_kernel(kernels[1])})")
    return found


def _kernel(spec) -> str:
    return repr(spec.get("name")) if spec else "none"


def stray_outputs(notebook) -> list[str]:
    """Code cells that store outputs or execution counts nbval does not check."""
    problems = []
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type != "code" or CHECKED in _tags(cell):
            continue
        if cell.get("outputs"):
            problems.append(f"cell {number} stores {len(cell.outputs)} output(s)")
        if cell.get("execution_count") is not None:
            problems.append(f"cell {number} stores execution count {cell.execution_count}")
    return problems


def changed_since_commit(path: Path) -> bool | None:
    """True when `path` differs from the last commit (or is new or deleted); None outside git."""
    try:
        result = subprocess.run(
            ["git", "status", "--porcelain", "--", path.name],
            cwd=path.parent,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return bool(result.stdout.strip())


def _rel(path: Path) -> str:
    """`notebooks/NN_name.md`: the path as the author sees it from the repository's root."""
    return str(path.relative_to(path.parent.parent))


def problems_of(pair: Pair) -> list[str]:
    """Sentences for whatever is wrong with one pair (empty when it is in step and clean)."""
    text, notebook = _rel(pair.text), _rel(pair.notebook)
    if not pair.text.exists() and not pair.notebook.exists():
        return []
    if not pair.notebook.exists():
        return [f"{notebook} is missing: `{SYNC}` writes it again from {text}."]
    if not pair.text.exists():
        return [f"{text} is missing: `{SYNC}` writes it again from {notebook}."]
    try:
        text_nb = jupytext.read(pair.text)
        stored = nbformat.read(pair.notebook, as_version=4)
        nbformat.validate(stored)
    except Exception as error:  # any unreadable file is reported, not raised
        return [f"{pair.stem}: cannot read the pair ({type(error).__name__}: {error})."]
    problems = []
    outputs = stray_outputs(stored)
    if outputs:
        problems.append(
            f"{notebook} stores outputs ({'; '.join(outputs[:3])}): clear them (Edit > Clear "
            f"Outputs of All Cells in JupyterLab, or `jupyter nbconvert --clear-output --inplace "
            f"{notebook}`) and commit the notebook without them."
        )
    if "jupytext" in stored.metadata:
        problems.append(
            f"{notebook} carries jupytext settings in its metadata, which would make JupyterLab "
            f"rewrite {text} whenever a learner saves the lesson: run `{SYNC} --from text` to drop them."
        )
    disagree = differences(text_nb, stored)
    if disagree:
        where = "; ".join(disagree[:3])
        both = changed_since_commit(pair.text) and changed_since_commit(pair.notebook)
        if both:
            problems.append(
                f"{text} and {notebook} both changed since the last commit and they disagree "
                f"({where}). Keep the edit you want in one of them, undo the other "
                f"(`git checkout -- <file>`) or copy your change across by hand, then run `{SYNC}`."
            )
        else:
            problems.append(f"{text} and {notebook} disagree ({where}): run `{SYNC}`.")
    return problems


def source_side(pair: Pair, prefer: str | None = None) -> str | None:
    """'text' or 'notebook': the side to copy from; None when no side can be chosen safely."""
    if prefer:
        return prefer
    if not pair.notebook.exists():
        return "text"
    if not pair.text.exists():
        return "notebook"
    text_changed, notebook_changed = (
        changed_since_commit(pair.text),
        changed_since_commit(pair.notebook),
    )
    if text_changed and not notebook_changed:
        return "text"
    if notebook_changed and not text_changed:
        return "notebook"
    return None


def sync(pair: Pair, prefer: str | None = None) -> str:
    """Bring one pair in step; returns what was done, as a sentence. Raises ValueError with a
    sentence when it would have to guess which edit to keep."""
    if not pair.text.exists() and not pair.notebook.exists():
        return f"{pair.stem}: nothing to do."
    if pair.text.exists() and pair.notebook.exists():
        stored = nbformat.read(pair.notebook, as_version=4)
        if not differences(jupytext.read(pair.text), stored):
            return f"{pair.stem}: in step."
    side = source_side(pair, prefer)
    if side is None:
        raise ValueError(
            f"{_rel(pair.text)} and {_rel(pair.notebook)} both changed since the last commit "
            f"(or neither did) and they disagree: say which one to keep with --from text or "
            f"--from notebook (the other is overwritten), or undo one with `git checkout -- <file>`."
        )
    if side == "text":
        write_notebook_from_text(pair)
        return f"{pair.stem}: wrote {_rel(pair.notebook)} from {_rel(pair.text)}."
    write_text_from_notebook(pair)
    return f"{pair.stem}: wrote {_rel(pair.text)} from {_rel(pair.notebook)}."


def write_notebook_from_text(pair: Pair) -> None:
    """The notebook's cells from the text file, keeping the outputs nbval checks."""
    text_nb = jupytext.read(pair.text)
    if pair.notebook.exists():
        stored = nbformat.read(pair.notebook, as_version=4)
        text_nb = combine_inputs_with_outputs(text_nb, stored, fmt=TEXT_FORMAT)
    notebook = _clean(text_nb)
    nbformat.validate(notebook)
    nbformat.write(notebook, pair.notebook)


def write_text_from_notebook(pair: Pair) -> None:
    """The text file from the notebook's cells (outputs never go to the text file)."""
    jupytext.write(_clean(nbformat.read(pair.notebook, as_version=4)), pair.text, fmt=TEXT_FORMAT)


def _clean(notebook):
    """Only what belongs in the repository: no stray outputs, no run-time metadata. A checked
    cell keeps its outputs and its execution count (nbval refuses a reference cell that has
    outputs but no count: "Unrun reference cell has outputs")."""
    notebook = nbformat.from_dict(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code" and CHECKED not in _tags(cell):
            cell.outputs, cell.execution_count = [], None
        elif cell.cell_type == "code" and not cell.get("outputs"):
            cell.execution_count = None
    metadata = notebook.metadata
    metadata.pop("jupytext", None)
    metadata["language_info"] = {"name": "python"}
    return notebook


def author_mode(on: bool) -> str:
    if on:
        AUTHOR_CONFIG.write_text(
            "# Author mode (python tools/lessons.py author-mode on): JupyterLab pairs each lesson\n"
            "# with its text file on save. Not committed; `author-mode off` removes it.\n"
            'formats = "ipynb,md:myst"\n',
            encoding="utf-8",
        )
        return (
            f"Author mode on: saving a lesson in JupyterLab now rewrites its .md too "
            f"({_rel(AUTHOR_CONFIG)}, ignored by git). Restart JupyterLab for it to apply."
        )
    AUTHOR_CONFIG.unlink(missing_ok=True)
    return "Author mode off: saving a lesson in JupyterLab changes only the notebook."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    check_cmd = commands.add_parser("check", help="every pair in step, no stray outputs")
    check_cmd.add_argument("files", nargs="*", help="only the lessons of these files (pre-commit)")
    sync_cmd = commands.add_parser("sync", help="write the unchanged side from the changed one")
    sync_cmd.add_argument("files", nargs="*", help="only the lessons of these files")
    sync_cmd.add_argument("--from", dest="prefer", choices=("text", "notebook"))
    mode = commands.add_parser("author-mode", help="JupyterLab pairs on save in this checkout")
    mode.add_argument("state", choices=("on", "off"))
    parser.add_argument("--notebooks", type=Path, default=NOTEBOOKS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.command == "author-mode":
        print(author_mode(args.state == "on"))
        return 0
    chosen = pairs(args.notebooks)
    if args.files:
        stems = {Path(f).stem for f in args.files}
        chosen = [p for p in chosen if p.stem in stems]
    if args.command == "sync":
        failed = False
        for pair in chosen:
            try:
                print(sync(pair, args.prefer))
            except ValueError as error:
                print(f"error: {error}", file=sys.stderr)
                failed = True
        return 1 if failed else 0
    problems = [problem for pair in chosen for problem in problems_of(pair)]
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
