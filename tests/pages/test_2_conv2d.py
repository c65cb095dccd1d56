"""Section 2 page (pages/2_conv2d.py) through the real navigation, with AppTest."""

from __future__ import annotations

import json
import statistics
import time

import numpy as np
import pytest

import cnndemo
from app.core import pictures
from app.core.numbers import nested_text
from app.core.presets import classic_kernel
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

PAGE = "pages/2_conv2d.py"
X = np.arange(1, 61, dtype=float).reshape(5, 4, 3)
K = np.arange(1, 25, dtype=float).reshape(4, 2, 3, 1)
REFERENCE = "[[8680, 9580, 10480], [12280, 13180, 14080]]"


@pytest.fixture
def at():
    return open_page(PAGE)


def channel_results(at) -> list[str]:
    """The nested-list result of each output channel of the grid part."""
    return [
        m.value.split("**`")[1].removesuffix("`**")
        for m in at.markdown
        if m.value.startswith("channel ") and "**`" in m.value
    ]


def expected(x=X, k=K, stride=(1, 1), padding="valid", dilation=1) -> list[str]:
    out = cnndemo.conv2d(x[None], k, stride, padding, dilation)[0]
    return [nested_text(out[:, :, c]) for c in range(out.shape[2])]


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_opens_on_the_tutorial_reference(at):
    assert not at.exception and not at.error
    assert at.title[0].value == "Convolution 2D"
    assert channel_results(at) == [REFERENCE]
    assert "Output shape `(1, 2, 3, 1)`" in texts(at)
    total = "1×1 + 2×2 + 3×3 + 4×4 + 5×5 + 6×6 + 13×7 + 14×8 + 15×9 + 16×10 + 17×11 + 18×12"
    assert f"**y[0, 0, 0]** = {total} + 25×13" in texts(at)
    assert "41×23 + 42×24 = 8680" in texts(at)
    assert "| conv2d | `(1, 2, 3, 1)` | 24 |" in texts(at)


def test_row_and_column_sliders_move_the_window(at):
    at.slider(key="c2d.pos.0").set_value(1).run()
    at.slider(key="c2d.pos.1").set_value(2).run()
    assert "**y[1, 2, 0]** = 19×1" in texts(at) and "= 14080" in texts(at)
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    boxes = {
        (s["xref"], s["x0"], s["x1"], s["y0"], s["y1"])
        for s in spec["layout"]["shapes"]
        if s["line"]["color"] == "#111111"
    }
    assert boxes == {(ref, 1.5, 3.5, 0.5, 4.5) for ref in ("x", "x2", "x3")}
    at.button(key="c2d.pos.next").click().run()  # last position wraps to the first
    assert (at.slider(key="c2d.pos.0").value, at.slider(key="c2d.pos.1").value) == (0, 0)


def test_separate_strides_and_padding_follow_the_engine(at):
    at.slider(key="c2d.s.sx").set_value(2).run()
    assert channel_results(at) == expected(stride=(1, 2)) == ["[[8680, 10480], [12280, 14080]]"]
    at.slider(key="c2d.s.sy").set_value(3).run()
    assert channel_results(at) == expected(stride=(3, 2))
    at.radio(key="c2d.p").set_value("same").run()
    assert channel_results(at) == expected(stride=(3, 2), padding="same")
    at.slider(key="c2d.d").set_value(2).run()
    assert channel_results(at) == expected(stride=(3, 2), padding="same", dilation=2)
    assert not at.error and not at.exception


def test_editing_a_kernel_cell_changes_the_output(at):
    pick_table(at, "c2d.k", 2)
    edit_cells(at, editor_key("c2d.k", 0, 2), {3: {"col 1": -5.0}})  # W[3, 1, 2, 0]
    kernel = K.copy()
    kernel[3, 1, 2, 0] = -5
    assert channel_results(at) == expected(k=kernel)


@pytest.mark.parametrize("bad", ["twelve", float("nan"), float("-inf"), -1e9])
def test_bad_cells_give_an_error_and_keep_the_last_valid_values(at, bad):
    at.slider(key="c2d.s.sx").set_value(2).run()
    pick_table(at, "c2d.x", 1)
    edit_cells(at, editor_key("c2d.x", 0, 1), {4: {"col 0": bad}})
    assert len(at.error) == 1 and "channel 1, row 4, column 'col 0'" in at.error[0].value
    assert channel_results(at) == expected(stride=(1, 2))
    assert at.slider(key="c2d.s.sx").value == 2 and not at.exception


def test_kernel_taller_than_the_grid_with_valid_padding_is_explained(at):
    at.slider(key="c2d.kh").set_value(6).run()
    assert len(at.error) == 1 and "larger than input" in at.error[0].value
    assert at.slider(key="c2d.kh").value == 6 and not at.exception


def test_more_output_channels_give_one_result_each(at):
    at.number_input(key="c2d.cout").set_value(2).run()
    assert channel_results(at) == [REFERENCE, "[[0, 0, 0], [0, 0, 0]]"]
    at.radio(key="c2d.oc").set_value(1).run()
    assert "**y[0, 0, 1]** = 1×0 + 2×0" in texts(at)


def test_share_link_round_trip_restores_the_setup(at):
    at.slider(key="c2d.s.sy").set_value(2).run()
    edit_cells(at, editor_key("c2d.x", 0, 0), {0: {"col 0": 0.25}})
    open_pictures_tab(at)
    at.selectbox(key="c2d.ik.preset").select("Gaussian blur").run()
    at.button(key="c2d.ik.apply").click().run()
    params = dict(at.query_params)
    assert params["sy"] == "2" and params["ik"] == "3x3_" + "_".join(
        str(v) for v in [0.0625, 0.125, 0.0625, 0.125, 0.25, 0.125, 0.0625, 0.125, 0.0625]
    )
    reopened = open_page(PAGE, params)
    assert not reopened.warning and not reopened.exception
    # The link names the open tab (the pictures); the grid's setup is on the first tab.
    assert params["tab"] == "pictures" and reopened.session_state["c2d.tab"] == "Pictures"
    reopened.session_state["c2d.tab"] = "Grids of vectors"
    reopened.run()
    assert reopened.slider(key="c2d.s.sy").value == 2
    x = X.copy()
    x[0, 0, 0] = 0.25
    assert channel_results(reopened) == expected(x=x, stride=(2, 1))
    np.testing.assert_array_equal(
        reopened.session_state["c2d.ik.value"][:, :, 0, 0],
        classic_kernel("Gaussian blur", (3, 3)),
    )


def test_malformed_link_warns_and_falls_back_to_the_reference():
    at = open_page(PAGE, {"x": "5x4x3_1", "sy": "-1"})
    assert len(at.warning) == 1 and "could not be used" in at.warning[0].value
    assert channel_results(at) == [REFERENCE] and not at.exception


def open_pictures_tab(at):
    at.session_state["c2d.tab"] = "Pictures"
    return at.run()


def test_picture_mode_convolves_the_builtin_picture(at):
    open_pictures_tab(at)
    picture = pictures.builtin_picture(64)
    sobel = classic_kernel("Sobel x")[:, :, None, None]
    feature = cnndemo.conv2d(picture[None, :, :, None], sobel, 1, "same")[0, :, :, 0]
    assert metric(at, "picture") == "64 × 64" and metric(at, "feature map") == "64 × 64"
    assert metric(at, "largest value") == f"{feature.max():.0f}"
    at.slider(key="c2d.is").set_value(2).run()
    assert metric(at, "feature map") == "32 × 32"
    at.radio(key="c2d.act").set_value("relu").run()
    assert metric(at, "smallest value") == "0"


def test_picture_kernel_presets_and_edits(at):
    open_pictures_tab(at)
    at.selectbox(key="c2d.ik.preset").select("box blur").run()
    at.button(key="c2d.ik.apply").click().run()
    assert float(metric(at, "largest value")) <= 250  # a blur never brightens the brightest
    edit_cells(at, table_key(at, "c2d.ik"), {1: {"col 1": 9.0}})
    assert float(metric(at, "largest value")) > 1000


def test_upload_mode_without_a_file_keeps_the_builtin_picture(at):
    # AppTest cannot attach files; decoding uploads is tested in tests/app/core/test_pictures.py.
    open_pictures_tab(at)
    at.radio(key="c2d.src").set_value("upload your own").run()
    assert metric(at, "picture") == "64 × 64" and not at.exception


def test_rerun_time_after_a_widget_change_is_reported(at, capsys):
    """Measured, not asserted: the median full rerun after a stride change (see the report)."""
    times = []
    for i in range(15):
        at.slider(key="c2d.s.sy").set_value(1 + i % 2)
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
    with capsys.disabled():
        print(f"\n[conv2d] median rerun after a widget change: {statistics.median(times):.3f} s")
    assert not at.exception


# --- The Gradients tab ---------------------------------------------------------------------------


def open_gradients_tab(at):
    at.session_state["c2d.tab"] = "Gradients"
    return at.run()


@pytest.mark.parametrize(
    ("stride", "padding"), [((1, 1), "valid"), ((2, 2), "same")], ids=["tutorial", "stride-2-same"]
)
def test_gradients_tab_shows_the_engines_gradients_checked_by_loops_and_differences(
    at, stride, padding
):
    open_gradients_tab(at)
    at.slider(key="c2d.s.sy").set_value(stride[0]).run()
    at.slider(key="c2d.s.sx").set_value(stride[1]).run()
    at.radio(key="c2d.p").set_value(padding).run()
    at.radio(key="c2d.g.kind").set_value("random").run()
    out_shape = cnndemo.conv2d(X[None], K, stride, padding).shape
    upstream = np.random.default_rng(0).integers(-5, 6, size=out_shape).astype(float)
    shown_upstream = np.stack(panel_values(chart_titled(at, "dL/dy", exact=True)), axis=-1)
    np.testing.assert_array_equal(shown_upstream, upstream[0])
    shown_x = np.stack(panel_values(chart_titled(at, "dL/dx")), axis=-1)
    shown_kernel = np.stack(panel_values(chart_titled(at, "dL/dW")), axis=-1)[..., None]
    assert_gradients_are_right(shown_x, shown_kernel, X[None], K, upstream, stride, padding)
    assert texts(at).count("✓") == 2 and not at.exception


def test_gradient_cells_of_the_grid_are_written_out_and_clickable(at):
    open_gradients_tab(at)
    # dL/dy all ones (2 x 3): weight (0, 0) of input channel 0 met x[0..1, 0..2, 0].
    assert "**dL/dW[0, 0, 0, 0]** = 1×1 + 4×1 + 7×1 + 13×1 + 16×1 + 19×1 = 60" in texts(at)
    click(at, "c2d.g.fig.w", 2, 3, 1)  # panel = input channel 2, kernel row 3, column 1
    assert [at.slider(key=f"c2d.g.w.{i}").value for i in range(3)] == [3, 1, 2]
    assert "**dL/dW[3, 1, 2, 0]**" in texts(at)
    click(at, "c2d.g.fig.x", 1, 4, 3)  # panel = channel 1, row 4, column 3
    # x[4, 3] is read by one window only (output (1, 2), kernel tap (3, 1)).
    assert "**dL/dx[4, 3, 1]** = 1×23 = 23" in texts(at)


def test_clicks_on_the_grid_explorer(at):
    click(at, "c2d.fig.y", 0, 1, 2)  # output channel 0, row 1, column 2
    assert (at.slider(key="c2d.pos.0").value, at.slider(key="c2d.pos.1").value) == (1, 2)
    assert "**y[1, 2, 0]** = 19×1" in texts(at)
    click(at, "c2d.fig.x", 1, 0, 1)  # any channel's panel probes the cell
    assert (
        "Input x[0, 1] feeds 2 outputs: y[0, 0] (through kernel tap 0, 1), y[0, 1] (tap 0, 0)."
        in texts(at)
    )
