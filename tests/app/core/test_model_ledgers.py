"""Whole-model shape ledgers (app.core.model_ledgers): shapes and parameter counts agree with the engine."""

from __future__ import annotations

import pytest

from app.core import model_ledgers as ml
from cnndemo.models import build_model, default_hyperparameters


def test_ledger_of_the_reference_models():
    pooled = ml.text_ledger(4, 4, 6, 2, 2, 2, "sigmoid", "pool", "max")
    assert [r.shape for r in pooled] == [
        (4, 4),
        (4, 4, 2),
        (4, 3, 2),
        (4, 3, 2),
        (4, 2),
        (4, 1),
        (4, 1),
    ]
    assert sum(r.params or 0 for r in pooled) == 12 + 10 + 3
    flat = ml.text_ledger(4, 4, 6, 2, 2, 2, "sigmoid", "flatten")
    assert flat[4].shape == (4, 6)
    assert sum(r.params or 0 for r in flat) == 12 + 10 + 7


def test_model_ledger_matches_the_engines_model():
    hp = default_hyperparameters(8)
    rows = ml.downsampled_model_ledger(16, (3, 3), hp)
    assert [r.shape for r in rows] == [(16, 3, 3, 1), (16, 2, 2, 2), (16, 2, 2, 2), (16, 1, 1, 2),
                                       (16, 2), (16, 1)]  # fmt: skip
    model = build_model(8, **hp)
    assert sum(r.params or 0 for r in rows) == model.parameters.size == 13
    no_pooling = {**hp, "pool_size": [1, 1], "pool_stride": [1, 1]}
    rows = ml.downsampled_model_ledger(16, (3, 3), no_pooling)
    assert rows[-2].shape == (16, 8)
    assert sum(r.params or 0 for r in rows) == build_model(8, **no_pooling).parameters.size


@pytest.mark.parametrize(
    ("section", "shapes"),
    [
        (5, [(1, 3, 3, 1), (1, 2, 2, 2), (1, 2, 2, 2), (1, 2), (1, 1), (1,)]),
        (6, [(1, 3, 3, 1), (1, 2, 2, 2), (1, 2, 2, 2), (1, 8), (1, 1), (1,)]),
        (7, [(1, 3, 3, 1), (1, 2, 2, 2), (1, 2, 2, 2), (1, 1, 1, 2), (1, 1, 1, 2), (1, 2),
             (1, 1), (1,)]),
    ],
)  # fmt: skip
def test_model_ledger_measures_shapes_and_counts_every_parameter(section, shapes):
    model = build_model(section)
    rows = ml.model_ledger(model)
    assert [r.shape for r in rows] == shapes
    assert sum(r.params or 0 for r in rows) == model.parameters.size
    conv = next(r for r in rows if r.stage == "conv1")
    assert conv.params == 10 and "8 weights + 2 biases" in conv.note


def test_text_ledger_formula_fills_in_positions_or_features():
    assert ml.text_ledger_formula(4, 2, 2, "pool").endswith("+ 1 = 3")
    assert ml.text_ledger_formula(4, 2, 2, "flatten").endswith(r"(4 - 2 + 1)\cdot 2 = 6")
