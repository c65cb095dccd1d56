"""Image figure builders (app.figures.images), without Streamlit.

Oracles: the engine's own training results (cnndemo.train.train_section) and hand-computed
windows of small images.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from app.core.image_analysis import region_grid, regions_text
from app.figures import images as imf
from app.figures.base import DIVERGING, SEQUENTIAL

TOP_LINE = np.array([[1, 1, 1], [0, 0, 0], [0, 0, 0]], dtype=float)


def valid(figure: go.Figure) -> dict:
    as_dict = figure.to_dict()
    go.Figure(as_dict)  # plotly's validation raises on any invalid property
    assert as_dict["layout"]["title"]["text"]
    return as_dict


def test_image_set_figure_frames_exactly_the_wrong_answers():
    images = np.stack([TOP_LINE, np.zeros((3, 3)), TOP_LINE.T])
    figure = valid(imf.image_set_figure(images, [1, 0, 1], [0.9, 0.8, 0.3], per_row=2))
    frames = [s for s in figure["layout"]["shapes"] if s["line"]["color"] == imf.WRONG]
    assert len(frames) == 2
    text = figure["data"][1]["text"]
    assert text[0].endswith("✓") and text[1].endswith("✗") and "p=0.300" in text[2]
    assert "1 of 3 on the right side" in figure["layout"]["title"]["text"]
    assert figure["layout"]["yaxis"]["autorange"] == "reversed"  # rows top to bottom
    heat = np.array(figure["data"][0]["z"], dtype=float)
    assert np.array_equal(heat[0:3, 0:3], TOP_LINE)


def test_image_set_figure_without_probabilities_and_bad_input():
    figure = valid(imf.image_set_figure(np.zeros((1, 3, 3)), [0]))
    assert "p=" not in figure["data"][1]["text"][0]
    assert not figure["layout"]["shapes"]
    with pytest.raises(ValueError):
        imf.image_set_figure(np.zeros((2, 3, 3)), [0])


def test_feature_maps_figure_uses_a_zero_to_one_scale_for_sigmoid_outputs():
    maps = np.array([[[0.2, 0.8], [0.5, 0.1]], [[0.9, 0.3], [0.4, 0.6]]])
    figure = valid(imf.feature_maps_figure(maps, title="maps"))
    assert figure["layout"]["coloraxis"]["cmin"] == 0 and figure["layout"]["coloraxis"]["cmax"] == 1
    heatmaps = [t for t in figure["data"] if t["type"] == "heatmap"]
    assert len(heatmaps) == 2
    assert regions_text(region_grid(TOP_LINE)) == (
        "(0, 0) ← `1100`, (0, 1) ← `1100`, (1, 0) ← `0000`, (1, 1) ← `0000`"
    )
    relu = valid(imf.feature_maps_figure(maps * 3 - 1, title="relu"))
    assert relu["layout"]["coloraxis"]["cmin"] == -relu["layout"]["coloraxis"]["cmax"]


def test_image_figure_writes_the_pixels():
    figure = valid(imf.image_figure(TOP_LINE, title="one"))
    assert figure["data"][0]["z"][0] == [1, 1, 1]


def test_region_vectors_animation_labels_points_by_bit_string(pooled_run):
    run = pooled_run
    figure = valid(
        imf.region_vectors_animation(
            [s.epoch for s in run.snapshots],
            [s.window_vectors for s in run.snapshots],
            [s.example_vectors for s in run.snapshots],
            run.data.names,
            run.data.targets,
        )
    )
    assert len(figure["frames"]) == len(run.snapshots)
    labels = figure["data"][0]["text"]  # labels are sent once; frames carry coordinates
    assert "1100" in labels and "0000" in labels
    last = figure["frames"][-1]["data"][0]
    assert last["x"][labels.index("1100")] == pytest.approx(
        run.snapshots[-1].window_vectors["1100"][0]
    )
    images = [t for t in figure["data"] if "image" in t["name"]]
    assert any("···/···/···" in t["text"] for t in images)


def test_sigmoid_feature_maps_use_the_sequential_scale_with_its_colour_bar():
    maps = np.array([[[0.2, 0.8], [0.5, 0.1]], [[0.9, 0.3], [0.4, 0.6]]])
    colours = valid(imf.feature_maps_figure(maps, title="maps"))["layout"]["coloraxis"]
    assert [c for _, c in colours["colorscale"]] == list(SEQUENTIAL)
    assert colours["showscale"] is True
    signed = valid(imf.feature_maps_figure(maps * 3 - 1, title="relu"))["layout"]["coloraxis"]
    assert signed["colorscale"][0][1] == DIVERGING[0]


def test_the_unit_colour_bar_lies_across_under_the_panels_and_leaves_them_their_size():
    # Beside the panels it took a phone's width from the cells: "0.000524" ran into its
    # neighbour at 390 px.
    maps = np.array([[[0.2, 0.8], [0.5, 0.1]], [[0.9, 0.3], [0.4, 0.6]]])
    sigmoid = valid(imf.feature_maps_figure(maps, title="maps"))["layout"]
    relu = valid(imf.feature_maps_figure(maps * 3 - 1, title="relu"))["layout"]
    bar = sigmoid["coloraxis"]["colorbar"]
    assert bar["orientation"] == "h" and bar["y"] < 0 and bar["yanchor"] == "top"
    assert sigmoid["height"] - relu["height"] == imf.UNIT_BAR_PX
    assert sigmoid["margin"]["b"] - relu["margin"]["b"] == imf.UNIT_BAR_PX
    assert sigmoid["yaxis"]["domain"] == relu["yaxis"]["domain"]


def test_every_thumbnail_has_a_frame_so_the_blank_image_is_visible():
    figure = valid(imf.image_set_figure(np.zeros((3, 3, 3)), [0, 0, 0], per_row=2))
    frames = figure["data"][2]
    assert frames["mode"] == "lines" and frames["line"]["color"] == imf.FRAME
    assert frames["x"].count(None) == 3  # one closed outline per image
