"""Work-buffer reuse (cnndemo._scratch): lending, and no data leaking between calls.

The engine conftest lends every buffer through the pool, poisoned with NaN. These tests add
sequences of calls of different shapes, dtypes and routes, results kept across later calls,
and calls from two threads at once, each checked against the loop oracle or against the same
call made alone.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest

from cnndemo import _scratch, ops, reference

# (input shape, kernel shape, stride, padding, dilation): every input-gradient route and both
# im2col layouts, in float32 and float64 below.
CASES = [
    ((3, 9, 8, 1), (3, 3, 1, 4), 1, "same", 1),  # spread, one channel
    ((2, 9, 8, 3), (3, 3, 3, 4), 1, "same", 1),  # spread
    ((2, 9, 8, 4), (3, 3, 4, 5), 1, "valid", 1),  # spread_rows, blocked im2col
    ((2, 11, 10, 3), (3, 2, 3, 4), 2, "same", 1),  # spread_phases
    ((2, 10, 9, 1), (2, 3, 1, 4), 1, "valid", (1, 2)),  # spread_extended
    ((2, 9, 9, 9), (3, 3, 9, 2), 1, "valid", 1),  # correlate
    ((2, 9, 9, 2), (3, 3, 2, 3), 3, "valid", 2),  # col2im
    ((1, 12, 5, 2), (3, 1, 2, 2), 1, "same", 1),  # batch of one, padding in y only
]


def _case_arrays(case, dtype, seed):
    x_shape, k_shape, stride, padding, dilation = case
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(x_shape).astype(dtype)
    kernel = rng.standard_normal(k_shape).astype(dtype)
    out = ops.conv2d(x, kernel, stride, padding, dilation)
    grad = rng.standard_normal(out.shape).astype(dtype)
    return x, kernel, grad


def _run(case, x, kernel, grad):
    _, _, stride, padding, dilation = case
    out = ops.conv2d(x, kernel, stride, padding, dilation)
    grad_x, grad_k = ops.conv2d_backward(x, kernel, grad, stride, padding, dilation)
    return out, grad_x, grad_k


def _pair(value):
    return value if isinstance(value, tuple) else (value, value)


def _in_new_thread(test) -> None:
    """Run ``test`` in a thread of its own, which starts with no buffers kept."""
    errors = []

    def run():
        try:
            test()
        except BaseException as error:  # noqa: BLE001 - handed to the test's thread
            errors.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


def test_nested_loans_are_distinct_and_a_returned_buffer_is_lent_again():
    def check():
        assert _scratch.kept_bytes() == 0
        with (
            _scratch.scratch((100, 50), np.float32) as a,
            _scratch.scratch((100, 50), np.float32) as b,
        ):
            assert not np.shares_memory(a, b)
            addresses = {a.ctypes.data, b.ctypes.data}
        with _scratch.scratch((10, 50), np.float64) as c:
            assert c.ctypes.data in addresses
            assert c.flags.c_contiguous and c.ctypes.data % _scratch.ALIGN == 0

    _in_new_thread(check)


def test_small_loans_are_plain_arrays(monkeypatch):
    monkeypatch.setattr(_scratch, "MIN_BYTES", 1 << 16)
    kept = _scratch.kept_bytes()
    with _scratch.scratch((4, 4), np.float64) as a:
        a[...] = 1.0
    assert _scratch.kept_bytes() == kept


def test_arena_gives_every_buffer_back():
    addresses = []
    for _ in range(2):
        with _scratch.arena() as work:
            buffers = [work.empty((64, 64), np.float32) for _ in range(3)]
            assert not any(np.shares_memory(p, q) for p in buffers for q in buffers if p is not q)
            addresses.append({b.ctypes.data for b in buffers})
    assert addresses[0] == addresses[1]


def test_kept_memory_is_bounded(monkeypatch):
    monkeypatch.setattr(_scratch, "KEEP_BYTES", 10_000)
    with _scratch.arena() as work:
        for size in (3000, 4000, 5000):
            work.empty((size,), np.uint8)
    assert _scratch.kept_bytes() <= 10_000


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_results_match_the_oracle_and_survive_later_calls(dtype):
    kept = []
    for seed, case in enumerate(CASES + CASES[::-1]):
        x, kernel, grad = _case_arrays(case, dtype, seed)
        _, _, stride, padding, dilation = case
        results = _run(case, x, kernel, grad)
        expected = reference.conv2d(x, kernel, _pair(stride), padding, _pair(dilation))
        np.testing.assert_allclose(results[0], expected, rtol=1e-4, atol=1e-4)
        kept.append((results, [r.copy() for r in results]))
    # A result that were a lent buffer would have been overwritten by a later call.
    for results, copies in kept:
        for result, copy in zip(results, copies, strict=True):
            np.testing.assert_array_equal(result, copy)
            assert not np.isnan(result).any()


def test_mixed_dtypes_in_sequence_give_what_each_call_gives_alone():
    alone = []
    for seed, case in enumerate(CASES):
        dtype = np.float32 if seed % 2 else np.float64
        arrays = _case_arrays(case, dtype, seed)
        alone.append((case, arrays, _run(case, *arrays)))
    for case, arrays, expected in alone[::-1] + alone:
        for got, want in zip(_run(case, *arrays), expected, strict=True):
            assert got.dtype == want.dtype
            np.testing.assert_array_equal(got, want)


def test_two_threads_at_once_give_what_each_call_gives_alone():
    jobs = []
    for seed, case in enumerate(CASES):
        for dtype in (np.float32, np.float64):
            arrays = _case_arrays(case, dtype, seed)
            jobs.append((case, arrays, _run(case, *arrays)))
    start = threading.Barrier(2)
    failures: list[str] = []

    def work(order):
        start.wait()
        for _ in range(3):
            for case, arrays, expected in order:
                for got, want in zip(_run(case, *arrays), expected, strict=True):
                    if not np.array_equal(got, want):
                        failures.append(f"{case} {want.dtype}")

    threads = [
        threading.Thread(target=work, args=(jobs,)),
        threading.Thread(target=work, args=(jobs[::-1],)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
