"""The receptive-field view of the two-layer image models (page 7, and page 8's model tab).

``receptive_field_part(section, input_size, hyperparameters, controls)``: pick a cell of the
top map (layer 2's output on page 7, the pooled map on page 8) with a slider per axis; see every image
pixel it depends on, through both layers, with the number of paths from each pixel written in
it, and the receptive-field size formula for the current kernels and strides with the numbers
filled in, checked against the highlighted region. Geometry only: it needs no training, and
follows the page's hyper-parameters and image size. ``controls`` are
``app.core.receptive_fields.field_controls(prefix)``; the page's share box carries them.
"""

from __future__ import annotations

import streamlit as st

from app.core.controls import Controls
from app.core.receptive_fields import AXES, FieldView, field_view, size_latex
from app.figures.chart_spec import SpecFigure, spec_of
from app.figures.receptive_field import paths_grid_figure
from app.widgets.charts import plotly_chart
from app.widgets.share_box import restore_view_link, view_link_warning

MAPS = {
    7: ("image", "layer 1 output", "layer 2 output"),
    8: ("image", "conv output", "pooled map"),
}
"""What the maps are called, image first."""


@st.cache_data(max_entries=64, show_spinner=False)
def _view_and_figures(
    section: int, hp: tuple, size: tuple[int, int], cell: tuple[int, int]
) -> tuple[FieldView, list[dict]]:
    view = field_view(section, dict(hp), size, cell)
    top = max(int(counts.max()) for counts in view.counts[:-1])
    rows = max(counts.shape[0] for counts in view.counts)
    figures = [
        spec_of(
            paths_grid_figure(
                counts, title=name, box=view.box(index), top=top, rows=rows,
                selected=index == len(view.counts) - 1,
            )
        )
        for index, (counts, name) in enumerate(zip(view.counts, MAPS[section], strict=True))
    ]  # fmt: skip
    return view, figures


def _geometry(hyperparameters: dict) -> tuple:
    """The hyper-parameters as a hashable cache key (sizes become tuples)."""
    return tuple(
        sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in hyperparameters.items())
    )


def _region_words(view: FieldView) -> str:
    (r0, r1), (c0, c1) = view.region
    rows, cols = view.extent
    found = f"The coloured pixels span rows {r0}–{r1} and columns {c0}–{c1}: **{rows} × {cols}**"
    if not view.padded:
        return found + f", exactly the formula's {view.size[0]} × {view.size[1]} ✓."
    return (
        found + f". The formula gives {view.size[0]} × {view.size[1]}: the rest of this cell's "
        "field lies in the SAME padding around the image (zeros), which has no pixels to colour."
    )


def _paths_words(view: FieldView, section: int) -> str:
    top, below = view.taps[1], view.taps[0]
    upper = "layer 2's window" if section == 7 else "the pooling window"
    text = (
        f"**{view.paths} paths** in all: {upper} reads {top} cells, and each of those cells "
        f"reads {below} pixels"
    )
    if view.paths == top * below:
        text += f" ({top} × {below} = {view.paths})."
    else:
        text += f"; {top * below - view.paths} of those {top * below} reads land in padding."
    text += (
        " A pixel read by several of those windows counts once per window: the centre of "
        "overlapping windows has the most paths, so it weighs most in the cell's value."
    )
    if section == 8:
        text += (
            " With max or min pooling only the winning cell's value passes on, but which cell "
            "wins depends on the image: every cell of the window can."
        )
    return text


def _pick_cell(controls: Controls, shape: tuple[int, ...], name: str) -> tuple[int, ...]:
    """One slider per axis of the top map (plain text for an axis of one cell)."""
    state = st.session_state
    cell = []
    with st.container(horizontal=True, vertical_alignment="bottom"):
        for control, count in zip(controls, shape, strict=True):
            value = min(control.clamp(state.get(control.key, control.fallback)), count - 1)
            state[control.key] = value
            if count > 1:
                label = f"{name} {control.label}"
                st.slider(label, 0, count - 1, key=control.key, help=control.help, width=260)
            else:
                st.markdown(f"{name} {control.label}: **0** (the only one)")
            cell.append(int(state[control.key]))
    return tuple(cell)


def receptive_field_part(
    section: int, input_size: tuple[int, int], hyperparameters: dict, controls: Controls
) -> None:
    """The receptive-field view (see the module docstring)."""
    restore_view_link(controls)
    names = MAPS[section]
    st.subheader(f"Receptive field: the pixels behind one cell of the {names[-1]}")
    view_link_warning(controls)
    geometry = _geometry(hyperparameters)
    try:
        view, _ = _view_and_figures(section, geometry, tuple(input_size), (0, 0))
    except ValueError as error:
        st.info(f"No receptive field to show: this model cannot take these images ({error}).")
        return
    st.markdown(
        f"Pick a cell of the {names[-1]}. Every image pixel its value depends on is coloured, "
        "through both layers, and the number in each pixel counts the **paths** from it to "
        "the cell: one per chain of windows that reads it."
    )
    prefix = controls.items[0].key.rsplit(".", 1)[0]
    cell = _pick_cell(controls, view.plans[-1].out_shape, names[-1])
    view, specs = _view_and_figures(section, geometry, tuple(input_size), tuple(cell))
    st.markdown(f"**Paths from each cell to {names[-1]} cell {view.cell}**")
    widths = [counts.shape[1] + 1 for counts in view.counts]
    for index, (column, spec) in enumerate(zip(st.columns(widths), specs, strict=True)):
        plotly_chart(column, SpecFigure(spec), key=f"{prefix}.fig{index}")
    st.markdown(_paths_words(view, section))
    st.markdown("**Receptive-field size**, each axis on its own:")
    for axis in range(len(AXES)):
        st.latex(size_latex(view, axis))
    st.caption(
        "k_l: window size of layer l (kernel, or pooling window), d_l: its dilation (these "
        "models do not dilate, so 1), s_l: its stride. Each layer adds (k_l − 1)·d_l cells, "
        "counted in image pixels: times the strides of the layers below it."
    )
    st.markdown(_region_words(view))
