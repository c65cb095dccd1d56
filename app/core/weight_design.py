"""Weights typed by hand: a model's parameters as labelled tables, presets, and their verdict.

"Design, then train": the learner writes the kernel, the biases and the dense weights (and,
on the text pages, the word embeddings) into tables, sees the error and every prediction at
once, then trains from there (``app.core.run_actions.new_job(..., start=flat)``).

- ``parameter_tables(model, example_vectors_shape) -> list[ParameterTable]``: every named
  parameter as a 2D table with row and column labels, in ``Model.parameters`` order.
- ``flat_from_tables(tables, matrices)``: the edited tables back into one flat vector.
- ``PRESETS``; ``preset_weights(name, section, data, hp)``: the tutorial's trained solution for
  this architecture and data, zeros, or the seed's random first weights.
- ``evaluate(section, data, hp, flat) -> Snapshot``: error, probabilities and vectors of a
  model holding ``flat`` (no update).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from app.core.training_jobs import Data, build_for_data
from cnndemo.hyperparameters import TRAINING
from cnndemo.models import Model, default_hyperparameters
from cnndemo.train import Snapshot, train

__all__ = [
    "PRESETS",
    "ParameterTable",
    "evaluate",
    "flat_from_tables",
    "parameter_tables",
    "preset_weights",
]

PRESETS = {
    "trained": "the tutorial's trained solution",
    "zeros": "zeros",
    "random": "random (the seed's first weights)",
}
"""Preset name -> what the picker says."""

TITLES = {
    "embedding.weights": "Word embeddings", "conv1.kernel": "Conv kernel",
    "conv1.bias": "Conv bias", "conv2.kernel": "Layer 2 kernel", "conv2.bias": "Layer 2 bias",
    "dense.weights": "Dense weights", "dense.bias": "Dense bias",
}  # fmt: skip


@dataclass(frozen=True)
class ParameterTable:
    """One named parameter as the 2D table a learner edits.

    ``values`` is (rows, columns); ``shape`` the parameter's own shape (row-major, so
    ``values.reshape(shape)`` is the parameter).
    """

    name: str
    title: str
    shape: tuple[int, ...]
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    values: np.ndarray


def _kernel_rows(shape: tuple[int, ...], text: bool) -> tuple[str, ...]:
    """Row labels of a kernel reshaped to (taps x inputs, outputs), row-major."""
    *spatial, n_in, _ = shape
    rows = []
    for index in np.ndindex(*spatial, n_in):
        *where, channel = index
        tap = f"word {where[0] + 1}" if text else f"row {where[0]}, col {where[1]}"
        rows.append(f"{tap}, in {channel}" if n_in > 1 or text else tap)
    return tuple(rows)


def _dense_rows(features: int, maps_shape: tuple[int, ...]) -> tuple[str, ...]:
    """Row labels of the dense weights: a channel, or a position and a channel (flattened)."""
    channels = maps_shape[-1]
    if features == channels:
        return tuple(f"ch {c}" for c in range(channels))
    positions = features // channels
    spatial = maps_shape[1:-1]
    labels = []
    for p in range(positions):
        # Row and column when the dense layer reads the conv map itself (not a pooled grid).
        grid = len(spatial) > 1 and positions == int(np.prod(spatial))
        place = ", ".join(map(str, np.unravel_index(p, spatial))) if grid else str(p)
        labels += [f"pos {place}, ch {c}" for c in range(channels)]
    return tuple(labels)


def parameter_tables(model: Model, maps_shape: tuple[int, ...]) -> list[ParameterTable]:
    """Every named parameter of ``model`` as a labelled table, in ``parameters`` order.

    Parameters
    ----------
    model : Model
    maps_shape : tuple of int
        Shape of the last conv layer's output, (n, positions..., channels): names the dense
        layer's inputs.
    """
    text = model.spec.input_kind == "text"
    tables = []
    for name, value in model.named_parameters().items():
        layer, part = name.split(".")
        shape = tuple(value.shape)
        title = TITLES.get(name, name)
        if part == "bias":
            rows, columns = ("bias",), tuple(f"ch {c}" for c in range(value.size))
            if layer == "dense":
                columns = ("bias",)
            matrix = value.reshape(1, -1)
        elif layer == "embedding":
            rows = tuple(model.vocabulary)
            columns = tuple(f"number {d}" for d in range(shape[1]))
            matrix = value
        elif layer == "dense":
            rows, columns, matrix = _dense_rows(shape[0], maps_shape), ("weight",), value
        else:
            rows = _kernel_rows(shape, text)
            columns = tuple(f"out {o}" for o in range(shape[-1]))
            matrix = value.reshape(-1, shape[-1])
        tables.append(ParameterTable(name, title, shape, rows, columns, np.array(matrix)))
    return tables


def flat_from_tables(
    tables: Sequence[ParameterTable], matrices: Sequence[np.ndarray]
) -> np.ndarray:
    """The flat weight vector (``Model.parameters`` layout) of edited ``matrices``, one per table.

    Raises ValueError when a matrix does not have its table's size.
    """
    parts = []
    for table, matrix in zip(tables, matrices, strict=True):
        matrix = np.asarray(matrix, dtype=np.float64)
        if matrix.size != int(np.prod(table.shape)):
            raise ValueError(f"{table.title} needs {int(np.prod(table.shape))} numbers")
        parts.append(matrix.reshape(-1))
    return np.concatenate(parts) if parts else np.zeros(0)


def tutorial_settings(section: int, hp: Mapping[str, Any]) -> dict[str, Any]:
    """``hp`` with everything that does not change a weight's shape set to the tutorial's:
    its training settings, seed, activation and pooling kind."""
    tutorial = default_hyperparameters(section)
    fixed = (*TRAINING, "activation", "pool")
    return {**hp, **{k: tutorial[k] for k in fixed if k in tutorial}}


def preset_weights(name: str, section: int, data: Data, hp: Mapping[str, Any]) -> np.ndarray:
    """The flat weights of preset ``name`` (a key of ``PRESETS``) for this architecture and data.

    "trained" trains the tutorial's settings (``tutorial_settings``) on ``data``: on the page's
    defaults that is exactly the tutorial's reference run.
    """
    if name not in PRESETS:
        raise ValueError(f"unknown preset {name!r}; choose one of {list(PRESETS)}")
    if name == "trained":
        settings = tutorial_settings(section, hp)
        model = build_for_data(section, data, settings)
        train(model, data)
        return model.parameters.copy()
    model = build_for_data(section, data, hp)
    return np.zeros_like(model.parameters) if name == "zeros" else model.parameters.copy()


def evaluate(section: int, data: Data, hp: Mapping[str, Any], flat: np.ndarray) -> Snapshot:
    """The state of a model holding weights ``flat`` on ``data``: error, probabilities, vectors."""
    model = build_for_data(section, data, hp)
    model.set_parameters(flat)
    return train(model, data, epochs=0).final
