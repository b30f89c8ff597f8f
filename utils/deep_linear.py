"""Deep linear networks trained by full-batch gradient descent (Saxe, McClelland & Ganguli, 2014).

A deep linear network computes ``W_L ⋯ W_1 x``: as a function it is one matrix, whatever its
depth, but its *learning* depends on depth and on the initial weights. Saxe et al. showed that from
orthogonal weights the learning time (in steps, at a learning rate ∝ 1/L) hardly depends on depth,
while from scaled Gaussian weights it grows with depth, because the product of Gaussian matrices has
singular values spread over orders of magnitude and the directions with tiny singular values learn
slowly.

:func:`regression_task` makes a linear target; :func:`steps_to_learn` trains one network on it in
float64 numpy and counts the steps until the loss falls below a fraction of its value for a network
that outputs zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from utils.random_networks import draw_weights


@dataclass(frozen=True)
class Task:
    """Inputs ``x`` (width, samples) and targets ``y = target @ x``."""

    x: np.ndarray
    y: np.ndarray


def regression_task(width: int, samples: int, rng: np.random.Generator) -> Task:
    """A well-conditioned linear target: singular values spread evenly over [0.5, 2], random bases."""
    if width < 2 or samples < width:
        raise ValueError(f"need width ≥ 2 and samples ≥ width, got width={width}, samples={samples}")
    u, v = draw_weights("orthogonal", width, 1.0, rng), draw_weights("orthogonal", width, 1.0, rng)
    target = u @ np.diag(np.linspace(0.5, 2.0, width)) @ v
    x = rng.standard_normal((width, samples))
    return Task(x=x, y=target @ x)


def steps_to_learn(
    task: Task,
    depth: int,
    kind: str,
    learning_rate: float,
    rng: np.random.Generator,
    tolerance: float = 0.05,
    max_steps: int = 1000,
) -> int | None:
    """Full-batch gradient descent on ½‖W_L ⋯ W_1 x − y‖² (mean over samples) from ``kind`` weights
    (``"gaussian"`` N(0, 1/width) or ``"orthogonal"``, both of gain 1).

    The step size is ``learning_rate / depth``: every layer receives a gradient of the same size, so
    the product moves about ``depth`` times as fast as one layer does (Saxe et al.'s scaling).
    Returns the number of steps until the loss is below ``tolerance`` times the loss of the zero
    network, or ``None`` if that does not happen within ``max_steps`` or the loss diverges.
    """
    if depth < 1 or learning_rate <= 0 or not 0 < tolerance < 1 or max_steps < 1:
        raise ValueError(
            f"need depth ≥ 1, learning_rate > 0, 0 < tolerance < 1 and max_steps ≥ 1; got "
            f"{depth}, {learning_rate}, {tolerance}, {max_steps}"
        )
    width = task.x.shape[0]
    weights = [draw_weights(kind, width, 1.0, rng) for _ in range(depth)]
    step_size = learning_rate / depth
    threshold = tolerance * 0.5 * np.mean(np.sum(task.y**2, axis=0))  # the zero network's loss
    samples = task.x.shape[1]
    for step in range(max_steps):
        with np.errstate(over="ignore", invalid="ignore"):  # a diverging run returns None
            signals = [task.x]  # h_0 = x, h_l = W_l h_(l-1)
            for w in weights:
                signals.append(w @ signals[-1])
            error = signals[-1] - task.y
            loss = 0.5 * np.mean(np.sum(error**2, axis=0))
            if not np.isfinite(loss) or loss > 1e12:
                return None
            if loss < threshold:
                return step
            grad = error / samples  # ∂loss/∂h_L
            for layer in range(depth - 1, -1, -1):
                weight_grad = grad @ signals[layer].T  # ∂loss/∂W_l = δ_l h_(l-1)ᵀ
                grad = weights[layer].T @ grad  # δ_(l-1) = W_lᵀ δ_l
                weights[layer] -= step_size * weight_grad
    return None
