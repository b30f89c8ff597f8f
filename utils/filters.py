"""Looking at convolution filters: hand-designed ones, and how alike two sets of filters are.

Filters are compared by the cosine of the angle between their flattened weights. By default its
absolute value: a filter and its negative detect the same pattern with opposite polarity, which is
what a comparison with a template (an X, an edge) asks. After a ReLU, though, a filter and its
negative compute different features, so comparisons of two networks' filters as functions pass
``signed=True``.
"""

from __future__ import annotations

from math import comb

import numpy as np
from scipy.optimize import linear_sum_assignment

from utils.validation import positive_int


def hand_designed(size: int = 5) -> dict[str, np.ndarray]:
    """The filters a person might draw: an "X", and horizontal and vertical edge detectors.

    Each is a (size, size) array with zero mean (so a flat region gives no response) and unit norm.
    """
    if isinstance(size, bool) or not isinstance(size, int) or size < 3 or size % 2 == 0:
        raise ValueError(f"size must be an odd integer >= 3, got {size!r}")
    eye = np.eye(size)
    cross = np.maximum(eye, eye[::-1])
    smooth = np.array([comb(size - 1, k) for k in range(size)], dtype=float)  # binomial smoothing
    derivative = np.concatenate([np.arange(size // 2, 0, -1), [0], -np.arange(1, size // 2 + 1)]).astype(float)
    filters = {"X": cross, "horizontal edge": np.outer(derivative, smooth), "vertical edge": np.outer(smooth, derivative)}
    return {name: _normalise(f - f.mean()) for name, f in filters.items()}


def _normalise(f: np.ndarray) -> np.ndarray:
    return f / np.linalg.norm(f)


def _flatten(kernel: np.ndarray) -> np.ndarray:
    """(kh, kw, c_in, c_out) or (kh, kw) → unit columns, one per filter."""
    kernel = np.asarray(kernel, dtype=np.float64)
    if kernel.ndim == 2:
        kernel = kernel[:, :, None, None]
    if kernel.ndim != 4:
        raise ValueError(f"a kernel must have shape (kh, kw, c_in, c_out) or (kh, kw), got {kernel.shape}")
    flat = kernel.reshape(-1, kernel.shape[-1])
    norms = np.linalg.norm(flat, axis=0)
    if np.any(norms == 0):
        raise ValueError("a filter with all weights zero has no direction to compare")
    return flat / norms


def cosine_matrix(a: np.ndarray, b: np.ndarray, signed: bool = False) -> np.ndarray:
    """|cos| (or cos, if ``signed``) between every filter of kernel ``a`` (rows) and every filter of
    kernel ``b`` (columns)."""
    fa, fb = _flatten(a), _flatten(b)
    if fa.shape[0] != fb.shape[0]:
        raise ValueError(f"filters of different sizes cannot be compared: {fa.shape[0]} and {fb.shape[0]} weights")
    cos = fa.T @ fb
    return cos if signed else np.abs(cos)


def best_match(kernel: np.ndarray, template: np.ndarray) -> float:
    """The largest |cos| between ``template`` (kh, kw) and any filter of ``kernel`` (first input channel)."""
    kernel = np.asarray(kernel)
    if kernel.ndim != 4:
        raise ValueError(f"kernel must have shape (kh, kw, c_in, c_out), got {kernel.shape}")
    filters = kernel[:, :, :1, :]
    centred = filters - filters.mean(axis=(0, 1), keepdims=True)  # compare shapes, not offsets
    return float(cosine_matrix(centred, np.asarray(template)).max())


def matched_similarity(a: np.ndarray, b: np.ndarray, signed: bool = False) -> tuple[float, float]:
    """Mean |cos| (or cos, if ``signed``) of filters paired by index, and after the best one-to-one
    matching.

    The matching maximises the total similarity (the Hungarian algorithm), which undoes any
    relabelling of the filters between the two kernels. Returns (by index, matched).
    """
    cos, rows, cols = _best_matching(a, b, signed)
    return float(np.mean(np.diag(cos))), float(np.mean(cos[rows, cols]))


def _best_matching(
    a: np.ndarray, b: np.ndarray, signed: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """|cos| (or cos) between the filters of a and b, and the one-to-one pairing (rows, cols)
    maximising its total."""
    cos = cosine_matrix(a, b, signed)
    if cos.shape[0] != cos.shape[1]:
        raise ValueError(f"kernels must have the same number of filters, got {cos.shape}")
    rows, cols = linear_sum_assignment(-cos)
    return cos, rows, cols


def matched_order(reference: np.ndarray, kernel: np.ndarray, signed: bool = False) -> np.ndarray:
    """Indices that reorder ``kernel``'s filters (last axis) so that filter i best matches
    ``reference``'s filter i: the one-to-one matching of :func:`matched_similarity`.

    ``kernel[..., matched_order(reference, kernel)]`` lines the filters of two runs up for a figure.
    """
    _, rows, cols = _best_matching(reference, kernel, signed)
    return cols[np.argsort(rows)]


def most_similar_pair(values: np.ndarray) -> float:
    """The largest |correlation| between two different columns of ``values`` (e.g. feature maps).

    ``values`` is (samples, units). Constant columns (dead units) are ignored.
    """
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 2 or values.shape[1] < 2:
        raise ValueError(f"values must be (samples, units) with at least 2 units, got {values.shape}")
    live = values[:, values.std(axis=0) > 0]
    if live.shape[1] < 2:
        return 0.0
    corr = np.abs(np.corrcoef(live.T))
    np.fill_diagonal(corr, 0.0)
    return float(corr.max())


def patch_directions(images: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Principal directions of every size×size patch of single-channel ``images`` (n, h, w, 1).

    Returns (directions, share): the columns of ``directions`` (size², size²) are the eigenvectors of
    the patches' second-moment matrix, strongest first, and ``share`` is the fraction of the patches'
    energy (sum of squares) each holds. A first-layer filter's gradient is a weighted sum of patches,
    so it lies in their span, and mostly in its strongest directions.
    """
    images = np.asarray(images, dtype=np.float64)
    if images.ndim != 4 or images.shape[-1] != 1:
        raise ValueError(f"images must have shape (n, height, width, 1), got {images.shape}")
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= min(images.shape[1:3]):
        raise ValueError(f"size must be a positive integer no larger than the images, got {size!r}")
    windows = np.lib.stride_tricks.sliding_window_view(images[..., 0], (size, size), axis=(1, 2))
    patches = windows.reshape(-1, size * size)
    moment = patches.T @ patches / len(patches)
    values, vectors = np.linalg.eigh(moment)
    order = np.argsort(values)[::-1]
    values = np.clip(values[order], 0.0, None)
    return vectors[:, order], values / values.sum()


def share_in_span(vectors: np.ndarray, directions: np.ndarray) -> float:
    """Fraction of the energy of ``vectors`` in the span of the orthonormal columns of ``directions``.

    ``vectors`` is one (kh, kw) template or a (kh, kw, 1, c_out) kernel (each filter a vector).
    """
    vectors = np.asarray(vectors, dtype=np.float64)
    if vectors.ndim == 2:
        flat = vectors.reshape(1, -1)
    elif vectors.ndim == 4 and vectors.shape[2] == 1:
        flat = vectors[:, :, 0, :].reshape(-1, vectors.shape[-1]).T
    else:
        raise ValueError(f"vectors must be (kh, kw) or (kh, kw, 1, c_out), got {vectors.shape}")
    if flat.shape[1] != directions.shape[0]:
        raise ValueError(f"vectors have {flat.shape[1]} entries, the directions {directions.shape[0]}")
    total = float(np.sum(flat**2))
    if total == 0.0:
        raise ValueError("the vectors are all zero")
    return float(np.sum((flat @ directions) ** 2) / total)


def random_filters_in_span(
    directions: np.ndarray, share: np.ndarray, size: int, filters: int, sets: int, rng: np.random.Generator
) -> np.ndarray:
    """``sets`` kernels (sets, size, size, 1, filters) of random filters shaped like the patches:
    Gaussian with covariance proportional to the patches' second-moment matrix (``directions`` and
    ``share`` from :func:`patch_directions`), so that they live where a gradient can reach. Only
    their directions matter for the |cos| comparisons they serve."""
    if directions.shape != (size * size, size * size) or share.shape != (size * size,):
        raise ValueError(f"directions must be ({size * size}, {size * size}) and share ({size * size},)")
    for name, value in (("filters", filters), ("sets", sets)):
        positive_int(name, value)
    coefficients = rng.standard_normal((sets, filters, size * size)) * np.sqrt(share)
    flat = coefficients @ directions.T  # (sets, filters, size²)
    return flat.reshape(sets, filters, size, size).transpose(0, 2, 3, 1)[:, :, :, None, :]
