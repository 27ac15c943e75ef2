"""The browser plumbing itself: JupyterLab starts, a notebook runs, an ipywidgets button answers a click.

If these fail, the lesson tests cannot tell anything; if the widget front end is switched off,
the widget check must fail with a message that says so.
"""

import pytest

pytest.importorskip("playwright")

from .pages import LabNotebook, wait_for_widget


def test_a_widget_button_in_jupyterlab_answers_a_click(lab, scratch_notebook):
    notebook = lab(scratch_notebook)
    notebook.run_all(timeout=120)
    button = wait_for_widget(
        notebook.page, ".scratch-button", notebook.panel, what="The scratch button"
    )
    button.click()
    notebook.panel.locator(".jp-OutputArea-output pre", has_text="hello from the kernel").wait_for(
        timeout=30_000
    )
    notebook.assert_ran_cleanly()


@pytest.mark.noisy_page  # the widget front end is off on purpose: the console says so
def test_the_widget_check_fails_clearly_when_the_widget_front_end_is_off(
    broken_widgets_lab, page, scratch_notebook
):
    notebook = LabNotebook(page, broken_widgets_lab, scratch_notebook).open()
    notebook.run_all(timeout=120)
    with pytest.raises(AssertionError, match="jupyterlab_widgets") as failure:
        wait_for_widget(
            page, ".scratch-button", notebook.panel, timeout=60, what="The scratch button"
        )
    print(failure.value)
    broken_widgets_lab.shutdown_kernels()


UNFINISHED_VIEW = """
<div id="view" style="width: 600px">
  <select style="width: 90px"><option>Approach 5: Stacked bidirectional RNN layers</option></select>
  <div style="width: 40px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap">
    Embedding length</div>
  <table><tr><th>tutorial %</th></tr><tr><td>NaN</td></tr></table>
  <p># NBVAL_CHECK_OUTPUT</p>
  <div class="widget-box" style="position: relative; height: 60px">
    <div style="position: absolute; left: 0; top: 0; width: 40px; height: 40px">Train</div>
    <div style="position: absolute; left: 20px; top: 20px; width: 40px; height: 40px">Stop</div>
  </div>
  <img style="width: 50px" src="data:image/png;base64,{ONE_PIXEL}">
</div>""".replace(
    "{ONE_PIXEL}",
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8"
    "z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
)


def test_the_view_checks_catch_what_looks_unfinished(page):
    """Each check of screens.look_at fires on a page made to fail it, and stays quiet once fixed."""
    from .screens import look_at

    page.set_content(UNFINISHED_VIEW)
    with pytest.raises(AssertionError) as failure:
        look_at(page.locator("#view"), "plumbing-unfinished", "The made-up view")
    for problem in (
        'dropdown option "Approach 5',
        'text "Embedding length" is cut',
        "a table shows NaN",
        "NBVAL",
        '"Train" and "Stop" overlap',
        "an image is only 50 px wide",
    ):
        assert problem in str(failure.value), f"{problem!r} was not reported:\n{failure.value}"
    mended = UNFINISHED_VIEW
    for wrong, right in (
        ("90px", "400px"),
        ("40px; overflow", "200px; overflow"),
        ("NaN", "–"),
        ("# NBVAL_CHECK_OUTPUT", ""),
        ("width: 50px", "width: 300px"),
        ("left: 20px; top: 20px", "left: 60px; top: 0"),
    ):
        mended = mended.replace(wrong, right)
    page.set_content(mended)
    look_at(page.locator("#view"), "plumbing-finished", "The mended view")
