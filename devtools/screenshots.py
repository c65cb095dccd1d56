"""Take screenshots of pages of the running app: ``python -m devtools.screenshots [route ...]``.

Writes every requested page (by default all) at desktop (1400 px) and phone (390 px) width into
``artifacts/screenshots/``. With ``--trained`` (training pages) each page is shot after its
Train button has run, into ``artifacts/screenshots/trained/``. With ``--readme`` the first
page's desktop shot also becomes ``docs/screenshot.png``, the README's picture:
``python -m devtools.screenshots --readme conv2d``.
"""

from __future__ import annotations

import argparse
import re
import shutil

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


def main(routes: list[str], trained: bool = False, readme: bool = False) -> None:
    routes = routes or [p.route for p in PAGES]
    out = artifacts_dir("screenshots", *(("trained",) if trained else ()))
    widths = (("desktop", 1400), ("phone", 390))
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
    print(f"wrote {len(routes) * 2} screenshots to {out}")
    if readme:
        first = out / f"{routes[0] or 'home'}-desktop.png"
        (ROOT / "docs").mkdir(exist_ok=True)
        shutil.copy(first, ROOT / "docs" / "screenshot.png")
        print("and the first one to docs/screenshot.png")


if __name__ == "__main__":
    known = [p.route for p in PAGES]
    names = ", ".join(route or "'' (home)" for route in known)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("routes", nargs="*", metavar="route",
                        help=f"pages to shoot (default all): {names}")  # fmt: skip
    parser.add_argument("--trained", action="store_true", help="press Train first")
    parser.add_argument("--readme", action="store_true",
                        help="copy the first desktop shot to docs/screenshot.png")  # fmt: skip
    arguments = parser.parse_args()
    unknown = [route for route in arguments.routes if route not in known]
    if unknown:
        parser.error(f"unknown page {unknown[0]!r}; the pages are {names}")
    main(arguments.routes, trained=arguments.trained, readme=arguments.readme)
