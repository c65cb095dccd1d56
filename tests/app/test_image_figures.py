"""Image figure builders and summaries (app.image_figures), without Streamlit.

Oracles: the engine's own training results (cnndemo.train.train_section) and hand-computed
windows of small images.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from app import image_figures as imf
from cnndemo.models import build_model
from cnndemo.train import train_section

TOP_LINE = np.array([[1, 1, 1], [0, 0, 0], [0, 0, 0]], dtype=float)


@pytest.fixture(scope="module")
def pooled_run():
    return train_section(5, seed=0, every=200)


def valid(figure: go.Figure) -> dict:
    as_dict = figure.to_dict()
    go.Figure(as_dict)  # plotly's validation raises on any invalid property
    assert as_dict["layout"]["title"]["text"]
    return as_dict


def test_display_name_shows_blank_pixels_as_dots():
    assert imf.display_name("###/   /   ") == "###/···/···"


def test_region_grid_reads_each_window_row_by_row():
    assert imf.region_grid(TOP_LINE) == [["1100", "1100"], ["0000", "0000"]]
    assert imf.region_grid(np.eye(3)) == [["1001", "0010"], ["0100", "1001"]]


def test_region_grid_rejects_an_image_smaller_than_the_kernel():
    with pytest.raises(ValueError, match="smaller than the 2x2 kernel"):
        imf.region_grid(np.ones((1, 3)))


def test_pooling_sources_name_the_windows_that_give_each_channel():
    maps = np.array([[[0.1, 0.9], [0.7, 0.2]], [[0.7, 0.3], [0.0, 0.9]]])  # (2, 2, 2)
    regions = [["a", "b"], ["c", "d"]]
    top = imf.pooling_sources(maps, regions, "max")
    assert [s.value for s in top] == [0.7, 0.9]
    assert top[0].regions == ("b", "c") and top[0].positions == ((0, 1), (1, 0))
    assert top[1].regions == ("a", "d")
    low = imf.pooling_sources(maps, regions, "min")
    assert low[0].regions == ("d",) and low[0].value == 0.0
    mean = imf.pooling_sources(maps, regions, "avg")
    assert mean[1].value == pytest.approx(0.575) and mean[1].regions == ("a", "b", "c", "d")
    with pytest.raises(ValueError):
        imf.pooling_sources(maps, regions, "median")


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
    assert imf.regions_text(imf.region_grid(TOP_LINE)) == (
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


def test_pooling_story_explains_the_blank_image_from_the_run(pooled_run):
    run, final = pooled_run, pooled_run.final
    blank = run.data.names.index("   /   /   ")
    story = imf.pooling_story(
        blank,
        run.data.names,
        run.data.targets,
        final.probabilities,
        final.example_vectors,
        final.feature_maps[0],
        run.data.inputs[..., 0],
        "max",
    )
    assert "only one kind, `0000`" in story
    assert f"p = {final.probabilities[blank]:.3f}" in story and "**wrong**" in story
    vector = final.example_vectors[blank]
    assert f"({vector[0]:.3f}, {vector[1]:.3f})" in story
    # The nearest image of the other label is really the nearest (largest-channel distance).
    lines = np.flatnonzero(run.data.targets == 1)
    gaps = np.abs(final.example_vectors[lines] - vector).max(axis=1)
    nearest = run.data.names[lines[int(np.argmin(gaps))]]
    assert imf.display_name(nearest) in story
    assert f"**{gaps.min():.3f}**" in story


def test_comparison_rows_say_which_model_is_wrong():
    rows = imf.comparison_rows(["   /   /   ", "###/   /   "], [0, 1], [0.8, 0.9], [0.1, 0.4])
    assert rows[0]["wrong"] == "pooled" and rows[1]["wrong"] == "flattened"
    assert rows[0]["image"] == "···/···/···" and rows[1]["p flattened"] == 0.4
    both = imf.comparison_rows(["x"], [1], [0.2], [0.3])
    assert both[0]["wrong"] == "pooled and flattened"


@pytest.mark.parametrize(
    ("section", "shapes"),
    [
        (5, [(1, 3, 3, 1), (1, 2, 2, 2), (1, 2, 2, 2), (1, 2), (1, 1), (1,)]),
        (6, [(1, 3, 3, 1), (1, 2, 2, 2), (1, 2, 2, 2), (1, 8), (1, 1), (1,)]),
        (7, [(1, 3, 3, 1), (1, 2, 2, 2), (1, 2, 2, 2), (1, 1, 1, 2), (1, 1, 1, 2), (1, 2),
             (1, 1), (1,)]),
    ],
)  # fmt: skip
def test_model_ledger_measures_shapes_and_counts_every_parameter(section, shapes):
    model = build_model(section)
    rows = imf.model_ledger(model)
    assert [r.shape for r in rows] == shapes
    assert sum(r.params or 0 for r in rows) == model.parameters.size
    conv = next(r for r in rows if r.stage == "conv1")
    assert conv.params == 10 and "8 weights + 2 biases" in conv.note
