"""Many people on one hosted demo: N concurrent browser sessions against the real server.

Starts ``streamlit run`` on loopback, then for each N opens N Playwright contexts in Debian's
Chromium at once (the real websocket protocol). Each session

1. loads the 1D convolution page               -> ``load``
2. changes its stride and waits for the rerun  -> ``widget``
3. opens the pooled 1D CNN page, clicks Train, waits for the predictions -> ``train``

and every step checks that no exception box is shown. Prints response-time percentiles per step
and the server's resident memory: at the start (after one warm-up session), at its peak, and
after the sessions have closed.

    python -m benchmarks.load_test                 # N = 1, 5, 20
    python -m benchmarks.load_test --sessions 2    # the short version the test suite runs
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import time
from collections.abc import Awaitable
from dataclasses import dataclass, field

from playwright.async_api import async_playwright

from devtools.live import CHROMIUM, CHROMIUM_ARGS, LiveServer, streamlit_server

CONV_ROUTE = "conv1d"
TRAIN_ROUTE = "cnn1d_pooled"
STEP_TIMEOUT_MS = 120_000


@dataclass
class RunStats:
    sessions: int
    times: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    rss_start: float = 0.0
    rss_peak: float = 0.0
    rss_end: float = 0.0

    def add(self, step: str, seconds: float) -> None:
        self.times.setdefault(step, []).append(seconds)


async def wait_for_rerun(page) -> None:
    await page.wait_for_timeout(200)
    await page.wait_for_selector(
        '[data-testid="stApp"][data-test-connection-state="CONNECTED"]', timeout=STEP_TIMEOUT_MS
    )
    await page.wait_for_selector(
        '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=STEP_TIMEOUT_MS
    )
    await page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=\"stSkeleton\"]').length === 0",
        timeout=STEP_TIMEOUT_MS,
    )


async def no_exception(page, where: str) -> None:
    if await page.locator('[data-testid="stException"]').count():
        raise AssertionError(f"exception shown on {where}")


async def one_session(browser, server: LiveServer, stats: RunStats, index: int) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    try:
        start = time.perf_counter()
        await page.goto(f"{server.url}/{CONV_ROUTE}")
        await wait_for_rerun(page)
        await page.get_by_text("2360").first.wait_for(timeout=STEP_TIMEOUT_MS)
        stats.add("load", time.perf_counter() - start)
        await no_exception(page, CONV_ROUTE)

        stride = page.locator('[data-testid="stSlider"] input[aria-label="stride"]').first
        start = time.perf_counter()
        await stride.focus()
        await stride.press("ArrowRight")  # 1 -> 2
        await wait_for_rerun(page)
        stats.add("widget", time.perf_counter() - start)
        await no_exception(page, f"{CONV_ROUTE} after a stride change")

        await page.goto(f"{server.url}/{TRAIN_ROUTE}")
        await wait_for_rerun(page)
        start = time.perf_counter()
        await page.get_by_role("button", name=re.compile(r"Train$")).first.click()
        await wait_for_rerun(page)
        await page.get_by_text(re.compile(r"Trained [0-9]+ epochs in")).first.wait_for(
            timeout=STEP_TIMEOUT_MS
        )
        stats.add("train", time.perf_counter() - start)
        await no_exception(page, f"{TRAIN_ROUTE} after training")
    except Exception as error:  # a load test reports every failure, then goes on
        stats.errors.append(f"session {index}: {type(error).__name__}: {error}"[:300])
    finally:
        await context.close()


async def sample_memory(
    server: LiveServer, stats: RunStats, stop: asyncio.Event, every: float
) -> None:
    while not stop.is_set():
        stats.rss_peak = max(stats.rss_peak, server.rss_mib())
        await asyncio.sleep(every)


async def while_sampling_memory(
    server: LiveServer, stats: RunStats, work: Awaitable, every: float = 0.1
) -> None:
    """Await ``work`` while recording the server's resident memory at the start and its peak."""
    stats.rss_start = stats.rss_peak = server.rss_mib()
    stop = asyncio.Event()
    sampler = asyncio.create_task(sample_memory(server, stats, stop, every))
    try:
        await work
    finally:
        stop.set()
        await sampler


def print_errors(results: list[RunStats]) -> None:
    for stats in results:
        for error in stats.errors:
            print(f"N={stats.sessions}: {error}")


async def run(server: LiveServer, counts: list[int], settle: float) -> list[RunStats]:
    results = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        await one_session(browser, server, RunStats(0), -1)  # warm-up: imports, first caches
        for n in counts:
            stats = RunStats(n)

            async def sessions_then_settle(n=n, stats=stats) -> None:
                await asyncio.gather(*(one_session(browser, server, stats, i) for i in range(n)))
                await asyncio.sleep(settle)  # let the server drop the closed sessions

            await while_sampling_memory(server, stats, sessions_then_settle())
            stats.rss_end = server.rss_mib()
            results.append(stats)
        await browser.close()
    return results


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def table(results: list[RunStats]) -> str:
    lines = [
        "| N | step | p50 s | p90 s | max s | errors | RSS start MiB | RSS peak MiB | RSS after MiB |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for stats in results:
        for step in ("load", "widget", "train"):
            values = stats.times.get(step, [])
            if not values:
                lines.append(
                    f"| {stats.sessions} | {step} | - | - | - | {len(stats.errors)} | | | |"
                )
                continue
            lines.append(
                f"| {stats.sessions} | {step} | {statistics.median(values):.2f} | "
                f"{percentile(values, 0.9):.2f} | {max(values):.2f} | {len(stats.errors)} | "
                f"{stats.rss_start:.0f} | {stats.rss_peak:.0f} | {stats.rss_end:.0f} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> list[RunStats]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 5, 20])
    parser.add_argument("--settle", type=float, default=5.0, help="seconds to wait after a run")
    args = parser.parse_args(argv)
    with streamlit_server() as server:
        results = asyncio.run(run(server, args.sessions, args.settle))
    print(table(results))
    print_errors(results)
    return results


if __name__ == "__main__":
    main()
