"""app.figures.panel_grid: where each panel of a figure sits."""

from __future__ import annotations

from app.figures.panel_grid import PER_ROW, ROW_GAP_PX, grid_places, kernel_per_row, panel_domains


def test_grid_places_wraps_rows_and_starts_a_new_row_where_asked():
    assert grid_places(4, 3) == [(0, 0, 3), (0, 1, 3), (0, 2, 3), (1, 0, 3)]
    # One output under three inputs: a row of its own, the whole width.
    assert grid_places(4, 3, new_row_at=3) == [(0, 0, 3), (0, 1, 3), (0, 2, 3), (1, 0, 1)]
    assert grid_places(5, 3, new_row_at=2) == [
        (0, 0, 2), (0, 1, 2), (1, 0, 3), (1, 1, 3), (1, 2, 3)
    ]  # fmt: skip
    assert grid_places(2, 1, new_row_at=1) == [(0, 0, 1), (1, 0, 1)]
    assert grid_places(3, 2, new_row_at=0) == [(0, 0, 2), (0, 1, 2), (1, 0, 2)]


def test_rows_are_a_row_gap_apart_in_pixels_and_a_lone_output_takes_the_whole_width():
    height = 2 * 190 + 70
    (x0, y0), (x1, y1) = panel_domains(grid_places(2, 1, new_row_at=1), height, 100)
    assert x0 == x1 == [0.0, 1.0]
    gap_px = (y0[0] - y1[1]) * (height - 100)
    assert abs(gap_px - ROW_GAP_PX) < 1e-9
    (a, _), (b, _), (c, _) = panel_domains(grid_places(3, 3), 400, 100)
    assert a[0] == 0.0 and a[1] < b[0] < b[1] < c[0] and abs(c[1] - 1.0) < 1e-9


def test_a_kernel_gets_a_row_per_output_channel_or_its_outputs_side_by_side():
    assert kernel_per_row(2, 2) == 2  # in 0 -> out 0, in 1 -> out 0 / the same for out 1
    assert kernel_per_row(1, 2) == 2  # one input channel: the outputs side by side
    assert kernel_per_row(1, 8) == kernel_per_row(8, 8) == PER_ROW
    assert kernel_per_row(1, 1) == 1
