"""The lessons' website, read in Chromium at a desktop and a phone viewport.

The site is built once for the module with the smoke preset on the offline split (the build
itself is under test: a failing cell or a broken link fails it), or taken ready-made from
$TEXTRNN_SITE_HTML (e.g. the workshop build, site/_build/html). Every page is opened at both
viewports; what each showed is recorded once, and each test below checks one property of it, on
every page. The tests check properties, not texts, so they hold as the lessons change.

A screenshot of every page at both sizes goes to test-artifacts/site/<viewport>/ for a person
to look at; the build's log goes to test-artifacts/site/build.log.
"""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.conftest import MINI, REPO

from .screens import assert_stayed_local, track_requests

pytestmark = pytest.mark.site

ARTIFACTS = REPO / "test-artifacts" / "site"
SMOKE_BUILD = REPO / "site" / "_build" / "smoke"
VIEWPORTS = {
    "desktop": {"viewport": {"width": 1400, "height": 1000}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
    },
}
NOT_PAGES = ("_static", "_images", "_downloads", "_sources")

#: One pass over a page: what a script can tell a reader would find wrong, and what it links to.
_READ_PAGE_JS = r"""
async (width) => {
  const problems = [];
  const short = text => JSON.stringify(text.trim().replace(/\s+/g, ' ').slice(0, 60));
  const images = [...document.images];
  images.forEach(image => { image.loading = 'eager'; });
  await Promise.allSettled(images.map(image => image.decode()));
  images.forEach(image => {
    if (!image.complete || image.naturalWidth === 0)
      problems.push(`the image ${image.getAttribute('src')} did not load`);
  });
  const article = document.querySelector('article') || document.body;
  for (const block of article.querySelectorAll('pre')) {
    const style = getComputedStyle(block);
    if (block.scrollWidth > block.clientWidth + 1 && !['auto', 'scroll'].includes(style.overflowX))
      problems.push(`a code line is cut without a scroll bar: ${short(block.innerText)}`);
  }
  for (const element of article.querySelectorAll('*')) {
    const style = getComputedStyle(element);
    if (['hidden', 'clip'].includes(style.overflowX) && element.scrollWidth > element.clientWidth + 1
        && element.clientWidth > 0 && element.innerText.trim() && element.tagName !== 'PRE')
      problems.push(`${element.tagName.toLowerCase()}.${element.className} cuts its content ` +
                    `(${element.scrollWidth} px in ${element.clientWidth} px): ${short(element.innerText)}`);
  }
  // A phone zooms out to fit a page that is too wide, so compare with the screen's width.
  const wide = document.documentElement.scrollWidth - width;
  if (wide > 1) {
    const scrolls = element => {
      for (let up = element.parentElement; up; up = up.parentElement)
        if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(up).overflowX)) return true;
      return false;
    };
    const culprits = [...article.querySelectorAll('*')]
      .filter(element => element.getBoundingClientRect().right > width + 1 && !scrolls(element))
      .slice(-3).map(element => short(element.innerText || element.tagName));
    problems.push(`the page is ${wide} px wider than the screen, e.g. at ${culprits.join(', ')}`);
  }
  for (const paragraph of article.querySelectorAll('p'))
    if (/\|\s*:?(-{3,}|—|–):?\s*\|/.test(paragraph.innerText))  // Sphinx turns --- into a dash
      problems.push(`a Markdown table is shown as text: ${short(paragraph.innerText)}`);
  if (/Traceback \(most recent call last\)/.test(article.innerText))
    problems.push('a traceback is on the page');
  if (document.querySelector('script[type="application/vnd.jupyter.widget-view+json"]'))
    problems.push('a widget output is left on the page (it would show as an empty box)');
  return {
    problems,
    ids: [...document.querySelectorAll('[id]')].map(element => element.id),
    links: [...document.querySelectorAll('a[href]')].map(link => link.href),
    glossaryLinks: [...article.querySelectorAll('a.reference.internal[href*="glossary.html#term-"]')]
      .map(link => link.href),
    outputs: [...article.querySelectorAll('.cell_output')]
      .filter(output => output.innerText.trim() || output.querySelector('img')).length,
    codeCells: article.querySelectorAll('.cell .cell_input').length,
    openDetails: [...article.querySelectorAll('details[open]')].map(d => short(d.innerText)),
    details: article.querySelectorAll('details').length,
    launchLab: [...document.querySelectorAll('a.textrnn-launch-lab')].map(link => link.href),
    launchApp: [...document.querySelectorAll('a.textrnn-launch-app')].map(link => link.href),
    downloads: [...document.querySelectorAll('.textrnn-lesson-header a[download]')].map(link => link.href),
    buildFacts: [...document.querySelectorAll('.textrnn-build-facts')].map(p => p.innerText),
    widgetNotes: [...article.querySelectorAll('.textrnn-widget-note')]
      .map(note => note.querySelectorAll('a[href]').length),
    title: document.title,
  };
}
"""


@dataclass
class Visit:
    """What one page showed at one viewport."""

    path: str  # relative to the site's root, e.g. notebooks/02_single_rnn_25_tokens.html
    viewport: str
    problems: list[str] = field(default_factory=list)
    facts: dict = field(default_factory=dict)


# ------------------------------------------------------------------ building and serving


@pytest.fixture(scope="module")
def site_html() -> Path:
    """The built site: $TEXTRNN_SITE_HTML, else a smoke build made now (cached executions reused)."""
    given = os.environ.get("TEXTRNN_SITE_HTML")
    if given:
        html = Path(given).resolve()
        if not (html / "index.html").is_file():
            pytest.fail(f"TEXTRNN_SITE_HTML={given} holds no built site (no index.html).")
        return html
    try:
        import myst_nb  # noqa: F401
        import sphinx_book_theme  # noqa: F401
    except ImportError:
        message = "The site extra is not installed (pip install -e '.[site]')"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST_", "TEXTRNN_LESSONS_")) and key != "MPLBACKEND"
    }
    env.update({"TEXTRNN_LESSONS_DATA": str(MINI), "PYTHON": sys.executable})
    log = ARTIFACTS / "build.log"
    before = _lesson_folders_state()
    with open(log, "w") as handle:
        done = subprocess.run(
            ["bash", "tools/build_site.sh", "--preset", "smoke", "--build-dir", str(SMOKE_BUILD)],
            cwd=REPO,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            timeout=1800,
        )
    if done.returncode:
        tail = "\n".join(log.read_text().splitlines()[-40:])
        pytest.fail(f"The site did not build (full log in {log}):\n{tail}")
    assert _lesson_folders_state() == before, (
        "Building the site changed files in notebooks/ or docs/ (a lesson wrote a file where it "
        "runs, or the build rewrote a source)."
    )
    return SMOKE_BUILD / "html"


def _lesson_folders_state() -> str:
    """Git's view of notebooks/ and docs/, untracked files included."""
    done = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all", "--", "notebooks", "docs"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    return done.stdout if done.returncode == 0 else "(not a git checkout)"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site_url(site_html):
    """The site on a free port of 127.0.0.1, as a static host serves it."""
    handler = functools.partial(_QuietHandler, directory=str(site_html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def site_pages(html: Path) -> list[str]:
    return sorted(
        path.relative_to(html).as_posix()
        for path in html.rglob("*.html")
        if path.relative_to(html).parts[0] not in NOT_PAGES
    )


def lesson_paths() -> list[str]:
    from textrnn_lessons.teaching.catalogue import LESSONS

    return [f"notebooks/{lesson.stem}.html" for lesson in LESSONS]


# ------------------------------------------------------------------ reading every page


@pytest.fixture(scope="module")
def visits(browser, site_html, site_url) -> dict[tuple[str, str], Visit]:
    """Every page at both viewports: screenshot, problems found, and what it links to."""
    found = {}
    for viewport, options in VIEWPORTS.items():
        context = browser.new_context(**options)
        shots = ARTIFACTS / viewport
        shots.mkdir(parents=True, exist_ok=True)
        for path in site_pages(site_html):
            found[path, viewport] = _visit(context, site_url, path, viewport, shots)
        context.close()
    return found


def _visit(context, site_url: str, path: str, viewport: str, shots: Path) -> Visit:
    visit = Visit(path, viewport)
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "response",
        lambda answer: (
            answer.status >= 400 and errors.append(f"{answer.url} answered {answer.status}")
        ),
    )
    track_requests(page)
    try:
        response = page.goto(site_url + path, wait_until="load")
        if response is None or not response.ok:
            visit.problems.append(f"the page answered {response and response.status}")
        page.wait_for_timeout(300)  # the theme and LIME's views draw after load
        visit.facts = _read_page(page)
        visit.problems += visit.facts.pop("problems")
        visit.problems += [f"console error: {error}" for error in errors]
        try:
            assert_stayed_local(page, path)
        except AssertionError as error:
            visit.problems.append(str(error))
        page.screenshot(path=str(shots / (path.replace("/", "__") + ".png")), full_page=True)
    finally:
        page.close()
    return visit


def _read_page(page) -> dict:
    """_READ_PAGE_JS on the page once it has settled. The root index.html sends the browser on
    with a meta refresh, so the page read can be replaced while it is read (seen under load: a
    document without a body yet); then wait for the new one and read again."""
    for _ in range(3):
        page.wait_for_function("document.readyState === 'complete' && document.body !== null")
        try:
            return page.evaluate(_READ_PAGE_JS, page.viewport_size["width"])
        except PlaywrightError:
            page.wait_for_load_state("load")
    return page.evaluate(_READ_PAGE_JS, page.viewport_size["width"])


def _report(problems: list[str]) -> str:
    return "\n- " + "\n- ".join(problems)


# ------------------------------------------------------------------ the checks


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_every_page_reads_well(visits, viewport):
    """No console error, nothing fetched from outside, every image loaded, no cut code line."""
    problems = [
        f"{visit.path}: {problem}"
        for (path, seen), visit in visits.items()
        if seen == viewport
        for problem in visit.problems
    ]
    assert not problems, f"At the {viewport} size:" + _report(problems)


def test_every_lesson_has_its_page_and_outputs(visits):
    """Each lesson in the catalogue is a page whose cells were executed, launch links included."""
    problems = []
    for path in lesson_paths():
        visit = visits.get((path, "desktop"))
        if visit is None:
            problems.append(f"{path} is missing from the site")
            continue
        facts = visit.facts
        stem = Path(path).stem
        if facts["codeCells"] and not facts["outputs"]:
            problems.append(f"{path}: {facts['codeCells']} code cells and no output")
        if not any(
            f"urlpath=lab/tree/notebooks/{stem}.ipynb" in url and "mybinder.org" in url
            for url in facts["launchLab"]
        ):
            problems.append(f"{path}: no link that launches {stem}.ipynb in JupyterLab on Binder")
        if not any("urlpath=voila/render/" in url for url in facts["launchApp"]):
            problems.append(f"{path}: no link to the workshop app")
        if not any(url.endswith(f"/{stem}.ipynb") for url in facts["downloads"]):
            problems.append(f"{path}: no download of {stem}.ipynb")
        if not any("preset" in text for text in facts["buildFacts"]):
            problems.append(f"{path}: no sentence saying which preset and data made the outputs")
        if facts["openDetails"]:
            problems.append(f"{path}: a solution is unfolded: {facts['openDetails']}")
        if any(links < 1 for links in facts["widgetNotes"]):
            problems.append(f"{path}: a widget note has no link to launch the widget")
    assert not problems, _report(problems)


def test_lessons_link_their_terms_to_the_glossary(visits, site_url):
    """Every lesson links terms to the glossary, and every such link lands on its entry."""
    glossary = visits[("site/glossary.html", "desktop")].facts
    problems = []
    for path in lesson_paths():
        links = visits[(path, "desktop")].facts["glossaryLinks"]
        if not links:
            problems.append(f"{path} links no term to the glossary")
        for link in links:
            anchor = urlsplit(link).fragment
            if anchor not in glossary["ids"]:
                problems.append(
                    f"{path} links to the glossary entry #{anchor}, which does not exist"
                )
    assert not problems, _report(problems)


def test_internal_links_resolve(visits, site_url):
    """Every link to a page of the site opens a page, and every #anchor exists on it."""
    ids = {
        site_url + path: set(visit.facts["ids"])
        for (path, seen), visit in visits.items()
        if seen == "desktop"
    }
    problems = set()
    for (path, _), visit in visits.items():
        for link in visit.facts["links"]:
            if not link.startswith(site_url):
                continue
            parts = urlsplit(link)
            target = urljoin(link, parts.path)
            if target.endswith("/"):
                target += "index.html"
            if target.endswith(".html"):
                if target not in ids:
                    problems.add(f"{path} links to {target[len(site_url) :]}, which is not a page")
                elif parts.fragment and parts.fragment not in ids[target]:
                    problems.add(f"{path} links to {link[len(site_url) :]}: no such anchor")
            elif not _served(target):
                problems.add(f"{path} links to {target[len(site_url) :]}, which is missing")
    assert not problems, _report(sorted(problems))


@functools.cache
def _served(url: str) -> bool:
    from urllib.request import urlopen

    try:
        with urlopen(url, timeout=10) as answer:
            return answer.status == 200
    except OSError:
        return False


def test_lesson_downloads_are_the_learners_notebooks(visits):
    """Each lesson's download is its notebook as learners open it: valid, with code cells."""
    import nbformat

    for path in lesson_paths():
        url = visits[(path, "desktop")].facts["downloads"][0]
        from urllib.request import urlopen

        with urlopen(url, timeout=10) as answer:
            notebook = nbformat.reads(answer.read().decode("utf-8"), as_version=4)
        nbformat.validate(notebook)
        code = [cell for cell in notebook.cells if cell.cell_type == "code"]
        assert code, f"{url} holds no code cell"


def test_glossary_link_opens_its_entry(browser, site_url, visits):
    """Clicking a lesson's first glossary link shows that entry in the glossary page."""
    context = browser.new_context(**VIEWPORTS["phone"])
    page = context.new_page()
    try:
        lesson = lesson_paths()[2]  # the first approach lesson defines many terms
        page.goto(site_url + lesson)
        link = page.locator('article a.reference.internal[href*="glossary.html#term-"]').first
        anchor = urlsplit(link.get_attribute("href")).fragment
        link.click()
        page.wait_for_url(f"**/glossary.html#{anchor}")
        entry = page.locator(f"[id='{anchor}']")
        entry.wait_for()
        box = entry.bounding_box()
        assert box and 0 <= box["y"] < VIEWPORTS["phone"]["viewport"]["height"], (
            f"#{anchor} is not in view after the click"
        )
        page.screenshot(path=str(ARTIFACTS / "phone" / "glossary-after-click.png"))
    finally:
        context.close()


def test_search_finds_bidirectional(browser, site_url):
    """The site's own search (no server, no outside service) finds the bidirectional lesson."""
    context = browser.new_context(**VIEWPORTS["desktop"])
    page = context.new_page()
    track_requests(page)
    try:
        page.goto(site_url + "search.html?q=bidirectional")
        results = page.locator("#search-results ul.search li")
        results.first.wait_for(timeout=20_000)
        hrefs = [
            link.get_attribute("href")
            for link in page.locator("#search-results ul.search li a").all()
        ]
        assert any("notebooks/" in href for href in hrefs), f"no lesson in the results: {hrefs}"
        page.screenshot(
            path=str(ARTIFACTS / "desktop" / "search-bidirectional.png"), full_page=True
        )
        assert_stayed_local(page, "the search page")
    finally:
        context.close()


def test_build_reports_the_data(site_html):
    """The pages say which preset produced the numbers (smoke here) and name the data."""
    if os.environ.get("TEXTRNN_SITE_HTML"):
        pytest.skip("a ready-made site: its preset is whatever it was built with")
    page = (site_html / "notebooks" / "02_single_rnn_25_tokens.html").read_text(encoding="utf-8")
    assert "smoke preset" in page and "AG News" in page
