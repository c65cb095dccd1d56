"""Every chart's words and numbers stay readable, in Chromium, on a phone and on a desktop.

For each page (and each training page after its Train button has run) at 390 and 1400 px, every
text of every Plotly chart (titles, tick labels, numbers in cells, point labels, colour bars)
is measured where Chromium drew it: no two may overlap, and none may stick out of its chart.
Rotated tick labels are left out (their boxes overlap where the slanted words do not), as are
hover labels, which appear only under the pointer, and text drawn transparent (the kernel
animation's slider steps carry their sums in labels it does not show).

Found this way and fixed: page 7's layer-2 kernel gradients (four panels in a half-width
column), page 4's word plot (four words at one spot), page 4's dense-weights title (cut at a
phone's edge), the sigmoid feature maps of pages 5, 6 and 8 (their colour bar squeezed the
cells) and panel rows 70 px apart (an axis title on the next row's panel title).
"""

from __future__ import annotations

import pytest

from app.core.navigation import PAGES
from app.widgets.stepper import PLAY_LABEL
from devtools.live import wait_for_rerun
from devtools.screenshots import train
from tests.browser.conftest import opened, playwright_or_skip

pytestmark = pytest.mark.browser
playwright_or_skip()

WIDTHS = (390, 1400)
TRAINING = [p.route for p in PAGES if p.route.startswith("cnn")]

# Overlap of two text boxes counts beyond 2 px across and 3 px down (a glyph's box holds its
# line spacing, so touching lines overlap by a pixel or two).
OVERLAPS_JS = r"""() => {
  const found = [];
  document.querySelectorAll('[data-testid=stPlotlyChart]').forEach((chart, index) => {
    const name = chart.getAttribute('aria-label') || `chart ${index}`;
    const sides = chart.getBoundingClientRect();
    const boxes = [];
    chart.querySelectorAll('svg text').forEach(text => {
      const words = (text.textContent || '').trim();
      if (!words || text.closest('.hoverlayer')) return;
      const turn = text.getAttribute('transform') || '';
      if (/rotate\((?!0[,)])/.test(turn) && !text.closest('[class*=ytitle]')) return;
      const style = getComputedStyle(text);
      if (style.display === 'none' || style.visibility === 'hidden' || style.opacity === '0' ||
          style.fill === 'rgba(0, 0, 0, 0)' || style.fillOpacity === '0') return;
      const r = text.getBoundingClientRect();
      if (r.width < 1 || r.height < 1) return;
      boxes.push({words, left: r.left, right: r.right, top: r.top, bottom: r.bottom});
      if (r.right > sides.right + 1 || r.left < sides.left - 1 ||
          r.bottom > sides.bottom + 1 || r.top < sides.top - 1) {
        found.push(`${name}: "${words}" sticks out of the chart`);
      }
    });
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i], b = boxes[j];
        const across = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const down = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (across > 2 && down > 3) {
          found.push(`${name}: "${a.words}" overlaps "${b.words}" (${across | 0} x ${down | 0} px)`);
        }
      }
    }
  });
  return found;
}"""


def _settled(page) -> None:
    """Scroll the whole page through once, so every chart is laid out and drawn."""
    page.wait_for_timeout(1000)
    wait_for_rerun(page)
    height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
    for y in range(0, int(height) + 900, 800):
        page.evaluate(f"document.querySelector('[data-testid=stMain]').scrollTo(0, {y})")
        page.wait_for_timeout(60)
    page.wait_for_timeout(800)


# (route, width, what is done first): nothing, Train pressed, or the kernel animation opened.
CASES = (
    [(p.route, w, "") for p in PAGES for w in WIDTHS]
    + [(route, w, "trained") for route in TRAINING for w in WIDTHS]
    + [(route, w, "animation") for route in ("conv1d", "conv2d") for w in WIDTHS]
)


@pytest.mark.parametrize(
    ("route", "width", "first"),
    CASES,
    ids=[f"{r or 'home'}-{w}{'-' + f if f else ''}" for r, w, f in CASES],
)
def test_no_chart_text_overlaps_or_sticks_out(server, browser, route, width, first):
    with opened(browser, f"{server}/{route}", width) as page:
        if first == "trained":
            train(page)
        elif first == "animation":
            page.get_by_text(PLAY_LABEL, exact=True).click()  # drawn only while open
            wait_for_rerun(page)
        _settled(page)
        if first:
            assert page.locator("[data-testid=stPlotlyChart]").count()
        if first == "animation":
            assert page.get_by_role("figure", name="Every stop of the kernel").count()
        problems = page.evaluate(OVERLAPS_JS)
    assert problems == [], "\n".join(problems)
