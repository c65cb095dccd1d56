"""app.figures.click_layer: every real cell of every heatmap panel gets exactly one invisible,
clickable point naming (panel, row, column) in the tensor's own indices; padding gets none."""

from __future__ import annotations

import copy

import numpy as np
import plotly.graph_objects as go

from app.core.pool_windows import explain_pool
from app.figures import pooling, tensors
from app.figures.chart_spec import spec_of
from app.figures.click_layer import clickable


def points(spec: dict) -> list[tuple[int, int, int]]:
    return [tuple(c) for t in spec["data"] if t.get("mode") == "markers" for c in t["customdata"]]


def test_grid_cells_are_named_in_the_grids_own_indices_and_padding_is_skipped():
    grid = np.arange(24, dtype=float).reshape(2, 4, 3)
    spec = spec_of(tensors.grid_figure(grid, title="x", padding=((1, 1), (0, 2))))
    original = copy.deepcopy(spec)
    made = clickable(spec)
    assert spec == original  # a cached spec is never changed
    assert sorted(points(made)) == sorted(np.ndindex(3, 2, 4))  # (panel = channel, row, col)
    layer = [t for t in made["data"] if t.get("mode") == "markers"][0]
    assert layer["marker"]["color"] == "rgba(0,0,0,0)"  # invisible
    assert set(zip(layer["x"], layer["y"], strict=True)) == {(c, r + 1) for r in range(2)
                                                            for c in range(4)}  # fmt: skip
    # The axes keep their cells' extent (the markers must not widen them), rows top to bottom.
    assert made["layout"]["yaxis"]["range"] == [3.5, -0.5]
    # Small markers that never overlap, reached from anywhere in their cell.
    assert layer["marker"]["size"] < 10 and made["layout"]["hoverdistance"] >= 60
    go.Figure(made)  # plotly's own validation


def test_kernel_and_pooling_figures():
    kernel = tensors.kernel1d_figure(np.ones((3, 2, 2)), title="W")
    assert sorted(points(clickable(spec_of(kernel)))) == sorted(
        (o, j, c) for o in range(2) for j in range(3) for c in range(2)
    )
    result = explain_pool(np.arange(48, dtype=float).reshape(4, 4, 3), (2, 2), (2, 2))
    pooled = clickable(spec_of(pooling.pool_output_figure(result, title="y")))
    assert sorted(points(pooled)) == sorted(np.ndindex(3, 2, 2))
    layer = [t for t in pooled["data"] if t.get("mode") == "markers"][0]
    assert layer["text"][0].startswith("15: max of rows 0–1")  # the heatmap's hover text kept
