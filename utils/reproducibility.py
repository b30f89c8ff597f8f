"""One call that makes an experiment repeatable: seeds, determinism and quiet TensorFlow.

The seed comes from the environment variable ``BOOK_SEED`` when it is set, so anyone can re-run the
whole book with another seed (``BOOK_SEED=7 python3 tasks.py execute``); otherwise it is
:data:`DEFAULT_SEED`.
"""

from __future__ import annotations

import os
import random

import numpy as np

from utils.validation import positive_int

SEED_VARIABLE = "BOOK_SEED"
DEFAULT_SEED = 0


def book_seed() -> int:
    """Return the seed the book runs with: ``$BOOK_SEED`` if set, else :data:`DEFAULT_SEED`."""
    raw = os.environ.get(SEED_VARIABLE, "").strip()
    if not raw:
        return DEFAULT_SEED
    try:
        seed = int(raw)
    except ValueError:
        raise ValueError(f"{SEED_VARIABLE} must be a non-negative integer, got {raw!r}") from None
    if not 0 <= seed < 2**32:
        raise ValueError(f"{SEED_VARIABLE} must be in [0, 2**32), got {seed}")
    return seed


def seed_everything(seed: int | None = None) -> int:
    """Seed Python, numpy, TensorFlow and Keras, and make TensorFlow's ops deterministic.

    Args:
        seed: the seed to use; ``None`` means :func:`book_seed`.

    Returns:
        The seed that was used, so a chapter can derive further seeds from it.
    """
    if seed is None:
        seed = book_seed()
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an integer, got {type(seed).__name__}")
    if not 0 <= seed < 2**32:
        raise ValueError(f"seed must be in [0, 2**32), got {seed}")
    seed = int(seed)
    quiet_tensorflow()
    import keras
    import tensorflow as tf

    random.seed(seed)
    np.random.seed(seed)
    keras.utils.set_random_seed(seed)  # Python, numpy and the backend
    tf.config.experimental.enable_op_determinism()
    return seed


def quiet_tensorflow() -> None:
    """Silence TensorFlow's C++ and Python logging so it never lands in a notebook's outputs.

    Must run before TensorFlow is first imported to silence the C++ start-up lines; importing
    ``utils`` already sets the environment variables, so this only completes the job.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    import absl.logging
    import tensorflow as tf

    absl.logging.set_verbosity(absl.logging.ERROR)
    tf.get_logger().setLevel("ERROR")
    tf.autograph.set_verbosity(0)


def layer_seed(seed: int, index: int) -> int:
    """The seed of layer ``index`` of a network built from ``seed``: a hash of the pair.

    Not ``seed + index``: then the network built from seed s + 1 would reuse all but one of the
    layers of the network built from seed s, shifted by one, and a sweep over consecutive seeds
    would repeat its networks.
    """
    for name, value in (("seed", seed), ("index", index)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise ValueError(f"{name} must be an integer, got {value!r}")
    if index < 0:
        raise ValueError(f"index must be non-negative, got {index}")
    entropy = [int(seed) % 2**63, int(index)]
    return int(np.random.SeedSequence(entropy).generate_state(1)[0])


def derived_seeds(count: int, seed: int | None = None) -> list[int]:
    """Return ``count`` distinct seeds derived from ``seed`` (default :func:`book_seed`).

    Experiments that repeat over several seeds use these, so that changing ``BOOK_SEED`` changes
    every run of the experiment, not just the first.
    """
    count = positive_int("count", count)
    base = book_seed() if seed is None else seed
    sequence = np.random.SeedSequence(base)
    return [int(s) for s in sequence.generate_state(count, dtype=np.uint32)]
