"""Pure helpers of app.widgets: tables <-> tensors, validation, resizing, presets."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cnndemo
from app import limits, widgets

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
    frames = [frame for _, frame in widgets.tensor_to_frames(kind, tensor)]
    value, errors = widgets.frames_to_tensor(kind, shape, frames, "t")
    assert errors == []
    np.testing.assert_array_equal(value, tensor)


def test_table_layouts_match_the_tutorial_reading():
    """Sequence rows are positions; a 1D kernel has one table per output channel whose rows are
    taps and columns input channels; a 2D kernel one table per (in, out) pair."""
    x = np.arange(1, 21, dtype=float).reshape(4, 5)
    ((title, frame),) = widgets.tensor_to_frames("sequence", x)
    assert title == "" and list(frame.columns) == ["ch 0", "ch 1", "ch 2", "ch 3", "ch 4"]
    assert frame.index.name == "position" and frame.iloc[1].tolist() == [6, 7, 8, 9, 10]

    kernel = np.arange(1, 31, dtype=float).reshape(3, 5, 2)
    tables = widgets.tensor_to_frames("kernel1d", kernel)
    assert [t for t, _ in tables] == ["output channel 0", "output channel 1"]
    assert tables[0][1].index.name == "tap"
    assert tables[0][1].iloc[0].tolist() == [1, 3, 5, 7, 9]  # first window row, even entries
    assert tables[1][1].iloc[0].tolist() == [2, 4, 6, 8, 10]

    titles = [t for t, _ in widgets.tensor_to_frames("kernel2d", np.zeros((4, 2, 3, 2)))]
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
    matrix, errors = widgets.check_frame(table, "Input x, ")
    assert matrix is None
    assert len(errors) == 1 and message in errors[0] and errors[0].startswith("Input x, row 1")


def test_numeric_text_is_accepted_and_empty_tables_are_not():
    table = frame([["1.5", 2.0], [3.0, "-4"]]).astype(object)
    matrix, errors = widgets.check_frame(table, "")
    assert errors == [] and matrix.tolist() == [[1.5, 2.0], [3.0, -4.0]]
    assert "empty" in widgets.check_frame(pd.DataFrame(), "t, ")[1][0]


def test_tables_of_the_wrong_size_are_refused():
    short = pd.DataFrame([[1.0, 2.0]], columns=["ch 0", "ch 1"])
    value, errors = widgets.frames_to_tensor("sequence", (2, 2), [short], "x")
    assert value is None and "should be 2 x 2" in errors[0]


def test_resize_crops_and_zero_pads_keeping_what_fits():
    value = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(widgets.resize(value, (3, 2)), [[0, 1], [3, 4], [0, 0]])


def test_summarize_errors_caps_the_list():
    text = widgets.summarize_errors([f"e{i}" for i in range(7)], limit=3)
    assert text.splitlines() == ["- e0", "- e1", "- e2", "- … and 4 more"]


def test_editor_key_names_table_and_version():
    assert widgets.editor_key("c1d.x", 3, 1) == "c1d.x.v3.t1"


# --- Presets ------------------------------------------------------------------------------------


def test_counting_preset_is_the_tutorial_pattern_at_any_shape():
    value = widgets.preset_value("kernel1d", "counting 1, 2, 3…", (3, 5, 2))
    np.testing.assert_array_equal(value, np.arange(1, 31).reshape(3, 5, 2))


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000))
def test_random_preset_is_reproducible_whole_numbers_in_range(seed):
    a = widgets.preset_value("grid", "random integers", (3, 4, 2), seed)
    b = widgets.preset_value("grid", "random integers", (3, 4, 2), seed)
    np.testing.assert_array_equal(a, b)
    assert a.shape == (3, 4, 2) and np.all(a == np.round(a)) and np.abs(a).max() <= 5


def test_tutorial_preset_needs_a_tutorial_tensor():
    with pytest.raises(ValueError, match="no tutorial"):
        widgets.preset_value("grid", "tutorial", (2, 2, 1))
    tutorial = np.ones((2, 3))
    np.testing.assert_array_equal(widgets.preset_value("sequence", "tutorial", (9, 9), 0, tutorial),
                                  tutorial)  # fmt: skip


def test_every_offered_preset_produces_a_finite_tensor():
    for kind, shape in SHAPES.items():
        for preset in widgets.presets_for(kind):
            if preset == "tutorial":
                continue
            value = widgets.preset_value(kind, preset, shape, 1)
            assert value.ndim == len(shape) and np.all(np.isfinite(value)), (kind, preset)


def image_conv(picture, kernel2d, padding="same"):
    return cnndemo.conv2d(picture[None, :, :, None], kernel2d[:, :, None, None], 1, padding)[
        0, :, :, 0
    ]


def test_classic_kernels_do_what_their_names_say():
    flat = np.full((6, 6), 7.0)
    step = np.zeros((6, 6))
    step[:, 3:] = 10.0  # dark left half, bright right half: one vertical edge
    blur = widgets.classic_kernel("box blur", (3, 3))
    gauss = widgets.classic_kernel("Gaussian blur", (3, 3))
    assert blur.sum() == pytest.approx(1) and gauss.sum() == pytest.approx(1)
    np.testing.assert_array_equal(gauss * 16, [[1, 2, 1], [2, 4, 2], [1, 2, 1]])
    inner = (slice(1, -1), slice(1, -1))
    # Blurs and sharpen keep a flat picture flat, edge kernels see nothing in it.
    for name in ("box blur", "Gaussian blur", "sharpen", "identity"):
        k = widgets.classic_kernel(name, (3, 3))
        np.testing.assert_allclose(image_conv(flat, k)[inner], 7.0)
    for name in ("edge (Laplacian)", "Sobel x", "Sobel y"):
        k = widgets.classic_kernel(name)
        np.testing.assert_allclose(image_conv(flat, k)[inner], 0.0, atol=1e-12)
    # Sobel x lights up the vertical edge, Sobel y does not.
    assert np.abs(image_conv(step, widgets.classic_kernel("Sobel x"))[inner]).max() == 40
    assert np.abs(image_conv(step, widgets.classic_kernel("Sobel y"))[inner]).max() == 0
    np.testing.assert_array_equal(image_conv(step, widgets.classic_kernel("identity")), step)


def test_identity_kernels_pass_each_channel_through():
    x = np.random.default_rng(0).normal(size=(1, 5, 3))
    k = widgets.preset_value("kernel1d", "identity", (3, 3, 3))
    np.testing.assert_allclose(cnndemo.conv1d(x, k, padding="same"), x)
    g = np.random.default_rng(1).normal(size=(1, 4, 4, 2))
    k2 = widgets.preset_value("kernel2d", "identity", (3, 3, 2, 2))
    np.testing.assert_allclose(cnndemo.conv2d(g, k2, padding="same"), g)


def test_activations():
    values = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_array_equal(widgets.apply_activation("relu", values), [0, 0, 3])
    assert widgets.apply_activation("sigmoid", np.array([0.0]))[0] == 0.5
    assert np.all(np.isfinite(widgets.apply_activation("sigmoid", np.array([-1e6, 1e6]))))
    with pytest.raises(ValueError):
        widgets.apply_activation("softmax", values)


def test_limits_are_consistent_with_each_other():
    assert limits.MAX_KERNEL <= limits.MAX_IMAGE_KERNEL
    assert limits.MAX_HEIGHT * limits.MAX_WIDTH * limits.MAX_CHANNELS <= limits.MAX_TABLE_CELLS


def test_cell_text_is_quoted_without_markup():
    table = frame([["![x](http://e/x.png)", 2.0], [3.0, 4.0]]).astype(object)
    _, errors = widgets.check_frame(table, "")
    assert "](" not in errors[0] and "not a number" in errors[0]
