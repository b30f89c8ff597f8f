"""Self-check functions for the exercises: call one with your answer to have it graded.

Each checker prints a one-line confirmation when the answer is right and raises
:class:`ExerciseIncorrect` with a hint when it is not.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from utils import filters, numpy_cnn
from utils.data import Split
from utils.validation import positive_number


class ExerciseIncorrect(AssertionError):
    """The answer given to a self-check is not right; the message holds a hint."""


def _number(answer: object) -> float:
    """The answer as a float; a clear TypeError for anything that is not a real number."""
    if isinstance(answer, bool) or not isinstance(answer, (int, float, np.integer, np.floating)):
        raise TypeError(f"answer must be a number, got {answer!r}")
    return float(answer)


def check_kernel_gradient(kernel_gradient: Callable[[np.ndarray, np.ndarray, tuple], np.ndarray]) -> None:
    """Exercise 1.1: grade a function ``kernel_gradient(x, grad_out, kernel_shape)``.

    It must return ∂loss/∂kernel of a valid, stride-1 Conv2D layer, given the layer's input ``x``
    (n, h, w, c_in), the gradient of the loss with respect to its output ``grad_out``
    (n, h-kh+1, w-kw+1, c_out), and the kernel's shape (kh, kw, c_in, c_out).
    """
    if not callable(kernel_gradient):
        raise TypeError("pass your function itself, e.g. check_kernel_gradient(my_kernel_gradient)")
    rng = np.random.default_rng(2024)
    # (n, height, width, c_in, c_out, kh, kw); the second shape is not square, so that code which
    # mixes up heights and widths fails.
    for n, h, w, c_in, c_out, kh, kw in ((2, 5, 5, 1, 3, 3, 3), (3, 5, 7, 2, 4, 2, 3), (1, 4, 4, 3, 2, 3, 3)):
        x = rng.standard_normal((n, h, w, c_in))
        kernel = rng.standard_normal((kh, kw, c_in, c_out))
        grad_out = rng.standard_normal((n, h - kh + 1, w - kw + 1, c_out))
        expected = numpy_cnn.conv2d_backward(x, kernel, grad_out)[1]
        got = np.asarray(kernel_gradient(x, grad_out, kernel.shape))
        if got.shape != expected.shape:
            raise ExerciseIncorrect(f"your gradient has shape {got.shape}; the kernel's is {expected.shape}")
        error = np.linalg.norm(got - expected) / np.linalg.norm(expected)
        if not error < 1e-4:  # float32 arithmetic is right too (about 1e-7 relative)
            raise ExerciseIncorrect(
                "wrong values. Hint: ∂loss/∂k[a,b,c,o] = Σ over n, i, j of x[n,i+a,j+b,c]·grad_out[n,i,j,o]"
            )
    print("Correct: your kernel gradient matches the reference on three layer shapes.")


def check_zero_init_accuracy(classes_predicted: int, accuracy: float, data: Split) -> None:
    """Exercise 1.2: grade how many classes a trained, all-zero-initialised network predicts on the
    test set, and its test accuracy.

    Every hidden unit of such a network outputs 0 forever, so only the output layer's bias learns:
    the network gives every image the same logits and predicts one class for all of them. Which
    class depends on the bias's last updates (with nearly balanced classes not always the
    commonest), but the accuracy is that class's share of the test set, so any accuracy within
    half a point of the range of the classes' test shares is right. Asking for the number of
    classes too tells that reasoning from "ten classes at chance", which gives the same 0.10 here.
    """
    if isinstance(classes_predicted, bool) or not isinstance(classes_predicted, (int, np.integer)):
        raise TypeError(f"classes_predicted must be an integer, got {classes_predicted!r}")
    accuracy = _number(accuracy)
    if not 0.0 <= accuracy <= 1.0:
        raise ValueError(f"accuracy must be a fraction between 0 and 1, got {accuracy}")
    if classes_predicted != 1:
        raise ExerciseIncorrect(
            "not quite. Hint: with every kernel zero, can two images get different logits? Chance "
            "accuracy from guessing among ten classes is not what happens here."
        )
    shares = np.bincount(data.y_test) / len(data.y_test)
    if not shares.min() - 0.005 <= accuracy <= shares.max() + 0.005:
        raise ExerciseIncorrect(
            "one class, right; its accuracy is the share of the test set that belongs to that class"
        )
    print("Correct: the network predicts one class for every test image, and each class is about "
          f"{shares.mean():.2f} of the test set.")


def check_relu_stack_moment(answer: float) -> None:
    """Exercise 2.1: grade the predicted E[h²] after 10 ReLU layers of width 256, σ = 0.05, E[x²] = 1."""
    answer = _number(answer)
    expected = (256 * 0.05**2 / 2) ** 10
    if not np.isclose(float(answer), expected, rtol=0.03):  # 1.1e-5, the rounded answer, is right
        raise ExerciseIncorrect(
            "not quite. Hint: each layer multiplies E[h²] by n·σ²/2; what is that for n = 256, σ = 0.05, "
            "and what do 10 such layers do?"
        )
    print("Correct: 10 layers, each multiplying the second moment by 0.32, leave about 1.1e-5 of it.")


def check_relu_gain_sigma(answer: float) -> None:
    """Exercise 2.2: grade the σ that makes a ReLU layer with 128 inputs keep E[h²] (gain n·σ²/2 = 1)."""
    answer = _number(answer)
    expected = float(np.sqrt(2.0 / 128))
    if np.isclose(answer, np.sqrt(1.0 / 128), rtol=5e-3):
        raise ExerciseIncorrect("that makes n·σ² = 1, right for a linear layer; a ReLU keeps only half the second moment")
    if np.isclose(answer, 2.0 / 128, rtol=5e-3):
        raise ExerciseIncorrect("that is the variance σ²; the question asks for the standard deviation σ")
    if not np.isclose(answer, expected, rtol=5e-3):
        raise ExerciseIncorrect("not quite. Hint: a ReLU layer multiplies E[h²] by n·σ²/2; set that to 1 with n = 128")
    print(f"Correct: σ = √(2/128) = {expected:.3f}, He initialization (chapter 4).")


def check_glorot_limit(answer: float) -> None:
    """Exercise 3.1: grade the glorot_uniform limit of a Conv2D kernel of shape (3, 3, 16, 48).

    The shape is chosen so that no other common formula gives the same number (for (3, 3, 16, 32),
    fan_out = 2·fan_in makes √(6/(fan_in + fan_out)) equal He's σ = √(2/fan_in)).
    """
    answer = _number(answer)
    fan_in, fan_out = 3 * 3 * 16, 3 * 3 * 48
    expected = float(np.sqrt(6.0 / (fan_in + fan_out)))
    if np.isclose(answer, float(np.sqrt(6.0 / (16 + 48))), rtol=5e-3):
        raise ExerciseIncorrect("you used the channel counts as fans; a Conv2D unit's fans include the 3×3 window")
    # 2.5%: a hand computation rounded to two figures (0.10) is right; the nearest wrong formula
    # (√(6/432) or √(2/144), 0.118) is 15% away
    if not np.isclose(answer, expected, rtol=0.025):
        raise ExerciseIncorrect("not quite. Hint: fan_in = kh·kw·c_in, fan_out = kh·kw·c_out, limit = √(6/(fan_in + fan_out))")
    print(f"Correct: fan_in = {fan_in}, fan_out = {fan_out}, limit = √(6/{fan_in + fan_out}) ≈ {expected:.4f}.")


def check_widening_gains(first: float, second: float) -> None:
    """Exercise 3.2: grade the linear-regime forward gains n_in·Var[W] of Glorot layers 64 → 256 → 1024."""
    first, second = _number(first), _number(second)
    if np.isclose(first, 1.6, rtol=1e-2) or np.isclose(second, 1.6, rtol=1e-2):
        raise ExerciseIncorrect("1.6 is n_out·Var[W], the backward gain; the forward pass multiplies by n_in·Var[W]")
    if np.isclose(first, 2.5, rtol=1e-2) or np.isclose(second, 2.5, rtol=1e-2):
        raise ExerciseIncorrect("that is the inverse: the forward gain is n_in · 2/(n_in + n_out), below 1 when widening")
    if not (np.isclose(first, 0.4, rtol=1e-2) and np.isclose(second, 0.4, rtol=1e-2)):
        raise ExerciseIncorrect("not quite. Hint: the forward gain is n_in·Var[W] with Var[W] = 2/(n_in + n_out), per layer")
    print("Correct: 64·2/320 = 0.4 and 256·2/1280 = 0.4; a widening Glorot network loses variance going forward.")


def check_he_std(answer: float) -> None:
    """Exercise 4.1: grade the standard deviation he_normal aims for with a (3, 3, 64, 128) kernel."""
    answer = _number(answer)
    expected = float(np.sqrt(2.0 / (3 * 3 * 64)))
    # Two-figure answers (0.059) are right. √(2/fan_out) = √(1/fan_in) here (c_out = 2·c_in), so that
    # hint names both mistakes.
    if np.isclose(float(answer), np.sqrt(2.0 / (3 * 3 * 128)), rtol=5e-3):
        raise ExerciseIncorrect("that is √(2/fan_out), or LeCun's √(1/fan_in); he_normal uses √(2/fan_in)")
    if np.isclose(float(answer), np.sqrt(2.0 / 64), rtol=5e-3):
        raise ExerciseIncorrect("the fan-in of a Conv2D unit includes the 3×3 window: kh·kw·c_in")
    if not np.isclose(float(answer), expected, rtol=5e-3):
        raise ExerciseIncorrect("not quite. Hint: σ = √(2 / fan_in) with fan_in = kh·kw·c_in")
    print(f"Correct: fan_in = 576, σ = √(2/576) ≈ {expected:.4f}.")


def check_leaky_he_scale(answer: float) -> None:
    """Exercise 4.2: grade the VarianceScaling ``scale`` (mode fan_in) for a leaky ReLU of slope 0.2."""
    answer = _number(answer)
    expected = 2.0 / (1.0 + 0.2**2)
    if np.isclose(answer, 2.0, rtol=2e-3):
        raise ExerciseIncorrect("2 is right for a plain ReLU; the negative side of a leaky ReLU keeps a² = 0.04 of its part")
    if np.isclose(answer, 2.0 / 1.2, rtol=2e-3):
        raise ExerciseIncorrect("the slope enters squared: E[f(y)²] = (1 + a²)/2 · E[y²]")
    if np.isclose(answer, 2.0 * (1.0 + 0.2**2), rtol=2e-3) or np.isclose(answer, 1.0 / (1.0 + 0.2**2), rtol=2e-3):
        raise ExerciseIncorrect("the variance has to undo the factor (1 + a²)/2, so scale = 2/(1 + a²)")
    if not np.isclose(answer, expected, rtol=2e-3):
        raise ExerciseIncorrect("not quite. Hint: a leaky ReLU of slope a multiplies E[y²] by (1 + a²)/2")
    print(f"Correct: scale = 2/(1 + 0.2²) ≈ {expected:.4f}.")


def check_variance_scaling_settings(name: str, scale: float, mode: str, distribution: str) -> None:
    """Exercise 5.1: grade the VarianceScaling settings proposed for a named Keras initializer.

    Right settings draw bit-identical values to the named initializer from the same seed.
    """
    import keras

    from utils.initializers import VARIANCE_SCALING_NAMES

    if name not in VARIANCE_SCALING_NAMES:
        raise ValueError(f"name must be one of {sorted(VARIANCE_SCALING_NAMES)}, got {name!r}")
    if mode not in ("fan_in", "fan_out", "fan_avg"):
        raise ValueError(f"mode must be 'fan_in', 'fan_out' or 'fan_avg', got {mode!r}")
    if distribution not in ("truncated_normal", "untruncated_normal", "uniform", "normal"):
        raise ValueError(
            f"distribution must be 'truncated_normal', 'untruncated_normal', 'uniform' or 'normal' (Keras's alias "
            f"of 'truncated_normal'), got {distribution!r}"
        )
    positive_number("scale", scale)
    # Several shapes with different fan_out/fan_in ratios: on one shape alone, wrong settings can
    # coincide (for (3, 3, 16, 32), fan_out = 2·fan_in, so scale 4 with fan_out equals scale 2 with fan_in).
    for shape in ((3, 3, 16, 32), (5, 5, 32, 8), (100, 40), (3, 3, 3, 64)):
        named = np.asarray(type(keras.initializers.get(name))(seed=11)(shape))
        proposed = np.asarray(keras.initializers.VarianceScaling(float(scale), mode, distribution, seed=11)(shape))
        if not np.array_equal(named, proposed):
            raise ExerciseIncorrect(
                f"those settings do not reproduce {name} (kernel shape {shape}). Hint: which fan does it divide by, "
                "what does it multiply the variance by, and is it uniform or a normal?"
            )
    print(f"Correct: {name} is VarianceScaling(scale={float(scale)}, mode={mode!r}, distribution={distribution!r}).")


def check_orthogonal_gain(answer: float) -> None:
    """Exercise 5.2: grade the ``gain`` of ``Orthogonal`` whose square kernel has He's variance 2/n."""
    answer = _number(answer)
    expected = float(np.sqrt(2.0))
    if np.isclose(answer, 2.0, rtol=5e-3):
        raise ExerciseIncorrect("2 is the variance factor; gain multiplies the entries, so the variance grows by gain²")
    if np.isclose(answer, 1.0, rtol=5e-3):
        raise ExerciseIncorrect("gain 1 gives entries of variance 1/n: LeCun's, not He's 2/n")
    if np.isclose(answer, np.sqrt(0.5), rtol=5e-3) or np.isclose(answer, 0.5, rtol=5e-3):
        raise ExerciseIncorrect("He's variance is larger than LeCun's 1/n, so the gain is above 1")
    if not np.isclose(answer, expected, rtol=5e-3):
        raise ExerciseIncorrect("not quite. Hint: the entries of an orthogonal n×n matrix have variance 1/n")
    print(f"Correct: gain² · 1/n = 2/n, so gain = √2 ≈ {expected:.4f}.")


def check_identity_kernel(kernel: np.ndarray) -> None:
    """Exercise 5.3: grade a 3×3 kernel meant to make a ``padding="same"`` Conv2D the identity map.

    The kernel is applied, as Keras applies it (cross-correlation, zero padding of one pixel), to
    random images with as many channels as the kernel has.
    """
    kernel = np.asarray(kernel, dtype=np.float64)
    if kernel.ndim != 4 or kernel.shape[:2] != (3, 3) or kernel.shape[2] != kernel.shape[3] or kernel.shape[2] < 1:
        raise ExerciseIncorrect(
            f"a 3×3 Conv2D kernel with c ≥ 1 input and output channels has shape (3, 3, c, c), got {kernel.shape}"
        )
    c = kernel.shape[2]
    images = np.random.default_rng(0).normal(size=(2, 8, 8, c))
    padded = np.pad(images, ((0, 0), (1, 1), (1, 1), (0, 0)))  # what padding="same" adds
    output = numpy_cnn.conv2d_forward(padded, kernel, np.zeros(c))
    if np.allclose(output, images, atol=1e-6):
        print(f"Correct: the {c}×{c} identity at the centre tap, zeros elsewhere, copies every pixel.")
        return
    eye = np.eye(c)
    if np.allclose(kernel[1, 1], eye):
        raise ExerciseIncorrect("the centre tap is right; every other tap must be zero, or neighbours leak in")
    for a, b in np.ndindex(3, 3):
        if np.allclose(kernel[a, b], eye):
            raise ExerciseIncorrect(f"the identity at tap ({a}, {b}) shifts the image; the centre tap is (1, 1)")
    raise ExerciseIncorrect("not quite. Hint: an output pixel should copy its own input pixel, channel by channel")


def check_relabelling_count(answer: int) -> None:
    """Exercise 6.2: grade the number of relabellings of the two-layer CNN (16 and 16 filters)
    that leave its function unchanged."""
    from math import factorial

    if isinstance(answer, bool) or not isinstance(answer, (int, np.integer)):
        raise TypeError(f"answer must be an integer (math.factorial gives exact ones), got {answer!r}")
    expected = factorial(16) ** 2
    if int(answer) == factorial(16):
        raise ExerciseIncorrect("that counts the first layer only; the second layer's filters can be relabelled too")
    if int(answer) in (factorial(16) ** 2 * factorial(10), factorial(32)):
        raise ExerciseIncorrect("the output units are tied to the classes, and each layer is permuted on its own")
    if int(answer) == expected - 1:
        raise ExerciseIncorrect("the question counts the original setting too (the identity relabelling)")
    if int(answer) != expected:
        raise ExerciseIncorrect("not quite. Hint: which layers' units can be permuted, with the next layer undoing it?")
    print("Correct: 16! relabellings of conv1 times 16! of conv2, (16!)² ≈ 4.4e26 in all.")


def check_frozen_templates(model, templates: dict[str, np.ndarray]) -> None:
    """Exercise 6.1: grade a two-layer CNN whose frozen first layer holds the hand-designed templates.

    ``model`` is the Keras model (trained or not); ``templates`` maps names to the 2-D kernels that
    should each appear, up to a positive or negative scale, as one of ``conv1``'s filters.
    """
    try:
        layer = model.get_layer("conv1")
    except ValueError as error:
        raise ExerciseIncorrect("the model has no layer named 'conv1': use models.two_layer_cnn") from error
    kernel = np.asarray(layer.kernel.numpy(), dtype=np.float64)
    if kernel.ndim != 4 or kernel.shape[2] != 1:
        raise ExerciseIncorrect(f"conv1's kernel should have shape (k, k, 1, filters), got {kernel.shape}")
    first = kernel[:, :, :1, :]
    live = np.flatnonzero(np.linalg.norm(first.reshape(-1, first.shape[-1]), axis=0) > 0)  # zero filters: no direction

    def position(template: np.ndarray) -> int | None:
        """The index of the conv1 filter that is ``template`` up to scale, or None."""
        if live.size == 0:
            return None
        cos = filters.cosine_matrix(first[..., live], template)[:, 0]
        return int(live[np.argmax(cos)]) if cos.max() > 0.999 else None

    if not templates:
        raise ExerciseIncorrect("pass the templates to check, e.g. filters.hand_designed(3)")
    templates = {name: np.asarray(t, dtype=np.float64) for name, t in templates.items()}
    positions = []
    for name, template in templates.items():
        template = np.asarray(template, dtype=np.float64)
        if template.shape != kernel.shape[:2]:
            raise ExerciseIncorrect(f"template {name!r} has shape {template.shape}, conv1's filters {kernel.shape[:2]}")
        found = position(template)
        if found is not None:
            positions.append(found)
            continue
        # a transposed template, unless the transpose is another template (the two edges are)
        is_other = any(np.allclose(template.T, t) for other, t in templates.items() if other != name)
        if not is_other and position(template.T) is not None:
            raise ExerciseIncorrect(
                f"{name!r} is transposed: a filter kernel[:, :, 0, i] is indexed (row, column), as the template is"
            )
        raise ExerciseIncorrect(
            f"no conv1 filter is the template {name!r} (up to scale): replace a filter, kernel[:, :, 0, i] = template, "
            "and assign the kernel back to the layer"
        )
    if len(set(positions)) < len(positions):
        raise ExerciseIncorrect("two templates are matched by the same filter: give each template a filter of its own")
    if layer.trainable:
        raise ExerciseIncorrect(
            "the templates are in place but conv1 is trainable: set trainable = False before compiling, "
            "or training changes them"
        )
    frozen_too = [other.name for other in model.layers if other is not layer and other.weights and not other.trainable]
    if frozen_too:
        raise ExerciseIncorrect(
            f"{', '.join(frozen_too)} frozen too: freeze only conv1 (model.get_layer('conv1').trainable = False), "
            "or nothing above it can learn"
        )
    if layer.bias is not None and np.any(layer.bias.numpy()[positions] != 0):
        raise ExerciseIncorrect(
            "a template filter has a non-zero bias: keep conv1's biases at zero, or the template's "
            "response is shifted (a large negative bias silences it)"
        )
    print(f"Correct: conv1 is frozen and holds the {len(templates)} templates among its {kernel.shape[3]} filters.")


def check_mean_field_point(q_star: float, chi1: float) -> None:
    """Exercise 7.1: grade q* and χ₁ of a tanh network with σ_w² = 2 and σ_b² = 0.05.

    Answers within 1% are right (a Monte Carlo average of a million draws is well inside that).
    """
    from utils import criticality

    q_star, chi1 = _number(q_star), _number(chi1)
    expected_q = criticality.fixed_point("tanh", 2.0, 0.05)
    expected_chi = criticality.chi1("tanh", 2.0, 0.05)
    if np.isclose(q_star, criticality.fixed_point("tanh", 2.0, 0.0), rtol=1e-2):
        raise ExerciseIncorrect("that q* leaves out the bias: the length map adds σ_b² at every layer")
    if not np.isclose(q_star, expected_q, rtol=1e-2):
        raise ExerciseIncorrect("q* is not right. Hint: iterate q ← σ_w²·E[tanh²(√q z)] + σ_b² until it stops changing")
    if np.isclose(chi1, 2.0, rtol=1e-2):
        raise ExerciseIncorrect("χ₁ = σ_w² would be a linear network; weigh it by E[tanh′(√q* z)²]")
    if not np.isclose(chi1, expected_chi, rtol=1e-2):
        raise ExerciseIncorrect("χ₁ is not right. Hint: χ₁ = σ_w²·E[(1 − tanh²(√q* z))²], the derivative squared")
    print(f"Correct: q* ≈ {expected_q:.3f} and χ₁ ≈ {expected_chi:.3f} > 1: slightly chaotic.")


def check_correlation_depths(depths) -> None:
    """Exercise 7.2: grade the number of layers after which the correlation map of a tanh network
    (σ_b² = 0.05) brings two inputs starting at c = 0.5 to within 0.01 of c* = 1, for σ_w² = 1.2,
    1.6 and 1.7, in that order (iterating the map; one layer either way is accepted)."""
    from utils import criticality

    depths = np.asarray(depths, dtype=float).ravel()
    if depths.size != 3 or not np.all(np.isfinite(depths)):
        raise ExerciseIncorrect("give three depths, for σ_w² = 1.2, 1.6 and 1.7 in that order")
    expected, estimate = [], []
    for w2 in (1.2, 1.6, 1.7):
        c, layers = 0.5, 0
        while 1 - c >= 0.01:
            c, layers = criticality.correlation_map("tanh", c, w2, 0.05), layers + 1
        expected.append(layers)
        estimate.append(np.log(0.5 / 0.01) * criticality.correlation_depth_scale("tanh", w2, 0.05))
    if np.allclose(depths, estimate, rtol=0.03):
        raise ExerciseIncorrect(
            "those are the estimates 3.9 ξ_c, an upper bound here: far from c* the map converges faster "
            "than its asymptotic rate; iterate criticality.correlation_map"
        )
    if np.allclose(depths, expected[::-1], atol=1):
        raise ExerciseIncorrect("the order: σ_w² = 1.2 first, then 1.6, then 1.7")
    if not np.allclose(depths, expected, atol=1):
        raise ExerciseIncorrect("not quite. Hint: start at c = 0.5 and apply the map until 1 − c < 0.01")
    print(f"Correct: {expected[0]}, {expected[1]} and {expected[2]} layers.")


def check_delta_kernel(kernel) -> None:
    """Exercise 7.3: grade a hand-built delta-orthogonal kernel of shape (3, 3, 4, 8): zero except at
    the centre tap, which holds a 4 × 8 (c_in × c_out) matrix with orthonormal rows."""
    kernel = np.asarray(kernel, dtype=float)
    if kernel.shape == (3, 3, 8, 4):
        raise ExerciseIncorrect("the shape is (3, 3, 8, 4): Keras's kernel is (k, k, c_in, c_out); put Qᵀ, not Q, at the centre")
    if kernel.shape != (3, 3, 4, 8):
        raise ExerciseIncorrect(f"the kernel must have shape (3, 3, 4, 8), got {kernel.shape}")
    off_centre = kernel.copy()
    off_centre[1, 1] = 0.0
    if np.any(off_centre != 0):
        raise ExerciseIncorrect("every tap but the centre must be zero: a delta kernel mixes no neighbouring positions")
    centre = kernel[1, 1]
    if not np.allclose(centre @ centre.T, np.eye(4), atol=1e-5):
        raise ExerciseIncorrect(
            "the centre tap's rows must be orthonormal (centre @ centre.T = I): use the Q of a QR "
            "decomposition, transposed, not the Gaussian matrix itself"
        )
    print("Correct: a delta-orthogonal kernel; the convolution maps every position's 4 channels isometrically into 8.")


def check_conv_glorot_variance(answer: float) -> None:
    """Exercise 7b.1, first part: grade Var[W] of a glorot_uniform kernel of shape (3, 3, 16, 16).

    With equal fans the final σ_w² is 1 whatever fan is used, so this part is where a wrong fan
    (channels only, taps only) shows.
    """
    answer = _number(answer)
    fan = 3 * 3 * 16
    wrong = {
        2.0 / (16 + 16): "that counts the channels only; a Conv2D fan is kernel height × width × channels",
        2.0 / (9 + 9): "that counts the 3×3 taps only; a Conv2D fan also multiplies by the channels",
        2.0 / fan: "2/fan_in is He's variance; Glorot's is 2/(fan_in + fan_out)",
        6.0 / (fan + fan): "that is the squared uniform bound a² = 6/(fan_in + fan_out); U(−a, a) has variance a²/3",
        1.0 / (fan + fan): "Glorot's variance is 2/(fan_in + fan_out): did you drop the 2?",
    }
    for value, hint in wrong.items():
        if np.isclose(answer, value, rtol=1e-2):
            raise ExerciseIncorrect(hint)
    if not np.isclose(answer, 2.0 / (fan + fan), rtol=1e-2):
        raise ExerciseIncorrect("not quite. Hint: fan_in = fan_out = 3·3·16, and Var[W] = 2/(fan_in + fan_out)")
    print(f"Correct: Var[W] = 2/(144 + 144) = 1/144 ≈ {2.0 / (fan + fan):.5f}.")


def check_critical_weight_scale(answer: float) -> None:
    """Exercise 7b.1: grade σ_w² = fan_in·Var[W] of a glorot_uniform kernel of shape (3, 3, 16, 16)."""
    answer = _number(answer)
    fan = 3 * 3 * 16
    if np.isclose(answer, 2.0 / (fan + fan), rtol=1e-2):
        raise ExerciseIncorrect("that is Var[W] itself; σ_w² multiplies it by the fan-in, 3·3·16")
    if np.isclose(answer, 0.5, rtol=1e-2):
        raise ExerciseIncorrect("Glorot's variance is 2/(fan_in + fan_out): did you drop the 2?")
    if np.isclose(answer, 2.0, rtol=1e-2):
        raise ExerciseIncorrect("σ_w² = 2 is He's value; Glorot's is smaller by the factor 2")
    if np.isclose(answer, 3.0, rtol=1e-2):
        raise ExerciseIncorrect(
            "that squares the uniform bound a = √(6/(fan_in + fan_out)); U(−a, a) has variance a²/3"
        )
    if not np.isclose(answer, 1.0, rtol=1e-2):
        raise ExerciseIncorrect("not quite. Hint: fan_in = fan_out = 3·3·16 = 144, and Var[W] = 2/(144 + 144)")
    print(
        "Correct: σ_w² = 144 · 2/288 = 1, the critical point of a tanh network without biases "
        "(for dense layers or maps without borders; zero padding on small maps puts it below)."
    )


def check_hundred_layer_parameters(answer: int) -> None:
    """Exercise 7b.2: grade the number of trainable parameters of chapter 7b's network: 100 Conv2D
    layers (3×3, 16 filters, no biases; the first sees 1 channel) on 8×8 images, then Dense(10)
    with its biases."""
    if isinstance(answer, bool) or not isinstance(answer, (int, np.integer)):
        raise TypeError(f"answer must be an integer, got {answer!r}")
    first, hidden, dense = 3 * 3 * 1 * 16, 3 * 3 * 16 * 16, 8 * 8 * 16 * 10 + 10
    expected = first + 99 * hidden + dense
    mistakes = {
        expected + 100 * 16: "the Conv2D layers have no biases here (use_bias=False); only the Dense layer has",
        expected - 10: "the Dense layer keeps its biases: one per class",
        100 * hidden + dense: "the first layer sees one input channel, not 16",
        first + 99 * hidden: "do not forget the Dense layer: 8·8·16 inputs to 10 classes, plus biases",
        99 * hidden + dense: "the first Conv2D layer has parameters too",
    }
    if int(answer) in mistakes:
        raise ExerciseIncorrect(mistakes[int(answer)])
    if int(answer) != expected:
        raise ExerciseIncorrect("not quite. Hint: conv1, then 99 layers of 3·3·16·16 weights, then the Dense layer")
    print(f"Correct: {expected:,} parameters, of which the 99 middle layers hold {99 * hidden:,}.")


def check_relu_correlation(answer: float) -> None:
    """Exercise 7c.1: grade 1 − c after 100 layers of a wide ReLU network without biases, for two
    inputs that start orthogonal (c = 0), from the arc-cosine correlation map
    c ↦ (√(1 − c²) + (π − arccos c)·c)/π. Answers within 0.5% are right."""
    from utils import criticality

    answer = _number(answer)

    def after(layers: int) -> float:  # He's ReLU network without biases: σ_w² = 2, σ_b² = 0
        return criticality.correlation_map("relu", 0.0, 2.0, 0.0, layers=layers)

    expected = 1.0 - after(100)
    if np.isclose(answer, after(100), rtol=5e-3):
        raise ExerciseIncorrect("that is c itself; the question asks for 1 − c, how far from identical")
    if np.isclose(answer, 1.0 - after(99), rtol=5e-3) or np.isclose(answer, 1.0 - after(101), rtol=5e-3):
        raise ExerciseIncorrect("off by one layer: apply the map exactly 100 times, starting from c = 0")
    if np.isclose(answer, 1.0 - after(1), rtol=1e-2):
        raise ExerciseIncorrect("that is one layer; apply the map 100 times")
    if np.isclose(answer, 1.0) or answer == 0.0:
        raise ExerciseIncorrect("the correlation neither stays at 0 nor reaches 1 exactly; iterate the map")
    if not np.isclose(answer, expected, rtol=5e-3):
        raise ExerciseIncorrect("not quite. Hint: start at c = 0 and apply the map 100 times (arccos in radians)")
    print(f"Correct: 1 − c ≈ {expected:.5f}: after 100 layers two orthogonal inputs are almost parallel.")


def check_selu_constants(scale: float, alpha: float) -> None:
    """Exercise 8.1: grade SELU's (λ, α), solved from its fixed-point conditions (mean 0 and
    variance 1 of selu(z) for z ~ N(0, 1)); accepted to three decimals."""
    from utils import selu

    scale, alpha = _number(scale), _number(alpha)
    right_scale, right_alpha = selu.fixed_point_constants()
    if np.isclose(scale, right_alpha, atol=2e-3) and np.isclose(alpha, right_scale, atol=2e-3):
        raise ExerciseIncorrect("the two are swapped: λ multiplies everything, α only the negative side")
    if np.isclose(alpha, right_scale * right_alpha, atol=2e-3):
        raise ExerciseIncorrect("that is λα, the negative saturation value; α itself is smaller by λ")
    if np.isclose(scale, 1.0, atol=2e-3) and np.isclose(alpha, 1.0, atol=2e-3):
        raise ExerciseIncorrect("λ = α = 1 is ELU, whose mean and variance are not kept")
    if not np.isclose(alpha, right_alpha, atol=2e-3):
        raise ExerciseIncorrect(
            "α is not right. Hint: E[selu(z)] = 0 does not involve λ; it needs E[z; z>0] = 1/√(2π) "
            "and E[e^z − 1; z<0] = e^{1/2}Φ(−1) − 1/2"
        )
    if not np.isclose(scale, right_scale, atol=2e-3):
        raise ExerciseIncorrect(
            "α is right, λ is not. Hint: λ² (1/2 + α² E[(e^z − 1)²; z<0]) = 1, with "
            "E[(e^z − 1)²; z<0] = e²Φ(−2) − 2e^{1/2}Φ(−1) + 1/2"
        )
    print(f"Correct: λ ≈ {right_scale:.4f} and α ≈ {right_alpha:.4f}, Keras's SELU constants.")


def check_residual_moment(answer: float) -> None:
    """Exercise 8.2: grade E[x²] after 10 pre-activation residual blocks with He-initialized
    branches (two layers each), from E[x₀²] = 1."""
    answer = _number(answer)
    mistakes = {
        3.0**10: "that is a branch without the leading relu, W2·relu(W1 x), whose gain is 2; here the "
        "branch starts with a relu, which halves the second moment first",
        2.0**10 - 1: "that counts only what the branches added (1 + 2 + … + 512); the skip connection "
        "also carries the input's E[x₀²] = 1",
        11.0: "the branch adds as much as the block *receives*, not a constant 1: the growth compounds",
        2.0**11: "ten blocks, ten doublings",
        2.0**9: "ten blocks, ten doublings",
        1.0: "that would need branches with zero gain (a zero last layer); He's branches have gain 1",
        20.0: "the factor 2 compounds over the blocks: it multiplies, it does not add",
    }
    for wrong, hint in mistakes.items():
        if np.isclose(answer, wrong, rtol=1e-4):
            raise ExerciseIncorrect(hint)
    if not np.isclose(answer, 2.0**10, rtol=1e-4):
        raise ExerciseIncorrect(
            "not quite. Hint: E[x_{l+1}²] = E[x_l²] + E[F(x_l)²], and a He branch returns E[x_l²]"
        )
    print("Correct: the second moment doubles at every block, 2¹⁰ = 1024.")


def check_prior_bias_loss(answer: float) -> None:
    """Exercise 9.1: grade the initial loss, in nats, of a classifier with a zero output kernel and
    output biases set to the log class frequencies 1/2, 1/4, 1/8, 1/8 (its training set's)."""
    answer = _number(answer)
    p = np.array([0.5, 0.25, 0.125, 0.125])
    expected = float(-(p * np.log(p)).sum())  # 1.75 ln 2 ≈ 1.213
    mistakes = {
        np.log(4): "ln 4 is the loss with zero biases (uniform predictions); the prior biases do better",
        1.75: "1.75 is the entropy in bits; the cross-entropy loss uses natural logarithms (nats)",
        float(-(p * np.log10(p)).sum()): "that is the entropy in decimal digits; use natural logarithms",
        float(-np.log(p).mean()): "that weights every class equally; weight each class by how often it occurs",
        float(1 - (p**2).sum()): "that is the Gini impurity; the loss is −Σ p log p",
    }
    for wrong, hint in mistakes.items():
        if np.isclose(answer, wrong, rtol=2e-3):
            raise ExerciseIncorrect(hint)
    if not np.isclose(answer, expected, rtol=5e-3):  # three significant figures (1.21) pass
        if np.isclose(answer, expected, rtol=3e-2):
            raise ExerciseIncorrect("close, but give the loss to three significant figures")
        raise ExerciseIncorrect(
            "not quite. Hint: every example is predicted p; an example of class k costs −ln p_k, "
            "and a fraction p_k of the examples are of class k"
        )
    print(f"Correct: −Σ p log p = 1.75 ln 2 ≈ {expected:.4f} nats, the entropy of the class frequencies.")


def check_binary_bias(bias: float, loss: float) -> None:
    """Exercise ex-binary-bias: grade the output bias of a sigmoid classifier with a zero output
    kernel, trained on one positive for every ten negatives, and its initial loss in nats."""
    bias, loss = _number(bias), _number(loss)
    p = 1 / 11
    expected_bias = float(np.log(p / (1 - p)))  # ln(1/10), the log odds
    expected_loss = float(-p * np.log(p) - (1 - p) * np.log(1 - p))  # ≈ 0.305 nats
    bias_mistakes = {
        float(np.log(1 / 9)): "that predicts 0.1, the ratio 1:10; the positives' frequency is 1/11",
        float(np.log(p)): "ln p is the bias of a softmax output; a sigmoid needs the log odds ln(p/(1 − p))",
        float(np.log(10)): "the sign: positives are rarer, so σ(b) < ½ and b < 0",
        0.0: "a zero bias predicts ½ for every input, not the positives' frequency",
    }
    for wrong, hint in bias_mistakes.items():
        if np.isclose(bias, wrong, rtol=2e-3, atol=1e-9):  # atol: the zero bias
            raise ExerciseIncorrect(hint)
    if not np.isclose(bias, expected_bias, rtol=5e-3):
        raise ExerciseIncorrect("not quite. Hint: solve σ(b) = 1/11 for b")
    # 0.30464 nats; 0.305 (three figures) passes, the 0.30511 of predicting 0.1 does not
    if not np.isclose(loss, expected_loss, rtol=1.4e-3):
        loss_mistakes = {
            float(np.log(2)): "ln 2 is the loss of a zero bias; with the right bias the loss is lower",
            expected_loss / np.log(2): "that is the binary entropy in bits; the loss uses natural logarithms (nats)",
            float(-np.log(p)): "that is the loss of a positive example only; weight each class by its frequency",
            float(-p * np.log(0.1) - (1 - p) * np.log(0.9)): (
                "that is the loss of predicting 0.1, the ratio 1:10; the network predicts the positives' "
                "frequency, 1/11"
            ),
            float(-0.1 * np.log(0.1) - 0.9 * np.log(0.9)): (
                "that is the entropy of a frequency of 0.1, but one positive for every ten negatives is "
                "1/11 (your bias may be right by luck: ln 0.1 equals the right log odds, ln(1/10))"
            ),
        }
        for wrong, hint in loss_mistakes.items():
            if np.isclose(loss, wrong, rtol=2e-3):
                raise ExerciseIncorrect(hint)
        raise ExerciseIncorrect("not quite. Hint: the loss is the binary entropy −p ln p − (1 − p) ln(1 − p)")
    print(f"Correct: b = ln(1/10) ≈ {expected_bias:.3f}, initial loss ≈ {expected_loss:.3f} nats.")


def check_shrunk_rms(answer: float) -> None:
    """Exercise 9.2: grade the factor by which He × 0.1 shrinks the activations' RMS over the 8
    hidden ReLU layers of chapter 9's network (each layer: RMS × 0.1). A factor given the other way
    round ("shrinks by 10⁸") is graded as its reciprocal."""
    answer = _number(answer)
    if answer > 1:  # "shrinks by a factor of 10⁸" means multiplies by 10⁻⁸
        answer = 1 / answer
    mistakes = {
        1e-16: "that is the factor of the second moment, 0.01 per layer; the RMS is its square root",
        1e-7: "count every hidden layer: there are eight",
        1e-9: "there are eight hidden layers; the output layer is Glorot's, not scaled",
        0.8: "the factors multiply, they do not add",
    }
    for wrong, hint in mistakes.items():
        if np.isclose(answer, wrong, rtol=1e-3, atol=0.0):
            raise ExerciseIncorrect(hint)
    if not np.isclose(answer, 1e-8, rtol=1e-3, atol=0.0):
        raise ExerciseIncorrect("not quite. Hint: He keeps the RMS; ×0.1 on every weight multiplies it by 0.1 per layer")
    print(
        "Correct: 0.1⁸ = 10⁻⁸. Compare gradients, not factors, with ε: the output kernel's gradient "
        "shrinks by about the same 10⁻⁸ (more, as the error term changes too), from below 1 at He's "
        "start to below 10⁻⁸, far below Keras's "
        "ε_t = ε/√(1−β₂ᵗ) ≥ ε = 10⁻⁷."
    )


def check_pytorch_scale(scale: float) -> None:
    """Exercise 9b.1: grade the ``VarianceScaling(scale, "fan_in", "uniform")`` that draws PyTorch's
    default Linear weights, U(±1/√fan_in)."""
    scale = _number(scale)
    mistakes = {
        1.0: "scale 1 gives variance 1/n, the bound √(3/n): U(±a) has variance a²/3, not a²",
        2.0: "that is He's scale; PyTorch's default is far smaller",
        3.0: "U(±a) has variance a²/3: divide by 3, do not multiply",
        1 / np.sqrt(3): "that is the ratio of the bounds; VarianceScaling's scale multiplies the variance",
        1 / 6: "1/6 is the per-layer gain of a ReLU layer with these weights (scale × ½), not the scale",
    }
    for wrong, hint in mistakes.items():
        if np.isclose(scale, wrong, rtol=1e-3):
            raise ExerciseIncorrect(hint)
    if not np.isclose(scale, 1 / 3, rtol=1e-3):
        raise ExerciseIncorrect(
            "not quite. Hint: VarianceScaling's uniform bound is √(3·scale/fan_in); set it equal "
            "to 1/√fan_in"
        )
    print("Correct: scale 1/3, variance 1/(3·fan_in) — the bound √(3·(1/3)/n) = 1/√n.")


def check_bn_epsilon_floor(answer: float) -> None:
    """Exercise 8b.1: grade the multiplier c of He's scale below which a deep He-initialized
    BN-relu stack loses its signal, with Keras's epsilon = 1e-3 and no padding (g = 1).

    BN divides by the centred batch variance; relu of a centred unit normal has variance
    1/2 − 1/(2π), so v_{l+1} = c²(1 − 1/π)·v_l/(v_l + ε), with a non-zero fixed point only if
    c > √(ε/(1 − 1/π)) ≈ 0.0383. Answers within 5% (0.038, 0.04) are accepted."""
    from utils import batchnorm

    answer = _number(answer)
    centred, eps = batchnorm.RELU_CENTRED_GAIN, batchnorm.KERAS_EPSILON
    expected = float(np.sqrt(eps / centred))
    padded = float(np.sqrt(eps / ((22 / 24) ** 2 * centred)))
    # (wrong answer, relative tolerance, hint), checked before the right answer; no band overlaps it
    mistakes = [
        (float(np.sqrt(eps)), 0.06, "√ε would hold if relu kept half of BN's variance; BN divides by the "
         "*centred* variance, and relu's output has variance (1/2 − 1/(2π))·s², not s²/2"),
        (padded, 0.03, "that includes the padding gain g = (22/24)²; the exercise asks for g = 1"),
        (eps, 0.03, "that is ε, which compares with c², the kernel's variance factor; the question asks for the multiplier c"),
        (eps / centred, 0.03, "that is c², the kernel's variance factor; the question asks for the multiplier c"),
        (float(np.sqrt(eps / 2)), 0.03, "He's kernel already undoes relu's halving of the second moment "
         "(2c²·½ = c²); what is left is the mean that BN subtracts"),
        (float(np.sqrt(2 * eps)), 0.03, "He's kernel already undoes relu's halving (2c²·½ = c²); what "
         "is left is the mean that BN subtracts, a factor 1 − 1/π"),
        (float(np.sqrt(eps * centred)), 0.03, "the factor 1 − 1/π multiplies c², so it divides ε: "
         "c² > ε/(1 − 1/π)"),
        (float(np.sqrt(eps / (1 - 2 / np.pi))), 0.03, "1 − 2/π is the variance of |z|; relu(z) has "
         "variance (1 − 1/π)/2, which He's factor 2 turns into 1 − 1/π"),
        (float(np.sqrt(1e-5 / centred)), 0.05, "that is the floor for PyTorch's ε = 1e-5; Keras's default is 1e-3"),
        (float(np.sqrt(1e-5)), 0.05, "that is √ε for PyTorch's ε = 1e-5; Keras's default is 1e-3"),
        (float(eps ** 0.25), 0.05, "ε compares with the variance c², not with the standard deviation c"),
    ]
    for wrong, rtol, hint in mistakes:
        if np.isclose(answer, wrong, rtol=rtol, atol=0.0):
            raise ExerciseIncorrect(hint)
    if not np.isclose(answer, expected, rtol=0.05, atol=0.0):
        raise ExerciseIncorrect(
            "not quite. Hint: after BN a channel has variance s² = v/(v + ε); relu leaves it the "
            "variance (1/2 − 1/(2π))·s², and the next BN subtracts the mean; a He kernel times c "
            "multiplies the variance by 2c². When has v_{l+1} = f(v_l) a non-zero fixed point?"
        )
    print(f"Correct: c = √(ε/(1 − 1/π)) ≈ {expected:.4f}; below it the variance shrinks by about "
          "c²(1 − 1/π)/ε per layer.")


def check_bn_rescaled_step(gradient_factor: float, step_factor: float) -> None:
    """Exercise 8b.2: grade the factors by which a BN layer's kernel gradient and the relative size
    of an SGD step change when the kernel starts 10 times larger (1/10 and 1/100)."""
    gradient_factor, step_factor = _number(gradient_factor), _number(step_factor)
    if np.isclose(gradient_factor, 10, rtol=1e-2) or np.isclose(step_factor, 100, rtol=1e-2):
        raise ExerciseIncorrect("larger kernels get smaller gradients: c·∇L(cw) = ∇L(w)")
    if np.isclose(gradient_factor, 1, rtol=1e-2):
        raise ExerciseIncorrect("the loss is invariant to the scale, its gradient is not: c·∇L(cw) = ∇L(w)")
    if not np.isclose(gradient_factor, 0.1, rtol=1e-2):
        raise ExerciseIncorrect("the gradient factor is not right. Hint: differentiate L(cw) = L(w) in w")
    if np.isclose(step_factor, 0.1, rtol=1e-2):
        raise ExerciseIncorrect("the step is 10 times smaller, but relative to a kernel 10 times larger")
    if np.isclose(step_factor, 1, rtol=1e-2):
        raise ExerciseIncorrect("a smaller step on a larger kernel is a smaller relative step")
    if not np.isclose(step_factor, 0.01, rtol=1e-2):
        raise ExerciseIncorrect("the step factor is not right. Hint: ‖Δw‖/‖w‖ = η‖∇L(cw)‖/(c‖w‖)")
    print("Correct: the gradient is 10 times smaller and the relative step 100 times smaller: "
          "an effective learning rate η/c².")
