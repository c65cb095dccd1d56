"""The NumPy script of a training page (sections 3-8): the model, trained as cnndemo trains it.

``numpy_model_script(export)`` writes a self-contained script (NumPy only) from a
``ModelExport`` (``app.core.export_model_parts``): the data and hyper-parameters as literals,
one small class per layer kind with its forward pass next to its gradient rule, the first
weights drawn from ``numpy.random.default_rng(seed)`` in layer order (biases at 0), full-batch
training on the mean sigmoid cross-entropy with the page's optimiser (momentum by TensorFlow's
rule, plain gradient descent, or Keras's Adam), or the page's trained weights when it has them.
It prints every example's P(label 1) and the error, as the page shows them.
"""

from __future__ import annotations

from app.core.export_literals import fill, text, whole
from app.core.export_model_parts import ModelExport, shape_args, weights_block
from app.core.export_numpy_layers import LAYER_CLASSES

_UPDATES = {
    "momentum": '''
accumulators = {}  # one per weight array, starting at 0


def update():
    """Gradient descent with momentum, TensorFlow's rule: a = momentum * a + gradient;
    weights -= learning_rate * a."""
    for layer in layers:
        for name, grad in layer.grads.items():
            key = (layer.name, name)
            accumulators[key] = momentum * accumulators.get(key, 0.0) + grad
            layer.params[name] -= learning_rate * accumulators[key]
''',
    "sgd": '''
def update():
    """Plain gradient descent: weights -= learning_rate * gradient."""
    for layer in layers:
        for name, grad in layer.grads.items():
            layer.params[name] -= learning_rate * grad
''',
    "adam": '''
moments, steps = {}, [0]  # per weight array: the mean and mean square of its gradients


def update():
    """Adam as Keras has it (beta1 0.9, beta2 0.999, epsilon 1e-7, the bias correction
    folded into the step size)."""
    steps[0] += 1
    t = steps[0]
    rate = learning_rate * np.sqrt(1.0 - 0.999**t) / (1.0 - 0.9**t)
    for layer in layers:
        for name, grad in layer.grads.items():
            m, v = moments.get((layer.name, name), (0.0, 0.0))
            m = 0.9 * m + (1.0 - 0.9) * grad
            v = 0.999 * v + (1.0 - 0.999) * grad * grad
            moments[(layer.name, name)] = (m, v)
            layer.params[name] -= rate * m / (np.sqrt(v) + 1e-7)
''',
}

_SCRIPT = '''
"""$title (cnndemo, section $section): the page's model as a NumPy script.

$summary
Layout (TensorFlow's, channels last): sentences are (examples, words), images (examples, rows,
columns, 1); 1D kernels (taps, in, out), 2D kernels (kernel rows, kernel columns, in, out).
"""

import numpy as np

# --- The data -------------------------------------------------------------------------------
$data
# --- Hyper-parameters -----------------------------------------------------------------------
$settings

def sigmoid(z):
    """1 / (1 + e^-z), written as 0.5 tanh(z / 2) + 0.5, which never overflows."""
    return 0.5 * np.tanh(0.5 * z) + 0.5

# --- The layers: each forward pass next to its gradient rule --------------------------------
$classes
# --- The model ------------------------------------------------------------------------------
rng = np.random.default_rng(seed)


def normal(*shape):
    """First weights: normal, standard deviation init_scale, drawn in layer order."""
    return rng.normal(0.0, init_scale, size=shape)


layers = [
$layers
]


def forward(x):
    for layer in layers:
        x = layer.forward(x)
    return x.reshape(-1)  # one logit per example


def backward(grad):
    grad = grad.reshape(-1, 1)
    for layer in reversed(layers):
        grad = layer.backward(grad)


def error_and_gradient(logits):
    """Mean sigmoid cross-entropy over all examples, and its gradient for the logits."""
    softplus = np.logaddexp(0.0, logits)  # log(1 + e^z), without overflow
    error = np.mean(softplus - logits * labels)
    gradient = (np.exp(logits - softplus) - labels) / len(labels)  # (sigmoid(z) - label) / n
    return error, gradient

$training
logits = forward(inputs)
error, _ = error_and_gradient(logits)
probabilities = sigmoid(logits)
for name, label, p in zip(names, labels, probabilities):
    print(f"{name:<24} label {int(label)}   P(label 1) = {p:.4f}")
print("error =", float(error))
print("probabilities =", probabilities.tolist())
'''

_TRAIN = """
# --- Training: every epoch, all examples at once ---------------------------------------------
$update

for epoch in range(epochs):
    error, gradient = error_and_gradient(forward(inputs))  # the error before this update
    backward(gradient)
    update()
print(f"trained {epochs} epochs from seed {seed}")
"""

_LOAD = """
# --- The page's trained weights (cnndemo's names: layer.weight) -------------------------------
$weights
for layer in layers:
    for name in layer.params:
        layer.params[name] = trained[f"{layer.name}.{name}"].copy()
print("the page's trained weights")
"""


def _class_key(layer) -> str:
    if layer.kind == "conv":
        return "conv1d" if len(layer.arguments["kernel"]) == 1 else "conv2d"
    if layer.kind == "activation":
        return layer.arguments["function"]
    return layer.kind


def _layer_line(layer, pads) -> str:
    """One entry of the ``layers`` list: the layer made with its arguments and first weights."""
    name = text(layer.name)
    shapes = dict(layer.parameters)
    args = layer.arguments
    if layer.kind == "embedding":
        return f"    Embedding({name}, normal({shape_args(shapes['weights'])})),  # (words, size)"
    if layer.kind == "conv":
        kernel = f"normal({shape_args(shapes['kernel'])})"
        if len(args["kernel"]) == 1:
            stride, pad = whole(args["stride"][0]), "({}, {})".format(*pads[layer.name][0])
            return f"    Conv1D({name}, {kernel}, stride={stride}, pads={pad}),  # (taps, in, out)"
        stride = "({}, {})".format(*args["stride"])
        pad = "(({}, {}), ({}, {}))".format(*pads[layer.name][0], *pads[layer.name][1])
        return f"    Conv2D({name}, {kernel}, stride={stride}, pads={pad}),"
    if layer.kind == "activation":
        return f"    {dict(sigmoid='Sigmoid', relu='ReLU', tanh='Tanh')[args['function']]}({name}),"
    if layer.kind == "global_pool":
        return f"    GlobalPool({name}, {text(args['kind'])}),"
    if layer.kind == "pool":
        size, stride = "({}, {})".format(*args["size"]), "({}, {})".format(*args["stride"])
        return f"    Pool2D({name}, size={size}, stride={stride}, kind={text(args['kind'])}),"
    if layer.kind == "flatten":
        return f"    Flatten({name}),"
    return f"    Dense({name}, normal({shape_args(shapes['weights'])})),  # (features, 1)"


def numpy_model_script(export: ModelExport) -> str:
    """The NumPy script of a model page (see the module docstring)."""
    keys = list(dict.fromkeys(_class_key(layer) for layer in export.layers))
    classes = "\n".join(LAYER_CLASSES[key] for key in keys)
    if export.weights is None:
        training = fill(_TRAIN, update=_UPDATES[export.optimizer].strip("\n"))
        summary = (
            "It builds the model from its seed and trains it as the page's Train button does, "
            "then\nprints P(label 1) for every example and the error."
        )
    else:
        training = fill(_LOAD, weights=weights_block(export, "np.array"))
        summary = "It loads the page's trained weights and prints P(label 1) for every example."
    return fill(
        _SCRIPT, title=export.title, section=str(export.section), summary=summary,
        data=export.data_block, settings=export.settings_block, classes=classes,
        layers="\n".join(_layer_line(layer, export.pads) for layer in export.layers),
        training=training,
    )  # fmt: skip
