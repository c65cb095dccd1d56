"""im2col blocks: the forward and the kernel gradient do not depend on where the blocks split.

Both im2col layouts split their work into blocks that fit in the cache (``_windows.BLOCK_BYTES``
for long window runs, ``_windows.TAP_MAJOR_BLOCK_BYTES`` for short ones). Here the blocks are
made as small as they go (one image, or one output row) and middling, with a short last block,
and every result is compared with the loop oracle and with the result in one block.
"""

from __future__ import annotations

import numpy as np
import pytest

from cnndemo import _windows, ops, reference

CASES = [
    ((7, 9, 8, 1), (3, 3, 1, 4), (1, 1), "same", (1, 1)),  # tap-major, opaque runs
    ((5, 11, 10, 1), (3, 2, 1, 3), (2, 1), "valid", (1, 2)),  # tap-major, one view of numbers
    ((5, 9, 9, 2), (2, 2, 2, 3), (1, 2), "same", (1, 1)),  # tap-major, two channels
    ((3, 9, 8, 4), (3, 3, 4, 5), (1, 1), "valid", (1, 1)),  # window runs
    ((3, 10, 9, 8), (2, 3, 8, 2), (2, 1), "same", (2, 1)),  # window runs, strides
    ((3, 10, 9, 8), (2, 3, 8, 2), (1, 1), "valid", (1, 2)),  # window runs, dilated columns
]


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("block_bytes", [1, 700, 3000])
def test_results_do_not_depend_on_the_blocks(monkeypatch, case, block_bytes):
    x_shape, k_shape, stride, padding, dilation = case
    rng = np.random.default_rng(len(x_shape) + k_shape[3])
    x = rng.standard_normal(x_shape)
    kernel = rng.standard_normal(k_shape)
    whole = ops.conv2d(x, kernel, stride, padding, dilation)
    grad = rng.standard_normal(whole.shape)
    whole_grads = ops.conv2d_backward(x, kernel, grad, stride, padding, dilation)

    monkeypatch.setattr(_windows, "BLOCK_BYTES", block_bytes)
    monkeypatch.setattr(_windows, "TAP_MAJOR_BLOCK_BYTES", block_bytes)
    out = ops.conv2d(x, kernel, stride, padding, dilation)
    np.testing.assert_allclose(
        out, reference.conv2d(x, kernel, stride, padding, dilation), atol=1e-9
    )
    np.testing.assert_allclose(out, whole, rtol=1e-12, atol=1e-12)
    grads = ops.conv2d_backward(x, kernel, grad, stride, padding, dilation)
    for got, want in zip(grads, whole_grads, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    single = ops.conv2d(x.astype(np.float32), kernel.astype(np.float32), stride, padding, dilation)
    np.testing.assert_allclose(single, whole, rtol=1e-4, atol=1e-4)
