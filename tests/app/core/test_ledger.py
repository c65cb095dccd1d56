"""app.core.ledger: the written-out sums and formulas agree with the engine and the tutorial."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cnndemo
from app.core import ledger

X1 = np.arange(1, 21, dtype=float).reshape(4, 5)
K1 = np.arange(1, 31, dtype=float).reshape(3, 5, 2)
X2 = np.arange(1, 61, dtype=float).reshape(5, 4, 3)
K2 = np.arange(1, 25, dtype=float).reshape(4, 2, 3, 1)


def test_tutorial_1d_sum_is_written_exactly_as_in_the_spec():
    terms, rows = ledger.window_terms_1d(X1, K1, 0, 0)
    assert rows == [0, 1, 2]
    assert ledger.written_sum(terms, 2360) == (
        "1×1 + 2×3 + 3×5 + 4×7 + 5×9 + 6×11 + 7×13 + 8×15 + 9×17 + 10×19 + 11×21 + 12×23 + "
        "13×25 + 14×27 + 15×29 = 2360"
    )
    terms, _ = ledger.window_terms_1d(X1, K1, 0, 1)
    assert [t.weight for t in terms] == list(range(2, 31, 2))
    assert sum(t.value * t.weight for t in terms) == 2480


def test_tutorial_2d_sum_runs_row_by_row_then_channel():
    terms, rows, cols = ledger.window_terms_2d(X2, K2, 0, 0, 0)
    assert (rows, cols) == ([0, 1, 2, 3], [0, 1])
    text = ledger.written_sum(terms, 8680)
    assert text.startswith("1×1 + 2×2 + 3×3 + 4×4 + 5×5 + 6×6 + 13×7 + 14×8")
    assert text.endswith("41×23 + 42×24 = 8680")
    assert sum(t.value * t.weight for t in terms) == 8680


def test_negative_factors_are_bracketed_and_long_sums_elided():
    term = ledger.Term(-2.0, 3.0, False, (0,), (0,), 0)
    assert ledger.written_sum([term], -6) == "(-2)×3 = -6"
    text = ledger.written_sum([term] * 200, -1200, max_terms=10)
    assert text.count("×") == 10 and "(190 more terms)" in text


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 8),
    k=st.integers(1, 4),
    c_in=st.integers(1, 3),
    stride=st.integers(1, 3),
    dilation=st.integers(1, 2),
    padding=st.sampled_from(["valid", "same"]),
    seed=st.integers(0, 1000),
)
def test_1d_window_terms_add_up_to_the_engine_output(n, k, c_in, stride, dilation, padding, seed):
    rng = np.random.default_rng(seed)
    x, kernel = rng.integers(-5, 6, (n, c_in)), rng.integers(-5, 6, (k, c_in, 2))
    try:
        out = cnndemo.conv1d(x[None], kernel, stride, padding, dilation)[0]
    except ValueError:
        return  # window wider than a VALID input: nothing to explain
    for position in range(out.shape[0]):
        for channel in range(2):
            terms, _ = ledger.window_terms_1d(x, kernel, position, channel, stride, padding,
                                              dilation)  # fmt: skip
            assert sum(t.value * t.weight for t in terms) == out[position, channel]
            assert all(t.value == 0 for t in terms if t.in_padding)


@settings(max_examples=40, deadline=None)
@given(
    h=st.integers(1, 6),
    w=st.integers(1, 6),
    kh=st.integers(1, 3),
    kw=st.integers(1, 3),
    sy=st.integers(1, 3),
    sx=st.integers(1, 3),
    padding=st.sampled_from(["valid", "same"]),
    seed=st.integers(0, 1000),
)
def test_2d_window_terms_add_up_to_the_engine_output(h, w, kh, kw, sy, sx, padding, seed):
    rng = np.random.default_rng(seed)
    x, kernel = rng.integers(-5, 6, (h, w, 2)), rng.integers(-5, 6, (kh, kw, 2, 1))
    try:
        out = cnndemo.conv2d(x[None], kernel, (sy, sx), padding)[0]
    except ValueError:
        return
    for r in range(out.shape[0]):
        for c in range(out.shape[1]):
            terms, _, _ = ledger.window_terms_2d(x, kernel, r, c, 0, (sy, sx), padding)
            assert sum(t.value * t.weight for t in terms) == out[r, c, 0]


def test_output_size_formula_is_filled_with_the_current_numbers():
    end = r" \end{aligned}"
    valid = ledger.output_size_latex(4, 3, 1, "valid")
    assert r"\frac{n - k}{s}" in valid  # the general rule, then the numbers
    assert valid.endswith(r"\left\lfloor \frac{4 - 3}{1} \right\rfloor + 1 = 2" + end)
    same = ledger.output_size_latex(5, 3, 2, "same")
    assert same.endswith(r"\left\lceil \frac{5}{2} \right\rceil = 3" + end)
    dilated = ledger.output_size_latex(9, 3, 2, "valid", 2)
    assert dilated.endswith("= 3" + end) and r"\cdot 2" in dilated
    too_wide = ledger.output_size_latex(2, 3, 1, "valid")
    assert "no output" in too_wide


@pytest.mark.parametrize(
    ("args", "text"),
    [
        ((4, 3, 1, "valid"), "No padding"),
        ((4, 3, 1, "same"), "2 zeros: 1 before and 1 after"),
        ((4, 2, 1, "same"), "1 zero: 0 before and 1 after"),
    ],
)
def test_padding_sentence_follows_tensorflow(args, text):
    assert text in ledger.padding_sentence(*args)


def test_ledgers_give_shapes_and_parameter_counts():
    rows = ledger.conv1d_ledger(4, 5, 3, 2)
    assert [(r.stage, r.shape, r.params) for r in rows] == [
        ("input", (1, 4, 5), None),
        ("conv1d", (1, 2, 2), 30),
    ]
    rows = ledger.conv2d_ledger(5, 4, 3, (4, 2), 1, (1, 1), bias=True)
    assert rows[1].shape == (1, 2, 3, 1) and rows[1].params == 25
    table = ledger.ledger_markdown(rows)
    assert "`(1, 2, 3, 1)`" in table and "Parameters in total: 25" in table
    broken = ledger.conv1d_ledger(2, 1, 3, 1)
    assert broken[1].shape == () and "larger than input" in broken[1].note


def test_pool_ledger_rows():
    rows = ledger.pool2d_ledger(4, 4, 3, (2, 2), (2, 2), "max", "valid")
    assert [(r.stage, r.shape, r.params) for r in rows] == [
        ("input", (1, 4, 4, 3), None),
        ("pool2d", (1, 2, 2, 3), None),
    ]
    bad = ledger.pool2d_ledger(4, 4, 3, (5, 5), (1, 1), "max", "valid")
    assert bad[1].shape == () and bad[1].note


def test_output_size_formula_with_explicit_padding_fills_in_the_engines_numbers():
    # The conv arithmetic guide's figure 2.6: input 5, kernel 3, stride 2, padding 1 -> 3.
    text = ledger.output_size_latex(5, 3, 2, 1)
    assert r"\frac{n + 2p - k}{s}" in text and r"\frac{5 + 2 \cdot 1 - 3}{2}" in text
    assert text.endswith("+ 1 = 3 \\end{aligned}")
    assert "spans 7 > 6 cells: no output" in ledger.output_size_latex(2, 7, 1, 2)
