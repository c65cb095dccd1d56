"""Transposed convolution: the adjoint of :func:`cnndemo.conv2d`, with its gradients.

``conv_transpose2d(y, kernel, ...)`` takes the same kernel as the convolution it reverses,
``(k_h, k_w, in, out)`` (TensorFlow's ``conv2d_transpose`` filter layout), so ``y`` has ``out``
channels and the result ``in``. Every cell of ``y`` spreads ``y * kernel`` over the window the
convolution read it from, and overlapping windows add up:

``result[b, r, c, m] = sum over i, j, o with r = y_r * s_y + i * d_y - p_top and
c = y_c * s_x + j * d_x - p_left of  y[b, y_r, y_c, o] * kernel[i, j, m, o]``

It is exactly the gradient of a convolution with respect to its input, and it is also "insert
``stride - 1`` zeros between the cells of ``y``, pad, then convolve with the flipped kernel"
(:mod:`cnndemo.reference` spells both out as loops).

Output size per axis, for ``n`` input cells (the rule PyTorch documents):

``out = (n - 1) * stride - 2 * p + dilation * (k - 1) + output_padding + 1``

with ``p = 0`` for ``"valid"`` and ``p`` itself for an explicit whole number. ``"same"`` gives
``out = n * stride`` (TensorFlow's default output shape for ``padding="SAME"``) and its padding
is split like a SAME convolution's. ``output_padding`` (0 to ``stride - 1``) picks among the
input sizes a strided convolution maps to the same output size; it adds cells at the end.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cnndemo._checks import check_grad, conv_operands, whole
from cnndemo.conv import conv2d, conv2d_backward
from cnndemo.explain import axis

__all__ = [
    "ZeroInsertion",
    "conv_transpose1d",
    "conv_transpose1d_backward",
    "conv_transpose2d",
    "conv_transpose2d_backward",
    "conv_transpose_size",
    "transpose_steps",
    "zero_insertion",
]


def conv_transpose_size(
    n: int,
    k: int,
    stride: int = 1,
    padding: str | int = "valid",
    dilation: int = 1,
    output_padding: int = 0,
) -> int:
    """Output length of a transposed convolution along one axis (see the module docstring)."""
    return _axis_pads(n, k, stride, padding, dilation, output_padding)[0]


def _axis_pads(
    n: int, k: int, stride: int, padding: str | int, dilation: int, output_padding: int
) -> tuple[int, int, int]:
    """(result length, cells cropped before, cells cropped after) of the full spread."""
    n, k = whole(n, "input size"), whole(k, "kernel size")
    stride, dilation = whole(stride, "stride"), whole(dilation, "dilation")
    if isinstance(output_padding, bool) or not isinstance(output_padding, int | np.integer):
        raise ValueError(f"output_padding must be a whole number, got {output_padding!r}")
    if not 0 <= output_padding < stride:
        raise ValueError(
            f"output_padding must be in 0..{stride - 1} (less than the stride), got {output_padding}"
        )
    span = (k - 1) * dilation + 1
    full = (n - 1) * stride + span  # every cell some window of the convolution reads
    if padding == "same":
        if output_padding:
            raise ValueError("output_padding is only for 'valid' or explicit padding")
        length = n * stride
        plan = axis(length, k, stride, "same", dilation)
        before = plan.before
    elif padding == "valid" or (
        isinstance(padding, int | np.integer) and not isinstance(padding, bool) and padding >= 0
    ):
        before = 0 if padding == "valid" else int(padding)
        length = full - 2 * before + output_padding
    else:
        raise ValueError(f"padding must be 'valid', 'same' or a whole number >= 0, got {padding!r}")
    if length < 1:
        raise ValueError(
            f"padding {padding} crops all {full} cells of the transposed convolution away"
        )
    return length, before, full - before - length


def _prepare(y, kernel, stride, padding, dilation, output_padding, op, one_d):
    y, kernel, strides, dilations = conv_operands(y, kernel, stride, dilation, op, one_d, "out")
    if one_d:
        paddings, extras = ("valid", padding), (0, output_padding)
    else:
        paddings = padding if isinstance(padding, tuple | list) else (padding, padding)
        extras = (
            output_padding if isinstance(output_padding, tuple | list) else (output_padding,) * 2
        )
    if kernel.shape[3] != y.shape[3]:
        raise ValueError(
            f"kernel has {kernel.shape[3]} output channels, the transposed input has {y.shape[3]}"
        )
    plans = [
        _axis_pads(n, k, s, p, d, e)
        for n, k, s, p, d, e in zip(
            y.shape[1:3], kernel.shape[:2], strides, paddings, dilations, extras, strict=True
        )
    ]
    return y, kernel, strides, dilations, plans


@dataclass(frozen=True)
class ZeroInsertion:
    """A transposed convolution (or a convolution's input gradient) as "insert zeros, then
    convolve", every step kept so that a page can draw it.

    Shapes are 2D, ``(batch, rows, columns, channels)``; the 1D functions drop the rows axis
    (and the kernel's first axis).

    Attributes
    ----------
    spread : ndarray, shape (batch, (n_h - 1) s_y + 1, (n_w - 1) s_x + 1, out)
        ``y`` with ``stride - 1`` zero cells inserted between neighbouring cells.
    padded : ndarray
        ``spread`` with ``reach = (k - 1) d`` zero cells added on each side ("full" padding):
        every position where a kernel tap can still overlap a cell of ``spread``.
    flipped : ndarray, shape (k_h, k_w, out, in)
        The kernel turned round (taps in reverse order along each axis), input and output
        channels swapped.
    full : ndarray, shape (batch, (n_h - 1) s_y + span_h, (n_w - 1) s_x + span_w, in)
        The VALID convolution of ``padded`` with ``flipped`` (dilation ``d``): one cell for
        every input cell some window of the forward convolution reads, padding included.
    crop : tuple of (int, int)
        Cells cut from the start and the end of ``full`` along each axis; a negative count adds
        that many zero cells instead (input cells no window reads).
    result : ndarray
        ``full`` cropped: the transposed convolution.
    """

    spread: np.ndarray
    padded: np.ndarray
    flipped: np.ndarray
    full: np.ndarray
    crop: tuple[tuple[int, int], ...]
    result: np.ndarray

    def one_d(self) -> ZeroInsertion:
        """The same steps with the rows axis (of length 1) dropped: 1D shapes."""
        return ZeroInsertion(
            self.spread[:, 0], self.padded[:, 0], self.flipped[0], self.full[:, 0],
            self.crop[1:], self.result[:, 0],
        )  # fmt: skip


def zero_insertion(
    y: np.ndarray,
    kernel: np.ndarray,
    strides: tuple[int, int],
    dilations: tuple[int, int],
    crop: tuple[tuple[int, int], tuple[int, int]],
) -> ZeroInsertion:
    """Insert ``stride - 1`` zeros between the cells of ``y`` (batch, n_h, n_w, out), pad by the
    kernel's reach, convolve with the flipped, in/out-swapped ``kernel`` (k_h, k_w, in, out)
    at dilation ``dilations``, then cut ``crop`` cells (negative: add zeros) from each end."""
    batch, n_h, n_w, _ = y.shape
    (sy, sx), (dy, dx) = strides, dilations
    kh, kw = kernel.shape[:2]
    reach_y, reach_x = (kh - 1) * dy, (kw - 1) * dx
    padded = np.zeros(
        (batch, (n_h - 1) * sy + 1 + 2 * reach_y, (n_w - 1) * sx + 1 + 2 * reach_x, y.shape[3]),
        dtype=y.dtype,
    )
    padded[
        :, reach_y : reach_y + (n_h - 1) * sy + 1 : sy, reach_x : reach_x + (n_w - 1) * sx + 1 : sx
    ] = y
    spread = padded[:, reach_y : padded.shape[1] - reach_y, reach_x : padded.shape[2] - reach_x]
    flipped = kernel[::-1, ::-1].transpose(0, 1, 3, 2)
    full = conv2d(padded, flipped, 1, "valid", (dy, dx))
    (top, bottom), (left, right) = crop
    result = _crop(full, top, bottom, left, right)
    return ZeroInsertion(spread, padded, flipped, full, tuple(crop), result)


def _spread(y: np.ndarray, kernel: np.ndarray, strides, dilations, plans) -> np.ndarray:
    """The transposed convolution of prepared operands (``plans`` from ``_axis_pads``)."""
    crop = tuple((before, after) for _, before, after in plans)
    return zero_insertion(y, kernel, strides, dilations, crop).result


def _crop(full: np.ndarray, top: int, bottom: int, left: int, right: int) -> np.ndarray:
    """Cut ``top``/``bottom``/``left``/``right`` cells (a negative count adds zeros instead)."""
    pads = [(0, 0), (max(-top, 0), max(-bottom, 0)), (max(-left, 0), max(-right, 0)), (0, 0)]
    if any(a or b for a, b in pads):
        full = np.pad(full, pads)
    top, bottom, left, right = max(top, 0), max(bottom, 0), max(left, 0), max(right, 0)
    return np.ascontiguousarray(full[:, top : full.shape[1] - bottom, left : full.shape[2] - right])


def _as_conv_input(grad: np.ndarray, plans) -> np.ndarray:
    """The result-shaped gradient laid back on the full spread: the input of the convolution
    whose valid windows are exactly the transposed convolution's."""
    (_, top, bottom), (_, left, right) = plans
    return _crop(grad, -top, -bottom, -left, -right)


def conv_transpose2d(
    y: np.ndarray,
    kernel: np.ndarray,
    stride: int | tuple[int, int] = 1,
    padding: str | int | tuple = "valid",
    dilation: int | tuple[int, int] = 1,
    output_padding: int | tuple[int, int] = 0,
) -> np.ndarray:
    """2D transposed convolution (the adjoint of :func:`cnndemo.conv2d` with the same kernel).

    Parameters
    ----------
    y : ndarray, shape (batch, n_h, n_w, out)
    kernel : ndarray, shape (k_h, k_w, in, out)
        The convolution's own kernel layout.
    stride, dilation : int or (int, int)
    padding : "valid", "same", a whole number >= 0, or a (rows, columns) pair of these
    output_padding : int or (int, int)
        0 to stride - 1 extra cells at the end of each axis (not with "same").

    Returns
    -------
    ndarray, shape (batch, out_h, out_w, in)
        ``out_h = (n_h - 1) * s_y - 2 p + d_y (k_h - 1) + output_padding + 1``, likewise
        ``out_w`` (see the module docstring for "same").
    """
    prepared = _prepare(y, kernel, stride, padding, dilation, output_padding,
                        "conv_transpose2d", False)  # fmt: skip
    return _spread(*prepared)


def conv_transpose2d_backward(
    y: np.ndarray,
    kernel: np.ndarray,
    grad_out: np.ndarray,
    stride: int | tuple[int, int] = 1,
    padding: str | int | tuple = "valid",
    dilation: int | tuple[int, int] = 1,
    output_padding: int | tuple[int, int] = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Gradients of a loss through :func:`conv_transpose2d`.

    Returns
    -------
    grad_y : ndarray, shape of ``y``
        The convolution (forward, with the same kernel, stride and dilation) of ``grad_out``.
    grad_kernel : ndarray, shape of ``kernel``
        That convolution's kernel gradient with ``y`` as the upstream gradient.
    """
    y, kernel, strides, dilations, plans = _prepare(
        y, kernel, stride, padding, dilation, output_padding, "conv_transpose2d_backward", False
    )
    expected = (y.shape[0], plans[0][0], plans[1][0], kernel.shape[2])
    grad = _as_conv_input(check_grad(grad_out, expected, y.dtype), plans)
    grad_y = conv2d(grad, kernel, strides, "valid", dilations)
    _, grad_kernel = conv2d_backward(grad, kernel, y, strides, "valid", dilations)
    return grad_y, grad_kernel


def conv_transpose1d(
    y: np.ndarray,
    kernel: np.ndarray,
    stride: int = 1,
    padding: str | int = "valid",
    dilation: int = 1,
    output_padding: int = 0,
) -> np.ndarray:
    """1D transposed convolution: ``y`` (batch, n, out), ``kernel`` (k, in, out) ->
    (batch, (n - 1) * stride - 2 p + dilation (k - 1) + output_padding + 1, in)."""
    prepared = _prepare(y, kernel, stride, padding, dilation, output_padding,
                        "conv_transpose1d", True)  # fmt: skip
    return _spread(*prepared)[:, 0]


def conv_transpose1d_backward(
    y: np.ndarray,
    kernel: np.ndarray,
    grad_out: np.ndarray,
    stride: int = 1,
    padding: str | int = "valid",
    dilation: int = 1,
    output_padding: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Gradients through :func:`conv_transpose1d`: ``(grad_y, grad_kernel)``."""
    y, kernel, strides, dilations, plans = _prepare(
        y, kernel, stride, padding, dilation, output_padding, "conv_transpose1d_backward", True
    )
    expected = (y.shape[0], plans[1][0], kernel.shape[2])
    grad = _as_conv_input(check_grad(grad_out, expected, y.dtype)[:, None], plans)
    grad_y = conv2d(grad, kernel, strides, "valid", dilations)
    _, grad_kernel = conv2d_backward(grad, kernel, y, strides, "valid", dilations)
    return grad_y[:, 0], grad_kernel[0]


def transpose_steps(
    y: np.ndarray,
    kernel: np.ndarray,
    stride: int | tuple[int, int] = 1,
    padding: str | int | tuple = "valid",
    dilation: int | tuple[int, int] = 1,
    output_padding: int | tuple[int, int] = 0,
) -> ZeroInsertion:
    """:func:`conv_transpose1d` (``y`` of 3 axes) or :func:`conv_transpose2d` (4 axes), step by
    step: ``transpose_steps(...).result`` is the transposed convolution."""
    one_d = np.ndim(y) == 3
    op = "conv_transpose1d" if one_d else "conv_transpose2d"
    y, kernel, strides, dilations, plans = _prepare(
        y, kernel, stride, padding, dilation, output_padding, op, one_d
    )
    crop = tuple((before, after) for _, before, after in plans)
    steps = zero_insertion(y, kernel, strides, dilations, crop)
    return steps.one_d() if one_d else steps
