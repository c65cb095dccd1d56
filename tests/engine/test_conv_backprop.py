"""A convolution's gradients as the lesson writes them (cnndemo.conv_backprop) and a transposed
convolution step by step (cnndemo.conv_transpose.transpose_steps), against three oracles: the fast
backward pass, the plain loops of cnndemo.reference, and finite differences."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnndemo import ops, reference
from cnndemo.conv_backprop import input_grad_steps, kernel_grad_correlation
from cnndemo.conv_transpose import transpose_steps

SETTINGS = settings(max_examples=60, deadline=None)


@st.composite
def setups(draw):
    rank = draw(st.sampled_from((1, 2)))
    size = tuple(draw(st.integers(1, 7)) for _ in range(rank))
    kernel = tuple(draw(st.integers(1, 3)) for _ in range(rank))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(rank))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(rank))
    padding = draw(st.sampled_from(("valid", "same")))
    spans = [(k - 1) * d + 1 for k, d in zip(kernel, dilation, strict=True)]
    if any(s > n for s, n in zip(spans, size, strict=True)):
        padding = "same"
    if rank == 1:
        stride, dilation = stride[0], dilation[0]
    return size, kernel, stride, padding, dilation


def operands(setup, seed):
    size, kernel_size, stride, padding, dilation = setup
    rng = np.random.default_rng(seed)
    x = rng.integers(-9, 10, size=(2, *size, 2)).astype(float)
    kernel = rng.integers(-9, 10, size=(*kernel_size, 2, 3)).astype(float)
    conv = ops.conv1d if len(size) == 1 else ops.conv2d
    out = conv(x, kernel, stride, padding, dilation)
    grad = rng.integers(-5, 6, size=out.shape).astype(float)
    return x, kernel, grad


def backward(x, kernel, grad, stride, padding, dilation):
    op = ops.conv1d_backward if x.ndim == 3 else ops.conv2d_backward
    return op(x, kernel, grad, stride, padding, dilation)


@given(setups(), st.integers(0, 2**31 - 1))
@SETTINGS
def test_the_two_views_give_the_backward_pass(setup, seed):
    size, kernel_size, stride, padding, dilation = setup
    x, kernel, grad = operands(setup, seed)
    grad_x, grad_kernel = backward(x, kernel, grad, stride, padding, dilation)
    np.testing.assert_allclose(
        kernel_grad_correlation(x, grad, kernel_size, stride, padding, dilation), grad_kernel
    )
    steps = input_grad_steps(grad, kernel, size, stride, padding, dilation)
    np.testing.assert_allclose(steps.result, grad_x)
    # The steps are what they say: zeros between the upstream cells, the kernel turned round.
    rank = len(size)
    strides = (stride,) * rank if rank == 1 else stride
    kept = tuple(slice(None, None, s) for s in strides)
    np.testing.assert_array_equal(steps.spread[(slice(None), *kept)], grad)
    assert np.count_nonzero(steps.spread) == np.count_nonzero(grad)
    flipped = kernel[(slice(None, None, -1),) * rank]
    np.testing.assert_array_equal(steps.flipped, np.swapaxes(flipped, -1, -2))


@pytest.mark.parametrize(
    ("stride", "padding"), [(1, "valid"), (2, "same")], ids=["tutorial", "stride-2-same"]
)
def test_gradients_of_the_tutorial_setups_match_loops_and_finite_differences(stride, padding):
    # docs/lesson.md, sections 1 and 2, and the same with stride 2 and SAME padding; upstream
    # gradient: the derivative of L = sum(w * y) for fixed random weights w.
    cases = [
        (np.arange(1, 21, dtype=float).reshape(1, 4, 5), np.arange(1, 31, dtype=float).reshape(3, 5, 2)),
        (np.arange(1, 61, dtype=float).reshape(1, 5, 4, 3), np.arange(1, 25, dtype=float).reshape(4, 2, 3, 1)),
    ]  # fmt: skip
    for x, kernel in cases:
        one_d = x.ndim == 3
        forward = reference.conv1d if one_d else reference.conv2d
        weights = np.random.default_rng(0).normal(size=forward(x, kernel, stride, padding).shape)

        def loss(x=x, kernel=kernel, forward=forward, weights=weights):
            return float(np.sum(weights * forward(x, kernel, stride, padding)))

        loop = (reference.conv1d_backward if one_d else reference.conv2d_backward)(
            x, kernel, weights, stride, padding
        )
        numeric_x = reference.numeric_gradient(loss, x, eps=1e-3)
        numeric_kernel = reference.numeric_gradient(loss, kernel, eps=1e-3)
        steps = input_grad_steps(weights, kernel, x.shape[1:-1], stride, padding)
        correlation = kernel_grad_correlation(x, weights, kernel.shape[:-2], stride, padding)
        for ours, oracle in ((steps.result, loop[0]), (correlation, loop[1])):
            np.testing.assert_allclose(ours, oracle, atol=1e-9)
        np.testing.assert_allclose(steps.result, numeric_x, rtol=1e-6, atol=1e-6)
        np.testing.assert_allclose(correlation, numeric_kernel, rtol=1e-6, atol=1e-6)


@given(
    st.integers(1, 5), st.integers(1, 4), st.integers(1, 3), st.integers(1, 2),
    st.sampled_from(("valid", "same", 0, 1, 2)), st.integers(0, 2), st.integers(0, 2**31 - 1),
)  # fmt: skip
@SETTINGS
def test_transpose_steps_give_the_transposed_convolution(
    n, k, stride, dilation, padding, extra, seed
):
    extra = 0 if padding == "same" else extra % stride
    span = (k - 1) * dilation + 1
    if isinstance(padding, int) and (n - 1) * stride + span + extra - 2 * padding < 1:
        padding = 0
    rng = np.random.default_rng(seed)
    y = rng.normal(size=(2, n, 3))
    kernel = rng.normal(size=(k, 2, 3))
    steps = transpose_steps(y, kernel, stride, padding, dilation, extra)
    expected = reference.conv_transpose1d(y, kernel, stride, padding, dilation, extra)
    np.testing.assert_allclose(steps.result, expected, atol=1e-12)
    assert steps.spread.shape == (2, (n - 1) * stride + 1, 3)
    assert steps.padded.shape[1] == steps.spread.shape[1] + 2 * (span - 1)
    assert steps.full.shape == (2, (n - 1) * stride + span, 2)
    ((before, after),) = steps.crop
    assert steps.full.shape[1] - before - after == steps.result.shape[1]
    assert steps.result.shape[1] == ops.conv_transpose_size(n, k, stride, padding, dilation, extra)
    y2 = rng.normal(size=(1, n, n, 3))
    kernel2 = rng.normal(size=(k, k, 2, 3))
    np.testing.assert_allclose(
        transpose_steps(y2, kernel2, stride, padding, dilation, extra).result,
        ops.conv_transpose2d(y2, kernel2, stride, padding, dilation, extra),
    )


def test_mismatched_shapes_are_refused_with_a_message():
    x, kernel = np.ones((1, 4, 5)), np.ones((3, 5, 2))
    with pytest.raises(ValueError, match="upstream gradient has"):
        kernel_grad_correlation(x, np.ones((1, 3, 2)), (3,))
    with pytest.raises(ValueError, match="upstream gradient has"):
        input_grad_steps(np.ones((1, 3, 2)), kernel, (4,))
    with pytest.raises(ValueError, match="output channels"):
        input_grad_steps(np.ones((1, 2, 3)), kernel, (4,))


@given(
    st.integers(1, 6), st.integers(1, 3), st.integers(1, 3), st.integers(1, 2), st.integers(0, 3),
    st.integers(0, 2**31 - 1),
)  # fmt: skip
@SETTINGS
def test_explicit_padding_gradient_is_the_transposed_convolution(n, k, stride, dilation, pad, seed):
    # A convolution padded by p on each side is VALID on the zero-padded input; its input
    # gradient (finite differences) is the transposed convolution with padding p and the
    # leftover cells as output_padding.
    span = (k - 1) * dilation + 1
    if span > n + 2 * pad:
        return
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(1, n, 2))
    kernel = rng.normal(size=(k, 2, 3))

    def forward(x):
        return ops.conv1d(
            np.pad(x, ((0, 0), (pad, pad), (0, 0))), kernel, stride, "valid", dilation
        )

    weights = rng.normal(size=forward(x).shape)
    steps = input_grad_steps(weights, kernel, (n,), stride, pad, dilation)
    numeric = reference.numeric_gradient(lambda: float(np.sum(weights * forward(x))), x)
    np.testing.assert_allclose(steps.result, numeric, atol=1e-6)
    leftover = (n + 2 * pad - span) % stride
    transposed = ops.conv_transpose1d(weights, kernel, stride, pad, dilation, leftover)
    np.testing.assert_allclose(steps.result, transposed, atol=1e-12)
    padded = np.pad(x, ((0, 0), (pad, pad), (0, 0)))
    np.testing.assert_allclose(
        kernel_grad_correlation(x, weights, (k,), stride, pad, dilation),
        ops.conv1d_backward(padded, kernel, weights, stride, "valid", dilation)[1],
    )
