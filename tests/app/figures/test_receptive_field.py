"""The receptive-field figure (app.figures.receptive_field), checked on its Plotly JSON."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from app.figures import receptive_field as rff

COUNTS = (
    np.array([[0, 1, 1, 0], [0, 2, 2, 0], [0, 1, 1, 0]]),
    np.array([[0, 1, 0], [0, 1, 0]]),
    np.array([[0, 1]]),
)


def figure() -> dict:
    built = rff.receptive_field_figure(
        COUNTS, ("image", "layer 1 output", "layer 2 output"), region=((0, 2), (1, 2))
    )
    return go.Figure(built.to_dict()).to_dict()  # re-validated: the builder skips it


def test_every_map_is_drawn_with_its_counts_written_in_the_cells():
    spec = figure()
    maps = [t for t in spec["data"] if t["type"] == "heatmap"]
    assert [np.array(t["z"]).tolist() for t in maps] == [c.tolist() for c in COUNTS]
    written = [t["text"] for t in spec["data"] if t["type"] == "scatter"]
    assert list(written[0]) == ["0", "1", "1", "0", "0", "2", "2", "0", "0", "1", "1", "0"]
    assert list(written[2]) == ["0", "✓"]
    assert [a["text"] for a in spec["layout"]["annotations"]] == [
        "<b>image</b>", "<b>layer 1 output</b>", "<b>layer 2 output</b>",
    ]  # fmt: skip


def test_paths_use_one_sequential_scale_from_white_and_cells_stay_square():
    spec = figure()
    maps = [t for t in spec["data"] if t["type"] == "heatmap"]
    for trace in maps:
        assert trace["zmin"] == 0 and trace["zmax"] == 2
        assert trace["colorscale"][0][1] == "#ffffff"
    for suffix in ("", "2", "3"):
        axis = spec["layout"][f"yaxis{suffix}"]
        assert axis["scaleanchor"] == f"x{suffix}" and axis["range"] == [2.5, -0.5]


def test_the_region_and_the_selected_cell_are_outlined():
    boxes = figure()["layout"]["shapes"]
    assert [(b["xref"], b["x0"], b["x1"], b["y0"], b["y1"]) for b in boxes] == [
        ("x", 0.5, 2.5, -0.5, 2.5),
        ("x3", 0.5, 1.5, -0.5, 0.5),
    ]
