"""What a learner waits for, measured in headless Chromium against the real server.

    python -m benchmarks.browser_latency                 # every page, 3 samples each
    python -m benchmarks.browser_latency --samples 5 --only conv
    python -m benchmarks.browser_latency --busy 10       # with 10 other sessions training

For every page: **load** (navigation to a done page: connected, the script finished, no
skeleton, every Plotly chart drawn, nothing stale, and no change to the document since) three
ways: **cold** (a new browser profile: a learner's first visit, every script fetched), **warm
tab** (a new tab of a browser that has seen the app: its scripts come from the cache) and **in
the app** (the sidebar's link clicked on the page before it in the menu, as a learner moves
through the sections); and **update** (one control changed, as a learner does it, to the
updated page done again: there, back and there again in each tab; the first change after a
load is also given alone, as the browser's first update of a page is the slowest). The same
run loads ``benchmarks/floor_app.py`` (Streamlit alone, and with one 3 x 3 Plotly chart) as
the reference: the least a page can take on this machine.

Every time is taken in the page's own clock (``PROBE``): from the navigation's start or the key
press / pointer press to the moment the page became settled (and stayed so), so the driver's own
round trips are not counted. Each is split into ``server`` (to the run's last websocket message:
the script's work, Streamlit's bookkeeping and the transfer) and ``draw`` (from that message to
settled: the browser building and drawing); the KB received for an update are printed too.

Medians over ``--samples``. ``--busy N`` runs N protocol sessions (benchmarks.protocol_load's
learners) that keep training while measuring, to see the same under load. Prints a Markdown
table; targets from issue 15: load <= 1.5 s, update <= 0.3 s. Timings on a shared 2-core machine
are noisy: the load average is printed with the table.

**stepping**: page 1's kernel animation played through 60 stops (a 32-position input): steps
per second in the browser (from the slider's value changing, median interval) and the messages
the browser sent the server meanwhile (target: >= 20 steps/s, none sent).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from app.core.navigation import PAGES  # noqa: E402
from app.widgets.stepper import PLAY_LABEL  # noqa: E402
from devtools.live import launch_chromium, streamlit_server  # noqa: E402

SETTLED = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.dataset.testConnectionState !== 'CONNECTED') return false;
  if (app.dataset.testScriptState !== 'notRunning') return false;
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  if (document.querySelector('[data-stale="true"]')) return false;
  const charts = document.querySelectorAll('[data-testid="stPlotlyChart"]');
  for (const chart of charts) { if (!chart.querySelector('.main-svg')) return false; }
  return true;
}"""

# Runs in every page before the app: times are taken in the page's own clock
# (performance.now(), 0 at the navigation's start), so the driver's own round trips are not
# counted. A MutationObserver keeps the time of the document's last change and whether the page
# was settled then; every websocket message received is timed and counted; the last key press or
# pointer press is the start of an update. The page is done when it is settled and nothing has
# changed for STEADY_MS: its last change is when it was done. (Waiting only for SETTLED ends too
# early on an update: the charts exist throughout and Plotly redraws them one after another for
# a few hundred milliseconds after the run's last message.)
PROBE = (
    """(() => {
  const settled = """
    + SETTLED
    + """;
  const probe = window.__probe = {last: null, settled: false, input: null, lastMessage: null,
                                  bytes: 0};
  const check = () => { probe.last = performance.now(); probe.settled = settled(); };
  const start = () => new MutationObserver(check).observe(document, {subtree: true,
    childList: true, attributes: true, characterData: true});
  if (document.documentElement) start(); else document.addEventListener('DOMContentLoaded', start);
  for (const kind of ['keydown', 'pointerdown']) {
    document.addEventListener(kind, e => { probe.input = e.timeStamp; }, true);
  }
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', e => {
        probe.lastMessage = performance.now();
        probe.bytes += e.data.byteLength || e.data.size || e.data.length || 0;
      });
    }
  };
})();"""
)

# The control each page's "update" changes: (accessible label, value typed). The explored
# controls (stride, sizes) are sliders, moved one step with ArrowRight as a learner does with
# the keyboard (1 -> 2 here); the training pages' seed is a number box, typed.
UPDATES = {
    "": None,
    "conv1d": ("stride", "2"),
    "conv2d": ("stride y (rows)", "2"),
    "cnn1d_pooled": ("seed", "1"),
    "cnn1d_flat": ("seed", "1"),
    "cnn2d_pooled": ("seed", "1"),
    "cnn2d_flat": ("seed", "1"),
    "cnn2d_two_layers": ("seed", "1"),
    "cnn2d_downsampled": ("stride y (rows)", "1"),
}
STEADY_MS = 400  # settled this long with nothing new: the page is done


@dataclass
class Sample:
    total: float  # s, from the start (navigation or input) to the last change once settled
    server: float  # s, from the start to the run's last websocket message
    draw: float  # s, from that message to the last change
    kilobytes: float  # websocket bytes received meanwhile


def settle(page, timeout: float = 60_000) -> None:
    """Block until the page looks settled (between timed parts, where no time is taken)."""
    page.wait_for_timeout(150)  # let the change reach the server before polling
    page.wait_for_function(SETTLED, timeout=timeout, polling=25)


def _probe(page) -> dict:
    return page.evaluate("({...window.__probe})")


def timed(page, action, *, navigation: bool) -> Sample:
    """Run ``action`` and time it in the page's clock, to the page's last change once it is
    settled and has not changed for ``STEADY_MS`` (after an input: once a message has come back
    for it)."""
    before = None if navigation else _probe(page)
    action()
    check = (
        "(b) => { const p = window.__probe; if (!p || p.last === null || !p.settled) return false;"
        " if (b !== null && (p.input === b.input || !(p.lastMessage > p.input))) return false;"
        f" return performance.now() - p.last > {STEADY_MS}; }}"
    )
    try:
        page.wait_for_function(check, arg=before, timeout=60_000, polling=50)
    except PlaywrightTimeout as error:
        raise RuntimeError(
            f"{page.url} never settled: before {before}, now {_probe(page)}"
        ) from error
    after = _probe(page)
    start = 0.0 if navigation else after["input"]
    end = after["last"]
    last = after["lastMessage"] if after["lastMessage"] is not None else end
    kilobytes = (after["bytes"] - (before["bytes"] if before else 0)) / 1024
    return Sample((end - start) / 1000, (last - start) / 1000, (end - last) / 1000, kilobytes)


def prepare_change(page, label: str, value: str, back: bool = False):
    """Find and focus the control first (untimed); return the key press that changes it: a
    slider one step right (left when ``back``), a number box to ``value`` (0 when ``back``)."""
    slider = page.locator(f'[data-testid="stSlider"] input[type="range"][aria-label="{label}"]')
    if slider.count():
        slider.first.focus()
        return lambda: slider.first.press("ArrowLeft" if back else "ArrowRight")
    box = page.get_by_label(label, exact=True).first
    box.fill("0" if back else value)
    return lambda: box.press("Enter")


VIEWPORT = {"width": 1400, "height": 900}


def new_tab(context):
    tab = context.new_page()
    tab.add_init_script(PROBE)
    return tab


def load(tab, url: str) -> Sample:
    """Navigate ``tab`` to ``url``, timed from the navigation's start."""
    return timed(tab, lambda: tab.goto(url), navigation=True)


MODES = ("cold", "warm", "app")
"""cold: a new browser profile per sample (nothing cached: a learner's first visit); warm: a
new tab of a browser that has seen the app (its scripts cached); app: moving to the page from
the one before it in the menu with the sidebar's link, as a learner moves through the
sections (the page before loaded fresh in that tab first)."""


CHANGES = (False, True, False)
"""Each tab's updates: there, back and there again (``back`` of ``prepare_change``), as a
learner tries a value; the first of them is the first change after the page loaded."""


def page_samples(
    browser, warm_context, base: str, route: str, previous: str | None, samples: int
) -> tuple[dict[str, list[Sample]], list[Sample]]:
    """{mode: [load samples]}, [update samples, ``len(CHANGES)`` per tab] for one page;
    ``previous``: the route of the page before it in the menu, from which the learner comes
    in the app."""
    loads: dict[str, list[Sample]] = {mode: [] for mode in MODES}
    updates: list[Sample] = []
    update = UPDATES.get(route)
    for _ in range(samples):
        context = browser.new_context(viewport=VIEWPORT)
        tab = new_tab(context)
        loads["cold"].append(load(tab, f"{base}/{route}"))
        if update is not None:
            for back in CHANGES:
                updates.append(
                    timed(tab, prepare_change(tab, *update, back=back), navigation=False)
                )
        context.close()

        tab = new_tab(warm_context)
        loads["warm"].append(load(tab, f"{base}/{route}"))
        if route:
            tab.goto(f"{base}/{previous}")
            settle(tab)
            link = tab.locator(f'[data-testid="stSidebarNav"] a[href$="/{route}"]').first
            loads["app"].append(timed(tab, link.click, navigation=False))
        tab.close()
    return loads, updates


def floor_samples(browser, samples: int) -> dict[str, dict[str, list[Sample]]]:
    """Cold and warm-tab loads of ``benchmarks/floor_app.py`` (Streamlit alone, then with one
    tiny Plotly chart), on its own server in the same run: the least any page can take here."""
    rows: dict[str, dict[str, list[Sample]]] = {}
    with streamlit_server(script="benchmarks/floor_app.py") as floor:
        warm = browser.new_context(viewport=VIEWPORT)
        for query, name in (
            ("", "Streamlit alone (a title)"),
            ("?chart=1", "... with one 3 x 3 Plotly chart"),
        ):
            visit = new_tab(warm)
            visit.goto(f"{floor.url}/{query}")
            settle(visit)
            visit.close()
            rows[name] = {"cold": [], "warm": []}
            for _ in range(samples):
                context = browser.new_context(viewport=VIEWPORT)
                rows[name]["cold"].append(load(new_tab(context), f"{floor.url}/{query}"))
                context.close()
                tab = new_tab(warm)
                rows[name]["warm"].append(load(tab, f"{floor.url}/{query}"))
                tab.close()
        warm.close()
    return rows


def median(samples: list[Sample], attribute: str) -> float:
    return statistics.median(getattr(s, attribute) for s in samples)


def cell(samples: list[Sample], target: float, split: bool = True) -> str:
    if not samples:
        return "–"
    total = median(samples, "total")
    text = f"{total:.2f}" + ("" if total <= target else "*")
    if split:
        text += f" ({median(samples, 'server'):.2f} / {median(samples, 'draw'):.2f})"
    return text


def stepping(browser, base: str) -> tuple[float, int, int]:
    """Play page 1's kernel animation over a 32-position input: (steps per second from the
    median interval, stops seen, websocket messages sent meanwhile)."""
    page = browser.new_page(viewport=VIEWPORT)
    sent: list[int] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(1)))
    page.goto(f"{base}/conv1d")
    settle(page)
    # The app writes its setup into the address bar; swap the input for 32 positions.
    query = re.sub(r"x=4x5_[0-9_]+", "x=32x5_" + "_".join(str(i % 9) for i in range(160)),
                   page.url.split("?", 1)[1])  # fmt: skip
    page.goto(f"{base}/conv1d?{query}")
    settle(page)
    page.get_by_text(PLAY_LABEL, exact=True).click()  # the animation is drawn only while open
    settle(page)
    chart = page.locator('[data-testid="stPlotlyChart"]').filter(has_text="Every stop of")
    chart.scroll_into_view_if_needed()
    settle(page)
    chart.evaluate(
        """el => { window.stops = []; let last = '';
        new MutationObserver(() => {
          const label = el.querySelector('.slider-group > .slider-label');
          const text = label ? label.textContent : '';
          if (text !== last) { last = text; window.stops.push(performance.now()); }
        }).observe(el, {subtree: true, childList: true, characterData: true}); }"""
    )
    sent.clear()
    chart.get_by_text("▶ play").click()
    page.wait_for_function("window.stops.length >= 60", timeout=60_000, polling=100)
    stops = page.evaluate("window.stops")
    page.close()
    gaps = [b - a for a, b in zip(stops[1:], stops[2:], strict=False)]  # from the 2nd stop on
    return 1000 / statistics.median(gaps), len(stops), len(sent)


def busy_sessions(base: str, count: int, stop: threading.Event):
    """``count`` protocol learners training on page 3 again and again until ``stop``; their
    ``RunStats`` (journey times and errors)."""
    import asyncio

    from benchmarks import protocol_load

    stats = protocol_load.RunStats(count)

    async def learner(index: int) -> None:
        while not stop.is_set():
            await protocol_load.one_session(base, stats, index)  # reports its own errors

    async def main() -> None:
        await asyncio.gather(*(learner(i) for i in range(count)))

    threading.Thread(target=lambda: asyncio.run(main()), daemon=True).start()
    return stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=3)
    parser.add_argument("--only", default="", help="pages whose route contains this")
    parser.add_argument("--busy", type=int, default=0, help="other sessions training meanwhile")
    parser.add_argument(
        "--no-floor", action="store_true", help="skip the reference pages (benchmarks/floor_app.py)"
    )
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    with streamlit_server() as live, sync_playwright() as playwright:
        stop = threading.Event()
        busy = busy_sessions(live.url, args.busy, stop) if args.busy else None
        if busy is not None:
            time.sleep(3)
        browser = launch_chromium(playwright)
        # One visit first: the server imports and compiles on its first run.
        warm = browser.new_page()
        warm.goto(live.url)
        settle(warm)
        warm.close()
        warm_context = browser.new_context(viewport=VIEWPORT)
        visit = new_tab(warm_context)
        for spec in PAGES:  # the warm browser has seen every page once
            visit.goto(f"{live.url}/{spec.route}")
            settle(visit)
        visit.close()
        print(
            "| page | load, cold s (server / draw) | load, warm tab s | load, in the app s "
            "| update s (server / draw) | first update s | update KB |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|")
        for previous, spec in zip((None, *PAGES), PAGES, strict=False):
            if args.only not in spec.route:
                continue
            loads, updates = page_samples(
                browser,
                warm_context,
                live.url,
                spec.route,
                previous and previous.route,
                args.samples,
            )
            kilobytes = f"{median(updates, 'kilobytes'):.0f}" if updates else "–"
            print(
                f"| {spec.title} | {cell(loads['cold'], 1.5)} | {cell(loads['warm'], 1.5)} | "
                f"{cell(loads['app'], 1.5)} | {cell(updates, 0.3)} | "
                f"{cell(updates[:: len(CHANGES)], 0.3, split=False)} | {kilobytes} |",
                flush=True,
            )
        if not args.no_floor:
            for name, loads in floor_samples(browser, args.samples).items():
                print(f"| {name} | {cell(loads['cold'], 1.5)} | {cell(loads['warm'], 1.5)} "
                      "| – | – | – | – |", flush=True)  # fmt: skip
        print("\n`*`: over the target (load 1.5 s, update 0.3 s).")
        if "conv1d".startswith(args.only) or args.only in "conv1d":
            rate, seen, sent = stepping(browser, live.url)
            print(
                f"\nstepping (page 1, played): {rate:.1f} steps/s (target >= 20) over "
                f"{seen} stops; {sent} messages sent to the server meanwhile",
                flush=True,
            )
        stop.set()
        # Errors until now happened while the pages were timed; sessions still running when
        # the server stops below end in an error too, which says nothing about the app.
        errors_while_timed = list(busy.errors) if busy is not None else []
        browser.close()
    if busy is not None:
        trainings = len(busy.times.get("train", []))
        print(
            f"busy sessions: {trainings} trainings finished, {len(errors_while_timed)} errors "
            f"while the pages were timed, {len(busy.errors) - len(errors_while_timed)} more "
            "when the server stopped under them"
        )
        for kind in sorted({error.split(":", 1)[1][:160] for error in errors_while_timed}):
            print(f"  error: {kind}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
