"""A convolutional network written with numpy alone, backward pass by hand.

For the reader who writes a CNN without libraries: the forward and backward passes of a Conv2D layer
(valid padding, stride 1, cross-correlation as in Keras), and :class:`TinyCNN`, a
Conv2D → ReLU → Dense → softmax classifier trained by plain gradient descent. Shapes follow Keras:
images are (n, height, width, channels) and kernels (kh, kw, c_in, c_out).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from utils.validation import positive_int


def _check_conv_shapes(x: np.ndarray, kernel: np.ndarray) -> None:
    if x.ndim != 4:
        raise ValueError(f"x must have shape (n, height, width, c_in), got {x.shape}")
    if kernel.ndim != 4:
        raise ValueError(f"kernel must have shape (kh, kw, c_in, c_out), got {kernel.shape}")
    if x.shape[3] != kernel.shape[2]:
        raise ValueError(f"x has {x.shape[3]} channels but the kernel expects {kernel.shape[2]}")
    if x.shape[1] < kernel.shape[0] or x.shape[2] < kernel.shape[1]:
        raise ValueError(f"kernel {kernel.shape[:2]} is larger than the image {x.shape[1:3]}")


def _patches(x: np.ndarray, kh: int, kw: int) -> np.ndarray:
    """All kh×kw windows of x: shape (n, out_h, out_w, kh, kw, c_in)."""
    windows = sliding_window_view(x, (kh, kw), axis=(1, 2))  # (n, oh, ow, c_in, kh, kw)
    return windows.transpose(0, 1, 2, 4, 5, 3)


def conv2d_forward(x: np.ndarray, kernel: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """Valid, stride-1 2-D cross-correlation: out[n,i,j,o] = Σ x[n,i+a,j+b,c]·k[a,b,c,o] + bias[o]."""
    _check_conv_shapes(x, kernel)
    if bias.shape != (kernel.shape[3],):
        raise ValueError(f"bias must have shape ({kernel.shape[3]},), got {bias.shape}")
    kh, kw = kernel.shape[:2]
    return np.einsum("nijabc,abco->nijo", _patches(x, kh, kw), kernel) + bias


def conv2d_backward(
    x: np.ndarray, kernel: np.ndarray, grad_out: np.ndarray, input_gradient: bool = True
) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """Gradients of a loss through :func:`conv2d_forward`.

    Args:
        x: the layer's input, (n, h, w, c_in).
        kernel: the layer's kernel, (kh, kw, c_in, c_out).
        grad_out: ∂loss/∂output, (n, h-kh+1, w-kw+1, c_out).
        input_gradient: whether to compute ∂loss/∂x (a first layer, fed images, needs none).

    Returns:
        (∂loss/∂x or None, ∂loss/∂kernel, ∂loss/∂bias).
    """
    _check_conv_shapes(x, kernel)
    kh, kw, _, c_out = kernel.shape
    n, h, w, _ = x.shape
    expected = (n, h - kh + 1, w - kw + 1, c_out)
    if grad_out.shape != expected:
        raise ValueError(f"grad_out must have shape {expected}, got {grad_out.shape}")
    grad_kernel = np.einsum("nijabc,nijo->abco", _patches(x, kh, kw), grad_out)
    grad_bias = grad_out.sum(axis=(0, 1, 2))
    if not input_gradient:
        return None, grad_kernel, grad_bias
    # Each output pixel (i, j) spreads its gradient back over the window it was computed from.
    grad_x = np.zeros_like(x, dtype=np.result_type(x, kernel, grad_out))
    for a in range(kh):
        for b in range(kw):
            grad_x[:, a : a + expected[1], b : b + expected[2], :] += grad_out @ kernel[a, b].T
    return grad_x, grad_kernel, grad_bias


def softmax_cross_entropy(logits: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of integer ``labels`` under softmax(``logits``), and its gradient."""
    if logits.ndim != 2 or labels.shape != (logits.shape[0],):
        raise ValueError(f"logits must be (n, classes) and labels (n,), got {logits.shape}, {labels.shape}")
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    n = logits.shape[0]
    loss = -log_probs[np.arange(n), labels].mean()
    grad = np.exp(log_probs)
    grad[np.arange(n), labels] -= 1.0
    return float(loss), grad / n


Init = Literal["zeros", "constant", "random"]


@dataclass
class TinyCNN:
    """Conv2D(3×3, ``n_filters``) → ReLU → flatten → Dense(classes) → softmax, in numpy."""

    kernel: np.ndarray
    bias: np.ndarray
    dense: np.ndarray
    dense_bias: np.ndarray

    @classmethod
    def create(
        cls,
        n_filters: int,
        image_size: int,
        init: Init,
        constant: float = 0.1,
        classes: int = 10,
        seed: int = 0,
    ) -> "TinyCNN":
        """Build a network whose weights are all zero, all ``constant``, or random.

        ``"random"`` draws He-normal conv filters and Glorot-normal dense weights; biases start
        at zero in every case.
        """
        for name, value in (("n_filters", n_filters), ("image_size", image_size), ("classes", classes)):
            positive_int(name, value)
        if image_size < 3:
            raise ValueError(f"image_size must be at least 3 for a 3×3 kernel, got {image_size}")
        side = image_size - 2
        kernel_shape, dense_shape = (3, 3, 1, n_filters), (side * side * n_filters, classes)
        if init == "zeros":
            kernel, dense = np.zeros(kernel_shape), np.zeros(dense_shape)
        elif init == "constant":
            kernel, dense = np.full(kernel_shape, constant), np.full(dense_shape, constant)
        elif init == "random":
            rng = np.random.default_rng(seed)
            kernel = rng.normal(0.0, np.sqrt(2.0 / 9), kernel_shape)
            dense = rng.normal(0.0, np.sqrt(2.0 / sum(dense_shape)), dense_shape)
        else:
            raise ValueError(f"init must be 'zeros', 'constant' or 'random', got {init!r}")
        return cls(kernel, np.zeros(n_filters), dense, np.zeros(classes))

    def forward(self, x: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Logits for images ``x`` of shape (n, size, size, 1), and what the backward pass needs."""
        pre = conv2d_forward(x, self.kernel, self.bias)
        hidden = np.maximum(pre, 0.0)
        logits = hidden.reshape(len(x), -1) @ self.dense + self.dense_bias
        return logits, {"x": x, "pre": pre, "hidden": hidden}

    def gradients(self, x: np.ndarray, labels: np.ndarray) -> tuple[float, dict[str, np.ndarray]]:
        """The loss on (x, labels) and its gradient with respect to every parameter."""
        logits, cache = self.forward(x)
        loss, grad_logits = softmax_cross_entropy(logits, labels)
        flat_hidden = cache["hidden"].reshape(len(x), -1)
        grad_hidden = (grad_logits @ self.dense.T).reshape(cache["hidden"].shape)
        grad_pre = grad_hidden * (cache["pre"] > 0)
        _, grad_kernel, grad_bias = conv2d_backward(x, self.kernel, grad_pre, input_gradient=False)
        return loss, {
            "kernel": grad_kernel,
            "bias": grad_bias,
            "dense": flat_hidden.T @ grad_logits,
            "dense_bias": grad_logits.sum(axis=0),
        }

    def sgd_step(self, x: np.ndarray, labels: np.ndarray, learning_rate: float) -> float:
        """One step of plain gradient descent on the whole batch; returns the loss before it."""
        loss, grads = self.gradients(x, labels)
        self.apply_gradients(grads, learning_rate)
        return loss

    def apply_gradients(self, grads: dict[str, np.ndarray], learning_rate: float) -> None:
        """Move every parameter by −learning_rate × its gradient (``grads`` as from :meth:`gradients`)."""
        if learning_rate <= 0:
            raise ValueError(f"learning_rate must be positive, got {learning_rate}")
        if set(grads) != {"kernel", "bias", "dense", "dense_bias"}:
            raise ValueError(f"grads must have kernel, bias, dense and dense_bias, got {sorted(grads)}")
        for name, grad in grads.items():
            if grad.shape != getattr(self, name).shape:
                raise ValueError(f"gradient of {name} has shape {grad.shape}, expected {getattr(self, name).shape}")
            setattr(self, name, getattr(self, name) - learning_rate * grad)

    def accuracy(self, x: np.ndarray, labels: np.ndarray) -> float:
        """Fraction of ``x`` classified as ``labels``."""
        logits, _ = self.forward(x)
        return float((logits.argmax(axis=1) == labels).mean())


@dataclass(frozen=True)
class GradientCheck:
    """Result of :func:`finite_difference_check`."""

    error: float  # ‖g_fd − g‖ / ‖g_fd + g‖ over the parameters checked
    checked: int  # parameters whose ±eps step crosses no ReLU kink
    skipped: int  # parameters whose ±eps step switches some ReLU on or off


def finite_difference_check(model: TinyCNN, x: np.ndarray, labels: np.ndarray, eps: float = 1e-5) -> GradientCheck:
    """Compare the hand-written conv gradients with central finite differences.

    The error is ‖g_fd − g‖ / ‖g_fd + g‖ over the conv kernel and bias, near 1e-9 for a correct
    backward pass in float64 and of order 1 for a wrong one. A parameter whose ±``eps`` step
    switches some ReLU on or off (a pre-activation within reach of zero) is skipped: across a kink
    the loss is not differentiable and the finite difference is wrong, not the gradient.
    """
    if eps <= 0:
        raise ValueError(f"eps must be positive, got {eps}")
    _, grads = model.gradients(x, labels)
    active = model.forward(x)[1]["pre"] > 0
    analytic, numeric, skipped = [], [], 0
    for name in ("kernel", "bias"):
        param = getattr(model, name)
        for index in np.ndindex(param.shape):
            saved = param[index]
            losses, crossed = [], False
            for step in (eps, -eps):
                param[index] = saved + step
                logits, cache = model.forward(x)
                crossed = crossed or bool(((cache["pre"] > 0) != active).any())
                losses.append(softmax_cross_entropy(logits, labels)[0])
            param[index] = saved
            if crossed:
                skipped += 1
                continue
            numeric.append((losses[0] - losses[1]) / (2 * eps))
            analytic.append(grads[name][index])
    if not analytic:
        raise ValueError("every parameter's step crosses a ReLU kink; use a smaller eps")
    a, n = np.array(analytic), np.array(numeric)
    error = float(np.linalg.norm(n - a) / max(np.linalg.norm(n + a), 1e-300))
    return GradientCheck(error=error, checked=len(analytic), skipped=skipped)
