"""app.core.conv_arithmetic: page 9's sizes, transposed convolution and the guide's examples.

Oracles: the definitions (out = floor((n + 2p - span) / s) + 1), cnndemo.reference's plain-loop
transposed convolution, and the sizes Dumoulin and Visin's guide states (arXiv:1603.07285).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core import conv_arithmetic as arithmetic
from cnndemo import reference


@given(
    st.integers(1, 20), st.integers(1, 7), st.integers(1, 5), st.integers(1, 3), st.integers(0, 8)
)
@settings(max_examples=60, deadline=None)
def test_padding_rows_follow_the_definitions(n, k, s, d, p):
    span = (k - 1) * d + 1
    rows = arithmetic.padding_rows(n, k, s, d, p)
    valid, same, explicit, full = rows
    assert valid.out == ((n - span) // s + 1 if span <= n else 0)
    assert same.out == -(-n // s)
    assert (explicit.before, explicit.after) == (p, p)
    assert explicit.out == ((n + 2 * p - span) // s + 1 if span <= n + 2 * p else 0)
    assert full.before == span - 1 and full.out == (n + span - 2) // s + 1
    assert "0 (the window does not fit)" in arithmetic.size_table(rows) or valid.out


@given(
    st.lists(st.integers(-5, 5), min_size=1, max_size=5), st.lists(st.integers(-3, 3), min_size=1,
    max_size=4), st.integers(1, 3), st.sampled_from(("valid", "same", 0, 1, 2)), st.integers(1, 2),
    st.integers(0, 2),
)  # fmt: skip
@settings(max_examples=60, deadline=None)
def test_transposed_three_ways_match_the_scatter_loop(y, w, s, padding, d, a):
    a = 0 if padding == "same" else a % s
    try:
        tr = arithmetic.transposed(np.array(y, float), np.array(w, float), s, padding, d, a)
    except ValueError as error:
        assert "crops all" in str(error)
        return
    loop = reference.conv_transpose1d(np.array(y, float)[None, :, None],
                                      np.array(w, float)[:, None, None], s, padding, d, a)  # fmt: skip
    np.testing.assert_allclose(tr.result, loop[0, :, 0])
    assert tr.views_agree and tr.forward_out == len(y) and tr.size == len(tr.result)
    text = arithmetic.transposed_size_latex(len(y), len(w), s, padding, d, a)
    assert text.endswith(f"= {tr.size} \\end{{aligned}}")


def test_the_guides_worked_examples_are_the_engines():
    assert [(e.figure, e.engine_size()) for e in arithmetic.GUIDE_EXAMPLES] == [
        (e.figure, e.expected) for e in arithmetic.GUIDE_EXAMPLES
    ]
    table = arithmetic.guide_table()
    assert table.count("✓") == len(arithmetic.GUIDE_EXAMPLES) and "✗" not in table


@pytest.mark.parametrize(("mode", "p", "expected"), [("valid", 3, "valid"), ("same", 3, "same"),
                                                     ("explicit", 3, 3)])  # fmt: skip
def test_padding_argument(mode, p, expected):
    assert arithmetic.padding_argument(mode, p) == expected
