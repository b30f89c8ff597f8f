"""Chapter 9's helpers: Adam compilation, per-batch training and class-imbalanced digits."""

import keras
import numpy as np
import pytest

from utils import data, models, reproducibility


@pytest.fixture(scope="module")
def digits():
    return data.load_digits("flat")


def test_compile_adam_uses_adam_with_the_given_settings(digits):
    model = models.compile_adam(models.dense_stack(64, 1, 8, "relu", "he_normal"), 2e-3, 1e-9, 4)
    assert isinstance(model.optimizer, keras.optimizers.Adam)
    assert float(model.optimizer.learning_rate.numpy()) == pytest.approx(2e-3)
    assert model.optimizer.epsilon == pytest.approx(1e-9)
    history = models.train(model, digits, epochs=2)
    assert history["loss"][1] < history["loss"][0]


@pytest.mark.parametrize("kwargs", [{"learning_rate": 0}, {"epsilon": 0}, {"steps_per_execution": 0},
                                    {"steps_per_execution": 1.5}, {"steps_per_execution": True}])
def test_compile_adam_rejects_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        models.compile_adam(models.dense_stack(4, 1, 2, "relu", "he_normal"), **kwargs)


def test_train_per_batch_returns_each_batch_loss_before_its_update(digits):
    small = data.Split(digits.x_train[:100], digits.y_train[:100], digits.x_test, digits.y_test)
    reproducibility.seed_everything(0)
    model = models.compile_sgd(models.dense_stack(64, 1, 16, "relu", "he_normal"), 0.05)
    start = model.get_weights()
    losses = models.train_per_batch(model, small, epochs=2, batch_size=32, seed=5)
    assert losses.shape == (2 * 3,)  # 100 // 32 = 3 batches an epoch, the last 4 examples dropped
    # the first value is the loss of the untrained model on the first batch of the shuffle
    first = np.random.default_rng(5).permutation(100)[:32]
    probe = models.dense_stack(64, 1, 16, "relu", "he_normal")
    probe.set_weights(start)
    expected = models.cross_entropy(probe, small.x_train[first], small.y_train[first])
    assert losses[0] == pytest.approx(expected, rel=1e-5)
    assert losses[-3:].mean() < losses[:3].mean()
    # the same seed gives the same batches, so the same losses
    model.set_weights(start)
    models.restart(model, start)
    again = models.train_per_batch(model, small, epochs=2, batch_size=32, seed=5)
    np.testing.assert_allclose(again, losses, rtol=1e-5)


@pytest.mark.parametrize("kwargs", [{"epochs": 0}, {"epochs": 1.0}, {"batch_size": 0},
                                    {"batch_size": 10_000}, {"batch_size": True}])
def test_train_per_batch_rejects_bad_arguments(digits, kwargs):
    model = models.compile_sgd(models.dense_stack(64, 1, 4, "relu", "he_normal"))
    with pytest.raises(ValueError):
        models.train_per_batch(model, digits, **({"epochs": 1} | kwargs))
    with pytest.raises(ValueError, match="compile"):
        models.train_per_batch(models.dense_stack(64, 1, 4, "relu", "he_normal"), digits, 1)


def test_imbalanced_keeps_the_asked_fractions(digits):
    fractions = 0.5 ** np.array([0, 1, 2, 3, 4, 0, 1, 2, 3, 4])
    imbalanced = data.imbalanced(digits, fractions)
    counts = np.bincount(imbalanced.y_train, minlength=10)
    full = np.bincount(digits.y_train, minlength=10)
    assert np.all(np.abs(counts / full - fractions) < 0.12)
    assert counts[0] > 8 * counts[4] and counts.min() > 0
    assert len(imbalanced.x_train) == len(imbalanced.y_train) and len(imbalanced.x_test) < len(digits.x_test)
    again = data.imbalanced(digits, fractions)  # the seed fixes which examples are kept
    np.testing.assert_array_equal(again.y_train, imbalanced.y_train)
    assert not np.array_equal(data.imbalanced(digits, fractions, seed=1).y_train, imbalanced.y_train)
    np.testing.assert_array_equal(data.imbalanced(digits, np.ones(10)).x_train, digits.x_train)


@pytest.mark.parametrize("fractions", [np.ones(9), np.zeros(10), np.full(10, 1.5), np.full(10, 1e-9)],
                         ids=["too-few", "zero", "above-one", "class-lost"])
def test_imbalanced_rejects_bad_fractions(digits, fractions):
    with pytest.raises(ValueError):
        data.imbalanced(digits, fractions)
