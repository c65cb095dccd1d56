"""Tests for cnndemo.reference, the plain-loop oracle.

Oracles: the tutorial's worked numbers (docs/lesson.md, sections 1, 2 and 8), the fast ops in
cnndemo.ops (an independent implementation: the two share no code), central finite
differences for the backward passes, and hand-worked windows for the tie rule, which both the
reference and the fast ops must follow.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnndemo import ops, reference

FEW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEWER = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CLOSE = {"rtol": 1e-10, "atol": 1e-10}
IMPLEMENTATIONS = [pytest.param(reference, id="reference"), pytest.param(ops, id="ops")]

# ---------------------------------------------------------------------------------------------
# The tutorial's numbers (docs/lesson.md)


@pytest.mark.parametrize(
    ("op", "x_shape", "kernel_shape", "expected"),
    [
        ("conv1d", (1, 4, 5), (3, 5, 2), [[[2360, 2480], [3485, 3680]]]),
        ("conv2d", (1, 5, 4, 3), (4, 2, 3, 1), [[[8680, 9580, 10480], [12280, 13180, 14080]]]),
    ],
)
def test_sections_1_and_2_worked_convolutions(op, x_shape, kernel_shape, expected):
    # Input and kernel hold 1, 2, 3, ... in row-major order.
    x = np.arange(1, np.prod(x_shape) + 1).reshape(x_shape)
    kernel = np.arange(1, np.prod(kernel_shape) + 1).reshape(kernel_shape)
    out = getattr(reference, op)(x, kernel)
    np.testing.assert_array_equal(out if op == "conv1d" else out[..., 0], expected)


def test_section_8_max_pool_gives_the_worked_example():
    # 1..48 as a 4 x 4 grid of 3-vectors, with 17 and 18 moved so that the top-left group's
    # three maxima come from three different cells.
    grid = np.arange(1.0, 49.0).reshape(1, 4, 4, 3)
    grid[0, 0, 0, 1], grid[0, 1, 1, 1] = 17, 2
    grid[0, 1, 0, 2], grid[0, 1, 1, 2] = 18, 15
    np.testing.assert_array_equal(
        grid[0, :2, :2], [[(1, 17, 3), (4, 5, 6)], [(13, 14, 18), (16, 2, 15)]]
    )
    expected = [[(16, 17, 18), (22, 23, 24)], [(40, 41, 42), (46, 47, 48)]]
    np.testing.assert_array_equal(reference.pool2d(grid, 2, 2)[0], expected)
    # Backward: each group's gradient lands on the cell its maximum came from, per channel.
    grad_x = reference.pool2d_backward(grid, np.ones((1, 2, 2, 3)), 2, 2)[0]
    assert grad_x.sum() == 12
    assert grad_x[1, 1, 0] == grad_x[0, 0, 1] == grad_x[1, 0, 2] == 1  # 16, 17 and 18


# ---------------------------------------------------------------------------------------------
# Against the fast ops


@st.composite
def conv_cases(draw, rank):
    """Random (x, kernel, stride, padding, dilation) for conv1d (rank 1) or conv2d (rank 2)."""
    channels, out_channels = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    kernel_size = [draw(st.integers(1, 3)) for _ in range(rank)]
    stride = [draw(st.integers(1, 3)) for _ in range(rank)]
    dilation = [draw(st.integers(1, 2)) for _ in range(rank)]
    padding = draw(st.sampled_from(["valid", "same"]))
    sizes = []
    for k, d in zip(kernel_size, dilation, strict=True):
        least = (k - 1) * d + 1 if padding == "valid" else 1
        sizes.append(draw(st.integers(least, least + 4)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = rng.standard_normal((draw(st.integers(1, 2)), *sizes, channels))
    kernel = rng.standard_normal((*kernel_size, channels, out_channels))
    if rank == 1:
        return x, kernel, stride[0], padding, dilation[0]
    return x, kernel, tuple(stride), padding, tuple(dilation)


def conv_functions(rank):
    if rank == 1:
        return (reference.conv1d, reference.conv1d_backward), (ops.conv1d, ops.conv1d_backward)
    return (reference.conv2d, reference.conv2d_backward), (ops.conv2d, ops.conv2d_backward)


@pytest.mark.parametrize("rank", [1, 2])
@given(data=st.data())
@FEW
def test_convolution_and_its_backward_agree_with_the_fast_ops(rank, data):
    x, kernel, *args = data.draw(conv_cases(rank))
    (forward, backward), (fast_forward, fast_backward) = conv_functions(rank)
    out = forward(x, kernel, *args)
    np.testing.assert_allclose(out, fast_forward(x, kernel, *args), **CLOSE)
    grad_out = np.random.default_rng(0).standard_normal(out.shape)
    ours, theirs = backward(x, kernel, grad_out, *args), fast_backward(x, kernel, grad_out, *args)
    np.testing.assert_allclose(ours[0], theirs[0], **CLOSE)
    np.testing.assert_allclose(ours[1], theirs[1], **CLOSE)


@st.composite
def pool_cases(draw, rank, ties=False):
    """Random (x, size, stride, kind, padding); with ``ties``, small whole numbers (many equal
    cells in a window) with some -inf, +inf and NaN."""
    size = [draw(st.integers(1, 3)) for _ in range(rank)]
    stride = draw(st.one_of(st.none(), st.lists(st.integers(1, 3), min_size=rank, max_size=rank)))
    padding = draw(st.sampled_from(["valid", "same"]))
    kind = draw(st.sampled_from(["max", "min", "avg"]))
    sizes = [draw(st.integers(k if padding == "valid" else 1, 6)) for k in size]
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    shape = (draw(st.integers(1, 2)), *sizes, draw(st.integers(1, 2)))
    if ties:
        x = rng.integers(-1, 2, size=shape).astype(float)
        x[rng.random(shape) < 0.1] = np.nan
        x[rng.random(shape) < 0.1] = -np.inf
        x[rng.random(shape) < 0.1] = np.inf
    else:
        x = rng.standard_normal(shape)
    if rank == 1:
        return x, size[0], None if stride is None else stride[0], kind, padding
    return x, tuple(size), None if stride is None else tuple(stride), kind, padding


def pool_functions(rank):
    if rank == 1:
        return (reference.pool1d, reference.pool1d_backward), (ops.pool1d, ops.pool1d_backward)
    return (reference.pool2d, reference.pool2d_backward), (ops.pool2d, ops.pool2d_backward)


@pytest.mark.parametrize("rank", [1, 2])
@pytest.mark.parametrize("ties", [False, True], ids=["distinct", "ties-nan-inf"])
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_pooling_and_its_backward_agree_with_the_fast_ops(rank, ties, data):
    # With ties, NaN and infinities, agreeing backward passes mean the same tie rule.
    x, size, stride, kind, padding = data.draw(pool_cases(rank, ties))
    (forward, backward), (fast_forward, fast_backward) = pool_functions(rank)
    with np.errstate(invalid="ignore"):  # inf - inf in a mean is NaN, as IEEE says
        out = forward(x, size, stride, kind, padding)
        np.testing.assert_allclose(out, fast_forward(x, size, stride, kind, padding), **CLOSE)
    grad_out = np.random.default_rng(1).standard_normal(out.shape)
    np.testing.assert_allclose(
        backward(x, grad_out, size, stride, kind, padding),
        fast_backward(x, grad_out, size, stride, kind, padding),
        **CLOSE,
    )


@pytest.mark.parametrize("kind", ["max", "min", "avg"])
@pytest.mark.parametrize("shape", [(2, 5, 3), (2, 3, 4, 2), (1, 2, 3, 2, 2)])
def test_global_pool_and_its_backward_agree_with_the_fast_ops(kind, shape):
    rng = np.random.default_rng(len(shape))
    for x in (rng.standard_normal(shape), rng.integers(0, 2, size=shape).astype(float)):
        np.testing.assert_allclose(reference.global_pool(x, kind), ops.global_pool(x, kind))
        grad_out = rng.standard_normal((shape[0], shape[-1]))
        np.testing.assert_allclose(
            reference.global_pool_backward(x, grad_out, kind),
            ops.global_pool_backward(x, grad_out, kind),
        )


def test_same_padding_is_the_least_that_lets_the_last_window_fit():
    # The docstring's examples, then the definition over a range of sizes (test_ops compares
    # the fast ops with these).
    assert reference.padding_amounts(5, 2, 1, "same") == (0, 1)
    assert reference.padding_amounts(4, 4, 1, "same") == (1, 2)
    for n, k, stride, dilation in itertools.product(range(1, 10), range(1, 5), (1, 2, 3), (1, 2)):
        span = (k - 1) * dilation + 1
        out = reference.output_size(n, k, stride, "same", dilation)
        before, after = reference.padding_amounts(n, k, stride, "same", dilation)
        assert out == math.ceil(n / stride)
        assert before + n + after == max(n, (out - 1) * stride + span)
        assert after - before in (0, 1)
        if span <= n:
            assert reference.padding_amounts(n, k, stride, "valid", dilation) == (0, 0)
            assert reference.output_size(n, k, stride, "valid", dilation) == len(
                range(0, n - span + 1, stride)
            )


# ---------------------------------------------------------------------------------------------
# Backward passes against central finite differences


def check_against_finite_differences(forward, backward, arrays, grad_out, *args):
    """``backward`` must give the finite-difference gradient of sum(forward(...) * grad_out)
    with respect to each of ``arrays`` (the leading arguments of both)."""

    def loss():
        return float(np.sum(forward(*arrays, *args) * grad_out))

    grads = backward(*arrays, grad_out, *args)
    grads = grads if isinstance(grads, tuple) else (grads,)
    for grad, array in zip(grads, arrays, strict=True):
        np.testing.assert_allclose(grad, reference.numeric_gradient(loss, array), atol=1e-6)


@pytest.mark.parametrize("rank", [1, 2])
@given(data=st.data())
@FEWER
def test_conv_backward_matches_finite_differences(rank, data):
    x, kernel, *args = data.draw(conv_cases(rank))
    (forward, backward), _ = conv_functions(rank)
    grad_out = np.random.default_rng(2).standard_normal(forward(x, kernel, *args).shape)
    check_against_finite_differences(forward, backward, (x, kernel), grad_out, *args)


@pytest.mark.parametrize("rank", [1, 2])
@given(data=st.data())
@FEWER
def test_pool_backward_matches_finite_differences(rank, data):
    # Continuous random values: no two cells tie, so max and min are smooth around x.
    x, size, stride, kind, padding = data.draw(pool_cases(rank))
    (forward, backward), _ = pool_functions(rank)
    grad_out = np.random.default_rng(3).standard_normal(
        forward(x, size, stride, kind, padding).shape
    )
    check_against_finite_differences(forward, backward, (x,), grad_out, size, stride, kind, padding)


@pytest.mark.parametrize("kind", ["max", "min", "avg"])
def test_global_pool_backward_matches_finite_differences(kind):
    x = np.random.default_rng(4).standard_normal((2, 3, 2, 2))
    grad_out = np.random.default_rng(5).standard_normal((2, 2))
    check_against_finite_differences(
        reference.global_pool, reference.global_pool_backward, (x,), grad_out, kind
    )


# ---------------------------------------------------------------------------------------------
# The tie rule, in the reference and in the fast ops


def grid(rows):
    return np.array(rows, dtype=float)[None, :, :, None]


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
def test_a_tied_window_sends_its_gradient_to_the_first_winner_row_by_row(impl):
    # Max ties at (0, 1) and (1, 0): row by row, (0, 1) comes first (column by column would
    # pick (1, 0)). Min ties at (0, 0) and (1, 1).
    x = grid([[1, 3], [3, 1]])
    one = np.ones((1, 1, 1, 1))
    np.testing.assert_array_equal(impl.pool2d_backward(x, one, 2)[0, :, :, 0], [[0, 1], [0, 0]])
    np.testing.assert_array_equal(
        impl.pool2d_backward(x, one, 2, kind="min")[0, :, :, 0], [[1, 0], [0, 0]]
    )
    line = np.array([2.0, 5.0, 5.0]).reshape(1, 3, 1)
    np.testing.assert_array_equal(
        impl.pool1d_backward(line, np.ones((1, 1, 1)), 3).ravel(), [0, 1, 0]
    )


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
def test_a_window_holding_nan_gives_nan_and_sends_its_gradient_to_the_first_nan(impl):
    x = grid([[1, np.nan], [np.nan, 5]])
    for kind in ("max", "min"):
        assert np.isnan(impl.pool2d(x, 2, kind=kind)).all()
        grad_x = impl.pool2d_backward(x, np.ones((1, 1, 1, 1)), 2, kind=kind)
        np.testing.assert_array_equal(grad_x[0, :, :, 0], [[0, 1], [0, 0]])


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
def test_padded_cells_never_win_even_when_every_real_cell_is_infinite(impl):
    # 2 x 2 with 'same', size 3, stride 1: a padded row and column on each side, so every
    # window opens on a padded cell. Its real cells are all -inf (max) or +inf (min): the
    # first real cell, (0, 0), wins all four windows.
    for kind, fill in (("max", -np.inf), ("min", np.inf)):
        x = np.full((1, 2, 2, 1), fill)
        out = impl.pool2d(x, 3, 1, kind, "same")
        np.testing.assert_array_equal(out, np.full((1, 2, 2, 1), fill))
        grad_x = impl.pool2d_backward(x, np.ones((1, 2, 2, 1)), 3, 1, kind, "same")
        np.testing.assert_array_equal(grad_x[0, :, :, 0], [[4, 0], [0, 0]])
    # Size 3, stride 1, 'same' on 3 cells: a padded cell opens the first window. It does not
    # win: the first real cell does, for the first two windows.
    line = np.full((1, 3, 1), -np.inf)
    grad_x = impl.pool1d_backward(line, np.ones((1, 3, 1)), 3, 1, "max", "same")
    np.testing.assert_array_equal(grad_x.ravel(), [2, 1, 0])


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
def test_global_pool_ties_go_to_the_first_position_in_row_major_order(impl):
    x = grid([[1, 5], [5, 5]])
    np.testing.assert_array_equal(
        impl.global_pool_backward(x, np.ones((1, 1)), "max")[0, :, :, 0], [[0, 1], [0, 0]]
    )
    x = grid([[2, np.nan], [np.nan, 1]])
    assert np.isnan(impl.global_pool(x, "min")).all()
    np.testing.assert_array_equal(
        impl.global_pool_backward(x, np.ones((1, 1)), "min")[0, :, :, 0], [[0, 1], [0, 0]]
    )


# ---------------------------------------------------------------------------------------------
# Plain errors

X4 = np.ones((1, 3, 3, 2))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: reference.conv2d(X4, np.ones((4, 1, 2, 1))), "larger than input size 3"),
        (lambda: reference.pool2d(X4, (2, 5)), "larger than input size 3"),
        (lambda: reference.conv2d(X4, np.ones((2, 2, 3, 1))), "kernel expects 3 input channels"),
        (lambda: reference.conv1d(np.ones((1, 4, 2)), np.ones((2, 1, 1))), "input has 2"),
        (lambda: reference.conv2d(X4, np.ones((2, 2, 2, 1)), padding="full"), "'full'"),
        (lambda: reference.pool1d(np.ones((1, 4, 1)), 2, padding="SAME"), "'SAME'"),
        (lambda: reference.pool2d(X4, 2, kind="sum"), "kind must be"),
        (lambda: reference.conv2d(X4, np.ones((2, 2, 2, 1)), stride=0), "stride must be"),
        (lambda: reference.conv2d(X4[0], np.ones((2, 2, 2, 1))), "4D input"),
        (lambda: reference.global_pool(np.ones((3, 4))), "at least one position axis"),
        (lambda: reference.pool2d_backward(X4, np.ones((1, 2, 2, 2)), 2), "expected"),
    ],
)
def test_bad_arguments_raise_a_plain_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()
