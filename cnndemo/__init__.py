"""cnndemo: a small NumPy engine for learning convolutional neural networks.

Layout is TensorFlow's, channels last: a 1D input is (batch, width, channels), a 2D input
(batch, height, width, channels), a 1D kernel (width, in, out), a 2D kernel (height, width, in, out).
"""

from cnndemo.ops import conv1d, conv2d, global_pool, pool1d, pool2d

__all__ = ["conv1d", "conv2d", "global_pool", "pool1d", "pool2d"]
