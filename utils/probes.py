"""Measurements taken on a network: gradients, and how alike a layer's units are."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from utils import reproducibility
from utils.validation import finite_array, finite_number, positive_int

reproducibility.quiet_tensorflow()
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402


def kernel_gradients(
    model: keras.Model, x: np.ndarray, y: np.ndarray, parameter: str = "kernel"
) -> dict[str, np.ndarray]:
    """∂loss/∂kernel for every layer with a kernel, on the batch (x, y), keyed by layer name.

    ``parameter="bias"`` gives ∂loss/∂bias instead, for the layers that have a bias. The loss is the
    model's compiled loss if it has one (a name such as ``"mse"`` is looked up with
    ``keras.losses.get``), else cross-entropy of logits.
    """
    if len(x) != len(y):
        raise ValueError(f"x and y must have the same length, got {len(x)} and {len(y)}")
    if parameter not in ("kernel", "bias"):
        raise ValueError(f"parameter must be 'kernel' or 'bias', got {parameter!r}")
    compiled = getattr(model, "loss", None)
    if compiled is None:
        loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    else:
        loss_fn = keras.losses.get(compiled) if isinstance(compiled, str) else compiled
    layers = [layer for layer in model.layers if getattr(layer, parameter, None) is not None]
    with tf.GradientTape() as tape:
        loss = keras.ops.mean(loss_fn(y, model(x, training=True)))  # a loss function: per example
    grads = tape.gradient(loss, [getattr(layer, parameter) for layer in layers])
    return {layer.name: g.numpy() for layer, g in zip(layers, grads)}


def unit_spread(kernel: np.ndarray) -> float:
    """How different a layer's units are: the largest, over weights, of max − min across units.

    The units are the last axis (filters of a Conv2D kernel, neurons of a Dense kernel). Zero means
    every unit has exactly the same weights.
    """
    kernel = np.asarray(kernel)
    if kernel.ndim < 2 or kernel.shape[-1] < 2:
        raise ValueError(f"kernel must have at least 2 dims and 2 units on the last axis, got {kernel.shape}")
    units = kernel.reshape(-1, kernel.shape[-1])
    return float(np.ptp(units, axis=1).max())


def mean_unit_cosine(kernel: np.ndarray) -> float:
    """How alike a layer's units point: the mean, over pairs of different units (last axis), of the
    cosine between their weight vectors.

    Scale-free, unlike :func:`unit_spread`: it is 1 for identical units, whatever their size, and near
    0 for independent random ones.
    """
    kernel = np.asarray(kernel, dtype=np.float64)
    if kernel.ndim < 2 or kernel.shape[-1] < 2:
        raise ValueError(f"kernel must have at least 2 dims and 2 units on the last axis, got {kernel.shape}")
    units = kernel.reshape(-1, kernel.shape[-1])
    norms = np.linalg.norm(units, axis=0)
    if np.any(norms == 0):
        raise ValueError("a unit with all weights zero has no direction")
    cos = (units / norms).T @ (units / norms)
    n = cos.shape[0]
    return float((cos.sum() - np.trace(cos)) / (n * (n - 1)))


def distinct_units(kernel: np.ndarray, tolerance: float = 0.0) -> int:
    """How many units (last axis) differ by more than ``tolerance`` from every unit before them."""
    if finite_number("tolerance", tolerance) < 0:
        raise ValueError(f"tolerance must be non-negative, got {tolerance}")
    kernel = finite_array("kernel", kernel)
    if kernel.ndim < 2:
        raise ValueError(f"kernel must have at least 2 dims, got {kernel.shape}")
    units = kernel.reshape(-1, kernel.shape[-1]).T
    kept: list[np.ndarray] = []
    for unit in units:
        if all(np.max(np.abs(unit - k)) > tolerance for k in kept):
            kept.append(unit)
    return len(kept)


def signal_propagation(model: keras.Model, x: np.ndarray, y: np.ndarray) -> dict[str, dict[str, np.ndarray]]:
    """Forward activations and back-propagated gradients of every layer of a Sequential model.

    Runs ``x`` through the layers one by one, records each layer's output ``h`` and, for the
    cross-entropy loss of the logits against ``y``, the gradient ∂loss/∂h (summed over the batch,
    so it does not shrink with batch size). Returns layer name → {"activation", "gradient"}.
    Batch normalization runs in training mode, on the batch's own statistics, as in every training
    step (in inference mode a fresh BN layer's moving statistics, 0 and 1, make it the identity),
    and its moving statistics are restored afterwards; every other layer runs in inference mode
    (dropout off).
    """
    if len(x) != len(y):
        raise ValueError(f"x and y must have the same length, got {len(x)} and {len(y)}")
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction="sum")
    bn = [layer for layer in model.layers if isinstance(layer, keras.layers.BatchNormalization)]
    moving = [(v, v.numpy()) for layer in bn for v in layer.non_trainable_variables]
    outputs = []
    with tf.GradientTape() as tape:
        h = tf.convert_to_tensor(x)
        for layer in model.layers:
            h = layer(h, training=True) if layer in bn else layer(h)
            outputs.append(h)
        loss = loss_fn(y, h)
    grads = tape.gradient(loss, outputs)
    for variable, value in moving:  # a measurement: leave BN's moving statistics as they were
        variable.assign(value)
    return {
        layer.name: {"activation": out.numpy(), "gradient": g.numpy()}
        for layer, out, g in zip(model.layers, outputs, grads)
    }


def rms(values: np.ndarray) -> float:
    """Root mean square, computed in float64 so that tiny float32 values do not underflow when squared."""
    values = np.asarray(values, dtype=np.float64)
    if values.size == 0:
        raise ValueError("rms of an empty array")
    return float(np.sqrt(np.mean(values**2)))


def second_moment(values: np.ndarray) -> float:
    """E[v²] over all entries, in float64 (float32 squares of tiny values would underflow)."""
    values = np.asarray(values, dtype=np.float64)
    if values.size == 0:
        raise ValueError("second moment of an empty array")
    return float(np.mean(values**2))


def input_dependent_share(activations: np.ndarray) -> float:
    """The share of a layer's second moment that varies between the examples of a batch.

    ``activations`` is (examples, …); each example's values are one vector. Returns the variance
    across examples, averaged over the vector's entries, over E[h²]: 1 when the signal has mean
    zero over the batch, 0 when every example gives the same signal (the layer has forgotten its
    input), NaN when the signal is zero everywhere.
    """
    values = np.asarray(activations, dtype=np.float64)
    if values.ndim < 2 or len(values) < 2:
        raise ValueError(f"need (examples, …) with at least 2 examples, got shape {values.shape}")
    per_example = values.reshape(len(values), -1)
    moment = float(np.mean(per_example**2))
    return float(per_example.var(axis=0).mean() / moment) if moment > 0 else float("nan")


def one_layer_gain(make_layer: Callable[[], keras.layers.Layer], x: np.ndarray, draws: int = 16, seed: int | None = None) -> float:
    """Mean over ``draws`` fresh weight draws of E[layer(x)²] / E[x²], for one layer on a fixed input.

    Given the input, the expectation over the weights of the output's second moment is exactly the
    layer's gain times the input's (chapter 2), so this mean estimates the gain without the
    random-walk drift of measuring it along one deep network. ``make_layer`` builds a new layer
    (or small model) each call; each draw is seeded from ``seed`` (default: the book's seed).
    """
    draws = positive_int("draws", draws)
    ratios = []
    for run in reproducibility.derived_seeds(draws, seed):
        reproducibility.seed_everything(run)
        ratios.append(second_moment(np.asarray(make_layer()(x))) / second_moment(x))
    return float(np.mean(ratios))


def active_units(model: keras.Model, x: np.ndarray, prefix: str = "conv") -> dict[str, np.ndarray]:
    """For each layer whose name starts with ``prefix``: which outputs are positive, per input.

    Applied to ReLU layers this is the activity pattern; a unit (or filter) that is never active
    for any input is dead.
    """
    signal = signal_propagation(model, x, np.zeros(len(x), dtype=int))
    found = {name: s["activation"] > 0 for name, s in signal.items() if name.startswith(prefix)}
    if not found:
        raise ValueError(f"no layer of {model.name} has a name starting with {prefix!r}")
    return found


def dead_filters_per_layer(model: keras.Model, x: np.ndarray, prefix: str = "conv") -> dict[str, int]:
    """For each layer named ``prefix``…: how many of its filters output zero everywhere for every input."""
    active = active_units(model, x, prefix)
    return {name: int((~a.reshape(-1, a.shape[-1]).any(axis=0)).sum()) for name, a in active.items()}


def filter_peaks(model: keras.Model, x: np.ndarray, prefix: str = "conv") -> dict[str, dict[str, np.ndarray]]:
    """For each Conv2D layer named ``prefix``…: which filters are dead, their biases, and the
    largest response of their kernels alone.

    A filter's *peak* is the largest value of its pre-activation without the bias (the kernel's
    response) over every input in ``x`` and every position. A dead filter (zero output everywhere,
    as its layer computes it) with a positive peak and a negative bias is switched off by its bias:
    without it, the filter would fire somewhere. One with a peak of zero or less would stay dead
    even with a zero bias (a positive bias larger than −peak would switch it on).
    Returns layer name → {"dead", "bias", "peak"}, one entry per filter.
    """
    found = {}
    h = keras.ops.convert_to_tensor(np.asarray(x, dtype=np.float32))
    for layer in model.layers:
        out = layer(h)
        if layer.name.startswith(prefix):
            if not isinstance(layer, keras.layers.Conv2D) or layer.bias is None:
                raise ValueError(f"{layer.name} is not a Conv2D layer with a bias")
            response = keras.ops.conv(h, layer.kernel, strides=layer.strides, padding=layer.padding,
                                      dilation_rate=layer.dilation_rate)
            response = keras.ops.convert_to_numpy(response).reshape(-1, layer.filters)
            output = keras.ops.convert_to_numpy(out).reshape(-1, layer.filters)
            found[layer.name] = {
                "dead": ~(output != 0).any(axis=0),
                "bias": layer.bias.numpy().copy(),
                "peak": response.max(axis=0),
            }
        h = out
    if not found:
        raise ValueError(f"no layer of {model.name} has a name starting with {prefix!r}")
    return found


def dead_filter_fraction(model: keras.Model, x: np.ndarray, prefix: str = "conv") -> float:
    """Fraction of filters, over the layers named ``prefix``…, that output zero everywhere for every input."""
    dead = dead_filters_per_layer(model, x, prefix)
    filters = sum(int(model.get_layer(name).output.shape[-1]) for name in dead)
    return sum(dead.values()) / filters


def readout_accuracy(
    train_features: np.ndarray, train_labels: np.ndarray, test_features: np.ndarray, test_labels: np.ndarray
) -> float:
    """Test accuracy of a linear classifier (standardized features, multinomial logistic regression,
    scikit-learn's defaults) fitted to fixed features: how much a layer's outputs already tell
    about the labels, with no layer below it trained. Each row of a feature array is one example
    (any trailing shape is flattened)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from threadpoolctl import threadpool_limits

    train_x = np.asarray(train_features, dtype=np.float64).reshape(len(train_features), -1)
    test_x = np.asarray(test_features, dtype=np.float64).reshape(len(test_features), -1)
    if len(train_x) != len(train_labels) or len(test_x) != len(test_labels):
        raise ValueError("each feature array needs one label per row")
    if train_x.shape[1] != test_x.shape[1]:
        raise ValueError(f"train and test features differ in size: {train_x.shape[1]} and {test_x.shape[1]}")
    if len(np.unique(train_labels)) < 2:
        raise ValueError("the training labels must contain at least two classes")
    classifier = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
    # One BLAS thread: beside TensorFlow's thread pools, multithreaded BLAS made these small fits
    # about ten times slower on 2 cores (measured), with the same result.
    with threadpool_limits(limits=1, user_api="blas"):
        classifier.fit(train_x, np.asarray(train_labels))
        return float(classifier.score(test_x, np.asarray(test_labels)))
