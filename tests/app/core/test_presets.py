"""app.core.presets: preset values, classic image kernels, activations."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cnndemo
from app.core.presets import apply_activation, classic_kernel, preset_value, presets_for
from tests.app.core.test_tensor_tables import SHAPES


def test_counting_preset_is_the_tutorial_pattern_at_any_shape():
    value = preset_value("kernel1d", "counting 1, 2, 3…", (3, 5, 2))
    np.testing.assert_array_equal(value, np.arange(1, 31).reshape(3, 5, 2))


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000))
def test_random_preset_is_reproducible_whole_numbers_in_range(seed):
    a = preset_value("grid", "random integers", (3, 4, 2), seed)
    b = preset_value("grid", "random integers", (3, 4, 2), seed)
    np.testing.assert_array_equal(a, b)
    assert a.shape == (3, 4, 2) and np.all(a == np.round(a)) and np.abs(a).max() <= 5


def test_tutorial_preset_needs_a_tutorial_tensor():
    with pytest.raises(ValueError, match="no tutorial"):
        preset_value("grid", "tutorial", (2, 2, 1))
    tutorial = np.ones((2, 3))
    np.testing.assert_array_equal(
        preset_value("sequence", "tutorial", (9, 9), 0, tutorial), tutorial
    )


def test_every_offered_preset_produces_a_finite_tensor():
    for kind, shape in SHAPES.items():
        for preset in presets_for(kind):
            if preset == "tutorial":
                continue
            value = preset_value(kind, preset, shape, 1)
            assert value.ndim == len(shape) and np.all(np.isfinite(value)), (kind, preset)


def image_conv(picture, kernel2d, padding="same"):
    return cnndemo.conv2d(picture[None, :, :, None], kernel2d[:, :, None, None], 1, padding)[
        0, :, :, 0
    ]


def test_classic_kernels_do_what_their_names_say():
    flat = np.full((6, 6), 7.0)
    step = np.zeros((6, 6))
    step[:, 3:] = 10.0  # dark left half, bright right half: one vertical edge
    blur = classic_kernel("box blur", (3, 3))
    gauss = classic_kernel("Gaussian blur", (3, 3))
    assert blur.sum() == pytest.approx(1) and gauss.sum() == pytest.approx(1)
    np.testing.assert_array_equal(gauss * 16, [[1, 2, 1], [2, 4, 2], [1, 2, 1]])
    inner = (slice(1, -1), slice(1, -1))
    # Blurs and sharpen keep a flat picture flat, edge kernels see nothing in it.
    for name in ("box blur", "Gaussian blur", "sharpen", "identity"):
        k = classic_kernel(name, (3, 3))
        np.testing.assert_allclose(image_conv(flat, k)[inner], 7.0)
    for name in ("edge (Laplacian)", "Sobel x", "Sobel y"):
        k = classic_kernel(name)
        np.testing.assert_allclose(image_conv(flat, k)[inner], 0.0, atol=1e-12)
    # Sobel x lights up the vertical edge, Sobel y does not.
    assert np.abs(image_conv(step, classic_kernel("Sobel x"))[inner]).max() == 40
    assert np.abs(image_conv(step, classic_kernel("Sobel y"))[inner]).max() == 0
    np.testing.assert_array_equal(image_conv(step, classic_kernel("identity")), step)


def test_identity_kernels_pass_each_channel_through():
    x = np.random.default_rng(0).normal(size=(1, 5, 3))
    k = preset_value("kernel1d", "identity", (3, 3, 3))
    np.testing.assert_allclose(cnndemo.conv1d(x, k, padding="same"), x)
    g = np.random.default_rng(1).normal(size=(1, 4, 4, 2))
    k2 = preset_value("kernel2d", "identity", (3, 3, 2, 2))
    np.testing.assert_allclose(cnndemo.conv2d(g, k2, padding="same"), g)


def test_activations():
    values = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_array_equal(apply_activation("relu", values), [0, 0, 3])
    assert apply_activation("sigmoid", np.array([0.0]))[0] == 0.5
    assert np.all(np.isfinite(apply_activation("sigmoid", np.array([-1e6, 1e6]))))
    with pytest.raises(ValueError):
        apply_activation("softmax", values)
