"""Every self-check accepts the right answer and rejects plausible wrong ones."""

from math import factorial

import numpy as np
import pytest

from utils import data, exercises, numpy_cnn


def reference_gradient(x, g, shape):
    return numpy_cnn.conv2d_backward(x, np.zeros(shape), g)[1]


def square_mixup(x, grad_out, kernel_shape, which):
    """The solution's loop with a height used for a width: right on square shapes only."""
    kh, kw = kernel_shape[:2]
    out_h, out_w = grad_out.shape[1:3]
    if which == "kernel":
        kw = kh
    else:
        out_w = out_h
    grad = np.zeros(kernel_shape)
    for a in range(kh):
        for b in range(min(kw, kernel_shape[1])):
            window = x[:, a:a + out_h, b:b + out_w, :]
            g = grad_out[:, :out_h, :out_w, :]
            if window.shape[1:3] != g.shape[1:3]:
                return grad
            grad[a, b] = np.einsum("nijc,nijo->co", window, g)
    return grad


def test_kernel_gradient_accepts_a_correct_answer(capsys):
    exercises.check_kernel_gradient(reference_gradient)
    assert capsys.readouterr().out.startswith("Correct")


@pytest.mark.parametrize(
    "answer",
    [
        lambda x, g, shape: np.zeros(shape),                                  # nothing computed
        lambda x, g, shape: 2 * reference_gradient(x, g, shape),              # wrong factor
        lambda x, g, shape: reference_gradient(x, g, shape) / len(x),         # averaged over the batch
        lambda x, g, shape: reference_gradient(x, g, shape)[::-1, ::-1],      # flipped kernel (true convolution)
        lambda x, g, shape: np.swapaxes(reference_gradient(x, g, shape), 0, 1),  # rows and columns swapped
        lambda x, g, shape: np.zeros((1, 1)),                                 # wrong shape
        lambda x, g, shape: square_mixup(x, g, shape, "kernel"),              # kw = kh
        lambda x, g, shape: square_mixup(x, g, shape, "output"),              # out_w = out_h
    ],
    ids=["zeros", "doubled", "batch-mean", "flipped", "transposed", "shape", "kw-is-kh", "ow-is-oh"],
)
def test_kernel_gradient_rejects_wrong_answers(answer):
    with pytest.raises(exercises.ExerciseIncorrect):
        exercises.check_kernel_gradient(answer)


def test_kernel_gradient_needs_a_function():
    with pytest.raises(TypeError):
        exercises.check_kernel_gradient(np.zeros(3))


@pytest.fixture(scope="module")
def digits():
    return data.load_digits()


def test_zero_init_accuracy_accepts_one_class_at_any_class_share(digits, capsys):
    for share in np.bincount(digits.y_test) / len(digits.y_test):
        exercises.check_zero_init_accuracy(1, float(share), digits)
    exercises.check_zero_init_accuracy(1, 0.10, digits)
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize(
    "classes, accuracy",
    [(10, 0.10), (10, 0.0), (0, 0.0), (2, 0.2), (1, 0.0), (1, 1.0), (1, 0.5), (1, 0.05), (1, 0.2)],
    ids=["chance", "nothing-right", "no-class", "two-classes", "one-class-none-right", "all-right",
         "half", "too-low", "two-shares"],
)
def test_zero_init_accuracy_rejects_wrong_answers(digits, classes, accuracy):
    with pytest.raises(exercises.ExerciseIncorrect):
        exercises.check_zero_init_accuracy(classes, accuracy, digits)


def test_zero_init_accuracy_rejects_bad_input(digits):
    with pytest.raises(ValueError):
        exercises.check_zero_init_accuracy(1, 1.5, digits)
    with pytest.raises(TypeError):
        exercises.check_zero_init_accuracy(1, "0.1", digits)
    with pytest.raises(TypeError):
        exercises.check_zero_init_accuracy(1.0, 0.1, digits)


def test_relu_stack_moment(capsys):
    exercises.check_relu_stack_moment((256 * 0.05**2 / 2) ** 10)
    exercises.check_relu_stack_moment(1.1e-5)  # the rounded value the solution quotes
    exercises.check_relu_stack_moment(1.13e-5)
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize("wrong", [0.32, 0.64**10, 0.32**9, 0.32**11, 256 * 0.05**2 / 2 * 10, (256 * 0.05 / 2) ** 10],
                         ids=["one-layer", "no-half", "nine-layers", "eleven-layers", "sum-not-product", "sigma-not-variance"])
def test_relu_stack_moment_rejects_wrong_answers(wrong):
    with pytest.raises(exercises.ExerciseIncorrect):
        exercises.check_relu_stack_moment(wrong)
    with pytest.raises(TypeError):
        exercises.check_relu_stack_moment("1e-5")


def test_glorot_limit(capsys):
    exercises.check_glorot_limit(np.sqrt(6 / 576))
    exercises.check_glorot_limit(0.102)  # rounded to three significant figures
    exercises.check_glorot_limit(0.10)  # and to two
    assert "Correct" in capsys.readouterr().out
    with pytest.raises(exercises.ExerciseIncorrect, match="window"):
        exercises.check_glorot_limit(np.sqrt(6 / 64))


@pytest.mark.parametrize("wrong", [np.sqrt(2 / 576), np.sqrt(6 / 144), np.sqrt(6 / 432), np.sqrt(3 / 144),
                                   np.sqrt(2 / 144), 6 / 576, 0.5],
                         ids=["std-not-limit", "fan-in-only", "fan-out-only", "lecun-limit", "he-std", "no-root",
                              "arbitrary"])
def test_glorot_limit_rejects_wrong_answers(wrong):
    with pytest.raises(exercises.ExerciseIncorrect):
        exercises.check_glorot_limit(wrong)


def test_he_std(capsys):
    exercises.check_he_std(np.sqrt(2 / 576))
    assert "Correct" in capsys.readouterr().out
    exercises.check_he_std(0.059)  # two significant figures
    with pytest.raises(exercises.ExerciseIncorrect, match="fan_out"):
        exercises.check_he_std(np.sqrt(2 / 1152))
    with pytest.raises(exercises.ExerciseIncorrect, match="window"):
        exercises.check_he_std(np.sqrt(2 / 64))


@pytest.mark.parametrize("wrong", [np.sqrt(1 / 576), np.sqrt(6 / 576), np.sqrt(2 / 576) / 0.87962566, 2 / 576,
                                   np.sqrt(2 / (576 + 1152))],
                         ids=["lecun", "uniform-limit", "untruncated-parameter", "variance", "fan-avg"])
def test_he_std_rejects_wrong_answers(wrong):
    with pytest.raises(exercises.ExerciseIncorrect):
        exercises.check_he_std(wrong)


@pytest.mark.parametrize(
    "name, right",
    [("he_uniform", (2.0, "fan_in", "uniform")), ("he_normal", (2.0, "fan_in", "truncated_normal")),
     ("glorot_uniform", (1.0, "fan_avg", "uniform")), ("glorot_normal", (1.0, "fan_avg", "truncated_normal")),
     ("lecun_uniform", (1.0, "fan_in", "uniform")), ("lecun_normal", (1.0, "fan_in", "truncated_normal"))],
)
def test_variance_scaling_settings_accepts_each_named_initializer(name, right, capsys):
    exercises.check_variance_scaling_settings(name, *right)
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize(
    "name, wrong",
    [
        ("he_uniform", (4.0, "fan_out", "uniform")),   # equal to the right one on (3, 3, 16, 32) only
        ("he_uniform", (3.0, "fan_avg", "uniform")),   # the same coincidence
        ("he_uniform", (2.0, "fan_avg", "uniform")),
        ("he_uniform", (2.0, "fan_in", "truncated_normal")),
        ("he_uniform", (6.0, "fan_in", "uniform")),    # the limit's 6, not the variance's 2
        ("he_normal", (2.0, "fan_in", "untruncated_normal")),
        ("lecun_normal", (2.0, "fan_out", "truncated_normal")),
        ("glorot_uniform", (2.0, "fan_avg", "uniform")),  # 2/(fan_in+fan_out) is scale 1 with fan_avg
        ("glorot_normal", (1.0, "fan_in", "truncated_normal")),
    ],
)
def test_variance_scaling_settings_rejects_wrong_answers(name, wrong):
    with pytest.raises(exercises.ExerciseIncorrect):
        exercises.check_variance_scaling_settings(name, *wrong)


def test_variance_scaling_settings_rejects_bad_input():
    with pytest.raises(ValueError):
        exercises.check_variance_scaling_settings("he_uniform", 2.0, "fan_sum", "uniform")
    with pytest.raises(ValueError):
        exercises.check_variance_scaling_settings("xavier", 1.0, "fan_in", "uniform")
    with pytest.raises(ValueError):
        exercises.check_variance_scaling_settings("he_uniform", -1.0, "fan_in", "uniform")


def test_relabelling_count(capsys):
    exercises.check_relabelling_count(factorial(16) ** 2)
    assert "Correct" in capsys.readouterr().out
    with pytest.raises(exercises.ExerciseIncorrect, match="first layer only"):
        exercises.check_relabelling_count(factorial(16))


@pytest.mark.parametrize("wrong", [factorial(32), factorial(16) ** 2 * factorial(10), 2 * factorial(16), factorial(16) ** 2 - 1,
                                   16 * 16],
                         ids=["one-pool", "with-outputs", "sum", "minus-identity", "product-of-sizes"])
def test_relabelling_count_rejects_wrong_answers(wrong):
    with pytest.raises(exercises.ExerciseIncorrect):
        exercises.check_relabelling_count(wrong)
    with pytest.raises(TypeError):
        exercises.check_relabelling_count(4.4e26)


def test_relu_gain_sigma(capsys):
    exercises.check_relu_gain_sigma(np.sqrt(2 / 128))
    exercises.check_relu_gain_sigma(0.125)
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize("wrong", [np.sqrt(1 / 128), np.sqrt(4 / 128), 1 / 16, 2 / 128, np.sqrt(2 / 64), 1.0],
                         ids=["linear-rule", "double-variance", "halved", "variance", "first-layer-fan", "one"])
def test_relu_gain_sigma_rejects_wrong_answers(wrong):
    with pytest.raises(exercises.ExerciseIncorrect):
        exercises.check_relu_gain_sigma(wrong)


def test_widening_gains(capsys):
    exercises.check_widening_gains(0.4, 0.4)
    exercises.check_widening_gains(128 / 320, 512 / 1280)
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize("wrong", [(2.5, 2.5), (1.6, 1.6), (1.0, 1.0), (0.5, 0.5), (0.25, 0.25), (0.4, 1.6), (0.4, 0.16)],
                         ids=["inverse", "backward-gain", "one", "half", "fan-out-over-sum", "second-backward",
                              "compounded"])
def test_widening_gains_rejects_wrong_answers(wrong):
    with pytest.raises(exercises.ExerciseIncorrect):
        exercises.check_widening_gains(*wrong)


def test_leaky_he_scale(capsys):
    exercises.check_leaky_he_scale(2 / (1 + 0.2**2))
    exercises.check_leaky_he_scale(1.923)
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize("wrong", [2.0, 2 / 1.2, 2 * (1 + 0.2**2), 1 / (1 + 0.2**2), 2 / (1 - 0.2**2), 1.0],
                         ids=["plain-relu", "slope-not-squared", "multiplied", "no-two", "minus", "lecun"])
def test_leaky_he_scale_rejects_wrong_answers(wrong):
    with pytest.raises(exercises.ExerciseIncorrect):
        exercises.check_leaky_he_scale(wrong)


def test_variance_scaling_settings_accepts_aliases_and_numpy_numbers(capsys):
    exercises.check_variance_scaling_settings("he_normal", np.int64(2), "fan_in", "normal")
    assert "Correct" in capsys.readouterr().out
    with pytest.raises(exercises.ExerciseIncorrect):
        exercises.check_variance_scaling_settings("he_uniform", np.int64(2), "fan_in", "normal")


def test_relabelling_count_needs_the_original_setting():
    with pytest.raises(exercises.ExerciseIncorrect, match="original"):
        exercises.check_relabelling_count(factorial(16) ** 2 - 1)


def test_mean_field_point(capsys):
    from utils import criticality

    exercises.check_mean_field_point(criticality.fixed_point("tanh", 2.0, 0.05), criticality.chi1("tanh", 2.0, 0.05))
    exercises.check_mean_field_point(0.722, 1.048)  # three figures
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize("wrong", [
    (0.618, 1.048),    # q* without the bias
    (0.722, 2.0),      # χ₁ of a linear network
    (0.722, 1.328),    # derivative not squared
    (0.772, 1.048),    # q* off by the bias again (added twice)
    (0.722, 1.106),    # χ₁ at the bias-free fixed point
    (1.0, 1.0),        # the starting point, not the fixed point
], ids=["no-bias", "linear-chi", "unsquared", "bias-twice", "chi-without-bias", "start"])
def test_mean_field_point_rejects_wrong_answers(wrong):
    with pytest.raises(exercises.ExerciseIncorrect):
        exercises.check_mean_field_point(*wrong)


def test_critical_weight_scale(capsys):
    exercises.check_critical_weight_scale(1.0)
    exercises.check_critical_weight_scale(144 * 2 / 288)
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize("wrong", [2 / 288, 0.5, 2.0, 144.0, 1 / 144, 1.5, 3.0],
                         ids=["variance", "no-two", "he", "fan", "one-over-fan", "guess", "squared-bound"])
def test_critical_weight_scale_rejects_wrong_answers(wrong):
    with pytest.raises(exercises.ExerciseIncorrect):
        exercises.check_critical_weight_scale(wrong)


def test_conv_glorot_variance(capsys):
    exercises.check_conv_glorot_variance(1 / 144)
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize("wrong", [1 / 16, 1 / 9, 2 / 144, 6 / 288, 1 / 288, 1.0, 0.01],
                         ids=["channels-only", "taps-only", "he", "squared-bound", "no-two", "sigma2", "guess"])
def test_conv_glorot_variance_rejects_wrong_answers(wrong):
    with pytest.raises(exercises.ExerciseIncorrect):
        exercises.check_conv_glorot_variance(wrong)


def test_critical_weight_scale_names_the_squared_bound():
    with pytest.raises(exercises.ExerciseIncorrect, match="a²/3"):
        exercises.check_critical_weight_scale(144 * 6 / 288)


def test_hundred_layer_parameters(capsys):
    from utils import models

    model = models.conv_stack((8, 8, 1), 100, 16, "tanh", "glorot_uniform", use_bias=False)
    exercises.check_hundred_layer_parameters(model.count_params())
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize("wrong", [240_090, 238_480, 240_650, 228_240, 238_346, 238_491, 23_849],
                         ids=["conv-biases", "no-dense-bias", "first-layer-16", "no-dense", "no-conv1",
                              "off-by-one", "digit"])
def test_hundred_layer_parameters_rejects_wrong_answers(wrong):
    with pytest.raises(exercises.ExerciseIncorrect):
        exercises.check_hundred_layer_parameters(wrong)
    with pytest.raises(TypeError):
        exercises.check_hundred_layer_parameters(238490.0)


def test_selu_constants(capsys):
    exercises.check_selu_constants(1.0507009873554805, 1.6732632423543772)
    exercises.check_selu_constants(1.0507, 1.6733)
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("scale", "alpha"),
    [(1.6733, 1.0507), (1.0507, 1.7581), (1.0, 1.0), (1.0, 1.6733), (1.0507, 1.0),
     (np.sqrt(2), 1.6733), (1.05, 1.6)],
    ids=["swapped", "lambda-alpha", "elu", "no-lambda", "no-alpha", "he-gain", "rounded-too-far"],
)
def test_selu_constants_rejects_wrong_answers(scale, alpha):
    with pytest.raises(exercises.ExerciseIncorrect):
        exercises.check_selu_constants(scale, alpha)


def test_selu_constants_needs_numbers():
    with pytest.raises(TypeError):
        exercises.check_selu_constants("1.05", 1.67)


def test_residual_moment(capsys):
    exercises.check_residual_moment(1024)
    exercises.check_residual_moment(2.0**10)
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize("wrong", [3**10, 11, 2**11, 2**9, 1, 20, 10, 1e15, 1023, 1025],
                         ids=["no-leading-relu", "additive", "eleven", "nine", "identity",
                              "linear", "depth", "fifty-blocks", "without-input", "off-by-one"])
def test_residual_moment_rejects_wrong_answers(wrong):
    with pytest.raises(exercises.ExerciseIncorrect):
        exercises.check_residual_moment(wrong)


def test_residual_moment_needs_a_number():
    with pytest.raises(TypeError):
        exercises.check_residual_moment(None)


def test_prior_bias_loss(capsys):
    exercises.check_prior_bias_loss(1.75 * np.log(2))
    exercises.check_prior_bias_loss(1.213)
    exercises.check_prior_bias_loss(1.21)
    assert "Correct" in capsys.readouterr().out


def test_prior_bias_loss_too_rough_gets_a_precision_hint():
    with pytest.raises(exercises.ExerciseIncorrect, match="three significant figures"):
        exercises.check_prior_bias_loss(1.2)


@pytest.mark.parametrize("wrong", [np.log(4), 1.75, 0.5268, 1.5596, 0.65625, 0.0, 1.2, 2.303],
                         ids=["zero-biases", "bits", "decimal", "unweighted", "gini", "zero",
                              "rounded-too-far", "ten-classes"])
def test_prior_bias_loss_rejects_wrong_answers(wrong):
    with pytest.raises(exercises.ExerciseIncorrect):
        exercises.check_prior_bias_loss(wrong)


def test_prior_bias_loss_needs_a_number():
    with pytest.raises(TypeError):
        exercises.check_prior_bias_loss("1.213")


def test_shrunk_rms(capsys):
    exercises.check_shrunk_rms(1e-8)
    exercises.check_shrunk_rms(0.1**8)
    exercises.check_shrunk_rms(1e8)  # "shrinks by a factor of 10⁸"
    out = capsys.readouterr().out
    assert "Correct" in out and "ten times smaller" not in out


@pytest.mark.parametrize("wrong", [1e-16, 1e-7, 1e-9, 0.8, 0.1, 1.0, 2e-8, 1e16, 1e7, 10.0],
                         ids=["second-moment", "seven-layers", "nine-layers", "added", "one-layer",
                              "unchanged", "off", "second-moment-reciprocal",
                              "seven-layers-reciprocal", "one-layer-reciprocal"])
def test_shrunk_rms_rejects_wrong_answers(wrong):
    with pytest.raises(exercises.ExerciseIncorrect):
        exercises.check_shrunk_rms(wrong)


def test_shrunk_rms_needs_a_number():
    with pytest.raises(TypeError):
        exercises.check_shrunk_rms(None)


def test_pytorch_scale_accepts_one_third(capsys):
    exercises.check_pytorch_scale(1 / 3)
    exercises.check_pytorch_scale(0.3333)
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize("wrong", [1.0, 2.0, 3.0, 1 / np.sqrt(3), 1 / 6, 0.5, 1 / 9],
                         ids=["lecun", "he", "times-three", "bound-ratio", "relu-gain", "half", "squared"])
def test_pytorch_scale_rejects_wrong_answers(wrong):
    with pytest.raises(exercises.ExerciseIncorrect):
        exercises.check_pytorch_scale(wrong)


def test_orthogonal_gain_accepts_root_two(capsys):
    exercises.check_orthogonal_gain(np.sqrt(2))
    exercises.check_orthogonal_gain(1.414)
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize("wrong", [2.0, 1.0, np.sqrt(0.5), 0.5, 4.0, np.sqrt(6)])
def test_orthogonal_gain_rejects_wrong_answers(wrong):
    with pytest.raises(exercises.ExerciseIncorrect):
        exercises.check_orthogonal_gain(wrong)


def test_identity_kernel_accepts_the_centre_identity(capsys):
    for c in (1, 4):
        delta = np.zeros((3, 3, c, c))
        delta[1, 1] = np.eye(c)
        exercises.check_identity_kernel(delta)
    assert capsys.readouterr().out.count("Correct") == 2


def _kernel(fill):
    kernel = np.zeros((3, 3, 4, 4))
    fill(kernel)
    return kernel


@pytest.mark.parametrize(
    "wrong, hint",
    [
        (_kernel(lambda k: k.__setitem__((0, 0), np.eye(4))), "shifts"),
        (_kernel(lambda k: k.__setitem__((slice(None), slice(None)), np.eye(4))), "every other tap"),
        (_kernel(lambda k: k.__setitem__((1, 1), np.ones((4, 4)))), "not quite"),
        (_kernel(lambda k: k.__setitem__((1, 1), np.eye(4)[::-1])), "not quite"),  # swaps channels
        (_kernel(lambda k: k.__setitem__((slice(None), slice(None)), np.eye(4) / 9)), "not quite"),  # a blur
        (np.eye(4), "shape"),
    ],
    ids=["corner", "every-tap", "mixes-channels", "swapped-channels", "blur", "matrix"],
)
def test_identity_kernel_rejects_wrong_kernels(wrong, hint):
    with pytest.raises(exercises.ExerciseIncorrect, match=hint):
        exercises.check_identity_kernel(wrong)


def _cnn_with(fill, trainable=False):
    """A fresh two-layer CNN whose conv1 kernel is changed by ``fill(kernel, templates)``."""
    from utils import filters, models

    model = models.two_layer_cnn((16, 16, 1), "he_uniform")
    templates = filters.hand_designed(5)
    kernel = model.get_layer("conv1").kernel.numpy()
    fill(kernel, list(templates.values()))
    model.get_layer("conv1").kernel.assign(kernel)
    model.get_layer("conv1").trainable = trainable
    return model, templates


def _replace(kernel, templates):
    for i, t in enumerate(templates):
        kernel[:, :, 0, i] = 0.3 * t


def test_frozen_templates_accepts_the_solution(capsys):
    exercises.check_frozen_templates(*_cnn_with(_replace))
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize(
    "fill, trainable, hint",
    [
        (_replace, True, "trainable"),  # forgot to freeze
        (lambda k, ts: None, False, "no conv1 filter"),  # never assigned
        (lambda k, ts: [k.__setitem__((slice(None), slice(None), 0, i), k[:, :, 0, i] + 0.3 * t)
                        for i, t in enumerate(ts)], False, "no conv1 filter"),  # added to the random filter
        (lambda k, ts: k.__setitem__((slice(None), slice(None), 0, 0), ts[0]), False, "no conv1 filter"),  # one of three
    ],
    ids=["not-frozen", "not-assigned", "added-not-replaced", "only-one"],
)
def test_frozen_templates_rejects_wrong_models(fill, trainable, hint):
    with pytest.raises(exercises.ExerciseIncorrect, match=hint):
        exercises.check_frozen_templates(*_cnn_with(fill, trainable))


def test_frozen_templates_rejects_a_whole_frozen_model():
    model, templates = _cnn_with(_replace)
    model.trainable = False  # a common idiom, but then nothing can learn
    with pytest.raises(exercises.ExerciseIncorrect, match="frozen too"):
        exercises.check_frozen_templates(model, templates)


def test_frozen_templates_rejects_a_silenced_template():
    model, templates = _cnn_with(_replace)
    bias = model.get_layer("conv1").bias.numpy()
    bias[1] = -100.0  # the horizontal-edge template never fires
    model.get_layer("conv1").bias.assign(bias)
    with pytest.raises(exercises.ExerciseIncorrect, match="bias"):
        exercises.check_frozen_templates(model, templates)


def test_frozen_templates_names_a_transposed_template():
    model, templates = _cnn_with(_replace)
    lopsided = {"corner": np.outer(np.arange(5.0), np.ones(5))}
    kernel = model.get_layer("conv1").kernel.numpy()
    kernel[:, :, 0, 5] = lopsided["corner"].T
    model.get_layer("conv1").kernel.assign(kernel)
    with pytest.raises(exercises.ExerciseIncorrect, match="transposed"):
        exercises.check_frozen_templates(model, lopsided)


def test_frozen_templates_rejects_empty_templates_and_a_missing_edge():
    model, templates = _cnn_with(_replace)
    with pytest.raises(exercises.ExerciseIncorrect, match="pass the templates"):
        exercises.check_frozen_templates(model, {})
    # only X and the horizontal edge placed: the vertical edge is missing, not transposed
    model, templates = _cnn_with(lambda k, ts: [k.__setitem__((slice(None), slice(None), 0, i), 0.3 * t)
                                                for i, t in enumerate(ts[:2])], False)
    with pytest.raises(exercises.ExerciseIncorrect, match="no conv1 filter"):
        exercises.check_frozen_templates(model, templates)


def test_frozen_templates_rejects_one_filter_for_two_templates():
    model, templates = _cnn_with(_replace)
    twice = dict(templates) | {"again": list(templates.values())[0]}
    with pytest.raises(exercises.ExerciseIncorrect, match="same filter"):
        exercises.check_frozen_templates(model, twice)


def test_identity_kernel_rejects_an_empty_kernel():
    with pytest.raises(exercises.ExerciseIncorrect):
        exercises.check_identity_kernel(np.zeros((3, 3, 0, 0)))


def test_kernel_gradient_accepts_float32_arithmetic(capsys):
    from utils import numpy_cnn

    def float32_gradient(x, grad_out, shape):
        kernel = np.zeros(shape, dtype=np.float32)
        return numpy_cnn.conv2d_backward(x.astype(np.float32), kernel, grad_out.astype(np.float32))[1]

    exercises.check_kernel_gradient(float32_gradient)
    assert "Correct" in capsys.readouterr().out


def test_relu_correlation(capsys):
    c = 0.0
    for _ in range(100):
        c = (np.sqrt(1 - c * c) + (np.pi - np.arccos(c)) * c) / np.pi
    exercises.check_relu_correlation(1 - c)
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize("wrong", [0.99642, 0.0036428, 0.0035126, 0.68169, 1.0, 0.0, 0.5, 0.036],
                         ids=["c-itself", "99-layers", "101-layers", "one-layer", "stays-orthogonal",
                              "collapsed", "guess", "order-of-magnitude"])
def test_relu_correlation_rejects_wrong_answers(wrong):
    with pytest.raises(exercises.ExerciseIncorrect):
        exercises.check_relu_correlation(wrong)


def test_relu_correlation_names_the_off_by_one():
    with pytest.raises(exercises.ExerciseIncorrect, match="off by one"):
        exercises.check_relu_correlation(0.0036428)


@pytest.mark.parametrize("loss", [0.3046, 0.305, 0.30464])
def test_binary_bias(capsys, loss):
    exercises.check_binary_bias(np.log(1 / 10), loss)
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize("bias, loss", [
    (np.log(1 / 9), 0.3046),          # the recipe's 0.1, the ratio
    (np.log(1 / 11), 0.3046),         # softmax-style log frequency
    (-np.log(1 / 10), 0.3046),        # the sign
    (0.0, 0.3046),                    # zero bias
    (np.log(1 / 10), np.log(2)),      # zero bias's loss
    (np.log(1 / 10), 0.4395),         # the entropy in bits
    (np.log(1 / 10), np.log(11)),     # a positive example's loss
    (np.log(1 / 10), 0.5),            # a guess
    (np.log(1 / 10), 0.3051),         # the loss of predicting 0.1 instead of 1/11
    (np.log(0.1), 0.3251),            # frequency read as 0.1: b = ln 0.1 (right by luck), H(0.1)
], ids=["ratio", "log-frequency", "sign", "zero", "ln2-loss", "bits", "positive-only", "guess",
        "loss-at-the-ratio", "frequency-0.1"])
def test_binary_bias_rejects_wrong_answers(bias, loss):
    with pytest.raises(exercises.ExerciseIncorrect):
        exercises.check_binary_bias(bias, loss)


def _iterated_depths():
    from utils import criticality

    depths = []
    for w2 in (1.2, 1.6, 1.7):
        c, layers = 0.5, 0
        while 1 - c >= 0.01:
            c, layers = criticality.correlation_map("tanh", c, w2, 0.05), layers + 1
        depths.append(layers)
    return depths


def test_correlation_depths(capsys):
    assert _iterated_depths() == [23, 81, 164]  # pinned, so a change in the map is noticed
    exercises.check_correlation_depths([23, 81, 164])
    assert "Correct" in capsys.readouterr().out


def test_correlation_depths_rejects_wrong_answers():
    from utils import criticality

    right = _iterated_depths()
    estimates = [np.log(50) * criticality.correlation_depth_scale("tanh", w2, 0.05) for w2 in (1.2, 1.6, 1.7)]
    for wrong in (estimates, right[::-1], [d + 5 for d in right], right[:2], [2 * d for d in right]):
        with pytest.raises(exercises.ExerciseIncorrect):
            exercises.check_correlation_depths(wrong)


def _delta_kernel():
    q, _ = np.linalg.qr(np.random.default_rng(1).standard_normal((8, 4)))
    kernel = np.zeros((3, 3, 4, 8))
    kernel[1, 1] = q.T
    return kernel, q


def test_delta_kernel(capsys):
    exercises.check_delta_kernel(_delta_kernel()[0])
    assert "Correct" in capsys.readouterr().out


def test_delta_kernel_rejects_wrong_kernels():
    kernel, q = _delta_kernel()
    untransposed = np.zeros((3, 3, 8, 4))
    untransposed[1, 1] = q
    spread = kernel.copy()
    spread[0, 0] = kernel[1, 1]
    gaussian = np.zeros((3, 3, 4, 8))
    gaussian[1, 1] = np.random.default_rng(3).standard_normal((4, 8))
    for wrong in (untransposed, spread, gaussian, 2 * kernel, kernel[..., :4]):
        with pytest.raises(exercises.ExerciseIncorrect):
            exercises.check_delta_kernel(wrong)
