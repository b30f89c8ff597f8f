"""Wide, deep, fully connected random networks in numpy, measured as mean-field theory describes them.

Layer l computes y_l = W_l h_{l−1} + b_l and h_l = φ(y_l), with W_l of shape (width, width) drawn
either Gaussian, entries N(0, σ_w²/width), or orthogonal, √σ_w² times a Haar-random orthogonal
matrix (the same variance per entry), and biases N(0, σ_b²). The functions below measure what
:mod:`utils.criticality` predicts: the input–output Jacobian's singular values, the growth of a
small perturbation (χ₁) and the correlation between two inputs, layer by layer.
"""

from __future__ import annotations

import numpy as np

from utils import criticality, theory
from utils.validation import positive_int, positive_number

WEIGHTS = ("gaussian", "orthogonal")


def haar_orthogonal(width: int, rng: np.random.Generator) -> np.ndarray:
    """A (width, width) orthogonal matrix drawn uniformly (QR of a Gaussian matrix, signs fixed)."""
    width = positive_int("width", width)
    q, r = np.linalg.qr(rng.standard_normal((width, width)))
    return q * np.sign(np.diag(r))


def draw_weights(kind: str, width: int, weight_variance: float, rng: np.random.Generator) -> np.ndarray:
    """One layer's weights: ``"gaussian"`` N(0, σ_w²/width) or ``"orthogonal"`` √σ_w² · Haar."""
    if kind not in WEIGHTS:
        raise ValueError(f"kind must be one of {WEIGHTS}, got {kind!r}")
    weight_variance = positive_number("weight_variance", weight_variance)
    width = positive_int("width", width)
    if kind == "gaussian":
        return rng.normal(0.0, np.sqrt(weight_variance / width), (width, width))
    return np.sqrt(weight_variance) * haar_orthogonal(width, rng)


def jacobian_singular_values(
    activation: str,
    kind: str,
    depth: int,
    width: int,
    weight_variance: float,
    bias_variance: float,
    rng: np.random.Generator,
    input_moment: float = 1.0,
) -> np.ndarray:
    """Singular values of ∂h_depth/∂h_0 = D_L W_L ⋯ D_1 W_1 (D_l = diag φ′(y_l)) at one input.

    The input has i.i.d. N(0, input_moment) entries; choose ``input_moment`` so that the first
    pre-activations start near the fixed point q* (input_moment = (q* − σ_b²)/σ_w² does that).
    """
    f, df = theory.activation_pair(activation)
    depth, width = positive_int("depth", depth), positive_int("width", width)
    criticality.check_variances(weight_variance, bias_variance)
    h = rng.normal(0.0, np.sqrt(input_moment), width)
    jacobian = np.eye(width)
    for _ in range(depth):
        weights = draw_weights(kind, width, weight_variance, rng)
        y = weights @ h + rng.normal(0.0, np.sqrt(bias_variance), width)
        h = f(y)
        jacobian = (df(y)[:, None] * weights) @ jacobian
    return np.linalg.svd(jacobian, compute_uv=False)


def perturbation_growth(
    activation: str,
    weight_variance: float,
    bias_variance: float,
    rng: np.random.Generator,
    width: int = 300,
    depth: int = 40,
    burn_in: int = 15,
    inputs: int = 4,
    networks: int = 1,
) -> float:
    """χ₁ as measured: the geometric mean, over layers after ``burn_in`` (and over ``networks``
    independent networks), of the factor by which an infinitesimal perturbation's squared length
    grows per layer (Gaussian weights; the perturbation is carried by the layers' Jacobians and
    renormalised every layer, as for a Lyapunov exponent). This is the exponential growth rate; at
    finite width it lies slightly below χ₁, the mean factor (a geometric mean is below the mean), so
    it crosses 1 within O(1/width) of the critical line."""
    f, df = theory.activation_pair(activation)
    width, depth = positive_int("width", width), positive_int("depth", depth)
    networks = positive_int("networks", networks)
    criticality.check_variances(weight_variance, bias_variance)
    if not 0 <= burn_in < depth:
        raise ValueError(f"burn_in must be in [0, depth), got {burn_in!r}")
    if networks > 1:  # every layer of every network weighs the same
        logs = [
            np.log(perturbation_growth(activation, weight_variance, bias_variance, rng, width,
                                       depth, burn_in, inputs))
            for _ in range(networks)
        ]
        return float(np.exp(np.mean(logs)))
    h = rng.standard_normal((inputs, width))
    delta = rng.standard_normal((inputs, width))
    delta /= np.linalg.norm(delta, axis=1, keepdims=True)
    logs = []
    for layer in range(depth):
        weights = draw_weights("gaussian", width, weight_variance, rng)
        y = h @ weights.T + rng.normal(0.0, np.sqrt(bias_variance), width)
        h = f(y)
        delta = df(y) * (delta @ weights.T)
        if layer >= burn_in:
            logs.append(np.log(np.sum(delta**2, axis=1)))
        delta /= np.linalg.norm(delta, axis=1, keepdims=True)
    return float(np.exp(np.mean(logs)))


def correlation_profile(
    activation: str,
    weight_variance: float,
    bias_variance: float,
    first_moment: float,
    first_correlation: float,
    depth: int,
    rng: np.random.Generator,
    width: int = 500,
    pairs: int = 8,
    networks: int = 1,
) -> np.ndarray:
    """Correlation between two inputs' pre-activations at layers 1 … depth (Gaussian weights), mean
    over ``pairs`` pairs in each of ``networks`` independent networks: the pairs start at layer 0
    with second moment ``first_moment`` and correlation ``first_correlation``, and both members of
    a pair go through the same weights."""
    networks = positive_int("networks", networks)
    if networks > 1:
        return np.mean(
            [correlation_profile(activation, weight_variance, bias_variance, first_moment, first_correlation,
                                 depth, rng, width, pairs) for _ in range(networks)],
            axis=0,
        )
    f, _ = theory.activation_pair(activation)
    depth, width = positive_int("depth", depth), positive_int("width", width)
    criticality.check_variances(weight_variance, bias_variance)
    if not -1.0 <= first_correlation <= 1.0:
        raise ValueError(f"first_correlation must be in [-1, 1], got {first_correlation!r}")
    z1, z2 = rng.standard_normal((2, pairs, width))
    y1 = np.sqrt(first_moment) * z1
    y2 = np.sqrt(first_moment) * (first_correlation * z1 + np.sqrt(1.0 - first_correlation**2) * z2)
    correlations = []
    for _ in range(depth):
        weights = draw_weights("gaussian", width, weight_variance, rng)
        bias = rng.normal(0.0, np.sqrt(bias_variance), width)
        y1, y2 = f(y1) @ weights.T + bias, f(y2) @ weights.T + bias
        c = np.sum(y1 * y2, axis=1) / np.sqrt(np.sum(y1**2, axis=1) * np.sum(y2**2, axis=1))
        correlations.append(float(np.mean(c)))
    return np.array(correlations)
