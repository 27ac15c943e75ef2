"""pyproject.toml, environment.yml and binder/ must name the same libraries with the same ranges.

conda cannot reach its channels on the machines this runs on, so environment.yml is checked
by structure and by name: every conda entry must be a known conda-forge package (the static
map below) and every pip entry a PyPI distribution installed in this environment.
"""

from __future__ import annotations

import re
import stat
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = pytest.importorskip("tomli")

REPO = Path(__file__).resolve().parents[1]

# PyPI name -> conda-forge package name, for the libraries environment.yml takes from conda.
# Each is the name of a conda-forge feedstock that builds that PyPI project; matplotlib maps to
# matplotlib-base (the library without the Qt GUI stack that conda-forge's `matplotlib` adds).
PYPI_TO_CONDA_FORGE = {
    "numpy": "numpy",
    "pandas": "pandas",
    "scikit-learn": "scikit-learn",
    "matplotlib": "matplotlib-base",
    "pooch": "pooch",
    "requests": "requests",
    "platformdirs": "platformdirs",
    "tqdm": "tqdm",
    "tabulate": "tabulate",
    "ipywidgets": "ipywidgets",
    "jupyterlab": "jupyterlab",
    "jupytext": "jupytext",
    "voila": "voila",
}
CONDA_TOOLS = {"python", "pip"}  # in a conda environment but not package dependencies
# Binder installs the CPU-only TensorFlow wheel under its own name; same versions, same code.
BINDER_NAMES = {"tensorflow": "tensorflow-cpu"}


# ---------------------------------------------------------------- reading the three files


def pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def pyproject_requirements() -> dict[str, SpecifierSet]:
    """pyproject.toml's runtime dependencies: canonical name -> version range."""
    found = {}
    for line in pyproject()["project"]["dependencies"]:
        requirement = Requirement(line)
        found[canonicalize_name(requirement.name)] = requirement.specifier
    return found


def read_environment(path: Path = REPO / "environment.yml") -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def split_environment(env: dict) -> tuple[dict[str, str], list[str]]:
    """(conda entries: conda name -> spec text, pip section lines) of an environment.yml."""
    conda, pip_lines = {}, []
    for entry in env["dependencies"]:
        if isinstance(entry, dict):
            pip_lines.extend(entry["pip"])
            continue
        name, spec = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)\s*(.*?)\s*", entry).groups()
        conda[name.lower()] = spec
    return conda, pip_lines


def pip_requirements(lines) -> dict[str, SpecifierSet]:
    """Requirement lines (a pip section or requirements.txt) -> canonical name -> range.

    Option lines such as `-e .` are skipped here; tests look for them separately.
    """
    found = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            requirement = Requirement(line)
            found[canonicalize_name(requirement.name)] = requirement.specifier
    return found


def environment_requirements(env: dict) -> dict[str, SpecifierSet]:
    """Every library an environment.yml installs, by PyPI name, with its range."""
    conda, pip_lines = split_environment(env)
    conda_to_pypi = {conda_name: pypi for pypi, conda_name in PYPI_TO_CONDA_FORGE.items()}
    found = {}
    for conda_name, spec in conda.items():
        if conda_name not in CONDA_TOOLS:
            found[canonicalize_name(conda_to_pypi.get(conda_name, conda_name))] = SpecifierSet(spec)
    for name, spec in pip_requirements(pip_lines).items():
        if name in found:
            raise AssertionError(f"{name} is in environment.yml twice (conda and pip)")
        found[name] = spec
    return found


def binder_requirements(
    path: Path = REPO / "binder" / "requirements.txt",
) -> dict[str, SpecifierSet]:
    """binder/requirements.txt by PyPI name of the library (tensorflow-cpu counts as tensorflow)."""
    back = {binder: pypi for pypi, binder in BINDER_NAMES.items()}
    lines = path.read_text(encoding="utf-8").splitlines()
    return {back.get(name, name): spec for name, spec in pip_requirements(lines).items()}


def drift(
    expected: dict[str, SpecifierSet], found: dict[str, SpecifierSet], where: str
) -> list[str]:
    """Sentences naming each difference between two name -> range maps."""
    problems = [
        f"{where} lacks {name} (pyproject.toml: {name}{spec})"
        for name, spec in expected.items()
        if name not in found
    ]
    problems += [
        f"{where} has {name}, which pyproject.toml's dependencies do not"
        for name in found
        if name not in expected
    ]
    problems += [
        f"{where} asks for {name}{found[name] or ' (any version)'} but pyproject.toml "
        f"for {name}{expected[name]}"
        for name in expected
        if name in found and found[name] != expected[name]
    ]
    return problems


# ---------------------------------------------------------------- environment.yml


def test_environment_yml_has_conda_structure():
    env = read_environment()
    assert set(env) == {"name", "channels", "dependencies"}, sorted(env)
    assert env["name"] == "textrnn-lessons"
    assert env["channels"] == ["conda-forge"], (
        "only conda-forge: `defaults` needs a licence for many users"
    )
    pip_sections = [entry for entry in env["dependencies"] if isinstance(entry, dict)]
    assert len(pip_sections) == 1 and set(pip_sections[0]) == {"pip"}
    conda, pip_lines = split_environment(env)
    assert "pip" in conda, "a pip section needs pip itself among the conda packages"
    assert all(isinstance(line, str) for line in pip_lines)


def test_environment_yml_installs_the_project_itself():
    _, pip_lines = split_environment(read_environment())
    assert any(re.fullmatch(r"(-e|--editable)\s+\.", line.strip()) for line in pip_lines), (
        "the pip section must end with `-e .` so the lessons' package is installed"
    )


def test_environment_python_is_one_the_project_supports():
    conda, _ = split_environment(read_environment())
    python = conda["python"].lstrip("=")
    assert re.fullmatch(r"3\.\d+", python), (
        f"pin a Python minor version, e.g. python=3.11, not {python!r}"
    )
    assert Version(python) in SpecifierSet(pyproject()["project"]["requires-python"])


def test_every_conda_entry_exists_on_conda_forge_by_name():
    conda, _ = split_environment(read_environment())
    known = set(PYPI_TO_CONDA_FORGE.values()) | CONDA_TOOLS
    unknown = sorted(set(conda) - known)
    assert not unknown, (
        f"{unknown} are not in this test's map of conda-forge names: move them "
        "to the pip section, or add them to PYPI_TO_CONDA_FORGE once checked"
    )


def test_every_pip_entry_is_a_pypi_distribution_installed_here():
    """This environment was installed from PyPI, so an installed name resolves there."""
    _, pip_lines = split_environment(read_environment())
    for name, spec in pip_requirements(pip_lines).items():
        version = metadata.version(name)  # raises PackageNotFoundError for a wrong name
        assert spec.contains(version, prereleases=True), (
            f"installed {name} {version} is outside {spec}"
        )


def test_environment_yml_agrees_with_pyproject():
    problems = drift(
        pyproject_requirements(), environment_requirements(read_environment()), "environment.yml"
    )
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------- binder/


def test_binder_requirements_agree_with_pyproject():
    problems = drift(pyproject_requirements(), binder_requirements(), "binder/requirements.txt")
    assert not problems, "\n".join(problems)


def test_binder_uses_cpu_only_tensorflow():
    text = (REPO / "binder" / "requirements.txt").read_text(encoding="utf-8")
    names = pip_requirements(text.splitlines())
    assert "tensorflow-cpu" in names and "tensorflow" not in names


def test_binder_python_matches_environment_yml():
    runtime = (REPO / "binder" / "runtime.txt").read_text(encoding="utf-8").strip()
    assert re.fullmatch(r"python-3\.\d+", runtime), runtime
    conda, _ = split_environment(read_environment())
    assert runtime == f"python-{conda['python'].lstrip('=')}"


def test_binder_scripts_are_executable_and_agree_on_the_data_folder():
    postbuild, start = REPO / "binder" / "postBuild", REPO / "binder" / "start"
    for script in (postbuild, start):
        assert script.stat().st_mode & stat.S_IXUSR, f"{script} must be executable (chmod +x)"
        assert script.read_text(encoding="utf-8").startswith("#!/usr/bin/env bash\n")
    assert start.read_text(encoding="utf-8").rstrip().endswith('exec "$@"'), (
        "binder/start must end by running the server it was given"
    )
    default = re.compile(r'TEXTRNN_LESSONS_DATA:-([^}"]+)')
    assert default.findall(postbuild.read_text()) == default.findall(start.read_text())


def test_postbuild_installs_the_package_without_its_dependencies():
    """--no-deps keeps tensorflow-cpu: pip would otherwise add the 570 MB GPU-capable wheel."""
    text = (REPO / "binder" / "postBuild").read_text(encoding="utf-8")
    assert re.search(r"pip install .*--no-deps .*(-e|--editable) \.", text)


# ---------------------------------------------------------------- the checker can fail


def test_drift_names_a_changed_range_a_missing_and_an_extra_package(tmp_path):
    text = (REPO / "environment.yml").read_text(encoding="utf-8")
    assert "  - pandas>=2.1,<4\n" in text and "  - numpy>=1.26,<3\n" in text
    drifted = text.replace("  - pandas>=2.1,<4\n", "").replace(
        "  - numpy>=1.26,<3\n", "  - numpy>=1.26,<2\n  - torch\n"
    )
    (tmp_path / "environment.yml").write_text(drifted, encoding="utf-8")
    problems = drift(
        pyproject_requirements(),
        environment_requirements(read_environment(tmp_path / "environment.yml")),
        "environment.yml",
    )
    assert any("lacks pandas" in p for p in problems), problems
    assert any("has torch" in p for p in problems), problems
    assert any("numpy<2,>=1.26" in p and "numpy<3,>=1.26" in p for p in problems), problems
    assert len(problems) == 3


def test_drift_in_binder_requirements_is_caught(tmp_path):
    text = (REPO / "binder" / "requirements.txt").read_text(encoding="utf-8")
    path = tmp_path / "requirements.txt"
    path.write_text(text.replace("lime==0.2.0.1", "lime"), encoding="utf-8")
    problems = drift(pyproject_requirements(), binder_requirements(path), "binder/requirements.txt")
    assert problems == [
        "binder/requirements.txt asks for lime (any version) but pyproject.toml for lime==0.2.0.1"
    ]
