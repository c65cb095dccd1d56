"""Send deep links through the entry point.

Streamlit still treats a ``pages/`` folder next to the main script the legacy way until some
script run in the process has called ``st.navigation``: on a freshly started server, a link
straight to ``/conv1d`` runs ``pages/1_conv1d.py`` on its own, without ``streamlit_app.py``
(no page config, no navigation menu). Every page calls :func:`reroute_deep_link` first; in that
legacy state it switches the legacy mode off for the process and reruns, so the same URL now goes
through ``streamlit_app.py`` and its ``st.navigation``. Once any run has called ``st.navigation``
the check is a single attribute read.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import threading
import time

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from threadpoolctl import threadpool_limits


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
