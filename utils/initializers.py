"""Reference implementations, in numpy, of the 15 Keras initializers the book covers.

Each follows the installed Keras 3 exactly where it matters for the distribution of the values:
the same fans (:func:`utils.theory.fans`), the same ``max(1, fan)`` guard, the same truncation
(values beyond two standard deviations are redrawn) and rescaling by 0.87962566 for the truncated
normal of ``VarianceScaling``, and the same QR-with-sign-correction recipe for ``Orthogonal``. They
draw from numpy's generator, so their values differ from Keras's, but not their distribution —
``tests/test_initializers.py`` checks that for Dense and Conv1D/2D/3D kernel shapes.

Use :func:`sample` with a Keras name: ``sample("he_normal", (3, 3, 16, 32), seed=0)``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from utils import theory
from utils.validation import finite_number, positive_number

TRUNCATION_STDDEV = 0.87962566103423978  # std of N(0, 1) truncated to [-2, 2], as Keras writes it

# The named initializers are VarianceScaling with these (scale, mode, distribution).
VARIANCE_SCALING_NAMES: dict[str, tuple[float, str, str]] = {
    "glorot_uniform": (1.0, "fan_avg", "uniform"),
    "glorot_normal": (1.0, "fan_avg", "truncated_normal"),
    "lecun_uniform": (1.0, "fan_in", "uniform"),
    "lecun_normal": (1.0, "fan_in", "truncated_normal"),
    "he_uniform": (2.0, "fan_in", "uniform"),
    "he_normal": (2.0, "fan_in", "truncated_normal"),
}


def _shape(shape: Sequence[int]) -> tuple[int, ...]:
    shape = tuple(shape)
    if not shape or not all(isinstance(s, (int, np.integer)) and not isinstance(s, bool) and s > 0 for s in shape):
        raise ValueError(f"shape must be a sequence of positive integers, got {shape}")
    return tuple(int(s) for s in shape)


def zeros(shape: Sequence[int], rng: np.random.Generator | None = None) -> np.ndarray:
    """All zeros."""
    return np.zeros(_shape(shape))


def ones(shape: Sequence[int], rng: np.random.Generator | None = None) -> np.ndarray:
    """All ones."""
    return np.ones(_shape(shape))


def constant(shape: Sequence[int], rng: np.random.Generator | None = None, value: float = 0.0) -> np.ndarray:
    """Every value equal to ``value`` (Keras's default is 0)."""
    return np.full(_shape(shape), finite_number("value", value))


def random_normal(shape: Sequence[int], rng: np.random.Generator, mean: float = 0.0, stddev: float = 0.05) -> np.ndarray:
    """N(mean, stddev²); Keras's defaults are mean 0 and stddev 0.05."""
    if finite_number("stddev", stddev) < 0:
        raise ValueError(f"stddev must be non-negative, got {stddev}")
    return rng.normal(finite_number("mean", mean), stddev, _shape(shape))


def random_uniform(shape: Sequence[int], rng: np.random.Generator, minval: float = -0.05, maxval: float = 0.05) -> np.ndarray:
    """U(minval, maxval); Keras's defaults are −0.05 and 0.05."""
    if not finite_number("minval", minval) < finite_number("maxval", maxval):
        raise ValueError(f"need minval < maxval, got {minval} and {maxval}")
    return rng.uniform(minval, maxval, _shape(shape))


def truncated_normal(shape: Sequence[int], rng: np.random.Generator, mean: float = 0.0, stddev: float = 0.05) -> np.ndarray:
    """N(mean, stddev²) with values more than 2·stddev from the mean redrawn (Keras's rule).

    ``stddev`` is that of the normal *before* truncation; the values' own standard deviation is
    0.8796·stddev.
    """
    stddev, mean, shape = positive_number("stddev", stddev), finite_number("mean", mean), _shape(shape)
    values = rng.standard_normal(int(np.prod(shape)))
    outside = np.abs(values) > 2.0
    while outside.any():
        values[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(values) > 2.0
    return mean + stddev * values.reshape(shape)


def variance_scaling(
    shape: Sequence[int],
    rng: np.random.Generator,
    scale: float = 1.0,
    mode: str = "fan_in",
    distribution: str = "truncated_normal",
) -> np.ndarray:
    """Variance scale / n with n the fan-in, fan-out or their mean, from the named distribution."""
    shape = _shape(shape)
    scale = positive_number("scale", scale)
    fan_in, fan_out = theory.fans(shape) if len(shape) >= 2 else (shape[0], shape[0])
    fans = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}
    if mode not in fans:
        raise ValueError(f"mode must be one of {sorted(fans)}, got {mode!r}")
    variance = scale / max(1.0, fans[mode])
    if distribution == "truncated_normal":
        return truncated_normal(shape, rng, 0.0, np.sqrt(variance) / TRUNCATION_STDDEV)
    if distribution == "untruncated_normal":
        return rng.normal(0.0, np.sqrt(variance), shape)
    if distribution == "uniform":
        limit = np.sqrt(3.0 * variance)
        return rng.uniform(-limit, limit, shape)
    raise ValueError(f"distribution must be truncated_normal, untruncated_normal or uniform, got {distribution!r}")


def orthogonal(shape: Sequence[int], rng: np.random.Generator, gain: float = 1.0) -> np.ndarray:
    """A (semi-)orthogonal matrix, reshaped: the kernel is flattened to (∏ shape[:-1], shape[-1]).

    QR of a Gaussian matrix, with the signs of R's diagonal moved into Q so that Q is uniformly
    distributed. Columns are orthonormal when rows ≥ columns, rows otherwise.
    """
    shape = _shape(shape)
    if len(shape) < 2:
        raise ValueError(f"Orthogonal needs a kernel of at least 2 dimensions, got {shape}")
    rows, cols = int(np.prod(shape[:-1])), shape[-1]
    q, r = np.linalg.qr(rng.standard_normal((max(rows, cols), min(rows, cols))))
    q = q * np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    return finite_number("gain", gain) * q.reshape(shape)


def identity(shape: Sequence[int], rng: np.random.Generator | None = None, gain: float = 1.0) -> np.ndarray:
    """``gain`` times the identity matrix (ones on the main diagonal of a 2-D kernel)."""
    shape = _shape(shape)
    if len(shape) != 2:
        raise ValueError(f"Identity needs a 2-D kernel, got {shape}")
    return finite_number("gain", gain) * np.eye(*shape)


REFERENCES: dict[str, Callable[..., np.ndarray]] = {
    "zeros": zeros,
    "ones": ones,
    "constant": constant,
    "random_normal": random_normal,
    "random_uniform": random_uniform,
    "truncated_normal": truncated_normal,
    "variance_scaling": variance_scaling,
    "orthogonal": orthogonal,
    "identity": identity,
}
NAMES = tuple(REFERENCES) + tuple(VARIANCE_SCALING_NAMES)

# The Keras class behind each name, for comparing the references with Keras's own draws.
KERAS_CLASSES: dict[str, str] = {
    "zeros": "Zeros", "ones": "Ones", "constant": "Constant", "random_normal": "RandomNormal",
    "random_uniform": "RandomUniform", "truncated_normal": "TruncatedNormal", "variance_scaling": "VarianceScaling",
    "orthogonal": "Orthogonal", "identity": "Identity", "glorot_uniform": "GlorotUniform", "glorot_normal": "GlorotNormal",
    "lecun_uniform": "LecunUniform", "lecun_normal": "LecunNormal", "he_uniform": "HeUniform", "he_normal": "HeNormal",
}
RANDOM_NAMES = tuple(n for n in NAMES if n not in ("zeros", "ones", "constant", "identity"))


def sample(name: str, shape: Sequence[int], seed: int = 0, **kwargs: float | str) -> np.ndarray:
    """Draw a kernel of ``shape`` from the reference implementation of the Keras initializer ``name``.

    ``kwargs`` are the initializer's arguments (``stddev``, ``scale``, ``gain``, …); defaults are
    Keras's.
    """
    rng = np.random.default_rng(seed)
    if name in VARIANCE_SCALING_NAMES:
        if kwargs:
            raise TypeError(f"{name} takes no arguments here, got {sorted(kwargs)}")
        scale, mode, distribution = VARIANCE_SCALING_NAMES[name]
        return variance_scaling(shape, rng, scale, mode, distribution)
    if name not in REFERENCES:
        raise ValueError(f"unknown initializer {name!r}; known: {', '.join(NAMES)}")
    return REFERENCES[name](shape, rng, **kwargs)
