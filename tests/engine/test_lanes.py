"""Blocks shared among lanes (cnndemo._lanes): every task done once, results as on one lane."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from cnndemo import _blas, _lanes, _windows, ops


def test_every_task_is_done_exactly_once():
    done = []
    lock = threading.Lock()

    def lane(tasks):
        for task in tasks:
            with lock:
                done.append((task, threading.get_ident()))

    _lanes.share(list(range(200)), lane, 2)
    assert sorted(task for task, _ in done) == list(range(200))


def test_one_lane_runs_on_the_callers_thread():
    threads = set()

    def lane(tasks):
        for _ in tasks:
            threads.add(threading.get_ident())

    _lanes.share(list(range(10)), lane, 1)
    assert threads == {threading.get_ident()}


def test_an_error_in_a_lane_reaches_the_caller():
    def lane(tasks):
        for task in tasks:
            if task == 3:
                raise ValueError("task 3")

    with pytest.raises(ValueError, match="task 3"):
        _lanes.share(list(range(6)), lane, 2)


@pytest.mark.parametrize(
    ("x_shape", "k_shape", "stride", "padding"),
    [
        ((40, 12, 12, 1), (3, 3, 1, 4), 1, "same"),  # tap-major blocks
        ((6, 20, 20, 8), (3, 3, 8, 4), 1, "valid"),  # window-run blocks
        ((6, 20, 20, 8), (3, 2, 8, 4), 2, "same"),
    ],
)
def test_a_shared_forward_equals_the_one_lane_forward(
    monkeypatch, x_shape, k_shape, stride, padding
):
    rng = np.random.default_rng(1)
    x = rng.standard_normal(x_shape)
    kernel = rng.standard_normal(k_shape)
    monkeypatch.setattr(_blas, "LANES_FROM", 1 << 62)
    alone = ops.conv2d(x, kernel, stride, padding)
    # Small blocks and no size floor, so the lanes share many blocks.
    monkeypatch.setattr(_windows, "BLOCK_BYTES", 2000)
    monkeypatch.setattr(_windows, "TAP_MAJOR_BLOCK_BYTES", 2000)
    monkeypatch.setattr(_blas, "LANES_FROM", 0)
    monkeypatch.setattr(_blas, "BLAS_ALONE", 0)
    calls = []
    real_share = _lanes.share

    def counting_share(tasks, lane, lanes):
        calls.append((len(tasks), lanes))
        return real_share(tasks, lane, 2)

    monkeypatch.setattr("cnndemo._windows.share", counting_share)
    shared = ops.conv2d(x, kernel, stride, padding)
    assert calls and calls[0][0] > 2
    np.testing.assert_array_equal(shared, alone)
