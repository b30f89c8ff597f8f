"""Argument checks shared by the ``utils`` modules: one clear ``ValueError`` for a bad count, scale
or array, instead of a numpy warning or a silently wrong result further down.

    >>> positive_int("depth", 30)
    30
    >>> positive_number("gain", float("nan"))
    Traceback (most recent call last):
    ...
    ValueError: gain must be a positive number, got nan
"""

from __future__ import annotations

import math

import numpy as np


def positive_int(name: str, value: object) -> int:
    """``value`` as an int if it is a positive integer (a bool is not); otherwise ``ValueError``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def positive_number(name: str, value: object) -> float:
    """``value`` as a float if it is a finite real number above 0 (NaN, ±inf and bools are not)."""
    if (isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating))
            or not math.isfinite(value) or value <= 0):
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return float(value)


def finite_number(name: str, value: object) -> float:
    """``value`` as a float if it is a finite real number (NaN, ±inf and bools are not)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return float(value)


def finite_array(name: str, values: object) -> np.ndarray:
    """``values`` as a float64 array if every entry is finite; otherwise ``ValueError`` naming how many are not."""
    array = np.asarray(values, dtype=float)
    bad = int(np.size(array) - np.count_nonzero(np.isfinite(array)))
    if bad:
        raise ValueError(f"{name} must be finite, but {bad} of its {array.size} values are NaN or infinite")
    return array
