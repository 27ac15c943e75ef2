"""What a learner sees, checked: a screenshot of each view, and the checks a script can make.

`look_at(view, name)` saves test-artifacts/e2e/screens/<name>.png (for a person to look at:
the tests cannot judge whether a plot reads well) and fails, listing every problem, when the
view shows cut text (a dropdown option or a label wider than its box), NaN in a table, a test
marker (NBVAL), widgets drawn over each other, or an image that did not load or was squeezed.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import Locator, Page

from .conftest import ARTIFACTS

SCREENS = ARTIFACTS / "screens"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}

#: One pass over the view in the browser; returns a sentence per problem found.
_PROBLEMS_JS = r"""
(root, minImageWidth) => {
  const problems = [];
  const shown = el => {
    const box = el.getBoundingClientRect(), style = getComputedStyle(el);
    return box.width > 0 && box.height > 0 && style.visibility !== 'hidden';
  };
  const short = text => JSON.stringify(text.trim().replace(/\s+/g, ' ').slice(0, 70));
  const ruler = document.createElement('canvas').getContext('2d');
  for (const select of root.querySelectorAll('select')) {  // every option, not only the chosen
    if (!shown(select)) continue;
    const style = getComputedStyle(select);
    ruler.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    for (const option of select.options) {
      const needed = ruler.measureText(option.text).width;
      if (needed > room + 0.5) problems.push(`the dropdown option ${short(option.text)} is cut ` +
        `(${Math.ceil(needed)} px of text in ${Math.floor(room)} px)`);
    }
  }
  for (const el of root.querySelectorAll('*')) {  // labels that end in "..." because they are cut
    if (el.tagName === 'SELECT' || !shown(el)) continue;
    const style = getComputedStyle(el);
    if (style.textOverflow === 'ellipsis' && style.overflowX !== 'visible'
        && el.scrollWidth > el.clientWidth + 1)
      problems.push(`the text ${short(el.textContent)} is cut to ${el.clientWidth} px ` +
                    `(it needs ${el.scrollWidth} px)`);
  }
  for (const table of root.querySelectorAll('table')) {
    const match = table.innerText.match(/\b(nan|NaN|None)\b/);
    if (match) problems.push(`a table shows ${match[0]}: ${short(table.innerText)}`);
  }
  if (/NBVAL/.test(root.innerText)) problems.push('a test marker (NBVAL) is on the screen');
  const boxes = root.matches('.widget-box, .widget-inline-hbox') ? [root] : [];
  boxes.push(...root.querySelectorAll('.widget-box, .widget-inline-hbox'));
  for (const box of boxes) {
    const children = [...box.children].filter(shown);
    for (let i = 0; i < children.length; i++) for (let j = i + 1; j < children.length; j++) {
      const a = children[i].getBoundingClientRect(), b = children[j].getBoundingClientRect();
      const across = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const down = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (across > 1 && down > 1) problems.push(`${short(children[i].innerText || children[i].className)}` +
        ` and ${short(children[j].innerText || children[j].className)} overlap by ` +
        `${Math.round(across)} x ${Math.round(down)} px`);
    }
  }
  for (const image of root.querySelectorAll('img')) {
    const box = image.getBoundingClientRect();
    if (!image.complete || image.naturalWidth === 0) problems.push('an image did not load');
    else if (box.width < minImageWidth) problems.push(`an image is only ${Math.round(box.width)} px wide`);
    else if (Math.abs(box.width / box.height - image.naturalWidth / image.naturalHeight) > 0.05)
      problems.push('an image is stretched out of its proportions');
  }
  return problems;
}
"""


def look_at(view: Locator, name: str, what: str, min_image_width: int = 200) -> Path:
    """Screenshot `view` into screens/<name>.png, then fail listing what looks unfinished."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    view.scroll_into_view_if_needed()
    problems = view.evaluate(_PROBLEMS_JS, min_image_width)
    path = SCREENS / f"{name}.png"
    _whole_screenshot(view, path)
    assert not problems, f"{what} looks unfinished ({path.name}):\n- " + "\n- ".join(problems)
    return path


def look_at_image(view: Locator, name: str, what: str) -> Path:
    """An output that must show a drawn image: checked, then kept for review like look_at."""
    from .pages import assert_image_shown

    assert_image_shown(view, what)
    return look_at(view, name, what)


def _whole_screenshot(view: Locator, path: Path) -> None:
    """A screenshot of all of `view`, even when it is taller than the window.

    JupyterLab and Voilà scroll inside a panel, not the page, so what lies below the window is
    never painted; the window is made taller for the picture, then put back.
    """
    page = view.page
    window = page.viewport_size
    height = view.evaluate(
        "el => Math.ceil(Math.max(el.getBoundingClientRect().height, el.scrollHeight))"
    )
    if height + 150 > window["height"]:
        page.set_viewport_size({"width": window["width"], "height": height + 300})
        page.wait_for_timeout(500)  # let the page lay itself out again
    try:
        view.scroll_into_view_if_needed()
        view.screenshot(path=str(path), animations="disabled")
    finally:
        page.set_viewport_size(window)


def track_requests(page: Page) -> None:
    """Record every request the page makes (call before loading it; a second call does nothing)."""
    if hasattr(page, "request_log"):
        return
    page.request_log = []
    page.on("request", lambda request: page.request_log.append(request.url))


def outside_requests(urls) -> list[str]:
    """The addresses among `urls` that leave this computer (data: and blob: URLs stay in the page)."""
    return [
        url
        for url in urls
        if urlparse(url).scheme in ("http", "https", "ws", "wss")
        and urlparse(url).hostname not in LOCAL_HOSTS
    ]


def assert_stayed_local(page: Page, what: str) -> None:
    """No request left this computer: each one went to 127.0.0.1 or was data in the page. A
    request a Content-Security-Policy refuses counts too: it shows as an error in the console."""
    assert page.request_log, f"{what}: no requests were recorded; call track_requests first."
    sent = outside_requests(page.request_log)
    assert not sent, (
        f"{what} tried to fetch from outside this computer, which fails offline "
        f"and can stall the page on a closed network: {', '.join(dict.fromkeys(sent))}"
    )
