"""Full-batch training with error history, periodic snapshots and early stopping.

As in the tutorial's reference scripts, the error of epoch e is measured on the model *before*
its e-th update, so ``errors[0]`` is the loss of the freshly initialised model (about ln 2 with
small weights) and ``len(errors)`` is the number of epochs run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cnndemo import data as data_mod
from cnndemo.hyperparameters import check
from cnndemo.models import Model, build_model, model_spec
from cnndemo.optim import Optimizer, make_optimizer

__all__ = ["Snapshot", "TrainResult", "make_data", "train", "train_section"]

Data = data_mod.TextData | data_mod.ImageData


@dataclass
class Snapshot:
    """What the pages plot at one moment of training.

    Attributes
    ----------
    epoch : int
        Updates applied so far (the state before update ``epoch``).
    error : float
        Mean sigmoid cross-entropy over the training set in this state.
    probabilities : ndarray, shape (n,)
        Predicted probability of label 1 for each training example, in data order.
    window_vectors : dict[str, ndarray of shape (channels,)]
        Post-activation output of the first conv layer for each distinct window of the data,
        in order of first appearance: bigrams (``"i like"``) for sections 3-4, 2x2 regions
        labelled by their pixels as a row-major bit string (``"1100"``) for sections 5-8.
    example_vectors : ndarray, shape (n, features)
        What the dense layer sees for each example: the pooled vector (sections 3, 5, and 8
        after flattening its pooled grid) or the flattened conv output (4, 6, 7).
    feature_maps : list of ndarray
        Post-activation output of each conv layer: (n, positions, channels) for text,
        (n, out_h, out_w, channels) for images (two entries in section 7).
    parameters : ndarray, shape (parameters,)
        Every weight in this state, laid out as ``Model.parameters``
        (``Model.unflatten`` names them).
    gradients : ndarray, shape (parameters,)
        The gradient of the error at these weights (what this epoch's update used).
    """

    epoch: int
    error: float
    probabilities: np.ndarray
    window_vectors: dict[str, np.ndarray]
    example_vectors: np.ndarray
    feature_maps: list[np.ndarray]
    parameters: np.ndarray | None = None
    gradients: np.ndarray | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready copy: arrays become nested lists, same keys as the attributes."""
        return {
            "epoch": self.epoch,
            "error": self.error,
            "probabilities": self.probabilities.tolist(),
            "window_vectors": {k: v.tolist() for k, v in self.window_vectors.items()},
            "example_vectors": self.example_vectors.tolist(),
            "feature_maps": [m.tolist() for m in self.feature_maps],
            "parameters": None if self.parameters is None else self.parameters.tolist(),
            "gradients": None if self.gradients is None else self.gradients.tolist(),
        }


@dataclass
class TrainResult:
    """Outcome of :func:`train`.

    Attributes
    ----------
    model : Model
        The trained model (the same object that was passed in, updated in place).
    data : TextData or ImageData
    errors : list of float
        One per epoch run, measured before that epoch's update.
    snapshots : list of Snapshot
        Those taken every ``every`` epochs (empty when ``every`` is None).
    final : Snapshot
        The state after the last update (``final.epoch == len(errors)`` unless stopped by a
        callback, in which case the update of the stopping epoch was not applied and
        ``final.epoch == len(errors) - 1``).
    stopped : bool
        True when a callback or ``should_stop`` ended training early.
    gradient_norms : ndarray, shape (epochs run, named parameters), or None
        With ``record_gradients``: each epoch's gradient norm per named parameter (the order of
        ``Model.named_parameters``), measured with that epoch's error.
    """

    model: Model
    data: Data
    errors: list[float]
    snapshots: list[Snapshot] = field(default_factory=list)
    final: Snapshot | None = None
    stopped: bool = False
    gradient_norms: np.ndarray | None = None

    def predictions(self) -> list[dict[str, Any]]:
        """``[{"input": name, "target": 0/1, "probability": p}, ...]`` in data order."""
        return [
            {"input": name, "target": int(t), "probability": float(p)}
            for name, t, p in zip(
                self.data.names, self.data.targets, self.final.probabilities, strict=True
            )
        ]

    def learned_all(self) -> bool:
        """Whether every training example is on the right side of probability 0.5."""
        return bool(np.all((self.final.probabilities > 0.5) == (self.data.targets > 0.5)))


def _snapshot(
    model: Model, epoch: int, error: float, labels: list[str], windows: np.ndarray
) -> Snapshot:
    # Copies: the arrays cached by forward are replaced (not mutated) next epoch, but a page
    # may keep snapshots around, so decouple them anyway; they are tiny.
    vectors = model.window_vectors(windows)
    return Snapshot(
        epoch=epoch,
        error=error,
        probabilities=model.last_probabilities(),
        window_vectors=dict(zip(labels, vectors, strict=True)),
        example_vectors=model.example_vectors().copy(),
        feature_maps=[m.copy() for m in model.feature_maps()],
        parameters=model.parameters.copy(),
        gradients=model.gradients.copy(),
    )


def _check_data(model: Model, data: Data) -> None:
    text = model.spec.input_kind == "text"
    if text != isinstance(data, data_mod.TextData):
        kind = "sentences" if text else "images"
        raise ValueError(f"section {model.section} trains on {kind}; got {type(data).__name__}")
    if text and tuple(data.vocabulary) != tuple(model.vocabulary):
        raise ValueError(
            f"the data's vocabulary {list(data.vocabulary)} differs from the model's "
            f"{list(model.vocabulary)}; build the model with vocabulary=data.vocabulary"
        )
    size = data.inputs.shape[1 : 1 + model.spec.spatial_axes]
    model.check_input_size(tuple(size), "tokens" if text else "pixels")


def train(
    model: Model,
    data: Data,
    *,
    epochs: int | None = None,
    optimizer: Optimizer | None = None,
    every: int | None = None,
    callback: Callable[[Snapshot], bool | None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    record_gradients: bool = False,
) -> TrainResult:
    """Train ``model`` on the whole of ``data`` at every step.

    Parameters
    ----------
    model : Model
        Updated in place.
    data : TextData or ImageData
        From :func:`cnndemo.data.text_data` / :func:`cnndemo.data.image_data`.
    epochs : int, optional
        Defaults to ``model.hyperparameters["epochs"]``.
    optimizer : Optimizer, optional
        Defaults to the one the hyper-parameters name (momentum, learning rate 1.0, 0.9 for the
        reference setups).
    every : int, optional
        Take a :class:`Snapshot` at epochs 0, every, 2*every, ... (before that epoch's update).
    callback : callable, optional
        Called with each snapshot; returning False stops training before that epoch's
        update. Also called once with the final snapshot (its return value then ignored).
    should_stop : callable, optional
        Polled before every epoch; returning True stops training (e.g. a Stop button).
    record_gradients : bool
        Keep every epoch's gradient norm per named parameter (``TrainResult.gradient_norms``).

    Returns
    -------
    TrainResult
    """
    _check_data(model, data)
    hp = model.hyperparameters
    epochs = hp["epochs"] if epochs is None else check("epochs", epochs)
    if every is not None and (not isinstance(every, int | np.integer) or every < 1):
        raise ValueError(f"every must be a positive integer or None; got {every!r}")
    if optimizer is None:
        optimizer = make_optimizer(hp["optimizer"], hp["learning_rate"], hp["momentum"])
    labels, windows = model.windows(data.inputs)
    inputs, targets = data.inputs, data.targets
    params, grads = model.parameters, model.gradients
    loss, step = model.loss, optimizer.step  # bound once: the loop is all per-call overhead
    result = TrainResult(model, data, [])
    errors = result.errors
    norms: list[np.ndarray] | None = [] if record_gradients else None
    sizes = [value.size for value in model.named_parameters().values()]
    offsets = [0, *np.cumsum(sizes)[:-1].tolist()]
    applied = 0
    # A diverging run overflows; that is a result to explain (cnndemo.diagnose), not a warning
    # to print on the server's console every epoch.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for epoch in range(epochs):
            if should_stop is not None and should_stop():
                result.stopped = True
                break
            error = loss(inputs, targets)
            errors.append(error)
            if norms is not None:
                norms.append(np.add.reduceat(grads * grads, offsets))
            if every is not None and epoch % every == 0:
                snapshot = _snapshot(model, epoch, error, labels, windows)
                result.snapshots.append(snapshot)
                if callback is not None and callback(snapshot) is False:
                    result.stopped = True
                    break
            step(params, grads)
            applied += 1
        if norms is not None:
            result.gradient_norms = np.sqrt(np.array(norms).reshape(len(norms), len(offsets)))
        # With its gradient: the final state is where a "continue" starts, so its gradient is the
        # next update's.
        error = loss(inputs, targets)
        result.final = _snapshot(model, applied, error, labels, windows)
    if callback is not None:
        callback(result.final)
    return result


def make_data(
    section: int,
    *,
    sentences: Sequence[str] | None = None,
    images: Sequence[Any] | None = None,
    labels: Sequence[int] | None = None,
) -> Data:
    """The dataset of a section: the tutorial's, or the learner's sentences/images with labels."""
    if model_spec(section).input_kind == "text":
        if images is not None:
            raise ValueError(f"section {section} trains on sentences, not images")
        return data_mod.text_data(sentences, labels)
    if sentences is not None:
        raise ValueError(f"section {section} trains on images, not sentences")
    return data_mod.image_data(images, labels)


def train_section(
    section: int,
    *,
    sentences: Sequence[str] | None = None,
    images: Sequence[Any] | None = None,
    labels: Sequence[int] | None = None,
    every: int | None = None,
    callback: Callable[[Snapshot], bool | None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    record_gradients: bool = False,
    **hyperparameters: Any,
) -> TrainResult:
    """Build a section's data and model and train it: the one call a page needs.

    Parameters
    ----------
    section : {3, 4, 5, 6, 7, 8}
    sentences, images, labels : optional
        The learner's data (see :func:`make_data`); the tutorial's by default.
    every, callback, should_stop, record_gradients :
        As :func:`train`.
    **hyperparameters
        Any key of :func:`cnndemo.models.default_hyperparameters` (``epochs``, ``seed``,
        ``learning_rate``, ``pool``, ...); None keeps the default.

    Returns
    -------
    TrainResult
    """
    data = make_data(section, sentences=sentences, images=images, labels=labels)
    model = build_model(
        section,
        vocabulary=data.vocabulary if isinstance(data, data_mod.TextData) else None,
        input_size=data.inputs.shape[1 : 1 + model_spec(section).spatial_axes],
        **hyperparameters,
    )
    return train(
        model,
        data,
        every=every,
        callback=callback,
        should_stop=should_stop,
        record_gradients=record_gradients,
    )
