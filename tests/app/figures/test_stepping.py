"""app.figures.stepping: the kernel animation's frames move the outlines, the slider names each
stop's sum, and no heatmap is left to blank out on a frame drawn without a redraw."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

import cnndemo
from app.core.window_steps import conv_steps
from app.figures.stepping import STEP_MS, conv1d_animation, conv2d_animation, outline_path

X1 = np.arange(1, 21, dtype=float).reshape(4, 5)
K1 = np.arange(1, 31, dtype=float).reshape(3, 5, 2)
X2 = np.arange(1, 61, dtype=float).reshape(5, 4, 3)
K2 = np.arange(1, 25, dtype=float).reshape(4, 2, 3, 1)


def animation_1d(stride: int = 1, padding: str = "valid") -> dict:
    out = cnndemo.conv1d(X1[None], K1, stride, padding)[0]
    pad = cnndemo.ops.padding_amounts(4, 3, stride, padding)
    return dict(conv1d_animation(X1, out, conv_steps(X1, K1, stride, padding), pad).spec)


def test_outline_paths_close_each_box_and_break_between_boxes():
    xs, ys = outline_path([(1, 0, 3, 4)])
    assert xs == [-0.5, 4.5, 4.5, -0.5, -0.5, None] and ys == [0.5, 0.5, 3.5, 3.5, 0.5, None]
    assert outline_path([]) == ([None], [None])


def test_each_frame_moves_the_window_and_the_output_cell():
    spec = animation_1d()
    moving = spec["frames"][0]["traces"]
    assert all(frame["traces"] == moving for frame in spec["frames"])
    window_y = [frame["data"][1]["y"] for frame in spec["frames"]]  # input panel, black line
    assert [min(y for y in ys if y is not None) for ys in window_y] == [-0.5, -0.5, 0.5, 0.5]
    cell_x = [frame["data"][3]["x"][0] for frame in spec["frames"]]  # output panel, black line
    assert cell_x == [-0.5, 0.5, -0.5, 0.5]
    labels = [s["label"] for s in spec["layout"]["sliders"][0]["steps"]]
    assert labels[2] == "y[1, 0] = 3485 (15 products)"


def test_frames_play_without_a_redraw_and_the_cells_are_pictures():
    spec = animation_1d(stride=2, padding="same")
    assert len(spec["frames"]) == 4  # 2 positions x 2 channels
    play = spec["layout"]["updatemenus"][0]["buttons"][0]["args"][1]
    assert play["frame"] == {"duration": STEP_MS, "redraw": False}
    heatmaps = [t for t in spec["data"] if t["type"] == "heatmap"]
    assert len(heatmaps) == 2 and not any(t["visible"] for t in heatmaps)  # numbers kept as text
    images = spec["layout"]["images"]
    assert len(images) == 2 and all(
        i["source"].startswith("data:image/png;base64,") for i in images
    )
    assert images[0]["sizey"] == 5  # 4 positions + one padding row (SAME, stride 2)
    go.Figure(spec)  # plotly validates the whole figure, frames included


def test_2d_animation_outlines_the_window_on_every_input_channel():
    out = cnndemo.conv2d(X2[None], K2)[0]
    steps = conv_steps(X2, K2)
    spec = dict(conv2d_animation(X2, out, steps, ((0, 0), (0, 0))).spec)
    assert len(spec["frames"]) == out.size == 6
    last = spec["frames"][-1]["data"]
    black = [trace for trace in last if trace["line"]["width"] == 3]
    assert len(black) == 3 + 1  # 3 input channels, 1 output channel
    assert {tuple(t["x"]) for t in black[:3]} == {(1.5, 3.5, 3.5, 1.5, 1.5, None)}  # columns 2-3
    go.Figure(spec)


def _panel_places(spec: dict) -> list[tuple[float, float]]:
    """(left edge, top edge) of each panel's axes, in paper fractions, in panel order."""
    layout = spec["layout"]
    names = sorted((k for k in layout if k.startswith("xaxis")), key=lambda k: int(k[5:] or 1))
    return [(layout[x]["domain"][0], layout["y" + x[1:]]["domain"][1]) for x in names]


def test_the_outputs_start_a_row_of_their_own_at_the_left_edge_with_their_row_labels():
    spec = dict(conv2d_animation(X2, np.ones((2, 3, 1)), conv_steps(X2, K2, 1, "valid"),
                                 ((0, 0), (0, 0))).spec)  # fmt: skip
    places = _panel_places(spec)
    inputs, (output,) = places[:3], places[3:]
    assert len({top for _, top in inputs}) == 1 and output[1] < inputs[0][1]  # a lower row
    assert output[0] == inputs[0][0] == 0.0  # at the left edge
    assert spec["layout"]["yaxis4"]["title"]["text"] == "output row"
    assert spec["layout"]["yaxis4"]["showticklabels"] is True


def test_six_channels_in_and_out_are_laid_three_to_a_row():
    x = np.arange(4 * 4 * 6, dtype=float).reshape(4, 4, 6)
    kernel = np.ones((2, 2, 6, 6))
    out = cnndemo.conv2d(x[None], kernel, 1, "valid")[0]
    spec = dict(conv2d_animation(x, out, conv_steps(x, kernel, 1, "valid"),
                                 ((0, 0), (0, 0))).spec)  # fmt: skip
    tops = [top for _, top in _panel_places(spec)]
    assert len(tops) == 12 and len(set(tops)) == 4  # 2 rows of inputs, 2 of outputs
    assert max(tops.count(top) for top in set(tops)) == 3
    # Only each row's first panel names the rows (no title in the gap over a neighbour).
    titled = [k for k, v in spec["layout"].items()
              if k.startswith("yaxis") and v["title"]["text"]]  # fmt: skip
    assert len(titled) == 4


def test_a_1d_animation_puts_the_output_under_the_input():
    (left_in, top_in), (left_out, top_out) = _panel_places(animation_1d())
    assert left_in == left_out == 0.0 and top_out < top_in


def test_the_slider_takes_the_whole_width_and_the_buttons_sit_under_it():
    # Beside the buttons, a phone's slider began under the pause button, which hid the handle
    # at the first stop.
    layout = animation_1d()["layout"]
    slider, buttons = layout["sliders"][0], layout["updatemenus"][0]
    assert (slider["x"], slider["len"]) == (0, 1)
    assert buttons["pad"]["t"] > slider["pad"]["t"] + 40  # the slider's rail and ticks between
    assert layout["margin"]["b"] >= buttons["pad"]["t"] + 40  # and room for the buttons
