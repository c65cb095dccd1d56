"""Convolution layers, lowered once per input shape to a 0/1 gather matrix.

The layers run thousands of tiny full-batch steps, so their cost is Python and NumPy call
overhead, not arithmetic. That is why a convolution is lowered once per input shape to a 0/1
matrix (im2col as a matmul, which also handles padding and dilation for free) and why nothing
is re-validated inside ``forward``/``backward``. Above ``MAX_LOWERING_ENTRIES`` entries the
matrix is not built and the layer computes with the general :mod:`cnndemo.ops` functions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from cnndemo import explain, ops
from cnndemo.bounds import MAX_LOWERING_ENTRIES
from cnndemo.layers.base import Layer, as_tuple, ones

__all__ = ["Conv1D", "Conv2D"]

# Read at call time, so a test can lower the bound to exercise the fallback.
_MAX_LOWERING_ENTRIES = MAX_LOWERING_ENTRIES


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
    # Raises a ValueError naming the sizes when the kernel does not fit.
    plan = explain.conv_plan(spatial, kernel_spatial, stride, padding, dilation)
    out_spatial = plan.out_shape
    positions = math.prod(out_spatial)
    window = math.prod(kernel_spatial) * channels
    inputs = math.prod(spatial) * channels
    if positions * window * inputs > _MAX_LOWERING_ENTRIES:
        return tuple(out_spatial), None
    # Rows of cols: output position major, then kernel tap, then channel (explain's order).
    index = plan.cell_index().reshape(-1)
    keep = index >= 0
    rows = np.arange(index.size)
    gather = np.zeros((positions * window, inputs))
    chan = np.arange(channels)
    gather[
        (rows[keep][:, None] * channels + chan).reshape(-1),
        (index[keep][:, None] * channels + chan).reshape(-1),
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
        self.stride = as_tuple(stride, self._nd, "stride")
        self.dilation = as_tuple(dilation, self._nd, "dilation")
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
                ones=ones(batch * positions),
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
