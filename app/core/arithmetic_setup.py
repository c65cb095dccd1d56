"""Page 9's link setup (docs/lesson.md, section 9, convolution arithmetic), as plain data: its
controls, tables, link schema and defaults, declared as ``app.core.controls`` declares them.
The page (pages/9_conv_arithmetic.py) draws these controls; the teaching tools
(``app.core.page_setups``) read its setup without running it.

Link fields: ``tab``; the output-size tab's ``n``, ``k``, ``s``, ``d``, ``pm`` (padding mode),
``p``; the transposed tab's ``ty`` (n,), ``tw`` (k,), ``ts``, ``td``, ``tpm``, ``tp``, ``ta``
(output padding); the guide's ``rel`` and ``gi``, ``gk``, ``gs``, ``gp``, ``gd``; the
cross-correlation tab's ``cv`` (n,) and ``cw`` (k,).
"""

from __future__ import annotations

import numpy as np

from app.core import limits
from app.core.controls import Control, Controls, TensorSpec, Widget
from app.core.conv_arithmetic import PADDING_MODE_LABELS, PADDING_MODES
from app.core.conv_controls import dilation_control, size_control, stride_control, tab_control
from app.core.guide_relationships import RELATIONSHIPS


def _number(
    key: str, field: str, label: str, default: int, high: int, low: int = 1,
    widget: Widget = "number",
) -> Control:  # fmt: skip
    return Control(key, field, label, "int", default, low, high, step=1, widget=widget)


def _padding_mode(key: str, field: str) -> Control:
    return Control(key, field, "padding", "choice", "explicit", options=PADDING_MODES,
                   option_labels=PADDING_MODE_LABELS, widget="radio")  # fmt: skip


# Tab 1, one axis: the guide's figure 2.6 (input 5, kernel 3, stride 2, one zero each side -> 3).
N = _number("c9.n", "n", "input size n", 5, limits.MAX_LENGTH)
KERNEL = _number("c9.k", "k", "kernel size k", 3, limits.MAX_KERNEL, widget="slider")
STRIDE = stride_control("c9.s", "s", default=2)
DILATION = dilation_control("c9.d", "d")
PADDING_MODE = _padding_mode("c9.pm", "pm")
PADDING = _number("c9.p", "p", "p (zeros on each side)", 1, limits.MAX_PADDING, 0)
# Tab 2, a transposed convolution of 3 numbers: the guide's figure 4.6 sizes (3 -> 5).
T_LENGTH = size_control("c9.tn", "input length n", limits.MAX_LENGTH)
T_KERNEL = size_control("c9.tk", "kernel size k", limits.MAX_KERNEL, widget="slider")
T_STRIDE = stride_control("c9.ts", "ts", default=2)
T_DILATION = dilation_control("c9.td", "td")
T_PADDING_MODE = _padding_mode("c9.tpm", "tpm")
T_PADDING = _number("c9.tp", "tp", "p (cut from each side)", 1, limits.MAX_PADDING, 0)
T_EXTRA = _number("c9.ta", "ta", "output padding a", 0, limits.MAX_STRIDE - 1, 0)
TY = TensorSpec("c9.ty", "vector", "Input y", (T_LENGTH,), "ty")
TW = TensorSpec("c9.tw", "vector", "Kernel w", (T_KERNEL,), "tw")
TY_DEFAULT, TW_DEFAULT = np.array([1.0, -1.0, 2.0]), np.array([1.0, 2.0, 3.0])
# Tab 3, the guide's relationships: which one, and i, k, s, p, d (it fixes some of them).
RELATION = Control(
    "c9.rel", "rel", "relationship", "choice", "6",
    options=tuple(str(r.number) for r in RELATIONSHIPS),
    option_labels=tuple(r.label for r in RELATIONSHIPS), widget="select",
)  # fmt: skip
GUIDE = {
    "i": _number("c9.gi", "gi", "input size i", 5, limits.MAX_LENGTH),
    "k": _number("c9.gk", "gk", "kernel size k", 3, limits.MAX_KERNEL, widget="slider"),
    "s": stride_control("c9.gs", "gs", default=2),
    "p": _number("c9.gp", "gp", "padding p", 1, limits.MAX_PADDING, 0),
    "d": dilation_control("c9.gd", "gd"),
}
# Tab 4, cross-correlation and convolution of the same numbers.
C_LENGTH = size_control("c9.cn", "input length", limits.MAX_LENGTH)
C_KERNEL = size_control("c9.ck", "kernel length", limits.MAX_KERNEL, widget="slider")
CV = TensorSpec("c9.cv", "vector", "Input x", (C_LENGTH,), "cv")
CW = TensorSpec("c9.cw", "vector", "Kernel w", (C_KERNEL,), "cw")
CV_DEFAULT, CW_DEFAULT = np.array([3.0, 1, 4, 1, 5, 9, 2, 6]), np.array([1.0, 2.0, 3.0])
TABS = (
    "Output size",
    "Transposed convolution",
    "The guide's relationships",
    "Convolution or cross-correlation?",
)
TAB_WORDS = ("size", "transposed", "guide", "flip")
TAB = tab_control("c9.tab", "tab", TABS, TAB_WORDS)
CONTROLS = Controls(
    (TAB, N, KERNEL, STRIDE, DILATION, PADDING_MODE, PADDING, T_LENGTH, T_KERNEL, T_STRIDE,
     T_DILATION, T_PADDING_MODE, T_PADDING, T_EXTRA, RELATION, *GUIDE.values(), C_LENGTH,
     C_KERNEL),
    (TY, TW, CV, CW),
)  # fmt: skip
SCHEMA = CONTROLS.schema()
TABLES = ((TY, TY_DEFAULT), (TW, TW_DEFAULT), (CV, CV_DEFAULT), (CW, CW_DEFAULT))
"""The page's tables and what they hold when it opens."""


def arithmetic_defaults() -> dict:
    """Page 9's link state as it opens: input 5, kernel 3, stride 2, one zero each side; the
    transposed convolution of [1, -1, 2] by [1, 2, 3]; relationship 6; [3, 1, 4, 1, 5, 9, 2, 6]
    correlated with [1, 2, 3]."""
    return CONTROLS.share_state({spec.value_key: value.copy() for spec, value in TABLES})


FIELD_TABS = {
    "Output size": ("n", "k", "s", "d", "pm", "p"),
    "Transposed": ("ty", "tw", "ts", "td", "tpm", "tp", "ta"),
    "Guide": ("rel", "gi", "gk", "gs", "gp", "gd"),
    "Cross-correlation": ("cv", "cw"),
}
"""Each tab's fields, under a short name of the tab (a phone shows the labels whole)."""


def field_labels() -> dict[str, str]:
    """Each field's label with its tab's name: several tabs have a "stride" or a "Kernel w"."""
    labels = {c.field: c.label for c in CONTROLS if c.field} | {
        t.field: t.label for t in CONTROLS.tensors if t.field
    }
    return {name: f"{tab}: {labels[name]}" for tab, names in FIELD_TABS.items() for name in names}
