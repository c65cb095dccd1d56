"""cnndemo: a small NumPy engine for learning convolutional neural networks.

Layout is TensorFlow's, channels last: a 1D input is (batch, width, channels), a 2D input
(batch, height, width, channels), a 1D kernel (width, in, out), a 2D kernel (height, width, in, out).
"""

from cnndemo.ops import (
    conv1d,
    conv2d,
    conv_transpose1d,
    conv_transpose2d,
    global_pool,
    pool1d,
    pool2d,
)

__all__ = [
    "conv1d",
    "conv2d",
    "conv_transpose1d",
    "conv_transpose2d",
    "global_pool",
    "pool1d",
    "pool2d",
]

# The training side. `train` stays the module name (cnndemo.train.train is the loop).
from cnndemo.data import image_data, text_data  # noqa: E402
from cnndemo.models import Model, build_model, default_hyperparameters  # noqa: E402
from cnndemo.persist import load, save  # noqa: E402
from cnndemo.sections import run_section  # noqa: E402
from cnndemo.train import Snapshot, TrainResult, train_section  # noqa: E402

__all__ += [
    "Model",
    "Snapshot",
    "TrainResult",
    "build_model",
    "default_hyperparameters",
    "image_data",
    "load",
    "run_section",
    "save",
    "text_data",
    "train_section",
]
