"""The lesson's geometry, public: where each window sits, what it reads, what it sums, who wins.

Every view of the app asks this module instead of working a window out for itself, so a rule
(an output size, a padding split, a tie between pooling candidates) changes in one place. The
fast ops in :mod:`cnndemo.ops` take their sizes and pooling winners from here too, and
:mod:`cnndemo.reference` spells the same rules out as plain loops to check them against.

Sizes along one axis
--------------------
An axis of ``n`` cells, a window of ``k`` taps ``dilation`` cells apart (it spans
``span = (k - 1) * dilation + 1`` cells), moved ``stride`` cells per output:

- ``"valid"``: no padding; ``out = floor((n - span) / stride) + 1``, or 0 when the window does
  not fit (``span > n``).
- ``"same"`` (TensorFlow's rule): ``out = ceil(n / stride)``; the axis is padded with
  ``max((out - 1) * stride + span - n, 0)`` cells, half before and the rest after (the odd
  cell goes at the end).
- a whole number ``p >= 0`` (explicit padding, PyTorch's ``padding=p``): ``p`` cells before
  and ``p`` after; ``out = floor((n + 2p - span) / stride) + 1``, or 0 when
  ``span > n + 2p``. ``"valid"`` is ``p = 0``. Only :func:`axis` and the plans take it (the
  arithmetic of page 9); the ops pad by word.

Output ``i`` reads input cells ``i * stride + j * dilation - before`` for taps ``j < k``; an
index below 0 or at ``n`` and beyond is a padding cell (0 for a convolution; never a winner and
left out of a mean for pooling).

The tie rule (max and min pooling)
----------------------------------
Each window has exactly one winner, the cell its output and its gradient come from:

1. the first cell, in row-major window order (row by row, then column), holding the window's
   maximum (``"max"``) or minimum (``"min"``);
2. a window holding NaN outputs NaN, and its winner is its first NaN;
3. padding cells never win: should one tie (every real cell ``-inf`` for max or ``+inf`` for
   min), the window's first real cell wins instead.

Global pooling follows the same rule over all positions in row-major order. Average pooling has
no winner: every real cell of the window shares the output (and the gradient) equally.

API
---
- :func:`axis` -> :class:`Axis`: sizes, padding and taps along one axis.
- :func:`conv_plan` / :func:`pool_plan` -> :class:`Plan`: every axis of a 1D or 2D window
  operation; :meth:`Plan.window` (the cells one output reads), :meth:`Plan.coverage` (windows
  reading each input cell), :meth:`Plan.outputs_reading` (the outputs an input cell feeds),
  :meth:`Plan.cell_index` (the whole gather map as integers).
- :func:`conv_terms` -> :class:`WindowSum`: the products one convolution output adds up.
- :func:`kernel_grad_terms`, :func:`input_grad_terms` -> :class:`GradientSum`: the products one
  cell of ``dL/dW`` (input x upstream gradient) or of ``dL/dx`` (upstream gradient x weight)
  adds up.
- :func:`pool_winners`, :func:`global_winners`: the winning cell of every pooling window.
- :func:`receptive_field`, :func:`receptive_field_size`: the input cells behind an output of a
  stack of window operations, and the size formula; :func:`receptive_field_terms` (each
  layer's :class:`FieldTerm`) fills the formula in.
"""

from __future__ import annotations

from cnndemo.explain.axes import PADDINGS, Axis, axis, checked_axis
from cnndemo.explain.fields import (
    FieldTerm,
    receptive_field,
    receptive_field_size,
    receptive_field_terms,
)
from cnndemo.explain.plans import Plan, Window, conv_plan, pool_plan
from cnndemo.explain.sums import (
    GradientSum,
    GradientTerm,
    Term,
    WindowSum,
    conv_terms,
    input_grad_terms,
    kernel_grad_terms,
)
from cnndemo.explain.winners import global_winners, pool_winners, window_winners

POOL_KINDS = ("max", "min", "avg")
"""Pooling reductions: max (an ANY over the window), min (an ALL), avg (the mean)."""

__all__ = [
    "PADDINGS",
    "POOL_KINDS",
    "Axis",
    "FieldTerm",
    "GradientSum",
    "GradientTerm",
    "Plan",
    "Term",
    "Window",
    "WindowSum",
    "axis",
    "checked_axis",
    "conv_plan",
    "conv_terms",
    "global_winners",
    "input_grad_terms",
    "kernel_grad_terms",
    "pool_plan",
    "pool_winners",
    "receptive_field",
    "receptive_field_size",
    "receptive_field_terms",
    "window_winners",
]
