"""Section 1 page (pages/1_conv1d.py) through the real navigation, with AppTest."""

from __future__ import annotations

import json
import statistics
import time

import numpy as np
import pytest

import cnndemo
from app.core.numbers import nested_text
from app.widgets.tensor_editor import editor_key
from tests.pages.conftest import edit_cells, open_page, texts

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
    assert at.title[0].value == "Convolution in 1D"
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
    at.number_input(key="c1d.s").set_value(2).run()
    assert result_text(at) == expected(stride=2) == "[[2360, 2480]]"
    at.radio(key="c1d.p").set_value("same").run()
    assert result_text(at) == expected(stride=2, padding="same")
    assert "SAME padding adds 1 zero" in texts(at)
    at.number_input(key="c1d.s").set_value(1).run()
    at.number_input(key="c1d.d").set_value(2).run()
    assert result_text(at) == expected(padding="same", dilation=2)
    assert not at.exception and not at.error


def test_same_padding_window_shows_padding_rows_and_zero_terms(at):
    at.radio(key="c1d.p").set_value("same").run()
    assert "**y[0, 0]** = 0×1 + 0×3 + 0×5 + 0×7 + 0×9 + 1×11" in texts(at)
    assert "padding, read as 0" in texts(at)
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["layout"]["yaxis"]["ticktext"] == ["pad", "0", "1", "2", "3", "pad"]


def test_editing_a_kernel_cell_changes_the_output(at):
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
    at.number_input(key="c1d.s").set_value(2).run()
    edit_cells(at, editor_key("c1d.x", 0, 0), {1: {"ch 2": bad}})
    assert len(at.error) == 1
    assert "row 1, column 'ch 2'" in at.error[0].value
    assert result_text(at) == expected(stride=2)  # last valid input, the learner's stride
    assert at.number_input(key="c1d.s").value == 2
    assert not at.exception


def test_kernel_wider_than_the_input_with_valid_padding_is_explained(at):
    at.number_input(key="c1d.kw").set_value(5).run()
    assert len(at.error) == 1
    assert "larger than input" in at.error[0].value
    assert "no output" in "\n".join(str(el.value) for el in at.latex)
    assert at.number_input(key="c1d.kw").value == 5 and not at.exception
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
    at.number_input(key="c1d.vs").set_value(2).run()
    v = np.array([3, 1, 4, 1, 5, 9, 2, 6.0])
    out = cnndemo.conv1d(v[None, :, None], np.array([1, 0, -1.0])[:, None, None], 2)[0, :, 0]
    assert f"Output ({len(out)} numbers): **`{nested_text(out)}`**" in texts(at)
    assert "- y[0] = 3×1 + 1×0 + 4×(-1) = -1" in texts(at)


def test_share_link_round_trip_restores_the_setup(at):
    at.number_input(key="c1d.s").set_value(2).run()
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
    assert reopened.number_input(key="c1d.s").value == 2
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


def test_play_toggle_runs_without_error(at):
    at.toggle(key="c1d.play").set_value(True).run()
    assert not at.exception and result_text(at) == REFERENCE


def test_rerun_time_after_a_widget_change_is_reported(at, capsys):
    """Measured, not asserted: the median full rerun after a stride change (see the report)."""
    times = []
    for i in range(15):
        at.number_input(key="c1d.s").set_value(1 + i % 2)
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
    with capsys.disabled():
        print(f"\n[conv1d] median rerun after a widget change: {statistics.median(times):.3f} s")
    assert not at.exception
