"""app.core.explore: the sentences click to explore writes (oracle: cnndemo.explain's plans)."""

from __future__ import annotations

from app.core.explore import fed_outputs, feeds_sentence
from cnndemo import explain


def test_an_input_cell_names_every_output_it_feeds_and_through_which_tap():
    plan = explain.conv_plan((4,), (3,))
    assert feeds_sentence(plan, (2,)) == (
        "Input x[2] feeds 2 outputs: y[0] (through kernel tap 2), y[1] (tap 1)."
    )
    assert fed_outputs(plan, (2,), 2) == ((0, 0), (0, 1), (1, 0), (1, 1))
    grid = explain.conv_plan((5, 4), (4, 2))
    assert (
        feeds_sentence(grid, (0, 0))
        == "Input x[0, 0] feeds 1 output: y[0, 0] (through kernel tap 0, 0)."
    )


def test_cells_in_no_window_say_why():
    strided = explain.conv_plan((4,), (3,), 2)
    assert feeds_sentence(strided, (3,)).startswith("Input x[3] lies in no window (the stride")
    pool = explain.pool_plan((4, 4), 2)
    assert feeds_sentence(pool, (1, 1), pooling=True) == (
        "Input x[1, 1] feeds 1 output: y[0, 0] (as window cell 1, 1)."
    )
