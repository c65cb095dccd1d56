"""app.figures.learned: kernels, embeddings and one example's conv output, drawn as they are."""

from __future__ import annotations

import numpy as np
import pytest

from app.figures.base import SEQUENTIAL
from app.figures.chart_spec import spec_of
from app.figures.learned import embedding_figure, embedding_points, kernel_figure, positions_figure


def heatmaps(figure) -> list[dict]:
    return [t for t in spec_of(figure)["data"] if t["type"] == "heatmap"]


def test_a_1d_kernel_has_rows_for_taps_and_a_column_per_output_and_input_channel():
    kernel = np.arange(12.0).reshape(2, 3, 2) - 6  # (width, in, out)
    figure = kernel_figure(kernel, title="k", tap_labels=["word 1", "word 2"])
    (panel,) = heatmaps(figure)
    z = np.array(panel["z"])
    np.testing.assert_array_equal(z[:, 3:], kernel[:, :, 1])  # output channel 1's weights
    layout = spec_of(figure)["layout"]
    assert list(layout["yaxis"]["ticktext"]) == ["word 1", "word 2"]
    assert layout["xaxis"]["ticktext"][4] == "out 1 · in 1"


def test_a_2d_kernel_has_a_panel_per_input_output_pair_on_a_signed_scale():
    kernel = np.random.default_rng(0).normal(size=(2, 2, 2, 3))
    figure = kernel_figure(kernel, title="k")
    maps = heatmaps(figure)
    assert len(maps) == 6
    np.testing.assert_array_equal(maps[1]["z"], kernel[:, :, 1, 0])
    colours = spec_of(figure)["layout"]["coloraxis"]
    assert colours["cmin"] == -colours["cmax"]  # blue positive, red negative, white zero
    assert colours["colorscale"][0][1] == "#67001f" and colours["colorscale"][-1][1] == "#053061"


def test_kernels_of_other_ranks_are_refused():
    with pytest.raises(ValueError, match="3 or 4 axes"):
        kernel_figure(np.zeros((2, 2)), title="k")


def test_embeddings_as_a_table_and_as_points():
    weights = np.array([[0.1, -0.2], [0.3, 0.4], [-0.5, 0.0]])
    words = ["<PAD>", "i", "like"]
    (table,) = heatmaps(embedding_figure(weights, words, title="e"))
    np.testing.assert_array_equal(table["z"], weights)
    points = spec_of(embedding_points(weights, words, title="p"))["data"][0]
    assert list(points["text"]) == words and list(points["y"]) == [-0.2, 0.4, 0.0]
    with pytest.raises(ValueError, match="one row per word"):
        embedding_figure(weights, words[:2], title="e")


def test_words_at_one_spot_share_one_label_and_the_others_keep_their_own():
    # Four words the model never moved lie at the origin: their labels piled into one blot.
    weights = np.array([[0, 0], [0, 0], [3.4, 3.7], [0, 0], [-3.8, -3.4]], dtype=float)
    words = ["<PAD>", "don't", "like", "i", "hate"]
    layout = spec_of(embedding_points(weights, words, title="p"))["layout"]
    labels = {a["text"]: a for a in layout["annotations"]}
    assert set(labels) == {"<PAD><br>don't<br>i", "like", "hate"}
    assert labels["<PAD><br>don't<br>i"]["hovertext"] == "<PAD>, don't, i"
    assert (labels["like"]["x"], labels["like"]["y"]) == (3.4, 3.7)


def test_a_sentences_conv_output_is_labelled_by_its_bigrams():
    maps = np.array([[0.2, 0.9], [0.5, 0.1], [0.7, 0.3]])
    figure = spec_of(positions_figure(maps, ["i like", "like it", "it <PAD>"], title="m"))
    assert list(figure["layout"]["yaxis"]["ticktext"]) == ["i like", "like it", "it <PAD>"]
    colours = figure["layout"]["coloraxis"]
    assert (colours["cmin"], colours["cmax"]) == (0, 1)
    # activations in [0, 1] on the sequential scale, never red/blue (those mean a sign)
    assert colours["colorscale"][0][1] == SEQUENTIAL[0] and colours["showscale"] is True


def test_a_layer_2_kernel_has_a_row_per_output_channel():
    figure = kernel_figure(np.arange(16, dtype=float).reshape(2, 2, 2, 2), title="Layer 2 kernel")
    layout = figure.to_dict()["layout"]
    tops = [layout[f"yaxis{s}"]["domain"][1] for s in ("", "2", "3", "4")]
    lefts = [layout[f"xaxis{s}"]["domain"][0] for s in ("", "2", "3", "4")]
    assert tops[0] == tops[1] > tops[2] == tops[3]  # out 0's two kernels, then out 1's
    assert lefts[0] == lefts[2] == 0.0 and lefts[1] == lefts[3] > 0.0
    titles = [a["text"] for a in layout["annotations"]]
    assert titles == ["<b>in 0 → out 0</b>", "<b>in 1 → out 0</b>",
                      "<b>in 0 → out 1</b>", "<b>in 1 → out 1</b>"]  # fmt: skip
