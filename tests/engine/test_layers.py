"""Layers: forward against cnndemo.ops (the general oracle), gradients against finite differences
and against the ops gradient functions."""

from __future__ import annotations

import numpy as np
import pytest

from cnndemo import bounds, ops
from cnndemo import layers as L
from cnndemo.layers import convolution, pooling
from cnndemo.reference import numeric_gradient

RNG = np.random.default_rng(1234)


def check_layer(layer: L.Layer, x: np.ndarray, input_grad: bool = True) -> None:
    """Finite-difference check of the input gradient and every parameter gradient.

    The scalar is sum(forward(x) * weights) with fixed random weights, so every output element
    contributes with its own factor.
    """
    out = layer.forward(x)
    weights = RNG.normal(size=out.shape)

    def loss() -> float:
        return float(np.sum(layer.forward(x) * weights))

    loss()
    grad_x = layer.backward(weights)
    analytic = {name: g.copy() for name, g in layer.grads.items()}
    for name, param in layer.params.items():
        np.testing.assert_allclose(
            analytic[name], numeric_gradient(loss, param), rtol=1e-6, atol=1e-8, err_msg=name
        )
    if input_grad:
        np.testing.assert_allclose(grad_x, numeric_gradient(loss, x), rtol=1e-6, atol=1e-8)


CONV_SETTINGS = [
    (1, "valid", 1),
    (2, "valid", 1),
    (1, "same", 1),
    (2, "same", 1),
    (1, "valid", 2),
    (3, "same", 2),
]


@pytest.mark.parametrize(("stride", "padding", "dilation"), CONV_SETTINGS)
def test_conv2d_layer_matches_ops_forward_and_backward(stride, padding, dilation):
    for _ in range(3):
        x = RNG.normal(size=(2, 6, 7, 3))
        kernel = RNG.normal(size=(3, 2, 3, 4))
        bias = RNG.normal(size=4)
        layer = L.Conv2D(kernel, bias, stride=stride, padding=padding, dilation=dilation)
        out = layer.forward(x)
        expected = ops.conv2d(x, kernel, stride, padding, dilation) + bias
        np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)
        grad_out = RNG.normal(size=out.shape)
        grad_x = layer.backward(grad_out)
        ref_x, ref_kernel = ops.conv2d_backward(x, kernel, grad_out, stride, padding, dilation)
        np.testing.assert_allclose(grad_x, ref_x, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(layer.grads["kernel"], ref_kernel, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(layer.grads["bias"], grad_out.sum(axis=(0, 1, 2)))


@pytest.mark.parametrize(("stride", "padding", "dilation"), CONV_SETTINGS)
def test_conv1d_layer_matches_ops_forward_and_backward(stride, padding, dilation):
    x = RNG.normal(size=(3, 8, 2))
    kernel = RNG.normal(size=(3, 2, 5))
    layer = L.Conv1D(kernel, stride=stride, padding=padding, dilation=dilation)
    out = layer.forward(x)
    np.testing.assert_allclose(out, ops.conv1d(x, kernel, stride, padding, dilation), atol=1e-12)
    grad_out = RNG.normal(size=out.shape)
    grad_x = layer.backward(grad_out)
    ref_x, ref_kernel = ops.conv1d_backward(x, kernel, grad_out, stride, padding, dilation)
    np.testing.assert_allclose(grad_x, ref_x, atol=1e-12)
    np.testing.assert_allclose(layer.grads["kernel"], ref_kernel, atol=1e-12)


def test_conv_layers_fall_back_to_ops_for_inputs_too_large_to_lower(monkeypatch):
    monkeypatch.setattr(convolution, "_MAX_LOWERING_ENTRIES", 0)
    x = RNG.normal(size=(2, 5, 5, 2))
    kernel = RNG.normal(size=(2, 2, 2, 3))
    layer = L.Conv2D(kernel, stride=2, padding="same")
    out = layer.forward(x)
    assert layer._plan_used.gather_t is None
    np.testing.assert_allclose(out, ops.conv2d(x, kernel, 2, "same"), atol=1e-12)
    check_layer(layer, x)


@pytest.mark.parametrize(("stride", "padding", "dilation"), CONV_SETTINGS)
def test_conv2d_gradients_match_finite_differences(stride, padding, dilation):
    layer = L.Conv2D(RNG.normal(size=(2, 3, 2, 3)), RNG.normal(size=3), stride, padding, dilation)
    check_layer(layer, RNG.normal(size=(2, 5, 6, 2)))


@pytest.mark.parametrize(("stride", "padding", "dilation"), CONV_SETTINGS)
def test_conv1d_gradients_match_finite_differences(stride, padding, dilation):
    layer = L.Conv1D(RNG.normal(size=(2, 3, 2)), RNG.normal(size=2), stride, padding, dilation)
    check_layer(layer, RNG.normal(size=(2, 7, 3)))


def test_conv_without_input_grad_returns_none_but_fills_parameter_grads():
    layer = L.Conv2D(RNG.normal(size=(2, 2, 1, 2)))
    layer.input_grad = False
    out = layer.forward(RNG.normal(size=(4, 3, 3, 1)))
    assert layer.backward(np.ones_like(out)) is None
    assert np.any(layer.grads["kernel"] != 0)
    np.testing.assert_allclose(layer.grads["bias"], [16.0, 16.0])


def test_conv_rejects_a_bias_that_is_not_one_per_output_channel():
    with pytest.raises(ValueError, match=r"bias must have shape \(2,\)"):
        L.Conv2D(np.zeros((2, 2, 1, 2)), np.zeros(3))


def test_conv_window_response_is_the_conv_of_a_kernel_sized_input():
    layer = L.Conv2D(RNG.normal(size=(2, 2, 1, 2)), RNG.normal(size=2))
    windows = RNG.normal(size=(5, 2, 2, 1))
    np.testing.assert_allclose(
        layer.window_response(windows), layer.forward(windows).reshape(5, 2), atol=1e-12
    )


def test_embedding_looks_up_rows_and_sums_gradients_of_repeated_tokens():
    weights = RNG.normal(size=(4, 3))
    layer = L.Embedding(weights)
    ids = np.array([[0, 2, 2], [3, 2, 0]])
    np.testing.assert_array_equal(layer.forward(ids), weights[ids])
    grad_out = RNG.normal(size=(2, 3, 3))
    assert layer.backward(grad_out) is None
    expected = np.zeros_like(weights)
    np.add.at(expected, ids, grad_out)
    np.testing.assert_allclose(layer.grads["weights"], expected)
    check_layer(L.Embedding(weights), ids, input_grad=False)


@pytest.mark.parametrize("name", ["sigmoid", "relu", "tanh"])
def test_activation_gradients_match_finite_differences(name):
    x = RNG.normal(size=(3, 4, 2))
    x[np.abs(x) < 1e-3] = 0.5  # keep ReLU away from its kink
    check_layer(L.make_activation(name), x)


def test_activations_compute_their_functions():
    x = np.linspace(-5, 5, 11)
    np.testing.assert_allclose(L.Sigmoid().forward(x), 1 / (1 + np.exp(-x)), rtol=1e-14)
    np.testing.assert_array_equal(L.ReLU().forward(x), np.maximum(x, 0))
    np.testing.assert_allclose(L.Tanh().forward(x), np.tanh(x))


def test_sigmoid_does_not_overflow_for_huge_inputs():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        np.testing.assert_array_equal(L.sigmoid(np.array([-1e4, 0.0, 1e4])), [0.0, 0.5, 1.0])


def test_unknown_activation_is_rejected_with_the_options():
    with pytest.raises(ValueError, match="relu"):
        L.make_activation("softmax")


@pytest.mark.parametrize("kind", ["max", "min", "avg"])
@pytest.mark.parametrize("shape", [(3, 5, 2), (3, 4, 3, 2)])
def test_global_pool_matches_ops_and_finite_differences(kind, shape):
    x = RNG.normal(size=shape)
    layer = L.GlobalPool(kind)
    out = layer.forward(x)
    np.testing.assert_allclose(out, ops.global_pool(x, kind), atol=1e-12)
    grad_out = RNG.normal(size=out.shape)
    np.testing.assert_allclose(
        layer.backward(grad_out), ops.global_pool_backward(x, grad_out, kind), atol=1e-12
    )
    check_layer(L.GlobalPool(kind), x)


def test_global_pool_gives_a_tie_to_the_first_position_like_ops():
    x = np.zeros((1, 2, 2, 1))  # a blank image: four equal windows
    layer = L.GlobalPool("max")
    layer.forward(x)
    grad = layer.backward(np.ones((1, 1)))
    np.testing.assert_array_equal(grad[0, ..., 0], [[1.0, 0.0], [0.0, 0.0]])
    np.testing.assert_array_equal(grad, ops.global_pool_backward(x, np.ones((1, 1)), "max"))


POOL_SETTINGS = [
    (2, None, "valid"),
    (2, 1, "valid"),
    ((2, 3), (1, 2), "same"),
    (3, 2, "same"),
]


@pytest.mark.parametrize("kind", ["max", "min", "avg"])
@pytest.mark.parametrize(("size", "stride", "padding"), POOL_SETTINGS)
def test_pool2d_matches_ops_forward_and_backward(kind, size, stride, padding):
    x = RNG.normal(size=(2, 5, 6, 3))
    layer = L.Pool2D(size, stride, kind, padding)
    out = layer.forward(x)
    np.testing.assert_allclose(out, ops.pool2d(x, size, stride, kind, padding), atol=1e-12)
    grad_out = RNG.normal(size=out.shape)
    expected = ops.pool2d_backward(x, grad_out, size, stride, kind, padding)
    np.testing.assert_allclose(layer.backward(grad_out), expected, atol=1e-12)


@pytest.mark.parametrize("kind", ["max", "min", "avg"])
@pytest.mark.parametrize(("size", "stride", "padding"), POOL_SETTINGS)
def test_pool2d_gradients_match_finite_differences(kind, size, stride, padding):
    check_layer(L.Pool2D(size, stride, kind, padding), RNG.normal(size=(2, 5, 4, 2)))


def test_pool2d_reproduces_the_section_8_worked_example():
    grid = np.array(
        [
            [(1, 17, 3), (4, 5, 6), (7, 8, 9), (10, 11, 12)],
            [(13, 14, 18), (16, 2, 15), (19, 20, 21), (22, 23, 24)],
            [(25, 26, 27), (28, 29, 30), (31, 32, 33), (34, 35, 36)],
            [(37, 38, 39), (40, 41, 42), (43, 44, 45), (46, 47, 48)],
        ],
        dtype=float,
    )[None]
    out = L.Pool2D(2, 2, "max").forward(grid)
    expected = [[(16, 17, 18), (22, 23, 24)], [(40, 41, 42), (46, 47, 48)]]
    np.testing.assert_array_equal(out[0], expected)


def test_pool_rejects_unknown_kinds_and_windows_larger_than_the_input():
    with pytest.raises(ValueError, match="pool kind"):
        L.GlobalPool("sum")
    with pytest.raises(ValueError, match="pool kind"):
        L.Pool2D(2, kind="median")
    with pytest.raises(ValueError, match="larger than input"):
        L.Pool2D(3).forward(np.zeros((1, 2, 2, 1)))


def test_flatten_is_row_major_and_its_backward_restores_the_shape():
    x = RNG.normal(size=(2, 2, 2, 3))
    layer = L.Flatten()
    np.testing.assert_array_equal(layer.forward(x), x.reshape(2, 12))
    check_layer(layer, x)


def test_dense_computes_x_w_plus_b_and_matches_finite_differences():
    weights, bias = RNG.normal(size=(5, 3)), RNG.normal(size=3)
    x = RNG.normal(size=(4, 5))
    np.testing.assert_allclose(L.Dense(weights, bias).forward(x), x @ weights + bias)
    check_layer(L.Dense(weights, bias), x)


def test_sigmoid_cross_entropy_matches_the_textbook_formula_and_its_gradient():
    logits = RNG.normal(size=(6, 1)) * 3
    targets = np.array([1.0, 0.0, 1.0, 0.0, 1.0, 1.0])
    loss, grad = L.sigmoid_cross_entropy(logits, targets)
    p = 1 / (1 + np.exp(-logits[:, 0]))
    expected = -np.mean(targets * np.log(p) + (1 - targets) * np.log(1 - p))
    assert loss == pytest.approx(expected, rel=1e-12)

    def f() -> float:
        return L.sigmoid_cross_entropy(logits, targets)[0]

    np.testing.assert_allclose(grad, numeric_gradient(f, logits), rtol=1e-6)
    assert grad.shape == logits.shape


def test_sigmoid_cross_entropy_is_finite_for_extreme_logits():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        loss, grad = L.sigmoid_cross_entropy(np.array([1e4, -1e4]), np.array([0.0, 1.0]))
    assert loss == pytest.approx(1e4)
    np.testing.assert_allclose(grad, [0.5, -0.5])


def test_zero_logits_give_ln_2():
    loss, _ = L.sigmoid_cross_entropy(np.zeros(4), np.array([1.0, 0.0, 1.0, 0.0]))
    assert loss == pytest.approx(np.log(2))


@pytest.mark.parametrize("kind", ["max", "min", "avg"])
def test_pool2d_falls_back_to_ops_when_its_scatter_matrix_would_be_too_large(monkeypatch, kind):
    monkeypatch.setattr(pooling, "_MAX_LOWERING_ENTRIES", 0)
    x = RNG.normal(size=(2, 5, 6, 3))
    layer = L.Pool2D((2, 3), (1, 2), kind)
    out = layer.forward(x)
    assert layer._plans[(5, 6)].scatter is None
    np.testing.assert_array_equal(out, ops.pool2d(x, (2, 3), (1, 2), kind))
    grad_out = RNG.normal(size=out.shape)
    expected = ops.pool2d_backward(x, grad_out, (2, 3), (1, 2), kind)
    np.testing.assert_array_equal(layer.backward(grad_out), expected)


def test_embedding_of_a_large_vocabulary_indexes_rows_instead_of_a_one_hot_matrix():
    weights = RNG.normal(size=(bounds.MAX_ONE_HOT_VOCABULARY + 1, 3))
    large, small = L.Embedding(weights), L.Embedding(weights[:50])
    assert large._eye is None
    ids = np.array([[1, 7, 1], [7, 2, 49]])
    np.testing.assert_array_equal(large.forward(ids), small.forward(ids))
    grad_out = RNG.normal(size=(2, 3, 3))
    large.backward(grad_out)
    small.backward(grad_out)
    np.testing.assert_allclose(large.grads["weights"][:50], small.grads["weights"], atol=1e-15)
    assert not large.grads["weights"][50:].any()
