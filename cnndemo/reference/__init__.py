"""Convolution and pooling as plain loops: the version to read, and the tests' oracle.

Every operation of :mod:`cnndemo.ops` is written here again with the same signature and
defaults, as loops over batch, output positions, window taps and channels, its backward pass
right below it, so a reader can check each gradient rule against the forward sum. The
functions are slow on purpose (pure Python) and share no code with ``cnndemo.ops`` or its
helpers: the tests compare the two, which can only agree by both being right.

==================  ==========================================================================
module              holds
==================  ==========================================================================
``sizes``           :func:`output_size`, :func:`padding_amounts`: the geometry of one axis
``conv``            :func:`conv1d`, :func:`conv2d` and their backward passes
``conv_transpose``  :func:`conv_transpose1d`, :func:`conv_transpose2d`: the scatter loop
``pool``            :func:`pool1d`, :func:`pool2d` and their backward passes
``global_pool``     :func:`global_pool`, :func:`global_pool_backward`
``winner``          who wins a max or min window: the tie rule below
``numeric``         :func:`numeric_gradient`: central finite differences, the gradient oracle
``checks``          argument checks (plain ``ValueError`` messages)
==================  ==========================================================================

Conventions (those of docs/lesson.md, "Shared conventions"):

- Layout is TensorFlow's, channels last: 1D input ``(batch, width, channels)``, 2D input
  ``(batch, height, width, channels)``, 1D kernel ``(k_width, in, out)``, 2D kernel
  ``(k_h, k_w, in, out)``. Everything is computed and returned in float64.
- Window ``i`` along an axis starts at padded cell ``i * stride``; its tap ``j`` reads padded
  cell ``i * stride + j * dilation``, which is input cell ``i * stride + j * dilation - before``.
- ``"valid"`` adds no padding; ``"same"`` follows TensorFlow (:func:`padding_amounts`: output
  ``ceil(n / stride)``, the odd padded cell at the end). A convolution reads a padded cell as
  0; a pooling window leaves its padded cells out: they never win a max or min, and a mean
  divides by the number of real cells only.
- NaN and infinity follow IEEE arithmetic; a pooling window holding NaN gives NaN.

The tie rule of max and min pooling (forward value and backward route agree on it): a
window's gradient goes to its first winning cell in row-major window order (row by row, then
column); when the window holds NaN, to its first NaN; padded cells never win, so if every real
cell is -inf for max (+inf for min), the first real cell wins. Global pooling follows the same
rule over all positions in row-major order.
"""

from cnndemo.reference.conv import conv1d, conv1d_backward, conv2d, conv2d_backward
from cnndemo.reference.conv_transpose import conv_transpose1d, conv_transpose2d
from cnndemo.reference.global_pool import global_pool, global_pool_backward
from cnndemo.reference.numeric import numeric_gradient
from cnndemo.reference.pool import pool1d, pool1d_backward, pool2d, pool2d_backward
from cnndemo.reference.sizes import output_size, padding_amounts

__all__ = [
    "output_size",
    "padding_amounts",
    "conv1d",
    "conv1d_backward",
    "conv2d",
    "conv2d_backward",
    "conv_transpose1d",
    "conv_transpose2d",
    "pool1d",
    "pool1d_backward",
    "pool2d",
    "pool2d_backward",
    "global_pool",
    "global_pool_backward",
    "numeric_gradient",
]
