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


def test_the_cpu_ledger_waits_only_past_its_burst_and_pays_back_over_time():
    ledger = server.CpuLedger(share=0.25, burst=3.0, stamp=100.0)
    ledger.spend(2.0)
    assert ledger.pause(100.0) == 0.0
    ledger.spend(2.0)  # 4 s owed: 1 s past the burst, paid back in 4 s at a quarter core
    assert ledger.pause(100.0) == pytest.approx(4.0)
    assert ledger.pause(102.0) == pytest.approx(2.0)
    assert ledger.pause(110.0) == 0.0 and ledger.owed == pytest.approx(1.5)
    assert ledger.pause(200.0) == 0.0 and ledger.owed == 0.0


def budget_script():
    import time

    import streamlit as st

    from app import server

    with server.cpu_budget():
        end = time.thread_time() + 0.2
        while time.thread_time() < end:
            pass
    if server.LEDGER_KEY in st.session_state:
        st.markdown(f"owed {st.session_state[server.LEDGER_KEY].owed:.1f}")


def test_a_session_past_its_budget_is_told_and_waits(monkeypatch):
    from streamlit.testing.v1 import AppTest

    from app.core import limits

    monkeypatch.setattr(server, "serving", lambda: True)
    monkeypatch.setattr(limits, "SESSION_CPU_BURST", 0.1)
    monkeypatch.setattr(limits, "SESSION_CPU_SHARE", 0.01)
    monkeypatch.setattr(server, "MAX_PAUSE", 0.05)
    at = AppTest.from_function(budget_script, default_timeout=10).run()
    assert not at.exception and at.markdown[0].value == "owed 0.2"
    assert not at.toast
    at.run()  # 0.2 s owed, past the 0.1 s burst: this run waits (cut to MAX_PAUSE here)
    assert "the page waits" in at.toast[0].value


def test_without_a_server_the_budget_is_not_kept():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(budget_script, default_timeout=10).run()
    assert not at.exception and not at.markdown  # no ledger: AppTest's runtime is a mock
