"""Gradients at a snapshot, per example and per layer, against finite differences and the
training loop's own numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cnndemo import gradients, reference
from cnndemo.train import train_section


@pytest.mark.parametrize("section", [3, 5, 7, 8])
def test_snapshots_keep_weights_and_the_gradient_of_their_update(section):
    result = train_section(section, epochs=60, every=20, seed=2)
    model, data = result.model, result.data
    for snapshot in [*result.snapshots, result.final]:
        whole = gradients.gradients_at(model, data, snapshot.parameters)
        for name, value in model.unflatten(snapshot.gradients).items():
            np.testing.assert_allclose(whole[name], value, atol=1e-12)
    np.testing.assert_array_equal(result.final.parameters, model.parameters)


def test_gradient_at_a_snapshot_matches_finite_differences():
    result = train_section(5, epochs=30, every=10, seed=1)
    model, data = result.model, result.data
    snapshot = result.snapshots[1]
    params = snapshot.parameters.copy()

    def error() -> float:
        model.set_parameters(params)
        return model.loss(data.inputs, data.targets, backward=False)

    numeric = model.unflatten(reference.numeric_gradient(error, params))
    for name, value in gradients.gradients_at(model, data, snapshot.parameters).items():
        np.testing.assert_allclose(value, numeric[name], atol=1e-7)


def test_example_shares_add_up_to_the_whole_gradient():
    result = train_section(3, epochs=40, every=20, seed=0)
    model, data = result.model, result.data
    snapshot = result.snapshots[1]
    whole = gradients.gradients_at(model, data, snapshot.parameters)
    shares = [
        gradients.example_gradients(model, data, snapshot.parameters, i)
        for i in range(len(data.targets))
    ]
    for name, value in whole.items():
        np.testing.assert_allclose(sum(share[name] for share in shares), value, atol=1e-12)
    before = model.parameters.copy()
    gradients.example_gradients(model, data, snapshot.parameters, 0)
    np.testing.assert_array_equal(model.parameters, before)  # the model is left as it was
    with pytest.raises(ValueError, match="outside 0..3"):
        gradients.example_gradients(model, data, snapshot.parameters, 4)


def test_recorded_norms_per_layer_and_the_ln2_plateau():
    assert train_section(3, epochs=5).gradient_norms is None  # only when asked for
    fresh = train_section(3, pool="avg", epochs=200, record_gradients=True)
    model = fresh.model
    names = list(model.named_parameters())
    assert fresh.gradient_norms.shape == (200, len(names))
    layers, per_layer = gradients.layer_norms(names, fresh.gradient_norms)
    assert layers == ["embedding", "conv1", "dense"]
    # Average pooling at the default scale stalls at ln 2: every gradient is near zero.
    assert math.isclose(fresh.errors[-1], math.log(2), abs_tol=1e-4)
    assert per_layer[-1, layers.index("conv1")] < 1e-6
