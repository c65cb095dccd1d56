"""The Copy buttons in Chromium: each copies the link shown above it, the current one after a
control changed it, and its frame is not reloaded by the change (``app.widgets.copy_button``)."""

from __future__ import annotations

import pytest

from app.widgets.copy_button import link_selector
from devtools.live import wait_for_rerun
from tests.browser.conftest import playwright_or_skip

pytestmark = pytest.mark.browser
sync_api = playwright_or_skip()

FRAMES = '[data-testid="stIFrame"]'
STRIDE = '[data-testid="stSlider"] input[type="range"][aria-label="stride"]'


def shown(page, key: str) -> str:
    return page.locator(link_selector(key)).inner_text()


def copy(page, label: str) -> str:
    """Click the frame's button named ``label``; what the clipboard then holds."""
    for index in range(page.locator(FRAMES).count()):
        frame = page.frame_locator(FRAMES).nth(index)
        button = frame.get_by_role("button", name=label)
        if button.count():
            said = frame.get_by_role("status")
            said.evaluate("span => { span.textContent = ''; }")  # a second click says it anew
            button.click()
            sync_api.expect(said).to_have_text("Copied.")
            return page.evaluate("navigator.clipboard.readText()")
    raise AssertionError(f"no frame holds a {label!r} button")


@pytest.fixture
def page(server, browser):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, permissions=["clipboard-read", "clipboard-write"]
    )
    tab = context.new_page()
    tab.goto(f"{server}/conv1d", wait_until="domcontentloaded")
    wait_for_rerun(tab)
    yield tab
    context.close()


def test_copy_link_copies_the_shown_link_and_the_new_one_after_a_change(page):
    first = copy(page, "Copy link")
    assert first == shown(page, "share") == page.url
    frame = page.locator(FRAMES).first.element_handle().content_frame()
    frame.evaluate("window.kept = true")

    page.locator(STRIDE).first.focus()
    page.locator(STRIDE).first.press("ArrowRight")
    wait_for_rerun(page)
    sync_api.expect(page.locator(link_selector("share"))).not_to_have_text(first)

    assert frame.evaluate("window.kept === true")  # the same document: not reloaded
    second = copy(page, "Copy link")
    assert second == shown(page, "share") == page.url != first


def test_the_exercise_link_button_copies_the_exercise_link(page):
    page.get_by_text("Make an exercise from this page", exact=True).first.click()
    wait_for_rerun(page)
    task = page.get_by_label("Task for the learner")
    task.fill("Make the output 2 x 2.")
    task.press("Control+Enter")
    wait_for_rerun(page)
    sync_api.expect(page.locator(link_selector("teach"))).to_contain_text("qt=")
    assert copy(page, "Copy the exercise link") == shown(page, "teach")
    assert copy(page, "Copy link") == shown(page, "share")
