"""Start the real Streamlit server on loopback and drive it with Debian's Chromium.

Used by the browser tests, ``devtools/screenshots.py`` and the load benchmark. Follows the
facts in shared/TESTING.md: Debian's Chromium (never ``playwright install``), a health poll
before the first page, and a rerun counted as finished only when the app is connected, the
script is not running and no skeleton is left.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("CNNDEMO_CHROMIUM", "/usr/bin/chromium"))
# Without the background-networking flags Chromium keeps trying hosts this machine cannot reach.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


@dataclass(frozen=True)
class LiveServer:
    url: str  # http://127.0.0.1:PORT, no trailing slash
    pid: int

    def rss_mib(self) -> float:
        """Resident memory of the server process, from /proc (Linux)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("VmRSS not found")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(
    port: int | None = None,
    timeout: float = 60.0,
    extra_args: tuple[str, ...] = (),
    script: str = "streamlit_app.py",
) -> Iterator[LiveServer]:
    """Run ``streamlit run <script>`` (the app unless told) on a free loopback port, from the
    repository's root (its ``.streamlit/config.toml``); yield where it listens."""
    port = port or free_port()
    log = open(artifacts_dir() / f"server-{port}.log", "w")  # noqa: SIM115 (closed in finally)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            script,
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
            *extra_args,
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, proc, timeout)
        yield LiveServer(base, proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def artifacts_dir(*parts: str) -> Path:
    """``artifacts/`` (git-ignored) or a folder in it, created on demand."""
    path = ROOT.joinpath("artifacts", *parts)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _wait_healthy(base: str, proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited early with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"streamlit did not become healthy within {timeout} s")


def launch_chromium(playwright):
    """Launch Debian's Chromium through Playwright with the flags this machine needs."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def wait_for_rerun(page, timeout: float = 30_000) -> None:
    """Block until Streamlit has finished the current script run in ``page``."""
    page.wait_for_timeout(200)
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-connection-state="CONNECTED"]', timeout=timeout
    )
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout
    )
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=\"stSkeleton\"]').length === 0",
        timeout=timeout,
    )


def screenshot_whole_page(page, path: str | Path, max_height: int = 12_000) -> None:
    """Screenshot everything: Streamlit scrolls inside its main container, not the document,
    so ``full_page=True`` alone stops at the viewport; grow the viewport to the content."""
    width = page.viewport_size["width"]
    height = page.evaluate(
        """() => Math.max(...['[data-testid="stMain"]', '[data-testid="stAppViewContainer"]',
                               '[data-testid="stSidebarContent"]']
            .map(s => document.querySelector(s)).filter(Boolean).map(e => e.scrollHeight))"""
    )
    page.set_viewport_size({"width": width, "height": min(max(int(height), 600), max_height)})
    page.wait_for_timeout(300)
    page.screenshot(path=str(path), full_page=True)


_CELL_CENTRE = """([label, row, col, panel]) => {
  const chart = document.querySelector(`[aria-label="${label}"]`);
  const plot = chart.querySelector('.js-plotly-plot');
  const suffix = panel ? String(panel + 1) : '';
  const xa = plot._fullLayout['xaxis' + suffix], ya = plot._fullLayout['yaxis' + suffix];
  const box = plot.getBoundingClientRect();
  return [box.left + xa._offset + xa.d2p(col), box.top + ya._offset + ya.d2p(row)];
}"""


def click_heatmap_cell(page, label: str, row: int, col: int, panel: int = 0) -> None:
    """Click cell (row, col), counted on the figure's axes (padding rows included), of panel
    ``panel`` of the chart whose accessible name is ``label``; wait for the rerun."""
    chart = page.locator(f'[aria-label="{label}"]')
    chart.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    x, y = page.evaluate(_CELL_CENTRE, [label, row, col, panel])
    page.mouse.click(x, y)
    wait_for_rerun(page)
