"""app.figures.full_convolution: the steps of a full convolution drawn with labels that say what each
cell is (oracle: the ZeroInsertion arrays of cnndemo.conv_backprop.input_grad_steps)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from app.figures import full_convolution
from cnndemo.conv_backprop import input_grad_steps


def heatmap_values(figure: go.Figure) -> list[np.ndarray]:
    return [
        np.array(t["z"], dtype=float) for t in figure.to_dict()["data"] if t["type"] == "heatmap"
    ]


def test_labels_name_upstream_cells_inserted_zeros_padding_and_cut_cells():
    assert full_convolution.spread_labels(9, 2, 2) == (
        "pad",
        "pad",
        "0",
        "·",
        "1",
        "·",
        "2",
        "pad",
        "pad",
    )
    assert full_convolution.full_labels(6, 1, 4) == ("pad", "0", "1", "2", "3", "pad")


def test_one_dimensional_steps():
    kernel = np.arange(1, 7, dtype=float).reshape(3, 1, 2)
    steps = input_grad_steps(np.ones((1, 3, 2)), kernel, (5,), 2, "same")
    spread = full_convolution.spread_figure(steps.padded[0], (2,), (2,), title="s")
    (values,) = heatmap_values(spread)
    assert np.isnan(values[:2]).all() and np.isnan(values[-2:]).all()  # padding drawn as padding
    np.testing.assert_array_equal(values[2:-2], steps.spread[0])
    flipped = full_convolution.flipped_kernel_figure(steps.flipped[..., 0], title="f")
    assert flipped.to_dict()["layout"]["yaxis"]["ticktext"] == ["2", "1", "0"]
    np.testing.assert_array_equal(heatmap_values(flipped)[0], kernel[::-1, 0, :])
    full = full_convolution.full_figure(
        steps.full[0], steps.crop, (5,), title="full", selected=(4, 0)
    )
    layout = full.to_dict()["layout"]
    before = steps.crop[0][0]
    assert layout["yaxis"]["ticktext"][before] == "0"
    box = [s for s in layout["shapes"] if s["line"]["color"] == "#111111"][0]
    assert (box["y0"], box["y1"]) == (4 + before - 0.5, 4 + before + 0.5)
    for figure in (spread, flipped, full):
        go.Figure(figure.to_dict())


def test_two_dimensional_steps_draw_a_panel_per_channel():
    kernel = np.ones((2, 2, 3, 2))
    steps = input_grad_steps(np.ones((1, 2, 2, 2)), kernel, (3, 3), 1, "valid")
    assert (
        len(
            heatmap_values(
                full_convolution.spread_figure(steps.padded[0], (1, 1), (1, 1), title="s")
            )
        )
        == 2
    )
    full = full_convolution.full_figure(
        steps.full[0], steps.crop, (3, 3), title="f", selected=(1, 1, 2)
    )
    assert len(heatmap_values(full)) == 3
    go.Figure(full.to_dict())
