"""Pooling worked out cell by cell (app.core.pool_windows).

Oracle: ``cnndemo.pool2d`` (itself tested against a loop implementation in tests/engine) for
the pooled numbers; a plain loop over each window for the winners.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cnndemo
from app.core import pool_windows as pw

# docs/lesson.md, section 8.
REFERENCE = np.array(
    [
        [[1, 17, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]],
        [[13, 14, 18], [16, 2, 15], [19, 20, 21], [22, 23, 24]],
        [[25, 26, 27], [28, 29, 30], [31, 32, 33], [34, 35, 36]],
        [[37, 38, 39], [40, 41, 42], [43, 44, 45], [46, 47, 48]],
    ],
    dtype=np.float64,
)


def reference(kind="max", size=(2, 2), stride=(2, 2), padding="valid"):
    return pw.explain_pool(REFERENCE, size, stride, kind, padding)


def test_reference_max_pool_gives_the_tutorial_grid():
    result = reference()
    expected = [[[16, 17, 18], [22, 23, 24]], [[40, 41, 42], [46, 47, 48]]]
    assert result.output.tolist() == expected
    assert pw.output_text(result.output) == "(16, 17, 18) (22, 23, 24) / (40, 41, 42) (46, 47, 48)"


def test_reference_top_left_vector_takes_each_channel_from_a_different_cell():
    result = reference()
    # 16 from (16, 2, 15) at (1, 1), 17 from (1, 17, 3) at (0, 0), 18 from (13, 14, 18) at (1, 0).
    assert result.winners[0, 0].tolist() == [[1, 1], [0, 0], [1, 0]]
    assert pw.cell_vector(REFERENCE, 1, 1) == "(16, 2, 15)"


def test_sentences_write_the_window_per_channel():
    result = reference()
    assert pw.pool_sentence(result, 0, 0, 0) == "max(1, 4, 13, 16) = 16"
    assert pw.pool_sentence(result, 0, 0, 1) == "max(17, 5, 14, 2) = 17"
    assert pw.pool_sentence(result, 0, 0, 2) == "max(3, 6, 18, 15) = 18"
    assert pw.winner_note(result, 0, 0, 1) == "from row 0, column 0"
    assert pw.pool_sentence(reference("min"), 0, 0, 1) == "min(17, 5, 14, 2) = 2"
    avg = reference("avg")
    assert pw.pool_sentence(avg, 0, 0, 0) == "mean(1, 4, 13, 16) = 34 / 4 = 8.5"
    assert pw.winner_note(avg, 0, 0, 0) == "the mean of 4 cells"
    assert (avg.winners == -1).all()


def test_same_padding_leaves_padding_out_of_the_window():
    result = reference("avg", size=(3, 3), stride=(2, 2), padding="same")
    # 4 rows, window 3, stride 2: out 2, total padding 1, all at the end.
    assert result.pads == ((0, 1), (0, 1))
    assert pw.pool_sentence(result, 1, 1, 0) == "mean(31, 34, 43, 46) = 154 / 4 = 38.5"
    assert np.allclose(result.output, cnndemo.pool2d(REFERENCE[None], 3, 2, "avg", "same")[0])


def test_a_window_larger_than_a_valid_grid_is_the_engines_error():
    with pytest.raises(ValueError):
        pw.explain_pool(REFERENCE, (5, 2), (1, 1), "max", "valid")
    with pytest.raises(ValueError, match="pooling kind"):
        pw.explain_pool(REFERENCE, (2, 2), (2, 2), "median", "valid")


@settings(max_examples=60, deadline=None)
@given(
    h=st.integers(1, 7),
    w=st.integers(1, 7),
    channels=st.integers(1, 3),
    kh=st.integers(1, 4),
    kw=st.integers(1, 4),
    sy=st.integers(1, 4),
    sx=st.integers(1, 4),
    kind=st.sampled_from(["max", "min", "avg"]),
    padding=st.sampled_from(["valid", "same"]),
    seed=st.integers(0, 10_000),
)
def test_explained_pooling_equals_the_engine_and_winners_are_first_in_reading_order(
    h, w, channels, kh, kw, sy, sx, kind, padding, seed
):
    # Small integers make ties common, which is where the winner rule matters.
    grid = np.random.default_rng(seed).integers(0, 4, size=(h, w, channels)).astype(float)
    try:
        expected = cnndemo.pool2d(grid[None], (kh, kw), (sy, sx), kind, padding)[0]
    except ValueError:
        with pytest.raises(ValueError):
            pw.explain_pool(grid, (kh, kw), (sy, sx), kind, padding)
        return
    result = pw.explain_pool(grid, (kh, kw), (sy, sx), kind, padding)
    assert np.allclose(result.output, expected)
    out_h, out_w = result.out_shape
    for r, c, ch in itertools.product(range(out_h), range(out_w), range(channels)):
        window = result.window(r, c)
        cells = [
            (y, x) for y in window.real_rows(h) for x in window.real_cols(w)
        ]  # row-major order
        values = [grid[y, x, ch] for y, x in cells]
        assert values == pw.window_values(result, r, c, ch)
        if kind == "avg":
            continue
        best = max(values) if kind == "max" else min(values)
        assert tuple(result.winners[r, c, ch]) == cells[values.index(best)]


def test_overlap_and_coverage():
    assert not reference().overlapping
    assert reference().coverage().tolist() == [[1] * 4] * 4
    overlapping = reference(size=(2, 2), stride=(1, 1))
    assert overlapping.overlapping
    assert overlapping.coverage()[1:3, 1:3].tolist() == [[4, 4], [4, 4]]
    # 3 x 3 windows, stride 3 on a 4 x 4 grid: the last row and column are in no window.
    dropped = reference(size=(3, 3), stride=(3, 3))
    assert not dropped.overlapping
    assert int((dropped.coverage() == 0).sum()) == 7


def test_padding_note_says_what_same_adds_on_one_axis():
    assert pw.padding_note(4, 2, 2, "valid", "Rows") == ""
    assert pw.padding_note(4, 2, 2, "same", "Rows") == "Rows: SAME needs no padding here."
    assert "adds 0 padding cell(s) before and 1 after" in pw.padding_note(4, 3, 2, "same", "Rows")
