"""The pooling figures (app.figures.pooling), checked on their Plotly JSON (no Streamlit).

The pooling they draw is worked out (and tested) in app.core.pool_windows.
"""

from __future__ import annotations

import itertools

import numpy as np
import plotly.graph_objects as go

from app.core.pool_windows import explain_pool
from app.figures import pooling as pf
from app.figures.base import relative_luminance
from tests.app.core.test_pool_windows import reference

# --- Colours -------------------------------------------------------------------------------------


def test_neighbouring_windows_never_share_a_colour():
    for r, c in itertools.product(range(16), range(16)):
        for dr, dc in ((0, 1), (1, 0), (1, 1), (1, -1)):
            if c + dc >= 0:
                assert pf.window_colour_index(r, c) != pf.window_colour_index(r + dr, c + dc)


def test_black_numbers_are_readable_on_every_window_tint():
    for tint in pf.TINTS:
        rgb = tuple(int(tint[i : i + 2], 16) / 255 for i in (1, 3, 5))
        contrast = (relative_luminance(rgb) + 0.05) / 0.05
        assert contrast >= 7.0, tint  # WCAG AAA for normal text
    assert len(set(pf.TINTS)) == len(pf.WINDOW_COLOURS)


# --- Figures -------------------------------------------------------------------------------------


def _validated(figure: go.Figure) -> dict:
    # The builders skip plotly's validation for speed; rebuilding with it checks every property.
    return go.Figure(figure.to_dict()).to_dict()


def _traces(spec: dict, kind: str) -> list[dict]:
    return [t for t in spec["data"] if t["type"] == kind and t.get("mode") != "markers"]


def test_input_figure_colours_each_group_and_rings_the_winners():
    result = reference()
    spec = _validated(pf.pool_input_figure(result, title="input", selected=(0, 0)))
    heatmaps = _traces(spec, "heatmap")
    assert len(heatmaps) == 3
    expected_fill = [[0, 0, 1, 1], [0, 0, 1, 1], [3, 3, 4, 4], [3, 3, 4, 4]]
    assert [[int(v) for v in row] for row in heatmaps[0]["z"]] == expected_fill
    texts = [t for t in spec["data"] if t.get("mode") == "text"]
    assert texts[1]["text"][:4] == ["17", "5", "8", "11"]
    rings = [s for s in spec["layout"]["shapes"] if s["type"] == "circle"]
    centres = [((r["y0"] + r["y1"]) / 2, (r["x0"] + r["x1"]) / 2) for r in rings]
    assert centres == [(1, 1), (0, 0), (1, 0)]
    assert [r["xref"] for r in rings] == ["x", "x2", "x3"]
    # 4 coloured windows per channel, the selected window (halo and line) and its winner.
    assert len(spec["layout"]["shapes"]) == 3 * (4 + 2 + 1)
    window_lines = {s["line"]["color"] for s in spec["layout"]["shapes"][:4]}
    assert window_lines == {pf.WINDOW_COLOURS[i] for i in (0, 1, 3, 4)}
    assert spec["layout"]["title"]["text"] == "input"
    assert "hovertemplate" in heatmaps[0]


def test_overlapping_windows_are_outlines_inset_apart_with_only_the_selection_filled():
    result = reference(stride=(1, 1))
    spec = _validated(pf.pool_input_figure(result, title="input", selected=(1, 1)))
    fill = np.array(_traces(spec, "heatmap")[0]["z"], dtype=float)
    colour = pf.window_colour_index(1, 1)
    assert (fill[1:3, 1:3] == colour).all()
    assert (np.delete(fill.ravel(), [5, 6, 9, 10]) == -1).all()
    first_channel = [s for s in spec["layout"]["shapes"] if s["xref"] == "x"][:9]
    left_edges = {(s["x0"], s["y0"]) for s in first_channel}
    assert len(left_edges) == 9  # no two window outlines start at the same corner


def test_no_two_pooled_cells_share_a_colour_with_overlapping_windows():
    result = reference(stride=(1, 1))  # 3x3 overlapping windows: more windows than colours
    spec = _validated(pf.pool_output_figure(result, title="output", selected=(1, 1)))
    fill = np.array(_traces(spec, "heatmap")[0]["z"], dtype=float)
    coloured = fill[fill >= 0]
    assert len(coloured) == len(set(coloured.tolist())) == 1
    assert fill[1, 1] == pf.window_colour_index(1, 1)
    lines = {
        s["line"]["color"]
        for s in _validated(pf.pool_input_figure(result, title="input", selected=(1, 1)))["layout"][
            "shapes"
        ]
    }
    assert (
        pf.UNCOLOURED_WINDOW in lines
        and pf.WINDOW_COLOURS[pf.window_colour_index(0, 0)] not in lines
    )


def test_few_windows_each_get_their_own_colour():
    for shape in ((2, 3), (3, 2), (1, 7), (7, 1), (2, 2)):
        colours = pf.window_colours(shape, overlapping=True)
        assert len(set(colours.values())) == shape[0] * shape[1], shape


def test_padding_cells_are_blank_and_labelled():
    result = reference("max", size=(3, 3), stride=(2, 2), padding="same")
    spec = _validated(pf.pool_input_figure(result, title="input"))
    heatmap = _traces(spec, "heatmap")[0]
    assert heatmap["z"][4][4] is None
    assert spec["layout"]["xaxis"]["ticktext"][-1] == "pad"


def test_output_figure_says_where_each_value_came_from():
    spec = _validated(pf.pool_output_figure(reference(), title="output", selected=(0, 0)))
    texts = [t for t in spec["data"] if t.get("mode") == "text"]
    assert texts[0]["text"][0].startswith("<b>16</b>") and "1,1" in texts[0]["text"][0]
    assert "0,0" in texts[1]["text"][0]
    heatmap = _traces(spec, "heatmap")[0]
    assert "taken from row 1, column 1" in heatmap["text"][0][0]
    assert [[int(v) for v in row] for row in heatmap["z"]] == [[0, 1], [3, 4]]
    avg = _validated(pf.pool_output_figure(reference("avg"), title="output"))
    assert "mean of 4" in [t for t in avg["data"] if t.get("mode") == "text"][0]["text"][0]


def test_big_grids_are_drawn_without_numbers():
    grid = np.ones((16, 16, 6))
    result = explain_pool(grid, (1, 1), (1, 1), "max", "valid")
    spec = pf.pool_input_figure(result, title="big").to_dict()
    assert not [t for t in spec["data"] if t.get("mode") == "text"]
