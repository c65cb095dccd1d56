"""app.base.base: the cell helpers every heatmap uses."""

from __future__ import annotations

from app.figures import base


def test_cell_runs_and_window_rects():
    assert base.cell_runs([5, 0, 1, 2]) == [(0, 2), (5, 5)]
    assert base.window_rects([0, 1], [3]) == ((0, 3, 1, 3),)
    assert len(base.window_rects([0, 2], [0, 2])) == 4


def test_grid_places_wraps_rows_and_starts_a_new_row_where_asked():
    from app.figures.base import grid_places

    assert grid_places(4, 3) == [(0, 0, 3), (0, 1, 3), (0, 2, 3), (1, 0, 3)]
    # One output under three inputs: a row of its own, the whole width.
    assert grid_places(4, 3, new_row_at=3) == [(0, 0, 3), (0, 1, 3), (0, 2, 3), (1, 0, 1)]
    assert grid_places(5, 3, new_row_at=2) == [
        (0, 0, 2), (0, 1, 2), (1, 0, 3), (1, 1, 3), (1, 2, 3)
    ]  # fmt: skip
    assert grid_places(2, 1, new_row_at=1) == [(0, 0, 1), (1, 0, 1)]
    assert grid_places(3, 2, new_row_at=0) == [(0, 0, 2), (0, 1, 2), (1, 0, 2)]
