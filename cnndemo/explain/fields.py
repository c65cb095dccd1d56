"""Receptive fields: the input cells behind one output of a stack of window operations."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cnndemo.explain.plans import Plan


def receptive_field(plans: Sequence[Plan], out_index: Sequence[int]) -> np.ndarray:
    """How many paths lead from each input cell to one output of a stack of window operations.

    Parameters
    ----------
    plans : sequence of Plan
        First layer first; each plan's ``in_shape`` must equal the previous ``out_shape``.
    out_index : sequence of int
        A cell of the last plan's output.

    Returns
    -------
    ndarray of int64, shape ``plans[0].in_shape``
        0 outside the receptive field; elsewhere the number of routes through the windows
        (a cell read by two overlapping windows of the layer above counts twice).
    """
    for below, above in zip(plans, plans[1:], strict=False):
        if below.out_shape != above.in_shape:
            raise ValueError(
                f"a plan's output {below.out_shape} does not match the next input {above.in_shape}"
            )
    counts = np.zeros(plans[-1].out_shape, dtype=np.int64)
    counts[tuple(out_index)] = 1
    for plan in reversed(plans):
        below = np.zeros(math.prod(plan.in_shape) + 1, dtype=np.int64)
        index = plan.cell_index()
        np.add.at(below, np.where(index < 0, below.size - 1, index), counts.reshape(-1, 1))
        counts = below[:-1].reshape(plan.in_shape)
    return counts


@dataclass(frozen=True)
class FieldTerm:
    """One layer's share of the receptive field along one axis: ``(span - 1) * jump`` cells.

    Attributes
    ----------
    kernel, dilation, span : int
        The layer's window taps, the gap between them, and the cells one window covers
        (``(kernel - 1) * dilation + 1``).
    jump : int
        Input cells between two neighbouring cells of this layer's input: the product of the
        strides of every layer below it (1 for the first layer).
    """

    kernel: int
    dilation: int
    span: int
    jump: int

    @property
    def reach(self) -> int:
        """Input cells this layer adds to the field: ``(span - 1) * jump``."""
        return (self.span - 1) * self.jump


def receptive_field_terms(plans: Sequence[Plan]) -> tuple[tuple[FieldTerm, ...], ...]:
    """Per axis, each plan's term of :func:`receptive_field_size`, first layer first."""
    terms = []
    for d in range(plans[0].rank):
        jump, row = 1, []
        for plan in plans:
            a = plan.axes[d]
            row.append(FieldTerm(a.k, a.dilation, a.span, jump))
            jump *= a.stride
        terms.append(tuple(row))
    return tuple(terms)


def receptive_field_size(plans: Sequence[Plan]) -> tuple[int, ...]:
    """Receptive field extent per axis: ``1 + sum_l (span_l - 1) * prod_{m < l} stride_m``.

    That is the reach of one output of the last plan into the first plan's (padded) input.
    """
    return tuple(1 + sum(t.reach for t in row) for row in receptive_field_terms(plans))
