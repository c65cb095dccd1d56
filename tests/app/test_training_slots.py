"""Trainings take turns in the server's training slots."""

from __future__ import annotations

import threading

import pytest
import streamlit as st

from app import training_slots


@pytest.fixture(autouse=True)
def fresh_slots():
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


def test_a_free_slot_is_taken_without_waiting():
    waits = []
    with training_slots.training_slot(lambda: waits.append("waited")):
        pass
    with training_slots.training_slot(lambda: waits.append("waited")):
        pass
    assert waits == []


def test_a_busy_server_says_so_then_runs_when_the_slot_frees():
    events = []
    holding, release = threading.Event(), threading.Event()

    def other_learner():
        with training_slots.training_slot(lambda: events.append("other waited")):
            holding.set()
            release.wait(5)
            events.append("other done")

    thread = threading.Thread(target=other_learner)
    thread.start()
    holding.wait(5)

    def on_wait():
        events.append("waiting")
        release.set()  # the other learner's chunk ends while we wait

    with training_slots.training_slot(on_wait):
        events.append("mine runs")
    thread.join(5)
    assert events == ["waiting", "other done", "mine runs"]


def test_the_slot_is_given_back_when_training_fails():
    with pytest.raises(RuntimeError), training_slots.training_slot(lambda: None):
        raise RuntimeError("chunk failed")
    waits = []
    with training_slots.training_slot(lambda: waits.append("waited")):
        pass
    assert waits == []


@pytest.mark.parametrize(
    ("value", "slots"),
    [(None, 1), ("", 1), ("two", 1), ("-3", 1), ("0", 1), ("2", 2), ("1000", 64)],
)
def test_the_slot_count_from_the_environment_is_bounded(value, slots):
    assert training_slots.slots_from_environment(value) == slots
