"""The window stepper: sliders plus previous/next to walk a kernel (or a pooling window) over
its input, one output position at a time; the output-channel picker; and the kernel's every
stop as an animation played in the browser (``kernel_animation``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import streamlit as st

from app.core import limits
from app.core.window_steps import conv_steps
from app.figures.chart_spec import SpecFigure
from app.figures.stepping import conv1d_animation, conv2d_animation
from app.widgets.charts import plotly_chart
from app.widgets.controls import set_default
from app.widgets.expanders import lazy_expander
from cnndemo import explain

PLAY_LABEL = "▶ Play the kernel over every stop (it runs in your browser)"


def play_key(key: str) -> str:
    """The key of the expander holding the animation keyed ``key`` (True while open)."""
    return f"{key}.open"


def kernel_animation(
    key: str,
    x: np.ndarray,
    kernel: np.ndarray,
    out: np.ndarray,
    stride: int | tuple[int, int],
    padding: str,
    dilation: int,
) -> None:
    """Every stop of the kernel over ``x`` as a Plotly animation: its slider and play button
    run in the browser, so stepping and playing need no server round trip (the sliders of
    ``window_stepper`` above it pick a stop for the written-out sum).

    It sits in a lazy expander (``PLAY_LABEL``, keyed ``play_key(key)``), built only while
    open. A changed chart is mounted anew and drawn twice by Streamlit's Plotly component
    (benchmarks/README.md), and the animation changes with every stride, padding or size:
    with it drawn, a stride change on pages 1 and 2 took 0.39-0.44 s in Chromium, without it
    0.28-0.32 s.

    ``x``: one example, (width, in) or (height, width, in); ``kernel``: (k_w, in, out) or
    (k_h, k_w, in, out); ``out``: the engine's output of that example.
    """

    def animation() -> None:
        spec = _animation_spec(x, kernel, out, stride, padding, dilation)
        plotly_chart(st, SpecFigure(spec), key=key)
        stops = math.prod(out.shape)
        st.caption(
            "▶ play runs through every output, about 20 a second; drag the slider under the "
            "chart to any one. Each frame outlines the window and the output cell and gives the "
            "engine's sum."
            + (f" The animation holds the first {limits.MAX_ANIMATION_STEPS} of {stops} outputs."
               if stops > limits.MAX_ANIMATION_STEPS else "")
        )  # fmt: skip

    lazy_expander(PLAY_LABEL, animation, key=play_key(key))


@st.cache_data(max_entries=32, show_spinner=False)
def _animation_spec(x, kernel, out, stride, padding, dilation) -> dict:
    steps = conv_steps(x, kernel, stride, padding, dilation)
    pads = explain.conv_plan(x.shape[:-1], kernel.shape[:-2], stride, padding, dilation).pads
    if x.ndim == 2:
        return dict(conv1d_animation(x, out, steps, pads[0]).spec)
    return dict(conv2d_animation(x, out, steps, pads).spec)


def stepper_keys(prefix: str, axes: int) -> list[str]:
    """Keys of a ``window_stepper``'s sliders (for ``keep_state``)."""
    return [f"{prefix}.{axis}" for axis in range(axes)]


def window_stepper(prefix: str, counts: Sequence[int], labels: Sequence[str]) -> tuple[int, ...]:
    """Sliders choosing an output position, plus previous/next buttons stepping in reading order
    (last axis fastest, wrapping round).

    Keys: ``stepper_keys(prefix, len(counts))``, ``{prefix}.{axis}`` for each slider.
    """
    state = st.session_state
    keys = stepper_keys(prefix, len(counts))
    for key, count in zip(keys, counts, strict=True):
        set_default(key, 0)
        state[key] = min(max(int(state[key]), 0), count - 1)
    with st.container(horizontal=True, vertical_alignment="bottom"):
        for key, count, label in zip(keys, counts, labels, strict=True):
            if count > 1:
                st.slider(label, 0, count - 1, key=key, width=260)
            else:
                st.markdown(f"{label}: **0** (the only one)")
        st.button("◀ previous", key=f"{prefix}.prev", on_click=_step, args=(keys, counts, -1))
        st.button("next ▶", key=f"{prefix}.next", on_click=_step, args=(keys, counts, +1))
    return tuple(int(state[key]) for key in keys)


def _step(keys: Sequence[str], counts: Sequence[int], direction: int) -> None:
    state = st.session_state
    flat = int(np.ravel_multi_index([int(state[k]) for k in keys], tuple(counts)))
    flat = (flat + direction) % math.prod(counts)
    for key, index in zip(keys, np.unravel_index(flat, tuple(counts)), strict=True):
        state[key] = int(index)


def choose_channel(key: str, count: int, label: str = "output channel") -> int:
    """Pick one of ``count`` channels (radio buttons; plain text when there is only one)."""
    set_default(key, 0)
    st.session_state[key] = min(max(int(st.session_state[key]), 0), count - 1)
    if count == 1:
        st.markdown(f"{label}: **0** (the only one)")
        return 0
    return int(st.radio(label, list(range(count)), key=key, horizontal=True, format_func=str))
