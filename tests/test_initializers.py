"""The numpy reference initializers draw from the same distributions as Keras's."""

import keras
import numpy as np
import pytest
from scipy import stats

from utils import initializers, theory

SHAPES = {"Dense": (64, 48), "Conv1D": (5, 8, 16), "Conv2D": (3, 3, 8, 16), "Conv3D": (2, 2, 2, 4, 8)}
RANDOM = list(initializers.RANDOM_NAMES)
KERAS_CLASS = initializers.KERAS_CLASSES


def test_every_name_has_a_keras_class():
    assert set(KERAS_CLASS) == set(initializers.NAMES) and len(RANDOM) == 11
    for cls in KERAS_CLASS.values():
        assert hasattr(keras.initializers, cls)


def draws_for(shape, total=20000):
    return max(1, -(-total // int(np.prod(shape))))


def keras_draws(name, shape):
    draws = draws_for(shape)
    cls = getattr(keras.initializers, KERAS_CLASS[name])
    return np.concatenate([np.asarray(cls(seed=s)(shape)).ravel() for s in range(draws)])


def reference_draws(name, shape):
    draws = draws_for(shape)
    return np.concatenate([initializers.sample(name, shape, seed=100 + s).ravel() for s in range(draws)])


@pytest.mark.parametrize("kind", SHAPES)
@pytest.mark.parametrize("name", RANDOM)
def test_reference_matches_keras_in_distribution(name, kind):
    shape = SHAPES[kind]
    ours, theirs = reference_draws(name, shape), keras_draws(name, shape)
    assert stats.ks_2samp(ours, theirs).pvalue > 1e-4
    assert ours.var() == pytest.approx(theirs.var(), rel=0.08)
    assert np.abs(ours).max() <= np.abs(theirs).max() * 1.1 + 1e-12 or name in ("random_normal", "orthogonal")


@pytest.mark.parametrize("kind", SHAPES)
@pytest.mark.parametrize("name", ["zeros", "ones", "constant"])
def test_constant_initializers_equal_keras(name, kind):
    shape = SHAPES[kind]
    cls = {"zeros": keras.initializers.Zeros, "ones": keras.initializers.Ones, "constant": keras.initializers.Constant}[name]
    np.testing.assert_array_equal(initializers.sample(name, shape), np.asarray(cls()(shape)))


def test_identity_equals_keras():
    for shape in [(5, 5), (3, 7), (6, 2)]:
        np.testing.assert_array_equal(initializers.sample("identity", shape, gain=2.0),
                                      np.asarray(keras.initializers.Identity(gain=2.0)(shape)))
    with pytest.raises(ValueError, match="2-D"):
        initializers.sample("identity", (3, 3, 2))


@pytest.mark.parametrize("shape", [(64, 48), (48, 64), (3, 3, 8, 16), (2, 2, 2, 4, 8)])
def test_orthogonal_is_orthogonal(shape):
    flat = initializers.sample("orthogonal", shape, gain=1.5).reshape(-1, shape[-1])
    gram = flat.T @ flat if flat.shape[0] >= flat.shape[1] else flat @ flat.T
    np.testing.assert_allclose(gram, 1.5**2 * np.eye(len(gram)), atol=1e-10)


@pytest.mark.parametrize("name", list(initializers.VARIANCE_SCALING_NAMES))
def test_named_initializers_have_their_formula_variance(name):
    shape = (3, 3, 32, 64)
    scale, mode, _ = initializers.VARIANCE_SCALING_NAMES[name]
    fan_in, fan_out = theory.fans(shape)
    n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
    assert initializers.sample(name, shape).var() == pytest.approx(scale / n, rel=0.03)


def test_truncated_normal_stays_within_two_stddev():
    values = initializers.sample("truncated_normal", (200, 200), stddev=0.3, mean=1.0)
    assert np.abs(values - 1.0).max() <= 0.6
    assert values.std() == pytest.approx(0.3 * initializers.TRUNCATION_STDDEV, rel=0.01)


@pytest.mark.parametrize(
    "name, shape, kwargs, error",
    [("nope", (2, 2), {}, ValueError), ("zeros", (2, 0), {}, ValueError), ("zeros", (), {}, ValueError),
     ("orthogonal", (4,), {}, ValueError), ("variance_scaling", (4, 4), {"mode": "fan_sum"}, ValueError),
     ("variance_scaling", (4, 4), {"distribution": "cauchy"}, ValueError), ("variance_scaling", (4, 4), {"scale": 0}, ValueError),
     ("random_uniform", (4, 4), {"minval": 1, "maxval": 0}, ValueError), ("he_normal", (4, 4), {"scale": 3.0}, TypeError)],
)
def test_sample_rejects_bad_input(name, shape, kwargs, error):
    with pytest.raises(error):
        initializers.sample(name, shape, **kwargs)


def test_sample_is_seeded():
    np.testing.assert_array_equal(initializers.sample("he_uniform", (8, 8), seed=3), initializers.sample("he_uniform", (8, 8), seed=3))
    assert not np.array_equal(initializers.sample("he_uniform", (8, 8), seed=3), initializers.sample("he_uniform", (8, 8), seed=4))
