"""The workshop app in Voilà: just the approach explorer and the comparison, no code, working.

One page is opened for the module and the tests use it in order, as a workshop participant
would: look, try an impossible design, start and stop a long run, train, design their own
networks (one too short to learn anything), compare. Each view is photographed into
test-artifacts/e2e/screens/voila-*.png and checked for what looks unfinished.
"""

import pytest

pytest.importorskip("playwright")

from playwright.sync_api import expect

from .pages import (
    SECOND,
    PanelDriver,
    assert_image_shown,
    check_controls_render,
    check_invalid_design_is_refused,
    check_stop_leaves_panel_usable,
    check_train_shows_curves_and_accuracy,
    wait_for_widget,
)
from .screens import assert_stayed_local, look_at, track_requests


@pytest.fixture(scope="module")
def app(voila_server, module_page):
    """The app page, loaded once (Voilà runs the notebook when the page is requested)."""
    track_requests(module_page)
    module_page.goto(voila_server.url(""), timeout=180 * SECOND)
    return module_page


@pytest.fixture(scope="module")
def panel(app):
    return PanelDriver(app, app.locator("body"))


def test_the_app_gets_ready_for_the_first_click_while_the_page_opens(panel):
    """TensorFlow and the articles load in the background ("Getting ready"); then "Ready"."""
    panel.rendered()
    expect(panel.train_button).to_be_enabled()  # pressing it early queues the run
    panel.wait_state("idle", timeout=240)
    expect(panel.message).to_contain_text("Ready:")


def comparison_of(app):
    return wait_for_widget(app, ".textrnn-comparison", what="The comparison view")


def test_the_app_shows_the_explorer_and_the_comparison_without_code(app, panel):
    expect(app.get_by_role("heading", name="Approach explorer")).to_be_visible()
    panel.rendered()
    comparison = comparison_of(app)
    expect(comparison.locator(".textrnn-comparison-message")).to_contain_text("No runs logged yet")
    expect(comparison.locator(".textrnn-comparison-table table")).to_contain_text("86.75")
    expect(comparison.locator(".textrnn-comparison-preset select")).to_have_value("all presets")
    assert_image_shown(comparison.locator(".textrnn-comparison-chart"), "The comparison chart")
    # Voilà strips the sources: no code editor or code prompt, none of the notebook's code
    # (markdown is rendered inside .jp-InputArea too, so that class alone proves nothing)
    code_parts = app.locator(".jp-InputArea-editor:visible, .jp-CodeCell .jp-InputPrompt:visible")
    assert code_parts.count() == 0, "Code cells are visible in the Voilà app."
    page_text = app.locator("body").text_content()
    for code in ("from textrnn_lessons import", "ComparisonView(panel)"):
        assert code not in page_text, f"The app shows its code ({code!r})."
    look_at(app.locator("#rendered_cells"), "voila-app-start", "The Voilà app as it opens")


def test_the_app_works_offline_with_its_icons(app, panel):
    """No request leaves 127.0.0.1, yet the buttons' icons are drawn (from Voilà's own font)."""
    panel.rendered()
    assert_stayed_local(app, "The Voilà app")
    icon_fonts = app.evaluate("""() => [...document.fonts]
        .filter(font => /Font Awesome/.test(font.family) && font.status === 'loaded').length""")
    assert icon_fonts, "The buttons' icon font (Font Awesome) did not load from the Voilà server."


def test_the_approach_controls_render(panel):
    check_controls_render(panel)
    look_at(panel.root, "voila-panel-ready", "The approach panel before a run")


def test_an_invalid_design_shows_the_panels_message(panel):
    check_invalid_design_is_refused(panel)


def test_stop_leaves_the_panel_usable(panel):
    check_stop_leaves_panel_usable(panel, "voila-panel-after-stop")


def test_train_shows_curves_accuracy_and_updates_the_comparison(app, panel):
    check_train_shows_curves_and_accuracy(panel, "voila-panel-after-train")
    comparison = app.locator(".textrnn-comparison")
    expect(comparison.locator(".textrnn-comparison-message")).to_contain_text(
        "1 run,", timeout=60 * SECOND
    )
    expect(comparison.locator(".textrnn-comparison-table table")).to_contain_text("Approach 1")


def test_custom_and_too_short_designs_are_trained_and_marked_in_the_comparison(app, panel):
    panel.set_slider(".textrnn-max-tokens", 60)
    expect(panel.root.locator(".textrnn-approach select")).to_have_value(
        "Custom design", timeout=10 * SECOND
    )
    panel.train_button.click()
    panel.wait_state("finished", timeout=300)
    panel.set_slider(".textrnn-max-tokens", 1)
    expect(panel.message).to_contain_text("less than a headline", timeout=30 * SECOND)
    look_at(panel.root, "voila-panel-too-few-tokens", "The panel warning about 1 token")
    panel.train_button.click()
    panel.wait_state("finished", timeout=300)
    comparison = app.locator(".textrnn-comparison")
    expect(comparison.locator(".textrnn-comparison-message")).to_contain_text(
        "3 runs", timeout=60 * SECOND
    )
    table = comparison.locator(".textrnn-comparison-table table")
    expect(table).to_contain_text("too few tokens")
    expect(table).to_contain_text("60 tokens")
    look_at(comparison, "voila-comparison", "The comparison view with custom designs")


def test_the_whole_app_after_a_session(app):
    look_at(app.locator("#rendered_cells"), "voila-app-after-runs", "The app after four runs")
    assert_stayed_local(app, "The Voilà app, after training")
