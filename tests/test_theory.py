import numpy as np
import pytest

from utils import theory


def test_fans_match_keras_convention():
    assert theory.fans((64, 32)) == (64, 32)
    assert theory.fans((3, 3, 16, 32)) == (144, 288)
    assert theory.fans((5, 16, 8)) == (80, 40)
    assert theory.fans((2, 3, 3, 4, 6)) == (72, 108)
    for bad in [(5,), (3, 0, 1, 2), ()]:
        with pytest.raises(ValueError):
            theory.fans(bad)


def test_layer_gain_and_second_moments():
    assert theory.layer_gain(128, 1 / 128) == pytest.approx(1.0)
    assert theory.layer_gain(128, 2 / 128, "relu") == pytest.approx(1.0)
    np.testing.assert_allclose(theory.second_moments(2.0, [0.5, 0.5, 2.0]), [1.0, 0.5, 1.0])
    with pytest.raises(ValueError):
        theory.layer_gain(128, 0.01, "swish")
    with pytest.raises(ValueError):
        theory.layer_gain(0, 0.01)
    with pytest.raises(ValueError):
        theory.second_moments(1.0, [])
    with pytest.raises(ValueError):
        theory.second_moments(1.0, [1.0, -1.0])


def test_named_variances():
    assert theory.lecun_variance(100) == pytest.approx(0.01)
    assert theory.glorot_variance(100, 300) == pytest.approx(0.005)
    assert theory.he_variance(50) == pytest.approx(0.04)
    assert theory.he_variance(50, negative_slope=1.0) == pytest.approx(0.02)
    assert theory.uniform_limit(1 / 3) == pytest.approx(1.0)
    with pytest.raises(ValueError):
        theory.he_variance(50, negative_slope=-0.1)
    with pytest.raises(ValueError):
        theory.glorot_variance(10, -1)


def test_truncated_normal_correction_matches_sampling():
    assert theory.truncation_correction() == pytest.approx(0.8796256610342398, rel=1e-9)
    z = np.random.default_rng(0).standard_normal(1_000_000)
    assert z[np.abs(z) <= 2].std() == pytest.approx(theory.truncation_correction(), rel=0.005)
    assert theory.truncated_normal_stddev(0.04) == pytest.approx(0.2 / 0.8796256610342398)


def test_keras_initializers_agree_with_theory():
    import keras

    shape = (3, 3, 32, 64)
    fan_in, fan_out = theory.fans(shape)
    he = keras.initializers.HeNormal(seed=1)(shape).numpy()
    assert he.var() == pytest.approx(theory.he_variance(fan_in), rel=0.03)
    glorot = keras.initializers.GlorotUniform(seed=1)(shape).numpy()
    assert np.abs(glorot).max() <= theory.uniform_limit(theory.glorot_variance(fan_in, fan_out))
