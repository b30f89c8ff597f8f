import numpy as np
import pytest

from utils import reproducibility


def test_book_seed_default(monkeypatch):
    monkeypatch.delenv("BOOK_SEED", raising=False)
    assert reproducibility.book_seed() == reproducibility.DEFAULT_SEED


def test_book_seed_from_environment(monkeypatch):
    monkeypatch.setenv("BOOK_SEED", " 42 ")
    assert reproducibility.book_seed() == 42


@pytest.mark.parametrize("raw", ["seven", "1.5", "-3", str(2**32)])
def test_book_seed_rejects_bad_values(monkeypatch, raw):
    monkeypatch.setenv("BOOK_SEED", raw)
    with pytest.raises(ValueError, match="BOOK_SEED"):
        reproducibility.book_seed()


def test_seed_everything_repeats_draws(monkeypatch):
    monkeypatch.setenv("BOOK_SEED", "5")
    import keras

    assert reproducibility.seed_everything() == 5
    first = (np.random.rand(3), keras.random.normal((3,)).numpy())
    reproducibility.seed_everything(5)
    second = (np.random.rand(3), keras.random.normal((3,)).numpy())
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])


def test_seed_everything_seeds_keras_initializers():
    import keras

    reproducibility.seed_everything(3)
    a = keras.layers.Dense(4)
    a.build((None, 5))
    reproducibility.seed_everything(3)
    b = keras.layers.Dense(4)
    b.build((None, 5))
    np.testing.assert_array_equal(a.kernel.numpy(), b.kernel.numpy())


@pytest.mark.parametrize("bad", [-1, 2**32, 1.5, "3", True])
def test_seed_everything_rejects_bad_seeds(bad):
    with pytest.raises((TypeError, ValueError)):
        reproducibility.seed_everything(bad)


def test_derived_seeds_depend_on_base():
    a = reproducibility.derived_seeds(4, 0)
    assert len(a) == 4 and len(set(a)) == 4
    assert a == reproducibility.derived_seeds(4, 0)
    assert a != reproducibility.derived_seeds(4, 1)


@pytest.mark.parametrize("count", [0, -2, 1.0, True])
def test_derived_seeds_rejects_bad_count(count):
    with pytest.raises(ValueError, match="count"):
        reproducibility.derived_seeds(count, 0)
