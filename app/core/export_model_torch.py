"""The PyTorch script of a training page (sections 3-8): the same model, trained the same way.

``torch_model_script(export)`` writes the model as one ``forward`` function over weight
tensors kept in cnndemo's (TensorFlow's) layouts, with each conversion to PyTorch's channels-first
layout written where it happens. The first weights are drawn with NumPy's generator exactly as
cnndemo draws them (PyTorch's own generator would give other numbers), training is full-batch
``binary_cross_entropy_with_logits`` (the mean sigmoid cross-entropy) with autograd, and the
optimiser is ``torch.optim.SGD`` (its momentum is TensorFlow's rule) or, for Adam, Keras's
update written out (``torch.optim.Adam`` places epsilon differently). Same printout as the
NumPy script.
"""

from __future__ import annotations

from app.core.export_literals import fill, text, whole
from app.core.export_model_parts import ModelExport, layout, shape_args, weights_block

_SCRIPT = '''
"""$title (cnndemo, section $section): the page's model as a PyTorch script.

$summary
The weights keep cnndemo's layout (TensorFlow's, channels last): 1D kernels (taps, in, out),
2D kernels (kernel rows, kernel columns, in, out), dense weights (features, 1); forward()
converts to PyTorch's channels-first layout around each convolution and pooling.
"""

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)  # cnndemo computes in float64
torch.set_num_threads(1)  # tensors this small run fastest on one thread

# --- The data -------------------------------------------------------------------------------
$data
inputs, labels = torch.tensor(inputs), torch.tensor(labels)
# --- Hyper-parameters -----------------------------------------------------------------------
$settings
# --- The weights ----------------------------------------------------------------------------
$weights
parameters = [$parameters]
for parameter in parameters:
    parameter.requires_grad_(True)


def forward(x):
    """The logit of every example; between layers x stays channels last, as in cnndemo."""
$forward
    return x.reshape(-1)

$training
with torch.no_grad():
    logits = forward(inputs)
    error = F.binary_cross_entropy_with_logits(logits, labels)
    probabilities = torch.sigmoid(logits)
for name, label, p in zip(names, labels.tolist(), probabilities.tolist()):
    print(f"{name:<24} label {int(label)}   P(label 1) = {p:.4f}")
print("error =", error.item())
print("probabilities =", probabilities.tolist())
'''

_DRAW = '''
rng = np.random.default_rng(seed)


def normal(*shape):
    """First weights as cnndemo draws them: NumPy's generator, in layer order."""
    return torch.tensor(rng.normal(0.0, init_scale, size=shape))


'''

_OPTIMISERS = {
    "momentum": "# PyTorch's momentum (dampening 0) is TensorFlow's rule: a = momentum * a + g.\n"
    "optimiser = torch.optim.SGD(parameters, lr=learning_rate, momentum=momentum)",
    "sgd": "optimiser = torch.optim.SGD(parameters, lr=learning_rate)",
    "adam": '''
class KerasAdam:
    """Adam as Keras (and cnndemo) has it: epsilon 1e-7 added to sqrt(v) before the bias
    correction, which is folded into the step size (torch.optim.Adam adds it after)."""

    def __init__(self, parameters, lr):
        self.parameters, self.lr, self.t = parameters, lr, 0
        self.m = [torch.zeros_like(p) for p in parameters]
        self.v = [torch.zeros_like(p) for p in parameters]

    def zero_grad(self):
        for p in self.parameters:
            p.grad = None

    @torch.no_grad()
    def step(self):
        self.t += 1
        rate = self.lr * np.sqrt(1.0 - 0.999**self.t) / (1.0 - 0.9**self.t)
        for p, m, v in zip(self.parameters, self.m, self.v):
            m.mul_(0.9).add_((1.0 - 0.9) * p.grad)
            v.mul_(0.999).add_((1.0 - 0.999) * p.grad * p.grad)
            p -= rate * m / (v.sqrt() + 1e-7)


optimiser = KerasAdam(parameters, lr=learning_rate)''',
}

_TRAIN = """
# --- Training: every epoch, all examples at once ---------------------------------------------
$optimiser
for epoch in range(epochs):
    optimiser.zero_grad()
    error = F.binary_cross_entropy_with_logits(forward(inputs), labels)  # mean over examples
    error.backward()
    optimiser.step()
print(f"trained {epochs} epochs from seed {seed}")
"""


def _weight_lines(export: ModelExport) -> tuple[list[str], list[str]]:
    """The weight tensors' definitions and their names, in cnndemo's order."""
    lines, names = [], []
    for layer in export.layers:
        for parameter, shape in layer.parameters:
            variable = f"{layer.name}_{parameter}"
            names.append(variable)
            if export.weights is not None:
                value = f"trained[{text(f'{layer.name}.{parameter}')}].clone()"
            elif parameter == "bias":
                value = f"torch.zeros({whole(shape[0])})"
            else:
                value = f"normal({shape_args(shape)})"
            lines.append(f"{variable} = {value}  # {layout(layer, parameter)}")
    return lines, names


def _forward_lines(export: ModelExport) -> list[str]:
    """The body of ``forward``, one layer (and its layout conversions) at a time."""
    lines = []
    for layer in export.layers:
        name, args = layer.name, layer.arguments
        if layer.kind == "embedding":
            lines.append(f"x = {name}_weights[x]  # {name}: (n, words) -> (n, words, size)")
        elif layer.kind == "conv" and len(args["kernel"]) == 1:
            ((before, after),) = export.pads[name]
            lines += [
                f"# {name}: PyTorch is channels first: (n, in, positions), a weight (out, in, taps).",
                f"x = F.pad(x.permute(0, 2, 1), ({before}, {after}))",
                f"x = F.conv1d(x, {name}_kernel.permute(2, 1, 0), {name}_bias, "
                f"stride={whole(args['stride'][0])})",
                "x = x.permute(0, 2, 1)  # back to (n, positions, out)",
            ]
        elif layer.kind == "conv":
            (top, bottom), (left, right) = export.pads[name]
            lines += [
                f"# {name}: PyTorch is channels first: (n, in, rows, columns), a weight (out, in,",
                "# kernel rows, kernel columns); F.pad lists the last axis first.",
                f"x = F.pad(x.permute(0, 3, 1, 2), ({left}, {right}, {top}, {bottom}))",
                f"x = F.conv2d(x, {name}_kernel.permute(3, 2, 0, 1), {name}_bias, "
                "stride=({}, {}))".format(*args["stride"]),
                "x = x.permute(0, 2, 3, 1)  # back to (n, rows, columns, out)",
            ]
        elif layer.kind == "activation":
            function = {"sigmoid": "torch.sigmoid", "relu": "torch.relu", "tanh": "torch.tanh"}
            lines.append(f"x = {function[args['function']]}(x)  # {name}")
        elif layer.kind == "global_pool":
            lines.append("x = x.reshape(len(x), -1, x.shape[-1])  # (n, positions, channels)")
            reduce = {"max": "x.max(dim=1).values", "min": "x.min(dim=1).values",
                      "avg": "x.mean(dim=1)"}[args["kind"]]  # fmt: skip
            lines.append(f"x = {reduce}  # {name}: {args['kind']} over all positions")
        elif layer.kind == "pool":
            size, stride = "({}, {})".format(*args["size"]), "({}, {})".format(*args["stride"])
            pool = {"max": f"F.max_pool2d(x, {size}, {stride})",
                    "min": f"-F.max_pool2d(-x, {size}, {stride})",
                    "avg": f"F.avg_pool2d(x, {size}, {stride})"}[args["kind"]]  # fmt: skip
            lines += [
                f"x = x.permute(0, 3, 1, 2)  # {name}: channels first for PyTorch's pooling",
                f"x = {pool}.permute(0, 2, 3, 1)  # {args['kind']} pooling, back to channels last",
            ]
        elif layer.kind == "flatten":
            lines.append("x = x.reshape(len(x), -1)  # flatten channels last, as cnndemo does")
        else:
            lines.append(f"x = x @ {name}_weights + {name}_bias  # {name}: (n, features) -> (n, 1)")
    return lines


def torch_model_script(export: ModelExport) -> str:
    """The PyTorch script of a model page (see the module docstring)."""
    definitions, names = _weight_lines(export)
    if export.weights is None:
        weights = _DRAW.lstrip("\n") + "\n".join(definitions)
        training = fill(_TRAIN, optimiser=_OPTIMISERS[export.optimizer].strip("\n"))
        summary = (
            "It builds the model from its seed and trains it as the page's Train button does, "
            "then\nprints P(label 1) for every example and the error."
        )
    else:
        weights = weights_block(export, "torch.tensor") + "\n".join(definitions)
        training = ""
        summary = "It loads the page's trained weights and prints P(label 1) for every example."
    return fill(
        _SCRIPT, title=export.title, section=str(export.section), summary=summary,
        data=export.data_block, settings=export.settings_block, weights=weights,
        parameters=", ".join(names),
        forward="\n".join(f"    {line}" for line in _forward_lines(export)), training=training,
    )  # fmt: skip
