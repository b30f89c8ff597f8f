"""Data for the experiments, all of it available offline.

* :func:`load_digits` — scikit-learn's 1,797 real 8×8 handwritten digits (they ship inside the
  package; nothing is downloaded), normalised and split, shaped for Dense or Conv2D models and
  optionally upsampled to 28×28 to mirror MNIST's shape.
* :func:`synthetic_images` — seeded random images for controlled experiments.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from utils.validation import positive_int

N_CLASSES = 10
DIGITS_SIZE = 8
DIGITS_MAX = 16.0  # pixel values in scikit-learn's digits run from 0 to 16


@dataclass(frozen=True)
class Split:
    """Train and test arrays; ``x`` is float32, ``y`` holds integer class labels."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray

    @property
    def input_shape(self) -> tuple[int, ...]:
        """Shape of one example, as a Keras ``Input`` wants it."""
        return tuple(self.x_train.shape[1:])


def load_digits(
    layout: Literal["image", "flat"] = "image",
    size: int = DIGITS_SIZE,
    test_fraction: float = 0.25,
    split_seed: int = 0,
) -> Split:
    """Load scikit-learn's handwritten digits, standardised and split into train and test sets.

    Pixels are scaled to [0, 1] and then standardised with the training set's mean and standard
    deviation (one scalar each), so inputs have zero mean and unit variance, the assumption every
    initialization derivation starts from.

    Args:
        layout: ``"image"`` gives arrays of shape (n, size, size, 1) for Conv2D models,
            ``"flat"`` gives (n, size*size) for Dense models.
        size: side of the images; 8 is the original, larger sizes are bilinear upsamplings.
        test_fraction: fraction of the 1,797 digits held out, stratified by class.
        split_seed: seed of the train/test split; fixed by default so that the book's seed
            changes the networks' initialization, not the data.
    """
    from scipy import ndimage
    from sklearn.datasets import load_digits as sklearn_digits
    from sklearn.model_selection import train_test_split

    if layout not in ("image", "flat"):
        raise ValueError(f"layout must be 'image' or 'flat', got {layout!r}")
    if isinstance(size, bool) or not isinstance(size, int) or size < DIGITS_SIZE:
        raise ValueError(f"size must be an integer >= {DIGITS_SIZE}, got {size!r}")
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must be strictly between 0 and 1, got {test_fraction!r}")

    digits = sklearn_digits()
    images = digits.images.astype(np.float64) / DIGITS_MAX
    if size != DIGITS_SIZE:
        images = np.stack([ndimage.zoom(im, size / DIGITS_SIZE, order=1) for im in images])
        images = np.clip(images, 0.0, 1.0)
    x_train, x_test, y_train, y_test = train_test_split(
        images, digits.target, test_size=test_fraction, random_state=split_seed, stratify=digits.target
    )
    mean, std = x_train.mean(), x_train.std()
    x_train, x_test = (x_train - mean) / std, (x_test - mean) / std
    shape = (-1, size, size, 1) if layout == "image" else (-1, size * size)
    return Split(
        x_train.reshape(shape).astype(np.float32),
        y_train.astype(np.int64),
        x_test.reshape(shape).astype(np.float32),
        y_test.astype(np.int64),
    )


def synthetic_images(
    n: int,
    size: int = 28,
    channels: int = 1,
    kind: Literal["gaussian", "smooth"] = "gaussian",
    seed: int = 0,
) -> np.ndarray:
    """Return ``n`` seeded random images of shape (n, size, size, channels), float32.

    Args:
        kind: ``"gaussian"`` — independent N(0, 1) pixels, the textbook assumption;
            ``"smooth"`` — Gaussian noise blurred (σ = 1.5 pixels) and re-standardised to zero mean
            and unit variance, so neighbouring pixels are correlated as in natural images.
        seed: seed of the generator; the same seed gives the same images.
    """
    for name, value in (("n", n), ("size", size), ("channels", channels)):
        positive_int(name, value)
    if kind not in ("gaussian", "smooth"):
        raise ValueError(f"kind must be 'gaussian' or 'smooth', got {kind!r}")
    rng = np.random.default_rng(seed)
    images = rng.standard_normal((n, size, size, channels))
    if kind == "smooth":
        from scipy import ndimage

        images = ndimage.gaussian_filter(images, sigma=(0, 1.5, 1.5, 0), mode="wrap")
        images = (images - images.mean()) / images.std()
    return images.astype(np.float32)


def imbalanced(split: Split, fractions: np.ndarray | list[float], seed: int = 0) -> Split:
    """Keep each example of class ``k`` with probability ``fractions[k]``, in train and test alike.

    A class-imbalanced version of a split (chapter 9): with fractions halving from class to class,
    the rare classes are a few percent of the data. ``seed`` fixes which examples are kept, so that
    the book's seed changes the networks, not the data. Every class keeps at least one training
    example, so that its log frequency is finite.
    """
    fractions = np.asarray(fractions, dtype=float)
    classes = int(max(split.y_train.max(), split.y_test.max())) + 1
    if fractions.shape != (classes,):
        raise ValueError(f"fractions must have one entry per class ({classes}), got shape {fractions.shape}")
    if np.any(fractions <= 0) or np.any(fractions > 1):
        raise ValueError(f"every fraction must be in (0, 1], got {fractions.tolist()}")
    rng = np.random.default_rng(seed)
    keep_train = rng.random(len(split.y_train)) < fractions[split.y_train]
    keep_test = rng.random(len(split.y_test)) < fractions[split.y_test]
    missing = sorted(set(range(classes)) - set(split.y_train[keep_train].tolist()))
    if missing:
        raise ValueError(f"no training example of classes {missing} was kept; raise their fractions")
    return Split(split.x_train[keep_train], split.y_train[keep_train], split.x_test[keep_test],
                 split.y_test[keep_test])
