import numpy as np
import pytest

from utils import numpy_cnn
from utils.data import load_digits


def test_conv2d_forward_matches_a_direct_loop():
    rng = np.random.default_rng(0)
    x, k, b = rng.standard_normal((2, 5, 6, 3)), rng.standard_normal((3, 2, 3, 4)), rng.standard_normal(4)
    out = numpy_cnn.conv2d_forward(x, k, b)
    assert out.shape == (2, 3, 5, 4)
    expected = np.empty_like(out)
    for n in range(2):
        for i in range(3):
            for j in range(5):
                for o in range(4):
                    expected[n, i, j, o] = np.sum(x[n, i:i + 3, j:j + 2, :] * k[..., o]) + b[o]
    np.testing.assert_allclose(out, expected, rtol=1e-12)


def test_conv2d_forward_matches_keras():
    import keras

    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 7, 7, 2)).astype(np.float32)
    layer = keras.layers.Conv2D(3, 3)
    keras_out = layer(x).numpy()
    kernel, bias = (w.numpy() for w in layer.weights)
    np.testing.assert_allclose(numpy_cnn.conv2d_forward(x, kernel, bias), keras_out, rtol=1e-4, atol=1e-5)


def test_conv2d_backward_matches_finite_differences():
    rng = np.random.default_rng(2)
    x, k = rng.standard_normal((2, 5, 5, 2)), rng.standard_normal((3, 3, 2, 3))
    g = rng.standard_normal((2, 3, 3, 3))
    grad_x, grad_k, grad_b = numpy_cnn.conv2d_backward(x, k, g)
    loss = lambda x_, k_: np.sum(numpy_cnn.conv2d_forward(x_, k_, np.zeros(3)) * g)  # noqa: E731
    eps = 1e-6
    for index in [(0, 1, 2, 1), (1, 4, 4, 0), (0, 0, 0, 0)]:
        d = np.zeros_like(x)
        d[index] = eps
        assert grad_x[index] == pytest.approx((loss(x + d, k) - loss(x - d, k)) / (2 * eps), rel=1e-6)
    for index in [(0, 0, 0, 0), (2, 1, 1, 2)]:
        d = np.zeros_like(k)
        d[index] = eps
        assert grad_k[index] == pytest.approx((loss(x, k + d) - loss(x, k - d)) / (2 * eps), rel=1e-6)
    np.testing.assert_allclose(grad_b, g.sum(axis=(0, 1, 2)))


@pytest.mark.parametrize(
    "x_shape, k_shape, b_shape",
    [((5, 5, 1), (3, 3, 1, 2), (2,)), ((1, 5, 5, 2), (3, 3, 1, 2), (2,)),
     ((1, 2, 2, 1), (3, 3, 1, 2), (2,)), ((1, 5, 5, 1), (3, 3, 1, 2), (3,))],
)
def test_conv2d_forward_rejects_bad_shapes(x_shape, k_shape, b_shape):
    with pytest.raises(ValueError):
        numpy_cnn.conv2d_forward(np.zeros(x_shape), np.zeros(k_shape), np.zeros(b_shape))


def test_conv2d_backward_rejects_bad_grad_shape():
    with pytest.raises(ValueError, match="grad_out"):
        numpy_cnn.conv2d_backward(np.zeros((1, 5, 5, 1)), np.zeros((3, 3, 1, 2)), np.zeros((1, 5, 5, 2)))


def test_softmax_cross_entropy_value_and_gradient():
    logits = np.array([[0.0, 0.0], [2.0, -1.0]])
    loss, grad = numpy_cnn.softmax_cross_entropy(logits, np.array([0, 1]))
    expected = (np.log(2) + (3 + np.log(1 + np.exp(-3)))) / 2
    assert loss == pytest.approx(expected)
    assert grad.sum() == pytest.approx(0.0, abs=1e-12)
    with pytest.raises(ValueError):
        numpy_cnn.softmax_cross_entropy(logits, np.array([0]))


def test_tiny_cnn_gradients_are_correct():
    d = load_digits()
    net = numpy_cnn.TinyCNN.create(4, 8, "random", seed=0)
    check = numpy_cnn.finite_difference_check(net, d.x_train[:8].astype(float), d.y_train[:8])
    assert check.error < 1e-6
    assert check.checked + check.skipped == net.kernel.size + net.bias.size


def test_tiny_cnn_wrong_gradient_is_detected(monkeypatch):
    d = load_digits()
    net = numpy_cnn.TinyCNN.create(4, 8, "random", seed=0)
    original = net.gradients

    def wrong(x, labels):
        loss, grads = original(x, labels)
        grads["kernel"] = grads["kernel"] * 1.1
        return loss, grads

    monkeypatch.setattr(net, "gradients", wrong)
    assert numpy_cnn.finite_difference_check(net, d.x_train[:8].astype(float), d.y_train[:8]).error > 1e-3


def test_finite_difference_check_skips_a_step_across_a_relu_kink():
    d = load_digits()
    x, y = d.x_train[:8].astype(float), d.y_train[:8]
    net = numpy_cnn.TinyCNN.create(4, 8, "random", seed=0)
    # Put one pre-activation of filter 0 just 1e-7 above zero: a step of 1e-5 in that filter's
    # bias switches that ReLU off, so the bias must be skipped, and the rest still agree.
    pre = net.forward(x)[1]["pre"]
    positive = pre[..., 0][pre[..., 0] > 0]
    net.bias[0] -= positive.min() - 1e-7
    check = numpy_cnn.finite_difference_check(net, x, y, eps=1e-5)
    assert check.skipped >= 1
    assert check.error < 1e-6


def test_finite_difference_check_rejects_bad_eps():
    net = numpy_cnn.TinyCNN.create(2, 8, "random", seed=0)
    with pytest.raises(ValueError, match="eps"):
        numpy_cnn.finite_difference_check(net, np.zeros((1, 8, 8, 1)), np.array([0]), eps=0.0)


def test_tiny_cnn_training_reduces_loss_and_keeps_constant_filters_equal():
    d = load_digits()
    x, y = d.x_train[:200].astype(float), d.y_train[:200]
    for init in ("constant", "random"):
        net = numpy_cnn.TinyCNN.create(4, 8, init, seed=0)
        first = net.sgd_step(x, y, 0.1)
        for _ in range(20):
            last = net.sgd_step(x, y, 0.1)
        assert last < first
        if init == "constant":
            assert np.ptp(net.kernel.reshape(-1, 4), axis=1).max() == 0.0
    # a network that predicts class 3 for every image scores class 3's share
    net.dense = np.zeros_like(net.dense)
    net.dense_bias = np.eye(net.dense_bias.size)[3]
    assert net.accuracy(x, y) == np.mean(y == 3)


@pytest.mark.parametrize(
    "args", [(0, 8, "random"), (4, 2, "random"), (4, 8, "orthogonal"), (4.0, 8, "zeros")]
)
def test_tiny_cnn_rejects_bad_arguments(args):
    with pytest.raises(ValueError):
        numpy_cnn.TinyCNN.create(*args)


def test_sgd_step_rejects_non_positive_learning_rate():
    net = numpy_cnn.TinyCNN.create(2, 8, "zeros")
    with pytest.raises(ValueError):
        net.sgd_step(np.zeros((1, 8, 8, 1)), np.array([0]), 0.0)


def test_apply_gradients_is_the_sgd_step_and_checks_its_input():
    d = load_digits()
    x, y = d.x_train[:16].astype(float), d.y_train[:16]
    a = numpy_cnn.TinyCNN.create(4, 8, "random", seed=3)
    b = numpy_cnn.TinyCNN.create(4, 8, "random", seed=3)
    a.sgd_step(x, y, learning_rate=0.1)
    b.apply_gradients(b.gradients(x, y)[1], learning_rate=0.1)
    for name in ("kernel", "bias", "dense", "dense_bias"):
        assert np.array_equal(getattr(a, name), getattr(b, name))
    grads = b.gradients(x, y)[1]
    with pytest.raises(ValueError, match="learning_rate"):
        b.apply_gradients(grads, learning_rate=0.0)
    with pytest.raises(ValueError, match="kernel"):
        b.apply_gradients({"kernel": grads["kernel"]}, learning_rate=0.1)
    with pytest.raises(ValueError, match="shape"):
        b.apply_gradients({**grads, "bias": grads["bias"][:2]}, learning_rate=0.1)


def test_conv2d_backward_can_skip_the_input_gradient():
    rng = np.random.default_rng(1)
    x, k, g = rng.normal(size=(2, 6, 6, 2)), rng.normal(size=(3, 3, 2, 3)), rng.normal(size=(2, 4, 4, 3))
    full = numpy_cnn.conv2d_backward(x, k, g)
    skipped = numpy_cnn.conv2d_backward(x, k, g, input_gradient=False)
    assert skipped[0] is None
    np.testing.assert_array_equal(skipped[1], full[1])
    np.testing.assert_array_equal(skipped[2], full[2])
