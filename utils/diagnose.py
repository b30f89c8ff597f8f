"""Check a Keras model's initialization before training: what the book measures, for any model.

:func:`init_report` runs one batch forward and backward through a freshly initialized Sequential
model and reports, for each Dense and Conv2D layer, the statistics the chapters use — activation
mean and standard deviation, the fraction of dead units, the RMS of the gradient with respect to
the layer's output, the weights' standard deviation against the Glorot and He values for the
layer's fans — together with the initial loss against ln(classes). It then names, in plain words and
most serious first (``SEVERITY``, one line per problem), each problem the book shows to matter:

* ``symmetric``: a hidden layer whose units have the same incoming weights, the same bias and the
  same outgoing weights (chapter 1: then no deterministic optimiser can make them differ; tied
  incoming weights alone are separated by the layer above);
* ``lost input``: a signal that no longer carries the input: less than 10⁻⁴ of a hidden layer's
  second moment varies between the examples of the batch (chapter 9b: random biases can hold up a
  signal that has lost the input);
* ``vanishing`` / ``exploding`` signal: a hidden layer's activation RMS below 1/``factor`` or
  above ``factor`` times the first layer's (chapters 2–4);
* ``vanishing`` / ``exploding`` gradient: the first layer's gradient RMS below 1/``factor`` or
  above ``factor`` times the last hidden layer's (not checked when the output layer is zero, which
  sends no gradient down before the first step);
* ``dead units``: more than half a hidden layer's units output zero for every example of the
  batch (chapter 4), all such layers named in one line;
* ``initial loss``: a loss above 2 ln(classes) — an output layer that starts too large — or not
  finite.

The output layer (the last Dense or Conv2D layer) is exempt from the symmetric, dead and signal
checks: a zero output layer is a legitimate start (chapter 9). Batch normalization is measured in
training mode, as in the first training step; a layer with weights that is not Dense, Conv2D or
BatchNormalization is refused rather than skipped, and so is a last layer that does not output
logits (a softmax would turn the loss check into nonsense).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import keras
import numpy as np

from utils import probes, report
from utils.theory import fans
from utils.validation import positive_number

SUPPORTED = (keras.layers.Dense, keras.layers.Conv2D)

# The order of the flags, most serious first: what SGD or Adam cannot undo (tied units, unless
# something random such as dropout unties them, chapter 1) or did not undo in the book's runs (a
# signal that has forgotten its input, chapter 9b), then what stalls or slows training (a
# vanishing or exploding signal or gradient, dead units), then an output scale that costs the
# first steps.
SEVERITY = ("symmetric", "lost input", "signal", "gradient", "dead units", "initial loss")


def _out_of_range(ratio: float, factor: float) -> str | None:
    """ "vanishing" below 1/factor, "exploding" above factor, else None."""
    if ratio < 1 / factor:
        return "vanishing"
    if ratio > factor:
        return "exploding"
    return None


@dataclass
class InitReport:
    """What :func:`init_report` measured, and the problems it found (``flags``, empty if none)."""

    rows: list[dict[str, Any]]
    initial_loss: float
    chance_loss: float
    flags: list[str] = field(default_factory=list)  # most serious first (SEVERITY)
    kinds: list[str] = field(default_factory=list)  # each flag's kind, an entry of SEVERITY

    def show(self) -> None:
        """Display the per-layer table (three significant figures; the weight scale as a ratio to
        He's) and the flags, or that none were raised."""

        def short(value: float) -> float:
            return float(f"{value:.3g}")

        shown = [
            {
                "layer": row["layer"],
                "activation mean": short(row["activation mean"]),
                "activation std": short(row["activation std"]),
                "dead units": short(row["dead units"]),
                "input-dependent share": short(row["input-dependent share"]),
                "gradient RMS": short(row["gradient RMS"]),
                "weight std / He's": short(row["weight std"] / row["He std"]),
            }
            for row in self.rows
        ]
        report.show_table(
            shown,
            caption=f"At initialization: loss {self.initial_loss:.3g} nats "
            f"(ln {round(np.exp(self.chance_loss))} = {self.chance_loss:.3g})",
        )
        found = self.flags or ["no problem found"]
        report.show_table([{"initialization check": f} for f in found])


def _block_output(model: keras.Model, layer: keras.layers.Layer) -> keras.layers.Layer:
    """The layer whose output is ``layer``'s block: the last of the layers that follow it without
    weights of their own and keep its output's shape (a separate activation, batch normalization,
    dropout), so that a Dense layer followed by ``ReLU()`` is measured after the ReLU."""
    layers = list(model.layers)
    shape = tuple(layer.output.shape)
    block = layer
    for later in layers[layers.index(layer) + 1 :]:
        if isinstance(later, SUPPORTED) or tuple(later.output.shape) != shape:
            break
        block = later
    return block


def _tied_units(layer: keras.layers.Layer, above: keras.layers.Layer) -> bool:
    """Whether ``layer``'s units are interchangeable: the same incoming weights, the same bias, and
    the same weights in the next weighted layer ``above`` (chapter 1's two conditions)."""
    kernel = layer.kernel.numpy()
    units = kernel.shape[-1]
    if units < 2 or probes.unit_spread(kernel) != 0:
        return False
    if layer.use_bias and np.ptp(layer.bias.numpy()) != 0:
        return False
    outgoing = above.kernel.numpy()  # the units' rows, per tap or per position after Flatten
    return bool(np.ptp(outgoing.reshape(-1, units, outgoing.shape[-1]), axis=1).max() == 0)


def init_report(
    model: keras.Model, x: np.ndarray, y: np.ndarray, factor: float = 100.0
) -> InitReport:
    """Measure ``model`` at initialization on the batch ``(x, y)`` and flag what looks wrong.

    Args:
        model: a Sequential model whose last layer outputs logits (no softmax); only its Dense and
            Conv2D layers are reported.
        x, y: a batch of inputs and integer labels.
        factor: how many times smaller or larger a signal or gradient may get across the
            network before it is flagged as vanishing or exploding.

    Returns the per-layer measurements and the flags, most serious first (``SEVERITY``), one line
    per problem.
    """
    if not isinstance(model, keras.Sequential):
        raise ValueError(
            "init_report needs a Sequential model (layers called one after another)"
        )
    if positive_number("factor", factor) <= 1:
        raise ValueError(f"factor must be above 1, got {factor}")
    for layer in model.layers:
        if layer.weights and not isinstance(layer, (*SUPPORTED, keras.layers.BatchNormalization)):
            raise ValueError(
                f"layer {layer.name!r} ({type(layer).__name__}) has weights but is not Dense, Conv2D "
                "or BatchNormalization: init_report cannot measure it"
            )
    weighted = [layer for layer in model.layers if isinstance(layer, SUPPORTED)]
    if not weighted:
        raise ValueError(f"model {model.name!r} has no Dense or Conv2D layer")
    last = model.layers[-1]
    if not isinstance(last, SUPPORTED) or last.activation is not keras.activations.linear:
        raise ValueError(
            f"the last layer, {last.name!r}, must be a Dense or Conv2D layer without activation that "
            "outputs logits (no softmax): init_report computes the loss from them"
        )
    signal = probes.signal_propagation(model, x, y)
    classes = int(model.layers[-1].output.shape[-1])
    logits = signal[model.layers[-1].name]["activation"]
    loss = float(
        keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y, logits).numpy()
    )
    rows, found = [], []  # (kind in SEVERITY, message)

    def flag(kind: str, message: str) -> None:
        found.append((kind, message))

    hidden = weighted[:-1]  # the last Dense or Conv2D layer is the output layer
    for layer in weighted:
        kernel = layer.kernel.numpy()
        fan_in, fan_out = fans(kernel.shape)
        block = _block_output(model, layer)  # after a separate activation or BN, if any
        h, g = signal[block.name]["activation"], signal[block.name]["gradient"]
        units = h.reshape(-1, h.shape[-1])
        rows.append(
            {
                "layer": layer.name,
                "activation mean": float(h.mean()),
                "activation std": float(h.std()),
                "activation RMS": probes.rms(h),
                "dead units": float(np.mean(np.all(units == 0, axis=0))),
                # how much of the signal differs between inputs (1: all of it, 0: none)
                "input-dependent share": probes.input_dependent_share(h),
                "gradient RMS": probes.rms(g),
                "weight std": float(kernel.std()),
                "Glorot std": float(np.sqrt(2 / (fan_in + fan_out))),
                "He std": float(np.sqrt(2 / fan_in)),
            }
        )
    dead = []  # (layer name, share of dead units) where more than half are dead
    for layer, above, row in zip(hidden, weighted[1:], rows):  # a zero output layer is a choice
        if _tied_units(layer, above):
            flag(
                "symmetric",
                f"layer {layer.name}: all {layer.kernel.shape[-1]} units have the same incoming "
                "weights, bias and outgoing weights — symmetric, they stay identical in training"
            )
        elif row["dead units"] > 0.5:
            dead.append((layer.name, row["dead units"]))
    if len(dead) == 1:
        flag("dead units", f"layer {dead[0][0]}: {dead[0][1]:.0%} of its units are dead on this batch")
    elif dead:  # one line for all of them
        low, high = (f"{f(share for _, share in dead):.0%}" for f in (min, max))
        flag(
            "dead units",
            f"layers {', '.join(name for name, _ in dead)}: {low if low == high else f'{low} to {high}'} "
            "of each one's units are dead on this batch",
        )
    hidden_rows = rows[: len(hidden)]
    first = rows[0]
    # an all-zero first layer is flagged as symmetric above and has no ratio to speak of
    if first["activation RMS"] > 0:
        for row in hidden_rows[1:]:
            ratio = row["activation RMS"] / first["activation RMS"]
            kind = _out_of_range(ratio, factor)
            if kind:
                flag(
                    "signal",
                    f"layer {row['layer']}: activation RMS {ratio:.2g} × the first layer's — "
                    f"{kind} signal"
                )
                break  # the first layer past the bound says it; the rest follow
    for row in hidden_rows:
        if row["input-dependent share"] < 1e-4:
            flag(
                "lost input",
                f"layer {row['layer']}: only {row['input-dependent share']:.1g} of its signal "
                "varies between inputs — it no longer carries the input"
            )
            break
    # a zero output layer sends no gradient down before the first step: nothing to compare
    if len(hidden_rows) > 1 and hidden_rows[-1]["gradient RMS"] > 0:
        top = hidden_rows[-1]
        ratio = first["gradient RMS"] / top["gradient RMS"]
        kind = _out_of_range(ratio, factor)
        if kind:
            flag(
                "gradient",
                f"layer {first['layer']}: gradient RMS {ratio:.2g} × that of "
                f"{top['layer']} — {kind} gradient"
            )
    chance = float(np.log(classes))
    if not np.isfinite(loss) or loss > 2 * chance:
        flag(
            "initial loss",
            f"initial loss {loss:.3g} ≫ ln {classes} = {chance:.3g} — the output layer starts "
            "too large (or the signal reaching it is)"
        )
    found.sort(key=lambda kind_message: SEVERITY.index(kind_message[0]))  # stable within a kind
    return InitReport(
        rows, loss, chance, [message for _, message in found], [kind for kind, _ in found]
    )
