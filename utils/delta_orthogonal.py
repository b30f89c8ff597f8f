"""The delta-orthogonal initializer of Xiao et al. (2018) for convolution kernels, as a Keras initializer.

A kernel of shape ``(k_1, …, k_d, c_in, c_out)`` is zero everywhere except at its spatial centre,
where it holds a ``c_in × c_out`` matrix with orthonormal rows (times ``gain``). A convolution with
it copies every input position's channel vector through that matrix, so it preserves the norm of
the signal exactly at every position (with ``padding="same"``, borders included) — an isometry,
the property "dynamical isometry" asks of every layer of a very deep network.

Keras's own ``Orthogonal`` is different: it makes the *flattened* kernel, of shape
``(k_1·…·k_d·c_in, c_out)``, orthogonal. That keeps the norm of each input *patch* (when there are
at least as many output channels as patch entries), not the norm of the signal, because
overlapping patches share their pixels; with fewer output channels, the usual case, it keeps norms
only on average.

Use it as any Keras initializer: ``keras.layers.Conv2D(16, 3, kernel_initializer=DeltaOrthogonal(seed=0))``.
It is registered for Keras serialization (``get_config``/``from_config``), so models that use it
save and load.
"""

from __future__ import annotations

import keras

from utils.validation import positive_number


@keras.saving.register_keras_serializable(package="utils")
class DeltaOrthogonal(keras.initializers.Initializer):
    """Orthogonal across channels at the kernel's centre, zero elsewhere (Xiao et al., 2018).

    Args:
        gain: multiplies the orthogonal matrix; 1 preserves norms exactly. Must be positive.
        seed: an integer (the same kernel on every call, like Keras's seeded initializers), ``None``
            (Keras's global seed) or a ``keras.random.SeedGenerator``.
    """

    def __init__(self, gain: float = 1.0, seed: int | keras.random.SeedGenerator | None = None) -> None:
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, keras.random.SeedGenerator))):
            raise ValueError(f"seed must be an integer, a keras.random.SeedGenerator or None, got {seed!r}")
        self.gain = positive_number("gain", gain)
        self.seed = seed
        self._orthogonal = keras.initializers.Orthogonal(gain=self.gain, seed=seed)

    def __call__(self, shape, dtype=None):
        shape = tuple(int(s) for s in shape)
        if len(shape) < 3:
            raise ValueError(
                f"DeltaOrthogonal initializes convolution kernels (k_1, …, k_d, c_in, c_out); got shape {shape}"
            )
        spatial, c_in, c_out = shape[:-2], shape[-2], shape[-1]
        if any(k % 2 == 0 for k in spatial):
            raise ValueError(f"kernel sizes must be odd, so that the kernel has a centre; got {spatial}")
        if c_in > c_out:
            raise ValueError(
                f"input channels ({c_in}) exceed output channels ({c_out}): no {c_in}×{c_out} matrix has "
                "orthonormal rows, so the layer cannot preserve norms"
            )
        centre = self._orthogonal((c_in, c_out), dtype=dtype)  # orthonormal rows (c_in ≤ c_out), × gain
        centre = keras.ops.reshape(centre, (1,) * len(spatial) + (c_in, c_out))
        padding = [(k // 2, k // 2) for k in spatial] + [(0, 0), (0, 0)]
        return keras.ops.pad(centre, padding)

    def get_config(self) -> dict:
        seed = self.seed
        if isinstance(seed, keras.random.SeedGenerator):
            seed = keras.saving.serialize_keras_object(seed)
        return {"gain": self.gain, "seed": seed}

    @classmethod
    def from_config(cls, config: dict) -> DeltaOrthogonal:
        config = dict(config)
        if isinstance(config.get("seed"), dict):
            config["seed"] = keras.saving.deserialize_keras_object(config["seed"])
        return cls(**config)
