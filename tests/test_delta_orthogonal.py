"""DeltaOrthogonal: the kernel's structure, the isometry it gives a convolution, seeding, serialization."""

import keras
import numpy as np
import pytest

from utils.delta_orthogonal import DeltaOrthogonal


@pytest.mark.parametrize("shape", [(3, 3, 8, 16), (5, 5, 4, 4), (3, 6, 6), (3, 3, 3, 2, 5), (1, 1, 4, 8)],
                         ids=["conv2d-widening", "conv2d-5x5-square", "conv1d", "conv3d", "1x1"])
def test_kernel_is_orthogonal_at_the_centre_and_zero_elsewhere(shape):
    kernel = np.asarray(DeltaOrthogonal(gain=1.5, seed=3)(shape))
    assert kernel.shape == shape
    centre_index = tuple(k // 2 for k in shape[:-2])
    centre = kernel[centre_index]
    np.testing.assert_allclose(centre @ centre.T, 1.5**2 * np.eye(shape[-2]), atol=1e-5)
    rest = kernel.copy()
    rest[centre_index] = 0.0
    assert not rest.any()


def test_conv2d_preserves_the_norm_at_every_position():
    x = np.random.default_rng(0).normal(size=(4, 9, 9, 8)).astype("float32")
    layer = keras.layers.Conv2D(16, 3, padding="same", use_bias=False, kernel_initializer=DeltaOrthogonal(seed=1))
    y = np.asarray(layer(x))
    np.testing.assert_allclose(np.linalg.norm(y, axis=-1), np.linalg.norm(x, axis=-1), rtol=1e-5)


def test_keras_orthogonal_preserves_patches_not_the_signal():
    x = np.random.default_rng(0).normal(size=(4, 9, 9, 8)).astype("float32")
    layer = keras.layers.Conv2D(72, 3, padding="valid", use_bias=False,
                                kernel_initializer=keras.initializers.Orthogonal(seed=1))
    y = np.asarray(layer(x))
    patches = np.stack([x[:, i:i + 7, j:j + 7] for i in range(3) for j in range(3)], axis=3).reshape(4, 7, 7, 72)
    ratio = np.linalg.norm(y, axis=-1) / np.linalg.norm(patches, axis=-1)
    # the flattened 72×72 kernel is orthogonal, so each 3×3×8 patch keeps its norm...
    np.testing.assert_allclose(ratio, 1.0, rtol=1e-4)
    # ...but the image does not: overlapping patches count each pixel up to 9 times
    assert abs(np.sum(y**2) / np.sum(x**2) - 1) > 0.5


def test_seeds():
    shape = (3, 3, 4, 8)
    same = [np.asarray(DeltaOrthogonal(seed=7)(shape)) for _ in range(2)]
    np.testing.assert_array_equal(*same)
    assert not np.allclose(same[0], np.asarray(DeltaOrthogonal(seed=8)(shape)))
    generator = DeltaOrthogonal(seed=keras.random.SeedGenerator(5))
    assert not np.allclose(np.asarray(generator(shape)), np.asarray(generator(shape)))


def test_serialization_round_trip():
    init = DeltaOrthogonal(gain=2.0, seed=11)
    restored = keras.initializers.deserialize(keras.initializers.serialize(init))
    assert isinstance(restored, DeltaOrthogonal) and restored.get_config() == {"gain": 2.0, "seed": 11}
    np.testing.assert_array_equal(np.asarray(restored((3, 3, 2, 4))), np.asarray(init((3, 3, 2, 4))))
    model = keras.Sequential([keras.Input((8, 8, 2)), keras.layers.Conv2D(4, 3, kernel_initializer=init)])
    clone = keras.Sequential.from_config(model.get_config())
    np.testing.assert_array_equal(np.asarray(clone.layers[0].kernel), np.asarray(model.layers[0].kernel))


@pytest.mark.parametrize("shape, message", [
    ((3, 3, 16, 8), "exceed output channels"),
    ((2, 2, 4, 4), "odd"),
    ((3, 4, 4, 8), "odd"),
    ((4, 8), "convolution kernels"),
])
def test_bad_shapes(shape, message):
    with pytest.raises(ValueError, match=message):
        DeltaOrthogonal(seed=0)(shape)


@pytest.mark.parametrize("kwargs", [{"gain": 0.0}, {"gain": -1.0}, {"gain": float("nan")}, {"gain": True},
                                    {"seed": 1.5}, {"seed": "0"}])
def test_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        DeltaOrthogonal(**kwargs)
