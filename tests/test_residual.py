"""The residual-network builder of chapter 8: its variants, its predictions and its errors."""

import numpy as np
import pytest

from utils import residual


@pytest.fixture(scope="module")
def x():
    return np.random.default_rng(0).standard_normal((256, 16)).astype(np.float32)


def test_predictions():
    assert np.allclose(residual.predicted_second_moments("he", 5), 2.0 ** np.arange(1, 6))
    assert np.isclose(residual.predicted_second_moments("gpt2", 50)[-1], 1.02**50)
    assert np.isclose(residual.predicted_second_moments("fixup", 10, 3.0)[-1], 3 * 1.01**10)
    assert np.all(residual.predicted_second_moments("zero", 7) == 1.0)


def test_fixup_scale():
    assert np.isclose(residual.fixup_scale(16), 0.25)  # m = 2: L^(−1/2)
    assert np.isclose(residual.fixup_scale(8, branch_layers=3), 8 ** (-1 / 4))
    with pytest.raises(ValueError, match="at least 2"):
        residual.fixup_scale(8, branch_layers=1)


@pytest.mark.parametrize("blocks", [0, -3, 2.5, True])
def test_bad_depth_is_refused(blocks):
    with pytest.raises(ValueError, match="blocks"):
        residual.residual_stack(16, blocks, 8)
    with pytest.raises(ValueError, match="blocks"):
        residual.predicted_second_moments("he", blocks)


def test_unknown_variant_is_refused():
    with pytest.raises(ValueError, match="unknown variant 'rezero'"):
        residual.residual_stack(16, 3, 8, "rezero")
    with pytest.raises(ValueError, match="unknown variant"):
        residual.branch_gain("He", 3)


def test_other_bad_arguments():
    with pytest.raises(ValueError, match="width"):
        residual.residual_stack(16, 3, 0)
    with pytest.raises(ValueError, match="classes"):
        residual.residual_stack(16, 3, 8, classes=0)
    with pytest.raises(ValueError, match="input_moment"):
        residual.predicted_second_moments("he", 3, input_moment=0.0)


def test_layers_and_shapes(x):
    model = residual.residual_stack(16, 3, 8, "he", classes=10, seed=1)
    names = [layer.name for layer in model.layers]
    for b in (1, 2, 3):
        assert {f"block{b}", f"block{b}_dense1", f"block{b}_dense2"} <= set(names)
    assert model(x).shape == (256, 10)
    assert np.all(model.get_layer("logits").get_weights()[0] == 0)  # Fixup's zero classifier
    assert residual.residual_stack(16, 3, 8).output.shape[-1] == 8


def test_seed_makes_the_draw_reproducible():
    a = residual.residual_stack(16, 2, 8, seed=5).get_weights()
    b = residual.residual_stack(16, 2, 8, seed=5).get_weights()
    assert all(np.array_equal(u, v) for u, v in zip(a, b))


def test_neighbouring_seeds_share_no_kernel():
    # with seed + layer, block k's second kernel at seed s was block k's first at seed s + 1
    a = [w for w in residual.residual_stack(16, 3, 8, seed=5).get_weights() if w.ndim == 2]
    b = [w for w in residual.residual_stack(16, 3, 8, seed=6).get_weights() if w.ndim == 2]
    for u in a:
        for v in b:
            if u.shape == v.shape:
                assert not np.allclose(u / np.abs(u).max(), v / np.abs(v).max())


def test_zero_variant_is_the_identity(x):
    model = residual.residual_stack(16, 4, 32, "zero", seed=0)
    out = residual.block_outputs(model, x)
    assert all(np.array_equal(b, out["stem"]) for b in out["blocks"])


def test_branch_scaling_of_the_weights():
    blocks = 16
    he = residual.residual_stack(16, blocks, 512, "he", seed=3)
    gpt2 = residual.residual_stack(16, blocks, 512, "gpt2", seed=3)
    fixup = residual.residual_stack(16, blocks, 512, "fixup", seed=3)
    w = {name: m.get_layer("block1_dense2").get_weights()[0] for name, m in
         [("he", he), ("gpt2", gpt2), ("fixup", fixup)]}
    assert np.isclose(w["he"].var(), 2 / 512, rtol=0.02)
    assert np.isclose(w["gpt2"].var(), 2 / 512 / blocks, rtol=0.02)
    assert np.isclose(w["fixup"].var(), 2 / 512 / blocks, rtol=0.02)
    first = fixup.get_layer("block1_dense1").get_weights()[0]
    assert np.isclose(first.var(), 2 / 512 / blocks, rtol=0.02)


def test_he_blocks_double_the_second_moment():
    x = np.random.default_rng(1).standard_normal((512, 64)).astype(np.float32)
    model = residual.residual_stack(64, 6, 512, "he", seed=2)
    m = residual.block_second_moments(model, x)
    rate = (m["blocks"][-1] / m["stem"]) ** (1 / 6)
    assert 1.8 < rate < 2.2


def test_block_moments_need_blocks():
    import keras

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, name="stem")])
    with pytest.raises(ValueError, match="no residual blocks"):
        residual.block_second_moments(model, np.zeros((2, 4)))
