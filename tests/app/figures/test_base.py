"""app.base.base: the cell helpers every heatmap uses."""

from __future__ import annotations

import numpy as np

from app.figures import base
from app.figures.panel_grid import TICK_CHAR_PX, fixed_margins


def test_cell_runs_and_window_rects():
    assert base.cell_runs([5, 0, 1, 2]) == [(0, 2), (5, 5)]
    assert base.window_rects([0, 1], [3]) == ((0, 3, 1, 3),)
    assert len(base.window_rects([0, 2], [0, 2])) == 4


def test_panels_hold_their_labels_in_fixed_margins_without_automargin():
    # Plotly's automargin measured the labels on every draw and laid the figure out again.
    short = base.panels_figure(
        [base.Panel(np.zeros((2, 2)), "a"), base.Panel(np.zeros((2, 2)), "b")],
        title="t", axes=base.Axes("column", "row"),
    ).to_dict()["layout"]  # fmt: skip
    words = ("&lt;PAD&gt;", "a long bigram")
    long = base.panels_figure(
        [base.Panel(np.zeros((2, 2)), "a", row_labels=words)],
        title="t", axes=base.Axes("column", "word"),
    ).to_dict()["layout"]  # fmt: skip
    for layout in (short, long):
        axes = [v for k, v in layout.items() if k.startswith(("xaxis", "yaxis"))]
        assert axes and all(a["automargin"] is False and a["tickangle"] == 0 for a in axes)
    assert short["margin"]["l"] == 60 and short["margin"]["b"] == 60
    # "a long bigram", 13 characters, and the y title need more than 60 px on the left.
    assert long["margin"]["l"] >= 13 * TICK_CHAR_PX + 26
    assert fixed_margins([("&lt;PAD&gt;",)], [("0", "pad")], y_title=False)[0]["l"] == 60
    # Long column labels keep automargin, which turns them where they would collide.
    wide = base.panels_figure(
        [base.Panel(np.zeros((2, 2)), "a", col_labels=("out 0 · in 0", "out 0 · in 1"))],
        title="t", axes=base.Axes("column", "row"),
    ).to_dict()["layout"]  # fmt: skip
    assert "automargin" not in wide["xaxis"] and wide["margin"]["b"] == 40
