"""app.base.base: the cell helpers every heatmap uses."""

from __future__ import annotations

from app.figures import base


def test_cell_runs_and_window_rects():
    assert base.cell_runs([5, 0, 1, 2]) == [(0, 2), (5, 5)]
    assert base.window_rects([0, 1], [3]) == ((0, 3, 1, 3),)
    assert len(base.window_rects([0, 2], [0, 2])) == 4
