"""The pre-flight check behind `textrnn-lessons check` and notebook 00_start_here.

Each check returns (ok, message); the message says what to do when it fails. An
instructor runs the whole set on the room's machines (or one Binder session) before
a workshop: libraries, widget support, data, memory, a tiny real training run, and
what that run predicts for the length of each lesson.
"""

from __future__ import annotations

import json
import platform
from importlib import metadata
from pathlib import Path

from ..machine import memory_limit_bytes
from ..settings import DATA_ENV, Preset, cache_dir, data_dir_from_env
from .lesson_times import LESSON_REFERENCE

REQUIRED = (
    "tensorflow",
    "keras",
    "scikit-learn",
    "lime",
    "scikit-plots",
    "ipywidgets",
    "jupyterlab_widgets",
    "pooch",
    "pandas",
    "matplotlib",
)
# The same library published under another name: Binder installs the CPU-only TensorFlow wheel.
ALIASES = {"tensorflow": ("tensorflow", "tensorflow-cpu")}
WIDGET_EXTENSION = "@jupyter-widgets/jupyterlab-manager"
SERVER_MB = 256  # room left for the Jupyter server beside the kernel (Binder counts both)
FIX_INSTALL = (
    "run `pip install -e .` in the project folder, or "
    "`conda env update -f environment.yml` in the conda environment"
)


def _installed(name: str) -> tuple[str | None, str | None]:
    """(distribution, version) of a library, trying its aliases; (None, None) if absent."""
    for candidate in ALIASES.get(name, (name,)):
        try:
            return candidate, metadata.version(candidate)
        except metadata.PackageNotFoundError:
            continue
    return None, None


def _declared_requirements() -> list:
    """The package's own runtime requirements (pyproject.toml's `dependencies`)."""
    from packaging.requirements import Requirement

    try:
        lines = metadata.requires("textrnn-lessons") or []
    except metadata.PackageNotFoundError:  # running from a source tree that was never installed
        return [Requirement(name) for name in REQUIRED]
    requirements = [Requirement(line) for line in lines]
    return [r for r in requirements if r.marker is None or r.marker.evaluate({"extra": ""})]


def check_versions() -> tuple[bool, str]:
    """Every library the lessons import is installed, inside the ranges the package declares."""
    found, problems = [], []
    for requirement in _declared_requirements():
        dist, version = _installed(requirement.name)
        if version is None:
            problems.append(f"{requirement.name} is missing")
        elif not requirement.specifier.contains(version, prereleases=True):
            problems.append(f"{dist} {version} is outside {requirement.specifier}")
        else:
            found.append(f"{dist} {version}")
    if problems:
        return False, f"{'; '.join(problems)}: {FIX_INSTALL}"
    return True, f"Python {platform.python_version()}; " + ", ".join(found)


def _labextension_dirs() -> list[Path]:
    """Folders JupyterLab searches for prebuilt extensions, in its order of preference."""
    from jupyter_core.paths import jupyter_path

    return [Path(p) for p in jupyter_path("labextensions")]


def check_widgets() -> tuple[bool, str]:
    """ipywidgets 8 and the JupyterLab extension that draws its widgets, at matching versions.

    Without the extension (or with one left over from another install) widgets print as
    text such as `VBox(children=...)` instead of controls, and the approach panel is dead.
    """
    from packaging.requirements import Requirement

    _, ipywidgets = _installed("ipywidgets")
    _, lab_widgets = _installed("jupyterlab_widgets")
    if ipywidgets is None or lab_widgets is None:
        return False, f"ipywidgets and jupyterlab_widgets must both be installed: {FIX_INSTALL}"
    if int(ipywidgets.split(".")[0]) != 8:
        return False, f"ipywidgets {ipywidgets} is installed; the lessons need 8.x: {FIX_INSTALL}"
    wanted = [Requirement(r) for r in metadata.requires("ipywidgets") or []]
    wanted = [r for r in wanted if r.name.replace("_", "-").lower() == "jupyterlab-widgets"]
    if wanted and not wanted[0].specifier.contains(lab_widgets, prereleases=True):
        return False, (
            f"ipywidgets {ipywidgets} needs jupyterlab_widgets{wanted[0].specifier} but "
            f"{lab_widgets} is installed, so widgets will not render: run "
            "`pip install --upgrade ipywidgets jupyterlab_widgets`"
        )
    searched = _labextension_dirs()
    first = next(
        (
            d / WIDGET_EXTENSION
            for d in searched
            if (d / WIDGET_EXTENSION / "package.json").is_file()
        ),
        None,
    )
    if first is None:
        return False, (
            f"JupyterLab's widget extension {WIDGET_EXTENSION} is in none of "
            f"{', '.join(map(str, searched))}, so widgets will show as text: run "
            "`pip install --force-reinstall jupyterlab_widgets`"
        )
    shipped = _shipped_extension_dir()
    if shipped is not None and first.resolve() != shipped.resolve():
        other = json.loads((first / "package.json").read_text(encoding="utf-8")).get("version")
        return False, (
            f"JupyterLab will load the widget extension {other} from {first}, not the "
            f"one jupyterlab_widgets {lab_widgets} installed in {shipped}: delete "
            f"{first} (left over from another install) and restart JupyterLab"
        )
    version = json.loads((first / "package.json").read_text(encoding="utf-8")).get("version")
    return True, (
        f"ipywidgets {ipywidgets}, jupyterlab_widgets {lab_widgets}; JupyterLab "
        f"extension {WIDGET_EXTENSION} {version} in {first.parent.parent}"
    )


def _shipped_extension_dir() -> Path | None:
    """Where the installed jupyterlab_widgets distribution put its JupyterLab extension."""
    try:
        dist = metadata.distribution("jupyterlab_widgets")
    except metadata.PackageNotFoundError:
        return None
    for file in dist.files or []:
        if str(file).replace("\\", "/").endswith(f"{WIDGET_EXTENSION}/package.json"):
            return Path(dist.locate_file(file)).resolve().parent
    return None


def check_data(data_dir: Path | str | None = None) -> tuple[bool, str]:
    """Both files present and readable; canonical ones match their MD5s, others read as AG News."""
    from ..data.download import REGISTRY, is_canonical
    from ..data.reading import DataError, read_all_topics, require_folder

    given = Path(data_dir) if data_dir else data_dir_from_env()
    folder = given or cache_dir()
    try:
        require_folder(folder)
        missing = [name for name in REGISTRY if not (folder / name).is_file()]
        if missing:
            return False, (
                f"no {' or '.join(missing)} in {folder}: run `textrnn-lessons download` "
                f"(needs internet) or set {DATA_ENV} to a folder holding both files"
            )
        parts = []
        for name in REGISTRY:
            path = folder / name
            if is_canonical(path):
                parts.append(f"{name} canonical (MD5 verified)")
            elif given:
                split = read_all_topics(path)
                parts.append(
                    f"{name} {len(split):,} rows (not the canonical file: results are "
                    "not comparable with the tutorial's)"
                )
            else:
                return False, (
                    f"{path} does not match its published MD5: delete it and run "
                    "`textrnn-lessons download` again"
                )
    except DataError as error:
        return False, str(error)
    return True, f"{folder}: " + "; ".join(parts)


def check_memory(preset: Preset) -> tuple[bool, str]:
    """The machine (or Binder pod) has room for the preset's largest notebook."""
    need_mb = LESSON_REFERENCE["peak_rss_mb"].get(preset.name)
    limit = memory_limit_bytes()
    have = f"{limit / 2**30:.1f} GB" if limit else "an unknown amount of memory"
    if need_mb is None:
        return True, f"this machine allows {have}; no measured need for the {preset.name} preset"
    need = f"{need_mb / 1024:.1f} GB"
    if limit and limit < (need_mb + SERVER_MB) * 2**20:
        return False, (
            f"the {preset.name} preset's largest notebook peaks at {need} and this "
            f"machine allows {have}: use a smaller preset (TEXTRNN_LESSONS_PRESET="
            "workshop or smoke) or a machine with more memory"
        )
    return (
        True,
        f"the {preset.name} preset's largest notebook peaks at {need}; this machine allows {have}",
    )


def run_checks(preset: Preset, data_dir=None, out=print) -> bool:
    """Run every check, print one line each, and say whether all passed."""
    from .lesson_times import lesson_times_message, tiny_run, training_message

    checks = [
        ("libraries", check_versions),
        ("widgets", check_widgets),
        ("data", lambda: check_data(data_dir)),
        ("memory", lambda: check_memory(preset)),
    ]
    results = []
    for name, check in checks:
        ok, message = _safely(check)
        results.append(ok)
        out(f"[{'ok' if ok else 'FAIL'}] {name}: {message}")
    if not all(results):
        out("[skip] training: fix the failures above first")
        out("Some checks failed (see above).")
        return False
    measured = {}

    def training():
        seconds, accuracy, articles = tiny_run(data_dir)
        measured["seconds"] = seconds
        return True, training_message(preset, seconds, accuracy, articles)

    ok, message = _safely(training)
    out(f"[{'ok' if ok else 'FAIL'}] training: {message}")
    if ok:
        _, message = _safely(lambda: lesson_times_message(preset, measured["seconds"]))
        out(f"[info] lesson times: {message}")
    out("All checks passed: ready for the lessons." if ok else "Some checks failed (see above).")
    return ok


def _safely(check) -> tuple[bool, str]:
    """Turn an unexpected exception into a failed check instead of a traceback."""
    try:
        return check()
    except (ValueError, OSError) as error:  # DataError and ResultsLogError are ValueErrors
        return False, str(error)
    except Exception as error:
        return False, f"{type(error).__name__}: {error}"
