"""Small Keras models and the training loop the chapters share.

The models are kept plain on purpose (no batch normalisation, no skip connections) and train with
plain SGD: adaptive optimisers and normalisation layers hide what initialization does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from utils import reproducibility
from utils.data import N_CLASSES, Split
from utils.validation import positive_int, positive_number

reproducibility.quiet_tensorflow()
import keras  # noqa: E402  (after TensorFlow has been quietened)


def fresh_initializer(initializer: Any, layer_index: int = 0) -> keras.initializers.Initializer:
    """An initializer for one layer that draws values of its own, so that no two layers share draws.

    In Keras 3 an initializer instance draws the *same* values every time it is called — an
    unseeded one picks its seed once, when it is created. Passing one instance to several layers of
    the same shape therefore gives them identical weights (chapter 5). This returns an instance that
    draws its own values:
    from a name or config, a fresh one; from an unseeded instance, a copy with a new seed; an instance
    seeded with a ``keras.random.SeedGenerator`` itself (its draws advance); from an instance seeded
    with an integer, a copy seeded with ``reproducibility.layer_seed(seed,
    layer_index)``, a hash of the pair, so that layers differ, the model is still reproducible, and
    stacks from neighbouring seeds share no layer.
    """
    if isinstance(initializer, (str, dict)):
        return keras.initializers.get(initializer)
    if not isinstance(initializer, keras.initializers.Initializer):
        raise TypeError(
            f"pass an initializer name (e.g. 'he_uniform') or a keras.initializers.Initializer, "
            f"got {type(initializer).__name__}"
        )
    if isinstance(getattr(initializer, "seed", None), keras.random.SeedGenerator):
        # A generator advances with every draw: the instance itself gives each layer new values,
        # where a copy from its config would restart the generator from the same seed each time.
        return initializer
    config = initializer.get_config()
    if isinstance(config.get("seed"), int):
        config["seed"] = reproducibility.layer_seed(config["seed"], layer_index)
    return type(initializer).from_config(config)


def small_cnn(
    input_shape: Sequence[int],
    kernel_initializer: Any = "glorot_uniform",
    filters: Sequence[int] = (8, 8),
    dense_units: int = 32,
    classes: int = N_CLASSES,
    activation: str = "relu",
) -> keras.Model:
    """Conv2D(3×3) layers, then one hidden Dense layer and a Dense output of logits.

    Every kernel uses ``kernel_initializer`` (a Keras initializer or its name) and every bias
    starts at zero. Layers are named ``conv1``, ``conv2``, …, ``dense1`` and ``logits``.
    """
    if len(input_shape) != 3 or any(int(s) <= 0 for s in input_shape):
        raise ValueError(f"input_shape must be (height, width, channels) > 0, got {tuple(input_shape)}")
    if not filters or any(int(f) <= 0 for f in filters):
        raise ValueError(f"filters must be a non-empty sequence of positive counts, got {filters!r}")
    for name, value in (("dense_units", dense_units), ("classes", classes)):
        positive_int(name, value)
    side = min(input_shape[:2]) - 2 * len(filters)
    if side < 1:
        raise ValueError(f"{len(filters)} valid 3×3 convolutions do not fit in {tuple(input_shape[:2])}")
    fresh_initializer(kernel_initializer)  # fail early on an unknown name
    layers: list[keras.layers.Layer] = [keras.Input(tuple(int(s) for s in input_shape))]
    for i, f in enumerate(filters, 1):
        layers.append(keras.layers.Conv2D(int(f), 3, activation=activation, name=f"conv{i}",
                                          kernel_initializer=fresh_initializer(kernel_initializer, i)))
    n = len(filters)
    layers += [
        keras.layers.Flatten(name="flatten"),
        keras.layers.Dense(dense_units, activation=activation, name="dense1",
                           kernel_initializer=fresh_initializer(kernel_initializer, n + 1)),
        keras.layers.Dense(classes, name="logits", kernel_initializer=fresh_initializer(kernel_initializer, n + 2)),
    ]
    return keras.Sequential(layers, name="small_cnn")


STEPS_PER_CALL = 1000  # SGD steps per call into TensorFlow: an epoch of any data set in the book


def compile_sgd(
    model: keras.Model,
    learning_rate: float = 0.05,
    momentum: float = 0.9,
    clipnorm: float | None = None,
    steps_per_execution: int = STEPS_PER_CALL,
) -> keras.Model:
    """Compile ``model`` for integer labels and logits, with plain SGD (with momentum).

    ``clipnorm`` caps the norm of each weight's gradient: it tames the rare huge first steps of a
    very deep plain network without helping a network whose gradients vanish.
    ``steps_per_execution`` runs up to that many SGD steps per call into TensorFlow (a call ends
    with the epoch): the same steps with the same result, bit for bit, but less Python overhead per
    step — a quarter of the time of a small network's epoch. The default covers a whole epoch of
    the book's data sets.
    """
    steps_per_execution = positive_int("steps_per_execution", steps_per_execution)
    learning_rate = positive_number("learning_rate", learning_rate)
    if not 0 <= momentum < 1:
        raise ValueError(f"momentum must be in [0, 1), got {momentum}")
    clipnorm = None if clipnorm is None else positive_number("clipnorm", clipnorm)
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=learning_rate, momentum=momentum, clipnorm=clipnorm),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
        steps_per_execution=steps_per_execution,
    )
    _build_training_state(model)
    return model


def _build_training_state(model: keras.Model) -> None:
    """Create the optimizer's and the accuracy metric's variables now, before the first ``fit``.

    Keras creates them lazily, inside the first trace of the training step, and TensorFlow then
    traces that step a second time (a function may create variables only on its first trace).
    Building them here halves the tracing cost of every compiled network, seconds for a deep one;
    the training is bit for bit the same (tested).
    """
    if not model.built:
        return  # a model without an input shape builds on its first batch; Keras handles it
    x = keras.ops.zeros((1, *model.input_shape[1:]))
    logits = keras.ops.zeros((1, *model.output_shape[1:]))
    model.compute_metrics(x, keras.ops.zeros((1,), dtype="int32"), logits, sample_weight=None)
    model.reset_metrics()
    model.optimizer.build(model.trainable_variables)


def train(
    model: keras.Model, data: Split, epochs: int, batch_size: int = 64, validate: bool = False
) -> dict[str, list[float]]:
    """Fit a compiled model silently; return its history (loss and accuracy per epoch).

    ``validate=True`` also evaluates the test set after every epoch (``val_loss``,
    ``val_accuracy``), for learning curves. It does not change the training, only its cost.
    """
    epochs = positive_int("epochs", epochs)
    if getattr(model, "optimizer", None) is None:
        raise ValueError("compile the model first (utils.models.compile_sgd)")
    history = model.fit(
        data.x_train,
        data.y_train,
        epochs=epochs,
        batch_size=batch_size,
        validation_data=(data.x_test, data.y_test) if validate else None,
        verbose=0,
    )
    return {k: [float(v) for v in vs] for k, vs in history.history.items()}


def logits_of(model: keras.Model, x: np.ndarray, batch_size: int = 512) -> np.ndarray:
    """The model's outputs for ``x`` in inference mode, computed in batches of ``batch_size``.

    The same numbers as ``model.predict`` (tested), without tracing a prediction function for every
    new model: a few tenths of a second each time, which the book's many small evaluations add up.
    """
    batch_size = positive_int("batch_size", batch_size)
    if len(x) == 0:
        raise ValueError("x is empty")
    return np.concatenate(
        [keras.ops.convert_to_numpy(model(x[i:i + batch_size], training=False)) for i in range(0, len(x), batch_size)]
    )


def cross_entropy(model: keras.Model, x: np.ndarray, y: np.ndarray) -> float:
    """Mean cross-entropy (nats) of a logit-output model on ``x`` with labels ``y``, as it stands.

    Used for the loss at initialization ("epoch 0"), which ``model.fit``'s history does not record.
    """
    if len(x) != len(y):
        raise ValueError(f"x and y must have the same length, got {len(x)} and {len(y)}")
    logits = logits_of(model, x)
    losses = keras.losses.sparse_categorical_crossentropy(y, logits, from_logits=True)
    return float(np.mean(keras.ops.convert_to_numpy(losses)))


def accuracy(model: keras.Model, x: np.ndarray, y: np.ndarray) -> float:
    """Fraction of the examples ``x`` that the model classifies as ``y``."""
    if len(x) != len(y):
        raise ValueError(f"x and y must have the same length, got {len(x)} and {len(y)}")
    logits = logits_of(model, x)
    return float(np.mean(logits.argmax(axis=1) == y))


def test_accuracy(model: keras.Model, data: Split) -> float:
    """Fraction of the test set the model classifies correctly."""
    return accuracy(model, data.x_test, data.y_test)


def kernels(model: keras.Model) -> dict[str, np.ndarray]:
    """Every layer's kernel as a numpy array, keyed by layer name."""
    return {layer.name: layer.kernel.numpy() for layer in model.layers if hasattr(layer, "kernel")}


def perturb_kernels(
    model: keras.Model, std: float, seed: int, layer_names: Sequence[str] | None = None
) -> None:
    """Add N(0, std²) noise to the kernels of the named layers (all layers with a kernel if None)."""
    std = positive_number("std", std)
    with_kernel = {layer.name: layer for layer in model.layers if hasattr(layer, "kernel")}
    names = list(with_kernel) if layer_names is None else list(layer_names)
    unknown = [n for n in names if n not in with_kernel]
    if unknown:
        raise ValueError(f"no layer with a kernel named {unknown}; the model has {list(with_kernel)}")
    rng = np.random.default_rng(seed)
    for name in names:
        kernel = with_kernel[name].kernel
        noise = rng.normal(0.0, std, kernel.shape).astype(kernel.dtype)
        kernel.assign(kernel.numpy() + noise)



def restart(model: keras.Model, weights: Sequence[np.ndarray]) -> None:
    """Load ``weights`` into a compiled ``model`` and zero its optimizer's state (momenta, step
    count), so that the next ``fit`` trains from them exactly as a freshly compiled model would —
    without tracing the training step again, which for a 100-layer network costs more than its
    epochs. ``weights`` is ``other_model.get_weights()`` of a model of the same architecture.

    No re-seeding is needed between restarts: ``fit`` shuffles inside a traced function seeded
    from TensorFlow's global seed alone, so while that seed is unchanged every run sees the batches
    in the same order (tested). Re-seeding would cost time: ``tf.random.set_seed`` clears
    TensorFlow's kernel cache, and the next training step re-optimises its graph (about 6 s for a
    100-layer network).
    """
    if getattr(model, "optimizer", None) is None:
        raise ValueError("compile the model first (utils.models.compile_sgd)")
    current = model.get_weights()
    if len(weights) != len(current) or any(np.shape(w) != c.shape for w, c in zip(weights, current)):
        raise ValueError("weights do not match the model's architecture")
    model.set_weights(weights)
    optimizer = model.optimizer
    learning_rate = getattr(optimizer, "_learning_rate", None)
    for variable in optimizer.variables:  # the step count and every slot (momenta); not the rate
        if variable is not learning_rate:
            variable.assign(np.zeros(variable.shape, dtype=variable.dtype))

FRAMEWORKS = ("Keras", "PyTorch", "Flax")


def framework_initializers(framework: str, fan_in: int) -> tuple[Any, Any]:
    """(kernel, bias) initializers of a Dense layer with ``fan_in`` inputs, as each framework draws
    them by default, written as Keras initializers.

    Keras: ``glorot_uniform`` and zeros. PyTorch (``nn.Linear``, per its documentation):
    U(±1/√fan_in) for the weights — ``kaiming_uniform_`` with a = √5, whose bound is
    √(3·(1/3)/fan_in), so ``VarianceScaling(1/3, "fan_in", "uniform")`` — and U(±1/√fan_in) for the
    biases. Flax (``linen.Dense``): ``lecun_normal`` (a truncated normal of variance 1/fan_in) and
    zeros.
    """
    if framework not in FRAMEWORKS:
        raise ValueError(f"framework must be one of {FRAMEWORKS}, got {framework!r}")
    fan_in = positive_int("fan_in", fan_in)
    bound = 1 / np.sqrt(fan_in)
    return {
        "Keras": (keras.initializers.GlorotUniform(), keras.initializers.Zeros()),
        "PyTorch": (
            keras.initializers.VarianceScaling(1 / 3, "fan_in", "uniform"),
            keras.initializers.RandomUniform(-bound, bound),
        ),
        "Flax": (keras.initializers.LecunNormal(), keras.initializers.Zeros()),
    }[framework]


def framework_dense_stack(
    framework: str,
    input_dim: int,
    depth: int,
    width: int,
    activation: str | Callable[[Any], Any],
    classes: int = N_CLASSES,
) -> keras.Model:
    """The network of :func:`dense_stack`, every layer (logits included) initialized with
    ``framework``'s defaults (:func:`framework_initializers`); same layer names and weight shapes."""
    model = dense_stack(input_dim, depth, width, activation, "zeros", classes)
    fan_in = input_dim
    for layer in model.layers:
        kernel, bias = framework_initializers(framework, fan_in)
        layer.kernel.assign(kernel(layer.kernel.shape))
        layer.bias.assign(bias(layer.bias.shape))
        fan_in = layer.kernel.shape[1]
    return model


def dense_stack(
    input_dim: int,
    depth: int,
    width: int,
    activation: str | Callable[[Any], Any],
    kernel_initializer: Any,
    classes: int = N_CLASSES,
) -> keras.Model:
    """``depth`` hidden Dense layers of ``width`` units, then a Dense layer of logits.

    Hidden layers are named ``hidden1`` … and share ``kernel_initializer``; the output layer uses
    Glorot uniform so that only the hidden layers' initialization varies between experiments.
    """
    for name, value in (("input_dim", input_dim), ("depth", depth), ("width", width), ("classes", classes)):
        positive_int(name, value)
    fresh_initializer(kernel_initializer)  # fail early on an unknown name
    layers: list[Any] = [keras.Input((input_dim,))]
    layers += [keras.layers.Dense(width, activation=activation, name=f"hidden{i}",
                                  kernel_initializer=fresh_initializer(kernel_initializer, i))
               for i in range(1, depth + 1)]
    layers.append(keras.layers.Dense(classes, name="logits"))
    name = getattr(activation, "__name__", activation)  # a function, e.g. a centred sigmoid
    return keras.Sequential(layers, name=f"dense_{name}_{depth}")


def conv_stack(
    input_shape: Sequence[int],
    depth: int,
    channels: int,
    activation: str,
    kernel_initializer: Any,
    padding: str = "same",
    classes: int = N_CLASSES,
    output_initializer: Any = "glorot_uniform",
    use_bias: bool = True,
) -> keras.Model:
    """``depth`` 3×3 Conv2D layers of ``channels`` filters, then Flatten and a Dense layer of logits.

    The Conv2D layers are named ``conv1`` … and use ``kernel_initializer``; the logits layer uses
    ``output_initializer`` ("zeros" makes the initial loss exactly ln(classes) whatever the scale
    of the last hidden layer). ``use_bias=False`` drops the Conv2D layers' biases (the logits keep
    theirs): half the variables, hence a cheaper training step to trace for a very deep stack.
    """
    if len(input_shape) != 3 or any(int(s) <= 0 for s in input_shape):
        raise ValueError(f"input_shape must be (height, width, channels) > 0, got {tuple(input_shape)}")
    for name, value in (("depth", depth), ("channels", channels)):
        positive_int(name, value)
    if padding not in ("same", "valid"):
        raise ValueError(f"padding must be 'same' or 'valid', got {padding!r}")
    if padding == "valid" and min(input_shape[:2]) - 2 * depth < 1:
        raise ValueError(f"{depth} valid 3×3 convolutions do not fit in {tuple(input_shape[:2])}")
    if not isinstance(use_bias, bool):
        raise ValueError(f"use_bias must be True or False, got {use_bias!r}")
    fresh_initializer(kernel_initializer)  # fail early on an unknown name
    layers: list[Any] = [keras.Input(tuple(int(s) for s in input_shape))]
    layers += [keras.layers.Conv2D(channels, 3, padding=padding, activation=activation, name=f"conv{i}",
                                   use_bias=use_bias, kernel_initializer=fresh_initializer(kernel_initializer, i))
               for i in range(1, depth + 1)]
    layers += [keras.layers.Flatten(name="flatten"),
               keras.layers.Dense(classes, kernel_initializer=fresh_initializer(output_initializer), name="logits")]
    return keras.Sequential(layers, name=f"conv_{activation}_{depth}")


def two_layer_cnn(
    input_shape: Sequence[int], kernel_initializer: Any = "he_uniform", filters: int = 16, dtype: str = "float32"
) -> keras.Model:
    """Conv2D(5×5) → max-pool → Conv2D(3×3) → Flatten → Dense logits: a small CNN whose first-layer
    filters are large enough to look at. Layers: ``conv1``, ``pool1``, ``conv2``, ``flatten``, ``logits``.

    ``dtype="float64"`` builds it in double precision (weights and arithmetic; float32 inputs are
    cast), for comparisons that float32 rounding, amplified by training, would blur."""
    if len(input_shape) != 3 or min(int(s) for s in input_shape[:2]) < 9:
        raise ValueError(f"input_shape must be (height, width, channels) with sides of at least 9, got {tuple(input_shape)}")
    filters = positive_int("filters", filters)
    if dtype not in ("float32", "float64"):
        raise ValueError(f"dtype must be 'float32' or 'float64', got {dtype!r}")
    fresh_initializer(kernel_initializer)
    return keras.Sequential([
        keras.Input(tuple(int(s) for s in input_shape), dtype=dtype),
        keras.layers.Conv2D(filters, 5, activation="relu", kernel_initializer=fresh_initializer(kernel_initializer, 1),
                            name="conv1", dtype=dtype),
        keras.layers.MaxPooling2D(2, name="pool1", dtype=dtype),
        keras.layers.Conv2D(filters, 3, activation="relu", kernel_initializer=fresh_initializer(kernel_initializer, 2),
                            name="conv2", dtype=dtype),
        keras.layers.Flatten(name="flatten", dtype=dtype),
        keras.layers.Dense(N_CLASSES, kernel_initializer=fresh_initializer(kernel_initializer, 3), name="logits",
                           dtype=dtype),
    ], name="two_layer_cnn")


def permute_filters(model: keras.Model, layer: str, next_layer: str, permutation: Sequence[int]) -> None:
    """Reorder the filters of Conv2D ``layer`` and, to match, the input channels of Conv2D ``next_layer``.

    The network computes the same function afterwards (up to float rounding): only the labels of
    the filters change.
    """
    first, second = model.get_layer(layer), model.get_layer(next_layer)
    permutation = np.asarray(permutation)
    n = first.kernel.shape[-1]
    if sorted(permutation.tolist()) != list(range(n)):
        raise ValueError(f"permutation must reorder range({n}), got {permutation.tolist()}")
    if second.kernel.shape[-2] != n:
        raise ValueError(f"{next_layer} takes {second.kernel.shape[-2]} channels, {layer} makes {n}")
    first.kernel.assign(first.kernel.numpy()[..., permutation])
    first.bias.assign(first.bias.numpy()[permutation])
    second.kernel.assign(second.kernel.numpy()[..., permutation, :])


def remove_filters(model: keras.Model, layer: str, indices: Sequence[int]) -> None:
    """Prune filters of a Conv2D layer: zero their kernels and biases, so they output zero."""
    conv = model.get_layer(layer)
    indices = np.asarray(indices, dtype=int)
    n = conv.kernel.shape[-1]
    if indices.size and (indices.min() < 0 or indices.max() >= n):
        raise ValueError(f"filter indices must be in [0, {n}), got {indices.tolist()}")
    kernel, bias = conv.kernel.numpy(), conv.bias.numpy()
    kernel[..., indices] = 0.0
    bias[indices] = 0.0
    conv.kernel.assign(kernel)
    conv.bias.assign(bias)


def compile_adam(
    model: keras.Model, learning_rate: float = 1e-3, epsilon: float = 1e-7, steps_per_execution: int = STEPS_PER_CALL
) -> keras.Model:
    """Compile ``model`` like :func:`compile_sgd` (integer labels, logits) but with Adam.

    Adam divides each weight's step by a running root mean square of its gradient, plus
    ``epsilon`` (Keras's default 1e-7): steps are about ``learning_rate`` in size whatever the
    gradient's scale, as long as that scale is well above ``epsilon``.
    """
    steps_per_execution = positive_int("steps_per_execution", steps_per_execution)
    learning_rate = positive_number("learning_rate", learning_rate)
    epsilon = positive_number("epsilon", epsilon)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate, epsilon=epsilon),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
        steps_per_execution=steps_per_execution,
    )
    _build_training_state(model)
    return model


def train_per_batch(model: keras.Model, data: Split, epochs: int, batch_size: int = 32, seed: int = 0) -> np.ndarray:
    """Train a compiled model batch by batch and return the loss of every batch, in order.

    Each loss is the batch's mean loss *before* its update, so the first value is the loss at
    initialization on the first batch. The training set is shuffled afresh every epoch by a numpy
    generator seeded with ``seed``; a last batch smaller than ``batch_size`` is dropped, so every
    epoch has ``len(data.x_train) // batch_size`` batches. (``model.fit`` reports only running means
    per epoch; this is for loss curves at the resolution of single steps.)
    """
    epochs = positive_int("epochs", epochs)
    batch_size = positive_int("batch_size", batch_size)
    if batch_size > len(data.x_train):
        raise ValueError(f"batch_size {batch_size} exceeds the {len(data.x_train)} training examples")
    if getattr(model, "optimizer", None) is None:
        raise ValueError("compile the model first (utils.models.compile_sgd or compile_adam)")
    rng = np.random.default_rng(seed)
    per_epoch = len(data.x_train) // batch_size
    losses = []
    for _ in range(epochs):
        order = rng.permutation(len(data.x_train))
        for b in range(per_epoch):
            batch = order[b * batch_size:(b + 1) * batch_size]
            result = model.train_on_batch(data.x_train[batch], data.y_train[batch])
            losses.append(float(np.ravel(result)[0]))
    return np.asarray(losses)
