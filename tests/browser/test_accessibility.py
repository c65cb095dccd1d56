"""Every page, every tab, read through Chromium's accessibility tree: no control without a name a
screen reader can say, and every Plotly chart named and followed by its numbers as text.

The tree is Chromium's own (``Accessibility.getFullAXTree`` over the DevTools protocol), so a
name counts only if Chromium computes one: a button labelled with a thin space has none. The
training pages are walked before and after a run (the run draws most of their charts), with the
image editor open so that its pixel buttons are in the tree.
"""

from __future__ import annotations

import re

import pytest

from app.core.navigation import PAGES
from app.widgets.charts import TEXT_LABEL
from app.widgets.image_set_editor import EDIT_LABEL
from devtools.live import wait_for_rerun
from tests.browser.conftest import opened, playwright_or_skip

pytestmark = pytest.mark.browser
sync_api = playwright_or_skip()

CONTROL_ROLES = {
    "button", "textbox", "searchbox", "spinbutton", "slider", "combobox", "listbox",
    "checkbox", "radio", "switch", "tab", "menuitem",
}  # fmt: skip
NAMED_ROLES = CONTROL_ROLES | {"image", "img"}  # a picture (an <img>) needs a name too
CHARTS_WITHOUT_TEXT = """(label) => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
  .filter(chart => {
    const block = chart.closest('[data-testid="stVerticalBlock"]');
    const texts = block ? [...block.querySelectorAll('[data-testid="stExpander"] summary')] : [];
    const named = (chart.getAttribute('aria-label') || '').trim().length > 0;
    return !named || !texts.some(s => s.innerText.includes(label));
  })
  .map(chart => chart.getAttribute('aria-label') || chart.innerText.slice(0, 80))"""


def unnamed_controls(page) -> list[str]:
    """The controls (and pictures) Chromium's accessibility tree has no name for, as HTML."""
    cdp = page.context.new_cdp_session(page)
    try:
        found = []
        for node in cdp.send("Accessibility.getFullAXTree")["nodes"]:
            role = node.get("role", {}).get("value")
            name = (node.get("name") or {}).get("value", "")
            if node.get("ignored") or role not in NAMED_ROLES or str(name).strip():
                continue
            handle = cdp.send("DOM.resolveNode", {"backendNodeId": node["backendDOMNodeId"]})
            html = cdp.send(
                "Runtime.callFunctionOn",
                {
                    "objectId": handle["object"]["objectId"],
                    "functionDeclaration": "function () { return this.outerHTML.slice(0, 160); }",
                    "returnByValue": True,
                },
            )["result"]["value"]
            if role in CONTROL_ROLES or html.startswith("<img"):  # not Plotly's own SVG
                found.append(f"{role}: {html}")
        return found
    finally:
        cdp.detach()


def check_view(page, where: str) -> None:
    wait_for_rerun(page)
    assert page.locator('[data-testid="stException"]').count() == 0, where
    assert unnamed_controls(page) == [], where
    assert page.evaluate(CHARTS_WITHOUT_TEXT, TEXT_LABEL) == [], where


def open_image_editor(page) -> bool:
    editor = page.get_by_text(EDIT_LABEL)
    if not editor.count():
        return False
    editor.first.click()
    wait_for_rerun(page)
    return True


@pytest.mark.parametrize("spec", PAGES, ids=[p.url_path for p in PAGES])
def test_every_control_is_named_and_every_chart_has_its_numbers_as_text(server, browser, spec):
    with opened(browser, f"{server}/{spec.route}", 1280) as page:
        sync_api.expect(page.get_by_text(spec.key_text).first).to_be_visible(timeout=30_000)
        tabs = page.locator('[data-testid="stMain"] [role="tab"]')
        names = [tabs.nth(i).inner_text() for i in range(tabs.count())] or [None]
        for name in names:
            if name is not None:
                page.get_by_role("tab", name=name, exact=True).click()
            where = f"{spec.url_path}, tab {name}"
            check_view(page, where)
            if open_image_editor(page):
                check_view(page, f"{where}, image editor open")
            train = page.get_by_role("button", name=re.compile(r"Train$"))
            if train.count():
                train.first.click()
                page.wait_for_timeout(1000)
                check_view(page, f"{where}, trained")


def test_pixel_buttons_say_where_they_are_and_whether_they_are_on(server, browser):
    with opened(browser, f"{server}/cnn2d_pooled", 390) as page:
        assert open_image_editor(page)
        pixel = page.get_by_role("button", name=re.compile(r"^pixel row 1 column 1, (on|off)$"))
        sync_api.expect(pixel.first).to_be_visible()
        # The name is for screen readers: the button shows its state by colour, no text.
        box = pixel.first.locator("p").bounding_box()
        assert box is not None and box["width"] <= 1 and box["height"] <= 1
        before = pixel.first.get_attribute("aria-label") or pixel.first.inner_text()
        pixel.first.click()
        wait_for_rerun(page)
        after = page.get_by_role("button", name=re.compile(r"^pixel row 1 column 1, (on|off)$"))
        assert (after.first.get_attribute("aria-label") or after.first.inner_text()) != before


def test_a_phone_hides_plotlys_toolbar_and_scrolls_wide_formulas(server, browser):
    with opened(browser, f"{server}/conv1d", 390) as page:
        page.wait_for_selector(".modebar-container", state="attached", timeout=30_000)
        shown = page.evaluate(
            """() => [...document.querySelectorAll('.modebar-container')]
                .map(bar => getComputedStyle(bar).display)"""
        )
        assert shown and set(shown) == {"none"}  # it covered the charts' titles
        overflow = page.evaluate(
            """() => [...document.querySelectorAll('.katex-display')]
                .map(formula => getComputedStyle(formula).overflowX)"""
        )
        assert overflow and set(overflow) == {"auto"}
