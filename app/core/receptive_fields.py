"""Receptive fields of the two-layer image models (sections 7 and 8), as their view shows them.

Plain Python. The geometry is the engine's: the model's layers and sizes come from
``cnndemo.model_plan.plan_model`` (no model is built), each window layer becomes a
``cnndemo.explain`` plan, and ``explain.receptive_field`` / ``receptive_field_terms`` give the
paths and the size formula. This module only picks and words them.

- ``field_controls(prefix)``: the selected cell (row, column), link fields ``rfr``, ``rfc``.
- ``field_view(section, hyperparameters, input_size, cell) -> FieldView``.
- ``size_latex(view, axis)``: the size formula for one axis with the numbers filled in.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.core import limits
from app.core.controls import Control, Controls
from cnndemo import explain
from cnndemo.explain import FieldTerm, Plan
from cnndemo.model_plan import LayerPlan, plan_model

KEY = "rf"  # the controls' keys: {prefix}.rf.0 (row), {prefix}.rf.1 (column)
AXES = ("rows", "columns")


def field_controls(prefix: str) -> Controls:
    """The receptive-field view's selected cell under page ``prefix``: row, then column."""
    high = limits.MAX_IMAGE_EDIT_SIDE - 1
    return Controls(
        tuple(
            Control(
                f"{prefix}.{KEY}.{axis}", field, label, "int", default=0, low=0, high=high,
                help="Which cell of the top map to trace back to the image",
            )
            for axis, (field, label) in enumerate((("rfr", "row"), ("rfc", "column")))
        )
    )  # fmt: skip


def window_plans(
    section: int, hyperparameters: dict, input_size: tuple[int, int]
) -> tuple[tuple[LayerPlan, ...], tuple[Plan, ...]]:
    """The model's convolutions and poolings, in order, with their ``explain`` plans.

    Raises
    ------
    ValueError
        The model cannot take images of ``input_size`` (the engine's message).
    """
    layers, plans = [], []
    for layer in plan_model(section, input_size=input_size, **hyperparameters).layers:
        spatial, args = layer.input_shape[:-1], layer.arguments
        if layer.kind == "conv":
            plan = explain.conv_plan(spatial, args["kernel"], args["stride"], args["padding"])
        elif layer.kind == "pool":
            plan = explain.pool_plan(spatial, args["size"], args["stride"])
        else:
            continue
        layers.append(layer)
        plans.append(plan)
    return tuple(layers), tuple(plans)


@dataclass(frozen=True)
class FieldView:
    """One cell of the top map traced back through every window layer.

    Attributes
    ----------
    layers : tuple of LayerPlan
        The window layers, first first (conv1 and conv2, or conv1 and pool).
    plans : tuple of Plan
    cell : tuple of int
        The selected cell of the last layer's output.
    counts : tuple of ndarray of int
        Paths from each cell of every map to the selected cell: the image first, then each
        layer's output (the last is 1 at ``cell``, 0 elsewhere).
    terms : tuple of tuple of FieldTerm
        Per axis (rows, columns), each layer's term of the size formula.
    size : tuple of int
        The formula's receptive-field size per axis.
    """

    layers: tuple[LayerPlan, ...]
    plans: tuple[Plan, ...]
    cell: tuple[int, ...]
    counts: tuple[np.ndarray, ...]
    terms: tuple[tuple[FieldTerm, ...], ...]
    size: tuple[int, ...]

    @property
    def region(self) -> tuple[tuple[int, int], tuple[int, int]]:
        """Per axis, the first and last image row (column) with a path: the highlighted
        region."""
        return self.box(0)

    def box(self, index: int) -> tuple[tuple[int, int], tuple[int, int]]:
        """First and last row and column with a path on map ``index`` (0: the image)."""
        rows, cols = np.nonzero(self.counts[index])
        return (int(rows.min()), int(rows.max())), (int(cols.min()), int(cols.max()))

    @property
    def extent(self) -> tuple[int, ...]:
        """Rows and columns the highlighted region spans."""
        return tuple(last - first + 1 for first, last in self.region)

    @property
    def padded(self) -> bool:
        """True when some of the field lies in padding (so the region is smaller)."""
        return self.extent != self.size

    @property
    def paths(self) -> int:
        """Paths in total: the sum of the image's counts."""
        return int(self.counts[0].sum())

    @property
    def taps(self) -> tuple[int, ...]:
        """Window cells of each layer (kernel height x width)."""
        return tuple(int(np.prod(plan.window_shape)) for plan in self.plans)


def field_view(
    section: int, hyperparameters: dict, input_size: tuple[int, int], cell: tuple[int, int]
) -> FieldView:
    """Trace ``cell`` of the last window layer's output back to the image.

    ``cell`` is clamped into the output (a link or an earlier, larger setup may hold more).

    Raises
    ------
    ValueError
        The model cannot take images of ``input_size``.
    """
    layers, plans = window_plans(section, hyperparameters, input_size)
    top = plans[-1].out_shape
    cell = tuple(min(max(int(i), 0), n - 1) for i, n in zip(cell, top, strict=True))
    counts = [explain.receptive_field(plans[i:], cell) for i in range(len(plans))]
    selected = np.zeros(top, dtype=np.int64)
    selected[cell] = 1
    counts.append(selected)
    return FieldView(
        layers, plans, cell, tuple(counts), explain.receptive_field_terms(plans),
        explain.receptive_field_size(plans),
    )  # fmt: skip


def size_latex(view: FieldView, axis: int) -> str:
    """The size formula for one axis (``axis`` 0: rows, 1: columns), then the same with the
    numbers filled in, then the result: three aligned lines, so it fits a phone screen::

        r = 1 + (k_1 - 1) d_1 + (k_2 - 1) d_2 s_1
          = 1 + (2 - 1)·1 + (2 - 1)·1·1
          = 3
    """
    terms = view.terms[axis]
    symbols, numbers = ["1"], ["1"]
    for number, term in enumerate(terms, start=1):
        strides = "".join(rf"\,s_{m}" for m in range(1, number))
        symbols.append(rf"(k_{number} - 1)\,d_{number}{strides}")
        factors = [str(term.dilation)]
        factors += [str(view.plans[m].axes[axis].stride) for m in range(number - 1)]
        numbers.append(rf"({term.kernel} - 1) \cdot " + r" \cdot ".join(factors))
    lines = (
        rf"r_{{\text{{{AXES[axis]}}}}} &= " + " + ".join(symbols),
        "&= " + " + ".join(numbers),
        f"&= {view.size[axis]}",
    )
    return r"\begin{aligned} " + r" \\ ".join(lines) + r" \end{aligned}"
