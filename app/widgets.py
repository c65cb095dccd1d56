"""Shared Streamlit widgets: tensor editors, controls, presets, share links, the shape ledger.

Sections of this module (keep new widgets in the matching section, or add a new one); its pure
helpers live in ``app.core.tensor_tables`` and ``app.core.presets``:

1. (moved to app.core)
2. Tensor editors ``init_tensor`` + ``tensor_editor``: one ``st.data_editor`` per 2D slice
3. Controls       sizes, stride, padding, dilation, pooling kind, activation
4. Window stepper slider + previous/next/play to walk a kernel over its input
5. Share links    restore a page from ``st.query_params`` and write it back, with a copyable URL
6. Shape ledger   shapes, parameter counts and output-size formulas
7. Cached figures ``cached_figure``: a figure builder's result reused while its inputs repeat

How a tensor editor keeps state (all keys start with the tensor's ``name``):

- ``{name}.value``   the last *valid* tensor, a NumPy array: what the page computes with.
- ``{name}.version`` bumped whenever the tables must show new data (preset, resize, link); it is
  part of every table's widget key, so Streamlit drops the old edits with the old widgets.
- ``{name}.v{version}.t{i}``  the ``st.data_editor`` of table ``i`` (see ``editor_key``); tests
  drive it with ``at.session_state[key] = {"edited_rows": ..., "added_rows": [],
  "deleted_rows": []}``.
- Shapes live in the size controls' own keys (``TensorSpec.size_keys``); two tensors that share a
  key (input channels = kernel input channels) always agree on that axis.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from app.core import limits
from app.core.ledger import LedgerRow, ledger_markdown
from app.core.presets import preset_value, presets_for
from app.core.share import Schema, ShareError, decode, encode
from app.core.tensor_tables import (
    KINDS,
    LAYOUTS,
    NDIM,
    frames_to_tensor,
    resize,
    summarize_errors,
    tensor_to_frames,
)
from app.core.training_jobs import TrainingRun
from app.figures import tensors
from app.figures.chart_spec import SpecFigure, spec_of


def editor_key(name: str, version: int, table: int = 0) -> str:
    """Widget key of table ``table`` of tensor ``name`` at ``version`` (for tests and pages)."""
    return f"{name}.v{version}.t{table}"


# =================================================================================================
# 2. Tensor editors
# =================================================================================================


@dataclass(frozen=True)
class TensorSpec:
    """An editable tensor: its session-state prefix, kind, label and the keys of its sizes.

    ``size_keys[i]`` is the session-state key (normally a size control's widget key) holding the
    length of axis ``i``; ``None`` fixes that axis at the length of the default tensor.
    """

    name: str
    kind: str
    label: str
    size_keys: tuple[str | None, ...]

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown tensor kind {self.kind!r}")
        if len(self.size_keys) != NDIM[self.kind]:
            raise ValueError(f"{self.kind} needs {NDIM[self.kind]} size keys")


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
    if f"{spec.name}.value" not in state:
        state[f"{spec.name}.value"] = np.asarray(default, dtype=np.float64).copy()
        state[f"{spec.name}.version"] = 0
    value = state[f"{spec.name}.value"]
    for key, n in zip(spec.size_keys, value.shape, strict=True):
        if key is not None and key not in state:
            state[key] = int(n)


def set_tensor(spec: TensorSpec, value: np.ndarray, *, sync_sizes: bool = True) -> None:
    """Replace a tensor (preset, share link) and its sizes; the tables start afresh.

    With ``sync_sizes`` the size controls' keys are set to the new shape, which Streamlit only
    allows in widget callbacks and before those controls render in the script body.
    """
    value = np.asarray(value, dtype=np.float64).copy()
    state = st.session_state
    state[f"{spec.name}.value"] = value
    state[f"{spec.name}.version"] = state.get(f"{spec.name}.version", 0) + 1
    if sync_sizes:
        for key, n in zip(spec.size_keys, value.shape, strict=True):
            if key is not None:
                state[key] = int(n)


def tensor_value(spec: TensorSpec) -> np.ndarray:
    """The tensor's last valid value."""
    return st.session_state[f"{spec.name}.value"]


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
    per_row: int = 3,
    help_text: str | None = None,
    default_preset: str | None = None,
) -> EditResult:
    """Editable tables for a tensor, with a preset picker; returns the tensor to compute with.

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
    version = state[f"{spec.name}.version"]

    st.markdown(f"**{spec.label}** &nbsp; `shape {shape}`")
    if help_text:
        st.caption(help_text)
    options = tuple(presets) if presets is not None else presets_for(spec.kind)
    if tutorial is None:
        options = tuple(p for p in options if p != "tutorial")
    if options:
        _preset_picker(spec, options, tutorial, default_preset)

    frames = tensor_to_frames(spec.kind, tensor_value(spec))
    layout = LAYOUTS[spec.kind]
    edited: list[pd.DataFrame] = []
    n_cols = max(1, min(per_row, len(frames)))
    for start in range(0, len(frames), n_cols):
        columns = st.columns(n_cols)
        for offset, (title, frame) in enumerate(frames[start : start + n_cols]):
            with columns[offset]:
                if title:
                    st.caption(title)
                edited.append(
                    st.data_editor(
                        frame,
                        key=editor_key(spec.name, version, start + offset),
                        num_rows="fixed",
                        column_config={
                            "_index": st.column_config.Column(layout.row_axis, disabled=True),
                            **{
                                name: st.column_config.NumberColumn(name, format="%g")
                                for name in frame.columns
                            },
                        },
                    )
                )
    value, errors = frames_to_tensor(spec.kind, shape, edited, spec.label)
    if errors:
        st.error(
            f"Some cells of **{spec.label}** need fixing; until then the page uses the last "
            f"valid values.\n\n{summarize_errors(errors)}"
        )
        return EditResult(tensor_value(spec), tuple(errors))
    state[f"{spec.name}.value"] = value
    return EditResult(value, ())


def _preset_picker(
    spec: TensorSpec, options: Sequence[str], tutorial: np.ndarray | None, default: str | None
) -> None:
    state = st.session_state
    preset_key, seed_key = f"{spec.name}.preset", f"{spec.name}.seed"
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
    value = preset_value(
        spec.kind,
        state[f"{spec.name}.preset"],
        current_shape(spec),
        int(state.get(f"{spec.name}.seed", 0)),
        tutorial,
    )
    set_tensor(spec, value)


# =================================================================================================
# 3. Controls
# =================================================================================================

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


def _default(key: str, value: Any) -> None:
    # Widgets read their value from session state; setting it once here (not via value=) avoids
    # Streamlit's warning about a widget given both a default and a session-state value.
    st.session_state.setdefault(key, value)


def size_input(key: str, label: str, low: int, high: int, default: int | None = None,
               help: str | None = None) -> int:  # fmt: skip
    """A whole-number size (length, channels, kernel size) clamped to ``[low, high]``."""
    _default(key, low if default is None else default)
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
    _default(key, default)
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
    _default(key, default)
    return st.radio("pooling", POOL_KINDS, key=key, horizontal=True)


def activation_input(
    key: str, default: str = "none", options: Sequence[str] = ACTIVATIONS, label: str = "activation"
) -> str:
    """Activation applied after the convolution."""
    _default(key, default)
    return st.radio(label, tuple(options), key=key, horizontal=True)


# =================================================================================================
# 4. Window stepper
# =================================================================================================

PLAY_SECONDS = 1.2


def play_toggle(key: str) -> bool:
    """A "play" switch. Render it outside the fragment that steps, and give that fragment
    ``run_every=PLAY_SECONDS if playing else None`` so the timer starts and stops with it."""
    _default(key, False)
    return st.toggle("▶ play", key=key, help="Step through every position automatically")


def window_stepper(
    prefix: str, counts: Sequence[int], labels: Sequence[str], playing: bool = False
) -> tuple[int, ...]:
    """Sliders choosing an output position, plus previous/next buttons stepping in reading order
    (last axis fastest, wrapping round). When ``playing`` it advances one step per timer tick.

    Keys: ``{prefix}.{axis}`` for each slider (axis = 0, 1, ...).
    """
    state = st.session_state
    keys = [f"{prefix}.{axis}" for axis in range(len(counts))]
    for key, count in zip(keys, counts, strict=True):
        _default(key, 0)
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
    _default(key, 0)
    st.session_state[key] = min(max(int(st.session_state[key]), 0), count - 1)
    if count == 1:
        st.markdown(f"{label}: **0** (the only one)")
        return 0
    return int(st.radio(label, list(range(count)), key=key, horizontal=True, format_func=str))


# =================================================================================================
# 5. Share links
# =================================================================================================


def restore_from_link(page: str, schema: Schema, apply: Callable[[dict[str, Any]], None]) -> bool:
    """Once per session and page: read ``st.query_params`` and ``apply`` the decoded state.

    Call at the top of the page, before any widget renders (``apply`` writes widget keys). A
    malformed, oversized or tampered link shows a warning and leaves the defaults in place.
    Returns True when a link was applied.
    """
    flag = f"{page}.link_checked"
    if st.session_state.get(flag):
        return False
    st.session_state[flag] = True
    params: dict[str, Any] = {}
    for name in schema.names:
        values = st.query_params.get_all(name)
        # A repeated parameter (?x=1&x=2) is ambiguous: decode() rejects the list.
        if values:
            params[name] = values[0] if len(values) == 1 else values
    state, errors = decode(params, schema)
    if errors:
        st.session_state[f"{page}.link_errors"] = errors
        return False
    if state:
        apply(state)
        return True
    return False


def link_warning(page: str) -> None:
    """Show (once) why a share link could not be used; call where the page shows messages."""
    errors = st.session_state.pop(f"{page}.link_errors", None)
    if errors:
        st.warning(
            "This link's setup could not be used, so the page shows its default example.\n\n"
            + summarize_errors(errors)
        )


def share_link(schema: Schema, state: Mapping[str, Any]) -> None:
    """The "Share this setup" box: writes the setup into the address bar and shows a copyable
    link; explains instead when the setup is too large for a link."""
    st.subheader("Share this setup")
    try:
        params = encode(state, schema)
    except ShareError as error:
        st.info(f"This setup cannot be shared as a link: {error}.")
        return
    if {k: st.query_params.get(k) for k in st.query_params} != params:
        st.query_params.from_dict(params)
    query = "&".join(f"{k}={v}" for k, v in params.items())
    base = st.context.url or ""
    st.caption("Copy this link (the button on the right) to reopen the page exactly as it is now.")
    st.code(f"{base}?{query}", language=None, wrap_lines=True)


# =================================================================================================
# 6. Shape ledger
# =================================================================================================


def show_ledger(
    rows: Sequence[LedgerRow], formulas: Sequence[str] = (), heading: str = "Shape ledger"
) -> None:
    """Shapes stage by stage with parameter counts, then output-size formulas (LaTeX)."""
    st.subheader(heading)
    st.markdown(ledger_markdown(rows))
    for formula in formulas:
        st.latex(formula)


# =================================================================================================
# 7. Cached figures
# =================================================================================================


def cached_figure(builder: str, *args: Any, **kwargs: Any) -> Any:
    """``app.figures.tensors.<builder>(*args, **kwargs)``, reused while the same inputs come back.

    Most reruns change one figure of a page (the output) and leave the others (input, kernel)
    as they were; rebuilding those costs ~10 ms each, and drawing a ``go.Figure`` deep-copies
    it. The figure is cached as its plain JSON dict (``st.cache_data``: every session gets its
    own copy) and drawn through a read-only ``SpecFigure``.
    """
    return SpecFigure(_cached_spec(builder, args, tuple(sorted(kwargs.items()))))


@st.cache_data(max_entries=128, show_spinner=False)
def _cached_spec(builder: str, args: tuple, kwargs: tuple) -> dict:
    return spec_of(getattr(tensors, builder)(*args, **dict(kwargs)))


def run_figure(run: TrainingRun, name: Any, build: Callable[[], Any]) -> SpecFigure:
    """A figure of a training run, built once per run and ``name`` and kept as its JSON.

    Drawing a ``go.Figure`` again deep-copies it on every rerun (10-25 ms for the animations);
    a ``SpecFigure`` of its JSON only pays for the encoding.
    """
    return run.memo(name, lambda: SpecFigure(spec_of(build())))
