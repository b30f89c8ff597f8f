"""Shared code of the course *Initializing Neural Networks*.

Importing `utils` quietens TensorFlow's C++ logging and turns off oneDNN's reordered float sums
before TensorFlow can be imported, so that chapters print nothing machine-specific and CPU results
are reproducible. The submodules are imported on demand: `from utils import data, claims`.
"""

import os as _os

_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
_os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
_os.environ.setdefault("KERAS_BACKEND", "tensorflow")

__all__ = [
    "batchnorm",
    "claims",
    "criticality",
    "data",
    "deep_linear",
    "delta_orthogonal",
    "diagnose",
    "exercises",
    "filters",
    "initializers",
    "ledger",
    "lsuv",
    "models",
    "numpy_cnn",
    "plots",
    "probes",
    "random_networks",
    "report",
    "reproducibility",
    "residual",
    "selu",
    "theory",
    "validation",
]
