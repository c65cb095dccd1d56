"""The link setups of the convolution and pooling pages (section 1, section 2 and section 8's
grid part), declared as plain data: each page's controls, tables, link schema and reference
defaults, as ``app.core.controls`` declares them.

The exercises, teacher links, exact links and code export read a page's setup as its link
state (``schema`` field name -> value) without running the page. These declarations are the
same as the pages' own (``tests/app/core/test_page_setups.py`` opens each real page and checks
that the link it writes decodes here to ``defaults()``); the page integration will make the
pages import them from here.

Link fields (``x``, ``k`` ... as the pages write them):

- page 1: ``x`` (length, in), ``k`` (k_w, in, out), ``s``, ``p``, ``d`` (vectors tab);
  ``v`` (length,), ``w`` (k_w,), ``vs``, ``vp`` (scalar tab);
- page 2: ``x`` (h, w, in), ``k`` (k_h, k_w, in, out), ``sy``, ``sx``, ``p``, ``d`` (grids tab);
  ``ik`` (k_h, k_w), ``is``, ``ip``, ``act`` (pictures tab);
- page 8's grid: ``x`` (h, w, channels), ``ky``, ``kx``, ``sy``, ``sx``, ``k`` (kind), ``p``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.core import limits
from app.core.backprop import gradient_controls
from app.core.controls import Control, Controls, TensorSpec
from app.core.conv_controls import (
    activation_control,
    channel_control,
    dilation_control,
    padding_control,
    pool_kind_control,
    position_controls,
    size_control,
    stride_control,
    tab_control,
)
from app.core.presets import classic_kernel
from cnndemo.sections import reference_convolution


def _same_channels(x_axis: int, k_axis: int):
    """A schema check: the kernel's input channels are the input's."""

    def check(state: dict) -> list[str]:
        if state["x"].shape[x_axis] != state["k"].shape[k_axis]:
            return ["the kernel's input channels differ from the input's channels"]
        return []

    return check


def _sizes(*declarations: tuple[str, str, int]) -> tuple[Control, ...]:
    """Table sizes (their tables carry them in the link): (key, label, upper bound) each."""
    return tuple(size_control(key, label, high) for key, label, high in declarations)


@dataclass(frozen=True)
class _Added:
    """The fields pages 1 and 2 gained with their Gradients tab: the open tab, the selected
    output cell and channel, and the gradient tab's own (``app.core.backprop``)."""

    controls: Controls
    tables: tuple[tuple[TensorSpec, np.ndarray], ...]

    def defaults(self) -> dict:
        """Their link values as the page opens."""
        session = {spec.value_key: value for spec, value in self.tables}
        return self.controls.share_state(session)


def _added(prefix: str, rank: int, labels, codes, positions) -> _Added:
    gradients = gradient_controls(f"{prefix}.g", rank)
    tab = tab_control(f"{prefix}.tab", "tab", labels, codes)
    cell = Controls((tab, *positions, channel_control(f"{prefix}.oc", "ao")))
    # The upstream gradient's table starts as ones of the reference output's shape.
    table = np.ones((2, 2) if rank == 1 else (2, 3, 1))
    return _Added(cell + gradients.controls, ((gradients.table, table),))


# --- Page 1: convolution in 1D (docs/lesson.md, section 1) ---------------------------------------
_N, _CIN, _KW, _COUT, _VN, _WK = _sizes(
    ("c1d.n", "input length", limits.MAX_LENGTH),
    ("c1d.cin", "input channels", limits.MAX_CHANNELS),
    ("c1d.kw", "kernel width", limits.MAX_KERNEL),
    ("c1d.cout", "output channels", limits.MAX_CHANNELS),
    ("c1d.vn", "input length", limits.MAX_LENGTH),
    ("c1d.wk", "kernel length", limits.MAX_KERNEL),
)  # fmt: skip
_FORWARD1 = Controls(
    (_N, _CIN, _KW, _COUT, stride_control("c1d.s", "s"), padding_control("c1d.p", "p"),
     dilation_control("c1d.d", "d"), _VN, _WK, stride_control("c1d.vs", "vs"),
     padding_control("c1d.vp", "vp")),
    (
        TensorSpec("c1d.x", "sequence", "Input x (rows = positions)", (_N, _CIN), "x"),
        TensorSpec("c1d.k", "kernel1d", "Kernel W (one table per output channel)",
                   (_KW, _CIN, _COUT), "k"),
        TensorSpec("c1d.v", "vector", "Input numbers", (_VN,), "v"),
        TensorSpec("c1d.w", "vector", "Kernel numbers", (_WK,), "w"),
    ),
)  # fmt: skip
_ADDED1 = _added(
    "c1d", 1, ("Sequences of vectors", "The scalar case (1 channel)", "Gradients"),
    ("vectors", "scalar", "grads"),
    position_controls("c1d.pos", ("at",), ("output position",), (limits.MAX_LENGTH,)),
)  # fmt: skip
CONV1D_CONTROLS = _FORWARD1 + _ADDED1.controls
CONV1D_SCHEMA = CONV1D_CONTROLS.schema(
    check=_same_channels(1, 1), legacy=_ADDED1.controls.added_later(_ADDED1.tables)
)


def conv1d_defaults() -> dict:
    """Page 1's reference setup: 4 vectors of 5 holding 1..20, a (3, 5, 2) kernel of 1..30,
    stride 1, VALID; the scalar tab's 8 numbers and its difference kernel [1, 0, -1]."""
    x, kernel, _ = reference_convolution(1)
    return {
        "x": x[0], "k": kernel, "v": np.array([3, 1, 4, 1, 5, 9, 2, 6], dtype=np.float64),
        "w": np.array([1, 0, -1], dtype=np.float64), "s": 1, "p": "valid", "d": 1,
        "vs": 1, "vp": "valid",
    } | _ADDED1.defaults()  # fmt: skip


# --- Page 2: convolution in 2D (docs/lesson.md, section 2) ---------------------------------------
_H, _W, _C2IN, _KH2, _KW2, _C2OUT, _IKH, _IKW = _sizes(
    ("c2d.h", "input height (rows)", limits.MAX_HEIGHT),
    ("c2d.w", "input width (columns)", limits.MAX_WIDTH),
    ("c2d.cin", "input channels", limits.MAX_CHANNELS),
    ("c2d.kh", "kernel height", limits.MAX_KERNEL),
    ("c2d.kw", "kernel width", limits.MAX_KERNEL),
    ("c2d.cout", "output channels", limits.MAX_CHANNELS),
    ("c2d.ikh", "kernel height", limits.MAX_IMAGE_KERNEL),
    ("c2d.ikw", "kernel width", limits.MAX_IMAGE_KERNEL),
)  # fmt: skip
_SOURCE = Control("c2d.src", None, "picture", "choice", "built-in",
                  options=("built-in", "upload your own"), widget="radio")  # fmt: skip
_FORWARD2 = Controls(
    (_H, _W, _C2IN, _KH2, _KW2, _C2OUT, stride_control("c2d.s.sy", "sy", "stride y (rows)"),
     stride_control("c2d.s.sx", "sx", "stride x (columns)"), padding_control("c2d.p", "p"),
     dilation_control("c2d.d", "d"), _SOURCE, _IKH, _IKW, stride_control("c2d.is", "is"),
     padding_control("c2d.ip", "ip", default="same"),
     activation_control("c2d.act", "act", ("none", "relu"), label="then apply")),
    (
        TensorSpec("c2d.x", "grid", "Input x (one table per channel)", (_H, _W, _C2IN), "x"),
        TensorSpec("c2d.k", "kernel2d", "Kernel W (one table per input → output channel pair)",
                   (_KH2, _KW2, _C2IN, _C2OUT), "k"),
        TensorSpec("c2d.ik", "kernel2d", "Picture kernel", (_IKH, _IKW, None, None), "ik"),
    ),
)  # fmt: skip
_ADDED2 = _added(
    "c2d", 2, ("Grids of vectors", "Pictures", "Gradients"), ("grids", "pictures", "grads"),
    position_controls("c2d.pos", ("at0", "at1"), ("output row", "output column"),
                      (limits.MAX_HEIGHT, limits.MAX_WIDTH)),
)  # fmt: skip
CONV2D_CONTROLS = _FORWARD2 + _ADDED2.controls
CONV2D_SCHEMA = CONV2D_CONTROLS.schema(
    check=_same_channels(2, 2), legacy=_ADDED2.controls.added_later(_ADDED2.tables)
)


def conv2d_defaults() -> dict:
    """Page 2's reference setup: a 5 x 4 grid of 3-vectors holding 1..60, a (4, 2, 3, 1) kernel
    of 1..24, strides 1, VALID; the pictures tab's Sobel x kernel, stride 1, SAME, no activation.
    """
    x, kernel, _ = reference_convolution(2)
    return {
        "x": x[0], "k": kernel, "ik": classic_kernel("Sobel x"), "sy": 1, "sx": 1,
        "p": "valid", "d": 1, "is": 1, "ip": "same", "act": "none",
    } | _ADDED2.defaults()  # fmt: skip


# --- Page 8, part 1: down-sampling a grid (docs/lesson.md, section 8) ----------------------------
_GH, _GW, _GC = _sizes(
    ("p8.h", "grid height (rows)", limits.MAX_HEIGHT),
    ("p8.w", "grid width (columns)", limits.MAX_WIDTH),
    ("p8.c", "channels (vector size)", limits.MAX_CHANNELS),
)  # fmt: skip
GRID_CONTROLS = Controls(
    (_GH, _GW, _GC, size_control("p8.ky", "window height", limits.MAX_KERNEL, 2, "ky"),
     size_control("p8.kx", "window width", limits.MAX_KERNEL, 2, "kx"),
     stride_control("p8.s.sy", "sy", "stride y (rows)", 2),
     stride_control("p8.s.sx", "sx", "stride x (columns)", 2), pool_kind_control("p8.kind", "k"),
     padding_control("p8.p", "p")),
    (TensorSpec("p8.x", "grid", "Input grid x (one table per channel)", (_GH, _GW, _GC), "x"),),
)  # fmt: skip
"""Page 8's first tab; its link also holds the model part's fields (``model_page_setups``)."""


def pooling_grid() -> np.ndarray:
    """Section 8's worked grid, (4, 4, 3): 1..48 in order, except that three vectors of the
    top-left window are swapped so that each channel's maximum sits in a different cell
    (2 x 2 max pooling, stride 2, gives (16, 17, 18) (22, 23, 24) / (40, 41, 42) (46, 47, 48))."""
    grid = np.arange(1, 49, dtype=np.float64).reshape(4, 4, 3)
    grid[0, 0, 1], grid[1, 1, 1] = grid[1, 1, 1], grid[0, 0, 1]
    grid[1, 0, 2], grid[1, 1, 2] = grid[1, 1, 2], grid[1, 0, 2]
    return grid


def grid_defaults() -> dict:
    """Page 8's grid part: the worked grid, 2 x 2 max windows with stride 2, VALID."""
    return {"x": pooling_grid(), "ky": 2, "kx": 2, "sy": 2, "sx": 2, "k": "max", "p": "valid"}
