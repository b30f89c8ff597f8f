"""Mean-field signal propagation with biases: the order-to-chaos transition of deep random networks.

Poole et al. (2016) and Schoenholz et al. (2017) describe a wide, deep, random network with
weights of variance σ_w²/n_in and biases of variance σ_b² by three quantities, computed here by
Gauss–Hermite quadrature up to q = 4 and a fine trapezoidal rule beyond (one-dimensional
expectations; the pair expectations refuse q > 4), and for ReLU and the identity exactly (their
length maps, and their pair expectations by the arc-cosine kernels); z, z₁, z₂ are independent
standard normals:

* the **length map** q ↦ σ_w² E[φ(√q z)²] + σ_b², the pre-activation second moment from one layer
  to the next, and its fixed point q*;
* **χ₁** = σ_w² E[φ′(√q* z)²], the factor by which a small perturbation's squared length grows per
  layer: χ₁ < 1 is the ordered phase (inputs become alike), χ₁ > 1 chaos (inputs decorrelate),
  χ₁ = 1 the critical line, where gradients neither vanish nor explode;
* the **correlation map** c ↦ (σ_w² E[φ(u₁)φ(u₂)] + σ_b²)/q*, with u₁ = √q* z₁ and
  u₂ = √q* (c z₁ + √(1 − c²) z₂), its stable fixed point c*, and the depth scale
  ξ_c = −1/ln χ_c, χ_c = σ_w² E[φ′(u₁)φ′(u₂)] at c*, over which correlations approach c*.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
from scipy import optimize

from utils import theory
from utils.validation import finite_number, positive_int

_POINTS = 80  # quadrature points per dimension


def check_variances(weight_variance: float, bias_variance: float) -> None:
    """Raise ValueError unless σ_w² is a positive and σ_b² a non-negative finite number."""
    finite_number("weight_variance", weight_variance), finite_number("bias_variance", bias_variance)
    if weight_variance <= 0:
        raise ValueError(f"weight_variance must be positive, got {weight_variance!r}")
    if bias_variance < 0:
        raise ValueError(f"bias_variance must be non-negative, got {bias_variance!r}")


@cache
def _nodes() -> tuple[np.ndarray, np.ndarray]:
    nodes, weights = np.polynomial.hermite_e.hermegauss(_POINTS)
    return nodes, weights / np.sqrt(2 * np.pi)


# Gauss–Hermite nodes lie about 0.25 apart near zero, so they resolve φ(√q z) only while its features
# (width about 1/√q for tanh) are wider than that: χ₁ of tanh is off by 10⁻³ at q ≈ 4, by 9% at
# q ≈ 13 and by a factor 30 at q ≈ 120. Beyond _GAUSS_HERMITE_Q the one-dimensional expectations
# use a trapezoidal rule on a grid fine enough for the width; the pair expectations refuse.
_GAUSS_HERMITE_Q = theory.GAUSS_HERMITE_MAX_Q
_PAIR_MAX_Q = _GAUSS_HERMITE_Q  # one rule for a pair's length and its correlations


def _expectation(g, q: float) -> float:
    """E[g(√q z)] for a standard normal z, accurate for any q (see above)."""
    if q <= _GAUSS_HERMITE_Q:
        nodes, weights = _nodes()
        return float(weights @ g(np.sqrt(q) * nodes))
    return theory.trapezoid_expectation(g, q)


@cache
def _grid() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    nodes, weights = _nodes()
    z1, z2 = np.meshgrid(nodes, nodes, indexing="ij")
    return z1, z2, np.outer(weights, weights)


def length_map(activation: str, q: float, weight_variance: float, bias_variance: float) -> float:
    """The next layer's pre-activation second moment, σ_w² E[φ(√q z)²] + σ_b²."""
    check_variances(weight_variance, bias_variance)
    if finite_number("q", q) < 0:
        raise ValueError(f"q must be non-negative, got {q!r}")
    f, _ = theory.activation_pair(activation)
    if activation in HOMOGENEOUS:  # E[φ(√q z)²] = q (linear) or q/2 (ReLU), exactly
        return float(weight_variance * q * (0.5 if activation == "relu" else 1.0) + bias_variance)
    return float(weight_variance * _expectation(lambda u: f(u) ** 2, q) + bias_variance)


def fixed_point(activation: str, weight_variance: float, bias_variance: float) -> float:
    """q*, the stable fixed point of the length map (0 when the signal dies out, as for tanh with
    σ_b² = 0 and σ_w² ≤ 1). Raises where the length map has no fixed point and the signal grows
    without bound (ReLU above σ_w² = 2, linear units above σ_w² = 1). At those critical points with
    σ_b² = 0 every q is a fixed point; 0 is returned."""
    check_variances(weight_variance, bias_variance)

    def excess(q: float) -> float:
        return length_map(activation, q, weight_variance, bias_variance) - q

    upper = 1.0
    while excess(upper) > 1e-12 * upper:
        upper *= 2
        if upper > 1e8:
            raise ValueError(f"the length map of {activation} has no fixed point at σ_w² = {weight_variance}: "
                             "the signal grows without bound")
    lower = 1e-12
    if excess(lower) <= 1e-12 * lower:  # no positive fixed point: the signal shrinks to zero
        return 0.0
    if abs(excess(upper)) <= 1e-12 * upper:  # q* is the bracket's end itself
        return upper
    return float(optimize.brentq(excess, lower, upper, xtol=1e-14, rtol=1e-12))


def chi1(activation: str, weight_variance: float, bias_variance: float) -> float:
    """χ₁ = σ_w² E[φ′(√q* z)²]: the per-layer growth of a small perturbation's squared length.

    For the positively homogeneous units it does not depend on q*: σ_w² (linear), σ_w²/2 (ReLU).
    """
    check_variances(weight_variance, bias_variance)
    if activation == "linear":
        return float(weight_variance)
    if activation == "relu":
        return float(weight_variance / 2)
    _, df = theory.activation_pair(activation)
    q = fixed_point(activation, weight_variance, bias_variance)
    return float(weight_variance * _expectation(lambda u: df(u) ** 2, q))


def critical_weight_variance(activation: str, bias_variance: float) -> float:
    """The σ_w² at which χ₁ = 1, for a given σ_b² (the critical line of the phase diagram). The
    search starts on [0.5, 10] and doubles the upper end while χ₁ is still below 1 (the sigmoid, of
    slope ¼ at most, is critical only near σ_w² = 100)."""
    check_variances(1.0, bias_variance)

    def excess(w: float) -> float:
        return chi1(activation, w, bias_variance) - 1.0

    lower, upper = 0.5, 10.0
    if excess(lower) >= 0:
        raise ValueError(f"χ₁ of {activation} is at least 1 already at σ_w² = {lower}")
    while excess(upper) < 0:
        if upper >= 1e4:
            raise ValueError(f"χ₁ of {activation} stays below 1 up to σ_w² = {upper:g}")
        lower, upper = upper, 2 * upper
    return float(optimize.brentq(excess, lower, upper, xtol=1e-10))


def _pair_expectation(g, q: float, c: float) -> float:
    if q > _PAIR_MAX_Q:
        raise ValueError(f"q* = {q:.3g}: the pair expectations are computed by 80×80-point quadrature, "
                         f"accurate to about 10⁻³ only up to q = {_PAIR_MAX_Q} (for tanh without biases, "
                         "up to σ_w² ≈ 6.3)")
    z1, z2, w = _grid()
    u1 = np.sqrt(q) * z1
    u2 = np.sqrt(q) * (c * z1 + np.sqrt(max(1.0 - c * c, 0.0)) * z2)
    return float(np.sum(w * g(u1, u2)))


def _product_moment(activation: str, q: float, c: float, derivative: bool = False) -> float:
    """E[φ(u₁)φ(u₂)] (or E[φ′(u₁)φ′(u₂)]) for a pair at length q and correlation c. ReLU's and the
    identity's are exact (the arc-cosine kernels of Cho & Saul, 2009); quadrature would miss ReLU's
    kink by about 1%. Other units by Gauss–Hermite quadrature."""
    c = min(max(c, -1.0), 1.0)
    if activation == "relu":
        angle = math.acos(c)
        if derivative:
            return (math.pi - angle) / (2 * math.pi)
        return q * (math.sqrt(1.0 - c * c) + (math.pi - angle) * c) / (2 * math.pi)
    if activation == "linear":
        return 1.0 if derivative else q * c
    f, df = theory.activation_pair(activation)
    g = df if derivative else f
    return _pair_expectation(lambda a, b: g(a) * g(b), q, c)


HOMOGENEOUS = ("linear", "relu")  # φ(a·x) = a·φ(x) for a > 0


def _pair_length(activation: str, weight_variance: float, bias_variance: float) -> float:
    """The length at which the pair's correlations are computed: q*, or 1 at the critical point of
    a positively homogeneous unit without biases (ReLU at σ_w² = 2, the identity at σ_w² = 1), where
    every length is a fixed point and the correlation map does not depend on it."""
    if activation in HOMOGENEOUS and bias_variance == 0 and chi1(activation, weight_variance, 0.0) == 1.0:
        return 1.0
    q = fixed_point(activation, weight_variance, bias_variance)
    if q == 0.0:
        raise ValueError("q* = 0: the signal dies out and correlations are undefined")
    return q


def correlation_map(activation: str, c: float, weight_variance: float, bias_variance: float, layers: int = 1) -> float:
    """The correlation between two inputs' pre-activations ``layers`` layers on, both at length q*
    (any common length at the critical point of ReLU or the identity without biases)."""
    if not -1.0 <= finite_number("c", c) <= 1.0:
        raise ValueError(f"c must be a correlation in [-1, 1], got {c!r}")
    layers = positive_int("layers", layers)
    theory.activation_pair(activation)  # an unknown name fails here
    q = _pair_length(activation, weight_variance, bias_variance)
    length = length_map(activation, q, weight_variance, bias_variance)  # = q at the fixed point
    for _ in range(layers):
        c = (weight_variance * _product_moment(activation, q, c) + bias_variance) / length
        c = min(max(c, -1.0), 1.0)
    return float(c)


def correlation_fixed_point(activation: str, weight_variance: float, bias_variance: float) -> float:
    """c*, the stable fixed point of the correlation map: 1 in the ordered phase, below 1 in chaos."""
    if chi1(activation, weight_variance, bias_variance) <= 1.0:
        return 1.0
    q = _pair_length(activation, weight_variance, bias_variance)
    length = length_map(activation, q, weight_variance, bias_variance)

    def excess(c: float) -> float:
        return (weight_variance * _product_moment(activation, q, c) + bias_variance) / length - c

    # in the chaotic phase the map has a fixed point below 1, where it crosses the diagonal from above
    return float(optimize.brentq(excess, -0.999999, 1.0 - 1e-9, xtol=1e-13))


def correlation_depth_scale(activation: str, weight_variance: float, bias_variance: float) -> float:
    """ξ_c = −1/ln χ_c: the number of layers over which |c_l − c*| shrinks by a factor e (∞ at χ₁ = 1)."""
    q = _pair_length(activation, weight_variance, bias_variance)
    c_star = correlation_fixed_point(activation, weight_variance, bias_variance)
    chi_c = weight_variance * _product_moment(activation, q, c_star, derivative=True)
    return math.inf if chi_c >= 1.0 else float(-1.0 / math.log(chi_c))
