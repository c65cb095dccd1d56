"""The arrays page 9's tabs compute for a link state (``app.core.arithmetic_setup``): what its
checks read and its exported scripts print.

- ``size`` (kind ``conv_size``): a convolution of the input 1, 2, ..., n by a kernel of k ones
  with the tab's stride, padding and dilation, (o,): its length is the size the tab shows;
- ``transposed`` (kind ``conv_transpose``): the transposed convolution of y by w, (o',);
- ``guide`` (kind ``guide_size``): the chosen relationship's convolution (or transposed
  convolution) of 1, 2, ..., i (or i') by k ones, (o,): its length is the engine's size;
- ``flip`` (kind ``correlation``): the cross-correlation of x and w (VALID), (n - k + 1,).

Every number is the engine's (``cnndemo.explain.axis`` for paddings and sizes, ``cnndemo.ops``
for the convolutions, ``app.core.conv_arithmetic.transposed`` for the transposed one).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from app.core.conv_arithmetic import padding_argument, transposed
from app.core.guide_relationships import PARAMS, RELATIONSHIPS, transposed_input
from cnndemo import explain, ops

ARITHMETIC_KINDS = ("conv_size", "conv_transpose", "guide_size", "correlation")
SIZE_KINDS = ("conv_size", "guide_size")
"""Tabs whose output only stands for a size (its numbers are window sums of ones)."""


@dataclass(frozen=True)
class GuideCase:
    """The guide tab's convolution: ``values`` (i, k, s, p, d after the relationship fixed its
    own), whether it is transposed, and then its input size ``i'`` and output padding ``a``."""

    number: int
    kind: str
    values: dict[str, int]
    transposed: bool
    i_prime: int = 0
    extra: int = 0


def guide_case(state: Mapping[str, Any]) -> GuideCase:
    """The relationship the guide tab shows, on the link's numbers; ValueError when no window
    fits (the tab shows no output then)."""
    relationship = RELATIONSHIPS[int(state["rel"]) - 1]
    values = relationship.settle({name: int(state["g" + name]) for name in PARAMS})
    i, k, s, p, d = (values[name] for name in PARAMS)
    forward = explain.axis(i, k, s, p, d)
    if not forward.fits:
        raise ValueError(f"the window spans {forward.span} cells, more than the {i + 2 * p} of "
                         "the padded input")  # fmt: skip
    if relationship.kind != "transposed":
        return GuideCase(relationship.number, relationship.kind, values, False)
    i_prime, a = transposed_input(forward)
    return GuideCase(relationship.number, relationship.kind, values, True, i_prime, a)


def window_sums(n: int, k: int, stride: int, padding: str | int, dilation: int) -> np.ndarray:
    """The convolution of 1, 2, ..., n by k ones, (o,); ValueError when no window fits."""
    axis = explain.axis(n, k, stride, padding, dilation)
    if not axis.fits:
        raise ValueError(f"the window spans {axis.span} cells, more than the "
                         f"{n + axis.before + axis.after} of the padded input")  # fmt: skip
    x = np.pad(np.arange(1.0, n + 1), (axis.before, axis.after))
    return ops.conv1d(x[None, :, None], np.ones((k, 1, 1)), stride, "valid", dilation)[0, :, 0]


def arithmetic_output(kind: str, state: Mapping[str, Any]) -> np.ndarray:
    """The output of page 9's tab of ``kind`` (see the module docstring); ValueError (the
    engine's message) when the settings give none."""
    if kind == "conv_size":
        padding = padding_argument(state["pm"], state["p"])
        return window_sums(state["n"], state["k"], state["s"], padding, state["d"])
    if kind == "conv_transpose":
        padding = padding_argument(state["tpm"], state["tp"])
        return transposed(state["ty"], state["tw"], state["ts"], padding, state["td"],
                          state["ta"]).result  # fmt: skip
    if kind == "guide_size":
        case = guide_case(state)
        i, k, s, p, d = (case.values[name] for name in PARAMS)
        if not case.transposed:
            return window_sums(i, k, s, p, d)
        y = np.arange(1.0, case.i_prime + 1)
        return transposed(y, np.ones(k), s, p, d, case.extra).result
    if kind == "correlation":
        x, w = state["cv"], state["cw"]
        return ops.conv1d(x[None, :, None], w[:, None, None])[0, :, 0]
    raise ValueError(f"no output for a tab of kind {kind!r}")
