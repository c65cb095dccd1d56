"""Gradient figures (app.figures.gradients), checked on their Plotly JSON and re-validated."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from app.figures import gradients as gf
from app.figures.base import DIVERGING
from app.figures.chart_spec import spec_of


def validated(figure: go.Figure) -> dict:
    # The panel builder skips plotly's validation for speed; rebuilding with it checks it.
    return go.Figure(figure.to_dict()).to_dict()


def heatmaps(spec: dict) -> list[dict]:
    return [t for t in spec["data"] if t["type"] == "heatmap"]


def test_power_of_ten_is_the_largest_magnitudes_exponent():
    assert gf.power_of_ten(np.array([3.5e-6, -2e-7])) == -6
    assert gf.power_of_ten(np.array([0.0]), np.array([-12.0])) == 1
    assert gf.power_of_ten(np.zeros(3)) == 0
    assert gf.scale_words(-6) == "× 1e-6" and gf.scale_words(0) == ""


def test_a_2d_kernel_gradient_has_one_panel_per_channel_in_scaled_units():
    rng = np.random.default_rng(1)
    kernel = rng.normal(size=(2, 2, 1, 3)) * 1e-5
    spec = validated(gf.gradient_figure(kernel, title="whole", exponent=-5, colour_bound=4.0))
    maps = heatmaps(spec)
    assert len(maps) == 3
    for channel, trace in enumerate(maps):
        np.testing.assert_allclose(trace["z"], kernel[:, :, 0, channel] / 1e-5, rtol=1e-12)
    assert (
        spec["layout"]["coloraxis"]["cmin"] == -4.0 and spec["layout"]["coloraxis"]["cmax"] == 4.0
    )
    # Negative red, positive blue: the scale runs from RdBu's red end to its blue end.
    scale = spec["layout"]["coloraxis"]["colorscale"]
    assert scale[0][1] == DIVERGING[0] and scale[-1][1] == DIVERGING[-1]
    assert "× 1e-5" in spec["layout"]["title"]["text"]
    written = [t for t in spec["data"] if t["type"] == "scatter"][0]["text"]
    assert written[0] == f"{kernel[0, 0, 0, 0] / 1e-5:.3g}"


def test_two_layer_kernels_have_a_panel_per_input_and_output_channel():
    kernel = np.arange(2 * 2 * 2 * 3, dtype=float).reshape(2, 2, 2, 3)
    spec = validated(gf.gradient_figure(kernel, title="k", exponent=0, colour_bound=0))
    titles = [a["text"] for a in spec["layout"]["annotations"]]
    assert len(heatmaps(spec)) == 6
    assert titles[:2] == ["<b>in 0 → out 0</b>", "<b>in 1 → out 0</b>"]
    # A row per output channel: four 2 x 2 panels in one row ran their numbers together.
    layout = spec["layout"]
    tops = [layout[f"yaxis{s}"]["domain"][1] for s in ("", "2", "3", "4", "5", "6")]
    assert tops[0] == tops[1] > tops[2] == tops[3] > tops[4] == tops[5]


def test_one_input_channels_kernels_and_1d_kernels_stay_at_three_panels_to_a_row():
    for kernel in (np.ones((2, 2, 1, 4)), np.ones((3, 2, 4))):
        spec = validated(gf.gradient_figure(kernel, title="k", exponent=0, colour_bound=0))
        tops = [spec["layout"][f"yaxis{s}"]["domain"][1] for s in ("", "2", "3", "4")]
        assert tops[0] == tops[1] == tops[2] > tops[3]


def test_text_kernels_and_embeddings_are_labelled_by_tap_and_word():
    kernel = np.arange(12, dtype=float).reshape(2, 3, 2)  # (width, in, out)
    spec = validated(gf.gradient_figure(kernel, title="k", exponent=0, colour_bound=0))
    first = heatmaps(spec)[0]
    assert np.array(first["z"]).tolist() == kernel[:, :, 0].tolist()
    assert spec["layout"]["yaxis"]["ticktext"] == ["0", "1"]
    assert spec["layout"]["yaxis"]["title"]["text"] == "tap (word)"
    table = np.arange(6, dtype=float).reshape(3, 2) - 2
    words = ["<PAD>", "i", "like"]
    spec = validated(gf.gradient_figure(table, title="e", exponent=0, colour_bound=0, words=words))
    assert spec["layout"]["yaxis"]["ticktext"] == ["&lt;PAD&gt;", "i", "like"]


def test_norms_figure_draws_every_layer_and_its_last_point():
    epochs = np.arange(5)
    norms = np.array([[1e-3, 2.0], [1e-4, 1.0], [0.0, 0.5], [1e-6, 0.25], [1e-7, 0.125]])
    spec = validated(gf.norms_figure(epochs, ["conv1", "dense"], norms, log_scale=True))
    lines = spec["data"]
    assert [t["name"] for t in lines] == ["conv1", "dense"]
    assert lines[0]["y"][-1] == 1e-7 and lines[1]["y"][-1] == 0.125
    assert lines[0]["y"][2] is None  # a zero has no place on a log axis
    assert spec["layout"]["yaxis"]["type"] == "log"
    colours = {t["line"]["color"] for t in lines}
    assert len(colours) == 2 and not colours & {DIVERGING[0], DIVERGING[-1]}
    linear = validated(gf.norms_figure(epochs, ["conv1", "dense"], norms, log_scale=False))
    assert linear["data"][0]["y"][2] == 0.0


def test_mark_epoch_marks_a_copy_and_keeps_the_label_inside():
    figure = gf.norms_figure(np.arange(101), ["conv1"], np.ones((101, 1)), log_scale=False)
    spec = spec_of(figure)
    marked = gf.mark_epoch(spec, 90)
    assert "shapes" not in spec["layout"] or not spec["layout"]["shapes"]
    assert marked["layout"]["shapes"][0]["x0"] == 90
    assert marked["layout"]["annotations"][0]["xanchor"] == "right"
    assert gf.mark_epoch(spec, 10)["layout"]["annotations"][0]["xanchor"] == "left"
    go.Figure(marked)  # valid


@pytest.mark.parametrize("log_scale", [True, False])
def test_a_single_point_is_drawn_as_a_marker(log_scale):
    spec = validated(gf.norms_figure([0], ["conv1"], np.array([[0.5]]), log_scale=log_scale))
    assert spec["data"][0]["mode"] == "markers"
