"""Convolution and pooling on channels-last NumPy arrays, with their gradients.

Layout is TensorFlow's: a 1D input is ``(batch, width, channels)``, a 2D input
``(batch, height, width, channels)``; a 1D kernel is ``(k_width, in, out)``, a 2D kernel
``(k_h, k_w, in, out)``. Every forward function has its gradient function right below it.

Output size along one axis of length ``n`` for a window of ``k`` taps, stride ``s`` and
dilation ``d`` (the window then spans ``(k - 1) * d + 1`` cells):

- ``"valid"`` (no padding): ``out = floor((n - ((k - 1) * d + 1)) / s) + 1``
- ``"same"`` (TensorFlow's rule): ``out = ceil(n / s)``; the input is padded with
  ``max((out - 1) * s + (k - 1) * d + 1 - n, 0)`` cells in total, half before and the rest
  (the extra cell when the total is odd) after.

Numbers: float32 stays float32 (the fast path, with float32 matmuls) and float64 stays
float64; any other real input (integers, booleans, float16) is computed in float64. A kernel or
gradient of another dtype is cast to the input's. NaN and infinity follow IEEE arithmetic: they spread to every
output whose window (or kernel product) touches them.
"""

from __future__ import annotations

import numpy as np

from cnndemo._checks import (
    as_real,
    axis_plan,
    check_array,
    check_grad,
    check_kind,
    check_padding,
    pair,
    whole,
)
from cnndemo._windows import (
    NARROW_CHANNELS,
    correlate,
    im2col_blocks,
    pad,
    spread,
    spread_extended_pays,
    spread_pays,
    spread_phases,
    spread_rows,
    spread_rows_pays,
    tap_view,
    window_view,
)

__all__ = [
    "conv1d",
    "conv1d_backward",
    "conv2d",
    "conv2d_backward",
    "global_pool",
    "global_pool_backward",
    "output_size",
    "padding_amounts",
    "pool1d",
    "pool1d_backward",
    "pool2d",
    "pool2d_backward",
]

# ---------------------------------------------------------------------------------------------
# Argument checking and shape arithmetic


def output_size(n: int, k: int, stride: int = 1, padding: str = "valid", dilation: int = 1) -> int:
    """Length of a convolution or pooling output along one axis.

    Parameters
    ----------
    n : int
        Input length along the axis.
    k : int
        Window (kernel or pool) length along the axis.
    stride, dilation : int
        Step between windows, and between taps inside a window.
    padding : {"valid", "same"}
        ``"valid"``: ``floor((n - ((k - 1) * dilation + 1)) / stride) + 1``;
        ``"same"``: ``ceil(n / stride)``.

    Returns
    -------
    int
        The output length.
    """
    plan = _checked_axis_plan(n, k, stride, padding, dilation)
    return plan[0]


def _checked_axis_plan(n: int, k: int, stride: int, padding: str, dilation: int) -> tuple:
    """``axis_plan`` for one axis given by a caller, every argument checked first."""
    return axis_plan(
        whole(n, "input size"),
        whole(k, "window size"),
        whole(stride, "stride"),
        check_padding(padding),
        whole(dilation, "dilation"),
        "window",
        "size",
    )


def padding_amounts(
    n: int, k: int, stride: int = 1, padding: str = "valid", dilation: int = 1
) -> tuple[int, int]:
    """Cells added before and after one axis, by TensorFlow's rule.

    Parameters
    ----------
    n, k, stride, padding, dilation
        As in :func:`output_size`.

    Returns
    -------
    (before, after) : tuple of int
        ``(0, 0)`` for ``"valid"``. For ``"same"`` the total
        ``max((ceil(n / stride) - 1) * stride + (k - 1) * dilation + 1 - n, 0)`` is split with
        the extra cell at the end, so window ``i`` covers padded cells
        ``i * stride + j * dilation`` for ``j < k``, that is input index minus ``before``.
    """
    plan = _checked_axis_plan(n, k, stride, padding, dilation)
    return plan[1], plan[2]


# ---------------------------------------------------------------------------------------------
# Shared 2D machinery (1D runs as 2D with height 1)


class _ConvPlan:
    """Checked shapes of one 2D convolution call."""

    __slots__ = ("x", "kernel", "out_h", "out_w", "steps", "pads")

    def __init__(self, x, kernel, stride, padding, dilation, op, one_d):
        x = as_real(x, op)
        kernel = np.asarray(kernel)
        if kernel.dtype != x.dtype:
            kernel = as_real(kernel, op, "kernel").astype(x.dtype)
        if one_d:
            check_array(x, 3, op, "input", "batch, width, channels")
            check_array(kernel, 3, op, "kernel", "width, in, out")
            x, kernel = x[:, None], kernel[None]
            sy, sx = 1, whole(stride, "stride")
            dy, dx = 1, whole(dilation, "dilation")
        else:
            check_array(x, 4, op, "input", "batch, height, width, channels")
            check_array(kernel, 4, op, "kernel", "height, width, in, out")
            sy, sx = pair(stride, "stride")
            dy, dx = pair(dilation, "dilation")
        if kernel.shape[2] != x.shape[3]:
            raise ValueError(
                f"kernel expects {kernel.shape[2]} input channels, input has {x.shape[3]}"
            )
        padding = check_padding(padding)
        _, height, width, _ = x.shape
        out_h, top, bottom = axis_plan(height, kernel.shape[0], sy, padding, dy, "kernel", "height")
        out_w, left, right = axis_plan(width, kernel.shape[1], sx, padding, dx, "kernel", "width")
        self.x, self.kernel = x, kernel
        self.out_h, self.out_w = out_h, out_w
        self.steps = (sy, sx, dy, dx)
        self.pads = (top, bottom, left, right)

    def padded(self) -> np.ndarray:
        return pad(self.x, *self.pads, 0.0)


def _conv_forward(plan: _ConvPlan) -> np.ndarray:
    return correlate(plan.padded(), plan.kernel, plan.out_h, plan.out_w, plan.steps)


def _conv_backward(plan: _ConvPlan, grad_out: object) -> tuple[np.ndarray, np.ndarray]:
    batch, out_channels = plan.x.shape[0], plan.kernel.shape[3]
    grad = check_grad(grad_out, (batch, plan.out_h, plan.out_w, out_channels), plan.x.dtype)
    padded = plan.padded()
    return _input_grad(plan, grad, padded.shape), _kernel_grad(plan, grad, padded)


def _kernel_grad(plan: _ConvPlan, grad: np.ndarray, padded: np.ndarray) -> np.ndarray:
    """``cols.T @ grad`` for the im2col ``cols`` of the forward, built block by block."""
    kh, kw, channels, out_channels = plan.kernel.shape
    out_h, out_w, steps = plan.out_h, plan.out_w, plan.steps
    grad_kernel = np.zeros((kh * kw * channels, out_channels), dtype=grad.dtype)
    for index, cols in im2col_blocks(padded, kh, kw, out_h, out_w, steps):
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
    if route == "spread_phases":
        grad_padded = spread_phases(grad, kernel, padded_shape, *plan.steps[:2])
    elif route == "spread_rows":
        grad_padded = spread_rows(grad, kernel, padded_shape, dy)
    elif route == "spread_extended":
        shifts = [(i, j, i * dy, j * dx) for i in range(kh) for j in range(kw)]
        extended = pad(grad, 0, padded_shape[1] - plan.out_h, 0, padded_shape[2] - plan.out_w, 0.0)
        grad_padded = spread(extended, kernel, shifts)
    elif route == "correlate":
        # The "full" correlation of grad with the flipped, in/out-swapped kernel.
        span_y, span_x = (kh - 1) * dy, (kw - 1) * dx
        grad_padded = correlate(
            pad(grad, span_y, span_y, span_x, span_x, 0.0),
            kernel[::-1, ::-1].transpose(0, 1, 3, 2),
            padded_shape[1],
            padded_shape[2],
            (1, 1, dy, dx),
        )
    else:
        grad_padded = _col2im(plan, grad, padded_shape)
    if any(plan.pads):
        return np.ascontiguousarray(grad_padded[:, top : top + height, left : left + width])
    return grad_padded


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


def _col2im(plan: _ConvPlan, grad: np.ndarray, padded_shape: tuple[int, ...]) -> np.ndarray:
    """Each tap sends its share of the gradient back to the cells it read; taps overlap, so
    add. The column gradients are laid out tap-major so each tap's add reads one block."""
    kernel = plan.kernel
    kh, kw, channels, out_channels = kernel.shape
    out_h, out_w = plan.out_h, plan.out_w
    sy, sx, dy, dx = plan.steps
    flat_grad = grad.reshape(-1, out_channels)
    if channels == 1:
        # One product for all taps; its rows are the taps, so each tap's block is contiguous.
        grad_cols = (kernel.reshape(kh * kw, out_channels) @ flat_grad.T).reshape(
            kh, kw, *grad.shape[:3], 1
        )
    else:
        # With 2 or more channels the layout above leaves every tap's add a gather across
        # channels (measured 4-5x slower at stride 1), so one matmul per tap instead.
        per_tap_kernel = kernel.reshape(kh * kw, channels, out_channels).transpose(0, 2, 1)
        grad_cols = np.matmul(flat_grad, per_tap_kernel).reshape(kh, kw, *grad.shape[:3], channels)
    grad_padded = np.zeros(padded_shape, dtype=grad.dtype)
    for i in range(kh):
        for j in range(kw):
            tap_view(grad_padded, i * dy, j * dx, out_h, out_w, sy, sx)[...] += grad_cols[i, j]
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


# ---------------------------------------------------------------------------------------------
# Pooling

# Padded cells hold the value that can never win: -inf for max, +inf for min, 0 for a sum
# (the mean then divides by the number of real cells only).
_FILL = {"max": -np.inf, "min": np.inf, "avg": 0.0}


class _PoolPlan:
    """Checked shapes of one 2D pooling call."""

    __slots__ = ("x", "kind", "kh", "kw", "sy", "sx", "out_h", "out_w", "pads")

    def __init__(self, x, size, stride, kind, padding, op, one_d):
        x = as_real(x, op)
        if one_d:
            check_array(x, 3, op, "input", "batch, width, channels")
            x = x[:, None]
            kh, kw = 1, whole(size, "pool size")
            sy, sx = 1, kw if stride is None else whole(stride, "stride")
        else:
            check_array(x, 4, op, "input", "batch, height, width, channels")
            kh, kw = pair(size, "pool size")
            sy, sx = (kh, kw) if stride is None else pair(stride, "stride")
        self.kind = check_kind(kind)
        padding = check_padding(padding)
        _, height, width, _ = x.shape
        out_h, top, bottom = axis_plan(height, kh, sy, padding, 1, "pool", "height")
        out_w, left, right = axis_plan(width, kw, sx, padding, 1, "pool", "width")
        self.x, self.kh, self.kw, self.sy, self.sx = x, kh, kw, sy, sx
        self.out_h, self.out_w, self.pads = out_h, out_w, (top, bottom, left, right)

    def counts(self) -> np.ndarray:
        """Real (unpadded) cells in each window, shape (out_h, out_w, 1)."""
        top, _, left, _ = self.pads
        _, height, width, _ = self.x.shape
        rows = _real_counts(height, self.kh, self.sy, self.out_h, top)
        cols = _real_counts(width, self.kw, self.sx, self.out_w, left)
        return (rows[:, None] * cols[None, :])[:, :, None].astype(self.x.dtype)


def _real_counts(n: int, k: int, stride: int, out: int, before: int) -> np.ndarray:
    start = np.arange(out) * stride - before
    return np.minimum(start + k, n) - np.maximum(start, 0)


def _pool_forward(plan: _PoolPlan) -> np.ndarray:
    padded = pad(plan.x, *plan.pads, _FILL[plan.kind])
    combine = {"max": np.maximum, "min": np.minimum, "avg": np.add}[plan.kind]
    out = None
    # Reducing tap by tap over strided views keeps channels contiguous, which is faster than
    # reducing a window view over its two small inner axes.
    for i in range(plan.kh):
        for j in range(plan.kw):
            tap = tap_view(padded, i, j, plan.out_h, plan.out_w, plan.sy, plan.sx)
            if out is None:
                out = tap.copy()
            else:
                combine(out, tap, out=out)
    if plan.kind == "avg":
        out /= plan.counts()
    return out


def _pool_backward(plan: _PoolPlan, grad_out: object) -> np.ndarray:
    x, kh, kw, sy, sx = plan.x, plan.kh, plan.kw, plan.sy, plan.sx
    out_h, out_w = plan.out_h, plan.out_w
    grad = check_grad(grad_out, (x.shape[0], out_h, out_w, x.shape[3]), x.dtype)
    padded = pad(x, *plan.pads, _FILL[plan.kind])
    grad_padded = np.zeros(padded.shape, dtype=x.dtype)
    if plan.kind == "avg":
        share = grad / plan.counts()
        for i in range(kh):
            for j in range(kw):
                tap_view(grad_padded, i, j, out_h, out_w, sy, sx)[...] += share
    else:
        windows = window_view(padded, out_h, out_w, kh, kw, sy, sx, 1, 1)
        flat = windows.reshape(x.shape[0], out_h, out_w, kh * kw, x.shape[3])
        # argmax/argmin return the first winner in window (row-major) order, and the first NaN
        # when there is one, matching the NaN the forward pass returns.
        winner = (np.argmax if plan.kind == "max" else np.argmin)(flat, axis=3)
        if any(plan.pads):
            winner = _skip_padded_winners(plan, padded.shape[1:3], winner)
        for i in range(kh):
            for j in range(kw):
                hit = np.where(winner == i * kw + j, grad, 0)
                tap_view(grad_padded, i, j, out_h, out_w, sy, sx)[...] += hit
    top, _, left, _ = plan.pads
    _, height, width, _ = x.shape
    return np.ascontiguousarray(grad_padded[:, top : top + height, left : left + width])


def _skip_padded_winners(
    plan: _PoolPlan, padded_shape: tuple[int, int], winner: np.ndarray
) -> np.ndarray:
    """A padded cell only ties for the win when every real cell equals -inf (max) or +inf
    (min); the output then came from the first real cell, so the gradient goes there."""
    top, _, left, _ = plan.pads
    _, height, width, _ = plan.x.shape
    is_pad = np.ones((1, *padded_shape, 1), dtype=bool)
    is_pad[:, top : top + height, left : left + width] = False
    pad_windows = window_view(
        is_pad, plan.out_h, plan.out_w, plan.kh, plan.kw, plan.sy, plan.sx, 1, 1
    )
    pad_windows = pad_windows.reshape(plan.out_h, plan.out_w, plan.kh * plan.kw)
    first_real = np.argmin(pad_windows, axis=2)[None, :, :, None]
    rows = np.arange(plan.out_h)[None, :, None, None]
    cols = np.arange(plan.out_w)[None, None, :, None]
    chose_pad = pad_windows[rows, cols, winner]
    return np.where(chose_pad, first_real, winner)


def pool2d(
    x: np.ndarray,
    size: int | tuple[int, int],
    stride: int | tuple[int, int] | None = None,
    kind: str = "max",
    padding: str = "valid",
) -> np.ndarray:
    """2D pooling: each window of every channel becomes its max, min or mean.

    Parameters
    ----------
    x : ndarray, shape (batch, height, width, channels)
        Input grids. Integer input is computed in float64.
    size : int or (int, int)
        Window height and width.
    stride : int or (int, int), optional
        Step between windows; defaults to ``size`` (windows side by side, no overlap).
    kind : {"max", "min", "avg"}
        The reduction over each window.
    padding : {"valid", "same"}
        ``"same"`` pads by TensorFlow's rule; padded cells never win a max or min and are left
        out of a mean (it divides by the number of real cells in the window).

    Returns
    -------
    ndarray, shape (batch, out_h, out_w, channels)
        ``out_h = output_size(height, size_y, stride_y, padding)``, likewise ``out_w``.

    Notes
    -----
    A window holding NaN gives NaN for every kind; infinities follow IEEE arithmetic.
    """
    return _pool_forward(_PoolPlan(x, size, stride, kind, padding, "pool2d", False))


def pool2d_backward(
    x: np.ndarray,
    grad_out: np.ndarray,
    size: int | tuple[int, int],
    stride: int | tuple[int, int] | None = None,
    kind: str = "max",
    padding: str = "valid",
) -> np.ndarray:
    """Gradient of a loss through :func:`pool2d`.

    Parameters
    ----------
    x, size, stride, kind, padding
        The forward call's arguments.
    grad_out : ndarray, shape (batch, out_h, out_w, channels)
        Gradient of the loss with respect to the forward output.

    Returns
    -------
    ndarray, shape (batch, height, width, channels)
        For max and min each window's gradient goes to its winning cell; on a tie, to the first
        winner in window order (row by row), and to the first NaN of a window holding NaN. For
        avg it is shared equally among the window's real cells. Overlapping windows add up.
    """
    return _pool_backward(
        _PoolPlan(x, size, stride, kind, padding, "pool2d_backward", False), grad_out
    )


def pool1d(
    x: np.ndarray,
    size: int,
    stride: int | None = None,
    kind: str = "max",
    padding: str = "valid",
) -> np.ndarray:
    """1D pooling: each window of every channel becomes its max, min or mean.

    Parameters
    ----------
    x : ndarray, shape (batch, width, channels)
    size : int
        Window width.
    stride : int, optional
        Step between windows; defaults to ``size``.
    kind, padding
        As in :func:`pool2d`.

    Returns
    -------
    ndarray, shape (batch, out_width, channels)
        ``out_width = output_size(width, size, stride, padding)``.

    Notes
    -----
    A window holding NaN gives NaN for every kind; infinities follow IEEE arithmetic.
    """
    return _pool_forward(_PoolPlan(x, size, stride, kind, padding, "pool1d", True))[:, 0]


def pool1d_backward(
    x: np.ndarray,
    grad_out: np.ndarray,
    size: int,
    stride: int | None = None,
    kind: str = "max",
    padding: str = "valid",
) -> np.ndarray:
    """Gradient of a loss through :func:`pool1d`.

    Parameters
    ----------
    x, size, stride, kind, padding
        The forward call's arguments.
    grad_out : ndarray, shape (batch, out_width, channels)

    Returns
    -------
    ndarray, shape (batch, width, channels)
        Routed as in :func:`pool2d_backward` (ties: first winner from the left).
    """
    plan = _PoolPlan(x, size, stride, kind, padding, "pool1d_backward", True)
    expected = (plan.x.shape[0], plan.out_w, plan.x.shape[3])
    grad = check_grad(grad_out, expected, plan.x.dtype)[:, None]
    return _pool_backward(plan, grad)[:, 0]


def _check_global(x: object, kind: object, op: str) -> tuple[np.ndarray, str]:
    array = as_real(x, op)
    if array.ndim < 3:
        raise ValueError(
            f"{op} expects an input (batch, ..., channels) with at least one position axis, "
            f"got shape {tuple(array.shape)}"
        )
    if array.size == 0:
        raise ValueError(
            f"{op} got an empty input of shape {tuple(array.shape)}; "
            "every axis needs at least one element"
        )
    return array, check_kind(kind)


def global_pool(x: np.ndarray, kind: str = "max") -> np.ndarray:
    """Pool every channel over all positions.

    Parameters
    ----------
    x : ndarray, shape (batch, ..., channels)
        Any number (at least one) of position axes between batch and channels.
    kind : {"max", "min", "avg"}

    Returns
    -------
    ndarray, shape (batch, channels)

    Notes
    -----
    Max acts as an ANY over positions (is the feature present somewhere?), min as an ALL.
    NaN anywhere in a channel gives NaN for that channel.
    """
    array, kind = _check_global(x, kind, "global_pool")
    flat = array.reshape(array.shape[0], -1, array.shape[-1])
    if kind == "max":
        return flat.max(axis=1)
    if kind == "min":
        return flat.min(axis=1)
    return flat.mean(axis=1)


def global_pool_backward(x: np.ndarray, grad_out: np.ndarray, kind: str = "max") -> np.ndarray:
    """Gradient of a loss through :func:`global_pool`.

    Parameters
    ----------
    x, kind
        The forward call's arguments.
    grad_out : ndarray, shape (batch, channels)

    Returns
    -------
    ndarray, shape of ``x``
        Max/min: all to the first winning position in row-major order (the first NaN if any);
        avg: shared equally among the positions.
    """
    array, kind = _check_global(x, kind, "global_pool_backward")
    batch, channels = array.shape[0], array.shape[-1]
    grad = check_grad(grad_out, (batch, channels), array.dtype)
    flat = array.reshape(batch, -1, channels)
    if kind == "avg":
        grad_flat = np.broadcast_to(grad[:, None] / flat.shape[1], flat.shape).copy()
    else:
        winner = (np.argmax if kind == "max" else np.argmin)(flat, axis=1)
        grad_flat = np.zeros_like(flat)
        np.put_along_axis(grad_flat, winner[:, None], grad[:, None], axis=1)
    return grad_flat.reshape(array.shape)
