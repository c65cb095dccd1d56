"""The kernel animation of page 1 steps and plays in the browser alone: the outlined window and
the sum change while the script stays idle and the browser sends the server nothing."""

from __future__ import annotations

import pytest

from app.widgets.stepper import PLAY_LABEL
from devtools.live import wait_for_rerun
from tests.browser.conftest import playwright_or_skip

pytestmark = pytest.mark.browser
sync_api = playwright_or_skip()

SCRIPT_IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
OUTLINES = """el => [...el.querySelectorAll('.scatterlayer path.js-line')]
    .map(path => path.getAttribute('d')).join('|')"""


def test_stepping_and_playing_the_kernel_need_no_server_round_trip(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    sent: list[str] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append("frame")))
    try:
        page.goto(f"{server}/conv1d", wait_until="domcontentloaded")
        wait_for_rerun(page)
        page.get_by_text(PLAY_LABEL, exact=True).click()  # drawn only while open
        wait_for_rerun(page)
        chart = page.locator('[data-testid="stPlotlyChart"]').filter(
            has_text="Every stop of the kernel"
        )
        chart.scroll_into_view_if_needed()
        chart.locator(".main-svg").first.wait_for(timeout=30_000)
        value = chart.locator(".slider-group > .slider-label").first
        sync_api.expect(value).to_have_text("y[0, 0] = 2360 (15 products)")
        wait_for_rerun(page)
        outlines_before = chart.evaluate(OUTLINES)
        sent.clear()

        chart.locator(".slider-rail-touch-rect").first.scroll_into_view_if_needed()
        rail = chart.locator(".slider-rail-touch-rect").first.bounding_box()
        page.mouse.click(rail["x"] + rail["width"] * 0.67, rail["y"] + rail["height"] / 2)
        sync_api.expect(value).to_have_text("y[1, 0] = 3485 (15 products)")
        assert chart.evaluate(OUTLINES) != outlines_before  # the window moved down one row

        chart.get_by_text("▶ play").click()
        sync_api.expect(value).to_have_text("y[1, 1] = 3680 (15 products)")
        page.wait_for_timeout(300)
        assert sent == []  # no rerun request, not even a widget change
        assert page.locator(SCRIPT_IDLE).count() == 1
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        page.close()
