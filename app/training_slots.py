"""Trainings take turns: a few slots per server process, shared by every session.

A training chunk is NumPy on tiny arrays, so it holds the GIL nearly all the time. When 20
learners press Train at once, 20 script threads fight over the GIL and the two cores, and
every training ends only when the last does. Letting a few chunks run at a time, with the
others waiting for a slot (without burning CPU), finishes the same work sooner and keeps fewer
half-trained models alive at once.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import streamlit as st


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
