"""The BLAS thread count a convolution runs on (cnndemo._blas): lowered to one above the size
OpenBLAS keeps on one thread by itself, never raised, always put back. No timing here: benchmarks/bench_conv.py measures the effect."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from cnndemo import _blas, ops

SMALL = (_blas.BLAS_ALONE + _blas.LANES_FROM) // 2
LARGE = _blas.LANES_FROM


def _threads() -> list:
    return _blas.current_threads()


@pytest.fixture
def two_threads():
    if not _blas._blas_libraries():
        pytest.skip("no BLAS library that threadpoolctl can control")
    with threadpool_limits(2, user_api="blas"):
        if max(_threads()) < 2:
            pytest.skip("BLAS cannot run two threads here")
        yield


def test_small_work_runs_on_one_thread_and_the_limit_comes_back(two_threads):
    before = _threads()
    with _blas.blas_threads(SMALL):
        assert max(_threads()) == 1
    assert _threads() == before


def test_tiny_work_leaves_the_limit_alone(two_threads):
    before = _threads()
    for work in (_blas.BLAS_ALONE, 10):
        with _blas.blas_threads(work):
            assert _threads() == before


def test_large_work_runs_on_one_thread_too(two_threads):
    before = _threads()
    with _blas.blas_threads(LARGE * 10):
        assert max(_threads()) == 1
    assert _threads() == before


def test_the_limit_is_never_raised():
    if not _blas._blas_libraries():
        pytest.skip("no BLAS library that threadpoolctl can control")
    with threadpool_limits(1, user_api="blas"):
        for work in (SMALL, LARGE):
            with _blas.blas_threads(work):
                assert max(_threads()) == 1
        assert max(_threads()) == 1


def test_a_call_inside_another_changes_nothing_and_the_owner_restores(two_threads):
    before = _threads()
    outer = _blas.blas_threads(SMALL)
    inner = _blas.blas_threads(SMALL)
    outer.__enter__()
    inner.__enter__()
    assert max(_threads()) == 1
    outer.__exit__(None, None, None)
    assert _threads() == before
    inner.__exit__(None, None, None)
    assert _threads() == before


def _overlap_in_two_threads(owner_ends_first: bool) -> None:
    """The test's thread lowers, a second thread enters while it is lowered, and they end in
    the given order."""
    owner = _blas.blas_threads(SMALL)
    other = _blas.blas_threads(SMALL)
    entered, may_end, ended = threading.Event(), threading.Event(), threading.Event()

    def second():
        other.__enter__()
        entered.set()
        may_end.wait()
        other.__exit__(None, None, None)
        ended.set()

    owner.__enter__()
    thread = threading.Thread(target=second)
    thread.start()
    entered.wait()
    if owner_ends_first:
        owner.__exit__(None, None, None)
        may_end.set()
        ended.wait()
    else:
        may_end.set()
        ended.wait()
        assert max(_threads()) == 1  # the owner's block is still running
        owner.__exit__(None, None, None)
    thread.join()


@pytest.mark.parametrize("owner_ends_first", [True, False])
def test_overlapping_calls_in_two_threads_never_leave_the_limit_lowered(
    two_threads, owner_ends_first
):
    before = _threads()
    _overlap_in_two_threads(owner_ends_first)
    assert _threads() == before
    # And the next call, from another thread, can lower it again.
    seen = []
    thread = threading.Thread(target=lambda: seen.append(_lowered_inside()))
    thread.start()
    thread.join()
    assert seen == [1] and _threads() == before


def _lowered_inside() -> int:
    with _blas.blas_threads(SMALL):
        return max(_threads())


def test_the_limit_comes_back_after_an_error(two_threads):
    before = _threads()
    with pytest.raises(ValueError):
        with _blas.blas_threads(SMALL):
            raise ValueError
    assert _threads() == before


def test_concurrent_convolutions_leave_the_limit_as_it_was(two_threads):
    before = _threads()
    rng = np.random.default_rng(0)
    x = rng.standard_normal((16, 28, 28, 1)).astype(np.float32)
    kernel = rng.standard_normal((3, 3, 1, 8)).astype(np.float32)
    expected = ops.conv2d(x, kernel)
    start = threading.Barrier(2)
    results = []

    def work():
        start.wait()
        results.extend(np.array_equal(ops.conv2d(x, kernel), expected) for _ in range(20))

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(results) and len(results) == 40
    assert _threads() == before


def test_a_forward_gets_lanes_only_for_large_shareable_work(two_threads):
    before = _threads()
    with _blas.blas_lanes(LARGE, shareable=True) as lanes:
        assert lanes == max(before) and max(_threads()) == 1
    with _blas.blas_lanes(LARGE, shareable=False) as lanes:
        assert lanes == 1 and max(_threads()) == 1
    with _blas.blas_lanes(SMALL, shareable=True) as lanes:
        assert lanes == 1 and max(_threads()) == 1
    assert _threads() == before


def test_no_lanes_when_the_limit_is_one():
    if not _blas._blas_libraries():
        pytest.skip("no BLAS library that threadpoolctl can control")
    with threadpool_limits(1, user_api="blas"):
        with _blas.blas_lanes(LARGE, shareable=True) as lanes:
            assert lanes == 1 and max(_threads()) == 1


def test_no_lanes_and_no_change_when_another_thread_controls_blas(two_threads):
    # threadpoolctl lets one Python thread at a time set OpenBLAS's threads; here the test's
    # own thread holds the control (the fixture), so a call from another thread cannot lower
    # them and must neither add lanes on top of BLAS's two threads nor change the limit.
    before = _threads()
    seen = []

    def call():
        with _blas.blas_lanes(LARGE, shareable=True) as lanes:
            seen.append((lanes, _threads()))
        seen.append(_threads())

    thread = threading.Thread(target=call)
    thread.start()
    thread.join()
    assert seen == [(1, before), before]
    assert _threads() == before
