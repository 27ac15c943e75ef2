"""The workshop app's Voilà set-up: its page template and its kernel culling, from any folder.

`jupyter/` beside this file is a Jupyter prefix: `share/jupyter` holds the app's Voilà template
(Voilà's "lab" page without its CDN stylesheets, and with a working close-the-kernel-on-unload),
`etc/jupyter` holds `voila.json` (the template, the offline Content-Security-Policy, kernel
culling) and `jupyter_server_config.json` (the same culling for Voilà as a Jupyter server
extension, Binder's `voila/render/...` route). Putting the two folders on Jupyter's search
paths ($JUPYTER_PATH, $JUPYTER_CONFIG_PATH) is all it takes: `textrnn-lessons app`,
binder/start, the JupyterHub recipe in docs/instructor-guide.md and the tests all do it that way.

Culling: a kernel with no browser connected for `cull_idle_timeout` seconds is shut down, so a
tab closed without Voilà's unload request (a laptop lid, a crashed browser) frees its gigabyte
within a minute; a tab that is open keeps its kernel however long it stays idle.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

#: The Jupyter prefix this package ships for the app (see the module docstring).
PREFIX = Path(__file__).resolve().parent / "jupyter"
DATA_PATH = PREFIX / "share" / "jupyter"
CONFIG_PATH = PREFIX / "etc" / "jupyter"
TEMPLATE = "textrnn-lessons"
#: The app, in a clone of the repository (it is not part of an installed package).
APP = Path(__file__).resolve().parents[2] / "apps" / "approach_explorer.ipynb"


def jupyter_environment(environ=None) -> dict[str, str]:
    """`environ` (default: this process's) with the app's folders first on Jupyter's paths."""
    environ = dict(os.environ if environ is None else environ)
    for name, folder in (("JUPYTER_PATH", DATA_PATH), ("JUPYTER_CONFIG_PATH", CONFIG_PATH)):
        others = [p for p in environ.get(name, "").split(os.pathsep) if p and p != str(folder)]
        environ[name] = os.pathsep.join([str(folder), *others])
    return environ


def app_notebook() -> Path:
    """The app's notebook, or a FileNotFoundError that says where it should be."""
    if not APP.is_file():
        raise FileNotFoundError(
            f"The workshop app ({APP.name}) is not beside this installation of "
            f"textrnn_lessons (looked in {APP.parent}). It comes with the repository: clone "
            "it, install it with `pip install -e .`, and run `textrnn-lessons app` there."
        )
    return APP


def voila_command(notebook: Path | None = None, *voila_args: str) -> list[str]:
    """`python -m voila <app>` with `voila_args`; run it with `jupyter_environment()`."""
    return [sys.executable, "-m", "voila", str(notebook or app_notebook()), *voila_args]
