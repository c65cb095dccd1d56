"""What a page sends at load, in Chromium: no code box on any page (so Streamlit's 1.6 MB
syntax-highlighter script is never fetched), the share link shown as text equal to the address
bar, and the lazy expanders ("Get the code", a chart's numbers) filled once opened."""

from __future__ import annotations

import pytest

from app.core.navigation import PAGES, SECTIONS
from app.widgets.charts import TEXT_LABEL
from devtools.live import wait_for_rerun
from tests.browser.conftest import playwright_or_skip

pytestmark = pytest.mark.browser
sync_api = playwright_or_skip()

CODE_BOXES = "document.querySelectorAll('[data-testid=\"stCode\"]').length"
SHOWN_LINK = """() => [...document.querySelectorAll('div[class*="linkbox"] code')]
  .map(code => code.innerText)"""


@pytest.mark.parametrize("spec", PAGES, ids=[p.url_path for p in PAGES])
def test_no_page_draws_a_code_box_or_fetches_the_highlighter_at_load(server, browser, spec):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    try:
        page.goto(f"{server}/{spec.route}", wait_until="domcontentloaded")
        sync_api.expect(page.get_by_text(spec.key_text).first).to_be_visible(timeout=30_000)
        wait_for_rerun(page)
        assert page.evaluate(CODE_BOXES) == 0
        assert not [url for url in fetched if "SyntaxHighlighter" in url]
        sharing = spec.url_path in {section.url_path for section in SECTIONS[:9]}
        assert page.evaluate(SHOWN_LINK) == ([page.url] if sharing else [])
    finally:
        page.close()


def test_get_the_code_and_a_charts_numbers_arrive_when_opened(server, browser):
    page = browser.new_page(viewport={"width": 390, "height": 900})
    try:
        page.goto(f"{server}/conv1d", wait_until="domcontentloaded")
        wait_for_rerun(page)
        page.get_by_text("Get the code", exact=True).first.click()
        wait_for_rerun(page)
        sync_api.expect(page.locator('[data-testid="stCode"]')).to_contain_text(
            "import numpy as np", timeout=30_000
        )
        numbers = page.locator('[data-testid="stExpander"]', has_text=TEXT_LABEL).first
        assert numbers.locator("table").count() == 0  # closed: its tables were never sent
        numbers.locator("summary").click()
        wait_for_rerun(page)
        sync_api.expect(numbers.locator("table").first).to_be_visible(timeout=30_000)
    finally:
        page.close()


def test_the_teachers_task_is_still_there_after_closing_and_reopening(server, browser):
    page = browser.new_page(viewport={"width": 390, "height": 900})
    teacher = "Make an exercise from this page"
    try:
        page.goto(f"{server}/conv2d", wait_until="domcontentloaded")
        wait_for_rerun(page)
        page.get_by_text(teacher, exact=True).first.click()
        wait_for_rerun(page)
        task = page.get_by_label("Task for the learner")
        task.fill("Make the output 2 x 2.")
        task.press("Control+Enter")
        wait_for_rerun(page)
        sync_api.expect(page.locator('div[class*="linkbox"] code').nth(1)).to_contain_text("qt=")
        for _ in range(2):  # closed, then open again
            page.get_by_text(teacher, exact=True).first.click()
            wait_for_rerun(page)
        sync_api.expect(page.get_by_label("Task for the learner")).to_have_value(
            "Make the output 2 x 2."
        )
    finally:
        page.close()
