"""The batch-normalized builder of chapter 8b, its scale invariance, its prediction, its errors and
its exercises' self-checks."""

import keras
import numpy as np
import pytest

from utils import batchnorm, exercises


@pytest.fixture(scope="module")
def images():
    rng = np.random.default_rng(0)
    return rng.standard_normal((64, 8, 8, 1)).astype(np.float32), rng.integers(0, 10, 64)


def test_layers_and_names():
    model = batchnorm.normalized_stack((8, 8, 1), 3, 4)
    names = [layer.name for layer in model.layers]
    assert names == ["conv1", "bn1", "relu1", "conv2", "bn2", "relu2", "conv3", "bn3", "relu3",
                     "flatten", "logits"]
    assert all(model.get_layer(f"conv{l}").bias is None for l in (1, 2, 3))  # BN's beta instead
    assert model.get_layer("bn1").epsilon == pytest.approx(batchnorm.KERAS_EPSILON)
    plain = batchnorm.normalized_stack((8, 8, 1), 2, 4, batch_norm=False)
    assert [layer.name for layer in plain.layers] == ["conv1", "relu1", "conv2", "relu2", "flatten", "logits"]
    assert plain.get_layer("conv1").bias is not None
    dense = batchnorm.normalized_stack((16,), 2, 5, kind="dense")
    assert batchnorm.hidden_kernel_layers(dense) == ["dense1", "dense2"]
    assert dense(np.zeros((2, 16), dtype=np.float32)).shape == (2, 10)


def test_output_initializer():
    model = batchnorm.normalized_stack((8, 8, 1), 2, 4, kernel_initializer=keras.initializers.Constant(0.1),
                                       output_initializer=keras.initializers.Constant(0.1))
    assert np.all(model.get_layer("logits").kernel.numpy() == np.float32(0.1))
    assert np.all(model.get_layer("conv2").kernel.numpy() == np.float32(0.1))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"kind": "lstm"}, "kind"),
        ({"depth": 0}, "depth"),
        ({"depth": 2.5}, "depth"),
        ({"units": True}, "units"),
        ({"epsilon": 0.0}, "epsilon"),
        ({"momentum": 1.0}, "momentum"),
        ({"classes": -1}, "classes"),
    ],
)
def test_bad_arguments_are_refused(kwargs, match):
    arguments = {"input_shape": (8, 8, 1), "depth": 2, "units": 4} | kwargs
    with pytest.raises(ValueError, match=match):
        batchnorm.normalized_stack(**arguments)


def test_input_shape_must_fit_the_kind():
    with pytest.raises(ValueError, match="input_shape"):
        batchnorm.normalized_stack((64,), 2, 4, kind="conv")
    with pytest.raises(ValueError, match="input_shape"):
        batchnorm.normalized_stack((8, 8, 1), 2, 4, kind="dense")


def test_unknown_initializer_is_refused():
    with pytest.raises(ValueError):
        batchnorm.normalized_stack((8, 8, 1), 2, 4, kernel_initializer="no_such_initializer")


def test_bn_network_is_scale_invariant_and_gradients_scale_inversely(images):
    x, y = images
    keras.utils.set_random_seed(1)
    model = batchnorm.normalized_stack((8, 8, 1), 3, 4)
    out, grads = model(x, training=True).numpy(), batchnorm.kernel_gradient_norms(model, x, y)
    logits_before = model.get_layer("logits").kernel.numpy().copy()
    batchnorm.scale_kernels(model, 1000.0)
    out_big, grads_big = model(x, training=True).numpy(), batchnorm.kernel_gradient_norms(model, x, y)
    assert np.allclose(out, out_big, rtol=1e-2, atol=1e-2 * np.abs(out).max())
    assert np.allclose(grads_big * 1000, grads, rtol=5e-2)
    np.testing.assert_array_equal(model.get_layer("logits").kernel.numpy(), logits_before)  # logits untouched


def test_plain_network_is_not_scale_invariant(images):
    x, _ = images
    keras.utils.set_random_seed(1)
    model = batchnorm.normalized_stack((8, 8, 1), 3, 4, batch_norm=False)
    out = model(x).numpy()
    batchnorm.scale_kernels(model, 2.0)
    assert np.allclose(model(x).numpy(), 8 * out, rtol=1e-4, atol=1e-5)  # relu: c per layer, 3 layers


def test_scale_kernels_refuses_bad_factors():
    model = batchnorm.normalized_stack((8, 8, 1), 2, 4)
    for bad in (0.0, -1.0, np.inf, True, "2"):
        with pytest.raises(ValueError, match="factor"):
            batchnorm.scale_kernels(model, bad)


def test_hidden_kernel_layers_needs_such_layers():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name="logits")])
    with pytest.raises(ValueError, match="conv1"):
        batchnorm.hidden_kernel_layers(model)


def test_bn_input_variances(images):
    x, _ = images
    keras.utils.set_random_seed(2)
    model = batchnorm.normalized_stack((8, 8, 1), 4, 6)
    variances = batchnorm.bn_input_variances(model, x)
    assert variances.shape == (4,) and np.all(variances > 0)
    batchnorm.scale_kernels(model, 10.0)
    assert np.allclose(batchnorm.bn_input_variances(model, x), 100 * variances, rtol=1e-2)
    with pytest.raises(ValueError, match="BatchNormalization"):
        batchnorm.bn_input_variances(batchnorm.normalized_stack((8, 8, 1), 2, 4, batch_norm=False), x)


def test_relu_variance_shares():
    # A wide Dense BN layer's output is close to Gaussian per unit: relu keeps 1/2 − 1/(2π) of it
    rng = np.random.default_rng(1)
    x = rng.standard_normal((4096, 32)).astype(np.float32)
    keras.utils.set_random_seed(3)
    model = batchnorm.normalized_stack((32,), 2, 64, kind="dense")
    shares = batchnorm.relu_variance_shares(model, x)
    assert shares.shape == (2,)
    assert np.allclose(shares, batchnorm.RELU_CENTRED_GAIN / 2, rtol=0.03)
    # a batch whose variance sits on one example: relu keeps nearly all of it when that example's
    # output is positive, nearly none when it is negative (one filter, the sign of its taps forced)
    spike = np.zeros((64, 8, 8, 1), np.float32)
    spike[0] = 10.0
    keras.utils.set_random_seed(4)
    model = batchnorm.normalized_stack((8, 8, 1), 1, 1)
    taps = np.abs(model.get_layer("conv1").kernel.numpy())
    model.get_layer("conv1").kernel.assign(taps)
    assert batchnorm.relu_variance_shares(model, spike)[0] > 0.9
    model.get_layer("conv1").kernel.assign(-taps)
    assert batchnorm.relu_variance_shares(model, spike)[0] < 0.05
    with pytest.raises(ValueError, match="relu1"):
        batchnorm.relu_variance_shares(keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)]), x[:, :3])


def test_predicted_variances():
    # Far above the floor the variance settles at c²·gain·(1 − 1/π) − ε; below it, it shrinks by
    # c²·gain·(1 − 1/π)/ε per layer.
    k = 1 - 1 / np.pi
    v = batchnorm.predicted_bn_variances(10.0, 30, gain=0.5)
    assert v[0] == pytest.approx(100.0) and v[-1] == pytest.approx(50 * k - 1e-3)
    low = batchnorm.predicted_bn_variances(0.01, 30, epsilon=1e-3)
    assert low[-1] / low[-2] == pytest.approx(0.1 * k, rel=1e-6)
    assert batchnorm.predicted_bn_variances(0.1, 3, first=2.0)[0] == pytest.approx(0.02)
    for kwargs in ({"factor": 0}, {"depth": 0}, {"epsilon": -1}, {"gain": 0}, {"first": np.nan}):
        with pytest.raises(ValueError):
            batchnorm.predicted_bn_variances(**({"factor": 1.0, "depth": 3} | kwargs))


def test_relu_centred_gain():
    # 2·Var[relu(z)] for z ~ N(0, 1), by sampling: what BN, which subtracts the mean, divides by.
    z = np.random.default_rng(0).standard_normal(2_000_000)
    assert 2 * np.maximum(z, 0).var() == pytest.approx(batchnorm.RELU_CENTRED_GAIN, rel=5e-3)


def test_epsilon_floor_check(capsys):
    right = np.sqrt(1e-3 / (1 - 1 / np.pi))
    for answer in (right, 0.0383, 0.038, 0.04):  # exact and rounded
        exercises.check_bn_epsilon_floor(answer)
        assert "Correct" in capsys.readouterr().out
    hints = {
        np.sqrt(1e-3): "centred",
        0.03: "centred",
        0.032: "centred",
        0.042: "padding",
        1e-3: "multiplier c",
        1e-3 / (1 - 1 / np.pi): "multiplier c",
        np.sqrt(5e-4): "mean that BN subtracts",
        np.sqrt(2e-3): "mean that BN subtracts",
        np.sqrt(1e-3 * (1 - 1 / np.pi)): "divides ε",
        np.sqrt(1e-3 / (1 - 2 / np.pi)): "1 − 2/π",
        np.sqrt(1e-5 / (1 - 1 / np.pi)): "PyTorch",
        np.sqrt(1e-5): "PyTorch",
        1e-3**0.25: "standard deviation",
        0.1: "not quite",
        0.01: "not quite",
        1.0: "not quite",
    }
    for wrong, hint in hints.items():
        with pytest.raises(exercises.ExerciseIncorrect, match=hint):
            exercises.check_bn_epsilon_floor(wrong)
    with pytest.raises(TypeError):
        exercises.check_bn_epsilon_floor("0.03")


def test_rescaled_step_check(capsys):
    exercises.check_bn_rescaled_step(0.1, 0.01)
    assert "Correct" in capsys.readouterr().out
    for wrong in ((10, 100), (0.1, 0.1), (1, 1), (0.1, 1), (0.01, 0.01), (0.01, 0.001), (10, 0.01)):
        with pytest.raises(exercises.ExerciseIncorrect):
            exercises.check_bn_rescaled_step(*wrong)
    with pytest.raises(TypeError):
        exercises.check_bn_rescaled_step(None, 0.01)
