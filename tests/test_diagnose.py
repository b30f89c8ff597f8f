"""The initialization check: each flag fires on the broken network it describes, none on healthy ones."""

import keras
import numpy as np
import pytest

from utils import data, diagnose, models


@pytest.fixture(scope="module")
def flat():
    d = data.load_digits(layout="flat")
    return d.x_train[:256], d.y_train[:256]


def flags_of(model, batch):
    return diagnose.init_report(model, *batch).flags


def built(depth, activation, init, seed=0):
    keras.utils.set_random_seed(seed)
    return models.dense_stack(64, depth, 128, activation, init)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_healthy_models_raise_no_flag(flat, seed):
    assert flags_of(built(10, "relu", "he_normal", seed), flat) == []
    assert flags_of(built(10, "tanh", "glorot_uniform", seed), flat) == []
    images = data.load_digits()
    keras.utils.set_random_seed(seed)
    cnn = models.small_cnn(images.input_shape, "he_uniform")
    assert flags_of(cnn, (images.x_train[:128], images.y_train[:128])) == []


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_deep_healthy_models_raise_no_flag(flat, seed):
    # deep enough for the ordinary spread between draws to be large (chapter 4b), still healthy;
    # at seeds 0-4 their signal ratio stayed within 0.27-1.5 and their gradient ratio 0.23-2.2
    assert flags_of(built(20, "tanh", "glorot_uniform", seed), flat) == []
    assert flags_of(built(30, "relu", "he_normal", seed), flat) == []
    assert flags_of(built(20, "selu", "lecun_normal", seed), flat) == []


def test_flags_come_most_serious_first_and_dead_layers_in_one_line(flat):
    model = built(30, "relu", "glorot_uniform")
    hidden3 = model.get_layer("hidden3")
    bias = hidden3.bias.numpy()
    bias[:100] = -100.0  # 100 of 128 units dead
    hidden3.bias.assign(bias)
    flags = flags_of(model, flat)  # found in the order dead, signal, gradient
    assert [f.split(" — ")[-1] for f in flags[:2]] == ["vanishing signal", "vanishing gradient"]
    assert flags[2].startswith("layer hidden3: ") and flags[2].endswith("units are dead on this batch")
    keras.utils.set_random_seed(0)
    flags = flags_of(models.framework_dense_stack("PyTorch", 64, 20, 128, "relu"), flat)
    assert "no longer carries the input" in flags[0]
    dead = [f for f in flags if "dead" in f]
    assert len(dead) == 1 and dead[0].startswith("layers hidden") and flags[-1] == dead[0]
    keras.utils.set_random_seed(0)
    report = diagnose.init_report(models.framework_dense_stack("PyTorch", 64, 20, 128, "relu"), *flat)
    assert report.kinds == ["lost input", "gradient", "dead units"]  # dead units are found first
    report = diagnose.init_report(built(8, "relu", keras.initializers.RandomNormal(0, 0.01)), *flat)
    assert report.kinds == ["signal", "gradient"]
    for model in (built(3, "relu", "zeros"), built(10, "relu", keras.initializers.RandomNormal(0, 1))):
        kinds = diagnose.init_report(model, *flat).kinds
        assert kinds == sorted(kinds, key=diagnose.SEVERITY.index) and len(kinds) >= 2


def test_a_zero_output_layer_is_not_a_problem(flat):
    model = built(10, "relu", "he_normal")
    logits = model.get_layer("logits")
    logits.kernel.assign(np.zeros(logits.kernel.shape, dtype="float32"))
    assert flags_of(model, flat) == []


def test_pytorch_defaults_are_flagged_for_losing_the_input(flat):
    keras.utils.set_random_seed(0)
    model = models.framework_dense_stack("PyTorch", 64, 20, 128, "relu")
    flags = flags_of(model, flat)
    assert any("no longer carries the input" in f for f in flags)
    assert not any("vanishing signal" in f for f in flags)  # the biases hold the RMS up


def test_constant_weights_are_flagged_symmetric(flat):
    # hidden3 sits under the random Glorot output layer, which separates its units (chapter 1)
    flags = flags_of(built(3, "relu", "zeros"), flat)
    assert [f.split(":")[0] for f in flags if "symmetric" in f] == ["layer hidden1", "layer hidden2"]
    flags = flags_of(built(3, "tanh", keras.initializers.Constant(0.05)), flat)
    assert any("hidden2" in f and "symmetric" in f for f in flags)


def test_small_weights_are_flagged_vanishing(flat):
    flags = flags_of(built(8, "relu", keras.initializers.RandomNormal(0, 0.01)), flat)
    assert any("vanishing signal" in f for f in flags)
    assert any("vanishing gradient" in f for f in flags)
    assert not any("symmetric" in f or "exploding" in f for f in flags)


def test_glorot_on_deep_relu_is_flagged_vanishing(flat):
    flags = flags_of(built(30, "relu", "glorot_uniform"), flat)
    assert any("vanishing signal" in f for f in flags)


def test_large_weights_are_flagged_exploding_and_the_loss(flat):
    flags = flags_of(built(10, "relu", keras.initializers.RandomNormal(0, 1)), flat)
    assert any("exploding signal" in f for f in flags)
    assert any("initial loss" in f for f in flags)


def test_a_large_output_layer_alone_is_flagged(flat):
    model = built(3, "relu", "he_normal")
    logits = model.get_layer("logits")
    logits.kernel.assign(logits.kernel * 30.0)
    flags = flags_of(model, flat)
    assert len(flags) == 1 and flags[0].startswith("initial loss")


def test_dead_units_are_flagged(flat):
    model = built(3, "relu", "he_normal")
    hidden2 = model.get_layer("hidden2")
    hidden2.bias.assign(np.full(hidden2.bias.shape, -100.0, dtype="float32"))
    flags = flags_of(model, flat)
    # hidden3 then sees a zero input: dead too, named in the same line
    assert [f for f in flags if "dead" in f] == [
        "layers hidden2, hidden3: 100% of each one's units are dead on this batch"
    ]


def test_dead_units_behind_a_separate_activation_layer_are_flagged(flat):
    # Dense then ReLU(): the block is measured after the ReLU, as with a fused activation
    keras.utils.set_random_seed(0)
    layers = [keras.Input((64,))]
    for k in (1, 2, 3):
        layers += [keras.layers.Dense(128, kernel_initializer="he_normal", name=f"h{k}"), keras.layers.ReLU()]
    model = keras.Sequential(layers + [keras.layers.Dense(10, name="logits")])
    h2 = model.get_layer("h2")
    h2.bias.assign(np.full(h2.bias.shape, -100.0, dtype="float32"))
    flags = flags_of(model, flat)
    assert any(f.split(":")[0] in ("layer h2", "layers h2, h3") and "dead" in f for f in flags)
    assert not any("exploding" in f for f in flags)


def test_a_model_with_one_weighted_layer_is_reported(flat):
    model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(10)])
    report = diagnose.init_report(model, *flat)
    assert len(report.rows) == 1 and report.flags == []


def test_fans_follow_keras():
    assert diagnose.fans((64, 10)) == (64, 10)
    assert diagnose.fans((3, 3, 16, 32)) == (144, 288)
    with pytest.raises(ValueError):
        diagnose.fans((0, 3))
    with pytest.raises(ValueError):
        diagnose.fans((5,))
    with pytest.raises(ValueError):
        diagnose.fans((3.7, 2))


def test_bad_input_is_refused(flat):
    inputs = keras.Input((64,))
    functional = keras.Model(inputs, keras.layers.Dense(10)(inputs))
    with pytest.raises(ValueError, match="Sequential"):
        diagnose.init_report(functional, *flat)
    with pytest.raises(ValueError, match="factor"):
        diagnose.init_report(built(2, "relu", "he_normal"), *flat, factor=1)
    no_weights = keras.Sequential([keras.Input((64,)), keras.layers.ReLU()])
    with pytest.raises(ValueError, match="no Dense or Conv2D"):
        diagnose.init_report(no_weights, *flat)


def test_show_displays_rows_and_flags(flat, capsys):
    diagnose.init_report(built(2, "relu", "zeros"), *flat).show()
    out = capsys.readouterr().out
    assert "hidden1" in out and "symmetric" in out
    diagnose.init_report(built(2, "relu", "he_normal"), *flat).show()
    assert "no problem found" in capsys.readouterr().out


def test_what_it_cannot_measure_is_refused(flat):
    with pytest.raises(ValueError, match="factor"):
        diagnose.init_report(built(2, "relu", "he_normal"), *flat, factor=float("nan"))
    softmax = keras.Sequential([keras.Input((64,)), keras.layers.Dense(16, activation="relu"),
                                keras.layers.Dense(10, activation="softmax")])
    with pytest.raises(ValueError, match="logits"):
        diagnose.init_report(softmax, *flat)
    trailing = keras.Sequential([keras.Input((64,)), keras.layers.Dense(10), keras.layers.Softmax()])
    with pytest.raises(ValueError, match="logits"):
        diagnose.init_report(trailing, *flat)
    conv1d = keras.Sequential([keras.Input((64, 1)), keras.layers.Conv1D(4, 3), keras.layers.Flatten(),
                               keras.layers.Dense(10)])
    with pytest.raises(ValueError, match="Conv1D"):
        diagnose.init_report(conv1d, flat[0][..., None], flat[1])
    relu_last = keras.Sequential([keras.Input((64,)), keras.layers.Dense(10), keras.layers.ReLU()])
    with pytest.raises(ValueError, match="logits"):
        diagnose.init_report(relu_last, *flat)


def test_batch_normalization_is_measured_in_training_mode(flat):
    # Glorot kernels halve a ReLU stack's signal per layer; BN, on the batch's statistics as in
    # training, restores it. In inference mode a fresh BN layer is the identity and the report
    # would call the signal vanishing.
    keras.utils.set_random_seed(0)
    layers = [keras.Input((64,))]
    for _ in range(20):
        layers += [keras.layers.Dense(128), keras.layers.BatchNormalization(), keras.layers.ReLU()]
    model = keras.Sequential([*layers, keras.layers.Dense(10)])
    bn = model.layers[1]
    before = [v.numpy().copy() for v in bn.non_trainable_variables]
    report = diagnose.init_report(model, *flat)
    assert not any("signal" in f for f in report.flags)
    # measuring leaves the moving statistics alone
    assert all(np.array_equal(a, v.numpy()) for a, v in zip(before, bn.non_trainable_variables))
    # the reported block output is after BN and ReLU: relu of a unit normal, std ≈ 0.58
    assert 0.5 < report.rows[10]["activation std"] < 0.7


def test_symmetric_needs_tied_incoming_and_outgoing_weights(flat):
    # chapter 1: units with the same incoming weights are separated by a random layer above them
    model = built(3, "relu", "he_normal")
    column = np.random.default_rng(0).normal(0, 0.1, (128, 1)).astype("float32")
    model.get_layer("hidden2").kernel.assign(np.repeat(column, 128, axis=1))
    assert not any("symmetric" in f for f in flags_of(model, flat))
    row = np.random.default_rng(1).normal(0, 0.1, (1, 128)).astype("float32")
    model.get_layer("hidden3").kernel.assign(np.repeat(row, 128, axis=0))  # tied outgoing rows
    assert any("hidden2" in f and "symmetric" in f for f in flags_of(model, flat))
