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


# --- Against the exact distribution -------------------------------------------------------------
# A two-sample test on ~20,000 values has little power (a 10% variance error often passes). These
# tests compare 200,000 values, from the reference and from Keras, with the exact distribution each
# should follow, for default and non-default arguments, and show that the plausible mistakes fail.

EXACT_SAMPLES = 200_000
DENSE = (64, 48)  # fan_in 64, fan_out 48, fan_avg 56: every mode gives a different variance


def exact_distribution(name, shape, **kwargs):
    """The scipy distribution that every value of a kernel of ``shape`` should follow."""
    if name in initializers.VARIANCE_SCALING_NAMES:
        scale, mode, distribution = initializers.VARIANCE_SCALING_NAMES[name]
        return exact_distribution("variance_scaling", shape, scale=scale, mode=mode, distribution=distribution)
    if name == "random_normal":
        return stats.norm(kwargs.get("mean", 0.0), kwargs.get("stddev", 0.05))
    if name == "random_uniform":
        low, high = kwargs.get("minval", -0.05), kwargs.get("maxval", 0.05)
        return stats.uniform(low, high - low)
    if name == "truncated_normal":
        return stats.truncnorm(-2, 2, kwargs.get("mean", 0.0), kwargs.get("stddev", 0.05))
    if name == "variance_scaling":
        fan_in, fan_out = theory.fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[kwargs.get("mode", "fan_in")]
        variance = kwargs.get("scale", 1.0) / n
        distribution = kwargs.get("distribution", "truncated_normal")
        if distribution == "uniform":
            limit = np.sqrt(3 * variance)
            return stats.uniform(-limit, 2 * limit)
        if distribution == "untruncated_normal":
            return stats.norm(0, np.sqrt(variance))
        return stats.truncnorm(-2, 2, 0, np.sqrt(variance) / initializers.TRUNCATION_STDDEV)
    raise ValueError(name)


def follows(values, distribution):
    """One-sample KS test at p > 1e-4, and the variance within 5 standard errors of the exact one."""
    values = np.asarray(values, dtype=np.float64).ravel()
    variance, kurtosis = distribution.var(), distribution.stats(moments="k") + 3.0
    standard_error = variance * np.sqrt((kurtosis - 1.0) / len(values))
    return (stats.kstest(values, distribution.cdf).pvalue > 1e-4
            and abs(values.var() - variance) < 5 * standard_error)


def many(draw, shape):
    count = -(-EXACT_SAMPLES // int(np.prod(shape)))
    return np.concatenate([np.asarray(draw(s)).ravel() for s in range(count)])


ARGUMENTS = [
    ("random_normal", {}), ("random_normal", {"mean": 0.3, "stddev": 0.2}),
    ("random_uniform", {}), ("random_uniform", {"minval": -0.1, "maxval": 0.3}),
    ("truncated_normal", {}), ("truncated_normal", {"mean": -0.2, "stddev": 0.5}),
    ("variance_scaling", {}),
    ("variance_scaling", {"scale": 3.0, "mode": "fan_out", "distribution": "uniform"}),
    ("variance_scaling", {"scale": 0.5, "mode": "fan_avg", "distribution": "untruncated_normal"}),
    ("variance_scaling", {"scale": 2.0, "mode": "fan_out", "distribution": "truncated_normal"}),
] + [(name, {}) for name in initializers.VARIANCE_SCALING_NAMES]


@pytest.mark.parametrize("name, kwargs", ARGUMENTS, ids=lambda a: str(a))
def test_reference_and_keras_follow_the_exact_distribution(name, kwargs):
    exact = exact_distribution(name, DENSE, **kwargs)
    ours = many(lambda s: initializers.sample(name, DENSE, seed=1000 + s, **kwargs), DENSE)
    cls = getattr(keras.initializers, KERAS_CLASS[name])
    theirs = many(lambda s: cls(seed=s, **kwargs)(DENSE), DENSE)
    assert follows(ours, exact), f"the reference {name}{kwargs} does not follow its distribution"
    assert follows(theirs, exact), f"Keras's {name}{kwargs} does not follow the distribution the book states"


def test_the_exact_test_rejects_plausible_mistakes():
    rng = np.random.default_rng(0)
    n = EXACT_SAMPLES
    he = exact_distribution("he_normal", DENSE)
    glorot = exact_distribution("glorot_uniform", DENSE)
    fan_in, fan_out = theory.fans(DENSE)
    assert follows(he.rvs(n, random_state=rng), he)  # the right distribution passes
    assert not follows(1.05 * he.rvs(n, random_state=rng), he)  # 10% too much variance
    assert not follows(rng.normal(0, he.std(), n), he)  # not truncated, same variance
    assert not follows(rng.normal(0, np.sqrt(2 / fan_in) / initializers.TRUNCATION_STDDEV, n), he)  # rescaled, not cut
    wrong_fan = np.sqrt(3 / fan_in)  # glorot with fan_in instead of fan_avg
    assert not follows(rng.uniform(-wrong_fan, wrong_fan, n), glorot)


def test_orthogonal_entries_and_signs_are_those_of_a_uniform_rotation():
    # Each column of a uniformly distributed orthogonal matrix is uniform on the unit sphere, so
    # its squared entries follow Beta(1/2, (m - 1)/2). QR without the sign correction passes that
    # test but is not uniform: its diagonal is biased negative (LAPACK's Householder signs).
    m = 8
    columns = np.stack([initializers.sample("orthogonal", (m, m), seed=s) for s in range(4000)])
    squares = columns.reshape(-1) ** 2
    assert stats.kstest(squares, stats.beta(0.5, (m - 1) / 2).cdf).pvalue > 1e-4
    diagonal = np.diagonal(columns, axis1=1, axis2=2).ravel()
    assert abs(diagonal.mean()) < 5 * diagonal.std() / np.sqrt(len(diagonal))

    rng = np.random.default_rng(0)
    unsigned = np.stack([np.linalg.qr(rng.standard_normal((m, m)))[0] for _ in range(4000)])
    biased = np.diagonal(unsigned, axis1=1, axis2=2).ravel()
    assert abs(biased.mean()) > 5 * biased.std() / np.sqrt(len(biased))
    keras_columns = np.stack([np.asarray(keras.initializers.Orthogonal(seed=s)((m, m))) for s in range(400)])
    keras_diagonal = np.diagonal(keras_columns, axis1=1, axis2=2).ravel()
    assert abs(keras_diagonal.mean()) < 5 * keras_diagonal.std() / np.sqrt(len(keras_diagonal))


@pytest.mark.parametrize("shape", [(8, 8), (16, 4), (4, 16)])
def test_keras_orthogonal_columns_are_uniform_on_the_sphere(shape):
    # Keras's own draws, square, tall and wide: every column (rows, for a wide kernel) of length m
    # is uniform on the unit sphere, so its squared entries follow Beta(1/2, (m - 1)/2).
    m = max(shape)
    beta = stats.beta(0.5, (m - 1) / 2).cdf
    draws = np.stack([np.asarray(keras.initializers.Orthogonal(seed=s)(shape)) for s in range(300)])
    assert stats.kstest(draws.reshape(-1) ** 2, beta).pvalue > 1e-4
    # The test can fail: Gaussian entries of the same mean square are not on the sphere.
    gaussian = np.random.default_rng(0).normal(0.0, 1 / np.sqrt(m), draws.shape)
    assert stats.kstest(gaussian.reshape(-1) ** 2, beta).pvalue < 1e-4
