"""Layer-sequential unit-variance (LSUV) initialization (Mishkin & Matas, ICLR 2016).

A data-dependent initialization: start every Dense and Conv2D kernel orthonormal, then, from the
input layer upwards, rescale each kernel until the variance of the layer's pre-activation on a
batch of real inputs is 1 within a tolerance. No formula for the activation or the fans is
needed, so it also covers activations and architectures for which no closed-form rule exists.
"""

from __future__ import annotations

import warnings
from typing import Any

import keras
import numpy as np

from utils import reproducibility
from utils.validation import positive_int, positive_number

SUPPORTED = (keras.layers.Dense, keras.layers.Conv2D)


def _weighted_layers(model: keras.Model) -> list[keras.layers.Layer]:
    """The Dense and Conv2D layers of ``model`` in order; any other layer with weights is an error."""
    layers = []
    for layer in model.layers:
        if isinstance(layer, SUPPORTED):
            layers.append(layer)
        elif layer.weights and not isinstance(layer, keras.layers.InputLayer):
            raise ValueError(
                f"lsuv handles Dense and Conv2D layers only; layer {layer.name!r} "
                f"({type(layer).__name__}) has weights of its own"
            )
    if not layers:
        raise ValueError(f"model {model.name!r} has no Dense or Conv2D layer")
    return layers


def pre_activation(layer: keras.layers.Layer, inputs: Any) -> np.ndarray:
    """The layer's output before its activation function, for ``inputs`` (float64)."""
    activation = layer.activation
    layer.activation = keras.activations.linear
    try:
        return np.asarray(layer(inputs), dtype=np.float64)
    finally:
        layer.activation = activation


def pre_activation_variances(model: keras.Model, x: np.ndarray) -> dict[str, float]:
    """Var[pre-activation] on ``x`` of every Dense and Conv2D layer of ``model``, by layer name."""
    x = np.asarray(x, dtype=np.float32)
    return {
        layer.name: float(
            pre_activation(layer, keras.Model(model.inputs[0], layer.input)(x)).var()
        )
        for layer in _weighted_layers(model)
    }


def lsuv(
    model: keras.Model,
    x: np.ndarray,
    tolerance: float = 0.05,
    max_iterations: int = 10,
    orthonormal: bool = True,
    seed: int | None = None,
) -> dict[str, int]:
    """Initialize ``model``'s Dense and Conv2D kernels in place by LSUV; return the passes used.

    Args:
        model: a built Keras model whose layers with weights are all Dense or Conv2D (layers
            without weights, such as activations, pooling, Flatten or Add, may sit between them).
        x: a batch of inputs (Mishkin & Matas use one mini-batch).
        tolerance: stop rescaling a layer once |Var[pre-activation] − 1| < tolerance.
        max_iterations: at most this many rescalings per layer; if a layer has not converged by
            then, a ``RuntimeWarning`` names it and the next layer is processed.
        orthonormal: first replace each kernel by an orthonormal one (Keras ``Orthogonal``, gain
            1), as the paper does; ``False`` rescales the kernels as they are.
        seed: seed of the orthonormal draws (layer k uses ``reproducibility.layer_seed(seed, k)``).

    Returns:
        layer name → number of forward passes of that layer measured (1 + rescalings).

    Raises:
        ValueError: a layer with weights that is not Dense or Conv2D, an empty batch, a
            tolerance outside (0, 1), an iteration count that is not a positive integer, or a
            layer whose output is constant on
            ``x`` (its variance is 0 and no rescaling can make it 1).
    """
    if not 0 < positive_number("tolerance", tolerance) < 1:
        raise ValueError(f"tolerance must be between 0 and 1 (a relative error), got {tolerance}")
    max_iterations = positive_int("max_iterations", max_iterations)
    x = np.asarray(x, dtype=np.float32)
    if x.ndim == 0 or len(x) == 0:
        raise ValueError("x must be a non-empty batch of inputs")
    layers = _weighted_layers(model)
    if len(model.inputs) != 1:
        raise ValueError(
            f"lsuv needs a model with one input, {model.name!r} has {len(model.inputs)}"
        )
    passes = {}
    for k, layer in enumerate(layers):
        if orthonormal:
            init = keras.initializers.Orthogonal(
                gain=1.0, seed=None if seed is None else reproducibility.layer_seed(seed, k)
            )
            layer.kernel.assign(init(layer.kernel.shape))
        inputs = keras.Model(model.inputs[0], layer.input)(x)
        # measure, then rescale; the last rescaling is measured too before giving up
        for measured in range(1, max_iterations + 2):
            variance = float(pre_activation(layer, inputs).var())
            if not np.isfinite(variance) or variance == 0.0:
                raise ValueError(
                    f"layer {layer.name!r}: the pre-activation variance on x is {variance}; "
                    "LSUV cannot rescale it to 1"
                )
            if abs(variance - 1.0) < tolerance:
                break
            if measured > max_iterations:
                warnings.warn(
                    f"lsuv: layer {layer.name!r} still has variance {variance:.3g} after "
                    f"{max_iterations} rescalings",
                    RuntimeWarning,
                    stacklevel=2,
                )
                break
            layer.kernel.assign(layer.kernel / np.sqrt(variance))
        passes[layer.name] = measured
    return passes
