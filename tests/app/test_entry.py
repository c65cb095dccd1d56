"""Once-per-process server housekeeping from app/entry.py."""

from __future__ import annotations

import ctypes
import threading
import time

import pytest

from app import entry


def test_freed_memory_is_handed_back_by_one_daemon_thread(monkeypatch):
    calls = []

    class FakeLibc:
        def malloc_trim(self, pad):
            calls.append(pad)
            return 1

    monkeypatch.setattr(ctypes, "CDLL", lambda name: FakeLibc())
    monkeypatch.setattr(entry, "TRIM_SECONDS", 0.01)
    entry.give_back_freed_memory.cache_clear()
    already = [t for t in threading.enumerate() if t.name == "cnndemo-malloc-trim"]
    entry.give_back_freed_memory()
    entry.give_back_freed_memory()  # a second page run starts nothing new
    deadline = time.monotonic() + 5
    while len(calls) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    trimmers = [t for t in threading.enumerate() if t.name == "cnndemo-malloc-trim"]
    new = [t for t in trimmers if t not in already]
    assert len(new) == 1 and new[0].daemon
    # The thread outlives the test (a daemon, as on the server): it calls the fake every 10 s.
    assert len(calls) >= 3 and set(calls) == {0}


def test_without_malloc_trim_nothing_starts(monkeypatch):
    monkeypatch.setattr(ctypes, "CDLL", lambda name: object())
    entry.give_back_freed_memory.cache_clear()
    before = threading.active_count()
    entry.give_back_freed_memory()
    assert threading.active_count() == before


@pytest.fixture(autouse=True)
def forget_the_call():
    yield
    entry.give_back_freed_memory.cache_clear()
