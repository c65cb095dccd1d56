"""Plans: every axis of a 1D or 2D window operation (a convolution or a pooling)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cnndemo.explain.axes import Axis, axis, per_axis


@dataclass(frozen=True)
class Window:
    """The cells one output reads, tap by tap in row-major window order.

    Attributes
    ----------
    out_index : tuple of int
        The output position (one index per axis).
    taps : tuple of tuple of int
        The window tap of each cell (kernel row and column in 2D).
    cells : tuple of tuple of int
        The input cell each tap reads (outside the input: a padding cell).
    inside : tuple of bool
        Whether each cell is a real input cell (False: padding).
    """

    out_index: tuple[int, ...]
    taps: tuple[tuple[int, ...], ...]
    cells: tuple[tuple[int, ...], ...]
    inside: tuple[bool, ...]

    @property
    def real_cells(self) -> tuple[tuple[int, ...], ...]:
        """The cells inside the input, in window order."""
        return tuple(c for c, ok in zip(self.cells, self.inside, strict=True) if ok)

    def span(self, axis_number: int) -> tuple[int, int]:
        """First and last input index the window reaches along one axis (padding included)."""
        values = [cell[axis_number] for cell in self.cells]
        return min(values), max(values)


@dataclass(frozen=True)
class Plan:
    """A 1D or 2D window operation (a convolution or a pooling) over an input of fixed size.

    Attributes
    ----------
    axes : tuple of Axis
        ``(width,)`` in 1D, ``(rows, columns)`` in 2D.
    """

    axes: tuple[Axis, ...]

    @property
    def rank(self) -> int:
        return len(self.axes)

    @property
    def in_shape(self) -> tuple[int, ...]:
        return tuple(a.n for a in self.axes)

    @property
    def out_shape(self) -> tuple[int, ...]:
        return tuple(a.out for a in self.axes)

    @property
    def window_shape(self) -> tuple[int, ...]:
        return tuple(a.k for a in self.axes)

    @property
    def pads(self) -> tuple[tuple[int, int], ...]:
        """``(before, after)`` padding per axis."""
        return tuple((a.before, a.after) for a in self.axes)

    @property
    def fits(self) -> bool:
        return all(a.fits for a in self.axes)

    @property
    def overlapping(self) -> bool:
        """True when neighbouring windows share cells (a stride shorter than the span)."""
        return any(a.stride < a.span and a.out > 1 for a in self.axes)

    def window(self, *out_index: int) -> Window:
        """The cells output ``out_index`` reads (one index per axis)."""
        if len(out_index) != self.rank:
            raise ValueError(f"an output position has {self.rank} index(es), got {out_index}")
        for i, a in zip(out_index, self.axes, strict=True):
            if not 0 <= i < a.out:
                raise ValueError(f"output index {i} is outside 0..{a.out - 1}")
        per_axis = [a.taps(i) for i, a in zip(out_index, self.axes, strict=True)]
        taps = tuple(np.ndindex(*self.window_shape))
        cells = tuple(tuple(per_axis[d][t[d]] for d in range(self.rank)) for t in taps)
        inside = tuple(
            all(0 <= c < a.n for c, a in zip(cell, self.axes, strict=True)) for cell in cells
        )
        return Window(tuple(out_index), taps, cells, inside)

    def windows(self) -> tuple[Window, ...]:
        """Every output's window, outputs in reading order (last axis fastest)."""
        return tuple(self.window(*index) for index in np.ndindex(*self.out_shape))

    def coverage(self) -> np.ndarray:
        """How many windows read each input cell, shape ``in_shape``."""
        counts = self.axes[0].coverage()
        for a in self.axes[1:]:
            counts = np.multiply.outer(counts, a.coverage())
        return counts

    def outputs_reading(self, *cell: int) -> tuple[tuple[int, ...], ...]:
        """The outputs whose window reads input ``cell``, in reading order."""
        return tuple(out_index for out_index, _ in self.readers(*cell))

    def readers(self, *cell: int) -> tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]:
        """``(output, tap)`` of every window that reads input ``cell``: the output's position and
        the kernel tap that lies on the cell there, outputs in reading order."""
        per_axis = [a.outputs_reading(c) for c, a in zip(cell, self.axes, strict=True)]
        return tuple(
            (tuple(int(i) for i, _ in pairs), tuple(int(j) for _, j in pairs))
            for pairs in _product(per_axis)
        )

    def cell_index(self) -> np.ndarray:
        """Flat input index (row-major over ``in_shape``) read by each output and tap.

        Returns
        -------
        ndarray of int64, shape (outputs, taps)
            Outputs in reading order, taps in row-major window order; -1 for a padding cell.
        """
        flat = np.zeros((1,) * (2 * self.rank), dtype=np.int64)
        inside = np.ones_like(flat, dtype=bool)
        for d, a in enumerate(self.axes):
            shape = [1] * (2 * self.rank)
            shape[d], shape[self.rank + d] = a.out, a.k
            coords = a.tap_index().reshape(shape)
            inside = inside & (coords >= 0) & (coords < a.n)
            flat = flat * a.n + coords
        full = (*self.out_shape, *self.window_shape)
        index = np.where(np.broadcast_to(inside, full), np.broadcast_to(flat, full), -1)
        return index.reshape(math.prod(self.out_shape), math.prod(self.window_shape))


def _product(lists: Sequence[Sequence]) -> list[tuple]:
    result: list[tuple] = [()]
    for values in lists:
        result = [(*prefix, v) for prefix in result for v in values]
    return result


def conv_plan(
    input_size: Sequence[int],
    kernel_size: Sequence[int],
    stride: int | Sequence[int] = 1,
    padding: str = "valid",
    dilation: int | Sequence[int] = 1,
) -> Plan:
    """The geometry of a convolution over one input of ``input_size``.

    Parameters
    ----------
    input_size, kernel_size : sequence of int
        ``(width,)`` in 1D, ``(height, width)`` in 2D (spatial axes only).
    stride, dilation : int or sequence of int
        One number for every axis, or one per axis.
    padding : {"valid", "same"}

    Raises
    ------
    ValueError
        Bad sizes, or a VALID kernel larger than the input along some axis.
    """
    rank = len(input_size)
    if rank not in (1, 2) or len(kernel_size) != rank:
        raise ValueError(f"input and kernel sizes need 1 or 2 axes each, got {input_size}")
    names = ("width",) if rank == 1 else ("height", "width")
    strides = per_axis(stride, rank, "stride")
    dilations = per_axis(dilation, rank, "dilation")
    return Plan(
        tuple(
            axis(n, k, s, padding, d).require("kernel", name)
            for n, k, s, d, name in zip(
                input_size, kernel_size, strides, dilations, names, strict=True
            )
        )
    )


def pool_plan(
    input_size: Sequence[int],
    size: int | Sequence[int],
    stride: int | Sequence[int] | None = None,
    padding: str = "valid",
) -> Plan:
    """The geometry of a 1D or 2D pooling (``stride`` defaults to ``size``: no overlap)."""
    rank = len(input_size)
    if rank not in (1, 2):
        raise ValueError(f"pooling works on 1 or 2 axes, got input size {input_size}")
    names = ("width",) if rank == 1 else ("height", "width")
    sizes = per_axis(size, rank, "pool size")
    strides = sizes if stride is None else per_axis(stride, rank, "stride")
    return Plan(
        tuple(
            axis(n, k, s, padding).require("pool", name)
            for n, k, s, name in zip(input_size, sizes, strides, names, strict=True)
        )
    )
