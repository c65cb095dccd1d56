"""Tensor figures (app.figures.tensors) and the panel conventions of app.figures.base they
follow: what is drawn where, checked on the figure JSON.

Every builder's output is also re-validated by plotly (the builders skip validation for speed).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from app.core import limits
from app.figures import tensors
from app.figures.base import DIVERGING, OUTLINE

X1 = np.arange(1, 21, dtype=float).reshape(4, 5)
K1 = np.arange(1, 31, dtype=float).reshape(3, 5, 2)
X2 = np.arange(1, 61, dtype=float).reshape(5, 4, 3)
K2 = np.arange(1, 25, dtype=float).reshape(4, 2, 3, 1)


def heatmaps(fig: go.Figure) -> list[dict]:
    return [t for t in fig.to_dict()["data"] if t["type"] == "heatmap"]


def texts(fig: go.Figure) -> list[dict]:
    return [t for t in fig.to_dict()["data"] if t["type"] == "scatter"]


def outlines(fig: go.Figure) -> list[dict]:
    """Outline boxes (each drawn twice, halo then line): keep the dark line only."""
    return [
        s
        for s in fig.to_dict()["layout"].get("shapes", [])
        if s["line"]["color"] == OUTLINE and "domain" not in s["xref"]
    ]


ALL_BUILDERS = {
    "sequence": lambda: tensors.sequence_figure(X1, title="Input x", window_rows=[0, 1, 2]),
    "sequence_same": lambda: tensors.sequence_figure(
        X1, title="Input x", padding=(1, 1), window_rows=[0, 1, 2]
    ),
    "kernel1d": lambda: tensors.kernel1d_figure(K1, title="Kernel W", selected_out=1),
    "output1d": lambda: tensors.output1d_figure(X1[:2, :2], title="Output", selected=(1, 0)),
    "vector": lambda: tensors.vector_figure(X1[0], title="v", window_cols=[1, 2]),
    "grid": lambda: tensors.grid_figure(X2, title="Input x", window=([0, 1], [1, 2])),
    "kernel2d": lambda: tensors.kernel2d_figure(K2, title="Kernel W"),
    "output2d": lambda: tensors.output2d_figure(X2[:2, :3, :1], title="y", selected=(0, 0, 0)),
    "image": lambda: tensors.image_figure(np.full((10, 12), 128.0), title="Picture"),
}


@pytest.mark.parametrize("name", ALL_BUILDERS)
def test_every_builder_makes_a_valid_figure_with_title_and_axis_titles(name):
    fig = ALL_BUILDERS[name]()
    go.Figure(fig.to_dict())  # plotly's own validation: raises on any invalid property
    layout = fig.to_dict()["layout"]
    assert layout["title"]["text"]
    assert layout["xaxis"]["title"]["text"]
    assert name == "vector" or layout["yaxis"]["title"]["text"]
    assert layout["yaxis"]["autorange"] == "reversed"


def test_rows_read_top_to_bottom_like_the_table():
    fig = tensors.sequence_figure(X1, title="x")
    (heat,) = heatmaps(fig)
    assert heat["z"][0] == [1, 2, 3, 4, 5]  # row 0 of the data is row 0 of the heatmap ...
    assert fig.layout.yaxis.autorange == "reversed"  # ... and row 0 is drawn at the top
    assert list(fig.layout.yaxis.ticktext) == ["0", "1", "2", "3"]


def test_every_value_is_written_in_its_cell():
    fig = tensors.sequence_figure(X1, title="x")
    (text,) = texts(fig)
    cells = {(y, x): t for x, y, t in zip(text["x"], text["y"], text["text"], strict=True)}
    assert len(cells) == 20
    assert cells[(0, 0)] == "1" and cells[(3, 4)] == "20" and cells[(2, 1)] == "12"


def test_text_colour_is_white_on_dark_cells_and_black_on_light_ones():
    fig = tensors.sequence_figure(np.array([[0.0, 100.0, -100.0, 10.0]]), title="x")
    (text,) = texts(fig)
    colour = dict(zip(text["text"], text["textfont"]["color"], strict=True))
    assert colour["0"] == "#000000"  # white middle of the scale
    assert colour["10"] == "#000000"  # pale blue
    assert colour["100"] == "#ffffff"  # darkest blue
    assert colour["-100"] == "#ffffff"  # darkest red


def test_diverging_scale_is_centred_on_zero_red_to_blue():
    fig = tensors.grid_figure(X2 - 20, title="x")
    axis = fig.to_dict()["layout"]["coloraxis"]
    assert axis["cmin"] == -axis["cmax"] == -40
    assert axis["colorscale"][0][1] == DIVERGING[0] == "#67001f"  # negative: red
    assert axis["colorscale"][-1][1] == "#053061"  # positive: blue
    assert axis["colorscale"][5] == [0.5, "#f7f7f7"]  # zero: white


def test_window_rectangle_covers_the_window_rows_and_every_channel():
    fig = tensors.sequence_figure(X1, title="x", window_rows=[1, 2, 3])
    (box,) = outlines(fig)
    assert (box["x0"], box["x1"], box["y0"], box["y1"]) == (-0.5, 4.5, 0.5, 3.5)
    assert box["xref"] == "x" and box["yref"] == "y"


def test_dilated_window_is_one_box_per_tap():
    fig = tensors.sequence_figure(np.ones((6, 2)), title="x", window_rows=[0, 2, 4])
    boxes = sorted((b["y0"], b["y1"]) for b in outlines(fig))
    assert boxes == [(-0.5, 0.5), (1.5, 2.5), (3.5, 4.5)]


def test_same_padding_rows_are_blank_labelled_pad_and_read_as_zero():
    fig = tensors.sequence_figure(X1, title="x", padding=(1, 2), window_rows=[0, 1, 2])
    (heat,) = heatmaps(fig)
    assert heat["z"][0] == [None] * 5 and heat["z"][-1] == [None] * 5
    assert heat["z"][1] == [1, 2, 3, 4, 5]
    assert list(fig.layout.yaxis.ticktext) == ["pad", "0", "1", "2", "3", "pad", "pad"]
    (text,) = texts(fig)
    pad_cells = [t for t, y in zip(text["text"], text["y"], strict=True) if y == 0]
    assert pad_cells == ["0"] * 5


def test_grid_is_one_panel_per_channel_with_the_window_on_each():
    fig = tensors.grid_figure(X2, title="x", window=([1, 2], [0, 1]))
    maps = heatmaps(fig)
    assert [m["xaxis"] for m in maps] == ["x", "x2", "x3"]
    assert [m["z"][0][0] for m in maps] == [1, 2, 3]  # channel c of cell (0, 0) is c + 1
    titles = [a["text"] for a in fig.to_dict()["layout"]["annotations"]]
    assert titles == ["<b>channel 0</b>", "<b>channel 1</b>", "<b>channel 2</b>"]
    boxes = outlines(fig)
    assert {b["xref"] for b in boxes} == {"x", "x2", "x3"}
    assert {(b["x0"], b["x1"], b["y0"], b["y1"]) for b in boxes} == {(-0.5, 1.5, 0.5, 2.5)}


def test_kernel2d_shows_the_slices_feeding_the_chosen_output_channel():
    kernel = np.stack([K2[..., 0], -K2[..., 0]], axis=-1)
    fig = tensors.kernel2d_figure(kernel, title="W", out_channel=1)
    maps = heatmaps(fig)
    assert len(maps) == 3
    assert maps[0]["z"][0] == [-1, -4]


def test_output_cell_outline_marks_the_selected_element():
    fig = tensors.output2d_figure(np.zeros((2, 3, 2)), title="y", selected=(1, 2, 1))
    (box,) = outlines(fig)
    assert box["xref"] == "x2"
    assert (box["x0"], box["y0"]) == (1.5, 0.5)


def test_kernel1d_frames_the_selected_output_channel():
    fig = tensors.kernel1d_figure(K1, title="W", selected_out=1)
    frames = [s for s in fig.to_dict()["layout"]["shapes"] if "domain" in s["xref"]]
    assert len(frames) == 1 and frames[0]["xref"] == "x2 domain"


def test_large_matrices_are_drawn_without_numbers():
    big = np.ones((limits.MAX_ANNOTATED_CELLS + 1, 1))
    assert texts(tensors.sequence_figure(big, title="x")) == []


def test_image_uses_a_grey_scale_and_no_numbers():
    fig = tensors.image_figure(np.full((8, 8), 200.0), title="p")
    axis = fig.to_dict()["layout"]["coloraxis"]
    assert (axis["cmin"], axis["cmax"]) == (0, 255)
    assert axis["colorscale"][0][1] == "#000000"
    assert texts(fig) == []


def test_builders_reject_wrong_ranks():
    with pytest.raises(ValueError, match="positions, channels"):
        tensors.sequence_figure(np.ones(3), title="x")
    with pytest.raises(ValueError, match="does not exist"):
        tensors.kernel2d_figure(K2, title="W", out_channel=3)


def test_outlined_and_marked_cells_land_in_their_panels_padding_included():
    def boxes(fig, dashed):
        shapes = fig.to_dict()["layout"]["shapes"]
        return {
            (
                s["xref"],
                round(s["x0"] - (0.08 if dashed else 0), 6),
                round(s["y0"] - (0.08 if dashed else 0), 6),
            )
            for s in shapes
            if s["line"]["color"] == OUTLINE and (s["line"].get("dash") == "dash") == dashed
        }

    grid = tensors.grid_figure(X2, title="x", padding=((1, 0), (0, 1)), outlined=((0, 1, 2),),
                               marked=((4, 3, 0),))  # fmt: skip
    assert boxes(grid, False) == {("x3", 0.5, 0.5)}  # channel 2, row 0 + 1 padding row
    assert boxes(grid, True) == {("x", 2.5, 4.5)}
    kernel = tensors.kernel2d_figure(
        K2, title="W", outlined=((3, 1, 2, 0),), marked=((0, 0, 1, 5),)
    )
    assert boxes(kernel, False) == {("x3", 0.5, 2.5)} and boxes(kernel, True) == set()
    seq = tensors.sequence_figure(X1, title="x", padding=(2, 0), marked=((1, 4),))
    assert boxes(seq, True) == {("x", 3.5, 2.5)}
    out = tensors.output2d_figure(X2, title="y", marked=((1, 2, 1),))
    assert boxes(out, True) == {("x2", 1.5, 0.5)}
    for fig in (grid, kernel, seq, out):
        go.Figure(fig.to_dict())
