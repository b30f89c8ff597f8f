import numpy as np
import pytest

from utils import deep_linear
from utils.random_networks import draw_weights


def task(seed=0, width=8, samples=32):
    return deep_linear.regression_task(width, samples, np.random.default_rng(seed))


def test_task_is_a_linear_map_with_the_stated_singular_values():
    t = task()
    target = t.y @ np.linalg.pinv(t.x)
    np.testing.assert_allclose(np.linalg.svd(target, compute_uv=False)[[0, -1]], [2.0, 0.5], rtol=1e-8)


def test_one_layer_learns_and_the_count_is_deterministic():
    t = task()
    steps = deep_linear.steps_to_learn(t, 1, "orthogonal", 0.5, np.random.default_rng(1))
    assert steps is not None and 0 < steps < 200
    assert steps == deep_linear.steps_to_learn(t, 1, "orthogonal", 0.5, np.random.default_rng(1))


def test_a_tighter_tolerance_takes_more_steps():
    t = task()
    loose = deep_linear.steps_to_learn(t, 4, "orthogonal", 0.5, np.random.default_rng(2), tolerance=0.2)
    tight = deep_linear.steps_to_learn(t, 4, "orthogonal", 0.5, np.random.default_rng(2), tolerance=0.01)
    assert loose is not None and tight is not None and tight > loose


def test_divergence_and_running_out_of_steps_return_none():
    t = task()
    assert deep_linear.steps_to_learn(t, 4, "orthogonal", 50.0, np.random.default_rng(3)) is None
    assert deep_linear.steps_to_learn(t, 4, "orthogonal", 0.5, np.random.default_rng(3), max_steps=1) is None


def test_two_layers_follow_the_hand_written_gradient_descent():
    # an independent two-layer implementation: dW2 = E h1ᵀ, dW1 = W2ᵀ E xᵀ, E = (W2 W1 x - y)/N
    t = task(width=4, samples=16)
    rng = np.random.default_rng(5)
    w1, w2 = draw_weights("gaussian", 4, 1.0, rng), draw_weights("gaussian", 4, 1.0, rng)
    threshold = 0.05 * 0.5 * np.mean(np.sum(t.y**2, axis=0))
    step = None
    for k in range(1000):
        h1 = w1 @ t.x
        error = w2 @ h1 - t.y
        if 0.5 * np.mean(np.sum(error**2, axis=0)) < threshold:
            step = k
            break
        e = error / t.x.shape[1]
        w2, w1 = w2 - 0.3 / 2 * e @ h1.T, w1 - 0.3 / 2 * w2.T @ e @ t.x.T
    assert step is not None
    assert deep_linear.steps_to_learn(t, 2, "gaussian", 0.3, np.random.default_rng(5)) == step


@pytest.mark.parametrize("kwargs", [{"depth": 0}, {"learning_rate": 0.0}, {"tolerance": 1.0}, {"max_steps": 0}])
def test_bad_arguments_are_rejected(kwargs):
    args = {"depth": 2, "kind": "orthogonal", "learning_rate": 0.1, "rng": np.random.default_rng(0)} | kwargs
    with pytest.raises(ValueError):
        deep_linear.steps_to_learn(task(), **args)
    with pytest.raises(ValueError):
        deep_linear.regression_task(8, 4, np.random.default_rng(0))
