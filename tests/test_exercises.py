import numpy as np
import pytest

from utils import data, exercises, numpy_cnn


def test_kernel_gradient_accepts_a_correct_answer(capsys):
    exercises.check_kernel_gradient(lambda x, g, shape: numpy_cnn.conv2d_backward(x, np.zeros(shape), g)[1])
    assert capsys.readouterr().out.startswith("Correct")


@pytest.mark.parametrize(
    "answer",
    [
        lambda x, g, shape: np.zeros(shape),
        lambda x, g, shape: 2 * numpy_cnn.conv2d_backward(x, np.zeros(shape), g)[1],
        lambda x, g, shape: np.zeros((1, 1)),
    ],
)
def test_kernel_gradient_rejects_wrong_answers(answer):
    with pytest.raises(exercises.ExerciseIncorrect):
        exercises.check_kernel_gradient(answer)


def test_kernel_gradient_needs_a_function():
    with pytest.raises(TypeError):
        exercises.check_kernel_gradient(np.zeros(3))


def test_zero_init_accuracy():
    digits = data.load_digits()
    right = float(np.mean(digits.y_test == np.bincount(digits.y_train).argmax()))
    exercises.check_zero_init_accuracy(right, digits)
    with pytest.raises(exercises.ExerciseIncorrect):
        exercises.check_zero_init_accuracy(0.1, digits)
    with pytest.raises(ValueError):
        exercises.check_zero_init_accuracy(1.5, digits)
    with pytest.raises(TypeError):
        exercises.check_zero_init_accuracy("0.1", digits)


def test_relu_stack_moment():
    exercises.check_relu_stack_moment((256 * 0.05**2 / 2) ** 10)
    with pytest.raises(exercises.ExerciseIncorrect):
        exercises.check_relu_stack_moment(0.32)
    with pytest.raises(TypeError):
        exercises.check_relu_stack_moment("1e-5")


def test_glorot_limit():
    exercises.check_glorot_limit(np.sqrt(6 / 432))
    with pytest.raises(exercises.ExerciseIncorrect, match="window"):
        exercises.check_glorot_limit(np.sqrt(6 / 48))
    with pytest.raises(exercises.ExerciseIncorrect):
        exercises.check_glorot_limit(0.5)


def test_he_std():
    exercises.check_he_std(np.sqrt(2 / 576))
    with pytest.raises(exercises.ExerciseIncorrect, match="fan-out"):
        exercises.check_he_std(np.sqrt(2 / 1152))
    with pytest.raises(exercises.ExerciseIncorrect, match="window"):
        exercises.check_he_std(np.sqrt(2 / 64))


def test_variance_scaling_settings(capsys):
    exercises.check_variance_scaling_settings("he_uniform", 2.0, "fan_in", "uniform")
    assert "Correct" in capsys.readouterr().out
    with pytest.raises(exercises.ExerciseIncorrect):
        exercises.check_variance_scaling_settings("he_uniform", 2.0, "fan_avg", "uniform")
    with pytest.raises(ValueError):
        exercises.check_variance_scaling_settings("he_uniform", 2.0, "fan_sum", "uniform")
    with pytest.raises(ValueError):
        exercises.check_variance_scaling_settings("xavier", 1.0, "fan_in", "uniform")
    with pytest.raises(ValueError):
        exercises.check_variance_scaling_settings("he_uniform", -1.0, "fan_in", "uniform")


def test_relabelling_count():
    from math import factorial

    exercises.check_relabelling_count(factorial(16) ** 2)
    with pytest.raises(exercises.ExerciseIncorrect, match="first layer only"):
        exercises.check_relabelling_count(factorial(16))
    with pytest.raises(exercises.ExerciseIncorrect):
        exercises.check_relabelling_count(factorial(32))
    with pytest.raises(TypeError):
        exercises.check_relabelling_count(4.4e26)
