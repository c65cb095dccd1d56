"""Training figures (app.figures.training), checked on their Plotly JSON (no Streamlit)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from app.figures import training as tf


def test_error_curve_plots_every_epoch_with_the_ln2_reference():
    errors = [math.log(2), 0.5, 0.25, 0.1]
    fig = tf.error_curve(errors).to_dict()
    assert list(fig["data"][0]["x"]) == [0, 1, 2, 3]
    assert list(fig["data"][0]["y"]) == errors
    line = fig["layout"]["shapes"][0]
    assert line["y0"] == line["y1"] == pytest.approx(math.log(2))
    assert "ln 2" in fig["layout"]["annotations"][0]["text"]
    assert fig["layout"]["xaxis"]["title"]["text"] == "epoch"
    assert fig["layout"]["title"]["text"]


def test_error_curve_log_scale_and_planned_range_and_thinning():
    errors = np.linspace(0.7, 0.01, 3000)
    fig = tf.error_curve(errors, log_scale=True, epochs_target=5000, max_points=400).to_dict()
    assert fig["layout"]["yaxis"]["type"] == "log"
    assert fig["layout"]["xaxis"]["range"][1] == 5000
    x = fig["data"][0]["x"]
    assert len(x) <= 400 and x[0] == 0 and x[-1] == 2999


def test_probability_bars_mark_the_wrong_side_of_half():
    fig = tf.probability_bars(["a", "b", "c"], [0.9, 0.4, 0.6], [1, 1, 0]).to_dict()
    bars = fig["data"][0]
    assert list(bars["y"]) == [0.9, 0.4, 0.6]
    assert "wrong" not in bars["text"][0]
    assert "wrong" in bars["text"][1] and "wrong" in bars["text"][2]
    assert bars["marker"]["pattern"]["shape"] == ("", "/", "/") or list(
        bars["marker"]["pattern"]["shape"]
    ) == ["", "/", "/"]
    assert "1 of 3" in fig["layout"]["title"]["subtitle"]["text"]
    assert fig["layout"]["shapes"][0]["y0"] == 0.5
    with pytest.raises(ValueError):
        tf.probability_bars(["a"], [0.5, 0.5], [1])


def test_probability_bars_animate_over_history():
    fig = tf.probability_bars(
        ["a", "b"], [0.9, 0.1], [1, 0], epochs=[0, 10], history=[[0.5, 0.5], [0.9, 0.1]]
    ).to_dict()
    assert [f["name"] for f in fig["frames"]] == ["0", "10"]
    assert list(fig["frames"][0]["data"][0]["y"]) == [0.5, 0.5]


def test_weights_heatmap_rows_top_to_bottom_with_written_values():
    values = np.array([[1.0, -2.0], [0.5, 0.0], [3.0, 4.0]])
    fig = tf.weights_heatmap(values, ["p0", "p1", "p2"], ["c0", "c1"], title="w").to_dict()
    assert fig["layout"]["yaxis"]["autorange"] == "reversed"
    assert fig["data"][0]["text"][0] == ["1", "-2"]
    assert fig["data"][0]["zmin"] == -4 and fig["data"][0]["zmax"] == 4
    with pytest.raises(ValueError):
        tf.weights_heatmap(values, ["p0"], ["c0", "c1"], title="w")


def test_a_long_weights_title_is_wrapped_and_given_room():
    # Plotly never wraps a title: page 4's ran off a phone's chart.
    values = np.ones((3, 2))
    title = "Dense weights: one row per position of the conv output"
    short = tf.weights_heatmap(values, ["p0", "p1", "p2"], ["c0", "c1"], title="w").to_dict()
    long = tf.weights_heatmap(values, ["p0", "p1", "p2"], ["c0", "c1"], title=title).to_dict()
    assert (
        long["layout"]["title"]["text"]
        == "Dense weights: one row per position of<br>the conv output"
    )
    assert long["layout"]["margin"]["t"] - short["layout"]["margin"]["t"] == 20
    assert long["layout"]["height"] - short["layout"]["height"] == 20


def test_error_curve_of_a_diverged_run_scales_to_its_finite_part():
    errors = [1.8, 376.0, 8.6e6, float("inf"), float("nan"), float("nan")]
    linear = tf.error_curve(errors).to_dict()["layout"]["yaxis"]["range"]
    assert linear == pytest.approx([0, 8.6e6 * 1.1])
    logged = tf.error_curve(errors, log_scale=True).to_dict()["layout"]["yaxis"]["range"]
    assert all(math.isfinite(v) for v in logged) and logged[1] > 6


def test_bars_mark_undecided_answers_neither_right_nor_wrong():
    figure = tf.probability_bars(["a", "b", "c"], [0.49995, 0.2, 0.9], [1, 1, 1]).to_plotly_json()
    bars = figure["data"][0]
    assert [t.split()[-1] for t in bars["text"]] == ["undecided", "wrong", "✓"]
    assert bars["marker"]["pattern"]["shape"] == ["", "/", ""]  # only the wrong one hatched
    assert "1 of 3 on the right side of 0.5 (1 undecided at 0.5000)" in str(figure["layout"])


def test_bar_labels_are_readable_and_nothing_is_written_on_the_decision_line():
    fig = tf.probability_bars(["a", "b", "c"], [0.5, 0.2, 0.9], [1, 1, 1]).to_dict()
    bars = fig["data"][0]
    assert bars["textfont"]["size"] >= 11 and bars["constraintext"] == "none"
    assert bars["cliponaxis"] is False
    # The line is named in the subtitle: a label on it ran into bars stopping at 0.5.
    assert not fig["layout"].get("annotations")
    assert "decision line" in fig["layout"]["title"]["subtitle"]["text"]


def test_many_bars_keep_a_readable_symbol_instead_of_shrunken_words():
    probabilities = [0.9] * 15 + [0.2]
    fig = tf.probability_bars([f"#{i}" for i in range(16)], probabilities, [1] * 16).to_dict()
    bars = fig["data"][0]
    assert list(bars["text"]) == ["✓"] * 15 + ["✗"]
    assert bars["constraintext"] == "none" and bars["textfont"]["size"] >= 11
