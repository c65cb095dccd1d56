"""Tests for cnndemo.ops.

Oracle: cnndemo.reference, plain loops written from the definitions. Gradients are checked
against central finite differences of the forward functions in float64.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnndemo import _windows, ops, reference
from cnndemo.conv import _ConvPlan

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
GRAD_SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def tolerance(dtype) -> dict:
    return {"rtol": 1e-4, "atol": 1e-4} if dtype == np.float32 else {"rtol": 1e-10, "atol": 1e-10}


# ---------------------------------------------------------------------------------------------
# Reference numbers from docs/lesson.md, sections 1, 2 and 8


def test_section_1_conv1d_reference_numbers():
    x = np.arange(1, 21).reshape(1, 4, 5)
    kernel = np.arange(1, 31).reshape(3, 5, 2)
    np.testing.assert_array_equal(ops.conv1d(x, kernel), [[[2360, 2480], [3485, 3680]]])


def test_section_2_conv2d_reference_numbers():
    x = np.arange(1, 61).reshape(1, 5, 4, 3)
    kernel = np.arange(1, 25).reshape(4, 2, 3, 1)
    out = ops.conv2d(x, kernel, stride=(1, 1))
    assert out.shape == (1, 2, 3, 1)
    np.testing.assert_array_equal(out[0, :, :, 0], [[8680, 9580, 10480], [12280, 13180, 14080]])


def test_section_8_max_pool_down_sampling_example():
    grid = np.array(
        [
            [(1, 17, 3), (4, 5, 6), (7, 8, 9), (10, 11, 12)],
            [(13, 14, 18), (16, 2, 15), (19, 20, 21), (22, 23, 24)],
            [(25, 26, 27), (28, 29, 30), (31, 32, 33), (34, 35, 36)],
            [(37, 38, 39), (40, 41, 42), (43, 44, 45), (46, 47, 48)],
        ]
    )[None]
    expected = [[(16, 17, 18), (22, 23, 24)], [(40, 41, 42), (46, 47, 48)]]
    np.testing.assert_array_equal(ops.pool2d(grid, 2, 2)[0], expected)


def test_integer_input_is_computed_in_float64():
    assert ops.conv1d(np.ones((1, 3, 1), dtype=int), np.ones((2, 1, 1))).dtype == np.float64
    assert ops.pool2d(np.ones((1, 2, 2, 1), dtype=bool), 2).dtype == np.float64


def test_float32_input_stays_float32_even_with_a_float64_kernel():
    x = np.ones((1, 4, 4, 2), dtype=np.float32)
    assert ops.conv2d(x, np.ones((2, 2, 2, 3))).dtype == np.float32
    grad_x, grad_kernel = ops.conv2d_backward(
        x, np.ones((2, 2, 2, 3)), np.ones((1, 3, 3, 3), dtype=np.float32)
    )
    assert grad_x.dtype == grad_kernel.dtype == np.float32


# ---------------------------------------------------------------------------------------------
# Output size and padding


@given(
    n=st.integers(1, 40),
    k=st.integers(1, 8),
    stride=st.integers(1, 6),
    dilation=st.integers(1, 3),
    padding=st.sampled_from(["valid", "same"]),
)
@settings(max_examples=200, deadline=None)
def test_output_size_and_padding_amounts_follow_tensorflow(n, k, stride, dilation, padding):
    span = (k - 1) * dilation + 1
    if padding == "valid" and span > n:
        with pytest.raises(ValueError, match="larger than input size"):
            ops.output_size(n, k, stride, padding, dilation)
        return
    assert ops.output_size(n, k, stride, padding, dilation) == reference.output_size(
        n, k, stride, padding, dilation
    )
    assert ops.padding_amounts(n, k, stride, padding, dilation) == reference.padding_amounts(
        n, k, stride, padding, dilation
    )


def test_same_padding_puts_the_odd_cell_at_the_end():
    assert ops.padding_amounts(5, 2, 1, "same") == (0, 1)
    assert ops.padding_amounts(4, 4, 1, "same") == (1, 2)
    assert ops.padding_amounts(7, 3, 2, "same") == (1, 1)
    assert ops.output_size(7, 3, 2, "same") == 4
    assert ops.output_size(7, 3, 2, "valid") == 3


# ---------------------------------------------------------------------------------------------
# Forward against the oracle


@st.composite
def conv2d_cases(draw):
    batch = draw(st.integers(1, 3))
    channels = draw(st.integers(1, 6))  # crosses the narrow/wide im2col threshold
    out_channels = draw(st.integers(1, 4))
    k_h, k_w = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = draw(st.sampled_from(["valid", "same"]))
    min_h = (k_h - 1) * dilation[0] + 1 if padding == "valid" else 1
    min_w = (k_w - 1) * dilation[1] + 1 if padding == "valid" else 1
    height, width = draw(st.integers(min_h, min_h + 6)), draw(st.integers(min_w, min_w + 6))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = rng.standard_normal((batch, height, width, channels)).astype(dtype)
    kernel = rng.standard_normal((k_h, k_w, channels, out_channels)).astype(dtype)
    return x, kernel, stride, padding, dilation


@given(conv2d_cases())
@SETTINGS
def test_conv2d_matches_the_loop_oracle(case):
    x, kernel, stride, padding, dilation = case
    out = ops.conv2d(x, kernel, stride, padding, dilation)
    expected = reference.conv2d(x, kernel, stride, padding, dilation)
    assert out.dtype == x.dtype
    assert out.shape[1] == ops.output_size(
        x.shape[1], kernel.shape[0], stride[0], padding, dilation[0]
    )
    assert out.shape[2] == ops.output_size(
        x.shape[2], kernel.shape[1], stride[1], padding, dilation[1]
    )
    np.testing.assert_allclose(out, expected, **tolerance(x.dtype))


@given(
    batch=st.integers(1, 3),
    channels=st.integers(1, 6),
    out_channels=st.integers(1, 3),
    k=st.integers(1, 5),
    stride=st.integers(1, 4),
    dilation=st.integers(1, 3),
    padding=st.sampled_from(["valid", "same"]),
    extra=st.integers(0, 9),
    dtype=st.sampled_from([np.float32, np.float64]),
    seed=st.integers(0, 2**32 - 1),
)
@SETTINGS
def test_conv1d_matches_the_loop_oracle(
    batch, channels, out_channels, k, stride, dilation, padding, extra, dtype, seed
):
    rng = np.random.default_rng(seed)
    width = ((k - 1) * dilation + 1 if padding == "valid" else 1) + extra
    x = rng.standard_normal((batch, width, channels)).astype(dtype)
    kernel = rng.standard_normal((k, channels, out_channels)).astype(dtype)
    out = ops.conv1d(x, kernel, stride, padding, dilation)
    assert out.dtype == dtype
    assert out.shape == (batch, ops.output_size(width, k, stride, padding, dilation), out_channels)
    np.testing.assert_allclose(
        out, reference.conv1d(x, kernel, stride, padding, dilation), **tolerance(dtype)
    )


def test_conv2d_blocked_im2col_matches_the_oracle(monkeypatch):
    # One im2col row is 3 * 2 * 5 taps of 8 bytes; the output is 3 images of 5 x 8 positions.
    # Small blocks force every block shape: one output row, two output rows, two whole images.
    rng = np.random.default_rng(7)
    x = rng.standard_normal((3, 9, 8, 5))
    kernel = rng.standard_normal((3, 2, 5, 4))
    args = ((2, 1), "same", (1, 2))
    expected = reference.conv2d(x, kernel, *args)
    grad_out = rng.standard_normal(expected.shape)
    fast_grads = ops.conv2d_backward(x, kernel, grad_out, *args)
    row_bytes = 3 * 2 * 5 * 8
    for rows, block_count in ((1, 15), (16, 9), (80, 2)):
        monkeypatch.setattr(_windows, "BLOCK_BYTES", rows * row_bytes)
        assert len(_windows.blocks(3, 5, 8, row_bytes)) == block_count
        np.testing.assert_allclose(ops.conv2d(x, kernel, *args), expected)
        grad_x, grad_kernel = ops.conv2d_backward(x, kernel, grad_out, *args)
        np.testing.assert_allclose(grad_x, fast_grads[0])
        np.testing.assert_allclose(grad_kernel, fast_grads[1])


@pytest.mark.parametrize(
    ("stride", "padding", "dilation", "kernel_size"),
    [
        ((1, 1), "valid", (1, 1), (3, 3)),
        ((2, 1), "same", (1, 2), (2, 3)),
        ((1, 1), "same", (2, 1), (4, 2)),
        ((3, 1), "valid", (1, 1), (1, 5)),
    ],
)
def test_one_channel_im2col_by_rows_matches_the_oracle(stride, padding, dilation, kernel_size):
    # One input channel and stride 1 across: each tap's row of outputs reads one contiguous
    # run, copied as one element (an earlier version did so only from 256 runs, hence the two
    # batch sizes), in float64 and float32.
    rng = np.random.default_rng(sum(kernel_size) + stride[0])
    kernel = rng.standard_normal((*kernel_size, 1, 3))
    for batch in (1, 16):
        x = rng.standard_normal((batch, 12, 11, 1))
        expected = reference.conv2d(x, kernel, stride, padding, dilation)
        runs = batch * expected.shape[1] * kernel_size[0] * kernel_size[1]
        assert (runs >= 256) == (batch == 16)
        np.testing.assert_allclose(ops.conv2d(x, kernel, stride, padding, dilation), expected)
        single = ops.conv2d(
            x.astype(np.float32), kernel.astype(np.float32), stride, padding, dilation
        )
        np.testing.assert_allclose(single, expected, rtol=1e-4, atol=1e-4)
        grad_out = rng.standard_normal(expected.shape)

        def loss(x=x, grad_out=grad_out):
            return np.sum(ops.conv2d(x, kernel, stride, padding, dilation) * grad_out)

        grad_x, grad_kernel = ops.conv2d_backward(x, kernel, grad_out, stride, padding, dilation)
        np.testing.assert_allclose(grad_kernel, reference.numeric_gradient(loss, kernel), atol=1e-6)
        np.testing.assert_allclose(grad_x, reference.numeric_gradient(loss, x), atol=1e-6)


def test_conv_accepts_non_contiguous_input():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 6, 7, 8))[:, ::-1, :, ::2]
    kernel = rng.standard_normal((2, 2, 4, 3))
    np.testing.assert_allclose(ops.conv2d(x, kernel), reference.conv2d(x, kernel))


@st.composite
def pool2d_cases(draw):
    batch, channels = draw(st.integers(1, 3)), draw(st.integers(1, 4))
    size = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    stride = draw(st.one_of(st.none(), st.tuples(st.integers(1, 4), st.integers(1, 4))))
    padding = draw(st.sampled_from(["valid", "same"]))
    kind = draw(st.sampled_from(["max", "min", "avg"]))
    min_h, min_w = size if padding == "valid" else (1, 1)
    height, width = draw(st.integers(min_h, min_h + 6)), draw(st.integers(min_w, min_w + 6))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = rng.standard_normal((batch, height, width, channels)).astype(dtype)
    return x, size, stride, kind, padding


@given(pool2d_cases())
@SETTINGS
def test_pool2d_matches_the_loop_oracle(case):
    x, size, stride, kind, padding = case
    out = ops.pool2d(x, size, stride, kind, padding)
    steps = size if stride is None else stride
    assert out.dtype == x.dtype
    assert out.shape[1:3] == (
        ops.output_size(x.shape[1], size[0], steps[0], padding),
        ops.output_size(x.shape[2], size[1], steps[1], padding),
    )
    np.testing.assert_allclose(
        out, reference.pool2d(x, size, steps, kind, padding), **tolerance(x.dtype)
    )


@given(
    size=st.integers(1, 4),
    stride=st.one_of(st.none(), st.integers(1, 5)),
    kind=st.sampled_from(["max", "min", "avg"]),
    padding=st.sampled_from(["valid", "same"]),
    extra=st.integers(0, 8),
    dtype=st.sampled_from([np.float32, np.float64]),
    seed=st.integers(0, 2**32 - 1),
)
@SETTINGS
def test_pool1d_matches_the_loop_oracle(size, stride, kind, padding, extra, dtype, seed):
    x = np.random.default_rng(seed).standard_normal((2, size + extra, 3)).astype(dtype)
    out = ops.pool1d(x, size, stride, kind, padding)
    steps = size if stride is None else stride
    assert out.dtype == dtype
    assert out.shape == (2, ops.output_size(size + extra, size, steps, padding), 3)
    np.testing.assert_allclose(
        out, reference.pool1d(x, size, steps, kind, padding), **tolerance(dtype)
    )


def test_avg_pool_with_same_padding_divides_by_real_cells_only():
    x = np.arange(1.0, 10.0).reshape(1, 3, 3, 1)
    out = ops.pool2d(x, 2, 2, "avg", "same")[0, :, :, 0]
    np.testing.assert_allclose(out, [[(1 + 2 + 4 + 5) / 4, (3 + 6) / 2], [(7 + 8) / 2, 9.0]])


@pytest.mark.parametrize("kind", ["max", "min", "avg"])
@pytest.mark.parametrize("shape", [(2, 5, 3), (2, 3, 4, 3), (1, 2, 2, 2, 4)])
def test_global_pool_matches_the_loop_oracle(kind, shape):
    x = np.random.default_rng(1).standard_normal(shape)
    np.testing.assert_allclose(ops.global_pool(x, kind), reference.global_pool(x, kind))
    assert ops.global_pool(x.astype(np.float32), kind).dtype == np.float32


# ---------------------------------------------------------------------------------------------
# Gradients against central finite differences (float64)


@given(conv2d_cases())
@GRAD_SETTINGS
def test_conv2d_backward_matches_finite_differences(case):
    x, kernel, stride, padding, dilation = case
    x, kernel = x.astype(np.float64), kernel.astype(np.float64)
    out = ops.conv2d(x, kernel, stride, padding, dilation)
    grad_out = np.random.default_rng(0).standard_normal(out.shape)

    def loss():
        return np.sum(ops.conv2d(x, kernel, stride, padding, dilation) * grad_out)

    grad_x, grad_kernel = ops.conv2d_backward(x, kernel, grad_out, stride, padding, dilation)
    np.testing.assert_allclose(grad_x, reference.numeric_gradient(loss, x), atol=1e-6)
    np.testing.assert_allclose(grad_kernel, reference.numeric_gradient(loss, kernel), atol=1e-6)


@pytest.mark.parametrize(
    ("width", "k", "stride", "padding", "dilation", "channels"),
    [
        (6, 3, 1, "valid", 1, 1),
        (7, 2, 2, "same", 1, 5),
        (9, 3, 2, "same", 2, 2),
        (8, 4, 3, "valid", 1, 6),
        (5, 2, 1, "same", 3, 4),
    ],
)
def test_conv1d_backward_matches_finite_differences(width, k, stride, padding, dilation, channels):
    rng = np.random.default_rng(width * k)
    x = rng.standard_normal((2, width, channels))
    kernel = rng.standard_normal((k, channels, 3))
    grad_out = rng.standard_normal(ops.conv1d(x, kernel, stride, padding, dilation).shape)

    def loss():
        return np.sum(ops.conv1d(x, kernel, stride, padding, dilation) * grad_out)

    grad_x, grad_kernel = ops.conv1d_backward(x, kernel, grad_out, stride, padding, dilation)
    np.testing.assert_allclose(grad_x, reference.numeric_gradient(loss, x), atol=1e-6)
    np.testing.assert_allclose(grad_kernel, reference.numeric_gradient(loss, kernel), atol=1e-6)


@pytest.mark.parametrize(
    ("size", "kernel_size", "stride", "padding", "dilation", "channels", "route"),
    [
        ((16, 15), (3, 3), 1, "valid", (1, 1), (4, 6), "spread_rows"),
        ((16, 15), (3, 3), 1, "valid", (1, 1), (2, 3), "spread_rows"),  # 2 input channels
        ((15, 14), (2, 4), 1, "valid", (2, 1), (3, 5), "spread_rows"),  # even, dilated rows
        ((15, 14), (3, 1), 1, "valid", (1, 1), (2, 5), "spread_rows"),  # one tap per row
        ((1, 21), (1, 3), 1, "valid", (1, 1), (3, 5), "spread_rows"),  # one row: 1D
        ((14, 15), (2, 3), 1, "valid", (1, 2), (5, 7), "spread_extended"),  # dilated columns
        ((16, 15), (3, 3), 1, "valid", (1, 1), (6, 4), "spread_rows"),  # up to 2x more in
        ((16, 15), (3, 3), 1, "valid", (1, 1), (9, 4), "correlate"),  # over 2x more in than out
        ((6, 7), (5, 4), 1, "valid", (1, 1), (4, 6), "spread_rows"),  # outputs cover little
        ((6, 7), (3, 2), 1, "valid", (1, 2), (4, 6), "correlate"),  # same, dilated columns
        ((9, 8), (3, 3), 1, "valid", (1, 1), (3, 1), "col2im"),  # few channels, more in than out
        ((9, 8), (3, 2), 1, "valid", (1, 1), (1, 3), "spread_extended"),  # one input channel
        ((6, 7), (5, 4), 1, "valid", (1, 1), (1, 3), "col2im"),  # one, outputs cover little
        ((10, 9), (3, 3), 1, "same", (1, 1), (4, 6), "spread"),
        ((14, 15), (2, 3), 1, "same", (1, 2), (5, 7), "spread"),  # even: extra pad at end
        ((16, 16), (4, 2), 1, "same", (2, 1), (3, 3), "spread"),  # no unshifted tap
        ((3, 6), (3, 4), 1, "same", (3, 2), (2, 4), "spread"),  # some taps miss the grid
        ((7, 7), (3, 3), 1, "same", (2, 2), (6, 4), "correlate"),  # more in, dilated columns
        ((7, 6), (2, 3), 1, "same", (1, 1), (1, 4), "spread"),  # one input channel
        ((7, 6), (2, 3), 1, "same", (1, 1), (3, 2), "spread_rows"),  # more in: padded grid
        ((7, 6), (2, 3), 1, "same", (1, 1), (3, 1), "col2im"),  # few channels, more in than out
        ((9, 8), (3, 3), 2, "same", (1, 1), (3, 5), "spread_phases"),  # strides above 1
        ((10, 9), (2, 3), (2, 3), "valid", (1, 1), (4, 6), "spread_phases"),  # one tap a phase
        ((11, 10), (4, 4), 3, "same", (1, 1), (2, 3), "spread_phases"),  # 1 or 2 taps a phase
        ((9, 8), (3, 3), 2, "same", (1, 1), (1, 5), "col2im"),  # one input channel
        ((9, 8), (1, 3), 2, "valid", (1, 1), (4, 6), "col2im"),  # a phase without taps
        ((9, 8), (2, 3), (2, 3), "valid", (2, 1), (4, 6), "col2im"),  # dilated
    ],
)
def test_input_gradient_routes_match_finite_differences(
    size, kernel_size, stride, padding, dilation, channels, route
):
    # The input gradient takes one of six routes by shape; the parameters pin which, so each
    # stays checked whatever the property tests happen to draw.
    rng = np.random.default_rng(sum(size) + sum(kernel_size) + sum(channels))
    x = rng.standard_normal((2, *size, channels[0]))
    kernel = rng.standard_normal((*kernel_size, *channels))
    plan = _ConvPlan(x, kernel, stride, padding, dilation, "test", one_d=False)
    assert ops.input_grad_route(plan, plan.padded_shape) == route
    out = ops.conv2d(x, kernel, stride, padding, dilation)
    grad_out = rng.standard_normal(out.shape)

    def loss():
        return np.sum(ops.conv2d(x, kernel, stride, padding, dilation) * grad_out)

    grad_x, grad_kernel = ops.conv2d_backward(x, kernel, grad_out, stride, padding, dilation)
    np.testing.assert_allclose(grad_x, reference.numeric_gradient(loss, x), atol=1e-6)
    np.testing.assert_allclose(grad_kernel, reference.numeric_gradient(loss, kernel), atol=1e-6)


@given(pool2d_cases())
@GRAD_SETTINGS
def test_pool2d_backward_matches_finite_differences(case):
    x, size, stride, kind, padding = case
    x = x.astype(np.float64)  # continuous random values: no ties, so max/min are smooth here
    grad_out = np.random.default_rng(0).standard_normal(
        ops.pool2d(x, size, stride, kind, padding).shape
    )

    def loss():
        return np.sum(ops.pool2d(x, size, stride, kind, padding) * grad_out)

    grad_x = ops.pool2d_backward(x, grad_out, size, stride, kind, padding)
    assert grad_x.shape == x.shape
    np.testing.assert_allclose(grad_x, reference.numeric_gradient(loss, x), atol=1e-6)


@pytest.mark.parametrize("kind", ["max", "min", "avg"])
@pytest.mark.parametrize(
    ("size", "stride", "padding"), [(2, None, "valid"), (3, 1, "same"), (2, 3, "same")]
)
def test_pool1d_backward_matches_finite_differences(kind, size, stride, padding):
    x = np.random.default_rng(5).standard_normal((2, 7, 3))
    grad_out = np.random.default_rng(6).standard_normal(
        ops.pool1d(x, size, stride, kind, padding).shape
    )

    def loss():
        return np.sum(ops.pool1d(x, size, stride, kind, padding) * grad_out)

    grad_x = ops.pool1d_backward(x, grad_out, size, stride, kind, padding)
    np.testing.assert_allclose(grad_x, reference.numeric_gradient(loss, x), atol=1e-6)


@pytest.mark.parametrize("kind", ["max", "min", "avg"])
def test_global_pool_backward_matches_finite_differences(kind):
    x = np.random.default_rng(8).standard_normal((2, 3, 4, 3))
    grad_out = np.random.default_rng(9).standard_normal((2, 3))

    def loss():
        return np.sum(ops.global_pool(x, kind) * grad_out)

    grad_x = ops.global_pool_backward(x, grad_out, kind)
    np.testing.assert_allclose(grad_x, reference.numeric_gradient(loss, x), atol=1e-6)


# ---------------------------------------------------------------------------------------------
# Ties, NaN and infinity


def test_max_pool_tie_sends_the_gradient_to_the_first_cell_in_window_order():
    x = np.array([[1.0, 3.0], [3.0, 3.0]]).reshape(1, 2, 2, 1)
    grad_x = ops.pool2d_backward(x, np.ones((1, 1, 1, 1)), 2)
    np.testing.assert_array_equal(grad_x[0, :, :, 0], [[0, 1], [0, 0]])
    grad_x = ops.pool2d_backward(x, np.ones((1, 1, 1, 1)), 2, kind="min")
    np.testing.assert_array_equal(grad_x[0, :, :, 0], [[1, 0], [0, 0]])


def test_global_pool_tie_sends_the_gradient_to_the_first_position():
    x = np.array([[2.0, 5.0, 5.0]]).reshape(1, 3, 1)
    grad_x = ops.global_pool_backward(x, np.ones((1, 1)), "max")
    np.testing.assert_array_equal(grad_x.ravel(), [0, 1, 0])


def test_nan_spreads_to_every_conv_output_whose_window_touches_it():
    x = np.ones((1, 5, 1))
    x[0, 2, 0] = np.nan
    out = ops.conv1d(x, np.ones((2, 1, 1)))
    np.testing.assert_array_equal(np.isnan(out.ravel()), [False, True, True, False])


def test_infinity_follows_ieee_arithmetic_in_conv():
    x = np.array([np.inf, 1.0, 1.0]).reshape(1, 3, 1)
    with np.errstate(invalid="ignore"):  # NumPy may warn about inf * 0, as for any array
        out = ops.conv1d(x, np.array([0.0, 1.0]).reshape(2, 1, 1)).ravel()
    assert np.isnan(out[0])  # inf * 0
    assert out[1] == 1.0


@pytest.mark.parametrize("kind", ["max", "min", "avg"])
def test_a_pool_window_holding_nan_gives_nan(kind):
    x = np.arange(8.0).reshape(1, 8, 1)
    x[0, 5, 0] = np.nan
    out = ops.pool1d(x, 2, kind=kind).ravel()
    np.testing.assert_array_equal(np.isnan(out), [False, False, True, False])
    assert np.isnan(ops.global_pool(x, kind)).all()


def test_max_pool_gradient_goes_to_the_first_nan_of_a_nan_window():
    x = np.array([1.0, np.nan, 5.0, np.nan]).reshape(1, 4, 1)
    grad_x = ops.pool1d_backward(x, np.ones((1, 1, 1)), 4)
    np.testing.assert_array_equal(grad_x.ravel(), [0, 1, 0, 0])


def test_padded_cells_never_win_even_against_real_infinities():
    x = np.full((1, 3, 1), -np.inf)
    out = ops.pool1d(x, 2, 2, "max", "same")
    np.testing.assert_array_equal(out.ravel(), [-np.inf, -np.inf])
    # The last window is (real -inf, padded); its gradient goes to the real cell.
    grad_x = ops.pool1d_backward(x, np.array([[[1.0], [2.0]]]), 2, 2, "max", "same")
    np.testing.assert_array_equal(grad_x.ravel(), [1, 0, 2])
    x = np.array([[[0.0], [np.inf], [np.inf]]])
    grad_x = ops.pool1d_backward(x, np.ones((1, 2, 1)), 3, 2, "min", "same")
    np.testing.assert_array_equal(grad_x.ravel(), [1, 1, 0])


def test_pool_and_conv_with_infinite_input_match_the_oracle():
    x = np.random.default_rng(2).standard_normal((1, 5, 5, 2))
    x[0, 1, 3, 0], x[0, 4, 0, 1] = np.inf, -np.inf
    for kind in ("max", "min"):
        np.testing.assert_array_equal(
            ops.pool2d(x, 2, 1, kind, "same"), reference.pool2d(x, (2, 2), (1, 1), kind, "same")
        )


# ---------------------------------------------------------------------------------------------
# Errors a learner can read

X4 = np.ones((1, 3, 3, 2))
K4 = np.ones((2, 2, 2, 1))
X3 = np.ones((1, 3, 2))
K3 = np.ones((2, 2, 1))

ERRORS = [
    (
        lambda: ops.conv2d(np.ones((3, 3)), K4),
        r"conv2d expects a 4D input \(batch, height, width, channels\), got shape \(3, 3\)",
    ),
    (
        lambda: ops.conv2d(X4, np.ones((2, 2, 2))),
        r"conv2d expects a 4D kernel \(height, width, in, out\), got shape \(2, 2, 2\)",
    ),
    (
        lambda: ops.conv1d(X4, K3),
        r"conv1d expects a 3D input \(batch, width, channels\), got shape \(1, 3, 3, 2\)",
    ),
    (lambda: ops.conv1d(X3, np.ones((2, 2))), r"conv1d expects a 3D kernel \(width, in, out\)"),
    (lambda: ops.conv2d(X4, np.ones((2, 2, 3, 1))), "kernel expects 3 input channels, input has 2"),
    (lambda: ops.conv1d(X3, np.ones((2, 1, 1))), "kernel expects 1 input channels, input has 2"),
    (
        lambda: ops.conv2d(X4, np.ones((5, 1, 2, 1))),
        "kernel height 5 is larger than input height 3 with valid padding",
    ),
    (
        lambda: ops.conv1d(X3, np.ones((4, 2, 1))),
        "kernel width 4 is larger than input width 3 with valid padding",
    ),
    (
        lambda: ops.conv1d(X3, np.ones((3, 2, 1)), dilation=2),
        r"dilated kernel width 5 \(kernel width 3, dilation 2\) is larger than input width 3 "
        "with valid padding",
    ),
    (lambda: ops.conv2d(X4, K4, stride=0), "stride must be a whole number >= 1, got 0"),
    (lambda: ops.conv2d(X4, K4, stride=(1, -2)), "stride must be a whole number >= 1, got -2"),
    (lambda: ops.conv1d(X3, K3, stride=1.5), "stride must be a whole number >= 1, got 1.5"),
    (lambda: ops.conv1d(X3, K3, stride=True), "stride must be a whole number >= 1, got True"),
    (lambda: ops.conv1d(X3, K3, stride="2"), "stride must be a whole number >= 1, got '2'"),
    (
        lambda: ops.conv2d(X4, K4, stride=(1, 2, 3)),
        r"stride must be one whole number or a pair \(y, x\), got \(1, 2, 3\)",
    ),
    (lambda: ops.conv2d(X4, K4, dilation=0), "dilation must be a whole number >= 1, got 0"),
    (lambda: ops.conv2d(X4, K4, padding="full"), "padding must be 'valid' or 'same', got 'full'"),
    (
        lambda: ops.conv2d(np.ones((0, 3, 3, 2)), K4),
        r"conv2d got an empty input of shape \(0, 3, 3, 2\)",
    ),
    (
        lambda: ops.conv1d(X3, np.ones((2, 2, 0))),
        r"conv1d got an empty kernel of shape \(2, 2, 0\)",
    ),
    (
        lambda: ops.conv2d(X4 * 1j, K4),
        "conv2d expects real numbers in its input, got dtype complex128",
    ),
    (
        lambda: ops.conv2d(X4, np.full((2, 2, 2, 1), "a")),
        "conv2d expects real numbers in its kernel, got dtype <U1",
    ),
    (lambda: ops.pool2d(X4, 0), "pool size must be a whole number >= 1, got 0"),
    (
        lambda: ops.pool2d(X4, (2, 5)),
        "pool width 5 is larger than input width 3 with valid padding",
    ),
    (lambda: ops.pool1d(X3, 4), "pool width 4 is larger than input width 3 with valid padding"),
    (lambda: ops.pool2d(X4, 2, stride=0), "stride must be a whole number >= 1, got 0"),
    (lambda: ops.pool2d(X4, 2, kind="sum"), "kind must be 'max', 'min' or 'avg', got 'sum'"),
    (lambda: ops.pool1d(X3, 2, padding="SAME"), "padding must be 'valid' or 'same', got 'SAME'"),
    (
        lambda: ops.pool1d(X4, 2),
        r"pool1d expects a 3D input \(batch, width, channels\), got shape \(1, 3, 3, 2\)",
    ),
    (
        lambda: ops.pool2d(X3, 2),
        r"pool2d expects a 4D input \(batch, height, width, channels\), got shape \(1, 3, 2\)",
    ),
    (lambda: ops.pool1d(np.ones((1, 0, 2)), 1), r"pool1d got an empty input of shape \(1, 0, 2\)"),
    (
        lambda: ops.global_pool(np.ones((3, 4))),
        r"global_pool expects an input \(batch, \.\.\., channels\) with at least one position axis, got shape \(3, 4\)",
    ),
    (
        lambda: ops.global_pool(np.ones((2, 0, 3))),
        r"global_pool got an empty input of shape \(2, 0, 3\)",
    ),
    (lambda: ops.global_pool(X3, "median"), "kind must be 'max', 'min' or 'avg', got 'median'"),
    (lambda: ops.output_size(3, 5), "window size 5 is larger than input size 3 with valid padding"),
    (lambda: ops.output_size(0, 1), "input size must be a whole number >= 1, got 0"),
    (lambda: ops.padding_amounts(5, 2, 0, "same"), "stride must be a whole number >= 1, got 0"),
    (lambda: ops.padding_amounts(5, 2, 1, "full"), "padding must be 'valid' or 'same', got 'full'"),
    (
        lambda: ops.conv2d_backward(X4, K4, np.ones((1, 3, 3, 1))),
        r"grad_out has shape \(1, 3, 3, 1\), expected \(1, 2, 2, 1\)",
    ),
    (
        lambda: ops.conv1d_backward(X3, K3, np.ones((1, 2))),
        r"grad_out has shape \(1, 2\), expected \(1, 2, 1\)",
    ),
    (
        lambda: ops.pool2d_backward(X4, np.ones((1, 2, 2, 2)), 2),
        r"grad_out has shape \(1, 2, 2, 2\), expected \(1, 1, 1, 2\)",
    ),
    (
        lambda: ops.pool1d_backward(X3, np.ones((1, 3, 2)), 2),
        r"grad_out has shape \(1, 3, 2\), expected \(1, 1, 2\)",
    ),
    (
        lambda: ops.global_pool_backward(X3, np.ones((1, 3))),
        r"grad_out has shape \(1, 3\), expected \(1, 2\)",
    ),
    (
        lambda: ops.pool1d_backward(X3, np.full((1, 1, 2), "g"), 2),
        "grad_out must hold real numbers, got dtype <U1",
    ),
]


@pytest.mark.parametrize(("call", "message"), ERRORS, ids=[m[:40] for _, m in ERRORS])
def test_bad_arguments_raise_a_readable_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_whole_number_floats_and_numpy_integers_are_accepted_as_strides():
    out = ops.conv1d(np.ones((1, 6, 1)), np.ones((2, 1, 1)), stride=2.0)
    assert out.shape == ops.conv1d(np.ones((1, 6, 1)), np.ones((2, 1, 1)), stride=np.int64(2)).shape
    assert ops.pool2d(X4, [1, 2], stride=np.array([1, 1])).shape == (1, 3, 2, 2)
