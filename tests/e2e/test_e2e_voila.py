"""The workshop app in Voilà: just the approach explorer and the comparison, no code, working.

One page is opened for the module and the tests use it in order, as a workshop participant
would: look, try an impossible design, start and stop a long run, train, compare.
"""
import pytest

pytest.importorskip("playwright")

from playwright.sync_api import expect  # noqa: E402

from .pages import (SECOND, PanelDriver, assert_image_shown,  # noqa: E402
                    check_controls_render, check_invalid_design_is_refused,
                    check_stop_leaves_panel_usable, check_train_shows_curves_and_accuracy,
                    wait_for_widget)


@pytest.fixture(scope="module")
def app(voila_server, module_page):
    """The app page, loaded once (Voilà runs the notebook when the page is requested)."""
    module_page.goto(voila_server.url(""), timeout=180 * SECOND)
    return module_page


@pytest.fixture(scope="module")
def panel(app):
    return PanelDriver(app, app.locator("body"))


def test_the_app_shows_the_explorer_and_the_comparison_without_code(app, panel):
    expect(app.get_by_role("heading", name="Approach explorer")).to_be_visible()
    panel.rendered()
    comparison = wait_for_widget(app, ".textrnn-comparison", what="The comparison view")
    expect(comparison.locator(".textrnn-comparison-message")).to_contain_text("No runs logged yet")
    expect(comparison.locator(".textrnn-comparison-table table")).to_contain_text("86.75")
    assert_image_shown(comparison.locator(".textrnn-comparison-chart"), "The comparison chart")
    # Voilà strips the sources: no code editor or code prompt, none of the notebook's code
    # (markdown is rendered inside .jp-InputArea too, so that class alone proves nothing)
    code_parts = app.locator(".jp-InputArea-editor:visible, .jp-CodeCell .jp-InputPrompt:visible")
    assert code_parts.count() == 0, "Code cells are visible in the Voilà app."
    page_text = app.locator("body").text_content()
    for code in ("from textrnn_lessons import", "ComparisonView(panel)"):
        assert code not in page_text, f"The app shows its code ({code!r})."


def test_the_approach_controls_render(panel):
    check_controls_render(panel)


def test_an_invalid_design_shows_the_panels_message(panel):
    check_invalid_design_is_refused(panel)


def test_stop_leaves_the_panel_usable(panel):
    check_stop_leaves_panel_usable(panel)


def test_train_shows_curves_accuracy_and_updates_the_comparison(app, panel):
    check_train_shows_curves_and_accuracy(panel)
    comparison = app.locator(".textrnn-comparison")
    expect(comparison.locator(".textrnn-comparison-message")).to_contain_text(
        "1 run(s)", timeout=60 * SECOND)
    expect(comparison.locator(".textrnn-comparison-table table")).to_contain_text("Approach 1")
