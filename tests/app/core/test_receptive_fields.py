"""app.core.receptive_fields: the receptive field of a model's top cell, and its size formula.

Oracles: ``cnndemo.explain`` on plans made by hand, and a dependency search on a built model
(perturb one pixel, see which top cells change).
"""

from __future__ import annotations

import numpy as np
import pytest

from app.core import limits
from app.core import receptive_fields as rf
from cnndemo import explain
from cnndemo.models import build_model, default_hyperparameters


def hp(section: int, **changes) -> dict:
    return default_hyperparameters(section) | changes


def test_the_default_two_layer_model_sees_the_whole_image_centre_four_times():
    view = rf.field_view(7, hp(7), (3, 3), (0, 0))
    assert view.counts[0].tolist() == [[1, 2, 1], [2, 4, 2], [1, 2, 1]]
    assert view.counts[1].tolist() == [[1, 1], [1, 1]]
    assert view.counts[2].tolist() == [[1]]
    assert view.size == view.extent == (3, 3) and not view.padded
    assert view.paths == 16 and view.taps == (4, 4)
    assert rf.size_latex(view, 0) == (
        r"\begin{aligned} r_{\text{rows}} &= 1 + (k_1 - 1)\,d_1 + (k_2 - 1)\,d_2\,s_1 \\ "
        r"&= 1 + (2 - 1) \cdot 1 + (2 - 1) \cdot 1 \cdot 1 \\ &= 3 \end{aligned}"
    )
    strided = rf.field_view(7, hp(7, conv_stride=[2, 1], kernel_size=[3, 2]), (6, 6), (0, 0))
    rows, cols = rf.size_latex(strided, 0), rf.size_latex(strided, 1)
    assert r"&= 1 + (3 - 1) \cdot 1 + (2 - 1) \cdot 1 \cdot 2 \\ &= 5" in rows
    assert r"&= 1 + (2 - 1) \cdot 1 + (2 - 1) \cdot 1 \cdot 1 \\ &= 3" in cols
    assert strided.size == strided.extent == (5, 3)


@pytest.mark.parametrize(
    ("section", "changes", "size", "cell"),
    [
        (7, {}, (6, 6), (2, 3)),
        (7, {"kernel_size": [3, 2], "second_kernel_size": [2, 3]}, (6, 6), (1, 1)),
        (7, {"conv_stride": [2, 2]}, (6, 6), (1, 0)),
        (7, {"padding": "same", "kernel_size": [3, 3]}, (5, 4), (0, 3)),
        (8, {"pool_stride": [1, 1]}, (6, 6), (2, 1)),
        (8, {"pool_size": [3, 2], "conv_stride": [1, 2]}, (6, 6), (1, 0)),
    ],
)
def test_the_field_is_the_engines_and_every_pixel_in_it_changes_the_cell(
    section, changes, size, cell
):
    params = hp(section, **changes)
    if section == 8:
        params["pool"] = "avg"  # a max only moves when its winner does: avg feels every cell
    view = rf.field_view(section, params, size, cell)
    # The engine's plans, made by hand from the hyper-parameters.
    kernel, stride = params["kernel_size"], params["conv_stride"]
    first = explain.conv_plan(size, kernel, stride, params["padding"])
    if section == 7:
        second = explain.conv_plan(first.out_shape, params["second_kernel_size"], 1,
                                   params["padding"])  # fmt: skip
    else:
        second = explain.pool_plan(first.out_shape, params["pool_size"], params["pool_stride"])
    np.testing.assert_array_equal(view.counts[0], explain.receptive_field([first, second], cell))
    assert view.size == explain.receptive_field_size([first, second])
    # Brute force: perturb each pixel of a random image, see whether the top cell moves.
    model = build_model(section, input_size=size, **params | {"init_scale": 1.0})
    rng = np.random.default_rng(0)
    image = rng.random((1, *size, 1))

    def top(x: np.ndarray) -> np.ndarray:
        model.forward(x)
        return model.feature_maps()[-1] if section == 7 else _pooled(model)

    base = top(image)[0][cell]
    moved = np.zeros(size, dtype=bool)
    for r, c in np.ndindex(*size):
        nudged = image.copy()
        nudged[0, r, c, 0] += 0.5
        moved[r, c] = np.any(np.abs(top(nudged)[0][cell] - base) > 1e-12)
    np.testing.assert_array_equal(moved, view.counts[0] > 0)
    if not view.padded:
        assert view.extent == view.size


def _pooled(model) -> np.ndarray:
    """The pooled map of a section 8 model after ``forward``: the pool layer's output."""
    return model.layer("pool").forward(model.feature_maps()[0])


def test_same_padding_can_put_part_of_the_field_outside_the_image():
    view = rf.field_view(7, hp(7, padding="same", kernel_size=[3, 3]), (5, 4), (0, 0))
    assert view.size == (4, 4) and view.extent == (3, 3) and view.padded  # row -1: padding
    assert view.paths < view.taps[0] * view.taps[1]


def test_a_cell_outside_the_map_is_brought_inside_and_a_bad_model_says_why():
    view = rf.field_view(7, hp(7), (3, 3), (5, 5))
    assert view.cell == (0, 0)
    with pytest.raises(ValueError, match="conv2"):
        rf.field_view(7, hp(7, kernel_size=[3, 3]), (3, 3), (0, 0))


def test_field_controls_are_bounded_by_the_largest_drawn_image():
    row, col = rf.field_controls("s7")
    assert (row.key, row.field, col.key, col.field) == ("s7.rf.0", "rfr", "s7.rf.1", "rfc")
    assert row.high == col.high == limits.MAX_IMAGE_EDIT_SIDE - 1
    assert row.clamp(99) == limits.MAX_IMAGE_EDIT_SIDE - 1 and col.clamp(-3) == 0
