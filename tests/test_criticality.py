"""Mean-field maps against closed forms, limits and brute-force Monte Carlo; the numpy random
networks against the maps."""

import numpy as np
import pytest

from utils import criticality, random_networks


def test_linear_and_relu_chi1_are_closed_forms():
    # linear: χ₁ = σ_w²; ReLU: χ₁ = σ_w²/2, whatever q*
    assert criticality.chi1("relu", 1.5, 0.1) == pytest.approx(0.75)
    assert criticality.length_map("linear", 2.0, 0.5, 0.1) == pytest.approx(1.1)
    with pytest.raises(ValueError, match="grows without bound"):
        criticality.fixed_point("relu", 2.5, 0.0)


def test_tanh_critical_point_without_bias():
    assert criticality.fixed_point("tanh", 1.0, 0.0) == 0.0
    assert criticality.chi1("tanh", 1.0, 0.0) == pytest.approx(1.0)
    assert criticality.critical_weight_variance("tanh", 0.0) == pytest.approx(1.0, abs=1e-6)


def test_fixed_point_and_chi1_match_monte_carlo():
    z = np.random.default_rng(0).standard_normal(1_000_000)
    q = 1.0
    for _ in range(60):  # the map contracts fast here: 60 steps reach the fixed point
        q = 2.0 * np.mean(np.tanh(np.sqrt(q) * z) ** 2) + 0.05
    assert criticality.fixed_point("tanh", 2.0, 0.05) == pytest.approx(q, rel=2e-3)
    chi = 2.0 * np.mean((1 - np.tanh(np.sqrt(q) * z) ** 2) ** 2)
    assert criticality.chi1("tanh", 2.0, 0.05) == pytest.approx(chi, rel=2e-3)


@pytest.mark.parametrize("weight_variance", [8.0, 16.0, 128.0])
def test_large_weight_variances_are_integrated_accurately(weight_variance):
    # tanh's features narrow like 1/√q*: 80 Gauss–Hermite nodes gave χ₁ = 0.205 at σ_w² = 128
    # (chapter 2's σ = 1 network of width 128) where the integral is 6.24
    from scipy import integrate

    def expect(g, q):
        density = lambda z: np.exp(-z * z / 2) / np.sqrt(2 * np.pi)  # noqa: E731
        return integrate.quad(lambda z: g(np.sqrt(q) * z) * density(z), -12, 12, points=[0.0], limit=500)[0]

    q = weight_variance  # the fixed point is near σ_w² when tanh saturates
    for _ in range(200):
        q = weight_variance * expect(lambda u: np.tanh(u) ** 2, q)
    chi = weight_variance * expect(lambda u: (1 - np.tanh(u) ** 2) ** 2, q)
    assert criticality.fixed_point("tanh", weight_variance, 0.0) == pytest.approx(q, rel=1e-6)
    assert criticality.chi1("tanh", weight_variance, 0.0) == pytest.approx(chi, rel=1e-6)
    with pytest.raises(ValueError, match="accurate to about"):  # the pair maps refuse such q*
        criticality.correlation_map("tanh", 0.5, weight_variance, 0.0)


def test_homogeneous_length_maps_are_exact_at_any_q():
    # q* = σ_b² / (1 − σ_w²/2) for ReLU below its critical point: 10 here, above the quadrature's switch
    assert criticality.fixed_point("relu", 1.9, 0.5) == pytest.approx(10.0, rel=1e-12)
    assert criticality.length_map("linear", 50.0, 0.5, 0.1) == 25.1


def test_critical_line_of_units_far_from_tanh():
    # σ(y) − ½ = ½ tanh(y/2): slope ¼ at 0, so σ_w²/16 = 1 without biases; the plain sigmoid's
    # mean ½ puts its q* far out and its critical σ_w² near 103 (both beyond the first bracket)
    assert criticality.critical_weight_variance("centred_sigmoid", 0.0) == pytest.approx(16.0, rel=1e-5)
    w = criticality.critical_weight_variance("sigmoid", 0.0)
    assert 50 < w < 200 and criticality.chi1("sigmoid", w, 0.0) == pytest.approx(1.0, abs=1e-8)


def test_critical_line_rises_with_the_bias():
    line = [criticality.critical_weight_variance("tanh", b) for b in (0.01, 0.05, 0.1, 0.2)]
    assert all(a < b for a, b in zip(line, line[1:]))
    for b, w in zip((0.01, 0.05, 0.1, 0.2), line):
        assert criticality.chi1("tanh", w, b) == pytest.approx(1.0, abs=1e-8)


def test_correlation_map_fixed_points_and_depth_scale():
    # ordered phase: c* = 1 and ξ_c = −1/ln χ₁
    assert criticality.correlation_fixed_point("tanh", 1.2, 0.05) == 1.0
    chi = criticality.chi1("tanh", 1.2, 0.05)
    assert criticality.correlation_depth_scale("tanh", 1.2, 0.05) == pytest.approx(-1 / np.log(chi), rel=1e-6)
    assert criticality.correlation_map("tanh", 1.0, 1.2, 0.05) == pytest.approx(1.0, abs=1e-9)
    # chaotic phase: a fixed point below 1 that the map leaves unchanged
    c_star = criticality.correlation_fixed_point("tanh", 3.0, 0.05)
    assert 0 < c_star < 1
    assert criticality.correlation_map("tanh", c_star, 3.0, 0.05) == pytest.approx(c_star, abs=1e-9)
    assert criticality.correlation_depth_scale("tanh", 1.76095, 0.05) > 1000  # near the critical line


@pytest.mark.parametrize("call", [
    lambda: criticality.chi1("tanh", 0.0, 0.1),
    lambda: criticality.chi1("tanh", 1.0, -0.1),
    lambda: criticality.chi1("softplus", 1.0, 0.1),
    lambda: criticality.chi1("tanh", float("nan"), 0.1),
    lambda: criticality.correlation_map("tanh", 1.5, 1.2, 0.05),
    lambda: criticality.correlation_map("tanh", 0.5, 1.0, 0.0),
    lambda: criticality.correlation_map("tanh", 0.5, 1.2, 0.05, layers=0),
], ids=["zero-weights", "negative-bias", "unknown-activation", "nan", "bad-correlation", "dead-signal", "no-layers"])
def test_bad_input(call):
    with pytest.raises(ValueError):
        call()


def test_random_networks_follow_the_maps():
    rng = np.random.default_rng(0)
    # χ₁ measured on a wide network, in the chaotic and the ordered phase
    for w2 in (1.2, 2.5):
        measured = random_networks.perturbation_growth("tanh", w2, 0.05, rng, width=400)
        assert measured == pytest.approx(criticality.chi1("tanh", w2, 0.05), rel=0.05)
    q = criticality.fixed_point("tanh", 1.2, 0.05)
    c = random_networks.correlation_profile("tanh", 1.2, 0.05, q, 0.2, 5, rng, width=800, pairs=16)
    predicted = [criticality.correlation_map("tanh", 0.2, 1.2, 0.05, layers=l) for l in range(1, 6)]
    np.testing.assert_allclose(c, predicted, atol=0.05)


def test_perturbation_growth_over_several_networks_is_their_geometric_mean():
    rng = np.random.default_rng(3)
    singles = [random_networks.perturbation_growth("tanh", 1.5, 0.05, rng, width=50) for _ in range(3)]
    assert len(set(singles)) == 3  # independent networks
    pooled = random_networks.perturbation_growth(
        "tanh", 1.5, 0.05, np.random.default_rng(3), width=50, networks=3
    )
    assert pooled == pytest.approx(np.exp(np.mean(np.log(singles))), rel=1e-12)
    assert pooled != pytest.approx(np.mean(singles), rel=1e-12)  # not the arithmetic mean
    with pytest.raises(ValueError):
        random_networks.perturbation_growth("tanh", 1.5, 0.05, rng, networks=0)


def test_jacobian_of_orthogonal_linear_network_is_orthogonal():
    rng = np.random.default_rng(1)
    s = random_networks.jacobian_singular_values("linear", "orthogonal", 20, 32, 1.0, 0.0, rng)
    np.testing.assert_allclose(s, 1.0, atol=1e-9)
    s = random_networks.jacobian_singular_values("linear", "gaussian", 1, 64, 1.0, 0.0, rng)
    assert np.mean(s**2) == pytest.approx(1.0, rel=0.15)


def test_haar_orthogonal_and_bad_arguments():
    rng = np.random.default_rng(2)
    q = random_networks.haar_orthogonal(16, rng)
    np.testing.assert_allclose(q @ q.T, np.eye(16), atol=1e-12)
    with pytest.raises(ValueError):
        random_networks.draw_weights("uniform", 4, 1.0, rng)
    with pytest.raises(ValueError):
        random_networks.jacobian_singular_values("tanh", "gaussian", 0, 4, 1.0, 0.0, rng)
    with pytest.raises(ValueError):
        random_networks.perturbation_growth("tanh", 1.0, 0.0, rng, depth=5, burn_in=5)
    with pytest.raises(ValueError):
        random_networks.correlation_profile("tanh", 1.0, 0.1, 1.0, 1.5, 3, rng)


def test_homogeneous_units_at_and_around_their_critical_points():
    assert criticality.chi1("relu", 1.5, 0.0) == pytest.approx(0.75)
    assert criticality.chi1("linear", 0.8, 0.3) == pytest.approx(0.8)
    assert criticality.fixed_point("relu", 2.0, 0.0) == 0.0  # every q is a fixed point
    assert criticality.fixed_point("linear", 1.0, 0.0) == 0.0
    assert criticality.fixed_point("relu", 1.0, 0.1) == pytest.approx(0.2)  # q = q/2 + 0.1
    assert criticality.critical_weight_variance("relu", 0.1) == pytest.approx(2.0)


def test_relu_maps_are_exact_and_defined_at_the_critical_point():
    # σ_w² = 2, σ_b² = 0: every length is a fixed point; the correlation map is the arc-cosine map
    c, exact = 0.0, 0.0
    for _ in range(100):
        exact = (np.sqrt(1.0 - exact**2) + (np.pi - np.arccos(exact)) * exact) / np.pi
    assert criticality.correlation_map("relu", 0.0, 2.0, 0.0) == pytest.approx(1 / np.pi, rel=1e-12)
    assert criticality.correlation_map("relu", c, 2.0, 0.0, layers=100) == pytest.approx(exact, rel=1e-12)
    assert criticality.correlation_depth_scale("relu", 2.0, 0.0) == np.inf
    # below criticality without biases the signal dies out: no length to compute correlations at
    with pytest.raises(ValueError, match="q\\* = 0"):
        criticality.correlation_depth_scale("relu", 1.5, 0.0)
    # the identity keeps every correlation
    assert criticality.correlation_map("linear", 0.3, 1.0, 0.0, layers=5) == pytest.approx(0.3, rel=1e-12)


def test_relu_with_biases_above_criticality_has_no_length_fixed_point():
    with pytest.raises(ValueError, match="grows without bound"):
        criticality.correlation_map("relu", 0.3, 2.0, 0.1)


@pytest.mark.parametrize("c", [-0.9, -0.3, 0.0, 0.5, 0.95])
def test_relu_pair_moments_match_sampling(c):
    # an independent check of the arc-cosine kernels: a million correlated Gaussian pairs
    rng = np.random.default_rng(0)
    z1, z2 = rng.standard_normal((2, 1_000_000))
    q = 1.7
    u1, u2 = np.sqrt(q) * z1, np.sqrt(q) * (c * z1 + np.sqrt(1 - c * c) * z2)
    sampled = np.mean(np.maximum(u1, 0) * np.maximum(u2, 0))
    steps = np.mean((u1 > 0) & (u2 > 0))
    assert criticality._product_moment("relu", q, c) == pytest.approx(sampled, abs=5e-3)
    assert criticality._product_moment("relu", q, c, derivative=True) == pytest.approx(steps, abs=2e-3)


def test_relu_with_biases_has_a_depth_scale_and_a_fixed_point_at_one():
    # q* = σ_b² / (1 − σ_w²/2) = 1 exactly at σ_w² = 1.9, σ_b² = 0.05: the bracket's end itself
    assert criticality.fixed_point("relu", 1.9, 0.05) == pytest.approx(1.0, rel=1e-9)
    assert 0 < criticality.correlation_map("relu", 0.2, 1.9, 0.05) < 1
    # ordered phase (χ₁ = 0.95): c* = 1, approached at the finite rate χ_c = σ_w²/2 (the step kernel at c = 1)
    assert criticality.correlation_depth_scale("relu", 1.9, 0.05) == pytest.approx(-1 / np.log(0.95), rel=1e-6)
