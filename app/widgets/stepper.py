"""The window stepper: sliders plus previous/next/play to walk a kernel (or a pooling window)
over its input, one output position at a time, and the output-channel picker."""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

import numpy as np
import streamlit as st

from app.widgets.controls import set_default

PLAY_SECONDS = 1.2


def play_toggle(key: str) -> bool:
    """A "play" switch. Render it outside the fragment that steps, and give that fragment
    ``run_every=PLAY_SECONDS if playing else None`` so the timer starts and stops with it."""
    set_default(key, False)
    return st.toggle("▶ play", key=key, help="Step through every position automatically")


def stepper_keys(prefix: str, axes: int) -> list[str]:
    """Keys of a ``window_stepper``'s sliders (for ``keep_state``)."""
    return [f"{prefix}.{axis}" for axis in range(axes)]


def window_stepper(
    prefix: str, counts: Sequence[int], labels: Sequence[str], playing: bool = False
) -> tuple[int, ...]:
    """Sliders choosing an output position, plus previous/next buttons stepping in reading order
    (last axis fastest, wrapping round). When ``playing`` it advances one step per timer tick.

    Keys: ``stepper_keys(prefix, len(counts))``, ``{prefix}.{axis}`` for each slider.
    """
    state = st.session_state
    keys = stepper_keys(prefix, len(counts))
    for key, count in zip(keys, counts, strict=True):
        set_default(key, 0)
        state[key] = min(max(int(state[key]), 0), count - 1)
    if playing:
        last = state.get(f"{prefix}.last_step", 0.0)
        now = time.monotonic()
        # A timer tick reruns only the fragment; full reruns in between must not also step.
        if now - last >= 0.8 * PLAY_SECONDS:
            _step(keys, counts, +1)
            state[f"{prefix}.last_step"] = now
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
