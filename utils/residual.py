"""Un-normalized residual networks at initialization: a builder and the variance it predicts.

A stack of ``blocks`` pre-activation residual blocks ``x_{l+1} = x_l + F(x_l)`` with
``F(x) = W2 · relu(W1 · relu(x))`` (two Dense layers, no biases, no normalization), after a linear
``stem`` that maps the input to ``width`` units. ``W1`` is He-initialized; the variant chooses how
the branch's last layer ``W2`` (and, for Fixup, ``W1``) starts:

* ``"he"``: ``W2`` He too. Each branch returns about as much second moment as it receives, so the
  second moment doubles at every block.
* ``"gpt2"``: ``W2`` He scaled by ``1/√blocks`` (Radford et al. 2019 scale the residual layers by
  ``1/√N``, N the number of residual layers).
* ``"fixup"``: both branch layers He scaled by ``blocks^(−1/(2m−2))``, m = 2 layers per branch
  (Zhang, Dauphin & Ma 2019, their rescaling without the zero init).
* ``"zero"``: ``W2 = 0``, so every block is the identity at initialization (Fixup's
  zero-initialized last layer; SkipInit and ReZero reach the same start with a scalar multiplier
  of the branch that starts at zero, which this builder does not have).
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np

from utils import reproducibility
from utils.validation import positive_int, positive_number

VARIANTS = ("he", "gpt2", "fixup", "zero")
BRANCH_LAYERS = 2  # m: weight layers per residual branch


def _check_variant(variant: str) -> str:
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; choose one of {', '.join(VARIANTS)}")
    return variant


def fixup_scale(blocks: int, branch_layers: int = BRANCH_LAYERS) -> float:
    """Fixup's multiplier ``L^(−1/(2m−2))`` of the weights of each of the m layers of a branch."""
    blocks = positive_int("blocks", blocks)
    branch_layers = positive_int("branch_layers", branch_layers)
    if branch_layers < 2:
        raise ValueError("Fixup's scaling needs at least 2 layers per branch")
    return float(blocks ** (-1.0 / (2 * branch_layers - 2)))


def branch_gain(variant: str, blocks: int) -> float:
    """E[F(x)²] / E[x²] of one branch at initialization, in the wide limit.

    relu halves the second moment of a zero-symmetric input and a He layer doubles it, so a He
    branch has gain 1; scaling ``W2``'s weights by c multiplies it by c², Fixup's scaling of both
    layers by ``fixup_scale(blocks)⁴``, and a zero ``W2`` makes it 0.
    """
    _check_variant(variant)
    blocks = positive_int("blocks", blocks)
    return {
        "he": 1.0,
        "gpt2": 1.0 / blocks,
        "fixup": fixup_scale(blocks) ** (2 * BRANCH_LAYERS),
        "zero": 0.0,
    }[variant]


def predicted_second_moments(variant: str, blocks: int, input_moment: float = 1.0) -> np.ndarray:
    """E[x_l²] after blocks l = 1 … ``blocks``: ``input_moment · (1 + gain)^l``.

    The branch's output is uncorrelated with its input (``W2`` is zero-mean and independent of
    ``x``), so the second moments add: ``E[x_{l+1}²] = E[x_l²] (1 + branch_gain)``.
    """
    gain = branch_gain(variant, blocks)
    return positive_number("input_moment", input_moment) * (1.0 + gain) ** np.arange(1, blocks + 1)


def _he(seed: int | None, multiplier: float = 1.0) -> keras.initializers.Initializer:
    return keras.initializers.VarianceScaling(
        scale=2.0 * multiplier**2, mode="fan_in", distribution="truncated_normal", seed=seed
    )


def residual_stack(
    input_dim: int,
    blocks: int,
    width: int,
    variant: str = "he",
    classes: int | None = None,
    seed: int | None = None,
    logits_initializer: Any = "zeros",
) -> keras.Model:
    """A Dense residual network: linear ``stem``, ``blocks`` residual blocks, optional logits.

    Layers are named ``stem``, ``block{l}_dense1``, ``block{l}_dense2`` and ``block{l}`` (the sum);
    with ``classes`` a ``relu`` then a ``logits`` layer follow (``logits_initializer``: by default
    zeros, Fixup's zero classification layer), else the model outputs the last block. ``seed`` seeds every layer's
    initializer differently (``reproducibility.layer_seed(seed, k)``); ``None`` leaves it to Keras's
    global seed.
    """
    input_dim = positive_int("input_dim", input_dim)
    blocks = positive_int("blocks", blocks)
    width = positive_int("width", width)
    _check_variant(variant)
    if classes is not None:
        classes = positive_int("classes", classes)

    def seed_of(k: int) -> int | None:
        return None if seed is None else reproducibility.layer_seed(int(seed), k)

    branch_first = fixup_scale(blocks) if variant == "fixup" else 1.0
    last: Any = {
        "he": lambda k: _he(seed_of(k)),
        "gpt2": lambda k: _he(seed_of(k), 1.0 / np.sqrt(blocks)),
        "fixup": lambda k: _he(seed_of(k), fixup_scale(blocks)),
        "zero": lambda k: keras.initializers.Zeros(),
    }[variant]
    inputs = keras.Input((input_dim,))
    x = keras.layers.Dense(
        width, use_bias=False, name="stem",
        kernel_initializer=keras.initializers.LecunNormal(seed=seed_of(0)),
    )(inputs)
    for block in range(1, blocks + 1):
        h = keras.layers.ReLU()(x)
        h = keras.layers.Dense(
            width, use_bias=False, name=f"block{block}_dense1",
            kernel_initializer=_he(seed_of(2 * block - 1), branch_first),
        )(h)
        h = keras.layers.ReLU()(h)
        h = keras.layers.Dense(
            width, use_bias=False, name=f"block{block}_dense2",
            kernel_initializer=last(2 * block),
        )(h)
        x = keras.layers.Add(name=f"block{block}")([x, h])
    if classes is not None:
        x = keras.layers.ReLU()(x)
        x = keras.layers.Dense(classes, kernel_initializer=logits_initializer, name="logits")(x)
    return keras.Model(inputs, x, name=f"residual_{variant}_{blocks}")


def block_outputs(model: keras.Model, x: np.ndarray) -> dict[str, Any]:
    """The stem's output and every block's output on inputs ``x``, as float32 arrays.

    Returns ``{"stem": array, "blocks": [array, …]}`` with one array per block, in order.
    """
    names = [layer.name for layer in model.layers if layer.name.startswith("block")
             and "_" not in layer.name]
    if not names:
        raise ValueError(f"{model.name} has no residual blocks named block1, block2, …")
    probe = keras.Model(model.inputs[0], [model.get_layer("stem").output]
                        + [model.get_layer(n).output for n in names])
    outputs = [np.asarray(o) for o in probe(np.asarray(x, dtype=np.float32))]
    return {"stem": outputs[0], "blocks": outputs[1:]}


def block_second_moments(model: keras.Model, x: np.ndarray) -> dict[str, Any]:
    """Measured E[h²] of the stem's output and of every block's output on inputs ``x``.

    Returns ``{"stem": float, "blocks": array}`` with one entry per block, in order.
    """
    outputs = block_outputs(model, x)

    def moment(a: np.ndarray) -> float:
        return float(np.mean(np.square(a.astype(np.float64))))

    return {"stem": moment(outputs["stem"]),
            "blocks": np.array([moment(b) for b in outputs["blocks"]])}
