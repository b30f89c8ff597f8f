"""LSUV: every kernel ends with unit pre-activation variance on the batch, whatever the start."""

import warnings

import keras
import numpy as np
import pytest

from utils import lsuv as L
from utils import models


@pytest.fixture(scope="module")
def batch():
    return np.random.default_rng(0).standard_normal((256, 32)).astype(np.float32)


variances = L.pre_activation_variances


@pytest.mark.parametrize("activation", ["relu", "tanh", "gelu"])
def test_every_layer_ends_at_unit_variance(batch, activation):
    keras.utils.set_random_seed(1)
    model = models.dense_stack(
        32, 12, 64, activation, keras.initializers.RandomNormal(0, 0.01)
    )
    before = variances(model, batch)
    assert min(before.values()) < 1e-6  # the tiny start vanishes with depth
    passes = L.lsuv(model, batch, tolerance=0.05, seed=3)
    after = variances(model, batch)
    assert set(passes) == set(after)
    assert all(abs(v - 1) < 0.05 for v in after.values()), after
    assert all(1 <= p <= 10 for p in passes.values())


def test_conv_model_with_weightless_layers_between(batch):
    keras.utils.set_random_seed(2)
    images = np.random.default_rng(1).standard_normal((64, 8, 8, 1)).astype(np.float32)
    model = keras.Sequential(
        [
            keras.Input((8, 8, 1)),
            keras.layers.Conv2D(
                8, 3, padding="same", activation="relu", kernel_initializer="zeros"
            ),
            keras.layers.MaxPooling2D(),
            keras.layers.Conv2D(8, 3, padding="same", activation="relu"),
            keras.layers.Flatten(),
            keras.layers.Dense(10),
        ]
    )
    L.lsuv(model, images, seed=0)  # orthonormal start: the zero kernel is replaced
    assert all(abs(v - 1) < 0.05 for v in variances(model, images).values())


def test_without_orthonormal_start_it_only_rescales(batch):
    keras.utils.set_random_seed(4)
    model = models.dense_stack(32, 3, 64, "tanh", "glorot_uniform")
    first = model.layers[0].kernel.numpy()
    L.lsuv(model, batch, orthonormal=False)
    ratio = model.layers[0].kernel.numpy() / first
    assert np.allclose(ratio, ratio.flat[0], rtol=1e-5)  # one scalar per layer


def test_non_convergence_warns(batch):
    keras.utils.set_random_seed(5)
    model = models.dense_stack(32, 2, 16, "relu", "he_normal")
    with pytest.warns(RuntimeWarning, match="still has variance"):
        L.lsuv(model, batch, tolerance=1e-12, max_iterations=1)


def test_one_rescaling_that_lands_in_tolerance_does_not_warn(batch):
    # without biases one rescaling sets the variance to 1: the last rescaling is measured too
    model = keras.Sequential(
        [keras.Input((32,))] + [keras.layers.Dense(16, use_bias=False, activation="relu") for _ in range(2)]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        passes = L.lsuv(model, batch, tolerance=0.05, max_iterations=1, seed=0)
    assert all(n <= 2 for n in passes.values())
    assert all(abs(v - 1) < 0.05 for v in variances(model, batch).values())


def test_neighbouring_seeds_share_no_kernel(batch):
    kernels = []
    for seed in (7, 8):
        model = models.dense_stack(32, 3, 16, "relu", "he_normal")
        L.lsuv(model, batch, seed=seed)
        kernels.append([w for w in model.get_weights() if w.ndim == 2])
    for a in kernels[0]:
        for b in kernels[1]:
            if a.shape == b.shape:
                assert not np.allclose(np.abs(a / np.linalg.norm(a)), np.abs(b / np.linalg.norm(b)))


def test_bad_input_is_refused(batch):
    model = models.dense_stack(32, 2, 16, "relu", "he_normal")
    with pytest.raises(ValueError, match="tolerance"):
        L.lsuv(model, batch, tolerance=0)
    with pytest.raises(ValueError, match="max_iterations"):
        L.lsuv(model, batch, max_iterations=0)
    with pytest.raises(ValueError, match="non-empty"):
        L.lsuv(model, batch[:0])
    with_bn = keras.Sequential(
        [keras.Input((32,)), keras.layers.Dense(8), keras.layers.BatchNormalization()]
    )
    with pytest.raises(ValueError, match="BatchNormalization"):
        L.lsuv(with_bn, batch)
    with pytest.raises(ValueError, match="variance on x is 0"):
        L.lsuv(model, np.zeros_like(batch), orthonormal=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        L.lsuv(model, batch)  # a healthy call warns about nothing


def test_tolerance_and_iterations_must_make_sense(batch):
    model = models.dense_stack(32, 2, 16, "relu", "he_normal")
    for tolerance in (1.0, float("nan"), 2):
        with pytest.raises(ValueError, match="tolerance"):
            L.lsuv(model, batch, tolerance=tolerance)
    with pytest.raises(ValueError, match="max_iterations"):
        L.lsuv(model, batch, max_iterations=3.0)
