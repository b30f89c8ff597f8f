"""Batch-normalized plain networks (chapter 8b): a builder, kernel rescaling and a prediction.

:func:`normalized_stack` builds ``depth`` hidden layers, each ``conv{l}`` (3×3 Conv2D, ``padding=
"same"``) or ``dense{l}``, then optionally ``bn{l}`` (BatchNormalization, Ioffe and Szegedy 2015),
then ``relu{l}``; then a Dense ``logits`` layer (after a Flatten for convolutions). With batch
normalization the hidden layers have no bias: BN subtracts each channel's mean, which would cancel
it, and its own ``beta`` takes its place.

BN makes a layer's output invariant to a positive factor on its kernel, up to ``epsilon``:
:func:`scale_kernels` applies such a factor and :func:`predicted_bn_variances` says where
``epsilon`` stops the invariance.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from utils import reproducibility
from utils.data import N_CLASSES
from utils.models import fresh_initializer
from utils.validation import positive_int, positive_number

reproducibility.quiet_tensorflow()
import keras  # noqa: E402

KINDS = ("conv", "dense")
KERAS_EPSILON = 1e-3  # keras.layers.BatchNormalization's default epsilon
# 2·Var[relu(z)] for a standard normal z: what a He layer passes on of a centred, unit-variance channel
RELU_CENTRED_GAIN = 1 - 1 / np.pi


def normalized_stack(
    input_shape: Sequence[int],
    depth: int,
    units: int,
    kind: str = "conv",
    batch_norm: bool = True,
    kernel_initializer: Any = "he_normal",
    epsilon: float = KERAS_EPSILON,
    momentum: float = 0.9,
    classes: int = N_CLASSES,
    output_initializer: Any = "glorot_uniform",
) -> keras.Model:
    """``depth`` hidden layers of ``units`` filters (kind ``"conv"``) or units (``"dense"``).

    Each hidden layer is ``conv{l}``/``dense{l}`` → ``bn{l}`` (if ``batch_norm``) → ``relu{l}``;
    then ``flatten`` (convolutions only) and a Dense ``logits`` layer initialized with
    ``output_initializer``. Hidden
    kernels use ``kernel_initializer``, a fresh draw per layer; without batch normalization they
    have zero-initialized biases, with it none (BN's ``beta`` replaces them). ``epsilon`` and
    ``momentum`` are BatchNormalization's; the default momentum 0.9 (Keras: 0.99) lets the moving
    statistics that inference uses catch up within a few dozen steps.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be 'conv' or 'dense', got {kind!r}")
    shape = tuple(int(s) for s in input_shape)
    wanted = 3 if kind == "conv" else 1
    if len(shape) != wanted or any(s <= 0 for s in shape):
        what = "(height, width, channels)" if kind == "conv" else "(features,)"
        raise ValueError(f"input_shape must be {what} with positive sizes, got {shape}")
    depth = positive_int("depth", depth)
    units = positive_int("units", units)
    classes = positive_int("classes", classes)
    epsilon = positive_number("epsilon", epsilon)
    if not 0 <= momentum < 1:
        raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
    fresh_initializer(kernel_initializer)  # fail early on an unknown name
    fresh_initializer(output_initializer)
    layers: list[Any] = [keras.Input(shape)]
    for l in range(1, depth + 1):
        init = fresh_initializer(kernel_initializer, l)
        if kind == "conv":
            layers.append(keras.layers.Conv2D(units, 3, padding="same", use_bias=not batch_norm,
                                              kernel_initializer=init, name=f"conv{l}"))
        else:
            layers.append(keras.layers.Dense(units, use_bias=not batch_norm,
                                             kernel_initializer=init, name=f"dense{l}"))
        if batch_norm:
            layers.append(keras.layers.BatchNormalization(epsilon=epsilon, momentum=momentum, name=f"bn{l}"))
        layers.append(keras.layers.Activation("relu", name=f"relu{l}"))
    if kind == "conv":
        layers.append(keras.layers.Flatten(name="flatten"))
    layers.append(keras.layers.Dense(classes, name="logits",
                                     kernel_initializer=fresh_initializer(output_initializer, depth + 1)))
    suffix = "bn" if batch_norm else "plain"
    return keras.Sequential(layers, name=f"{kind}_{suffix}_{depth}")


def hidden_kernel_layers(model: keras.Model) -> list[str]:
    """Names of the hidden layers (``conv{l}`` or ``dense{l}``) of a :func:`normalized_stack`, in order."""
    names = [layer.name for layer in model.layers if re.fullmatch(r"(conv|dense)\d+", layer.name)]
    if not names:
        raise ValueError(f"{model.name} has no layer named conv1, conv2, … or dense1, dense2, …")
    return names


def scale_kernels(model: keras.Model, factor: float) -> None:
    """Multiply the kernel of every hidden layer (``conv{l}``/``dense{l}``) by ``factor``, in place.

    The logits layer is left alone. A positive factor changes nothing a batch-normalized layer
    outputs (up to ``epsilon``); it changes the gradient with respect to the kernel by 1/factor.
    """
    factor = positive_number("factor", factor)
    for name in hidden_kernel_layers(model):
        kernel = model.get_layer(name).kernel
        kernel.assign(kernel.numpy() * np.float32(factor))


def kernel_gradient_norms(model: keras.Model, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """‖∂L/∂W_l‖ (Frobenius) of every hidden layer l = 1 … depth, on the batch (x, y), in training mode.

    In training mode batch normalization uses the batch's own statistics, as it does in every SGD
    step. The loss is the mean cross-entropy of the logits.
    """
    from utils import probes

    grads = probes.kernel_gradients(model, x, y)
    return np.array([np.linalg.norm(grads[name].astype(np.float64)) for name in hidden_kernel_layers(model)])


def predicted_bn_variances(
    factor: float, depth: int, epsilon: float = KERAS_EPSILON, gain: float = 1.0, first: float = 1.0
) -> np.ndarray:
    """Predicted variance that each BN layer divides by, l = 1 … depth, for He kernels times ``factor``.

    A BN layer (gamma 1, beta 0) turns a channel of batch variance v into a centred one of variance
    s² = v / (v + epsilon). Relu of a centred normal of variance s² has second moment s²/2 and mean
    s/√(2π), so its variance is (1/2 − 1/(2π))·s². The next layer's BN divides by the *centred*
    batch variance of its input (the relu outputs' mean goes into the batch mean and is subtracted),
    and a He kernel (Var[W] = 2/fan_in) scaled by c multiplies that variance by 2c²·``gain``
    (``gain`` < 1: the share of a kernel's taps that falls inside a zero-padded image). So

        v_{l+1} = c²·gain·(1 − 1/π)·v_l / (v_l + epsilon),  v_1 = c²·``first``.

    Its non-zero fixed point, c²·gain·(1 − 1/π) − epsilon, exists only when c²·gain·(1 − 1/π) >
    epsilon: below that the variance shrinks by about c²·gain·(1 − 1/π)/epsilon per layer. Zero
    padding also makes the mean depend on the position, which adds variance across positions that
    this recursion leaves out.
    """
    factor = positive_number("factor", factor)
    depth = positive_int("depth", depth)
    epsilon = positive_number("epsilon", epsilon)
    gain = positive_number("gain", gain)
    first = positive_number("first", first)
    variances = np.empty(depth)
    variances[0] = factor**2 * first
    per_layer = factor**2 * gain * RELU_CENTRED_GAIN
    for l in range(1, depth):
        v = variances[l - 1]
        variances[l] = per_layer * v / (v + epsilon)
    return variances


def bn_input_variances(model: keras.Model, x: np.ndarray) -> np.ndarray:
    """The variance that each BN layer ``bn{l}`` of a Sequential model divides by, on the batch ``x``.

    Runs ``x`` through the layers in training mode (batch statistics) and records, for every
    BatchNormalization layer, the variance of its input per channel (over the batch and the
    positions), averaged over the channels. Like any training-mode forward pass it also updates
    the BN layers' moving statistics.
    """
    import tensorflow as tf

    if not any(isinstance(layer, keras.layers.BatchNormalization) for layer in model.layers):
        raise ValueError(f"{model.name} has no BatchNormalization layer")
    h = tf.convert_to_tensor(np.asarray(x, dtype=np.float32))
    variances = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            values = h.numpy().astype(np.float64)
            variances.append(float(values.reshape(-1, values.shape[-1]).var(axis=0).mean()))
        h = layer(h, training=True)
    return np.array(variances)


def relu_variance_shares(model: keras.Model, x: np.ndarray) -> np.ndarray:
    """κ_l, the share of its input's variance that each ``relu{l}`` layer passes on, on the batch ``x``.

    In training mode (batch statistics), for every layer named ``relu{l}``: the variance of its
    output per unit over the batch (and positions), averaged over the units, divided by the same
    average for its input. For a centred Gaussian input κ = 1/2 − 1/(2π) ≈ 0.341, the share the
    recursion of :func:`predicted_bn_variances` assumes; a batch whose variance sits on a few
    examples gives more. Like any training-mode forward pass it also updates the BN layers' moving
    statistics.
    """
    import tensorflow as tf

    if not any(re.fullmatch(r"relu\d+", layer.name) for layer in model.layers):
        raise ValueError(f"{model.name} has no layer named relu1, relu2, …")
    h = tf.convert_to_tensor(np.asarray(x, dtype=np.float32))
    shares = []
    for layer in model.layers:
        out = layer(h, training=True)
        if re.fullmatch(r"relu\d+", layer.name):
            before = h.numpy().astype(np.float64)
            after = out.numpy().astype(np.float64)
            spread = before.reshape(-1, before.shape[-1]).var(axis=0).mean()
            if spread == 0:
                raise ValueError(f"the input of {layer.name} is constant over the batch: no share to measure")
            shares.append(float(after.reshape(-1, after.shape[-1]).var(axis=0).mean() / spread))
        h = out
    return np.array(shares)
