"""The shared argument checks, and the modules that now refuse NaN instead of computing with it."""

import math

import numpy as np
import pytest

from utils import criticality, initializers, probes, random_networks, theory, validation


@pytest.mark.parametrize("value", [1, 7, np.int64(3)])
def test_positive_int_accepts_positive_integers(value):
    assert validation.positive_int("n", value) == int(value)


@pytest.mark.parametrize("value", [0, -2, 2.0, True, "3", None])
def test_positive_int_refuses_the_rest(value):
    with pytest.raises(ValueError, match="n must be a positive integer"):
        validation.positive_int("n", value)


@pytest.mark.parametrize("value", [0.5, 3, np.float32(2.0)])
def test_positive_number_accepts_finite_positive_numbers(value):
    assert validation.positive_number("x", value) == float(value)


@pytest.mark.parametrize("value", [0.0, -1.0, math.nan, math.inf, True, "1", None])
def test_positive_number_refuses_the_rest(value):
    with pytest.raises(ValueError, match="x must be a positive number"):
        validation.positive_number("x", value)


@pytest.mark.parametrize("value", [math.nan, -math.inf, False])
def test_finite_number_refuses_nan_inf_and_bools(value):
    with pytest.raises(ValueError, match="must be a finite number"):
        validation.finite_number("x", value)
    assert validation.finite_number("x", -2) == -2.0


def test_finite_array_counts_the_bad_values():
    assert validation.finite_array("a", [[1, 2], [3, 4]]).dtype == float
    with pytest.raises(ValueError, match="2 of its 4 values"):
        validation.finite_array("a", [[1, np.nan], [np.inf, 4]])


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("random_normal", {"stddev": math.nan}),
        ("random_normal", {"mean": math.nan}),
        ("random_uniform", {"maxval": math.nan}),
        ("truncated_normal", {"stddev": math.nan}),
        ("truncated_normal", {"mean": math.inf}),
        ("variance_scaling", {"scale": math.nan}),
        ("orthogonal", {"gain": math.nan}),
        ("identity", {"gain": math.inf}),
        ("constant", {"value": math.nan}),
    ],
)
def test_initializers_refuse_nan_and_inf_arguments(name, kwargs):
    with pytest.raises(ValueError, match="must be"):
        initializers.sample(name, (4, 4), **kwargs)


def test_distinct_units_refuses_a_nan_kernel():
    # NaN compares false with everything: a NaN unit used to count as a copy of the one before it
    kernel = np.ones((3, 2))
    kernel[0, 1] = np.nan
    with pytest.raises(ValueError, match="kernel must be finite"):
        probes.distinct_units(kernel)
    with pytest.raises(ValueError, match="tolerance"):
        probes.distinct_units(np.ones((3, 2)), tolerance=math.nan)


def test_random_network_weights_and_maps_refuse_nan():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="weight_variance"):
        random_networks.draw_weights("gaussian", 4, math.nan, rng)
    with pytest.raises(ValueError, match="q must be a finite number"):
        criticality.length_map("tanh", math.nan, 1.0, 0.0)
    with pytest.raises(ValueError, match="bias_variance must be a finite number"):
        criticality.length_map("tanh", 1.0, 1.0, math.nan)


def test_theory_refuses_infinite_fans():
    with pytest.raises(ValueError, match="fan must be a positive number"):
        theory.he_variance(math.inf)


def test_training_helpers_refuse_nan_rates_and_fractional_counts():
    from utils import models

    model = models.dense_stack(4, 1, 4, "relu", "he_normal")
    with pytest.raises(ValueError, match="learning_rate must be a positive number"):
        models.compile_sgd(model, learning_rate=math.nan)
    with pytest.raises(ValueError, match="clipnorm must be a positive number"):
        models.compile_sgd(model, learning_rate=0.1, clipnorm=math.nan)
    with pytest.raises(ValueError, match="epsilon must be a positive number"):
        models.compile_adam(model, learning_rate=1e-3, epsilon=math.inf)
    with pytest.raises(ValueError, match="steps_per_execution must be a positive integer"):
        models.compile_sgd(model, learning_rate=0.1, steps_per_execution=2.5)
