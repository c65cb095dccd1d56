"""app.core.tensor_tables: tables <-> tensors, validation, resizing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from app.core.tensor_tables import (
    check_frame,
    frames_to_tensor,
    resize,
    summarize_errors,
    tensor_to_frames,
)

SHAPES = {
    "vector": (5,),
    "sequence": (4, 5),
    "grid": (5, 4, 3),
    "kernel1d": (3, 5, 2),
    "kernel2d": (4, 2, 3, 2),
}


@pytest.mark.parametrize("kind", SHAPES)
def test_tables_round_trip_to_the_same_tensor(kind):
    shape = SHAPES[kind]
    tensor = np.arange(1, np.prod(shape) + 1, dtype=float).reshape(shape)
    frames = [frame for _, frame in tensor_to_frames(kind, tensor)]
    value, errors = frames_to_tensor(kind, shape, frames, "t")
    assert errors == []
    np.testing.assert_array_equal(value, tensor)


def test_table_layouts_match_the_tutorial_reading():
    """Sequence rows are positions; a 1D kernel has one table per output channel whose rows are
    taps and columns input channels; a 2D kernel one table per (in, out) pair."""
    x = np.arange(1, 21, dtype=float).reshape(4, 5)
    ((title, frame),) = tensor_to_frames("sequence", x)
    assert title == "" and list(frame.columns) == ["ch 0", "ch 1", "ch 2", "ch 3", "ch 4"]
    assert frame.index.name == "position" and frame.iloc[1].tolist() == [6, 7, 8, 9, 10]

    kernel = np.arange(1, 31, dtype=float).reshape(3, 5, 2)
    tables = tensor_to_frames("kernel1d", kernel)
    assert [t for t, _ in tables] == ["output channel 0", "output channel 1"]
    assert tables[0][1].index.name == "tap"
    assert tables[0][1].iloc[0].tolist() == [1, 3, 5, 7, 9]  # first window row, even entries
    assert tables[1][1].iloc[0].tolist() == [2, 4, 6, 8, 10]

    titles = [t for t, _ in tensor_to_frames("kernel2d", np.zeros((4, 2, 3, 2)))]
    assert titles == [f"in {i} → out {o}" for i in range(3) for o in range(2)]


def frame(values):
    return pd.DataFrame(values, columns=["ch 0", "ch 1"], index=pd.Index(["0", "1"], name="r"))


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (None, "row 1, column 'ch 0' is empty"),
        (float("nan"), "row 1, column 'ch 0' is empty"),
        ("abc", "'abc' is not a number"),
        (float("inf"), "is infinite"),
        (-float("inf"), "is infinite"),
        (2e6, "is too large"),
    ],
)
def test_bad_cells_are_reported_with_their_place(cell, message):
    table = frame([[1.0, 2.0], [0.0, 4.0]]).astype(object)
    table.iat[1, 0] = cell
    matrix, errors = check_frame(table, "Input x, ")
    assert matrix is None
    assert len(errors) == 1 and message in errors[0] and errors[0].startswith("Input x, row 1")


def test_numeric_text_is_accepted_and_empty_tables_are_not():
    table = frame([["1.5", 2.0], [3.0, "-4"]]).astype(object)
    matrix, errors = check_frame(table, "")
    assert errors == [] and matrix.tolist() == [[1.5, 2.0], [3.0, -4.0]]
    assert "empty" in check_frame(pd.DataFrame(), "t, ")[1][0]


def test_tables_of_the_wrong_size_are_refused():
    short = pd.DataFrame([[1.0, 2.0]], columns=["ch 0", "ch 1"])
    value, errors = frames_to_tensor("sequence", (2, 2), [short], "x")
    assert value is None and "should be 2 x 2" in errors[0]


def test_resize_crops_and_zero_pads_keeping_what_fits():
    value = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(resize(value, (3, 2)), [[0, 1], [3, 4], [0, 0]])


def test_summarize_errors_caps_the_list():
    text = summarize_errors([f"e{i}" for i in range(7)], limit=3)
    assert text.splitlines() == ["- e0", "- e1", "- e2", "- … and 4 more"]


def test_cell_text_is_quoted_without_markup():
    table = frame([["![x](http://e/x.png)", 2.0], [3.0, 4.0]]).astype(object)
    _, errors = check_frame(table, "")
    assert "](" not in errors[0] and "not a number" in errors[0]
