"""Section 1 page (pages/1_conv1d.py) through the real navigation, with AppTest."""

from __future__ import annotations

import json
import statistics
import time

import numpy as np
import pytest

import cnndemo
from app.core.numbers import nested_text
from app.widgets.stepper import PLAY_LABEL, play_key
from app.widgets.tensor_editor import editor_key
from tests.pages.conftest import (
    assert_gradients_are_right,
    chart_titled,
    click,
    edit_cells,
    open_page,
    panel_values,
    pick_table,
    table_key,
    texts,
)

PAGE = "pages/1_conv1d.py"
X = np.arange(1, 21, dtype=float).reshape(4, 5)
K = np.arange(1, 31, dtype=float).reshape(3, 5, 2)
REFERENCE = "[[2360, 2480], [3485, 3680]]"
SUM_00 = (
    "1×1 + 2×3 + 3×5 + 4×7 + 5×9 + 6×11 + 7×13 + 8×15 + 9×17 + 10×19 + 11×21 + 12×23 + 13×25 + "
    "14×27 + 15×29 = 2360"
)


@pytest.fixture
def at():
    return open_page(PAGE)


def result_text(at) -> str:
    """The nested-list result of the vectors part (the markdown line right after the shape)."""
    lines = [m.value for m in at.markdown if m.value.startswith("### `")]
    assert len(lines) == 1, lines
    return lines[0].removeprefix("### `").removesuffix("`")


def expected(x=X, k=K, stride=1, padding="valid", dilation=1) -> str:
    return nested_text(cnndemo.conv1d(x[None], k, stride, padding, dilation)[0])


def test_opens_on_the_tutorial_reference(at):
    assert not at.exception
    assert not at.error
    assert at.title[0].value == "Convolution 1D"
    assert result_text(at) == REFERENCE
    assert "Output shape `(1, 2, 2)`" in texts(at)
    assert f"**y[0, 0]** = {SUM_00}" in texts(at)
    assert "| conv1d | `(1, 2, 2)` | 30 |" in texts(at)


def test_second_output_channel_sum_uses_the_even_kernel_entries(at):
    at.radio(key="c1d.oc").set_value(1).run()
    sums = [m.value for m in at.markdown if m.value.startswith("**y[0, 1]**")]
    assert sums == [
        "**y[0, 1]** = 1×2 + 2×4 + 3×6 + 4×8 + 5×10 + 6×12 + 7×14 + 8×16 + 9×18 + 10×20 + "
        "11×22 + 12×24 + 13×26 + 14×28 + 15×30 = 2480"
    ]


def test_position_slider_and_step_buttons_move_the_window(at):
    at.slider(key="c1d.pos.0").set_value(1).run()
    assert "**y[1, 0]** = 6×1 + 7×3" in texts(at) and "= 3485" in texts(at)
    at.button(key="c1d.pos.next").click().run()  # wraps round to position 0
    assert f"**y[0, 0]** = {SUM_00}" in texts(at)
    at.button(key="c1d.pos.prev").click().run()
    assert at.slider(key="c1d.pos.0").value == 1
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    boxes = [s for s in spec["layout"]["shapes"] if s["line"]["color"] == "#111111"]
    assert [(b["y0"], b["y1"]) for b in boxes] == [(0.5, 3.5)]  # rows 1..3 of the input


def test_stride_padding_and_dilation_change_the_output_as_the_engine_does(at):
    at.slider(key="c1d.s").set_value(2).run()
    assert result_text(at) == expected(stride=2) == "[[2360, 2480]]"
    at.radio(key="c1d.p").set_value("same").run()
    assert result_text(at) == expected(stride=2, padding="same")
    assert "SAME padding adds 1 zero" in texts(at)
    at.slider(key="c1d.s").set_value(1).run()
    at.slider(key="c1d.d").set_value(2).run()
    assert result_text(at) == expected(padding="same", dilation=2)
    assert not at.exception and not at.error


def test_same_padding_window_shows_padding_rows_and_zero_terms(at):
    at.radio(key="c1d.p").set_value("same").run()
    assert "**y[0, 0]** = 0×1 + 0×3 + 0×5 + 0×7 + 0×9 + 1×11" in texts(at)
    assert "padding, read as 0" in texts(at)
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["layout"]["yaxis"]["ticktext"] == ["pad", "0", "1", "2", "3", "pad"]


def test_editing_a_kernel_cell_changes_the_output(at):
    pick_table(at, "c1d.k", 1)
    edit_cells(at, editor_key("c1d.k", 0, 1), {0: {"in 0": 100.0}})  # W[0, 0, 1] = 100
    kernel = K.copy()
    kernel[0, 0, 1] = 100
    assert result_text(at) == expected(k=kernel)
    assert not at.error


def test_size_controls_reshape_the_tables_keeping_values(at):
    at.number_input(key="c1d.n").set_value(6).run()
    x = np.zeros((6, 5))
    x[:4] = X
    assert result_text(at) == expected(x=x)
    at.number_input(key="c1d.cout").set_value(3).run()
    k = np.zeros((3, 5, 3))
    k[:, :, :2] = K
    assert result_text(at) == expected(x=x, k=k)
    assert "shape (3, 5, 3)" in texts(at)


@pytest.mark.parametrize("bad", ["abc", float("nan"), float("inf"), 1e12, None])
def test_bad_cells_give_an_error_and_keep_the_last_valid_values(at, bad):
    at.slider(key="c1d.s").set_value(2).run()
    edit_cells(at, editor_key("c1d.x", 0, 0), {1: {"ch 2": bad}})
    assert len(at.error) == 1
    assert "row 1, column 'ch 2'" in at.error[0].value
    assert result_text(at) == expected(stride=2)  # last valid input, the learner's stride
    assert at.slider(key="c1d.s").value == 2
    assert not at.exception


def test_kernel_wider_than_the_input_with_valid_padding_is_explained(at):
    at.slider(key="c1d.kw").set_value(5).run()
    assert len(at.error) == 1
    assert "larger than input" in at.error[0].value
    assert "no output" in "\n".join(str(el.value) for el in at.latex)
    assert at.slider(key="c1d.kw").value == 5 and not at.exception
    at.radio(key="c1d.p").set_value("same").run()  # SAME pads, so it runs again
    assert not at.error and result_text(at) == expected(
        k=np.concatenate([K, np.zeros((2, 5, 2))]), padding="same"
    )


def test_presets_fill_the_tables(at):
    at.selectbox(key="c1d.x.preset").select("ones").run()
    at.button(key="c1d.x.apply").click().run()
    assert result_text(at) == expected(x=np.ones((4, 5)))
    at.selectbox(key="c1d.k.preset").select("moving average").run()
    at.button(key="c1d.k.apply").click().run()
    assert result_text(at) == "[[1, 1], [1, 1]]"
    at.selectbox(key="c1d.x.preset").select("tutorial").run()
    at.button(key="c1d.x.apply").click().run()
    assert result_text(at) == expected(k=np.full((3, 5, 2), 1 / 15))


def open_scalar_tab(at):
    at.session_state["c1d.tab"] = "The scalar case (1 channel)"
    return at.run()


def test_scalar_case_follows_its_own_stride(at):
    open_scalar_tab(at)
    at.slider(key="c1d.vs").set_value(2).run()
    v = np.array([3, 1, 4, 1, 5, 9, 2, 6.0])
    out = cnndemo.conv1d(v[None, :, None], np.array([1, 0, -1.0])[:, None, None], 2)[0, :, 0]
    assert f"Output ({len(out)} numbers): **`{nested_text(out)}`**" in texts(at)
    assert "- y[0] = 3×1 + 1×0 + 4×(-1) = -1" in texts(at)


def test_share_link_round_trip_restores_the_setup(at):
    at.slider(key="c1d.s").set_value(2).run()
    at.radio(key="c1d.p").set_value("same").run()
    edit_cells(at, editor_key("c1d.x", 0, 0), {0: {"ch 0": -7.5}})
    params = dict(at.query_params)
    assert params["s"] == "2" and params["p"] == "same"
    assert params["x"].startswith("4x5_-7.5_2_3")
    x = X.copy()
    x[0, 0] = -7.5
    reopened = open_page(PAGE, params)
    assert not reopened.warning and not reopened.exception
    assert result_text(reopened) == expected(x=x, stride=2, padding="same")
    assert reopened.slider(key="c1d.s").value == 2
    assert reopened.radio(key="c1d.p").value == "same"


@pytest.mark.parametrize(
    "params",
    [
        {"x": "4x5_1_2", "k": "junk"},
        {"s": "99"},
        {
            "x": "2x2_1_2_3_4",
            "k": "1x3x1_1_1_1",
            "s": "1",
            "p": "valid",
            "d": "1",
            "v": "1_5",
            "w": "1_1",
            "vs": "1",
            "vp": "valid",
        },  # fmt: skip
    ],
)
def test_malformed_links_warn_and_fall_back_to_the_reference(params):
    at = open_page(PAGE, params)
    assert len(at.warning) == 1 and "could not be used" in at.warning[0].value
    assert result_text(at) == REFERENCE
    assert not at.exception


def animation_spec(at) -> dict:
    chart = next(c for c in at.get("plotly_chart") if "c1d.fig.play" in c.proto.id)
    return json.loads(chart.proto.spec)


def test_the_kernel_animation_is_drawn_only_while_its_expander_is_open(at):
    assert not [c for c in at.get("plotly_chart") if "c1d.fig.play" in c.proto.id]
    assert any(e.label == PLAY_LABEL for e in at.expander)
    at.session_state[play_key("c1d.fig.play")] = True
    assert animation_spec(at.run())["frames"]


def test_the_kernel_animation_holds_every_output_with_the_engines_sum(at):
    at.session_state[play_key("c1d.fig.play")] = True
    spec = animation_spec(at.run())
    labels = [step["label"] for step in spec["layout"]["sliders"][0]["steps"]]
    assert labels == [
        "y[0, 0] = 2360 (15 products)", "y[0, 1] = 2480 (15 products)",
        "y[1, 0] = 3485 (15 products)", "y[1, 1] = 3680 (15 products)",
    ]  # fmt: skip
    assert [frame["name"] for frame in spec["frames"]] == ["0", "1", "2", "3"]
    at.slider(key="c1d.s").set_value(2).run()
    assert len(animation_spec(at)["frames"]) == 2 and not at.exception


def test_rerun_time_after_a_widget_change_is_reported(at, capsys):
    """Measured, not asserted: the median full rerun after a stride change (see the report)."""
    times = []
    for i in range(15):
        at.slider(key="c1d.s").set_value(1 + i % 2)
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
    with capsys.disabled():
        print(f"\n[conv1d] median rerun after a widget change: {statistics.median(times):.3f} s")
    assert not at.exception


# --- The Gradients tab ---------------------------------------------------------------------------


def open_gradients_tab(at, **settings):
    at.session_state["c1d.tab"] = "Gradients"
    at.run()
    for key, value in settings.items():
        if key in ("c1d.p", "c1d.g.kind"):
            widget = at.radio(key=key)
        else:
            widget = at.slider(key=key) if key == "c1d.s" else at.number_input(key=key)
        widget.set_value(value).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shown_gradients(at) -> tuple[np.ndarray, np.ndarray]:
    """dL/dx and dL/dW as the tab's heatmaps show them."""
    (grad_x,) = panel_values(chart_titled(at, "dL/dx"))
    grad_kernel = np.stack(panel_values(chart_titled(at, "dL/dW")), axis=-1)
    return grad_x, grad_kernel


@pytest.mark.parametrize(
    ("stride", "padding"), [(1, "valid"), (2, "same")], ids=["tutorial", "stride-2-same"]
)
def test_gradients_tab_shows_the_engines_gradients_checked_by_loops_and_differences(
    at, stride, padding
):
    open_gradients_tab(at, **{"c1d.s": stride, "c1d.p": padding, "c1d.g.kind": "random"})
    at.number_input(key="c1d.g.seed").set_value(4).run()
    out_shape = cnndemo.conv1d(X[None], K, stride, padding).shape
    upstream = np.random.default_rng(4).integers(-5, 6, size=out_shape).astype(float)
    (shown_upstream,) = panel_values(chart_titled(at, "dL/dy", exact=True))
    np.testing.assert_array_equal(shown_upstream, upstream[0])
    shown_x, shown_kernel = shown_gradients(at)
    assert_gradients_are_right(shown_x, shown_kernel, X[None], K, upstream, stride, padding)
    assert texts(at).count("✓") == 2  # both views (correlation, full convolution) agree


def test_gradient_sums_are_written_like_the_forward_sums(at):
    open_gradients_tab(at)
    # dL/dy all ones: dL/dW[0, 0, 0] adds the two inputs tap 0 met, x[0, 0] and x[1, 0].
    assert "**dL/dW[0, 0, 0]** = 1×1 + 6×1 = 7" in texts(at)
    # x[0] is read by output 0 only, through tap 0: W[0, 0, 0] and W[0, 0, 1].
    assert "**dL/dx[0, 0]** = 1×1 + 1×2 = 3" in texts(at)
    at.slider(key="c1d.g.x.0").set_value(1).run()
    assert "**dL/dx[1, 0]** = 1×11 + 1×12 + 1×1 + 1×2 = 26" in texts(at)
    # The outputs reading x[1] are outlined (dashed) on dL/dy: both positions, both channels.
    dashed = [s for s in chart_titled(at, "dL/dy (dashed")["layout"]["shapes"]
              if s["line"].get("dash") == "dash"]  # fmt: skip
    assert len(dashed) == 4


def test_one_hot_upstream_gradient_follows_the_selected_output(at):
    open_gradients_tab(at, **{"c1d.g.kind": "onehot"})
    at.slider(key="c1d.pos.0").set_value(1).run()
    at.radio(key="c1d.oc").set_value(1).run()
    (upstream,) = panel_values(chart_titled(at, "dL/dy", exact=True))
    np.testing.assert_array_equal(upstream, [[0, 0], [0, 1]])
    # One output alone: dL/dW is the window it read (x[1..3]) for its channel, 0 for the other.
    _, shown_kernel = shown_gradients(at)
    np.testing.assert_array_equal(shown_kernel[:, :, 1], X[1:4])
    np.testing.assert_array_equal(shown_kernel[:, :, 0], 0)
    # Clicking a dL/dy cell moves the one there (and the forward explorer's stepper with it).
    click(at, "c1d.g.fig.y", 0, 0, 0)
    assert (at.slider(key="c1d.pos.0").value, at.radio(key="c1d.oc").value) == (0, 0)
    np.testing.assert_array_equal(
        panel_values(chart_titled(at, "dL/dy", exact=True))[0], [[1, 0], [0, 0]]
    )


def test_clicking_a_gradient_cell_writes_it_out(at):
    open_gradients_tab(at)
    click(at, "c1d.g.fig.w", 1, 2, 4)  # panel = output channel 1, row = tap 2, column = input 4
    assert [at.slider(key=f"c1d.g.w.{i}").value for i in range(3)] == [2, 4, 1]
    assert "**dL/dW[2, 4, 1]** = 15×1 + 20×1 = 35" in texts(at)
    click(at, "c1d.g.fig.x", 0, 3, 2)
    assert "**dL/dx[3, 2]** = 1×25 + 1×26 = 51" in texts(at)
    # A tampered selection outside the tensor is ignored.
    click(at, "c1d.g.fig.x", 0, 99, 2)
    assert "**dL/dx[3, 2]**" in texts(at) and not at.exception


def test_your_own_upstream_table_takes_the_outputs_shape(at):
    open_gradients_tab(at, **{"c1d.g.kind": "table"})
    key = table_key(at, "c1d.g.y")
    edit_cells(at, key, {1: {"ch 0": -2.0}})
    (upstream,) = panel_values(chart_titled(at, "dL/dy", exact=True))
    np.testing.assert_array_equal(upstream, [[1, 1], [-2, 1]])
    shown_x, _ = shown_gradients(at)
    grad_x, _ = cnndemo.ops.conv1d_backward(X[None], K, upstream[None])
    np.testing.assert_array_equal(shown_x, grad_x[0])


def test_stride_spreads_the_upstream_gradient_with_zeros(at):
    open_gradients_tab(at, **{"c1d.s": 2, "c1d.p": "same"})
    spread = chart_titled(at, "1-2. dL/dy spread")
    labels = spread["layout"]["yaxis"]["ticktext"]
    assert labels == ["pad", "pad", "0", "·", "1", "pad", "pad"]  # reach 2, one zero between
    (values,) = panel_values(spread)
    np.testing.assert_array_equal(values[3], [0, 0])
    assert "dL/dx is a 'full' convolution" in texts(at)


def test_gradients_tab_share_link_round_trip(at):
    open_gradients_tab(at, **{"c1d.s": 2, "c1d.g.kind": "random"})
    at.number_input(key="c1d.g.seed").set_value(9).run()
    click(at, "c1d.g.fig.w", 0, 1, 3)
    params = dict(at.query_params)
    assert (params["tab"], params["gk"], params["gs"], params["s"]) == ("grads", "random", "9", "2")
    assert (params["gw0"], params["gw1"], params["gw2"]) == ("1", "3", "0")
    reopened = open_page(PAGE, params)
    assert not reopened.warning and not reopened.exception
    assert reopened.session_state["c1d.tab"] == "Gradients"
    assert shown_gradients(reopened)[1].tolist() == shown_gradients(at)[1].tolist()
    assert "**dL/dW[1, 3, 0]**" in texts(reopened)


# --- Click to explore on the forward explorer -----------------------------------------------------


def test_clicking_an_output_cell_moves_the_stepper(at):
    click(at, "c1d.fig.y", 0, 1, 1)
    assert at.slider(key="c1d.pos.0").value == 1 and at.radio(key="c1d.oc").value == 1
    assert "**y[1, 1]** = 6×2" in texts(at)
    click(at, "c1d.fig.y", 0, 1, 1)  # the same selection again (no new click): nothing moves
    at.button(key="c1d.pos.next").click().run()
    assert at.slider(key="c1d.pos.0").value == 0
    at.run()
    assert at.slider(key="c1d.pos.0").value == 0  # the old click is not replayed


def test_clicking_an_input_cell_shows_the_outputs_it_feeds(at):
    click(at, "c1d.fig.x", 0, 2, 3)
    assert "Input x[2] feeds 2 outputs: y[0] (through kernel tap 2), y[1] (tap 1)." in texts(at)
    output = chart_titled(at, "Output y")
    dashed = [s for s in output["layout"]["shapes"] if s["line"].get("dash") == "dash"]
    assert len(dashed) == 4  # both outputs, both channels
    at.button(key="c1d.probe.clear").click().run()
    assert "Input x[2] feeds" not in texts(at)
    at.slider(key="c1d.s").set_value(2).run()
    click(at, "c1d.fig.x", 0, 3, 0)
    assert "Input x[3] lies in no window" in texts(at)
