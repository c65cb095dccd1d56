"""The receptive-field grids (app.figures.receptive_field), checked on their Plotly JSON."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from app.figures import receptive_field as rff

IMAGE = np.array([[0, 1, 1, 0], [0, 2, 2, 0], [0, 1, 1, 0]])
TOP = np.array([[0, 1]])


def grid(counts: np.ndarray, box, selected: bool = False) -> dict:
    built = rff.paths_grid_figure(counts, title="map", box=box, top=2, rows=3, selected=selected)
    return go.Figure(built.to_dict()).to_dict()  # re-validated: the builder skips it


def test_a_map_is_drawn_with_its_counts_written_in_the_cells():
    spec = grid(IMAGE, ((0, 2), (1, 2)))
    heatmap, written = spec["data"]
    assert np.array(heatmap["z"]).tolist() == IMAGE.tolist()
    assert list(written["text"]) == ["0", "1", "1", "0", "0", "2", "2", "0", "0", "1", "1", "0"]
    assert list(grid(TOP, ((0, 0), (1, 1)), selected=True)["data"][1]["text"]) == ["0", "✓"]
    assert spec["layout"]["title"]["text"] == "map"


def test_paths_use_one_sequential_scale_and_cells_stay_square_and_alike():
    for spec in (grid(IMAGE, ((0, 2), (1, 2))), grid(TOP, ((0, 0), (1, 1)))):
        heatmap = spec["data"][0]
        assert heatmap["zmin"] == 0 and heatmap["zmax"] == 2
        assert heatmap["colorscale"][0][1] == rff.PATHS[0]
        axis = spec["layout"]["yaxis"]
        assert axis["scaleanchor"] == "x" and axis["range"] == [2.5, -0.5]
        assert spec["layout"]["height"] == 3 * rff.CELL + 110


def test_the_box_is_outlined():
    (box,) = grid(IMAGE, ((0, 2), (1, 2)))["layout"]["shapes"]
    assert (box["x0"], box["x1"], box["y0"], box["y1"]) == (0.5, 2.5, -0.5, 2.5)
    assert box["line"]["color"] == rff.OUTLINE
