"""Process-wide plumbing of the Streamlit server: one BLAS thread, memory trim, training slots,
deep links sent through the entry point, and each session's share of the CPU. Streamlit may be
imported here, Plotly not.

Deep links. Streamlit still treats a ``pages/`` folder next to the main script the legacy way
until some script run in the process has called ``st.navigation``: on a freshly started server, a
link straight to ``/conv1d`` runs ``pages/1_conv1d.py`` on its own, without ``streamlit_app.py``
(no page config, no navigation menu). Every page calls :func:`reroute_deep_link` first; in that
legacy state it switches the legacy mode off for the process and reruns, so the same URL now goes
through ``streamlit_app.py`` and its ``st.navigation``. Once any run has called ``st.navigation``
the check is a single attribute read.

Training slots. Trainings take turns: a few slots per server process, shared by every session.
A training chunk is NumPy on tiny arrays, so it holds the GIL nearly all the time. When 20
learners press Train at once, 20 script threads fight over the GIL and the two cores, and
every training ends only when the last does. Letting a few chunks run at a time, with the
others waiting for a slot (without burning CPU), finishes the same work sooner and keeps fewer
half-trained models alive at once.

CPU budget. Every request is bounded by the caps of ``app.core.limits`` (the slowest page run
costs under 0.5 s of CPU, ``benchmarks/worst_case.py``), but a client may send reruns back to
back.
:func:`cpu_budget` wraps each page run: a session that has spent more than
``SESSION_CPU_BURST`` CPU seconds recently waits before its next run, sleeping (no core held),
until its average is back to ``SESSION_CPU_SHARE`` of a core.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import streamlit as st
from streamlit import runtime
from streamlit.runtime.pages_manager import PagesManager
from threadpoolctl import threadpool_limits

from app.core import limits


@functools.cache
def one_blas_thread_per_request() -> None:
    """Run NumPy's BLAS on one thread, once per server process.

    The app's matrices are tiny and many learners share a two-core server: a second BLAS thread
    only waits on the other sessions' work. Measured on page 7's largest allowed training
    (benchmarks/worst_case.py): 9.8-12.9 s with OpenBLAS's default threads under load, 1.2 s
    with one thread.
    """
    threadpool_limits(limits=1, user_api="blas")


TRIM_SECONDS = 10.0
"""How often the server hands freed heap pages back to the system."""


@functools.cache
def give_back_freed_memory() -> None:
    """Start one daemon thread per server process that calls glibc's ``malloc_trim`` now and then.

    When a class leaves, the memory its sessions used is freed but glibc keeps the pages in its
    per-thread arenas, so the server's resident memory stays at its peak. Trimming returns
    them (7-23 ms per call, measured on a fragmented 200 MiB heap). Pages still partly used by
    long-lived objects stay; under ``PYTHONMALLOC=malloc`` Python's own objects live in those
    arenas too, and more comes back (benchmarks/protocol_load.py). Not glibc: nothing to do.
    """
    name = ctypes.util.find_library("c")
    trim = getattr(ctypes.CDLL(name), "malloc_trim", None) if name else None
    if trim is None:
        return

    def trim_forever() -> None:
        while True:
            time.sleep(TRIM_SECONDS)
            trim(0)

    threading.Thread(target=trim_forever, name="cnndemo-malloc-trim", daemon=True).start()


def reroute_deep_link() -> None:
    """Rerun through ``streamlit_app.py`` if Streamlit ran this page file the legacy way."""
    if PagesManager.uses_pages_directory:
        # The same assignment st.navigation makes on its first call (streamlit 1.67).
        PagesManager.uses_pages_directory = False
        st.rerun()


def slots_from_environment(value: str | None) -> int:
    """``CNNDEMO_TRAINING_SLOTS`` as a count from 1 to 64; 1 when unset or not a number."""
    if value is None or not value.strip().isdigit():
        return 1
    return min(max(int(value), 1), 64)


TRAINING_SLOTS = slots_from_environment(os.environ.get("CNNDEMO_TRAINING_SLOTS"))
"""Training chunks running at once in one server process. One is best on this 2-core machine:
with 20 learners pressing Train at once (``python -m benchmarks.protocol_load --sessions 20``)
a training took 5.2 s (p50) with one slot, 7.2 s with two and 16.8 s with no limit."""


@st.cache_resource
def _slots() -> threading.BoundedSemaphore:
    # A process-wide resource on purpose (like a connection pool): it holds no session's data.
    return threading.BoundedSemaphore(TRAINING_SLOTS)


@contextmanager
def training_slot(on_wait: Callable[[], None]) -> Iterator[None]:
    """Hold a training slot for the block; call ``on_wait`` first if none is free."""
    slots = _slots()
    if not slots.acquire(blocking=False):
        on_wait()
        slots.acquire()
    try:
        yield
    finally:
        slots.release()


@dataclass
class CpuLedger:
    """A session's CPU use as a leaky bucket: ``owed`` CPU seconds, paid back at ``share`` CPU
    seconds per wall-clock second; up to ``burst`` owed costs no wait."""

    share: float
    burst: float
    owed: float = 0.0
    stamp: float = 0.0  # time.monotonic() of the last payback

    def pause(self, now: float) -> float:
        """Seconds to wait before the next run (0 within the burst), the debt paid back to now."""
        self.owed = max(0.0, self.owed - self.share * max(0.0, now - self.stamp))
        self.stamp = now
        return max(0.0, (self.owed - self.burst) / self.share)

    def spend(self, seconds: float) -> None:
        self.owed += max(0.0, seconds)


def serving() -> bool:
    """True in a real Streamlit server process (not a bare script, not AppTest's mock runtime)."""
    return runtime.exists() and type(runtime.get_instance()) is runtime.Runtime


LEDGER_KEY = "cnndemo.cpu_ledger"
MAX_PAUSE = 10.0
"""Longest single wait (a run costs under 0.5 s of CPU, so a wait is at most about 2 s)."""


@contextmanager
def cpu_budget() -> Iterator[None]:
    """Measure a page run's CPU for its session; wait first when the session is over budget.

    Only on a server: bare scripts have no Streamlit runtime, AppTest a mock one (its runs are
    tests, nobody shares them).
    """
    if not serving():
        yield
        return
    ledger = st.session_state.get(LEDGER_KEY)
    if not isinstance(ledger, CpuLedger):
        ledger = CpuLedger(
            limits.SESSION_CPU_SHARE, limits.SESSION_CPU_BURST, 0.0, time.monotonic()
        )
        st.session_state[LEDGER_KEY] = ledger
    wait = min(ledger.pause(time.monotonic()), MAX_PAUSE)
    if wait > 0:
        st.toast(
            f"This session asked for a lot of computing in a short time; the server is shared, "
            f"so the page waits {wait:.0f} s."
        )
        time.sleep(wait)
    start = time.thread_time()
    try:
        yield
    finally:
        ledger.spend(time.thread_time() - start)
