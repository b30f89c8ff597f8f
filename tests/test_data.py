import numpy as np
import pytest

from utils import data


def test_digits_image_layout_is_standardised():
    d = data.load_digits()
    assert d.x_train.shape[1:] == (8, 8, 1) and d.input_shape == (8, 8, 1)
    assert len(d.x_train) + len(d.x_test) == 1797
    assert d.x_train.dtype == np.float32 and d.y_train.dtype == np.int64
    assert abs(d.x_train.mean()) < 1e-4 and abs(d.x_train.std() - 1) < 1e-4
    assert set(np.unique(d.y_train)) == set(range(10)) and set(np.unique(d.y_test)) == set(range(10))


def test_digits_flat_layout_and_split_are_fixed():
    a, b = data.load_digits(layout="flat"), data.load_digits(layout="flat")
    assert a.x_train.shape[1:] == (64,)
    np.testing.assert_array_equal(a.x_test, b.x_test)
    image = data.load_digits()
    np.testing.assert_array_equal(a.x_train, image.x_train.reshape(len(image.x_train), -1))


def test_digits_upsampled_to_mnist_shape():
    d = data.load_digits(size=28)
    assert d.x_train.shape[1:] == (28, 28, 1)
    assert abs(d.x_train.mean()) < 1e-3


def test_digits_split_seed_changes_split():
    a, b = data.load_digits(split_seed=0), data.load_digits(split_seed=1)
    assert not np.array_equal(a.y_test, b.y_test)


@pytest.mark.parametrize(
    "kwargs", [{"layout": "tensor"}, {"size": 4}, {"size": 8.0}, {"test_fraction": 0}, {"test_fraction": 1.5}]
)
def test_digits_rejects_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        data.load_digits(**kwargs)


def test_synthetic_gaussian_images():
    x = data.synthetic_images(64, size=16, channels=3, seed=1)
    assert x.shape == (64, 16, 16, 3) and x.dtype == np.float32
    assert abs(x.mean()) < 0.05 and abs(x.std() - 1) < 0.05
    np.testing.assert_array_equal(x, data.synthetic_images(64, size=16, channels=3, seed=1))
    assert not np.array_equal(x, data.synthetic_images(64, size=16, channels=3, seed=2))


def test_synthetic_smooth_images_have_correlated_neighbours():
    x = data.synthetic_images(32, size=32, kind="smooth", seed=0)[..., 0]
    neighbour = np.corrcoef(x[:, :, :-1].ravel(), x[:, :, 1:].ravel())[0, 1]
    assert neighbour > 0.5
    white = data.synthetic_images(32, size=32, kind="gaussian", seed=0)[..., 0]
    assert abs(np.corrcoef(white[:, :, :-1].ravel(), white[:, :, 1:].ravel())[0, 1]) < 0.05


@pytest.mark.parametrize(
    "kwargs", [{"n": 0}, {"n": 2, "size": -1}, {"n": 2, "channels": 0}, {"n": 2, "kind": "perlin"}]
)
def test_synthetic_rejects_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        data.synthetic_images(**kwargs)
