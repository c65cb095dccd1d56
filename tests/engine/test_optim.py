"""Optimisers: each update rule against the formula written out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from cnndemo.optim import SGD, Adam, Momentum, make_optimizer

GRADS = [np.array([1.0, -2.0]), np.array([0.5, 0.5]), np.array([-1.0, 3.0])]


def run(optimizer, start=(1.0, 1.0)) -> list[np.ndarray]:
    params = np.array(start)
    seen = []
    for g in GRADS:
        optimizer.step(params, g)
        seen.append(params.copy())
    return seen


def test_momentum_follows_tensorflows_accumulator_rule():
    lr, m = 0.1, 0.9
    acc, w, expected = np.zeros(2), np.ones(2), []
    for g in GRADS:
        acc = m * acc + g  # TensorFlow: accumulator = momentum * accumulator + gradient
        w = w - lr * acc
        expected.append(w)
    np.testing.assert_allclose(run(Momentum(lr, m)), expected)


def test_momentum_first_step_is_a_plain_gradient_step():
    params = np.array([0.0])
    Momentum(1.0, 0.9).step(params, np.array([2.0]))
    np.testing.assert_allclose(params, [-2.0])


def test_sgd_subtracts_learning_rate_times_gradient():
    expected = np.ones(2) - 0.5 * np.cumsum(GRADS, axis=0)
    np.testing.assert_allclose(run(SGD(0.5)), expected)


def test_momentum_zero_equals_sgd():
    np.testing.assert_allclose(run(Momentum(0.3, 0.0)), run(SGD(0.3)))


def test_adam_matches_the_bias_corrected_formula():
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-7
    m, v, w, expected = np.zeros(2), np.zeros(2), np.ones(2), []
    for t, g in enumerate(GRADS, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
        w = w - lr * m_hat / (np.sqrt(v_hat) + eps / np.sqrt(1 - b2**t))  # Keras form
        expected.append(w)
    np.testing.assert_allclose(run(Adam(lr)), expected, rtol=1e-12)


def test_adam_first_step_moves_each_weight_by_about_the_learning_rate():
    params = np.zeros(3)
    Adam(0.01).step(params, np.array([0.1, -5.0, 200.0]))
    np.testing.assert_allclose(params, [-0.01, 0.01, -0.01], rtol=1e-3)


def test_optimisers_update_in_place():
    params = np.ones(2)
    view = params[:]
    make_optimizer("momentum", 1.0, 0.9).step(params, np.ones(2))
    np.testing.assert_array_equal(view, [0.0, 0.0])


@pytest.mark.parametrize(("name", "cls"), [("momentum", Momentum), ("sgd", SGD), ("adam", Adam)])
def test_make_optimizer_by_name(name, cls):
    optimizer = make_optimizer(name, 0.5, 0.8)
    assert isinstance(optimizer, cls)
    assert optimizer.learning_rate == 0.5


def test_invalid_settings_are_rejected_with_the_value():
    with pytest.raises(ValueError, match="learning rate.*-1"):
        SGD(-1)
    with pytest.raises(ValueError, match=r"momentum must be in \[0, 1\); got 1.5"):
        Momentum(1.0, 1.5)
    with pytest.raises(ValueError, match="rmsprop"):
        make_optimizer("rmsprop", 1.0)
