"""What a page sends at load, in Chromium: no code box on any page (so Streamlit's 1.6 MB
syntax-highlighter script is never fetched), the share link shown as text equal to the address
bar, and the lazy expanders ("Get the code", a chart's numbers) filled once opened."""

from __future__ import annotations

import pytest

from app.core.navigation import PAGES, SECTIONS
from app.widgets.charts import TEXT_LABEL
from devtools.live import wait_for_rerun
from tests.browser.conftest import opened, playwright_or_skip

pytestmark = pytest.mark.browser
sync_api = playwright_or_skip()

CODE_BOXES = "document.querySelectorAll('[data-testid=\"stCode\"]').length"
SHOWN_LINK = """() => [...document.querySelectorAll('div[class*="linkbox"] code')]
  .map(code => code.innerText)"""


def open_expander(page, label: str) -> None:
    page.get_by_text(label, exact=True).first.click()
    wait_for_rerun(page)


@pytest.mark.parametrize("spec", PAGES, ids=[p.url_path for p in PAGES])
def test_no_page_draws_a_code_box_or_fetches_the_highlighter_at_load(server, browser, spec):
    fetched: list[str] = []
    with opened(browser, f"{server}/{spec.route}", 1280, fetched) as page:
        sync_api.expect(page.get_by_text(spec.key_text).first).to_be_visible(timeout=30_000)
        wait_for_rerun(page)
        assert page.evaluate(CODE_BOXES) == 0
        assert not [url for url in fetched if "SyntaxHighlighter" in url]
        sharing = spec.url_path in {section.url_path for section in SECTIONS[:9]}
        assert page.evaluate(SHOWN_LINK) == ([page.url] if sharing else [])


def test_get_the_code_and_a_charts_numbers_arrive_when_opened(server, browser):
    with opened(browser, f"{server}/conv1d", 390) as page:
        open_expander(page, "Get the code")
        sync_api.expect(page.locator('[data-testid="stCode"]')).to_contain_text(
            "import numpy as np", timeout=30_000
        )
        numbers = page.locator('[data-testid="stExpander"]', has_text=TEXT_LABEL).first
        assert numbers.locator("table").count() == 0  # closed: its tables were never sent
        numbers.locator("summary").click()
        wait_for_rerun(page)
        sync_api.expect(numbers.locator("table").first).to_be_visible(timeout=30_000)


def test_the_teachers_task_is_still_there_after_closing_and_reopening(server, browser):
    teacher = "Make an exercise from this page"
    with opened(browser, f"{server}/conv2d", 390) as page:
        open_expander(page, teacher)
        task = page.get_by_label("Task for the learner")
        task.fill("Make the output 2 x 2.")
        task.press("Control+Enter")
        wait_for_rerun(page)
        sync_api.expect(page.locator('div[class*="linkbox"] code').nth(1)).to_contain_text("qt=")
        for _ in range(2):  # closed, then open again
            open_expander(page, teacher)
        sync_api.expect(page.get_by_label("Task for the learner")).to_have_value(
            "Make the output 2 x 2."
        )
