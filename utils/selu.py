"""SELU's self-normalizing fixed point (Klambauer et al. 2017), in closed form.

A layer ``y = selu(W x)`` of a wide network, with i.i.d. zero-mean weights of variance
``Var[W]`` and ``tau = fan_in · Var[W]``, maps the second moment ``q = E[x²]`` of its input
(pooled over units and examples) to a Gaussian pre-activation ``z ~ N(0, tau · q)``. (For one
unit the pre-activation has mean ``mu · omega`` and variance ``nu · tau`` with
``omega = Σ_j W_ij``; pooled over units, whose ``omega`` is ``N(0, tau)`` for Gaussian weights,
that is ``N(0, tau · (nu + mu²)) = N(0, tau · q)``.) The output's mean and second moment are then
Gaussian integrals of SELU, computed here exactly with the normal CDF.

SELU's two constants are chosen so that ``q = 1`` (mean 0, variance 1) is a fixed point when
``tau = 1``, which is what ``lecun_normal`` gives: :func:`fixed_point_constants` solves the two
conditions ``E[selu(z)] = 0`` and ``E[selu(z)²] = 1`` for ``z ~ N(0, 1)``.
"""

from __future__ import annotations

import numpy as np
from scipy import stats


def _non_negative(name: str, value: float) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float, np.integer, np.floating))
        or not float(value) >= 0
    ):
        raise ValueError(f"{name} must be a non-negative number, got {value!r}")
    return float(value)


def _exp_moments(s: float) -> tuple[float, float, float]:
    """For z ~ N(0, s²): E[z; z>0], E[e^z − 1; z<0], E[(e^z − 1)²; z<0]."""
    # e^a · Φ(−b) is computed as exp(a + log Φ(−b)), which does not overflow for large s.
    log_phi = stats.norm.logcdf
    positive_mean = s / np.sqrt(2 * np.pi)
    e1 = np.exp(s**2 / 2 + log_phi(-s))  # E[e^z; z<0]
    e2 = np.exp(2 * s**2 + log_phi(-2 * s))  # E[e^{2z}; z<0]
    neg_exp = e1 - 0.5
    neg_exp_sq = e2 - 2 * e1 + 0.5
    return positive_mean, neg_exp, neg_exp_sq


def fixed_point_constants() -> tuple[float, float]:
    """(λ, α) that make mean 0 and variance 1 a fixed point of SELU for z ~ N(0, 1).

    ``E[selu(z)] = λ (E[z; z>0] + α E[e^z − 1; z<0]) = 0`` fixes α, then
    ``E[selu(z)²] = λ² (E[z²; z>0] + α² E[(e^z − 1)²; z<0]) = 1`` fixes λ.
    """
    positive_mean, neg_exp, neg_exp_sq = _exp_moments(1.0)
    alpha = -positive_mean / neg_exp
    scale = 1.0 / np.sqrt(0.5 + alpha**2 * neg_exp_sq)
    return float(scale), float(alpha)


def output_moments(
    q: float, tau: float = 1.0, scale: float | None = None, alpha: float | None = None
) -> tuple[float, float]:
    """(mean, second moment) of ``selu(z)`` for ``z ~ N(0, tau · q)``.

    Args:
        q: the second moment E[x²] of the layer's input.
        tau: ``fan_in · Var[W]``: 1 for ``lecun_normal``, 2 for ``he_normal``.
        scale, alpha: SELU's constants; ``None`` means :func:`fixed_point_constants`.
    """
    q, tau = _non_negative("q", q), _non_negative("tau", tau)
    if (scale is None) != (alpha is None):
        raise ValueError("give both scale and alpha, or neither (then SELU's fixed-point constants)")
    if scale is None:
        scale, alpha = fixed_point_constants()
    s = np.sqrt(tau * q)
    if s == 0:
        return 0.0, 0.0
    positive_mean, neg_exp, neg_exp_sq = _exp_moments(s)
    mean = scale * (positive_mean + alpha * neg_exp)
    second = scale**2 * (s**2 / 2 + alpha**2 * neg_exp_sq)
    return float(mean), float(second)


def layer_moments(input_moment: float, taus: list[float] | np.ndarray) -> dict[str, np.ndarray]:
    """Predicted mean and variance after each of ``len(taus)`` SELU layers.

    Returns ``{"mean": …, "variance": …}``, one entry per layer (variance = second moment − mean²).
    """
    q = _non_negative("input_moment", input_moment)
    if len(taus) == 0:
        raise ValueError("taus must name at least one layer")
    means, variances = [], []
    for tau in taus:
        mean, q = output_moments(q, tau)
        means.append(mean)
        variances.append(q - mean**2)
    return {"mean": np.array(means), "variance": np.array(variances)}


def layer_statistics(model, x: np.ndarray, prefix: str = "hidden") -> dict[str, np.ndarray]:
    """Measured mean and variance (pooled over units and examples) of every layer whose name
    starts with ``prefix`` (``hidden1``, ``hidden2``, … of :func:`utils.models.dense_stack`)."""
    import keras

    layers = [layer for layer in model.layers if layer.name.startswith(prefix)]
    if not layers:
        raise ValueError(f"{model.name} has no layer named {prefix}…")
    probe = keras.Model(model.inputs[0], [layer.output for layer in layers])
    outputs = [np.asarray(o, dtype=np.float64) for o in probe(np.asarray(x, dtype=np.float32))]
    return {
        "mean": np.array([o.mean() for o in outputs]),
        "variance": np.array([o.var() for o in outputs]),
    }
