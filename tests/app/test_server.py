"""app/server.py: once-per-process housekeeping, and trainings taking turns in the training slots."""

from __future__ import annotations

import ctypes
import threading
import time

import pytest
import streamlit as st

from app import server


def test_freed_memory_is_handed_back_by_one_daemon_thread(monkeypatch):
    calls = []

    class FakeLibc:
        def malloc_trim(self, pad):
            calls.append(pad)
            return 1

    monkeypatch.setattr(ctypes, "CDLL", lambda name: FakeLibc())
    monkeypatch.setattr(server, "TRIM_SECONDS", 0.01)
    server.give_back_freed_memory.cache_clear()
    already = [t for t in threading.enumerate() if t.name == "cnndemo-malloc-trim"]
    server.give_back_freed_memory()
    server.give_back_freed_memory()  # a second page run starts nothing new
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
    server.give_back_freed_memory.cache_clear()
    before = threading.active_count()
    server.give_back_freed_memory()
    assert threading.active_count() == before


@pytest.fixture(autouse=True)
def forget_the_call():
    yield
    server.give_back_freed_memory.cache_clear()


@pytest.fixture(autouse=True)
def fresh_slots():
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


def test_a_free_slot_is_taken_without_waiting():
    waits = []
    with server.training_slot(lambda: waits.append("waited")):
        pass
    with server.training_slot(lambda: waits.append("waited")):
        pass
    assert waits == []


def test_a_busy_server_says_so_then_runs_when_the_slot_frees():
    events = []
    holding, release = threading.Event(), threading.Event()

    def other_learner():
        with server.training_slot(lambda: events.append("other waited")):
            holding.set()
            release.wait(5)
            events.append("other done")

    thread = threading.Thread(target=other_learner)
    thread.start()
    holding.wait(5)

    def on_wait():
        events.append("waiting")
        release.set()  # the other learner's chunk ends while we wait

    with server.training_slot(on_wait):
        events.append("mine runs")
    thread.join(5)
    assert events == ["waiting", "other done", "mine runs"]


def test_the_slot_is_given_back_when_training_fails():
    with pytest.raises(RuntimeError), server.training_slot(lambda: None):
        raise RuntimeError("chunk failed")
    waits = []
    with server.training_slot(lambda: waits.append("waited")):
        pass
    assert waits == []


@pytest.mark.parametrize(
    ("value", "slots"),
    [(None, 1), ("", 1), ("two", 1), ("-3", 1), ("0", 1), ("2", 2), ("1000", 64)],
)
def test_the_slot_count_from_the_environment_is_bounded(value, slots):
    assert server.slots_from_environment(value) == slots
