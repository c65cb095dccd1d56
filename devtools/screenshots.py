"""Take screenshots of pages of the running app: ``python -m devtools.screenshots [route ...]``.

Writes ``docs/screenshot.png`` (the README's picture, from the first route given, by default the
first section) and every requested page at desktop and phone width into
``artifacts/screenshots/``.
"""

from __future__ import annotations

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


def main(routes: list[str]) -> None:
    routes = routes or [p.route for p in PAGES]
    out = artifacts_dir("screenshots")
    with streamlit_server() as live, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for route in routes:
            for device, width in (("desktop", 1280), ("phone", 390)):
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.goto(f"{live.url}/{route}")
                wait_for_rerun(page)
                page.wait_for_timeout(1500)  # let Plotly finish drawing its SVG
                wait_for_rerun(page)
                screenshot_whole_page(page, out / f"{route or 'home'}-{device}.png")
                page.close()
        browser.close()
    first = out / f"{routes[0] or 'home'}-desktop.png"
    (ROOT / "docs").mkdir(exist_ok=True)
    shutil.copy(first, ROOT / "docs" / "screenshot.png")
    print(f"wrote {len(routes) * 2} screenshots to {out} and docs/screenshot.png")


if __name__ == "__main__":
    main(sys.argv[1:])
