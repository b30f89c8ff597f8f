import numpy as np
import pytest

from utils import theory


def test_fans_match_keras_convention():
    assert theory.fans((64, 32)) == (64, 32)
    assert theory.fans((3, 3, 16, 32)) == (144, 288)
    assert theory.fans((5, 16, 8)) == (80, 40)
    assert theory.fans((2, 3, 3, 4, 6)) == (72, 108)
    for bad in [(5,), (3, 0, 1, 2), ()]:
        with pytest.raises(ValueError):
            theory.fans(bad)


def test_layer_gain_and_second_moments():
    assert theory.layer_gain(128, 1 / 128) == pytest.approx(1.0)
    assert theory.layer_gain(128, 2 / 128, "relu") == pytest.approx(1.0)
    np.testing.assert_allclose(theory.second_moments(2.0, [0.5, 0.5, 2.0]), [1.0, 0.5, 1.0])
    with pytest.raises(ValueError):
        theory.layer_gain(128, 0.01, "swish")
    with pytest.raises(ValueError):
        theory.layer_gain(0, 0.01)
    with pytest.raises(ValueError):
        theory.second_moments(1.0, [])
    with pytest.raises(ValueError):
        theory.second_moments(1.0, [1.0, -1.0])


def test_named_variances():
    assert theory.lecun_variance(100) == pytest.approx(0.01)
    assert theory.glorot_variance(100, 300) == pytest.approx(0.005)
    assert theory.he_variance(50) == pytest.approx(0.04)
    assert theory.he_variance(50, negative_slope=1.0) == pytest.approx(0.02)
    assert theory.uniform_limit(1 / 3) == pytest.approx(1.0)
    with pytest.raises(ValueError):
        theory.he_variance(50, negative_slope=-0.1)
    with pytest.raises(ValueError):
        theory.glorot_variance(10, -1)


def test_truncated_normal_correction_matches_sampling():
    assert theory.truncation_correction() == pytest.approx(0.8796256610342398, rel=1e-9)
    z = np.random.default_rng(0).standard_normal(1_000_000)
    assert z[np.abs(z) <= 2].std() == pytest.approx(theory.truncation_correction(), rel=0.005)
    assert theory.truncated_normal_stddev(0.04) == pytest.approx(0.2 / 0.8796256610342398)


def test_keras_initializers_agree_with_theory():
    import keras

    shape = (3, 3, 32, 64)
    fan_in, fan_out = theory.fans(shape)
    he = keras.initializers.HeNormal(seed=1)(shape).numpy()
    assert he.var() == pytest.approx(theory.he_variance(fan_in), rel=0.03)
    glorot = keras.initializers.GlorotUniform(seed=1)(shape).numpy()
    limit = theory.uniform_limit(theory.glorot_variance(fan_in, fan_out))
    assert np.abs(glorot).max() <= limit and np.abs(glorot).max() > 0.99 * limit
    assert glorot.var() == pytest.approx(theory.glorot_variance(fan_in, fan_out), rel=0.03)


def test_mean_field_linear_and_relu_match_closed_forms():
    linear = theory.mean_field("linear", 2.0, [0.5, 3.0])
    np.testing.assert_allclose(linear.pre_moment, [2.0, 1.0, 3.0])
    np.testing.assert_allclose(linear.second_moment, linear.pre_moment)
    assert linear.gradient_ratio(1, 3) == pytest.approx(np.sqrt(0.5 * 3.0))
    relu = theory.mean_field("relu", 1.0, [2.0] * 4)  # He: q stays 1, E[relu²] = q/2, χ = 2·½
    np.testing.assert_allclose(relu.pre_moment, 1.0, rtol=1e-6)
    np.testing.assert_allclose(relu.second_moment, 0.5, rtol=1e-6)
    assert relu.gradient_ratio(1, 5) == pytest.approx(1.0, rel=1e-6)


def test_mean_field_tanh_compresses_and_decays_like_one_over_two_l():
    small = theory.mean_field("tanh", 1e-6, [1.0])
    assert small.pre_moment[1] == pytest.approx(1e-6, rel=1e-5)  # linear regime
    deep = theory.mean_field("tanh", 1.0, [1.0] * 400)
    assert deep.pre_moment[-1] * 2 * 400 == pytest.approx(1.0, rel=0.05)
    assert np.all(np.diff(deep.pre_moment) < 0)
    assert np.all(deep.backward_gain[1:] < 1.0)  # tanh′² < 1 away from 0: χ below the gain


def test_mean_field_sigmoid_counts_the_mean_of_one_half():
    # For tiny q, E[σ²] ≈ ¼ (the mean squared), so q₂ = gain/4 whatever q₁ is, and χ ≈ gain/16.
    mf = theory.mean_field("sigmoid", 1e-8, [16.0])
    assert mf.pre_moment[1] == pytest.approx(4.0, rel=1e-6)
    assert mf.backward_gain[1] < 16.0 / 16  # at q = 4 the slope is well below ¼


def test_mean_field_centred_sigmoid_is_a_scaled_tanh():
    # σ(y) − ½ = ½·tanh(y/2): with 16 times the gain, q' = 4 q for the tanh network on y/2, so the
    # pre-activations are twice the tanh network's and the backward gains are the same.
    gains = [16.0] * 9
    centred = theory.mean_field("centred_sigmoid", 4.0, gains)
    tanh = theory.mean_field("tanh", 1.0, [1.0] * 9)
    assert np.allclose(centred.pre_moment, 4 * tanh.pre_moment, rtol=1e-9)
    assert np.allclose(centred.backward_gain[1:], tanh.backward_gain[1:], rtol=1e-9)
    plain = theory.mean_field("sigmoid", 4.0, gains)
    assert plain.gradient_ratio(1, 10) < centred.gradient_ratio(1, 10) / 10  # the mean of ½ costs


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
@pytest.mark.parametrize("gain", [16.0, 128.0])
def test_mean_field_at_large_gains_matches_adaptive_quadrature(activation, gain):
    # 100 Gauss–Hermite nodes alone gave tanh's backward factor 0.41 at gain 128 (true: 6.24)
    from scipy import integrate

    f, df = theory.activation_pair(activation)

    def expect(g, q):
        density = lambda z: np.exp(-z * z / 2) / np.sqrt(2 * np.pi)  # noqa: E731
        return integrate.quad(lambda z: g(np.sqrt(q) * z) * density(z), -12, 12, points=[0.0], limit=500)[0]

    field = theory.mean_field(activation, 1.0, [gain] * 3)
    q = [1.0]
    for _ in range(3):
        q.append(gain * expect(lambda y: f(y) ** 2, q[-1]))
    np.testing.assert_allclose(field.pre_moment, q, rtol=1e-6)
    chi = [gain * expect(lambda y: df(y) ** 2, qi) for qi in q[1:]]
    np.testing.assert_allclose(field.backward_gain[1:], chi, rtol=1e-6)
    with pytest.raises(ValueError, match="10⁸"):
        theory.trapezoid_expectation(np.tanh, 1e9)


def test_mean_field_rejects_bad_input():
    with pytest.raises(ValueError, match="activation"):
        theory.mean_field("swish", 1.0, [1.0])
    with pytest.raises(ValueError, match="first_pre_moment"):
        theory.mean_field("tanh", 0.0, [1.0])
    with pytest.raises(ValueError, match="gains"):
        theory.mean_field("tanh", 1.0, [1.0, -1.0])
    with pytest.raises(ValueError, match="even"):
        theory.mean_field("relu", 1.0, [1.0], points=101)
    with pytest.raises(ValueError, match="200"):
        theory.mean_field("relu", 1.0, [1.0], points=400)
    with pytest.raises(FloatingPointError):
        theory.mean_field("linear", 1.0, [1e200, 1e200])
    with pytest.raises(ValueError, match="lower"):
        theory.mean_field("tanh", 1.0, [1.0]).gradient_ratio(2, 1)


def test_padding_profile_repeats_the_window_average_of_a_padded_map():
    # one layer by hand: a 3x3 window average with zeros outside, on a 4x4 map of ones
    padded = np.pad(np.ones((4, 4)), 1)
    by_hand = np.array([[padded[i : i + 3, j : j + 3].mean() for j in range(4)] for i in range(4)])
    assert np.allclose(theory.padding_profile(4, 1), by_hand)
    twice = np.pad(by_hand, 1)
    by_hand = np.array([[twice[i : i + 3, j : j + 3].mean() for j in range(4)] for i in range(4)])
    assert np.allclose(theory.padding_profile(4, 2), by_hand)
    # deep down each layer keeps padding_drain of the mean, and the centre keeps more than a corner
    deep = theory.padding_profile(8, 60).mean() / theory.padding_profile(8, 59).mean()
    assert deep == pytest.approx(theory.padding_drain(8), rel=1e-6)
    profile = theory.padding_profile(28, 30)
    assert profile[0, 0] < 0.1 * profile[14, 14] and profile.max() <= 1
    assert theory.padding_retained(8, 59, 60) == pytest.approx(deep)
    assert theory.padding_retained(28, 2, 30) == pytest.approx(profile.mean() / theory.padding_profile(28, 2).mean())
    with pytest.raises(ValueError):
        theory.padding_retained(8, 5, 5)
    with pytest.raises(ValueError):
        theory.padding_profile(8, 0)
    with pytest.raises(ValueError):
        theory.padding_profile(8, 3, kernel=4)


def test_padding_drain_is_the_long_run_factor_of_repeated_window_averaging():
    # iterate the expected-moment map itself: average over the 3×3 window, zeros outside
    moment = np.ones((8, 8))
    for _ in range(200):
        padded = np.pad(moment, 1)
        new = sum(padded[i:i + 8, j:j + 8] for i in range(3) for j in range(3)) / 9
        ratio, moment = new.sum() / moment.sum(), new / new.sum()
    assert theory.padding_drain(8) == pytest.approx(ratio, rel=1e-9)
    assert theory.padding_drain(8) == pytest.approx(((1 + 2 * np.cos(np.pi / 9)) / 3) ** 2)
    assert theory.padding_drain(1) == pytest.approx(1 / 9)  # only the centre tap is inside
    assert theory.padding_drain(28) > theory.padding_drain(8)
    with pytest.raises(ValueError):
        theory.padding_drain(8, kernel=2)
    with pytest.raises(ValueError):
        theory.padding_drain(0)
