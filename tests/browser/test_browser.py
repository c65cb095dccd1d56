"""The real app in headless Chromium: every page the navigation lists renders without an exception.

Runs against ``streamlit run`` on a free loopback port. Screenshots of every page, at a desktop
and a phone width, go to ``artifacts/screenshots/`` (git-ignored; CI keeps them as artefacts).
Skips only when Chromium is missing outside CI; under CI (``CI`` set) a missing browser fails.
"""

from __future__ import annotations

import re

import pytest

from app.core.navigation import PAGES
from devtools.live import (
    artifacts_dir,
    click_heatmap_cell,
    screenshot_whole_page,
    streamlit_server,
    wait_for_rerun,
)
from tests.browser.conftest import playwright_or_skip

pytestmark = pytest.mark.browser
sync_api = playwright_or_skip()

WIDTHS = {"desktop": 1280, "phone": 390}


@pytest.mark.parametrize("device", WIDTHS)
@pytest.mark.parametrize("spec", PAGES, ids=[p.url_path for p in PAGES])
def test_page_renders_in_chromium(server, browser, spec, device):
    context = browser.new_context(viewport={"width": WIDTHS[device], "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{server}/{spec.route}", wait_until="domcontentloaded")
        wait_for_rerun(page)
        sync_api.expect(page.get_by_text(spec.key_text).first).to_be_visible(timeout=20_000)
        wait_for_rerun(page)
        assert page.locator('[data-testid="stException"]').count() == 0
        # An unknown route silently falls back to the home page behind this dialog.
        assert page.get_by_text("Page not found").count() == 0
        screenshot_whole_page(page, artifacts_dir("screenshots") / f"{spec.url_path}-{device}.png")
    finally:
        context.close()


def test_deep_link_on_a_fresh_server_runs_through_the_navigation(browser):
    """A share link is often the first request a new server sees (see app/server.py)."""
    spec = PAGES[-1]
    with streamlit_server() as live:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        try:
            page.goto(f"{live.url}/{spec.route}", wait_until="domcontentloaded")
            wait_for_rerun(page)
            sync_api.expect(page.get_by_text(spec.key_text).first).to_be_visible(timeout=30_000)
            # Our navigation's titles, not the legacy file-name menu; no fallback dialog.
            sync_api.expect(page.get_by_text(PAGES[1].title).first).to_be_visible()
            assert page.get_by_text("Page not found").count() == 0
            assert page.locator('[data-testid="stException"]').count() == 0
        finally:
            page.close()


SAMPLE_LIVE_CURVE = """() => {
    const bar = document.querySelector('[data-testid="stProgress"]');
    const charts = [...document.querySelectorAll(
        '[data-testid="stElementContainer"]:not([data-stale="true"]) [data-testid="stPlotlyChart"]'
    )].filter((chart) => chart.innerText.includes("Training error (live)"));
    const shown = charts.some((chart) => {
        const box = chart.getBoundingClientRect();
        const style = getComputedStyle(chart);
        return box.width > 0 && box.height > 0 && style.visibility !== "hidden";
    });
    return [bar ? bar.innerText : null, shown];
}"""


def test_the_live_error_curve_is_on_screen_while_training(server, browser):
    """In slow motion (about 4 s) the live curve and the bar must be visible mid-training.

    Each chunk is a fragment rerun; drawn just before that rerun, the curve was only ever
    shown stale (hidden), so learners saw a bar and no curve."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(f"{server}/cnn1d_pooled", wait_until="domcontentloaded")
        wait_for_rerun(page)
        # The toggle must be on before Train is pressed: a click that lands while the page is
        # still settling can be lost, and then the run is over (at full speed) before the
        # first sample, which looked like a curve missing from the screen.
        watch = page.get_by_label(re.compile(r"watch it learn")).first
        watch.check(force=True)
        sync_api.expect(watch).to_be_checked()
        wait_for_rerun(page)
        page.get_by_role("button", name=re.compile(r"Train$")).first.click()
        live = page.locator(
            '[data-testid="stElementContainer"]:not([data-stale="true"]) '
            '[data-testid="stPlotlyChart"]',
            has_text="Training error (live)",
        )
        # The first chart on this page waits for Plotly's script to load (about a second into
        # the run), so sampling starts once the curve has been shown.
        sync_api.expect(live.first).to_be_visible(timeout=20_000)
        # Sampled densely while it trains (the bar counts epochs), the curve must be on screen a
        # good part of the time, not flash by. The old code showed it in 1 of 12 samples. This
        # code shows it in 48-59% of samples: each chunk's fragment rerun mounts a new chart,
        # and Plotly redraws it for part of the next chunk (see the closing note of issue 3).
        # One page.evaluate per sample keeps the samples dense: with the stale copies the
        # browser keeps, separate locator calls took up to a second each.
        seen = []
        for _ in range(60):
            progress, shown = page.evaluate(SAMPLE_LIVE_CURVE)
            if not (progress or "").startswith("epoch"):
                if seen:
                    break
            else:
                seen.append(shown)
            page.wait_for_timeout(50)
        assert len(seen) >= 5 and 3 * sum(seen) >= len(seen), seen
        sync_api.expect(page.get_by_text(re.compile(r"Trained 1000 epochs in"))).to_be_visible(
            timeout=60_000
        )
    finally:
        page.close()


def test_training_runs_in_the_browser(server, browser):
    """Section 3 trains its reference setup live and then reports its epochs and predictions."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(f"{server}/cnn1d_pooled", wait_until="domcontentloaded")
        wait_for_rerun(page)
        page.get_by_role("button", name=re.compile(r"Train$")).first.click()
        wait_for_rerun(page)
        sync_api.expect(page.get_by_text(re.compile(r"Trained 1000 epochs in"))).to_be_visible(
            timeout=60_000
        )
        wait_for_rerun(page)
        assert page.locator('[data-testid="stException"]').count() == 0
        screenshot_whole_page(page, artifacts_dir("screenshots") / "cnn1d_pooled-trained.png")
    finally:
        page.close()


def test_clicking_heatmap_cells_selects_and_explores(server, browser):
    """Click to explore with a real mouse: an output cell moves the stepper, an input cell lists
    the outputs it feeds, a dL/dW cell of the Gradients tab is written out."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(f"{server}/conv1d", wait_until="domcontentloaded")
        wait_for_rerun(page)
        sync_api.expect(page.get_by_text("Output y").first).to_be_attached(timeout=20_000)
        click_heatmap_cell(page, "Output y: click a cell to select it", 1, 1)
        sync_api.expect(page.get_by_text(re.compile(r"y\[1, 1\] = 6×2"))).to_be_visible()
        click_heatmap_cell(page, "Input x: click a position to outline the outputs it feeds", 2, 0)
        sync_api.expect(page.get_by_text("Input x[2] feeds 2 outputs")).to_be_visible()
        page.get_by_role("tab", name="Gradients").click()
        wait_for_rerun(page)
        click_heatmap_cell(page, "dL/dW heatmap: click a cell to write it out", 2, 4, panel=1)
        sync_api.expect(page.get_by_text("dL/dW[2, 4, 1] = 15×1 + 20×1 = 35")).to_be_visible()
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        page.close()
