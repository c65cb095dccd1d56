"""Network layers with their forward pass and gradient rule side by side.

Each layer is a small class. ``forward`` caches exactly what ``backward`` needs; ``backward``
takes the gradient of the loss with respect to the layer's output, writes the gradients of the
layer's parameters into ``grads`` (in place, so a model can keep all gradients in one flat
buffer) and returns the gradient with respect to the input (``None`` when ``input_grad`` is
False, which models set on their first layer: nobody needs the gradient of the data).

Layout is TensorFlow's, channels last: 1D activations are (batch, width, channels), 2D ones
(batch, height, width, channels), 1D kernels (k_w, in, out), 2D kernels (k_h, k_w, in, out).

The layers run thousands of tiny full-batch steps, so their cost is Python and NumPy call
overhead, not arithmetic. That is why convolution is lowered once per input shape to a 0/1
matrix (im2col as a matmul, which also handles padding and dilation for free) and why nothing
is re-validated inside ``forward``/``backward``. ``cnndemo.ops`` stays the general-purpose
reference implementation; the tests check these layers against it.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from cnndemo import ops

__all__ = [
    "ACTIVATIONS",
    "POOL_KINDS",
    "Conv1D",
    "Conv2D",
    "Dense",
    "Embedding",
    "Flatten",
    "GlobalPool",
    "Layer",
    "Pool2D",
    "ReLU",
    "Sigmoid",
    "Tanh",
    "make_activation",
    "sigmoid",
    "sigmoid_cross_entropy",
]

POOL_KINDS = ("max", "min", "avg")

# Above this many entries (float64: 8 bytes each) the lowering matrix of a convolution is not
# worth its memory, and the layer falls back to the general cnndemo.ops functions.
_MAX_LOWERING_ENTRIES = 4_000_000


class Layer:
    """Base class: a layer with named parameters and same-shaped gradient arrays.

    Attributes
    ----------
    params : dict[str, ndarray]
        Trainable arrays by name (``"kernel"``, ``"bias"``, ``"weights"``).
    grads : dict[str, ndarray]
        Gradients of the loss, same names and shapes as ``params``; filled by ``backward``.
    input_grad : bool
        Whether ``backward`` computes the gradient with respect to the input.
    """

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.input_grad = True

    def _add_param(self, name: str, value: np.ndarray) -> None:
        self.params[name] = np.array(value, dtype=np.float64)
        self.grads[name] = np.zeros_like(self.params[name])

    def forward(self, x: np.ndarray) -> np.ndarray:  # pragma: no cover - interface
        raise NotImplementedError

    def backward(self, grad_out: np.ndarray) -> np.ndarray | None:  # pragma: no cover
        raise NotImplementedError

    def __repr__(self) -> str:
        shapes = ", ".join(f"{k}={tuple(v.shape)}" for k, v in self.params.items())
        return f"{type(self).__name__}({shapes})"


# ---------------------------------------------------------------------------------------------
# Embedding


class Embedding(Layer):
    """Token ids -> vectors: a lookup into a trainable (vocab, size) matrix.

    Parameters
    ----------
    weights : ndarray, shape (vocab, size)
        Initial embedding matrix.

    Forward: ids (batch, length) int -> (batch, length, size).
    Backward returns None: ids are not differentiable.
    """

    def __init__(self, weights: np.ndarray) -> None:
        super().__init__()
        self._add_param("weights", weights)
        self.input_grad = False
        self._eye = np.eye(self.params["weights"].shape[0])

    def forward(self, ids: np.ndarray) -> np.ndarray:
        # The lookup as a one-hot matmul: the same one-hot matrix then gives the gradient,
        # where rows of a repeated token must add up, in one BLAS call (np.add.at is an order
        # of magnitude slower on small arrays).
        self._one_hot = self._eye[ids.reshape(-1)]
        out = np.dot(self._one_hot, self.params["weights"])
        return out.reshape(*ids.shape, out.shape[-1])

    def backward(self, grad_out: np.ndarray) -> None:
        size = self.params["weights"].shape[1]
        np.dot(self._one_hot.T, grad_out.reshape(-1, size), out=self.grads["weights"])
        return None


# ---------------------------------------------------------------------------------------------
# Convolution


def _lowering(
    spatial: tuple[int, ...],
    kernel_spatial: tuple[int, ...],
    channels: int,
    stride: tuple[int, ...],
    padding: str,
    dilation: tuple[int, ...],
) -> tuple[tuple[int, ...], np.ndarray] | tuple[tuple[int, ...], None]:
    """Build the 0/1 matrix that gathers every kernel window of a flattened input.

    Parameters
    ----------
    spatial : tuple of int
        Input size per spatial axis, e.g. (height, width) or (width,).
    kernel_spatial : tuple of int
        Kernel size per spatial axis.
    channels : int
        Input channels.
    stride, dilation : tuple of int
        Per spatial axis.
    padding : {"valid", "same"}
        TensorFlow's rule (the extra padding element goes at the end).

    Returns
    -------
    out_spatial : tuple of int
        Output size per spatial axis.
    gather : ndarray, shape (positions * window, inputs) or None
        ``cols = x_flat @ gather.T`` has one row per output position and kernel element (in the
        kernel's row-major order, channels last); padded elements have all-zero rows. None when
        the matrix would be too large (the caller then uses cnndemo.ops).
    """
    out_spatial, starts = [], []
    for n, k, s, d in zip(spatial, kernel_spatial, stride, dilation, strict=True):
        # Both raise a ValueError naming the sizes when the kernel does not fit.
        out = ops.output_size(n, k, s, padding, d)
        before = ops.padding_amounts(n, k, s, padding, d)[0]
        out_spatial.append(out)
        # Input coordinate of each (output position, kernel offset) pair along this axis.
        starts.append(np.arange(out)[:, None] * s + np.arange(k)[None, :] * d - before)
    positions = math.prod(out_spatial)
    window = math.prod(kernel_spatial) * channels
    inputs = math.prod(spatial) * channels
    if positions * window * inputs > _MAX_LOWERING_ENTRIES:
        return tuple(out_spatial), None
    # Broadcast the per-axis coordinates to (out_0, ..., k_0, ..., channels) in the row order
    # cols uses: output position major, then kernel offset, then channel.
    nd = len(spatial)
    valid = np.ones((1,) * (2 * nd), dtype=bool)
    flat = np.zeros((1,) * (2 * nd), dtype=np.int64)
    for axis, (coords, n) in enumerate(zip(starts, spatial, strict=True)):
        shape = [1] * (2 * nd)
        shape[axis], shape[nd + axis] = coords.shape
        c = coords.reshape(shape)
        valid = valid & (c >= 0) & (c < n)
        flat = flat * n + c
    valid = np.broadcast_to(valid, (*out_spatial, *kernel_spatial))
    flat = np.broadcast_to(flat, valid.shape)
    rows = np.arange(positions * math.prod(kernel_spatial))
    cols = flat.reshape(-1)
    keep = valid.reshape(-1)
    gather = np.zeros((positions * window, inputs))
    chan = np.arange(channels)
    gather[
        (rows[keep][:, None] * channels + chan).reshape(-1),
        (cols[keep][:, None] * channels + chan).reshape(-1),
    ] = 1.0
    return tuple(out_spatial), gather


class _ConvPlan(NamedTuple):
    """Everything a convolution needs for one input shape, computed once."""

    x: tuple[int, ...]  # the input shape
    flat_in: tuple[int, int]  # (batch, inputs): the input with its elements in one row
    cols: tuple[int, int]  # (batch * positions, window): one row per output position
    flat_cols: tuple[int, int]  # (batch, positions * window)
    out: tuple[int, ...]  # (batch, *out_spatial, out_channels)
    gather_t: np.ndarray | None  # (inputs, positions * window), None: fall back to ops
    gather: np.ndarray | None  # (positions * window, inputs)
    ones: np.ndarray  # (batch * positions,): summing rows by np.dot beats np.sum on tiny arrays


class _Conv(Layer):
    """Shared body of Conv1D and Conv2D: y = conv(x, kernel) + bias."""

    _nd = 0

    def __init__(
        self,
        kernel: np.ndarray,
        bias: np.ndarray | None = None,
        stride: int | Sequence[int] = 1,
        padding: str = "valid",
        dilation: int | Sequence[int] = 1,
    ) -> None:
        super().__init__()
        kernel = np.asarray(kernel, dtype=np.float64)
        if kernel.ndim != self._nd + 2:
            raise ValueError(
                f"{type(self).__name__} kernel must have {self._nd + 2} axes "
                f"({'k_h, k_w' if self._nd == 2 else 'k_w'}, in, out); got shape {kernel.shape}"
            )
        out_channels = kernel.shape[-1]
        self._add_param("kernel", kernel)
        self._add_param("bias", np.zeros(out_channels) if bias is None else bias)
        if self.params["bias"].shape != (out_channels,):
            raise ValueError(
                f"bias must have shape ({out_channels},), one per output channel; "
                f"got {self.params['bias'].shape}"
            )
        self.stride = _tuple(stride, self._nd, "stride")
        self.dilation = _tuple(dilation, self._nd, "dilation")
        if padding not in ("valid", "same"):
            raise ValueError(f"padding must be 'valid' or 'same'; got {padding!r}")
        self.padding = padding
        self._plans: dict[tuple[int, ...], _ConvPlan] = {}
        self._matrix_sources: tuple[np.ndarray, np.ndarray] | None = None

    @property
    def kernel_size(self) -> tuple[int, ...]:
        return tuple(self.params["kernel"].shape[: self._nd])

    def _plan(self, shape: tuple[int, ...]) -> _ConvPlan:
        plan = self._plans.get(shape)
        if plan is None:
            kernel = self.params["kernel"]
            batch, spatial, channels = shape[0], shape[1:-1], shape[-1]
            if channels != kernel.shape[-2]:
                raise ValueError(
                    f"input has {channels} channels but the kernel expects {kernel.shape[-2]}"
                )
            out_spatial, gather = _lowering(
                spatial, self.kernel_size, channels, self.stride, self.padding, self.dilation
            )
            positions, window = math.prod(out_spatial), kernel[..., 0].size
            plan = _ConvPlan(
                x=tuple(shape),
                flat_in=(batch, math.prod(spatial) * channels),
                cols=(batch * positions, window),
                flat_cols=(batch, positions * window),
                out=(batch, *out_spatial, kernel.shape[-1]),
                gather_t=None if gather is None else np.ascontiguousarray(gather.T),
                gather=gather,
                ones=_ones(batch * positions),
            )
            self._plans[shape] = plan
        return plan

    def _matrices(self) -> tuple[np.ndarray, np.ndarray]:
        """The kernel and its gradient as (window, out) matrices (views, cached)."""
        kernel, grad = self.params["kernel"], self.grads["kernel"]
        if (
            self._matrix_sources is None
            or self._matrix_sources[0] is not kernel
            or (self._matrix_sources[1] is not grad)
        ):
            # A model rebinds params/grads to views of its flat buffers once; re-derive then.
            self._matrix_sources = (kernel, grad)
            shape = (-1, kernel.shape[-1])
            self._kernel_2d, self._grad_2d = kernel.reshape(shape), grad.reshape(shape)
        return self._kernel_2d, self._grad_2d

    def window_response(self, windows: np.ndarray) -> np.ndarray:
        """Pre-activation output for inputs exactly one kernel window in size.

        Parameters
        ----------
        windows : ndarray, shape (n, *kernel_spatial, in)

        Returns
        -------
        ndarray, shape (n, out)
        """
        kernel_2d = self._matrices()[0]
        return np.dot(windows.reshape(len(windows), -1), kernel_2d) + self.params["bias"]

    def forward(self, x: np.ndarray) -> np.ndarray:
        plan = self._plans.get(x.shape) or self._plan(x.shape)
        self._plan_used = plan
        if plan.gather_t is None:
            self._x = x
            kernel = self.params["kernel"]
            out = self._op(x, kernel, self.stride, self.padding, self.dilation)
            return out + self.params["bias"]
        # cols: one row per (example, output position), one column per kernel element.
        self._cols = np.dot(x.reshape(plan.flat_in), plan.gather_t).reshape(plan.cols)
        out = np.dot(self._cols, self._matrices()[0])
        out += self.params["bias"]
        return out.reshape(plan.out)

    def backward(self, grad_out: np.ndarray) -> np.ndarray | None:
        plan = self._plan_used
        if plan.gather_t is None:
            grad_x, grad_kernel = self._op_backward(
                self._x, self.params["kernel"], grad_out, self.stride, self.padding, self.dilation
            )
            self.grads["kernel"][...] = grad_kernel
            self.grads["bias"][...] = grad_out.reshape(-1, grad_out.shape[-1]).sum(axis=0)
            return grad_x if self.input_grad else None
        kernel_2d, grad_kernel_2d = self._matrices()
        g = grad_out.reshape(plan.cols[0], -1)
        np.dot(plan.ones, g, out=self.grads["bias"])
        np.dot(self._cols.T, g, out=grad_kernel_2d)
        if not self.input_grad:
            return None
        # Each column of cols came from one input element (or from padding): the transposed
        # gather matrix sends every window gradient back and sums overlaps.
        grad_cols = np.dot(g, kernel_2d.T).reshape(plan.flat_cols)
        return np.dot(grad_cols, plan.gather).reshape(plan.x)


class Conv1D(_Conv):
    """1D convolution layer: (batch, width, in) -> (batch, out_width, out).

    Parameters
    ----------
    kernel : ndarray, shape (k_w, in, out)
    bias : ndarray, shape (out,), optional
        One bias per output channel; zeros when omitted.
    stride, dilation : int
    padding : {"valid", "same"}
        Output width is ``cnndemo.ops.output_size(width, k_w, stride, padding, dilation)``:
        floor((width - (k_w - 1) * dilation - 1) / stride) + 1 for VALID, ceil(width / stride)
        for SAME.
    """

    _nd = 1

    @staticmethod
    def _op(x, kernel, stride, padding, dilation):
        return ops.conv1d(x, kernel, stride[0], padding, dilation[0])

    @staticmethod
    def _op_backward(x, kernel, grad_out, stride, padding, dilation):
        return ops.conv1d_backward(x, kernel, grad_out, stride[0], padding, dilation[0])


class Conv2D(_Conv):
    """2D convolution layer: (batch, height, width, in) -> (batch, out_h, out_w, out).

    Parameters
    ----------
    kernel : ndarray, shape (k_h, k_w, in, out)
    bias : ndarray, shape (out,), optional
        One bias per output channel; zeros when omitted.
    stride, dilation : int or (int, int)
        Per (row, column).
    padding : {"valid", "same"}
        Output size per axis as for :class:`Conv1D`.
    """

    _nd = 2

    @staticmethod
    def _op(x, kernel, stride, padding, dilation):
        return ops.conv2d(x, kernel, stride, padding, dilation)

    @staticmethod
    def _op_backward(x, kernel, grad_out, stride, padding, dilation):
        return ops.conv2d_backward(x, kernel, grad_out, stride, padding, dilation)


def _tuple(value: int | Sequence[int], n: int, name: str) -> tuple[int, ...]:
    values = (value,) * n if np.isscalar(value) else tuple(value)
    if len(values) != n or not all(isinstance(v, int | np.integer) and v >= 1 for v in values):
        raise ValueError(f"{name} must be {n} positive integer(s); got {value!r}")
    return tuple(int(v) for v in values)


# ---------------------------------------------------------------------------------------------
# Activations


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic function, overflow-free for any input (via tanh), same shape as ``x``."""
    y = np.tanh(x * 0.5)
    y *= 0.5
    y += 0.5
    return y


class Sigmoid(Layer):
    """y = 1 / (1 + exp(-x)), elementwise; dy/dx = y (1 - y)."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._y = sigmoid(x)
        return self._y

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        y = self._y
        return grad_out * (y - y * y)


class ReLU(Layer):
    """y = max(x, 0), elementwise; the gradient passes where x > 0."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._mask = x > 0
        return x * self._mask

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        return grad_out * self._mask


class Tanh(Layer):
    """y = tanh(x), elementwise; dy/dx = 1 - y^2."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._y = np.tanh(x)
        return self._y

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        return grad_out * (1.0 - self._y * self._y)


ACTIVATIONS: dict[str, type[Layer]] = {"sigmoid": Sigmoid, "relu": ReLU, "tanh": Tanh}


def make_activation(name: str) -> Layer:
    """Activation layer by name: ``"sigmoid"``, ``"relu"`` or ``"tanh"``."""
    if name not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}; got {name!r}")
    return ACTIVATIONS[name]()


# ---------------------------------------------------------------------------------------------
# Pooling, flatten, dense


class GlobalPool(Layer):
    """Pool over every position: (batch, ..., channels) -> (batch, channels).

    Parameters
    ----------
    kind : {"max", "min", "avg"}
        Max acts as an ANY over positions, min as an ALL, avg as a vote.

    On a tie the first position wins and takes the whole gradient, as in
    :func:`cnndemo.ops.global_pool_backward` and ``tf.nn.max_pool``. (``tf.reduce_max`` splits
    it evenly instead; the parameter gradients are the same whenever the tied windows hold the
    same inputs, as the windows of the blank and the full image do.)
    """

    def __init__(self, kind: str = "max") -> None:
        super().__init__()
        if kind not in POOL_KINDS:
            raise ValueError(f"pool kind must be one of {list(POOL_KINDS)}; got {kind!r}")
        self.kind = kind
        self._plans: dict[tuple[int, ...], np.ndarray] = {}

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._x_shape = x.shape
        batch, channels = x.shape[0], x.shape[-1]
        flat = x.reshape(batch, -1, channels)
        if self.kind == "avg":
            return np.dot(_ones(flat.shape[1]), flat) / flat.shape[1]
        plan = self._plans.get(x.shape)
        if plan is None:
            # Flat offset of (example, channel) at position 0.
            plan = np.arange(batch)[:, None] * flat[0].size + np.arange(channels)
            self._plans[x.shape] = plan
        winner = flat.argmax(axis=1) if self.kind == "max" else flat.argmin(axis=1)
        # Flat index of each winner: reading it back is cheaper than a second reduction, and
        # backward writes the gradient there.
        self._source = winner * channels + plan
        return x.reshape(-1)[self._source]

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        batch, channels = self._x_shape[0], self._x_shape[-1]
        positions = math.prod(self._x_shape[1:-1])
        if self.kind == "avg":
            grad = np.broadcast_to((grad_out / positions)[:, None, :], (batch, positions, channels))
            return grad.reshape(self._x_shape)
        grad = np.zeros(self._x_shape)
        grad.reshape(-1)[self._source] = grad_out
        return grad


class Pool2D(Layer):
    """Windowed 2D pooling: (batch, height, width, channels) -> (batch, out_h, out_w, channels).

    Parameters
    ----------
    size : int or (int, int)
        Window height and width.
    stride : int or (int, int), optional
        Step between windows; defaults to ``size`` (non-overlapping windows).
    kind : {"max", "min", "avg"}
    padding : {"valid", "same"}
        TensorFlow's rule; padded elements never win a max/min and are left out of an average.

    Output size per axis: floor((n - size) / stride) + 1 for VALID, ceil(n / stride) for SAME.
    Max/min send each window's gradient to its first winning element (as TensorFlow's and
    PyTorch's max-pool gradients do); overlapping windows add up.
    """

    def __init__(
        self,
        size: int | Sequence[int] = 2,
        stride: int | Sequence[int] | None = None,
        kind: str = "max",
        padding: str = "valid",
    ) -> None:
        super().__init__()
        if kind not in POOL_KINDS:
            raise ValueError(f"pool kind must be one of {list(POOL_KINDS)}; got {kind!r}")
        if padding not in ("valid", "same"):
            raise ValueError(f"padding must be 'valid' or 'same'; got {padding!r}")
        self.size = _tuple(size, 2, "pool size")
        self.stride = self.size if stride is None else _tuple(stride, 2, "pool stride")
        self.kind, self.padding = kind, padding
        self._plans: dict[tuple[int, int], tuple] = {}
        # Window offsets, shaped to compare with the winner index (batch, positions, 1, channels).
        self._offsets = np.arange(self.size[0] * self.size[1])[:, None]

    def _plan(self, spatial: tuple[int, int]) -> tuple:
        plan = self._plans.get(spatial)
        if plan is not None:
            return plan
        (h, w), (kh, kw), (sy, sx) = spatial, self.size, self.stride
        oh = ops.output_size(h, kh, sy, self.padding)
        ow = ops.output_size(w, kw, sx, self.padding)
        top = ops.padding_amounts(h, kh, sy, self.padding)[0]
        left = ops.padding_amounts(w, kw, sx, self.padding)[0]
        rows = np.arange(oh)[:, None, None, None] * sy + np.arange(kh)[None, None, :, None] - top
        cols = np.arange(ow)[None, :, None, None] * sx + np.arange(kw)[None, None, None, :] - left
        inside = (rows >= 0) & (rows < h) & (cols >= 0) & (cols < w)
        # Padded elements point at an extra slot h*w that holds the neutral value.
        index = np.where(inside, rows * w + cols, h * w).reshape(oh * ow, kh * kw)
        padded = not inside.all()
        # scatter[i, r]: 1 where window element r (position-major) reads input element i; its
        # matmul sends window gradients back to the input and sums overlapping windows.
        scatter = np.zeros((h * w + 1, oh * ow * kh * kw))
        scatter[index.reshape(-1), np.arange(index.size)] = 1.0
        scatter = np.ascontiguousarray(scatter[: h * w])
        counts = inside.reshape(oh * ow, kh * kw).sum(axis=1)
        # Averaging as a matmul: each output row weights its window's inputs by 1/count.
        average = scatter.T.reshape(oh * ow, kh * kw, h * w).sum(axis=1) / counts[:, None]
        plan = ((oh, ow), index, padded, scatter, average)
        self._plans[spatial] = plan
        return plan

    def forward(self, x: np.ndarray) -> np.ndarray:
        batch, h, w, channels = x.shape
        (oh, ow), index, padded, scatter, average = self._plan((h, w))
        self._x_shape = x.shape
        flat = x.reshape(batch, h * w, channels)
        if self.kind == "avg":
            return (average @ flat).reshape(batch, oh, ow, channels)
        if padded:
            fill = -np.inf if self.kind == "max" else np.inf
            flat = np.concatenate([flat, np.full((batch, 1, channels), fill)], axis=1)
        windows = flat[:, index]  # (batch, positions, window, channels)
        winner = windows.argmax(axis=2) if self.kind == "max" else windows.argmin(axis=2)
        self._winner = winner[:, :, None, :]
        extreme = np.maximum if self.kind == "max" else np.minimum
        return extreme.reduce(windows, axis=2).reshape(batch, oh, ow, channels)

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        batch, h, w, channels = self._x_shape
        (oh, ow), index, padded, scatter, average = self._plans[(h, w)]
        g = grad_out.reshape(batch, oh * ow, channels)
        if self.kind == "avg":
            return (average.T @ g).reshape(self._x_shape)
        grad_windows = (self._offsets == self._winner) * g[:, :, None, :]
        return (scatter @ grad_windows.reshape(batch, -1, channels)).reshape(self._x_shape)


class Flatten(Layer):
    """(batch, ...) -> (batch, features), row-major (position major, channel minor)."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._x_shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        return grad_out.reshape(self._x_shape)


class Dense(Layer):
    """Fully connected layer: (batch, features) -> (batch, out), y = x @ weights + bias.

    Parameters
    ----------
    weights : ndarray, shape (features, out)
    bias : ndarray, shape (out,), optional
        Zeros when omitted.
    """

    def __init__(self, weights: np.ndarray, bias: np.ndarray | None = None) -> None:
        super().__init__()
        self._add_param("weights", weights)
        if self.params["weights"].ndim != 2:
            raise ValueError(
                f"dense weights must be (features, out); got shape {self.params['weights'].shape}"
            )
        out = self.params["weights"].shape[1]
        self._add_param("bias", np.zeros(out) if bias is None else bias)

    @property
    def in_features(self) -> int:
        return self.params["weights"].shape[0]

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._x = x
        out = np.dot(x, self.params["weights"])
        out += self.params["bias"]
        return out

    def backward(self, grad_out: np.ndarray) -> np.ndarray | None:
        np.dot(self._x.T, grad_out, out=self.grads["weights"])
        np.dot(_ones(grad_out.shape[0]), grad_out, out=self.grads["bias"])
        if not self.input_grad:
            return None
        return np.dot(grad_out, self.params["weights"].T)


# ---------------------------------------------------------------------------------------------
# Loss


@functools.cache
def _ones(n: int) -> np.ndarray:
    """A read-only vector of n ones: np.dot with it sums faster than np.sum on tiny arrays."""
    ones = np.ones(n)
    ones.flags.writeable = False
    return ones


def sigmoid_cross_entropy(logits: np.ndarray, targets: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean sigmoid cross-entropy from logits, and its gradient.

    Parameters
    ----------
    logits : ndarray, shape (batch, 1) or (batch,)
    targets : ndarray, shape (batch,)
        0 or 1 (any value in [0, 1] works).

    Returns
    -------
    loss : float
        mean(softplus(z) - z t), an overflow-free form of
        -t log(sigmoid(z)) - (1 - t) log(1 - sigmoid(z)) (softplus via np.logaddexp).
    grad : ndarray, same shape as ``logits``
        (sigmoid(z) - t) / batch.
    """
    z = logits.reshape(-1)
    n = z.shape[0]
    softplus = np.logaddexp(0.0, z)  # log(1 + exp(z)) without overflow
    loss = (np.dot(softplus, _ones(n)) - np.dot(z, targets)) / n
    grad = np.exp(z - softplus)  # = sigmoid(z); z - softplus(z) <= 0 so exp never overflows
    grad -= targets
    grad /= n
    return float(loss), grad.reshape(logits.shape)
