"""Controls every section shares: sizes, stride, padding, dilation, pooling kind, activation.

Each control reads and writes its own widget key in ``st.session_state``; a default is set once
(``set_default``), and ``keep_state`` keeps the values of controls that are not drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

from app.core import limits

PADDING_LABELS = {"valid": "VALID (no padding)", "same": "SAME (zero padding)"}


POOL_KINDS = ("max", "min", "avg")


ACTIVATIONS = ("none", "relu", "sigmoid", "tanh")


def keep_state(keys: Sequence[str]) -> None:
    """Keep these widgets' values while they are not drawn (a closed tab, another page).

    Streamlit forgets a widget's value after a run that did not draw it; re-assigning the value
    before the widget is drawn makes it ordinary session state, which persists. Call at the top
    of a page. Not for ``st.data_editor`` keys (their state cannot be assigned).
    """
    state = st.session_state
    for key in keys:
        if key in state:
            state[key] = state[key]


def set_default(key: str, value: Any) -> None:
    """A widget's starting value, written to session state once."""
    # Widgets read their value from session state; setting it once here (not via value=) avoids
    # Streamlit's warning about a widget given both a default and a session-state value.
    st.session_state.setdefault(key, value)


def size_input(key: str, label: str, low: int, high: int, default: int | None = None,
               help: str | None = None) -> int:  # fmt: skip
    """A whole-number size (length, channels, kernel size) clamped to ``[low, high]``."""
    set_default(key, low if default is None else default)
    st.session_state[key] = min(max(int(st.session_state[key]), low), high)
    return int(st.number_input(label, low, high, step=1, key=key, help=help))


def stride_input(key: str, label: str = "stride", default: int = 1) -> int:
    """Stride: how far the kernel moves between outputs."""
    return size_input(key, label, 1, limits.MAX_STRIDE, default, help="Step between windows")


def stride2d_inputs(prefix: str, default: tuple[int, int] = (1, 1)) -> tuple[int, int]:
    """Separate row (y) and column (x) strides; keys ``{prefix}.sy`` and ``{prefix}.sx``."""
    sy = stride_input(f"{prefix}.sy", "stride y (rows)", default[0])
    sx = stride_input(f"{prefix}.sx", "stride x (columns)", default[1])
    return sy, sx


def dilation_input(key: str, default: int = 1) -> int:
    """Dilation: the gap between kernel taps (1 = taps side by side)."""
    return size_input(key, "dilation", 1, limits.MAX_DILATION, default,
                      help="1 = ordinary convolution; 2 = skip every other cell")  # fmt: skip


def padding_input(key: str, default: str = "valid") -> str:
    """VALID or SAME padding (TensorFlow's rule)."""
    set_default(key, default)
    return st.radio(
        "padding",
        tuple(PADDING_LABELS),
        key=key,
        format_func=PADDING_LABELS.__getitem__,
        horizontal=True,
        help="SAME pads with zeros so that output length = ceil(input length / stride)",
    )


def pool_kind_input(key: str, default: str = "max") -> str:
    """Pooling kind: max (ANY of the features), min (ALL of them) or avg."""
    set_default(key, default)
    return st.radio("pooling", POOL_KINDS, key=key, horizontal=True)


def activation_input(
    key: str, default: str = "none", options: Sequence[str] = ACTIVATIONS, label: str = "activation"
) -> str:
    """Activation applied after the convolution."""
    set_default(key, default)
    return st.radio(label, tuple(options), key=key, horizontal=True)
