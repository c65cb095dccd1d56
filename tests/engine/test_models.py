"""The six tutorial models: structure, gradients of the full loss, prediction on new inputs.

Oracles: finite differences for gradients; cnndemo.ops (composed by hand) for the forward pass;
optionally the PyTorch replica in benchmarks/ (skipped without torch).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from cnndemo import data, ops
from cnndemo.layers import sigmoid
from cnndemo.models import SECTIONS, build_model, default_hyperparameters
from cnndemo.reference import numeric_gradient
from cnndemo.train import make_data

VARIANTS = [
    (3, {}),
    (3, {"pool": "min", "activation": "tanh"}),
    (3, {"pool": "avg", "embedding_size": 3, "channels": 3}),
    (4, {}),
    (4, {"kernel_size": 3, "activation": "relu", "init_scale": 1.0}),
    (5, {}),
    (5, {"pool": "avg", "padding": "same"}),
    (6, {}),
    (6, {"kernel_size": [2, 3], "channels": 3}),
    (7, {}),
    (7, {"second_channels": 3, "activation": "tanh"}),
    (8, {}),
    (8, {"pool": "min", "pool_size": [1, 2], "pool_stride": 1}),
]


@pytest.mark.parametrize(("section", "options"), VARIANTS)
def test_full_loss_gradient_matches_finite_differences_for_every_parameter(section, options):
    # Larger weights than the reference 0.01 so every gradient is far from zero.
    options = {"init_scale": 0.5, "seed": 3, **options}
    model = build_model(section, **options)
    dataset = make_data(section)
    x, y = dataset.inputs, dataset.targets
    model.loss(x, y)
    analytic = {k: v.copy() for k, v in model.named_gradients().items()}

    def loss() -> float:
        return model.loss(x, y, backward=False)

    for name, param in model.named_parameters().items():
        numeric = numeric_gradient(loss, param)
        np.testing.assert_allclose(analytic[name], numeric, rtol=1e-5, atol=1e-9, err_msg=name)


def test_reference_architectures_have_the_documented_parameter_shapes():
    shapes = {
        s: {k: v.shape for k, v in build_model(s).named_parameters().items()} for s in SECTIONS
    }
    assert shapes[3] == {
        "embedding.weights": (6, 2),
        "conv1.kernel": (2, 2, 2),
        "conv1.bias": (2,),
        "dense.weights": (2, 1),
        "dense.bias": (1,),
    }
    assert shapes[4]["dense.weights"] == (6, 1)
    assert shapes[5]["conv1.kernel"] == (2, 2, 1, 2) and shapes[5]["dense.weights"] == (2, 1)
    assert shapes[6]["dense.weights"] == (8, 1)
    assert shapes[7]["conv2.kernel"] == (2, 2, 2, 2) and shapes[7]["dense.weights"] == (2, 1)
    assert shapes[8]["dense.weights"] == (2, 1)
    assert build_model(8).layer_names == ["conv1", "activation1", "pool", "flatten", "dense"]


def test_reference_hyperparameters_are_the_tutorials():
    for section in SECTIONS:
        hp = default_hyperparameters(section)
        assert hp["learning_rate"] == 1.0 and hp["momentum"] == 0.9
        assert hp["optimizer"] == "momentum" and hp["activation"] == "sigmoid"
        assert hp["init_scale"] == 0.01 and hp["channels"] == 2 and hp["seed"] == 0
        assert hp["epochs"] == (1000 if section in (3, 4) else 2000)
    assert default_hyperparameters(3)["pool"] == "max"
    assert default_hyperparameters(8)["pool_size"] == [2, 2]
    assert "pool" not in default_hyperparameters(6)


def test_weights_are_normal_with_the_init_scale_and_biases_zero():
    model = build_model(6, init_scale=1.0, channels=200)
    kernel = model.named_parameters()["conv1.kernel"]
    assert kernel.std() == pytest.approx(1.0, abs=0.1)
    assert not model.named_parameters()["conv1.bias"].any()
    assert not model.named_parameters()["dense.bias"].any()


def test_same_seed_same_weights_other_seed_other_weights():
    a, b, c = build_model(7, seed=5), build_model(7, seed=5), build_model(7, seed=6)
    np.testing.assert_array_equal(a.parameters, b.parameters)
    assert not np.array_equal(a.parameters, c.parameters)


def test_layer_parameters_are_views_of_the_flat_parameter_vector():
    model = build_model(5)
    model.parameters[:] = 1.0
    assert all((p == 1.0).all() for p in model.named_parameters().values())


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"pool": "sum"}, "pool must be one of"),
        ({"activation": "gelu"}, "activation must be one of"),
        ({"learning_rate": 0}, "learning_rate must be a positive number"),
        ({"momentum": 1.0}, "momentum must be"),
        ({"epochs": -5}, "epochs must be a non-negative integer"),
        ({"channels": 0}, "channels must be a positive integer"),
        ({"kernel_size": [2, 2, 2]}, "kernel_size"),
        ({"embedding_size": 2}, "no hyper-parameter"),
        ({"kernel_size": 4}, "larger than input"),
    ],
)
def test_invalid_hyperparameters_raise_clear_errors(options, message):
    with pytest.raises(ValueError, match=message):
        build_model(5, **options)


def test_unknown_section_is_rejected():
    with pytest.raises(ValueError, match="sections"):
        build_model(2)


def test_section_7_forward_equals_composed_ops():
    model = build_model(7, init_scale=0.5)
    images = data.image_data().inputs
    p = model.named_parameters()
    h = sigmoid(ops.conv2d(images, p["conv1.kernel"]) + p["conv1.bias"])
    h = sigmoid(ops.conv2d(h, p["conv2.kernel"]) + p["conv2.bias"])
    logits = h.reshape(16, -1) @ p["dense.weights"] + p["dense.bias"]
    np.testing.assert_allclose(model.forward(images), logits[:, 0], atol=1e-12)


def test_section_3_forward_equals_composed_ops():
    model = build_model(3, init_scale=0.5, pool="min")
    text = data.text_data()
    p = model.named_parameters()
    h = sigmoid(
        ops.conv1d(p["embedding.weights"][text.inputs], p["conv1.kernel"]) + p["conv1.bias"]
    )
    logits = ops.global_pool(h, "min") @ p["dense.weights"] + p["dense.bias"]
    np.testing.assert_allclose(model.forward(text.inputs), logits[:, 0], atol=1e-12)


def test_section_8_pool_window_and_stride_change_the_dense_size():
    model = build_model(8, pool_size=[1, 2], pool_stride=[1, 1], input_size=(4, 4))
    assert model.layer("dense").in_features == 3 * 2 * 2  # conv 3x3 -> pool 3x2, 2 channels


def test_conv_stride_and_kernel_size_change_the_output_positions():
    model = build_model(6, conv_stride=2, kernel_size=1, input_size=(5, 5))
    assert model.layer("dense").in_features == 3 * 3 * 2
    model = build_model(4, kernel_size=3, conv_stride=1, input_size=(6,))
    assert model.layer("dense").in_features == 4 * 2


# -- prediction on new inputs -----------------------------------------------------------------


def test_predict_a_new_sentence_from_known_words():
    model = build_model(3, init_scale=0.5)
    p = model.predict_proba(["i like it it"])
    assert p.shape == (1,) and 0 < p[0] < 1
    assert model.predict_proba("i like it it").shape == (1,)


def test_unknown_word_error_names_the_word_and_vocabulary():
    with pytest.raises(ValueError, match=r"unknown word 'love'.*'<PAD>'.*'like'"):
        build_model(3).predict_proba(["i love it <PAD>"])


def test_flattened_text_model_explains_that_the_dense_layer_fixes_the_length():
    with pytest.raises(ValueError, match=r"dense layer with 6 inputs.*at 4 tokens; got 5 tokens"):
        build_model(4).predict_proba(["i like it <PAD> <PAD>"])


def test_pooled_text_model_accepts_any_length_from_the_kernel_width():
    model = build_model(3)
    assert model.predict_proba(["i like it <PAD> <PAD> <PAD>", "i like it it it it"]).shape == (2,)
    assert model.predict_proba(["like it"]).shape == (1,)
    mixed = model.predict_proba(["like it", "i like it <PAD>"])
    np.testing.assert_allclose(mixed[1], model.predict_proba(["i like it <PAD>"])[0])
    with pytest.raises(ValueError, match="smaller than the kernel"):
        model.predict_proba(["like"])


def test_predict_a_new_3x3_image_in_either_notation():
    model = build_model(6, init_scale=0.5)
    rows = ["#  ", "#  ", "## "]
    a = model.predict_proba([rows])
    b = model.predict_proba(np.array([[[1, 0, 0], [1, 0, 0], [1, 1, 0]]]))
    np.testing.assert_allclose(a, b)


@pytest.mark.parametrize("section", [5])
def test_pooled_image_model_accepts_other_sizes_even_mixed(section):
    model = build_model(section, init_scale=0.5)
    images = [["####", "    ", "    ", "    "], ["## ", "## "], ["  ", "  "]]
    p = model.predict_proba(images)
    assert p.shape == (3,)
    np.testing.assert_allclose(p[1], model.predict_proba([["## ", "## "]])[0])
    with pytest.raises(ValueError, match="smaller than the kernel"):
        model.predict_proba([["#"]])


@pytest.mark.parametrize("section", [6, 7, 8])
def test_flattened_image_models_reject_other_sizes_naming_the_dense_layer(section):
    with pytest.raises(ValueError, match=r"dense layer with \d+ inputs.*3x3 pixels; got 4x4"):
        build_model(section).predict_proba([["    "] * 4])


# -- optional: the PyTorch replica from the same initial weights ------------------------------


@pytest.mark.parametrize("section", SECTIONS)
def test_training_matches_the_pytorch_replica_from_the_same_weights(section):
    torch = pytest.importorskip("torch")
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    import torch_replica

    from cnndemo.train import train

    torch.set_num_threads(1)
    model = build_model(section, seed=1)
    replica = torch_replica.Replica(section).double()
    torch_replica.load_from_cnndemo(replica, model.named_parameters())
    x, y = torch_replica.dataset(section, torch.float64)
    expected = torch_replica.train(replica, x, y, 150)
    ours = train(model, make_data(section), epochs=150).errors
    np.testing.assert_allclose(ours, expected, rtol=1e-9, atol=1e-12)
