import keras
import numpy as np
import pytest

from utils import data, initializers, models, probes, reproducibility


@pytest.fixture(scope="module")
def digits():
    return data.load_digits()


def test_small_cnn_shapes_and_names(digits):
    model = models.small_cnn(digits.input_shape, filters=(4, 6), dense_units=16)
    assert [layer.name for layer in model.layers] == ["conv1", "conv2", "flatten", "dense1", "logits"]
    assert model.output_shape == (None, 10)
    assert model.get_layer("conv2").kernel.shape == (3, 3, 4, 6)


def test_small_cnn_uses_the_initializer(digits):
    model = models.small_cnn(digits.input_shape, keras.initializers.Constant(0.5))
    for kernel in models.kernels(model).values():
        assert np.all(kernel == 0.5)


@pytest.mark.parametrize(
    "kwargs",
    [{"input_shape": (8, 8)}, {"input_shape": (8, 8, 1), "filters": ()}, {"input_shape": (8, 8, 1), "filters": (4, 0)},
     {"input_shape": (4, 4, 1), "filters": (2, 2)}, {"input_shape": (8, 8, 1), "dense_units": 0}],
)
def test_small_cnn_rejects_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        models.small_cnn(**kwargs)


def test_small_cnn_rejects_unknown_initializer(digits):
    with pytest.raises(ValueError):
        models.small_cnn(digits.input_shape, "no_such_initializer")


def test_training_learns_and_is_deterministic(digits):
    results = []
    for _ in range(2):
        reproducibility.seed_everything(11)
        model = models.compile_sgd(models.small_cnn(digits.input_shape, "he_uniform"), 0.05, 0.9)
        history = models.train(model, digits, epochs=3)
        results.append((history, models.kernels(model), models.test_accuracy(model, digits)))
    assert results[0][0]["loss"][-1] < results[0][0]["loss"][0]
    assert results[0][2] > 0.5
    assert results[0][0] == results[1][0]
    for name in results[0][1]:
        np.testing.assert_array_equal(results[0][1][name], results[1][1][name])


def test_compile_and_train_reject_bad_arguments(digits):
    model = models.small_cnn(digits.input_shape)
    with pytest.raises(ValueError, match="compile"):
        models.train(model, digits, epochs=1)
    with pytest.raises(ValueError):
        models.compile_sgd(model, learning_rate=0)
    with pytest.raises(ValueError):
        models.compile_sgd(model, momentum=1.0)
    models.compile_sgd(model)
    with pytest.raises(ValueError):
        models.train(model, digits, epochs=0)


def test_perturb_kernels(digits):
    model = models.small_cnn(digits.input_shape, keras.initializers.Constant(0.1))
    models.perturb_kernels(model, std=0.01, seed=0, layer_names=["conv1"])
    kernels = models.kernels(model)
    assert probes.distinct_units(kernels["conv1"]) == 8
    assert probes.unit_spread(kernels["conv2"]) == 0.0
    assert abs(kernels["conv1"].std() - 0.01) < 0.005
    with pytest.raises(ValueError, match="no layer"):
        models.perturb_kernels(model, std=0.01, seed=0, layer_names=["conv9"])
    with pytest.raises(ValueError):
        models.perturb_kernels(model, std=0.0, seed=0)


def test_kernel_gradients_zero_and_nonzero(digits):
    x, y = digits.x_train[:32], digits.y_train[:32]
    zero = probes.kernel_gradients(models.small_cnn(digits.input_shape, "zeros"), x, y)
    assert set(zero) == {"conv1", "conv2", "dense1", "logits"}
    assert all(not g.any() for g in zero.values())
    random = probes.kernel_gradients(models.small_cnn(digits.input_shape, "he_uniform"), x, y)
    assert all(np.abs(g).max() > 0 for g in random.values())
    with pytest.raises(ValueError):
        probes.kernel_gradients(models.small_cnn(digits.input_shape), x, y[:5])


def test_kernel_gradients_use_a_loss_compiled_by_name(digits):
    x, y = digits.x_train[:16], digits.y_train[:16]
    keras.utils.set_random_seed(0)
    model = models.small_cnn(digits.input_shape, "he_uniform", filters=(2,), dense_units=4)
    default = probes.kernel_gradients(model, x, y)["logits"]  # not compiled: logits cross-entropy
    model.compile(loss="sparse_categorical_crossentropy")  # a name, and on probabilities
    by_name = probes.kernel_gradients(model, x, y)["logits"]
    model.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=False))
    np.testing.assert_allclose(by_name, probes.kernel_gradients(model, x, y)["logits"], rtol=1e-6)
    assert not np.allclose(by_name, default)  # the compiled loss was used, not the default


def test_bias_gradients(digits):
    x, y = digits.x_train[:32], digits.y_train[:32]
    model = models.small_cnn(digits.input_shape, "he_uniform")
    biases = probes.kernel_gradients(model, x, y, parameter="bias")
    assert set(biases) == {"conv1", "conv2", "dense1", "logits"}
    assert all(g.shape == model.get_layer(name).bias.shape for name, g in biases.items())
    assert np.abs(biases["logits"]).max() > 0
    # the logits' bias gradient is the mean over the batch of softmax − one-hot, which sums to zero
    assert abs(float(biases["logits"].sum())) < 1e-6
    with pytest.raises(ValueError, match="parameter"):
        probes.kernel_gradients(model, x, y, parameter="gamma")


def test_kernel_gradients_match_finite_difference(digits):
    keras.utils.set_random_seed(0)
    model = models.small_cnn(digits.input_shape, "he_uniform", filters=(2,), dense_units=4, activation="tanh")
    x, y = digits.x_train[:16], digits.y_train[:16]
    grad = probes.kernel_gradients(model, x, y)["conv1"][0, 0, 0, 0]
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    kernel = model.get_layer("conv1").kernel
    base, eps = kernel.numpy(), 1e-3
    losses = []
    for sign in (1, -1):
        shifted = base.copy()
        shifted[0, 0, 0, 0] += sign * eps
        kernel.assign(shifted)
        losses.append(float(loss_fn(y, model(x))))
    kernel.assign(base)
    assert grad == pytest.approx((losses[0] - losses[1]) / (2 * eps), rel=0.02, abs=1e-3)


def test_unit_spread_and_distinct_units():
    same = np.ones((3, 3, 1, 4))
    assert probes.unit_spread(same) == 0.0 and probes.distinct_units(same) == 1
    different = np.arange(8.0).reshape(2, 4)
    assert probes.unit_spread(different) == 3.0 and probes.distinct_units(different) == 4
    almost = np.array([[1.0, 1.0 + 1e-9, 2.0]])
    assert probes.distinct_units(almost) == 3 and probes.distinct_units(almost, tolerance=1e-6) == 2
    with pytest.raises(ValueError):
        probes.unit_spread(np.ones(4))
    with pytest.raises(ValueError):
        probes.unit_spread(np.ones((4, 1)))
    with pytest.raises(ValueError):
        probes.distinct_units(np.ones((2, 2)), tolerance=-1)


def test_mean_unit_cosine_is_scale_free():
    rng = np.random.default_rng(0)
    base = rng.normal(size=(9, 1))
    copies = np.repeat(base, 5, axis=1) * np.array([1.0, 2.0, 3.0, 4.0, 5.0])  # same direction, other sizes
    assert probes.mean_unit_cosine(copies) == pytest.approx(1.0)
    assert probes.unit_spread(copies) > 1.0  # the absolute spread would call them different
    assert abs(probes.mean_unit_cosine(rng.normal(size=(4000, 6)))) < 0.05  # independent random units
    opposite = np.concatenate([base, -base], axis=1)
    assert probes.mean_unit_cosine(opposite) == pytest.approx(-1.0)
    assert probes.mean_unit_cosine(10 * copies) == pytest.approx(probes.mean_unit_cosine(copies))
    for bad in (np.ones(4), np.ones((4, 1)), np.zeros((3, 2))):
        with pytest.raises(ValueError):
            probes.mean_unit_cosine(bad)


def test_stacks_give_every_layer_its_own_draw():
    # Keras 3 initializer instances repeat their draws; the stacks must not share one between layers.
    generated = keras.initializers.HeNormal(seed=keras.random.SeedGenerator(7))  # chapter 5's remedy
    for initializer in ("he_uniform", keras.initializers.HeUniform(), keras.initializers.RandomNormal(0.0, 0.1),
                        generated):
        model = models.dense_stack(8, 3, 8, "relu", initializer)
        kernels = models.kernels(model)
        assert not np.array_equal(kernels["hidden2"], kernels["hidden3"])
    conv = models.kernels(models.conv_stack((8, 8, 1), 3, 4, "relu", keras.initializers.GlorotUniform()))
    assert not np.array_equal(conv["conv2"], conv["conv3"])


def test_fresh_initializer_keeps_explicit_seeds_reproducible():
    seeded = keras.initializers.HeNormal(seed=7)
    a = models.fresh_initializer(seeded, 1)((4, 4)).numpy()
    b = models.fresh_initializer(seeded, 1)((4, 4)).numpy()
    c = models.fresh_initializer(seeded, 2)((4, 4)).numpy()
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    # A stack from seed 8 must not reuse the layers of a stack from seed 7, shifted by one.
    shifted = models.fresh_initializer(keras.initializers.HeNormal(seed=8), 1)((4, 4)).numpy()
    assert not np.array_equal(c, shifted)
    with pytest.raises(TypeError, match="initializer name"):
        models.fresh_initializer(lambda shape: np.zeros(shape))
    with pytest.raises(ValueError):
        models.fresh_initializer("no_such_initializer")


def test_stack_builders_reject_bad_arguments():
    with pytest.raises(ValueError):
        models.dense_stack(0, 3, 8, "relu", "he_uniform")
    with pytest.raises(ValueError):
        models.conv_stack((8, 8, 1), 5, 4, "relu", "he_uniform", padding="valid")
    with pytest.raises(ValueError):
        models.conv_stack((8, 8, 1), 2, 4, "relu", "he_uniform", padding="reflect")
    with pytest.raises(ValueError):
        models.conv_stack((8, 8, 1), 2, 4, "relu", "he_uniform", use_bias=0)
    with pytest.raises(ValueError):
        models.compile_sgd(models.dense_stack(8, 1, 4, "relu", "he_uniform"), clipnorm=0.0)


def test_signal_propagation_records_every_layer(digits):
    flat = data.load_digits(layout="flat")
    model = models.dense_stack(64, 3, 16, "relu", "he_uniform")
    signal = probes.signal_propagation(model, flat.x_test[:20], flat.y_test[:20])
    assert list(signal) == ["hidden1", "hidden2", "hidden3", "logits"]
    assert signal["hidden2"]["activation"].shape == (20, 16) == signal["hidden2"]["gradient"].shape
    np.testing.assert_allclose(signal["logits"]["activation"], model(flat.x_test[:20]).numpy(), rtol=1e-5)
    with pytest.raises(ValueError):
        probes.signal_propagation(model, flat.x_test[:20], flat.y_test[:3])


def test_rms_and_second_moment():
    assert probes.rms(np.array([3.0, -4.0])) == pytest.approx(np.sqrt(12.5))
    assert probes.second_moment(np.array([1e-30], dtype=np.float32)) == pytest.approx(1e-60, rel=1e-6)
    with pytest.raises(ValueError):
        probes.rms(np.array([]))
    with pytest.raises(ValueError):
        probes.second_moment(np.array([]))


def test_two_layer_cnn_permutation_and_pruning():
    d16 = data.load_digits(size=16)
    reproducibility.seed_everything(0)
    model = models.two_layer_cnn(d16.input_shape, "he_uniform", filters=6)
    x = d16.x_test[:16]
    before = model(x).numpy()
    models.permute_filters(model, "conv1", "conv2", [5, 4, 3, 2, 1, 0])
    np.testing.assert_allclose(model(x).numpy(), before, atol=1e-5)
    with pytest.raises(ValueError):
        models.permute_filters(model, "conv1", "conv2", [0, 0, 1, 2, 3, 4])
    models.remove_filters(model, "conv1", [0, 2])
    kernel = model.get_layer("conv1").kernel.numpy()
    assert not kernel[..., [0, 2]].any() and kernel[..., 1].any()
    with pytest.raises(ValueError):
        models.remove_filters(model, "conv1", [6])
    with pytest.raises(ValueError):
        models.two_layer_cnn((8, 8, 1))


def test_two_layer_cnn_in_double_precision():
    d16 = data.load_digits(size=16)
    reproducibility.seed_everything(0)
    double = models.two_layer_cnn(d16.input_shape, "he_uniform", filters=6, dtype="float64")
    assert all(w.dtype == np.float64 for w in double.get_weights())
    assert models.logits_of(double, d16.x_test[:8]).dtype == np.float64
    # float32 rounding of a relabelled network's logits is gone in float64
    x = d16.x_test[:16]
    before = models.logits_of(double, x)
    models.permute_filters(double, "conv1", "conv2", [5, 4, 3, 2, 1, 0])
    np.testing.assert_allclose(models.logits_of(double, x), before, rtol=0, atol=1e-12)
    with pytest.raises(ValueError, match="dtype"):
        models.two_layer_cnn(d16.input_shape, dtype="float16")


def test_one_layer_gain_matches_theory():
    x = np.random.default_rng(0).standard_normal((256, 64)).astype("float32")
    make = lambda: keras.layers.Dense(64, activation="relu", kernel_initializer="he_normal")  # noqa: E731
    assert probes.one_layer_gain(make, x, draws=8, seed=0) == pytest.approx(1.0, rel=0.1)
    with pytest.raises(ValueError):
        probes.one_layer_gain(make, x, draws=0)


def test_active_units_and_dead_filters(digits):
    model = models.conv_stack(digits.input_shape, 3, 4, "relu", "he_uniform")
    active = probes.active_units(model, digits.x_test[:32])
    assert list(active) == ["conv1", "conv2", "conv3"] and active["conv1"].shape == (32, 8, 8, 4)
    per_layer = probes.dead_filters_per_layer(model, digits.x_test[:32])
    assert probes.dead_filter_fraction(model, digits.x_test[:32]) == sum(per_layer.values()) / 12
    dead = models.conv_stack(digits.input_shape, 2, 4, "relu", "zeros")
    assert probes.dead_filter_fraction(dead, digits.x_test[:32]) == 1.0
    assert probes.dead_filters_per_layer(dead, digits.x_test[:32]) == {"conv1": 4, "conv2": 4}
    # Kill filter 2 of conv2 with a large negative bias: conv2 gains one dead filter (unless it
    # was dead already) and conv1 is unchanged.
    before = probes.dead_filters_per_layer(model, digits.x_test[:32])
    was_alive = bool(active["conv2"][..., 2].any())
    model.get_layer("conv2").bias.assign(np.where(np.arange(4) == 2, -1e6, 0.0).astype("float32"))
    after = probes.dead_filters_per_layer(model, digits.x_test[:32])
    assert after["conv2"] == before["conv2"] + was_alive and after["conv1"] == before["conv1"]
    with pytest.raises(ValueError):
        probes.active_units(model, digits.x_test[:4], prefix="lstm")


def test_filter_peaks_tells_a_bias_kill_from_a_kernel_kill(digits):
    x = digits.x_test[:32]
    model = models.conv_stack(digits.input_shape, 2, 4, "relu", "he_uniform")
    conv2 = model.get_layer("conv2")
    kernel = conv2.kernel.numpy()
    kernel[..., 1] = -np.abs(kernel[..., 1])  # filter 1 reads non-negative ReLU inputs: never positive
    conv2.kernel.assign(kernel)
    conv2.bias.assign(np.array([0.0, 0.0, -1e3, 0.0], dtype="float32"))  # filter 2: killed by its bias
    found = probes.filter_peaks(model, x)
    c = found["conv2"]
    assert list(found) == ["conv1", "conv2"] and c["dead"][1] and c["dead"][2]
    assert c["bias"][2] < 0 < c["peak"][2]  # its kernel alone would fire: the bias switches it off
    assert c["bias"][1] == 0 and c["peak"][1] <= 0  # dead even with a zero bias
    # the peak is the largest pre-activation without the bias, computed independently
    h = np.asarray(model.get_layer("conv1")(x))  # conv1's ReLU output, conv2's input
    z = np.asarray(keras.ops.conv(h, conv2.kernel, padding="same"))
    assert np.allclose(c["peak"], z.reshape(-1, 4).max(axis=0))
    assert np.array_equal(c["dead"], ~(np.asarray(conv2(h)) != 0).reshape(-1, 4).any(axis=0))
    with pytest.raises(ValueError):
        probes.filter_peaks(model, x, prefix="dense")


def test_accuracy_counts_correct_predictions(digits):
    model = models.small_cnn(digits.input_shape, "zeros")  # predicts class 0 for every image
    x, y = digits.x_test[:40], digits.y_test[:40]
    assert models.accuracy(model, x, y) == pytest.approx(np.mean(y == 0))
    with pytest.raises(ValueError):
        models.accuracy(model, x, y[:3])


def test_steps_per_execution_gives_the_same_training(digits):
    weights = []
    histories = []
    for steps in (1, 8, models.STEPS_PER_CALL):  # one step per call, several, a whole epoch
        reproducibility.seed_everything(3)
        model = models.compile_sgd(models.small_cnn(digits.input_shape, "he_uniform"), 0.05, 0.9, steps_per_execution=steps)
        histories.append(models.train(model, digits, epochs=2))
        weights.append(model.get_weights())
    assert all(np.array_equal(a, b) for w in weights[1:] for a, b in zip(weights[0], w))
    assert histories[0] == histories[1] == histories[2]
    assert models.STEPS_PER_CALL >= -(-len(digits.x_train) // 10)  # an epoch of batches of 10 fits in one call
    for bad in (0, 1.5, True):
        with pytest.raises(ValueError):
            models.compile_sgd(models.small_cnn(digits.input_shape, "he_uniform"), steps_per_execution=bad)


def test_compiled_models_create_no_variables_while_training(digits):
    """compile_sgd and compile_adam build the optimizer and metrics up front, so the training
    step is traced once; the training is the same as from a plain Keras compile."""
    for compile_model in (models.compile_sgd, models.compile_adam):
        reproducibility.seed_everything(5)
        model = compile_model(models.small_cnn(digits.input_shape, "he_uniform"), 0.01)
        before = len(model.variables) + len(model.optimizer.variables) + len(model.metrics_variables)
        assert int(model.optimizer.iterations.numpy()) == 0
        assert all(not np.any(keras.ops.convert_to_numpy(v)) for v in model.metrics_variables)
        history = models.train(model, digits, epochs=1)
        after = len(model.variables) + len(model.optimizer.variables) + len(model.metrics_variables)
        assert after == before
        reproducibility.seed_everything(5)
        plain = models.small_cnn(digits.input_shape, "he_uniform")
        optimizer = (
            keras.optimizers.SGD(0.01, momentum=0.9)
            if compile_model is models.compile_sgd
            else keras.optimizers.Adam(0.01)
        )
        plain.compile(
            optimizer=optimizer,
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            metrics=["accuracy"],
        )
        expected = plain.fit(digits.x_train, digits.y_train, epochs=1, batch_size=64, verbose=0).history
        assert history["loss"] == expected["loss"] and history["accuracy"] == expected["accuracy"]
        for a, b in zip(model.get_weights(), plain.get_weights()):
            np.testing.assert_array_equal(a, b)


def test_cross_entropy_of_uniform_logits_is_log_ten(digits):
    model = models.small_cnn(digits.input_shape, "zeros")  # equal logits for all ten classes
    x, y = digits.x_test[:40], digits.y_test[:40]
    assert models.cross_entropy(model, x, y) == pytest.approx(np.log(10), rel=1e-5)
    trained = models.compile_sgd(models.small_cnn(digits.input_shape, "he_uniform"), 0.05, 0.9)
    models.train(trained, digits, epochs=2)
    assert models.cross_entropy(trained, x, y) < 1.0  # not a constant: it falls with training
    with pytest.raises(ValueError):
        models.cross_entropy(model, x, y[:3])


def test_validation_does_not_change_training(digits):
    weights, histories = [], []
    for validate in (False, True):
        reproducibility.seed_everything(4)
        model = models.compile_sgd(models.small_cnn(digits.input_shape, "he_uniform"), 0.05, 0.9)
        histories.append(models.train(model, digits, epochs=2, validate=validate))
        weights.append(model.get_weights())
    for a, b in zip(*weights):
        np.testing.assert_array_equal(a, b)
    assert "val_accuracy" not in histories[0] and len(histories[1]["val_accuracy"]) == 2
    assert histories[0]["loss"] == histories[1]["loss"]


def test_dense_stack_takes_an_activation_function_and_names_the_model_after_it():
    def centred_sigmoid(x):
        return keras.ops.sigmoid(x) - 0.5

    model = models.dense_stack(4, 2, 3, centred_sigmoid, "glorot_uniform")
    assert model.name == "dense_centred_sigmoid_2"
    out = model.get_layer("hidden2")(model.get_layer("hidden1")(np.zeros((1, 4), "float32")))
    assert np.allclose(keras.ops.convert_to_numpy(out), 0.0)  # zero bias: sigmoid(0) - ½


def test_restart_trains_like_a_freshly_compiled_model():
    from utils import data

    digits = data.load_digits(size=8)
    small = data.Split(digits.x_train[:128], digits.y_train[:128], digits.x_test, digits.y_test)

    def build(seed):
        keras.utils.set_random_seed(seed)
        network = models.conv_stack((8, 8, 1), 2, 4, "tanh", "glorot_uniform")
        return models.compile_sgd(network, 0.05, 0.9, clipnorm=1.0)

    reference, used = build(1), build(2)
    start = reference.get_weights()
    models.train(used, small, epochs=1, batch_size=32)  # traced, with momentum built up
    models.restart(used, start)
    assert int(used.optimizer.iterations.numpy()) == 0
    assert float(used.optimizer.learning_rate.numpy()) == pytest.approx(0.05)
    keras.utils.set_random_seed(3)
    expected = models.train(reference, small, epochs=2, batch_size=32)["loss"]
    keras.utils.set_random_seed(3)
    got = models.train(used, small, epochs=2, batch_size=32)["loss"]
    np.testing.assert_allclose(got, expected, rtol=1e-5)
    for a, b in zip(used.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)
    with pytest.raises(ValueError):
        models.restart(used, start[:-1])


def test_conv_stack_without_biases_keeps_the_logits_bias():
    model = models.conv_stack((8, 8, 1), 3, 4, "tanh", "glorot_uniform", use_bias=False)
    assert [v.path.split("/")[-1] for v in model.trainable_variables] == ["kernel"] * 4 + ["bias"]
    assert model.get_layer("logits").bias is not None


def test_batch_order_depends_only_on_the_global_seed():
    # Chapters restart one compiled model without re-seeding between runs (re-seeding clears
    # TensorFlow's kernel cache: the next training step re-optimises its graph, seconds for a deep
    # network). That is sound only if fit's shuffling ignores every random draw made in between.
    import tensorflow as tf

    from utils import data

    digits = data.load_digits(size=8)
    small = data.Split(digits.x_train[:256], digits.y_train[:256], digits.x_test, digits.y_test)
    reproducibility.seed_everything(3)
    model = models.compile_sgd(models.conv_stack((8, 8, 1), 2, 4, "tanh", "glorot_uniform"), 0.05, 0.9)
    start = model.get_weights()
    first = models.train(model, small, epochs=2, batch_size=32)["loss"]
    tf.random.uniform((5,)), keras.random.normal((5,)), np.random.rand(5)  # draws in between
    models.conv_stack((8, 8, 1), 2, 4, "tanh", "he_normal")
    models.restart(model, start)
    again = models.train(model, small, epochs=2, batch_size=32)["loss"]
    assert again == first  # bit for bit
    tf.random.set_seed(4)  # another global seed: another order, hence another history
    models.restart(model, start)
    other = models.train(model, small, epochs=2, batch_size=32)["loss"]
    assert other[0] != first[0]


def test_framework_stacks_draw_each_framework_default():
    keras.utils.set_random_seed(0)
    width = 512
    for framework in models.FRAMEWORKS:
        model = models.framework_dense_stack(framework, 64, 2, width, "relu")
        assert [layer.name for layer in model.layers] == ["hidden1", "hidden2", "logits"]
        hidden2 = model.get_layer("hidden2")
        kernel, bias = hidden2.kernel.numpy(), hidden2.bias.numpy()
        expected_var = {"Keras": 2 / (2 * width), "PyTorch": 1 / (3 * width), "Flax": 1 / width}
        assert abs(kernel.var() / expected_var[framework] - 1) < 0.02, framework
        # The shape of the law, not only its variance: two uniforms reach their bounds; Flax's
        # truncated normal (cut at two of its untruncated deviations) passes a uniform's bound.
        largest, std = np.abs(kernel).max(), np.sqrt(expected_var[framework])
        if framework == "Flax":
            assert 2.0 * std < largest <= 2 * std / initializers.TRUNCATION_STDDEV + 1e-6
        else:
            assert 0.99 * np.sqrt(3) * std < largest <= np.sqrt(3) * std + 1e-6, framework
        if framework == "PyTorch":
            bound = 1 / np.sqrt(width)
            assert np.abs(bias).max() <= bound and bias.std() > 0.5 * bound / np.sqrt(3)
            first = model.get_layer("hidden1").bias.numpy()
            assert np.abs(first).max() > 1 / np.sqrt(width)  # fan-in 64: a wider range
        else:
            assert not bias.any()
    with pytest.raises(ValueError, match="framework"):
        models.framework_initializers("JAX", 64)
    with pytest.raises(ValueError, match="fan_in"):
        models.framework_initializers("Keras", 0)


def test_input_dependent_share():
    rng = np.random.default_rng(0)
    centred = rng.normal(size=(512, 8))
    assert probes.input_dependent_share(centred) == pytest.approx(1.0, abs=0.02)
    same_for_all = np.tile(rng.normal(size=(1, 3, 4)), (16, 1, 1))
    assert probes.input_dependent_share(same_for_all) < 1e-12
    # a constant offset of 3 on unit-variance noise: 1 / (1 + 9) of the second moment varies
    assert probes.input_dependent_share(centred + 3.0) == pytest.approx(0.1, rel=0.05)
    assert np.isnan(probes.input_dependent_share(np.zeros((4, 2))))
    with pytest.raises(ValueError, match="at least 2 examples"):
        probes.input_dependent_share(np.ones((1, 5)))


def test_readout_accuracy_reads_what_the_features_hold():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 3, 300)
    informative = rng.normal(size=(300, 4, 5)) + 3.0 * labels[:, None, None]  # trailing shape flattened
    assert probes.readout_accuracy(informative[:200], labels[:200], informative[200:], labels[200:]) > 0.95
    noise = rng.normal(size=(300, 20))  # features that say nothing: about chance
    assert probes.readout_accuracy(noise[:200], labels[:200], noise[200:], labels[200:]) < 0.6
    with pytest.raises(ValueError):
        probes.readout_accuracy(noise[:200], labels[:199], noise[200:], labels[200:])
    with pytest.raises(ValueError):
        probes.readout_accuracy(noise[:200], labels[:200], noise[200:, :5], labels[200:])


def test_logits_of_matches_predict_in_batches(digits):
    model = models.conv_stack(digits.input_shape, 3, 8, "tanh", "glorot_uniform")
    x = digits.x_test[:300]
    expected = model.predict(x, verbose=0, batch_size=512)
    np.testing.assert_array_equal(models.logits_of(model, x), expected)
    np.testing.assert_allclose(models.logits_of(model, x, batch_size=64), expected, rtol=1e-6, atol=1e-6)
    assert models.logits_of(model, x, batch_size=64).shape == (300, 10)


@pytest.mark.parametrize("batch_size", [0, -1, 2.5, True])
def test_logits_of_rejects_bad_batch_sizes(digits, batch_size):
    model = models.conv_stack(digits.input_shape, 1, 4, "tanh", "glorot_uniform")
    with pytest.raises(ValueError, match="batch_size"):
        models.logits_of(model, digits.x_test[:10], batch_size=batch_size)
