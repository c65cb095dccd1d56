"""Click to explore: charts whose cells can be clicked, and the cell a click picked.

``clickable_chart`` draws a figure made clickable by ``app.figures.click_layer`` with
``on_select="rerun"``: a click reruns the script (or the fragment holding the chart) with the
chart's selection in ``st.session_state[key]``. ``clicked_cell(key)`` reads that selection at
the top of the next run, *before* the widgets the click moves (a stepper's sliders) are drawn,
and returns each click once: the selection stays in the chart until it is drawn anew, so the
click last handled is remembered until the chart reports no selection.

Keyboard users keep the steppers' sliders and buttons; a click is a shortcut to them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import streamlit as st

from app.widgets.charts import plotly_chart
from app.widgets.controls import set_default


def _points(state: Any) -> list:
    """The selected points of a chart's state (a ``PlotlyState``, or a dict in tests)."""
    try:
        points = state["selection"]["points"]
    except (KeyError, TypeError, IndexError):
        return []
    return points if isinstance(points, list) else []


def clicked_cell(key: str) -> tuple[int, int, int] | None:
    """``(panel, row, column)`` of a click on chart ``key`` not handled yet, else None.

    Call before the widgets the click should move are drawn. Whatever a (hostile) client sends,
    only three whole numbers come out; the caller checks them against its tensor's shape.
    """
    points = _points(st.session_state.get(key))
    if not points:
        return None
    data = points[0].get("customdata") if isinstance(points[0], dict) else None
    try:
        token = json.dumps(data, sort_keys=True)
        cell = tuple(int(v) for v in data)
    except (TypeError, ValueError, OverflowError):
        return None
    handled = f"{key}.handled"
    if len(cell) != 3 or st.session_state.get(handled) == token:
        return None
    st.session_state[handled] = token
    return cell  # type: ignore[return-value]


def clickable_chart(figure: Any, key: str, alt: str, container: Any = None) -> None:
    """Draw ``figure`` (made clickable) so that a click on a cell reruns with it selected;
    ``alt`` is the chart's accessible name."""
    target = container if container is not None else st
    event = plotly_chart(
        target, figure, key=key, on_select="rerun", selection_mode="points", alt=alt
    )
    if not _points(event):
        st.session_state.pop(f"{key}.handled", None)


def select_position(keys: tuple[str, ...], index: tuple[int, ...], counts: tuple[int, ...]) -> bool:
    """Move a window stepper (its slider ``keys``) to ``index`` when it lies inside ``counts``;
    call before the stepper is drawn. Returns whether it moved."""
    if len(index) != len(keys) or not all(0 <= i < n for i, n in zip(index, counts, strict=True)):
        return False
    for key, i in zip(keys, index, strict=True):
        set_default(key, 0)
        st.session_state[key] = int(i)
    return True


def explore_clicks(
    name: str,
    output_keys: tuple[str, ...],
    out_shape: tuple[int, ...],
    output_cell: Callable[[int, int, int], tuple[int, ...]],
    in_shape: tuple[int, ...],
    input_cell: Callable[[int, int, int], tuple[int, ...]],
) -> tuple[int, ...] | None:
    """Click to explore on a page's input and output charts (keys ``{name}.fig.x`` and
    ``{name}.fig.y``): a click on an output cell moves the stepper (``output_keys``, through
    ``output_cell(panel, row, col)``, checked against ``out_shape``) and ends the probe; a click
    on an input cell (``input_cell``, checked against ``in_shape``) probes it. Call before the
    stepper is drawn; returns the probed input cell, if any."""
    probe_key = f"{name}.probe"
    hit = clicked_cell(f"{name}.fig.y")
    if hit is not None and select_position(output_keys, output_cell(*hit), out_shape):
        st.session_state.pop(probe_key, None)
    hit = clicked_cell(f"{name}.fig.x")
    if hit is not None:
        cell = input_cell(*hit)
        if len(cell) == len(in_shape) and all(
            0 <= i < n for i, n in zip(cell, in_shape, strict=True)
        ):
            st.session_state[probe_key] = cell
    probe = st.session_state.get(probe_key)
    if probe is None or len(probe) != len(in_shape):
        return None
    if not all(0 <= i < n for i, n in zip(probe, in_shape, strict=True)):
        st.session_state.pop(probe_key, None)  # the input shrank under it
        return None
    return tuple(probe)


def probe_note(name: str, sentence: str) -> None:
    """What a probed input cell feeds, with a button that ends the probe."""
    with st.container(horizontal=True, vertical_alignment="center"):
        st.info(sentence)
        st.button("Clear", key=f"{name}.probe.clear", on_click=st.session_state.pop,
                  args=(f"{name}.probe", None), help="Stop showing the outputs this cell feeds")  # fmt: skip


CLICK_HINT = (
    "Click an output cell to select it (the stepper follows); click an input cell to outline "
    "every output it feeds."
)
