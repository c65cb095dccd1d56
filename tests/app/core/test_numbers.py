"""app.core.numbers: how numbers are written in cells, sums and results."""

from __future__ import annotations

import numpy as np
import pytest

from app.core.numbers import fixed, format_value, nested_text


@pytest.mark.parametrize(
    ("value", "text"),
    [(2360.0, "2360"), (-3.0, "-3"), (0.125, "0.125"), (1 / 3, "0.333"), (12345.6, "12346")],
)
def test_format_value(value, text):
    assert format_value(value) == text


@pytest.mark.parametrize(
    ("value", "text"), [(17.75, "17.75"), (17.5, "17.5"), (0.1 + 0.2, "0.3"), (-0.0625, "-0.0625")]
)
def test_format_value_writes_short_exact_decimals_exactly(value, text):
    # A mean of four whole numbers (17.75) must not read as 17.8 next to an exact 17.5.
    assert format_value(value) == text


def test_nested_text():
    assert nested_text(np.array([[2360.0, 2480.0], [3485.0, 3680.0]])) == (
        "[[2360, 2480], [3485, 3680]]"
    )


@pytest.mark.parametrize(
    ("value", "text"),
    [(0.69314718, "0.6931"), (float("nan"), "not a number"), (float("inf"), "infinite"),
     (-float("inf"), "minus infinite"), (np.float64(2.5), "2.5000")],
)  # fmt: skip
def test_fixed_says_in_words_what_is_not_a_number(value, text):
    assert fixed(value) == text


def test_fixed_can_sign_and_round():
    assert fixed(0.5, 3, sign=True) == "+0.500" and fixed(-0.5, 1, sign=True) == "-0.5"
