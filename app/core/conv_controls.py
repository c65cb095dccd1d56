"""The controls of the convolution and pooling pages (sections 1, 2, 8's first part and 9), made
from their declarations: sizes, stride, dilation, padding, pooling kind, activation, the open
tab and a stepper's position.

Each factory returns a ``Control`` (``app.core.controls``) under the page's key and link field,
with the bounds of ``app.core.limits``: the stride of page 2 is ``STRIDE_Y`` / ``STRIDE_X`` in
pages/2_conv2d.py, ``stride_control("c2d.s.sy", "sy", "stride y (rows)")``.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.core import limits
from app.core.controls import Control, Widget

PADDINGS = ("valid", "same")
PADDING_LABELS = ("VALID (no padding)", "SAME (zero padding)")
POOL_KINDS = ("max", "min", "avg")
ACTIVATIONS = ("none", "relu", "sigmoid", "tanh")


def size_control(
    key: str, label: str, high: int, default: int | None = None, field: str | None = None,
    widget: Widget = "number",
) -> Control:  # fmt: skip
    """A whole-number size (length, channels, kernel or window extent) in ``[1, high]``. Most
    sizes shape a table, which carries them in the link (no ``field``). The sizes a learner
    explores (kernel and pooling windows) are sliders (``widget="slider"``); the sizes of the
    tables' data stay number boxes."""
    return Control(key, field, label, "int", default, 1, high, step=1, widget=widget)


def stride_control(key: str, field: str | None, label: str = "stride", default: int = 1) -> Control:
    """Stride: how far the kernel moves between outputs (a slider: it is explored)."""
    return Control(key, field, label, "int", default, 1, limits.MAX_STRIDE, step=1,
                   help="Step between windows", widget="slider")  # fmt: skip


def dilation_control(key: str, field: str | None, default: int = 1) -> Control:
    """Dilation: the gap between kernel taps (1 = taps side by side; a slider)."""
    return Control(key, field, "dilation", "int", default, 1, limits.MAX_DILATION, step=1,
                   help="1 = ordinary convolution; 2 = skip every other cell",
                   widget="slider")  # fmt: skip


def padding_control(key: str, field: str | None, default: str = "valid") -> Control:
    """VALID or SAME padding (TensorFlow's rule)."""
    return Control(
        key, field, "padding", "choice", default, options=PADDINGS, option_labels=PADDING_LABELS,
        widget="radio",
        help="SAME pads with zeros so that output length = ceil(input length / stride)",
    )  # fmt: skip


def pool_kind_control(key: str, field: str | None, default: str = "max") -> Control:
    """Pooling kind: max (ANY of the features), min (ALL of them) or avg."""
    return Control(key, field, "pooling", "choice", default, options=POOL_KINDS, widget="radio")


def activation_control(
    key: str, field: str | None, options: Sequence[str] = ACTIVATIONS,
    label: str = "activation", default: str = "none",
) -> Control:  # fmt: skip
    """Activation applied after the convolution."""
    return Control(key, field, label, "choice", default, options=tuple(options), widget="radio")


def tab_control(
    key: str, field: str | None, labels: Sequence[str], codes: Sequence[str]
) -> Control:
    """Which tab of a page is open (``app.widgets.tabs.lazy_tabs`` draws it): the tab labels are
    its options, and the link writes one plain word per tab."""
    return Control(key, field, "tab", "choice", labels[0], options=tuple(labels),
                   link_codes=tuple(codes), widget="select")  # fmt: skip


def position_controls(
    prefix: str, fields: Sequence[str], labels: Sequence[str], highs: Sequence[int]
) -> tuple[Control, ...]:
    """The position a window stepper (``app.widgets.stepper.window_stepper(prefix, ...)``)
    selects, one whole number per axis in ``[0, high - 1]``, so the link can carry it; the
    stepper narrows the range to the tensor's real size."""
    return tuple(
        Control(f"{prefix}.{axis}", field, label, "int", 0, 0, high - 1, step=1)
        for axis, (field, label, high) in enumerate(zip(fields, labels, highs, strict=True))
    )


def channel_control(key: str, field: str | None, label: str = "output channel") -> Control:
    """The channel ``app.widgets.stepper.choose_channel(key, ...)`` picks, in
    ``[0, MAX_CHANNELS - 1]`` so the link can carry it."""
    return Control(key, field, label, "int", 0, 0, limits.MAX_CHANNELS - 1, step=1)
