"""The browser plumbing itself: JupyterLab starts, a notebook runs, an ipywidgets button answers a click.

If these fail, the lesson tests cannot tell anything; if the widget front end is switched off,
the widget check must fail with a message that says so.
"""
import pytest

pytest.importorskip("playwright")

from .pages import LabNotebook, wait_for_widget  # noqa: E402


def test_a_widget_button_in_jupyterlab_answers_a_click(lab, scratch_notebook):
    notebook = lab(scratch_notebook)
    notebook.run_all(timeout=120)
    button = wait_for_widget(notebook.page, ".scratch-button", notebook.panel, what="The scratch button")
    button.click()
    notebook.panel.locator(".jp-OutputArea-output pre", has_text="hello from the kernel").wait_for(
        timeout=30_000)
    notebook.assert_ran_cleanly()


def test_the_widget_check_fails_clearly_when_the_widget_front_end_is_off(
        broken_widgets_lab, page, scratch_notebook):
    notebook = LabNotebook(page, broken_widgets_lab, scratch_notebook).open()
    notebook.run_all(timeout=120)
    with pytest.raises(AssertionError, match="jupyterlab_widgets") as failure:
        wait_for_widget(page, ".scratch-button", notebook.panel, timeout=60, what="The scratch button")
    print(failure.value)
    broken_widgets_lab.shutdown_kernels()
