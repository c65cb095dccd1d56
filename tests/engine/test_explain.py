"""cnndemo.explain: the public geometry, checked against brute force and against the fast ops.

Oracles: the definitions (output i reads i * stride + j * dilation - before), exhaustive searches
over every window, the fast ops' outputs and gradients, and the tutorial's worked sums
(docs/lesson.md, sections 1, 2 and 8).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnndemo import explain, ops

SETTINGS = settings(max_examples=60, deadline=None)


@st.composite
def axes(draw):
    n = draw(st.integers(1, 12))
    k = draw(st.integers(1, 5))
    stride = draw(st.integers(1, 4))
    dilation = draw(st.integers(1, 3))
    padding = draw(st.sampled_from(("valid", "same")))
    return n, k, stride, padding, dilation


@given(axes())
@SETTINGS
def test_axis_sizes_are_the_ops_sizes_and_the_definition(args):
    n, k, stride, padding, dilation = args
    a = explain.axis(n, k, stride, padding, dilation)
    span = (k - 1) * dilation + 1
    assert a.span == span
    if padding == "valid" and span > n:
        assert a.out == 0 and not a.fits
        with pytest.raises(ValueError, match="larger than input"):
            ops.output_size(n, k, stride, padding, dilation)
        return
    assert a.out == ops.output_size(n, k, stride, padding, dilation)
    assert (a.before, a.after) == ops.padding_amounts(n, k, stride, padding, dilation)
    if padding == "same":
        assert a.out == math.ceil(n / stride)
        assert a.after - a.before in (0, 1)  # TensorFlow: the odd cell at the end
    # Every window lies inside the padded axis, and the last one could not move on.
    for i in range(a.out):
        taps = a.taps(i)
        assert taps == tuple(i * stride + j * dilation - a.before for j in range(k))
        assert -a.before <= taps[0] and taps[-1] < n + a.after
    assert (a.out * stride + span - 1) - a.before >= n + a.after or padding == "same"


@given(axes())
@SETTINGS
def test_axis_coverage_and_inverse_agree_with_an_exhaustive_search(args):
    a = explain.axis(*args)
    counts = np.zeros(a.n, dtype=int)
    readers: dict[int, list[tuple[int, int]]] = {i: [] for i in range(a.n)}
    for i in range(a.out):
        for j, index in enumerate(a.taps(i)):
            if 0 <= index < a.n:
                counts[index] += 1
                readers[index].append((i, j))
    np.testing.assert_array_equal(a.coverage(), counts)
    for index in range(a.n):
        assert a.outputs_reading(index) == tuple(sorted(readers[index]))
    if a.out:
        np.testing.assert_array_equal(a.tap_index(), [a.taps(i) for i in range(a.out)])


@given(
    st.integers(1, 12), st.integers(1, 5), st.integers(1, 4), st.integers(0, 6), st.integers(1, 3)
)
@SETTINGS
def test_explicit_padding_is_the_valid_rule_on_the_zero_padded_input(n, k, stride, pad, dilation):
    a = explain.axis(n, k, stride, pad, dilation)
    span = (k - 1) * dilation + 1
    assert (a.before, a.after, a.padded_length) == (pad, pad, n + 2 * pad)
    # The definition: floor((n + 2p - span) / s) + 1 windows, none when the window is too wide.
    assert a.out == ((n + 2 * pad - span) // stride + 1 if span <= n + 2 * pad else 0)
    # Explicit p is VALID on an input with p zero cells added at both ends.
    assert a.out == explain.axis(n + 2 * pad, k, stride, "valid", dilation).out
    zero, valid = (
        explain.axis(n, k, stride, 0, dilation),
        explain.axis(n, k, stride, "valid", dilation),
    )
    assert (zero.out, zero.before, zero.after) == (valid.out, valid.before, valid.after)
    for i in range(a.out):
        assert a.taps(i) == tuple(i * stride + j * dilation - pad for j in range(k))
    if a.fits and pad:
        ones = np.ones((1, n, 1))
        padded = np.pad(ones, ((0, 0), (pad, pad), (0, 0)))
        kernel = np.ones((k, 1, 1))
        direct = ops.conv1d(padded, kernel, stride, "valid", dilation)[0, :, 0]
        np.testing.assert_array_equal(
            direct, [sum(0 <= t < n for t in a.taps(i)) for i in range(a.out)]
        )


def test_explicit_padding_reproduces_the_conv_arithmetic_guides_sizes():
    # Dumoulin and Visin, "A guide to convolution arithmetic for deep learning" (2016),
    # figures 2.1-2.7 and 5.1: (input, kernel, stride, padding, dilation) -> output.
    worked = [
        ((4, 3, 1, 0, 1), 2), ((5, 4, 1, 2, 1), 6), ((5, 3, 1, 1, 1), 5), ((5, 3, 1, 2, 1), 7),
        ((5, 3, 2, 0, 1), 2), ((5, 3, 2, 1, 1), 3), ((6, 3, 2, 1, 1), 3), ((7, 3, 1, 0, 2), 3),
    ]  # fmt: skip
    assert [explain.axis(*args).out for args, _ in worked] == [out for _, out in worked]
    plan = explain.conv_plan((5, 5), (3, 3), 2, 1)
    assert plan.out_shape == (3, 3) and plan.pads == ((1, 1), (1, 1))
    assert plan.window(0, 0).cells[0] == (-1, -1)


def test_explicit_padding_too_small_for_the_window_is_explained():
    assert explain.axis(2, 7, 1, 2).out == 0
    with pytest.raises(ValueError, match="kernel width 7 is larger than input width 2 padded by 2"):
        explain.conv_plan((2,), (7,), 1, 2)
    for bad in (-1, 1.5, True, "2"):
        with pytest.raises(ValueError, match="padding must be"):
            explain.axis(5, 2, 1, bad)


def test_axis_rejects_bad_arguments_with_the_value():
    with pytest.raises(ValueError, match="stride must be a whole number >= 1, got 0"):
        explain.axis(5, 2, 0)
    with pytest.raises(ValueError, match="padding must be 'valid' or 'same'"):
        explain.axis(5, 2, 1, "full")
    with pytest.raises(ValueError, match="whole number"):
        explain.axis(5, True)
    with pytest.raises(ValueError, match="kernel height 6 is larger than input height 5"):
        explain.conv_plan((5, 4), (6, 2))


@st.composite
def plans_2d(draw):
    h, w = draw(st.integers(1, 7)), draw(st.integers(1, 7))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = draw(st.sampled_from(("valid", "same")))
    spans = ((kh - 1) * dilation[0] + 1, (kw - 1) * dilation[1] + 1)
    if padding == "valid" and (spans[0] > h or spans[1] > w):
        padding = "same"
    return (h, w), (kh, kw), stride, padding, dilation


@given(plans_2d())
@SETTINGS
def test_plan_windows_coverage_and_gather_map_agree(args):
    size, kernel, stride, padding, dilation = args
    plan = explain.conv_plan(size, kernel, stride, padding, dilation)
    assert plan.out_shape == tuple(
        ops.output_size(n, k, s, padding, d)
        for n, k, s, d in zip(size, kernel, stride, dilation, strict=True)
    )
    counts = np.zeros(size, dtype=int)
    index = plan.cell_index()
    for number, window in enumerate(plan.windows()):
        assert window.taps == tuple(itertools.product(range(kernel[0]), range(kernel[1])))
        for t, (tap, cell, inside) in enumerate(
            zip(window.taps, window.cells, window.inside, strict=True)
        ):
            expected = tuple(
                o * s + j * d - p[0]
                for o, j, s, d, p in zip(
                    window.out_index, tap, stride, dilation, plan.pads, strict=True
                )
            )
            assert cell == expected
            assert inside == (0 <= cell[0] < size[0] and 0 <= cell[1] < size[1])
            assert index[number, t] == (cell[0] * size[1] + cell[1] if inside else -1)
            if inside:
                counts[cell] += 1
                assert window.out_index in plan.outputs_reading(*cell)
                assert (window.out_index, tap) in plan.readers(*cell)
    np.testing.assert_array_equal(plan.coverage(), counts)
    for cell in np.ndindex(*size):
        assert len(plan.readers(*cell)) == counts[cell]  # no reader found twice or invented


def test_tutorial_sums_are_written_in_the_tutorials_order():
    # docs/lesson.md, section 1: 1x1 + 2x3 + ... + 15x29 = 2360, the second channel 2480.
    x = np.arange(1, 21, dtype=float).reshape(4, 5)
    kernel = np.arange(1, 31, dtype=float).reshape(3, 5, 2)
    first = explain.conv_terms(x, kernel, (0,), 0)
    assert [(t.value, t.weight) for t in first.terms] == [
        (v, w) for v, w in zip(range(1, 16), range(1, 30, 2), strict=True)
    ]
    assert first.total == 2360 and explain.conv_terms(x, kernel, (0,), 1).total == 2480
    # Section 2: the top-left window of the 5x4x3 grid with the (4, 2, 3, 1) kernel is 8680.
    grid = np.arange(1, 61, dtype=float).reshape(5, 4, 3)
    kernel2 = np.arange(1, 25, dtype=float).reshape(4, 2, 3, 1)
    top_left = explain.conv_terms(grid, kernel2, (0, 0), 0)
    assert top_left.total == 8680
    assert [t.value for t in top_left.terms[:6]] == [1, 2, 3, 4, 5, 6]
    assert [t.weight for t in top_left.terms] == list(range(1, 25))


@given(plans_2d(), st.integers(0, 2**31 - 1))
@SETTINGS
def test_conv_terms_add_up_to_the_fast_convolution(args, seed):
    size, kernel_size, stride, padding, dilation = args
    rng = np.random.default_rng(seed)
    x = rng.integers(-9, 10, size=(*size, 2)).astype(float)
    kernel = rng.integers(-9, 10, size=(*kernel_size, 2, 3)).astype(float)
    out = ops.conv2d(x[None], kernel, stride, padding, dilation)[0]
    for index in np.ndindex(*out.shape[:2]):
        for channel in range(3):
            window_sum = explain.conv_terms(x, kernel, index, channel, stride, padding, dilation)
            assert window_sum.total == out[(*index, channel)]
            assert all(t.value == 0 for t in window_sum.terms if t.in_padding)


@given(plans_2d(), st.integers(0, 2**31 - 1))
@SETTINGS
def test_gradient_terms_add_up_to_the_backward_pass(args, seed):
    size, kernel_size, stride, padding, dilation = args
    rng = np.random.default_rng(seed)
    x = rng.integers(-9, 10, size=(*size, 2)).astype(float)
    kernel = rng.integers(-9, 10, size=(*kernel_size, 2, 3)).astype(float)
    out_shape = ops.conv2d(x[None], kernel, stride, padding, dilation).shape[1:]
    grad = rng.integers(-5, 6, size=out_shape).astype(float)
    grad_x, grad_kernel = ops.conv2d_backward(
        x[None], kernel, grad[None], stride, padding, dilation
    )
    geometry = (stride, padding, dilation)
    for tap in np.ndindex(*kernel_size):
        for c, o in itertools.product(range(2), range(3)):
            terms = explain.kernel_grad_terms(x, grad, tap, c, o, kernel_size, *geometry)
            assert terms.total == grad_kernel[(*tap, c, o)]  # integers: exact
            assert len(terms.terms) == out_shape[0] * out_shape[1]
            assert all(t.value == 0 for t in terms.terms if t.in_padding)
    plan = explain.conv_plan(size, kernel_size, *geometry)
    for cell in np.ndindex(*size):
        for c in range(2):
            terms = explain.input_grad_terms(kernel, grad, cell, c, size, *geometry)
            assert terms.total == grad_x[(0, *cell, c)]
            # Exactly the outputs whose window reads the cell, each through one tap.
            assert sorted({t.out_index for t in terms.terms}) == list(plan.outputs_reading(*cell))
            for t in terms.terms:
                assert (
                    plan.window(*t.out_index).cells[plan.window(*t.out_index).taps.index(t.tap)]
                    == cell
                )
                assert t.weight == kernel[(*t.tap, c, t.out_channel)]


def test_gradient_terms_of_the_tutorial_setup_in_1d():
    # docs/lesson.md, section 1: with dL/dy all ones, dL/dW[j, c, o] adds the inputs tap j read
    # (x[j, c] + x[j + 1, c]); dL/dx[t, c] adds the weights of every tap that read x[t].
    x = np.arange(1, 21, dtype=float).reshape(4, 5)
    kernel = np.arange(1, 31, dtype=float).reshape(3, 5, 2)
    ones = np.ones((2, 2))
    w = explain.kernel_grad_terms(x, ones, (2,), 4, 1, (3,))
    assert [(t.value, t.weight, t.out_index) for t in w.terms] == [(15, 1, (0,)), (20, 1, (1,))]
    assert w.total == 35
    first = explain.input_grad_terms(kernel, ones, (0,), 0, (4,))
    assert [(t.value, t.weight, t.tap) for t in first.terms] == [(1, 1, (0,)), (1, 2, (0,))]
    middle = explain.input_grad_terms(kernel, ones, (1,), 0, (4,))
    assert [t.weight for t in middle.terms] == [11, 12, 1, 2]  # output 0 via tap 1, output 1 via 0
    # Stride 2, VALID: output 0 reads x[0..2]; x[3] is read by no window, its gradient is 0.
    strided = explain.input_grad_terms(kernel, np.ones((1, 2)), (3,), 0, (4,), stride=2)
    assert strided.terms == () and strided.total == 0
    with pytest.raises(ValueError, match="upstream gradient has shape"):
        explain.kernel_grad_terms(x, np.ones((3, 2)), (0,), 0, 0, (3,))
    with pytest.raises(ValueError, match="kernel position"):
        explain.kernel_grad_terms(x, ones, (3,), 0, 0, (3,))


def test_conv_terms_in_1d_mark_padding():
    x = np.array([[1.0], [2.0], [3.0]])
    kernel = np.ones((3, 1, 1))
    left_edge = explain.conv_terms(x, kernel, (0,), 0, padding="same")
    assert [t.in_padding for t in left_edge.terms] == [True, False, False]
    assert [t.cell for t in left_edge.terms] == [(-1,), (0,), (1,)]
    assert left_edge.total == 3


@st.composite
def poolings(draw):
    h, w = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    size = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    padding = draw(st.sampled_from(("valid", "same")))
    if padding == "valid" and (size[0] > h or size[1] > w):
        padding = "same"
    return (h, w), size, stride, padding, draw(st.sampled_from(("max", "min")))


@given(poolings(), st.integers(0, 2**31 - 1))
@SETTINGS
def test_pool_winners_hold_the_output_and_take_the_gradient(args, seed):
    size, window, stride, padding, kind = args
    rng = np.random.default_rng(seed)
    # Few distinct values: plenty of ties, which the one rule must settle like the ops do.
    x = rng.integers(0, 3, size=(2, *size, 3)).astype(float)
    winners = explain.pool_winners(x, window, stride, kind, padding)
    out = ops.pool2d(x, window, stride, kind, padding)
    assert winners.shape == (*out.shape, 2)
    for b, r, c, ch in np.ndindex(*out.shape):
        wr, wc = winners[b, r, c, ch]
        assert x[b, wr, wc, ch] == out[b, r, c, ch]
        one_hot = np.zeros_like(out)
        one_hot[b, r, c, ch] = 1.0
        grad = ops.pool2d_backward(x, one_hot, window, stride, kind, padding)
        assert grad[b, wr, wc, ch] == 1.0 and grad.sum() == 1.0


def test_tie_rule_first_in_row_major_order_then_nan_then_never_padding():
    tied = np.array([[5.0, 7.0], [7.0, 1.0]])[None, :, :, None]
    np.testing.assert_array_equal(explain.pool_winners(tied, 2)[0, 0, 0, 0], (0, 1))
    np.testing.assert_array_equal(explain.pool_winners(tied, 2, kind="min")[0, 0, 0, 0], (1, 1))
    with_nan = np.array([[5.0, 7.0], [np.nan, np.nan]])[None, :, :, None]
    np.testing.assert_array_equal(explain.pool_winners(with_nan, 2)[0, 0, 0, 0], (1, 0))
    # SAME pads the 3-wide row with one cell at the end; the last window holds one real -inf.
    row = np.array([[[1.0], [2.0], [-np.inf]]])
    winners = explain.pool_winners(row, 2, padding="same")
    np.testing.assert_array_equal(winners[0, :, 0, 0], [1, 2])
    text = explain.__doc__
    assert "first cell, in row-major window order" in text and "never win" in text


def test_global_winners_match_the_global_pool_gradient():
    rng = np.random.default_rng(3)
    x = rng.integers(0, 3, size=(4, 3, 5, 2)).astype(float)
    for kind in ("max", "min"):
        winners = explain.global_winners(x, kind)
        grad = ops.global_pool_backward(x, np.ones((4, 2)), kind)
        for b, ch in np.ndindex(4, 2):
            r, c = winners[b, ch]
            assert grad[b, r, c, ch] == 1.0
            assert x[b, r, c, ch] == ops.global_pool(x, kind)[b, ch]
    with pytest.raises(ValueError, match="only max and min"):
        explain.global_winners(x, "avg")


def test_section8_worked_example_winners():
    # docs/lesson.md, section 8: three cells of the top-left group each win one channel.
    grid = np.array(
        [
            [[1, 17, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]],
            [[13, 14, 18], [16, 2, 15], [19, 20, 21], [22, 23, 24]],
            [[25, 26, 27], [28, 29, 30], [31, 32, 33], [34, 35, 36]],
            [[37, 38, 39], [40, 41, 42], [43, 44, 45], [46, 47, 48]],
        ],
        dtype=float,
    )[None]
    winners = explain.pool_winners(grid, 2, 2)
    assert [tuple(winners[0, 0, 0, ch]) for ch in range(3)] == [(1, 1), (0, 0), (1, 0)]


@given(plans_2d(), plans_2d())
@settings(max_examples=40, deadline=None)
def test_receptive_field_matches_a_dependency_search(first, second):
    size, kernel1, stride1, padding1, dilation1 = first
    plan1 = explain.conv_plan(size, kernel1, stride1, padding1, dilation1)
    _, kernel2, stride2, padding2, dilation2 = second
    spans = [(k - 1) * d + 1 for k, d in zip(kernel2, dilation2, strict=True)]
    if padding2 == "valid" and any(s > n for s, n in zip(spans, plan1.out_shape, strict=True)):
        padding2 = "same"
    plan2 = explain.conv_plan(plan1.out_shape, kernel2, stride2, padding2, dilation2)
    ones1, ones2 = np.ones((*kernel1, 1, 1)), np.ones((*kernel2, 1, 1))
    for out_index in np.ndindex(*plan2.out_shape):
        counts = explain.receptive_field([plan1, plan2], out_index)
        # Paths counted by the engine's own backward pass with all-ones kernels.
        grad = np.zeros((1, *plan2.out_shape, 1))
        grad[(0, *out_index, 0)] = 1.0
        middle = np.zeros((1, *plan1.out_shape, 1))
        mid_grad, _ = ops.conv2d_backward(middle, ones2, grad, stride2, padding2, dilation2)
        x = np.zeros((1, *size, 1))
        in_grad, _ = ops.conv2d_backward(x, ones1, mid_grad, stride1, padding1, dilation1)
        np.testing.assert_array_equal(counts, in_grad[0, :, :, 0])
        if padding1 == padding2 == "valid":
            rows, cols = np.nonzero(counts)
            extent = (rows.max() - rows.min() + 1, cols.max() - cols.min() + 1)
            assert extent == explain.receptive_field_size([plan1, plan2])


def test_receptive_field_size_formula_on_a_known_stack():
    # Two 3x3 convolutions, the first with stride 2: 1 + 2 + 2 * 2 = 7.
    plan1 = explain.conv_plan((15, 15), (3, 3), 2)
    plan2 = explain.conv_plan(plan1.out_shape, (3, 3))
    assert explain.receptive_field_size([plan1, plan2]) == (7, 7)
    with pytest.raises(ValueError, match="does not match"):
        explain.receptive_field([plan2, plan1], (0, 0))


def test_receptive_field_terms_fill_in_the_size_formula():
    # A dilated 3-tap conv with stride (2, 1), then a 2x2 pooling: rows 1 + 4*1 + 1*2 = 7,
    # columns 1 + 4*1 + 1*1 = 6.
    plan1 = explain.conv_plan((12, 12), (3, 3), (2, 1), "valid", 2)
    plan2 = explain.pool_plan(plan1.out_shape, 2, 1)
    rows, cols = explain.receptive_field_terms([plan1, plan2])
    assert [(t.kernel, t.dilation, t.span, t.jump, t.reach) for t in rows] == [
        (3, 2, 5, 1, 4),
        (2, 1, 2, 2, 2),
    ]
    assert [t.jump for t in cols] == [1, 1]
    assert explain.receptive_field_size([plan1, plan2]) == (7, 6)
    rows_read, cols_read = np.nonzero(explain.receptive_field([plan1, plan2], (1, 1)))
    assert (np.ptp(rows_read) + 1, np.ptp(cols_read) + 1) == (7, 6)
