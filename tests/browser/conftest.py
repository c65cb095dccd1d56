"""What the browser tests share: Playwright (or a skip), the app's server and Chromium.

Outside CI a missing Chromium or Playwright skips a module; under CI (``CI`` set) it fails.
"""

from __future__ import annotations

import contextlib
import os
from types import ModuleType

import pytest

from devtools.live import CHROMIUM, launch_chromium, streamlit_server, wait_for_rerun


def playwright_or_skip() -> ModuleType:
    """``playwright.sync_api``; call at import time: it skips the module where it cannot run."""
    if os.environ.get("CI"):
        import playwright.sync_api

        return playwright.sync_api
    if not CHROMIUM.exists():
        pytest.skip(
            f"{CHROMIUM} not installed (see README: apt-get install chromium)",
            allow_module_level=True,
        )
    return pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def server():
    """The app under ``streamlit run`` on a free loopback port, one per test module."""
    with streamlit_server() as live:
        yield live.url


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through Playwright, one per test module."""
    sync_api = playwright_or_skip()
    with sync_api.sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@contextlib.contextmanager
def opened(browser, url: str, width: int, fetched: list[str] | None = None):
    """A new tab at ``width`` pixels showing ``url`` after its first run (every address it
    requests appended to ``fetched``, when given); closed afterwards."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    if fetched is not None:
        page.on("request", lambda request: fetched.append(request.url))
    try:
        page.goto(url, wait_until="domcontentloaded")
        wait_for_rerun(page)
        yield page
    finally:
        page.close()
