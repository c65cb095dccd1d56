"""Editable tensors: ``init_tensor`` + ``tensor_editor``, one ``st.data_editor`` per tensor
showing one 2D slice at a time (a picker chooses which, when there are several).

How a tensor editor keeps state (all keys start with the tensor's ``name``):

- ``{name}.value``   the last *valid* tensor, a NumPy array: what the page computes with.
- ``{name}.version`` bumped whenever the tables must show new data (preset, resize, link); it is
  part of every table's widget key, so Streamlit drops the old edits with the old widgets.
- ``{name}.v{version}.t{i}``  the ``st.data_editor`` of table ``i`` (see ``editor_key``), drawn
  while the picker ``{name}.table`` (``table_picker_key``) shows table ``i``; tests pick it, then
  drive it with ``at.session_state[key] = {"edited_rows": ..., "added_rows": [],
  "deleted_rows": []}``.
- Shapes live in the size controls' own keys (``TensorSpec.size_keys``); two tensors that share a
  size control (input channels = kernel input channels) always agree on that axis.

``TensorSpec`` (what a tensor is: its name, kind, label, size controls and link field) is plain
data, declared with the page's controls: ``app.core.controls``.

Cutting a tensor into tables and checking the edits is plain logic: ``app.core.tensor_tables``;
the values a preset fills in: ``app.core.presets``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from app.core import limits
from app.core.controls import TensorSpec
from app.core.presets import preset_value, presets_for
from app.core.table_edits import TableRules
from app.core.tensor_tables import (
    LAYOUTS,
    frames_to_tensor,
    resize,
    summarize_errors,
    tensor_to_frames,
)
from app.widgets.edit_guard import guard_edits
from app.widgets.locks import is_locked

# Number columns in pixels, narrow enough that every column shows at 1400 px (the defaults sized
# each column by its header and hid the last ones): six channels fit half the page (the
# tutorial's five also a 390 px phone), and a grid's 16 columns (limits.MAX_WIDTH) the whole
# width in the narrower size. A header ("ch 0", "col 0") needs its characters plus the edit icon.
CELL_WIDTH = 56
HEADER_CHAR_PX = 8
HEADER_ICON_PX = 22
NARROW_CELL_WIDTH = 50


def editor_key(name: str, version: int, table: int = 0) -> str:
    """Widget key of table ``table`` of tensor ``name`` at ``version`` (for tests and pages)."""
    return f"{name}.v{version}.t{table}"


def table_picker_key(name: str) -> str:
    """Key of the picker choosing which table of tensor ``name`` is shown."""
    return f"{name}.table"


@dataclass(frozen=True)
class EditResult:
    """What an editor hands the page: the tensor to compute with, and problems to show."""

    value: np.ndarray  # the last valid tensor (the edits themselves when they are valid)
    errors: tuple[str, ...]  # problems in the tables as they are now; empty when all is well


def init_tensor(spec: TensorSpec, default: np.ndarray) -> None:
    """Set the tensor and its sizes once per session (call before the size controls render).

    Missing sizes are taken from the stored tensor, so a page revisited after its size widgets
    were cleaned up by Streamlit gets sizes that match its tables.
    """
    state = st.session_state
    if spec.value_key not in state:
        state[spec.value_key] = np.asarray(default, dtype=np.float64).copy()
        state[spec.version_key] = 0
    value = state[spec.value_key]
    for key, n in zip(spec.size_keys, value.shape, strict=True):
        if key is not None and key not in state:
            state[key] = int(n)


def set_tensor(spec: TensorSpec, value: np.ndarray, *, sync_sizes: bool = True) -> None:
    """Replace a tensor (preset, share link) and its sizes; the tables start afresh.

    With ``sync_sizes`` the size controls' keys are set to the new shape, which Streamlit only
    allows in widget callbacks and before those controls render in the script body.
    """
    spec.store(value, st.session_state, sync_sizes)


def tensor_value(spec: TensorSpec) -> np.ndarray:
    """The tensor's last valid value."""
    return st.session_state[spec.value_key]


def current_shape(spec: TensorSpec) -> tuple[int, ...]:
    """The shape the size controls ask for (fixed axes keep the stored length)."""
    stored = tensor_value(spec).shape
    return tuple(
        stored[axis] if key is None else int(st.session_state[key])
        for axis, key in enumerate(spec.size_keys)
    )


def tensor_editor(
    spec: TensorSpec,
    *,
    tutorial: np.ndarray | None = None,
    presets: Sequence[str] | None = None,
    help_text: str | None = None,
    default_preset: str | None = None,
) -> EditResult:
    """An editable table for a tensor, with a preset picker and, when the tensor has several 2D
    slices (channels, channel pairs), a picker of the slice shown; returns the tensor to compute
    with. One editor per tensor keeps the page light and every column visible.

    Call ``init_tensor`` first. The tables follow the size controls (cropping or zero-padding
    the last valid tensor when a size changes). Invalid cells (empty, text, NaN, infinite, too
    large) are listed in ``EditResult.errors`` and the previous valid tensor is returned, so the
    page keeps working and every other input stays as the learner left it.
    """
    state = st.session_state
    shape = current_shape(spec)
    if tensor_value(spec).shape != shape:
        # The sizes already say `shape` (they are why we resize), and their widgets are drawn.
        set_tensor(spec, resize(tensor_value(spec), shape), sync_sizes=False)
    st.markdown(f"**{spec.label}** &nbsp; `shape {shape}`")
    if help_text:
        st.caption(help_text)
    options = tuple(presets) if presets is not None else presets_for(spec.kind)
    if tutorial is None:
        options = tuple(p for p in options if p != "tutorial")
    locked = is_locked(spec.name)  # an exercise keeps this table as it set it
    if options and not locked:
        _preset_picker(spec, options, tutorial, default_preset)

    frames = tensor_to_frames(spec.kind, tensor_value(spec))
    version = _guard_tables(spec, frames)
    shown = _pick_table(spec, [title for title, _ in frames])
    # The tables not shown take part unedited: their values are already in the stored tensor.
    edited = [frame for _, frame in frames]
    edited[shown] = st.data_editor(
        frames[shown][1],
        key=editor_key(spec.name, version, shown),
        num_rows="fixed",
        disabled=locked,
        column_config=_column_config(spec.kind, frames[shown][1]),
        width="content",
    )
    value, errors = frames_to_tensor(spec.kind, shape, edited, spec.label)
    if errors:
        st.error(
            f"Some cells of **{spec.label}** need fixing; until then the page uses the last "
            f"valid values.\n\n{summarize_errors(errors)}"
        )
        return EditResult(tensor_value(spec), tuple(errors))
    state[spec.value_key] = value
    return EditResult(value, ())


def _pick_table(spec: TensorSpec, titles: Sequence[str]) -> int:
    """The index of the table to show: a row of choices named by the tables' titles, when there
    is more than one."""
    if len(titles) == 1:
        return 0
    key = table_picker_key(spec.name)
    state = st.session_state
    state[key] = min(max(int(state.get(key, 0)), 0), len(titles) - 1)
    return int(
        st.radio(
            f"Table of {spec.label} to edit", range(len(titles)), key=key, horizontal=True,
            format_func=titles.__getitem__, label_visibility="collapsed",
        )
    )  # fmt: skip


def _column_config(kind: str, frame: pd.DataFrame) -> dict:
    """Row header (not editable) and narrow number columns."""
    narrow = len(frame.columns) > limits.MAX_CHANNELS + 2

    def width(name: str) -> int:
        if narrow:
            return NARROW_CELL_WIDTH
        return max(CELL_WIDTH, HEADER_CHAR_PX * len(name) + HEADER_ICON_PX)

    return {
        "_index": st.column_config.Column(LAYOUTS[kind].row_axis, disabled=True),
        **{
            name: st.column_config.NumberColumn(name, format="%g", width=width(name))
            for name in frame.columns
        },
    }


def _guard_tables(spec: TensorSpec, frames: Sequence[tuple[str, pd.DataFrame]]) -> int:
    """Drop hand-made edits a table cannot take (rows added to these fixed-size tables, rows
    or columns outside them, long text), before the tables are drawn; returns the version to
    draw them at (bumped after a refusal, so a browser drops its copy of the edits too)."""
    state = st.session_state
    version = state[spec.version_key]
    problems = []
    for i, (_, frame) in enumerate(frames):
        rules = TableRules(len(frame), tuple(frame.columns), limits.MAX_NUMBER_CHARS)
        check = guard_edits(editor_key(spec.name, version, i), rules)
        if check.problem is not None:
            problems.append(check.problem)
    if not problems:
        return version
    state[spec.version_key] = version + 1
    st.warning(
        f"An edit of **{spec.label}** was refused: {problems[0]}. The tables show their last "
        "valid values."
    )
    return version + 1


def preset_keys(spec: TensorSpec) -> tuple[str, str]:
    """Keys of the preset picker's values (the preset, its seed), for ``keep_state``."""
    return f"{spec.name}.preset", f"{spec.name}.seed"


def _preset_picker(
    spec: TensorSpec, options: Sequence[str], tutorial: np.ndarray | None, default: str | None
) -> None:
    state = st.session_state
    preset_key, seed_key = preset_keys(spec)
    state.setdefault(preset_key, default if default in options else options[0])
    state.setdefault(seed_key, 0)
    if state[preset_key] not in options:
        state[preset_key] = options[0]
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.selectbox("Fill with", options, key=preset_key, width=200)
        if state[preset_key] == "random integers":
            st.number_input("seed", 0, 10_000, step=1, key=seed_key, width=120)
        st.button(
            "Fill",
            key=f"{spec.name}.apply",
            on_click=_apply_preset,
            args=(spec, tutorial),
            help="Replace the tables with the chosen values",
        )


def _apply_preset(spec: TensorSpec, tutorial: np.ndarray | None) -> None:
    state = st.session_state
    preset_key, seed_key = preset_keys(spec)
    value = preset_value(
        spec.kind, state[preset_key], current_shape(spec), int(state.get(seed_key, 0)), tutorial
    )
    set_tensor(spec, value)
