"""app.core.backprop: the Gradients tab's controls, upstream gradients, the engine's gradients and
their written sums (oracles: cnndemo.ops backward passes and the tutorial's setup, docs/lesson.md
sections 1 and 2)."""

from __future__ import annotations

import numpy as np
import pytest

from app.core import backprop
from cnndemo import ops

X1 = np.arange(1, 21, dtype=float).reshape(4, 5)
K1 = np.arange(1, 31, dtype=float).reshape(3, 5, 2)
X2 = np.arange(1, 61, dtype=float).reshape(5, 4, 3)
K2 = np.arange(1, 25, dtype=float).reshape(4, 2, 3, 1)


def test_declarations_are_bounded_and_linked():
    one, two = backprop.gradient_controls("a", 1), backprop.gradient_controls("b", 2)
    assert [c.field for c in one.kernel_cell] == ["gw0", "gw1", "gw2"]
    assert [c.key for c in two.input_cell] == ["b.x.0", "b.x.1", "b.x.2"]
    assert one.table.kind == "sequence" and two.table.kind == "grid"
    fields = one.controls.field_names
    assert {"gy", "gk", "gs"} <= set(fields) and len(fields) == len(set(fields))
    assert all(c.high is not None for c in one.controls if c.kind == "int")


@pytest.mark.parametrize("kind", backprop.UPSTREAM)
def test_upstream_gradients_have_the_outputs_shape(kind):
    grad = backprop.upstream_gradient(kind, (2, 3, 2), (1, 2, 0), 5, np.full((1, 1, 1), 7.0))
    assert grad.shape == (2, 3, 2)
    if kind == "ones":
        assert np.all(grad == 1)
    elif kind == "onehot":
        assert grad.sum() == 1 and grad[1, 2, 0] == 1
    elif kind == "random":
        assert np.array_equal(grad, backprop.upstream_gradient(kind, (2, 3, 2), seed=5))
        assert grad.min() >= -5 and grad.max() <= 5
    else:
        assert grad[0, 0, 0] == 7 and grad.sum() == 7  # cropped or zero-padded to the shape
    with pytest.raises(ValueError, match="unknown upstream gradient"):
        backprop.upstream_gradient("nope", (2, 2))


@pytest.mark.parametrize(("x", "kernel", "stride"), [(X1, K1, 2), (X2, K2, (2, 1))])
def test_gradients_are_the_backward_ops_and_both_views_agree(x, kernel, stride):
    rank = x.ndim - 1
    out_shape = (ops.conv1d if rank == 1 else ops.conv2d)(x[None], kernel, stride, "same").shape
    grad_out = backprop.upstream_gradient("random", out_shape[1:], seed=1)
    grads = backprop.gradients(x, kernel, grad_out, stride, "same", 1)
    backward = ops.conv1d_backward if rank == 1 else ops.conv2d_backward
    grad_x, grad_kernel = backward(x[None], kernel, grad_out[None], stride, "same")
    np.testing.assert_array_equal(grads.grad_x, grad_x[0])
    np.testing.assert_array_equal(grads.grad_kernel, grad_kernel)
    assert grads.views_agree


def test_written_cells_name_their_terms_and_the_cells_they_read():
    grads = backprop.gradients(X1, K1, np.ones((2, 2)), 1, "valid", 1)
    w = backprop.kernel_cell(grads, (2, 4, 1))
    assert w.text == "**dL/dW[2, 4, 1]** = 15×1 + 20×1 = 35"
    assert w.inputs == ((2, 4), (3, 4)) and w.outputs == ((0, 1), (1, 1))
    x = backprop.input_cell(grads, (1, 0))
    assert x.text == "**dL/dx[1, 0]** = 1×11 + 1×12 + 1×1 + 1×2 = 26"
    assert x.outputs == ((0, 0), (0, 1), (1, 0), (1, 1))
    strided = backprop.gradients(X1, K1, np.ones((1, 2)), 2, "valid", 1)
    assert backprop.input_cell(strided, (3, 0)).text.endswith("no gradient reaches it")
