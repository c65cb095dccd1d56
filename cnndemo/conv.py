"""Convolution on channels-last NumPy arrays, with its gradients (fast paths).

Layout is TensorFlow's: a 1D input is ``(batch, width, channels)``, a 2D input
``(batch, height, width, channels)``; a 1D kernel is ``(k_width, in, out)``, a 2D kernel
``(k_h, k_w, in, out)``. Sizes and padding come from :mod:`cnndemo.explain` (see
:mod:`cnndemo.ops` for the rules); :mod:`cnndemo.reference` has the same operations as plain
loops. Every forward function has its gradient function right below it.
"""

from __future__ import annotations

import numpy as np

from cnndemo._blas import blas_threads
from cnndemo._checks import check_grad, check_padding, conv_operands
from cnndemo._scratch import arena, scratch
from cnndemo._spread import (
    Alloc,
    spread,
    spread_extended_pays,
    spread_pays,
    spread_phases,
    spread_rows,
    spread_rows_pays,
)
from cnndemo._windows import NARROW_CHANNELS, correlate, im2col_blocks, padded, tap_view
from cnndemo.explain import checked_axis

__all__ = ["conv1d", "conv1d_backward", "conv2d", "conv2d_backward", "input_grad_route"]

# ---------------------------------------------------------------------------------------------
# Shared 2D machinery (1D runs as 2D with height 1)


class _ConvPlan:
    """Checked shapes of one 2D convolution call."""

    __slots__ = ("x", "kernel", "out_h", "out_w", "steps", "pads")

    def __init__(self, x, kernel, stride, padding, dilation, op, one_d):
        x, kernel, (sy, sx), (dy, dx) = conv_operands(x, kernel, stride, dilation, op, one_d)
        if kernel.shape[2] != x.shape[3]:
            raise ValueError(
                f"kernel expects {kernel.shape[2]} input channels, input has {x.shape[3]}"
            )
        padding = check_padding(padding)
        _, height, width, _ = x.shape
        rows = checked_axis(height, kernel.shape[0], sy, padding, dy, "kernel", "height")
        cols = checked_axis(width, kernel.shape[1], sx, padding, dx, "kernel", "width")
        self.x, self.kernel = x, kernel
        self.out_h, self.out_w = rows.out, cols.out
        self.steps = (sy, sx, dy, dx)
        self.pads = (rows.before, rows.after, cols.before, cols.after)

    def padded(self) -> padded:
        """The zero-padded input, lent for a ``with`` block."""
        return padded(self.x, self.pads, 0.0)

    @property
    def padded_shape(self) -> tuple[int, int, int, int]:
        batch, height, width, channels = self.x.shape
        top, bottom, left, right = self.pads
        return batch, height + top + bottom, width + left + right, channels

    def multiply_adds(self) -> int:
        """Multiply-adds of the forward: one per kernel tap, input and output channel, output."""
        kh, kw, channels, out_channels = self.kernel.shape
        return self.x.shape[0] * self.out_h * self.out_w * kh * kw * channels * out_channels


def _conv_forward(plan: _ConvPlan) -> np.ndarray:
    with plan.padded() as grid:
        return correlate(grid, plan.kernel, plan.out_h, plan.out_w, plan.steps, choose_threads=True)


def _conv_backward(plan: _ConvPlan, grad_out: object) -> tuple[np.ndarray, np.ndarray]:
    batch, out_channels = plan.x.shape[0], plan.kernel.shape[3]
    grad = check_grad(grad_out, (batch, plan.out_h, plan.out_w, out_channels), plan.x.dtype)
    # Two products as large as the forward's: the input gradient and the kernel gradient.
    with blas_threads(2 * plan.multiply_adds()), plan.padded() as grid:
        return _input_grad(plan, grad, grid.shape), _kernel_grad(plan, grad, grid)


def _kernel_grad(plan: _ConvPlan, grad: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """``cols.T @ grad`` for the im2col ``cols`` of the forward, built block by block."""
    kh, kw, channels, out_channels = plan.kernel.shape
    out_h, out_w, steps = plan.out_h, plan.out_w, plan.steps
    grad_kernel = np.zeros((kh * kw * channels, out_channels), dtype=grad.dtype)
    for index, cols in im2col_blocks(grid, kh, kw, out_h, out_w, steps):
        grad_kernel += cols.T @ grad[index].reshape(-1, out_channels)
    return grad_kernel.reshape(plan.kernel.shape)


def _input_grad(plan: _ConvPlan, grad: np.ndarray, padded_shape: tuple[int, ...]) -> np.ndarray:
    """The transposed convolution of ``grad``: gradient of the loss with respect to ``x``."""
    kernel = plan.kernel
    kh, kw, _, _ = kernel.shape
    _, height, width, _ = plan.x.shape
    _, _, dy, dx = plan.steps
    top, _, left, _ = plan.pads
    route = input_grad_route(plan, padded_shape)
    if route == "spread":
        shifts = [(i, j, i * dy - top, j * dx - left) for i in range(kh) for j in range(kw)]
        return spread(grad, kernel, shifts)
    if not any(plan.pads):
        return _padded_grad(route, plan, grad, padded_shape, np.empty)
    # The gradient on the padded grid is only a step: a work buffer, cropped into a new array.
    with arena() as work:
        grad_padded = _padded_grad(route, plan, grad, padded_shape, work.empty)
        return grad_padded[:, top : top + height, left : left + width].copy()


def _padded_grad(
    route: str, plan: _ConvPlan, grad: np.ndarray, padded_shape: tuple[int, ...], alloc: Alloc
) -> np.ndarray:
    """The input gradient on the padded grid by ``route``, in an array from ``alloc``."""
    kernel = plan.kernel
    kh, kw, _, _ = kernel.shape
    sy, sx, dy, dx = plan.steps
    if route == "spread_phases":
        return spread_phases(grad, kernel, padded_shape, sy, sx, alloc)
    if route == "spread_rows":
        return spread_rows(grad, kernel, padded_shape, dy, alloc)
    if route == "spread_extended":
        shifts = [(i, j, i * dy, j * dx) for i in range(kh) for j in range(kw)]
        extension = (0, padded_shape[1] - plan.out_h, 0, padded_shape[2] - plan.out_w)
        with padded(grad, extension, 0.0) as extended:
            return spread(extended, kernel, shifts, alloc)
    if route == "correlate":
        # The "full" correlation of grad with the flipped, in/out-swapped kernel.
        span_y, span_x = (kh - 1) * dy, (kw - 1) * dx
        with padded(grad, (span_y, span_y, span_x, span_x), 0.0) as full:
            return correlate(
                full,
                kernel[::-1, ::-1].transpose(0, 1, 3, 2),
                padded_shape[1],
                padded_shape[2],
                (1, 1, dy, dx),
                alloc(padded_shape, grad.dtype),
            )
    return _col2im(plan, grad, padded_shape, alloc)


def input_grad_route(plan: _ConvPlan, padded_shape: tuple[int, ...]) -> str:
    """Which way ``_input_grad`` computes the input gradient, by what measured fastest.

    Strides above 1:

    - ``"spread_phases"``: no dilation and a kernel at least as large as the stride, so every
      phase of the padded grid gets a tap: one ``spread_rows`` per phase, when that pays.
    - ``"col2im"``: otherwise.

    Stride 1:

    - ``"spread"``: an output grid equal to the input grid ("same"): the taps spread straight
      onto the input; nothing padded is built or cropped.
    - ``"spread_rows"``: otherwise, when that pays (``_windows.spread_rows_pays``): the
      gradient zero-extended onto the padded grid and spread a kernel row at a time.
    - ``"spread_extended"``: the same a tap at a time, for one input channel or dilated
      columns, when that pays (``_windows.spread_extended_pays``).
    - ``"correlate"``: 4 or more input channels: the full correlation. Not for fewer: its
      matmul would be a thin matrix-vector product (2x slower than col2im).
    - ``"col2im"``: the rest.
    """
    _, height, width, _ = plan.x.shape
    kernel = plan.kernel
    channels, out_channels = kernel.shape[2:]
    sy, sx, dy, dx = plan.steps
    if (sy, sx) != (1, 1):
        fits = kernel.shape[0] >= sy and kernel.shape[1] >= sx
        if fits and (dy, dx) == (1, 1) and spread_rows_pays(kernel, dx):
            return "spread_phases"
        return "col2im"
    if (plan.out_h, plan.out_w) == (height, width) and spread_pays(kernel):
        return "spread"
    if spread_rows_pays(kernel, dx):
        return "spread_rows"
    if spread_extended_pays(padded_shape, plan.out_h, plan.out_w, out_channels):
        return "spread_extended"
    if channels >= NARROW_CHANNELS:
        return "correlate"
    return "col2im"


def _col2im(
    plan: _ConvPlan, grad: np.ndarray, padded_shape: tuple[int, ...], alloc: Alloc
) -> np.ndarray:
    """Each tap sends its share of the gradient back to the cells it read; taps overlap, so
    add. The column gradients are laid out tap-major so each tap's add reads one block."""
    kernel = plan.kernel
    kh, kw, channels, out_channels = kernel.shape
    out_h, out_w = plan.out_h, plan.out_w
    sy, sx, dy, dx = plan.steps
    flat_grad = grad.reshape(-1, out_channels)
    grad_padded = alloc(padded_shape, grad.dtype)
    grad_padded.fill(0)
    with scratch((kh * kw, flat_grad.shape[0], channels), grad.dtype) as grad_cols:
        if channels == 1:
            # One product for all taps; its rows are the taps, so each tap's block is
            # contiguous.
            np.matmul(kernel.reshape(kh * kw, out_channels), flat_grad.T, out=grad_cols[..., 0])
        else:
            # With 2 or more channels the layout above leaves every tap's add a gather across
            # channels (measured 4-5x slower at stride 1), so one matmul per tap instead.
            per_tap_kernel = kernel.reshape(kh * kw, channels, out_channels).transpose(0, 2, 1)
            np.matmul(flat_grad, per_tap_kernel, out=grad_cols)
        by_tap = grad_cols.reshape(kh, kw, *grad.shape[:3], channels)
        for i in range(kh):
            for j in range(kw):
                tap_view(grad_padded, i * dy, j * dx, out_h, out_w, sy, sx)[...] += by_tap[i, j]
    return grad_padded


def conv2d(
    x: np.ndarray,
    kernel: np.ndarray,
    stride: int | tuple[int, int] = 1,
    padding: str = "valid",
    dilation: int | tuple[int, int] = 1,
) -> np.ndarray:
    """2D convolution (cross-correlation, as in TensorFlow) of a batch of grids of vectors.

    ``out[b, y, x, o] = sum over i, j, c of
    padded[b, y * stride_y + i * dilation_y, x * stride_x + j * dilation_x, c] * kernel[i, j, c, o]``

    Parameters
    ----------
    x : ndarray, shape (batch, height, width, in)
        Input grids. Integer input is computed in float64.
    kernel : ndarray, shape (k_h, k_w, in, out)
        Filters; cast to the input's dtype.
    stride : int or (int, int)
        Step between windows, one number for both axes or ``(y, x)``.
    padding : {"valid", "same"}
        ``"valid"`` uses only full windows; ``"same"`` pads with zeros by TensorFlow's rule
        (see :func:`padding_amounts`).
    dilation : int or (int, int)
        Step between kernel taps inside a window.

    Returns
    -------
    ndarray, shape (batch, out_h, out_w, out)
        ``out_h = output_size(height, k_h, stride_y, padding, dilation_y)``, likewise ``out_w``;
        the dtype of ``x`` (float64 for integer input).

    Raises
    ------
    ValueError
        Wrong number of axes, empty arrays, channel mismatch, kernel larger than the input with
        valid padding, a stride or dilation that is not a whole number >= 1, unknown padding.

    Notes
    -----
    NaN or infinity in ``x`` or ``kernel`` spreads, by IEEE arithmetic, to every output whose
    window touches it (``inf * 0`` gives NaN).
    """
    return _conv_forward(_ConvPlan(x, kernel, stride, padding, dilation, "conv2d", False))


def conv2d_backward(
    x: np.ndarray,
    kernel: np.ndarray,
    grad_out: np.ndarray,
    stride: int | tuple[int, int] = 1,
    padding: str = "valid",
    dilation: int | tuple[int, int] = 1,
) -> tuple[np.ndarray, np.ndarray]:
    """Gradients of a loss through :func:`conv2d`.

    Parameters
    ----------
    x, kernel, stride, padding, dilation
        The forward call's arguments.
    grad_out : ndarray, shape (batch, out_h, out_w, out)
        Gradient of the loss with respect to the forward output.

    Returns
    -------
    grad_x : ndarray, shape (batch, height, width, in)
        ``sum over outputs of grad_out * kernel`` at every cell a window read (padding dropped).
    grad_kernel : ndarray, shape (k_h, k_w, in, out)
        ``sum over batch and positions of grad_out * the input cell each tap saw``.
    """
    plan = _ConvPlan(x, kernel, stride, padding, dilation, "conv2d_backward", False)
    return _conv_backward(plan, grad_out)


def conv1d(
    x: np.ndarray,
    kernel: np.ndarray,
    stride: int = 1,
    padding: str = "valid",
    dilation: int = 1,
) -> np.ndarray:
    """1D convolution (cross-correlation, as in TensorFlow) of a batch of sequences of vectors.

    ``out[b, t, o] = sum over j, c of padded[b, t * stride + j * dilation, c] * kernel[j, c, o]``

    Parameters
    ----------
    x : ndarray, shape (batch, width, in)
        Input sequences. Integer input is computed in float64.
    kernel : ndarray, shape (k_width, in, out)
        Filters; cast to the input's dtype.
    stride, dilation : int
        Step between windows, and between taps inside a window.
    padding : {"valid", "same"}
        As in :func:`conv2d`.

    Returns
    -------
    ndarray, shape (batch, out_width, out)
        ``out_width = output_size(width, k_width, stride, padding, dilation)``.

    Raises
    ------
    ValueError
        As :func:`conv2d`, for 3D input and kernel.

    Notes
    -----
    NaN and infinity spread by IEEE arithmetic, as in :func:`conv2d`.
    """
    plan = _ConvPlan(x, kernel, stride, padding, dilation, "conv1d", True)
    return _conv_forward(plan)[:, 0]


def conv1d_backward(
    x: np.ndarray,
    kernel: np.ndarray,
    grad_out: np.ndarray,
    stride: int = 1,
    padding: str = "valid",
    dilation: int = 1,
) -> tuple[np.ndarray, np.ndarray]:
    """Gradients of a loss through :func:`conv1d`.

    Parameters
    ----------
    x, kernel, stride, padding, dilation
        The forward call's arguments.
    grad_out : ndarray, shape (batch, out_width, out)
        Gradient of the loss with respect to the forward output.

    Returns
    -------
    grad_x : ndarray, shape (batch, width, in)
    grad_kernel : ndarray, shape (k_width, in, out)
    """
    plan = _ConvPlan(x, kernel, stride, padding, dilation, "conv1d_backward", True)
    expected = (plan.x.shape[0], plan.out_w, plan.kernel.shape[3])
    grad = check_grad(grad_out, expected, plan.x.dtype)[:, None]
    grad_x, grad_kernel = _conv_backward(plan, grad)
    return grad_x[:, 0], grad_kernel[0]
