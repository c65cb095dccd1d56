"""The training lab in headless Chromium, where it runs as learners see it: Continue, Step and
the seed sweep train in fragment reruns (AppTest runs them inside one full-script run instead),
and the look-back slider and Go back rerun the whole page."""

from __future__ import annotations

import re

import pytest

from devtools.live import wait_for_rerun
from tests.browser.conftest import playwright_or_skip

pytestmark = pytest.mark.browser
sync_api = playwright_or_skip()

SLOW = 60_000  # ms: a training or a sweep on a busy machine


def test_continue_step_look_back_and_sweep_on_page_3(server, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    expect = sync_api.expect
    try:
        page.goto(f"{server}/cnn1d_pooled", wait_until="domcontentloaded")
        wait_for_rerun(page)
        page.get_by_role("button", name=re.compile(r"Train$")).first.click()
        expect(page.get_by_text(re.compile(r"Trained 1000 epochs in"))).to_be_visible(timeout=SLOW)
        wait_for_rerun(page)
        page.get_by_role("button", name=re.compile(r"Continue \+1000")).click()
        expect(page.get_by_text(re.compile(r"Trained 2000 epochs in"))).to_be_visible(timeout=SLOW)
        wait_for_rerun(page)
        page.get_by_role("button", name=re.compile(r"Step 1$")).click()
        expect(page.get_by_text(re.compile(r"Trained 2001 epochs in"))).to_be_visible(timeout=SLOW)
        wait_for_rerun(page)
        slider = page.get_by_role("slider", name=re.compile("Show the run at epoch"))
        slider.focus()
        page.keyboard.press("Home")  # the first snapshot: the untrained model
        expect(page.get_by_text("What it has learned at epoch 0")).to_be_visible(timeout=SLOW)
        wait_for_rerun(page)
        page.get_by_role("button", name=re.compile(r"Go back to epoch 0")).click()
        expect(page.get_by_text(re.compile(r"Went back to epoch 0"))).to_be_visible(timeout=SLOW)
        wait_for_rerun(page)
        page.get_by_role("button", name=re.compile(r"Train 20 seeds")).click()
        expect(page.get_by_text("7 of 20 seeds")).to_be_visible(timeout=SLOW)
        wait_for_rerun(page)
        expect(page.get_by_role("button", name=re.compile(r"Train 20 seeds"))).to_be_enabled()
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        context.close()
