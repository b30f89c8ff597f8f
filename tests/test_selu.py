"""SELU's fixed point (chapter 8): the constants and the moment map."""

import numpy as np
import pytest

from utils import selu


def test_constants_are_keras_constants():
    scale, alpha = selu.fixed_point_constants()
    assert np.isclose(scale, 1.0507009873554805, rtol=1e-9)
    assert np.isclose(alpha, 1.6732632423543772, rtol=1e-9)


def test_fixed_point_and_its_attraction():
    assert np.allclose(selu.output_moments(1.0), (0.0, 1.0), atol=1e-12)
    assert selu.output_moments(4.0)[1] < 4.0 and selu.output_moments(0.25)[1] > 0.25
    path = selu.layer_moments(4.0, np.ones(60))
    assert abs(path["variance"][-1] - 1) < 1e-3 and abs(path["mean"][-1]) < 1e-3


def test_he_variance_has_no_fixed_point():
    for q in np.logspace(-3, 3, 25):
        assert selu.output_moments(q, tau=2.0)[1] > q


def test_moments_match_monte_carlo():
    scale, alpha = selu.fixed_point_constants()
    z = np.random.default_rng(0).standard_normal(2_000_000) * 1.5
    y = scale * np.where(z > 0, z, alpha * np.expm1(z))
    mean, second = selu.output_moments(1.5**2)
    assert np.isclose(y.mean(), mean, atol=3e-3) and np.isclose((y**2).mean(), second, rtol=3e-3)


def test_no_overflow_for_wide_inputs():
    mean, second = selu.output_moments(1e4, tau=2.0)
    assert np.isfinite(mean) and np.isfinite(second)


@pytest.mark.parametrize("bad", [-1.0, float("nan"), True, "1"])
def test_bad_moments_are_refused(bad):
    with pytest.raises(ValueError):
        selu.output_moments(bad)


def test_layer_moments_needs_layers():
    with pytest.raises(ValueError, match="at least one"):
        selu.layer_moments(1.0, [])


def test_layer_statistics_needs_layers():
    import keras

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, name="out")])
    with pytest.raises(ValueError, match="hidden"):
        selu.layer_statistics(model, np.zeros((2, 4)))
