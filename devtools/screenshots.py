"""Take screenshots of pages of the running app: ``python -m devtools.screenshots [route ...]``.

Writes ``docs/screenshot.png`` (the README's picture, from the first route given, by default the
first section) and every requested page at desktop and phone width into
``artifacts/screenshots/``. With ``--trained`` (training pages) each page is shot after its
Train button has run, at 1400 and 390 pixels, into ``artifacts/screenshots/trained/``, and the
README's picture is left alone: ``python -m devtools.screenshots --trained cnn1d_pooled``.
"""

from __future__ import annotations

import re
import shutil
import sys

from playwright.sync_api import sync_playwright

from app.core.navigation import PAGES, ROOT
from devtools.live import (
    artifacts_dir,
    launch_chromium,
    screenshot_whole_page,
    streamlit_server,
    wait_for_rerun,
)


def train(page) -> None:
    """Press the page's Train button (page 8's is on its second tab) and wait for the run."""
    tab = page.get_by_role("tab", name="Train the down-sampled CNN")
    if tab.count():
        tab.click()
        wait_for_rerun(page)
    page.get_by_role("button", name=re.compile(r"Train$")).first.click()
    page.wait_for_timeout(1500)
    wait_for_rerun(page)


def main(routes: list[str], trained: bool = False) -> None:
    routes = routes or [p.route for p in PAGES]
    out = artifacts_dir("screenshots", *(("trained",) if trained else ()))
    widths = (("desktop", 1400 if trained else 1280), ("phone", 390))
    with streamlit_server() as live, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for route in routes:
            for device, width in widths:
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.goto(f"{live.url}/{route}")
                wait_for_rerun(page)
                if trained:
                    train(page)
                page.wait_for_timeout(1500)  # let Plotly finish drawing its SVG
                wait_for_rerun(page)
                screenshot_whole_page(
                    page, out / f"{route or 'home'}-{device}.png", 30_000 if trained else 12_000
                )
                page.close()
        browser.close()
    if trained:
        print(f"wrote {len(routes) * 2} screenshots after training to {out}")
        return
    first = out / f"{routes[0] or 'home'}-desktop.png"
    (ROOT / "docs").mkdir(exist_ok=True)
    shutil.copy(first, ROOT / "docs" / "screenshot.png")
    print(f"wrote {len(routes) * 2} screenshots to {out} and docs/screenshot.png")


if __name__ == "__main__":
    arguments = sys.argv[1:]
    main([a for a in arguments if a != "--trained"], trained="--trained" in arguments)
