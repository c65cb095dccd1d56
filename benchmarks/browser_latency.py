"""What a learner waits for, measured in headless Chromium against the real server.

    python -m benchmarks.browser_latency                 # every page, 3 samples each
    python -m benchmarks.browser_latency --samples 5 --only conv
    python -m benchmarks.browser_latency --busy 10       # with 10 other sessions training

For every page: **load** (navigation to a settled page: connected, the script finished, no
skeleton, every Plotly chart drawn and nothing stale) and **update** (one control changed, as a
learner does it, to the updated page settled again). Each time is split where it goes:

- ``server``: from the request (navigation or key press) to the last websocket frame of the run
  (Streamlit's ``script_finished``): the script's work plus Streamlit's bookkeeping;
- ``transfer``: the bytes the browser received for it (websocket frames);
- ``draw``: from that last frame to the settled page: the browser building and drawing.

Medians over ``--samples`` fresh tabs (loads) and changes (updates). ``--busy N`` runs N protocol
sessions (benchmarks.protocol_load's learners) that keep training while measuring, to see the
same under load. Prints a Markdown table; targets from issue 15: load <= 1.5 s, update <= 0.3 s.
Timings on a shared 2-core machine are noisy: the load average is printed with the table.

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
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from app.core.navigation import PAGES  # noqa: E402
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


@dataclass
class Frames:
    """Websocket frames received, with their arrival times."""

    times: list[float] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, payload) -> None:
        with self.lock:
            self.times.append(time.perf_counter())
            self.sizes.append(len(payload))

    def since(self, start: float) -> tuple[float | None, int]:
        with self.lock:
            picked = [(t, s) for t, s in zip(self.times, self.sizes, strict=True) if t >= start]
        if not picked:
            return None, 0
        return max(t for t, _ in picked), sum(s for _, s in picked)


@dataclass
class Sample:
    total: float
    server: float
    draw: float
    kilobytes: float


def settle(page, timeout: float = 60_000) -> None:
    page.wait_for_timeout(150)  # let the change reach the server before polling
    page.wait_for_function(SETTLED, timeout=timeout, polling=25)


def measure(page, frames: Frames, action) -> Sample:
    start = time.perf_counter()
    action()
    settle(page)
    end = time.perf_counter()
    last, size = frames.since(start)
    server = (last - start) if last else float("nan")
    return Sample(end - start, server, end - (last or end), size / 1024)


def change(page, label: str, value: str) -> None:
    """Move the slider called ``label`` one step right (``value`` unused), or type ``value``
    into the number box of that name."""
    # Its accessible name repeats the label (react-aria labels the input by itself and its group).
    slider = page.locator(f'[data-testid="stSlider"] input[type="range"][aria-label="{label}"]')
    if slider.count():
        slider.first.focus()
        slider.first.press("ArrowRight")
        return
    box = page.get_by_label(label, exact=True).first
    box.fill(value)
    box.press("Enter")


def page_samples(browser, base: str, route: str, samples: int) -> tuple[list, list]:
    loads, updates = [], []
    update = UPDATES.get(route)
    for _ in range(samples):
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        frames = Frames()
        page.on("websocket", lambda ws, f=frames: ws.on("framereceived", f.add))
        loads.append(measure(page, frames, lambda p=page: p.goto(f"{base}/{route}")))
        if update is not None:
            updates.append(measure(page, frames, lambda p=page: change(p, *update)))
        page.close()
    return loads, updates


def median(samples: list[Sample], attribute: str) -> float:
    return statistics.median(getattr(s, attribute) for s in samples)


def row(name: str, samples: list[Sample], target: float) -> str:
    if not samples:
        return f"| {name} | – | – | – | – | {target} |"
    total = median(samples, "total")
    flag = "" if total <= target else " (over)"
    return (
        f"| {name} | {total:.2f}{flag} | {median(samples, 'server'):.2f} | "
        f"{median(samples, 'draw'):.2f} | {median(samples, 'kilobytes'):.0f} | {target} |"
    )


def stepping(browser, base: str) -> tuple[float, int, int]:
    """Play page 1's kernel animation over a 32-position input: (steps per second from the
    median interval, stops seen, websocket messages sent meanwhile)."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    sent: list[int] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(1)))
    page.goto(f"{base}/conv1d")
    settle(page)
    # The app writes its setup into the address bar; swap the input for 32 positions.
    query = re.sub(r"x=4x5_[0-9_]+", "x=32x5_" + "_".join(str(i % 9) for i in range(160)),
                   page.url.split("?", 1)[1])  # fmt: skip
    page.goto(f"{base}/conv1d?{query}")
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
        print("| page: step | median s | server s | draw s | received KB | target s |")
        print("|---|---:|---:|---:|---:|---:|")
        for spec in PAGES:
            if args.only not in spec.route:
                continue
            loads, updates = page_samples(browser, live.url, spec.route, args.samples)
            print(row(f"{spec.title}: load", loads, 1.5), flush=True)
            if updates:
                print(row(f"{spec.title}: update", updates, 0.3), flush=True)
        if "conv1d".startswith(args.only) or args.only in "conv1d":
            rate, seen, sent = stepping(browser, live.url)
            print(
                f"\nstepping (page 1, played): {rate:.1f} steps/s (target >= 20) over "
                f"{seen} stops; {sent} messages sent to the server meanwhile",
                flush=True,
            )
        stop.set()
        browser.close()
    if busy is not None:
        trainings = len(busy.times.get("train", []))
        print(f"busy sessions: {trainings} trainings finished, {len(busy.errors)} errors")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
