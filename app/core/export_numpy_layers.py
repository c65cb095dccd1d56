"""The layer classes of the exported NumPy model scripts, as source text.

``LAYER_CLASSES[key]`` is one small class per layer kind (``embedding``, ``conv1d``,
``conv2d``, ``sigmoid``, ``relu``, ``tanh``, ``global_pool``, ``pool``, ``flatten``,
``dense``), its forward pass next to its gradient rule as in ``cnndemo.layers``, written for a
reader: plain NumPy, a loop over the kernel's taps instead of cnndemo's lowered matrices, the
same tie rule for max and min pooling (the first winner takes the gradient). Every class has
``name``, ``params`` and ``grads`` (dicts of arrays by cnndemo's parameter names), ``forward(x)``
and ``backward(grad)``. ``app.core.export_model_numpy`` puts the ones a model needs into its
script.
"""

from __future__ import annotations

LAYER_CLASSES = {
    "embedding": '''
class Embedding:
    """Word numbers (n, words) -> their rows of the table (n, words, size)."""

    def __init__(self, name, weights):
        self.name, self.params, self.grads = name, {"weights": weights}, {}

    def forward(self, ids):
        self.ids = ids
        return self.params["weights"][ids]

    def backward(self, grad):
        # A row's gradient adds the gradients of every position holding its word.
        grad_weights = np.zeros_like(self.params["weights"])
        np.add.at(grad_weights, self.ids, grad)
        self.grads = {"weights": grad_weights}
        return None
''',
    "conv1d": '''
class Conv1D:
    """y = conv(x, kernel) + bias: x (n, positions, in), kernel (taps, in, out) -> y (n, out
    positions, out). Output position t adds x_padded[t * stride + j] @ kernel[j] over taps j."""

    def __init__(self, name, kernel, stride, pads):
        self.name, self.stride, self.pads = name, stride, pads  # pads: (before, after)
        self.params = {"kernel": kernel, "bias": np.zeros(kernel.shape[-1])}
        self.grads = {}

    def taps(self):
        """For each tap j: the padded positions it reads, one per output position."""
        taps, s, n = self.params["kernel"].shape[0], self.stride, self.out_length
        return [slice(j, j + s * (n - 1) + 1, s) for j in range(taps)]

    def forward(self, x):
        self.length = x.shape[1]
        self.x = np.pad(x, ((0, 0), self.pads, (0, 0)))  # zeros before and after
        kernel = self.params["kernel"]
        self.out_length = (self.x.shape[1] - kernel.shape[0]) // self.stride + 1
        y = np.zeros((len(x), self.out_length, kernel.shape[2]))
        for j, rows in enumerate(self.taps()):
            y += self.x[:, rows] @ kernel[j]  # (n, out positions, in) @ (in, out)
        return y + self.params["bias"]

    def backward(self, grad):
        kernel = self.params["kernel"]
        grad_x, grad_kernel = np.zeros_like(self.x), np.zeros_like(kernel)
        for j, rows in enumerate(self.taps()):
            grad_kernel[j] = self.x[:, rows].reshape(-1, kernel.shape[1]).T @ grad.reshape(
                -1, kernel.shape[2]
            )
            grad_x[:, rows] += grad @ kernel[j].T
        self.grads = {"kernel": grad_kernel, "bias": grad.sum(axis=(0, 1))}
        before = self.pads[0]
        return grad_x[:, before : before + self.length]  # the padding gets no gradient
''',
    "conv2d": '''
class Conv2D:
    """y = conv(x, kernel) + bias: x (n, rows, columns, in), kernel (kernel rows, kernel
    columns, in, out) -> y (n, out rows, out columns, out). Output (r, c) adds
    x_padded[r * stride_y + i, c * stride_x + j] @ kernel[i, j] over taps (i, j)."""

    def __init__(self, name, kernel, stride, pads):
        self.name, self.stride, self.pads = name, stride, pads  # pads: ((top, bottom), (left, right))
        self.params = {"kernel": kernel, "bias": np.zeros(kernel.shape[-1])}
        self.grads = {}

    def taps(self):
        """For each tap (i, j): the padded cells it reads, one per output cell."""
        (sy, sx), (oh, ow) = self.stride, self.out_size
        kh, kw = self.params["kernel"].shape[:2]
        return [(i, j, slice(i, i + sy * (oh - 1) + 1, sy), slice(j, j + sx * (ow - 1) + 1, sx))
                for i in range(kh) for j in range(kw)]

    def forward(self, x):
        self.size = x.shape[1:3]
        self.x = np.pad(x, ((0, 0), *self.pads, (0, 0)))  # zeros around
        kernel = self.params["kernel"]
        self.out_size = tuple((self.x.shape[1 + a] - kernel.shape[a]) // self.stride[a] + 1
                              for a in (0, 1))
        y = np.zeros((len(x), *self.out_size, kernel.shape[3]))
        for i, j, rows, cols in self.taps():
            y += self.x[:, rows, cols] @ kernel[i, j]  # (n, oh, ow, in) @ (in, out)
        return y + self.params["bias"]

    def backward(self, grad):
        kernel = self.params["kernel"]
        grad_x, grad_kernel = np.zeros_like(self.x), np.zeros_like(kernel)
        for i, j, rows, cols in self.taps():
            grad_kernel[i, j] = self.x[:, rows, cols].reshape(-1, kernel.shape[2]).T @ grad.reshape(
                -1, kernel.shape[3]
            )
            grad_x[:, rows, cols] += grad @ kernel[i, j].T
        self.grads = {"kernel": grad_kernel, "bias": grad.sum(axis=(0, 1, 2))}
        (top, _), (left, _) = self.pads
        return grad_x[:, top : top + self.size[0], left : left + self.size[1]]
''',
    "sigmoid": '''
class Sigmoid:
    """y = sigmoid(x), elementwise; dy/dx = y (1 - y)."""

    def __init__(self, name):
        self.name, self.params, self.grads = name, {}, {}

    def forward(self, x):
        self.y = sigmoid(x)
        return self.y

    def backward(self, grad):
        return grad * (self.y - self.y * self.y)
''',
    "relu": '''
class ReLU:
    """y = max(x, 0), elementwise; the gradient passes where x > 0."""

    def __init__(self, name):
        self.name, self.params, self.grads = name, {}, {}

    def forward(self, x):
        self.mask = x > 0
        return x * self.mask

    def backward(self, grad):
        return grad * self.mask
''',
    "tanh": '''
class Tanh:
    """y = tanh(x), elementwise; dy/dx = 1 - y^2."""

    def __init__(self, name):
        self.name, self.params, self.grads = name, {}, {}

    def forward(self, x):
        self.y = np.tanh(x)
        return self.y

    def backward(self, grad):
        return grad * (1.0 - self.y * self.y)
''',
    "global_pool": '''
class GlobalPool:
    """(n, positions..., channels) -> (n, channels): the max, min or mean over all positions.
    Max and min: the first winning position (row-major) takes the whole gradient."""

    def __init__(self, name, kind):
        self.name, self.kind, self.params, self.grads = name, kind, {}, {}

    def forward(self, x):
        self.shape = x.shape
        flat = x.reshape(len(x), -1, x.shape[-1])  # (n, positions, channels)
        if self.kind == "avg":
            return flat.mean(axis=1)
        self.winner = flat.argmax(axis=1) if self.kind == "max" else flat.argmin(axis=1)
        return np.take_along_axis(flat, self.winner[:, None, :], axis=1)[:, 0, :]

    def backward(self, grad):
        n, positions, channels = self.shape[0], int(np.prod(self.shape[1:-1])), self.shape[-1]
        if self.kind == "avg":
            flat = np.repeat(grad[:, None, :] / positions, positions, axis=1)
        else:
            flat = np.zeros((n, positions, channels))
            np.put_along_axis(flat, self.winner[:, None, :], grad[:, None, :], axis=1)
        return flat.reshape(self.shape)
''',
    "pool": '''
class Pool2D:
    """Windows of size (rows, columns), stride apart, whole windows only (VALID):
    (n, rows, columns, channels) -> (n, out rows, out columns, channels). Max and min: the
    first winning cell of a window (row by row) takes its gradient."""

    def __init__(self, name, size, stride, kind):
        self.name, self.size, self.stride, self.kind = name, size, stride, kind
        self.params, self.grads = {}, {}

    def forward(self, x):
        self.shape = x.shape
        (kh, kw), (sy, sx) = self.size, self.stride
        oh, ow = (x.shape[1] - kh) // sy + 1, (x.shape[2] - kw) // sx + 1
        self.cells = [(slice(i, i + sy * (oh - 1) + 1, sy), slice(j, j + sx * (ow - 1) + 1, sx))
                      for i in range(kh) for j in range(kw)]
        windows = np.stack([x[:, rows, cols] for rows, cols in self.cells], axis=3)
        if self.kind == "avg":  # windows: (n, oh, ow, cells of a window, channels)
            return windows.mean(axis=3)
        self.winner = windows.argmax(axis=3) if self.kind == "max" else windows.argmin(axis=3)
        return np.take_along_axis(windows, self.winner[:, :, :, None], axis=3)[:, :, :, 0]

    def backward(self, grad):
        grad_x = np.zeros(self.shape)
        for cell, (rows, cols) in enumerate(self.cells):
            share = 1 / len(self.cells) if self.kind == "avg" else self.winner == cell
            grad_x[:, rows, cols] += grad * share
        return grad_x
''',
    "flatten": '''
class Flatten:
    """(n, ...) -> (n, features), row-major: position by position, channels innermost."""

    def __init__(self, name):
        self.name, self.params, self.grads = name, {}, {}

    def forward(self, x):
        self.shape = x.shape
        return x.reshape(len(x), -1)

    def backward(self, grad):
        return grad.reshape(self.shape)
''',
    "dense": '''
class Dense:
    """y = x @ weights + bias: (n, features) -> (n, 1), the logit."""

    def __init__(self, name, weights):
        self.name, self.params, self.grads = name, {"weights": weights, "bias": np.zeros(1)}, {}

    def forward(self, x):
        self.x = x
        return x @ self.params["weights"] + self.params["bias"]

    def backward(self, grad):
        self.grads = {"weights": self.x.T @ grad, "bias": grad.sum(axis=0)}
        return grad @ self.params["weights"].T
''',
}
