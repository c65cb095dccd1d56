"""Transposed convolution against its definitions: the scatter loop, the adjoint identity, the
documented output-size rule, "insert zeros then convolve", finite differences, and PyTorch when
it is installed."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnndemo import ops, reference

SETTINGS = settings(max_examples=50, deadline=None)


@st.composite
def setups(draw):
    n = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    k = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    kind = draw(st.sampled_from(("valid", "same", "explicit")))
    if kind == "explicit":
        padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    else:
        padding = (kind, kind)
    extra = (0, 0) if kind == "same" else tuple(draw(st.integers(0, s - 1)) for s in stride)
    spans = [(kk - 1) * d + 1 for kk, d in zip(k, dilation, strict=True)]
    sizes = [
        (nn - 1) * s + sp + e - (2 * p if isinstance(p, int) else 0)
        for nn, s, sp, e, p in zip(n, stride, spans, extra, padding, strict=True)
    ]
    if min(sizes) < 1:
        padding = (0, 0)
    return n, k, stride, padding, dilation, extra


def arrays(setup, seed):
    n, k, *_ = setup
    rng = np.random.default_rng(seed)
    y = rng.normal(size=(2, *n, 3))
    kernel = rng.normal(size=(*k, 2, 3))
    return y, kernel


@given(setups(), st.integers(0, 2**31 - 1))
@SETTINGS
def test_transposed_convolution_equals_the_scatter_loop_and_the_size_rule(setup, seed):
    n, k, stride, padding, dilation, extra = setup
    y, kernel = arrays(setup, seed)
    out = ops.conv_transpose2d(y, kernel, stride, padding, dilation, extra)
    expected = reference.conv_transpose2d(y, kernel, stride, padding, dilation, extra)
    np.testing.assert_allclose(out, expected, atol=1e-12)
    for axis in range(2):
        if padding[axis] == "same":
            assert out.shape[1 + axis] == n[axis] * stride[axis]
        else:
            p = 0 if padding[axis] == "valid" else padding[axis]
            rule = (
                (n[axis] - 1) * stride[axis]
                - 2 * p
                + dilation[axis] * (k[axis] - 1)
                + extra[axis]
                + 1
            )
            assert out.shape[1 + axis] == rule
            assert rule == ops.conv_transpose_size(
                n[axis], k[axis], stride[axis], padding[axis], dilation[axis], extra[axis]
            )


@given(setups(), st.integers(0, 2**31 - 1))
@SETTINGS
def test_it_is_the_adjoint_of_the_convolution_with_the_same_kernel(setup, seed):
    n, k, stride, padding, dilation, extra = setup
    y, kernel = arrays(setup, seed)
    out = ops.conv_transpose2d(y, kernel, stride, padding, dilation, extra)
    x = np.random.default_rng(seed + 1).normal(size=out.shape)
    if padding[0] == "same":
        conv = ops.conv2d(x, kernel, stride, "same", dilation)
    else:
        pads = [0 if p == "valid" else p for p in padding]
        padded = np.pad(x, [(0, 0), (pads[0], pads[0]), (pads[1], pads[1]), (0, 0)])
        conv = ops.conv2d(padded, kernel, stride, "valid", dilation)
    assert conv.shape == y.shape
    np.testing.assert_allclose(np.sum(conv * y), np.sum(x * out), rtol=1e-10, atol=1e-10)


def test_it_is_the_input_gradient_of_a_convolution():
    rng = np.random.default_rng(4)
    # SAME: the transposed convolution of n cells is the adjoint of the SAME convolution of
    # n * stride cells (TensorFlow's default output shape).
    x, kernel = rng.normal(size=(1, 8, 6, 2)), rng.normal(size=(3, 2, 2, 4))
    y = rng.normal(size=ops.conv2d(x, kernel, 2, "same").shape)
    grad_x, _ = ops.conv2d_backward(x, kernel, y, 2, "same")
    np.testing.assert_allclose(ops.conv_transpose2d(y, kernel, 2, "same"), grad_x, atol=1e-12)
    grad_valid, _ = ops.conv2d_backward(x, kernel, ops.conv2d(x, kernel, 2), 2)
    np.testing.assert_allclose(
        ops.conv_transpose2d(ops.conv2d(x, kernel, 2), kernel, 2, output_padding=(1, 0)),
        grad_valid,
        atol=1e-12,
    )


def test_insert_zeros_then_convolve_with_the_flipped_kernel():
    y = np.array([[[1.0], [2.0], [3.0]]])
    kernel = np.array([[[1.0]], [[10.0]], [[100.0]]])  # (k=3, in=1, out=1)
    spread = np.array([[[0.0], [0.0], [1.0], [0.0], [2.0], [0.0], [3.0], [0.0], [0.0]]])
    flipped = kernel[::-1]
    np.testing.assert_allclose(
        ops.conv_transpose1d(y, kernel, stride=2), ops.conv1d(spread, flipped), atol=1e-12
    )
    np.testing.assert_allclose(
        ops.conv_transpose1d(y, kernel, stride=2)[0, :, 0], [1, 10, 102, 20, 203, 30, 300]
    )


@given(setups(), st.integers(0, 2**31 - 1))
@settings(max_examples=15, deadline=None)
def test_backward_matches_finite_differences(setup, seed):
    n, k, stride, padding, dilation, extra = setup
    y, kernel = arrays(setup, seed)
    upstream = np.random.default_rng(seed + 2).normal(
        size=ops.conv_transpose2d(y, kernel, stride, padding, dilation, extra).shape
    )
    grad_y, grad_kernel = ops.conv_transpose2d_backward(
        y, kernel, upstream, stride, padding, dilation, extra
    )

    def loss():
        return np.sum(ops.conv_transpose2d(y, kernel, stride, padding, dilation, extra) * upstream)

    np.testing.assert_allclose(grad_y, reference.numeric_gradient(loss, y), atol=1e-6)
    np.testing.assert_allclose(grad_kernel, reference.numeric_gradient(loss, kernel), atol=1e-6)


def test_one_d_matches_two_d_with_height_one():
    rng = np.random.default_rng(7)
    y, kernel = rng.normal(size=(2, 5, 3)), rng.normal(size=(3, 2, 3))
    one = ops.conv_transpose1d(y, kernel, 2, 1, 2, 1)
    two = ops.conv_transpose2d(y[:, None], kernel[None], (1, 2), (0, 1), (1, 2), (0, 1))
    np.testing.assert_allclose(one, two[:, 0], atol=1e-12)
    upstream = rng.normal(size=one.shape)
    gy, gk = ops.conv_transpose1d_backward(y, kernel, upstream, 2, 1, 2, 1)
    gy2, gk2 = ops.conv_transpose2d_backward(
        y[:, None], kernel[None], upstream[:, None], (1, 2), (0, 1), (1, 2), (0, 1)
    )
    np.testing.assert_allclose(gy, gy2[:, 0], atol=1e-12)
    np.testing.assert_allclose(gk, gk2[0], atol=1e-12)


def test_bad_arguments_get_clear_messages():
    y, kernel = np.ones((1, 2, 2, 1)), np.ones((2, 2, 1, 1))
    with pytest.raises(ValueError, match="output_padding must be in 0..1"):
        ops.conv_transpose2d(y, kernel, 2, output_padding=2)
    with pytest.raises(ValueError, match="only for 'valid' or explicit"):
        ops.conv_transpose2d(y, kernel, 2, "same", output_padding=1)
    with pytest.raises(ValueError, match="crops all"):
        ops.conv_transpose2d(y, kernel, 1, 3)
    with pytest.raises(ValueError, match="output channels"):
        ops.conv_transpose2d(np.ones((1, 2, 2, 3)), kernel)


def test_matches_pytorch_when_installed():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(9)
    y, kernel = rng.normal(size=(2, 4, 3, 5)), rng.normal(size=(3, 2, 2, 5))
    ours = ops.conv_transpose2d(y, kernel, (2, 3), (1, 0), (1, 2), (1, 2))
    theirs = torch.nn.functional.conv_transpose2d(
        torch.from_numpy(y.transpose(0, 3, 1, 2)),
        torch.from_numpy(kernel.transpose(3, 2, 0, 1).copy()),  # (in of y, out of result, kh, kw)
        stride=(2, 3),
        padding=(1, 0),
        output_padding=(1, 2),
        dilation=(1, 2),
    )
    np.testing.assert_allclose(ours, theirs.numpy().transpose(0, 2, 3, 1), atol=1e-10)


def test_one_d_reference_is_the_two_d_reference_with_height_one():
    rng = np.random.default_rng(11)
    y, kernel = rng.normal(size=(1, 4, 2)), rng.normal(size=(2, 3, 2))
    np.testing.assert_allclose(
        reference.conv_transpose1d(y, kernel, 3, 1, 1, 2),
        ops.conv_transpose1d(y, kernel, 3, 1, 1, 2),
        atol=1e-12,
    )
