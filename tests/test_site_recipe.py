"""The website's recipe, checked without building it: the publishing workflow runs the documented
build on the canonical data, and the site's own pieces (glossary, lesson times, launch links,
progress-bar clean-up) do what the pages rely on. Building and reading the site in Chromium is
tests/e2e/test_site.py (marker `site`)."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from textrnn_lessons.teaching.catalogue import LESSONS

REPO = Path(__file__).resolve().parents[1]
WORKFLOW = REPO / ".github" / "workflows" / "site.yml"
BUILD = "tools/build_site.sh"
DOCUMENTED = REPO / "site" / "README.md"
EXTENSION = REPO / "site" / "_ext"


def workflow_steps() -> list[dict]:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def run_lines(steps) -> list[str]:
    return [line.strip() for step in steps for line in step.get("run", "").splitlines()]


def documented_command() -> list[str]:
    """The build command site/README.md gives, as words (the one the README should quote)."""
    found = re.search(rf"^\s*(bash {re.escape(BUILD)}[^\n]*)$", DOCUMENTED.read_text(), re.M)
    assert found, f"{DOCUMENTED} gives no `bash {BUILD}` command"
    return shlex.split(found[1])


def test_workflow_publishes_from_main():
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    triggers = workflow[True] if True in workflow else workflow["on"]  # YAML reads `on` as True
    assert "main" in triggers["push"]["branches"]
    uses = [step.get("uses", "") for step in workflow_steps()]
    assert any(use.startswith("actions/upload-pages-artifact") for use in uses)
    assert any(use.startswith("actions/deploy-pages") for use in uses)


def test_workflow_runs_the_documented_build_on_the_canonical_data():
    steps = workflow_steps()
    lines = run_lines(steps)
    builds = [shlex.split(line) for line in lines if BUILD in line]
    assert len(builds) == 1, f"the workflow should build once with {BUILD}: {builds}"
    documented = documented_command()
    assert builds[0][:2] == documented[:2], f"{builds[0]} is not the documented {documented}"
    assert "smoke" not in builds[0], "the published site is the workshop build, not smoke"
    assert any(re.search(r"pip install .*\.\[site\]", line) for line in lines)
    downloads = [line for line in lines if "textrnn-lessons download" in line]
    assert downloads and "--to" in downloads[0], "the workflow must download AG News first"
    # The build reads the folder the download filled, through TEXTRNN_LESSONS_DATA.
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    env = {
        key: value for job in workflow["jobs"].values() for key, value in job.get("env", {}).items()
    }
    assert "TEXTRNN_LESSONS_DATA" in env and "$TEXTRNN_LESSONS_DATA" in downloads[0]
    published = [
        step["with"]["path"] for step in steps if "upload-pages-artifact" in step.get("uses", "")
    ]
    assert published == ["site/_build/html"]


def test_build_script_explains_itself():
    done = subprocess.run(["bash", BUILD, "--help"], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0 and "--preset" in done.stdout
    wrong = subprocess.run(["bash", BUILD, "--bogus"], cwd=REPO, capture_output=True, text=True)
    assert wrong.returncode == 2 and "unknown option --bogus" in wrong.stderr


def test_launch_links_match_the_readme_badges():
    """The site's Binder links point at the repository and branch the README's badges use."""
    sys.path.insert(0, str(EXTENSION))
    try:
        from textrnn_site.facts import BRANCH, REPOSITORY
    except ImportError as error:  # the site extra (Sphinx) is not installed
        pytest.skip(f"the site extra is not installed: {error}")
    finally:
        sys.path.remove(str(EXTENSION))
    badges = re.findall(
        r"mybinder\.org/v2/gh/([\w.-]+/[\w.-]+)/([\w.-]+)\?", (REPO / "README.md").read_text()
    )
    assert badges, "README.md has no Binder badge to compare with"
    assert set(badges) == {(REPOSITORY, BRANCH)}


@pytest.fixture(scope="module")
def site_ext():
    pytest.importorskip("sphinx", reason="the site extra is not installed")
    pytest.importorskip("myst_nb", reason="the site extra is not installed")
    sys.path.insert(0, str(EXTENSION))
    try:
        import textrnn_site.glossary as glossary
        import textrnn_site.lesson_pages as lesson_pages
        import textrnn_site.outputs as outputs

        yield glossary, lesson_pages, outputs
    finally:
        sys.path.remove(str(EXTENSION))


def test_progress_bars_settle_as_a_terminal_shows_them(site_ext):
    _, _, outputs = site_ext
    keras_bar = "\r1/6 ━━━ 4s - loss: 1.40" + "\x08" * 30 + "\r6/6 ━━━━━━ 1s - loss: 1.39\nDone.\n"
    assert outputs.as_terminal_shows(keras_bar) == "6/6 ━━━━━━ 1s - loss: 1.39\nDone.\n"
    assert outputs.as_terminal_shows("abc\x08\x08d\n") == "ad\n"
    assert outputs.as_terminal_shows("plain text\n") == "plain text\n"


def test_glossary_entries_are_sound(site_ext):
    glossary, _, _ = site_ext
    entries = glossary.read_entries()
    assert len(entries) >= 8
    terms = {entry.term.lower() for entry in entries}
    for wanted in (
        "token",
        "vocabulary",
        "embedding",
        "state",
        "unrolling",
        "bidirectional",
        "epoch",
        "validation",
    ):
        assert wanted in terms, f"the glossary has no entry for {wanted!r}"
    for entry in entries:
        assert entry.pattern.search(f"A {entry.forms[0]} here."), entry.term
    by_term = {entry.term: entry for entry in entries}
    assert not by_term["state"].pattern.search("statement"), "forms match whole words only"
    assert by_term["state"].pattern.search("the final state").group(0) == "final state"


def test_glossary_refuses_a_broken_source(site_ext, tmp_path):
    glossary, _, _ = site_ext
    from sphinx.errors import ExtensionError

    broken = tmp_path / "glossary.yml"
    broken.write_text("- term: token\n  definition: one\n- term: Token\n  definition: two\n")
    with pytest.raises(ExtensionError, match="listed twice"):
        glossary.read_entries(broken)
    broken.write_text("- term: token\n")
    with pytest.raises(ExtensionError, match="needs a 'term' and a 'definition'"):
        glossary.read_entries(broken)


def test_every_lesson_states_its_minutes(site_ext):
    """The landing page adds up the lessons' times from each opening box."""
    _, lesson_pages, _ = site_ext
    for lesson in LESSONS:
        minutes = lesson_pages.lesson_minutes(REPO / "notebooks" / f"{lesson.stem}.md")
        assert minutes and all(minutes), f"{lesson.stem} has no Teaching/Exercises minutes"
