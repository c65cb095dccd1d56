"""app.figures.decision: the shaded sides and the line, clipped to the plot's box."""

from __future__ import annotations

import pytest

from app.core.decision_lines import DecisionLine
from app.figures.decision import decision_traces


def test_a_diagonal_line_splits_the_box_into_two_triangles_and_a_segment():
    line = DecisionLine(1.0, -1.0, 0.0, {})  # P > 0.5 below the diagonal y = x
    blue, vermilion, dashed = decision_traces(line, (0, 1), (0, 1))
    assert sorted(zip(dashed["x"], dashed["y"], strict=True)) == [(0, 0), (1, 1)]
    assert (1, 0) in zip(blue["x"], blue["y"], strict=True)
    assert (0, 1) in zip(vermilion["x"], vermilion["y"], strict=True)
    assert blue["fill"] == vermilion["fill"] == "toself"
    assert "label 1" in blue["name"] and "label 0" in vermilion["name"]


def test_a_line_outside_the_box_leaves_one_side_and_no_segment():
    line = DecisionLine(0.0, 0.0, 2.0, {})  # the bias alone: P > 0.5 everywhere
    blue, vermilion, dashed = decision_traces(line, (0, 1), (0, 1))
    assert len(blue["x"]) == 5 and vermilion["x"] == [] and dashed["x"] == []


@pytest.mark.parametrize("c", [-0.25, 0.5])
def test_a_vertical_line_crosses_top_and_bottom(c):
    line = DecisionLine(-1.0, 0.0, c, {})  # x = c
    *_, dashed = decision_traces(line, (-1, 1), (-1, 1))
    assert dashed["x"] == [pytest.approx(c)] * 2 and sorted(dashed["y"]) == [-1, 1]
