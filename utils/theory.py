"""Closed-form predictions of initialization theory, for checking against measurement.

Conventions: ``fan_in`` and ``fan_out`` are the inputs to and outputs of one unit (for a Conv2D
kernel (kh, kw, c_in, c_out): kh·kw·c_in and kh·kw·c_out, see :func:`fans`); ``weight_variance`` is
Var[W] of i.i.d. zero-mean weights; "second moment" is E[h²] of a layer's activations.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import special, stats

from utils.validation import positive_int, positive_number

ACTIVATION_GAINS = {"linear": 1.0, "relu": 0.5, "tanh": 1.0}


def fans(shape: Sequence[int]) -> tuple[int, int]:
    """(fan_in, fan_out) of a kernel, as Keras computes them.

    A Dense kernel (n_in, n_out) gives (n_in, n_out); a convolution kernel (*spatial, c_in, c_out)
    gives (receptive field · c_in, receptive field · c_out).
    """
    if any(isinstance(s, bool) or int(s) != s for s in shape):
        raise ValueError(f"a kernel shape's dimensions are whole numbers, got {tuple(shape)}")
    shape = tuple(int(s) for s in shape)
    if len(shape) < 2 or any(s <= 0 for s in shape):
        raise ValueError(f"a kernel shape has at least 2 positive dimensions, got {shape}")
    receptive_field = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    return receptive_field * shape[-2], receptive_field * shape[-1]


def layer_gain(fan_in: int, weight_variance: float, activation: str = "linear") -> float:
    """Factor by which one layer multiplies the second moment of a zero-mean signal.

    Linear layers multiply it by fan_in·Var[W]; a ReLU keeps half of a symmetric pre-activation's
    second moment, so fan_in·Var[W]/2. For tanh the value is the small-signal (linear) limit.
    """
    positive_number("fan_in", fan_in)
    positive_number("weight_variance", weight_variance)
    if activation not in ACTIVATION_GAINS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATION_GAINS)}, got {activation!r}")
    return fan_in * weight_variance * ACTIVATION_GAINS[activation]


def second_moments(input_moment: float, gains: Sequence[float]) -> np.ndarray:
    """Predicted second moment after each layer: input_moment · g₁ · g₂ ⋯ g_l, for l = 1 … L."""
    positive_number("input_moment", input_moment)
    gains = np.asarray(gains, dtype=float)
    if gains.ndim != 1 or gains.size == 0 or not np.all(gains > 0) or not np.all(np.isfinite(gains)):
        raise ValueError("gains must be a non-empty sequence of positive numbers")
    return input_moment * np.cumprod(gains)


def lecun_variance(fan_in: int) -> float:
    """Var[W] = 1 / fan_in: keeps the forward variance of a linear (or tanh near 0) layer."""
    return 1.0 / positive_number("fan_in", fan_in)


def glorot_variance(fan_in: int, fan_out: int) -> float:
    """Var[W] = 2 / (fan_in + fan_out): the compromise between the forward and backward conditions."""
    return 2.0 / (positive_number("fan_in", fan_in) + positive_number("fan_out", fan_out))


def he_variance(fan: int, negative_slope: float = 0.0) -> float:
    """Var[W] = 2 / ((1 + a²) · fan) for a (leaky) ReLU of negative slope ``a`` (0 for ReLU)."""
    positive_number("fan", fan)
    if not np.isscalar(negative_slope) or not 0.0 <= float(negative_slope) <= 1.0:
        raise ValueError(f"negative_slope must be in [0, 1], got {negative_slope!r}")
    return 2.0 / ((1.0 + float(negative_slope) ** 2) * fan)


def uniform_limit(variance: float) -> float:
    """Limit ``a`` of U(−a, a) with the given variance: Var = a²/3, so a = √(3·variance)."""
    return float(np.sqrt(3.0 * positive_number("variance", variance)))


def truncation_correction(cut: float = 2.0) -> float:
    """Standard deviation of N(0, 1) truncated to [−cut, cut]; ≈ 0.8796 for Keras's cut of 2."""
    positive_number("cut", cut)
    return float(stats.truncnorm(-cut, cut).std())


def truncated_normal_stddev(variance: float, cut: float = 2.0) -> float:
    """Std of the normal to truncate at ±cut·std so that the truncated values have ``variance``."""
    return float(np.sqrt(positive_number("variance", variance)) / truncation_correction(cut))



def padding_drain(size: int, kernel: int = 3) -> float:
    """Per-layer factor by which zero padding shrinks the second moment, deep in a stack of
    ``kernel``×``kernel`` convolutions with ``padding="same"`` on ``size``×``size`` maps.

    With independent zero-mean weights of gain one (n_in·Var[W] = 1), the expected second moment
    at a position is the *average* over its k×k window of the layer below's, where positions
    outside the map count as zero. Repeated, that averaging operator is dominated by its largest
    eigenvalue: the returned factor (per layer, below one; near 1 for large maps). A kernel whose
    weight sits only at its centre, such as delta-orthogonal, is not drained at all.
    """
    averaging = _window_averaging(size, kernel)  # one dimension
    return float(np.linalg.eigvalsh(averaging).max() ** 2)  # two dimensions: the product


def padding_profile(size: int, layers: int, kernel: int = 3) -> np.ndarray:
    """Expected second moment at each position of a ``size``×``size`` map after ``layers``
    ``kernel``×``kernel`` convolutions with ``padding="same"`` and gain one, relative to an input
    whose second moment is the same at every position.

    Exact in expectation at every depth (the averaging of :func:`padding_drain` applied ``layers``
    times to a map of ones); :func:`padding_drain` is the per-layer factor it approaches deep down.
    """
    layers = positive_int("layers", layers)
    one_d = np.linalg.matrix_power(_window_averaging(size, kernel), layers) @ np.ones(size)
    return np.outer(one_d, one_d)  # the 2-D averaging is the product of two 1-D ones


def padding_retained(size: int, first: int, last: int, kernel: int = 3) -> float:
    """The share of the mean second moment at layer ``first`` that zero padding alone leaves at
    layer ``last`` (``first`` < ``last``), in expectation: the ratio of the means of
    :func:`padding_profile` at the two depths. Its square root is the same ratio for the RMS."""
    first, last = positive_int("first", first), positive_int("last", last)
    if last <= first:
        raise ValueError(f"last must be above first, got first={first}, last={last}")
    return float(padding_profile(size, last, kernel).mean() / padding_profile(size, first, kernel).mean())


def _window_averaging(size: int, kernel: int) -> np.ndarray:
    """The size×size matrix that averages each position's ``kernel``-wide window, zeros outside."""
    size, kernel = positive_int("size", size), positive_int("kernel", kernel)
    if kernel % 2 == 0:
        raise ValueError(f"kernel must be odd, got {kernel}")
    index = np.arange(size)
    return (np.abs(index[:, None] - index[None, :]) <= kernel // 2) / kernel

_MEAN_FIELD_UNITS = {
    "linear": (lambda y: y, lambda y: np.ones_like(y)),
    "tanh": (np.tanh, lambda y: 1.0 - np.tanh(y) ** 2),
    "relu": (lambda y: np.maximum(y, 0.0), lambda y: (y > 0).astype(float)),
    "sigmoid": (special.expit, lambda y: special.expit(y) * special.expit(-y)),
    # σ(y) − ½ = ½·tanh(y/2): the sigmoid's slope without its mean of ½
    "centred_sigmoid": (lambda y: special.expit(y) - 0.5, lambda y: special.expit(y) * special.expit(-y)),
}


def activation_pair(activation: str):
    """The activation function and its derivative, as numpy functions, for "linear", "tanh",
    "relu", "sigmoid" or "centred_sigmoid" (σ(y) − ½)."""
    if activation not in _MEAN_FIELD_UNITS:
        raise ValueError(f"activation must be one of {sorted(_MEAN_FIELD_UNITS)}, got {activation!r}")
    return _MEAN_FIELD_UNITS[activation]


@dataclass(frozen=True)
class MeanField:
    """Mean-field predictions for a stack of equal-width layers (see :func:`mean_field`)."""

    pre_moment: np.ndarray  # q_l = E[y_l²], the pre-activation second moment of layer l
    second_moment: np.ndarray  # E[f(y_l)²], the activation second moment of layer l
    backward_gain: np.ndarray  # χ_l = gain_l · E[f′(y_l)²]: E[g²] at layer l−1 over that at layer l

    def gradient_ratio(self, lower: int, upper: int) -> float:
        """Predicted RMS of ∂L/∂h at layer ``lower`` over that at layer ``upper`` (1-based, lower < upper)."""
        if not 1 <= lower < upper <= len(self.pre_moment):
            raise ValueError(f"need 1 <= lower < upper <= {len(self.pre_moment)}, got {lower}, {upper}")
        return float(np.sqrt(np.prod(self.backward_gain[lower:upper])))


GAUSS_HERMITE_MAX_Q = 4.0  # beyond it, Gauss–Hermite nodes are too coarse for tanh′(√q z)


def trapezoid_expectation(g, q: float) -> float:
    """E[g(√q z)] for a standard normal z by a trapezoidal rule on [−12, 12] with steps of
    0.05/√q: twenty points per feature width 1/√q of a saturating unit, so it stays accurate at any
    q > 0, where Gauss–Hermite nodes (about 0.3 apart near zero) miss the narrow features of
    tanh′(√q z)² or σ′(√q z)² once q exceeds a few units (100 nodes: E[tanh′(√q z)²] 9% low at
    q = 16, 16 times too low at q = 128)."""
    positive_number("q", q)
    if q > 1e8:  # the grid would exceed about 5·10⁶ points
        raise ValueError(f"q = {q:.3g}: trapezoid_expectation handles q up to 10⁸")
    step = 0.05 / np.sqrt(q)
    z = step * np.arange(-math.ceil(12.0 / step), math.ceil(12.0 / step) + 1)  # through 0
    density = np.exp(-0.5 * z * z) / np.sqrt(2 * np.pi)
    return float(np.sum(g(np.sqrt(q) * z) * density) * step)


def mean_field(activation: str, first_pre_moment: float, gains: Sequence[float], points: int = 100) -> MeanField:
    """Propagate the pre-activation second moment through a deep, wide, zero-bias network.

    The weights have mean zero, so every pre-activation has mean zero even when the activation's
    outputs do not (the sigmoid's mean ½ enters through E[f²]). In the wide limit each pre-activation of layer l is Gaussian with second moment
    q_l = gain_l · E[f(√q_{l−1} z)²] (gain_l = fan_in · Var[W_l], z ~ N(0, 1)) and the backward
    pass multiplies E[(∂L/∂h)²] by χ_l = gain_l · E[f′(√q_l z)²] per layer going down (equal widths,
    so fan_out = fan_in). The expectations are computed by Gauss–Hermite quadrature up to q = 4 and
    by a fine trapezoidal rule beyond (`trapezoid_expectation`).

    Args:
        activation: "linear", "tanh", "relu", "sigmoid" or "centred_sigmoid" (σ(y) − ½).
        first_pre_moment: q₁, the second moment of the first layer's pre-activations.
        gains: fan_in · Var[W] of layers 2 … L (so the stack has len(gains) + 1 layers).
        points: quadrature points (even, so that no node sits on the kink of a ReLU at 0).
    """
    if activation not in _MEAN_FIELD_UNITS:
        raise ValueError(f"activation must be one of {sorted(_MEAN_FIELD_UNITS)}, got {activation!r}")
    positive_number("first_pre_moment", first_pre_moment)
    if isinstance(points, bool) or not isinstance(points, int) or not 2 <= points <= 200 or points % 2:
        raise ValueError(f"points must be an even integer from 2 to 200 (quadrature overflows beyond), got {points!r}")
    gains = np.asarray(gains, dtype=float)
    if gains.ndim != 1 or np.any(gains <= 0):
        raise ValueError("gains must be a sequence of positive numbers")
    f, df = _MEAN_FIELD_UNITS[activation]
    nodes, weights = np.polynomial.hermite_e.hermegauss(points)
    weights = weights / np.sqrt(2 * np.pi)

    def expect(g, q: float) -> float:
        # Even-point Gauss–Hermite is exact for the homogeneous units (linear, relu) at any q;
        # the saturating ones need the fine rule once their features get narrow.
        if activation not in ("linear", "relu") and np.isfinite(q) and q > GAUSS_HERMITE_MAX_Q:
            return trapezoid_expectation(g, q)
        return float(weights @ g(np.sqrt(q) * nodes))

    q = [float(first_pre_moment)]
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported below
        for gain in gains:
            q.append(gain * expect(lambda y: f(y) ** 2, q[-1]))
        q_arr = np.array(q)
        moments = np.array([expect(lambda y: f(y) ** 2, qi) for qi in q_arr])
        all_gains = np.concatenate([[np.nan], gains])  # layer 1's gain is not part of the backward chain
        chi = np.array([g * expect(lambda y: df(y) ** 2, qi) for g, qi in zip(all_gains, q_arr)])
    if not (np.all(np.isfinite(q_arr)) and np.all(np.isfinite(moments))):
        raise FloatingPointError(f"mean field overflowed for {activation} with these gains; the signal explodes")
    return MeanField(pre_moment=q_arr, second_moment=moments, backward_gain=chi)
