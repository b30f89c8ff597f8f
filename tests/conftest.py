"""Test-suite configuration shared by the unit tests and nbval.

nbval compares every stored text output of a chapter with the re-executed one. Two kinds of output
are left out of that comparison (DEVELOPERS.md, "Claims"):

* ``stderr``: TensorFlow writes to it from background threads, so it is not reproducible. The book
  build separately fails on any stderr stored in a notebook (``execute.stderr_output: error``).
* ``text/html``: the book shows measured values, which vary by machine and seed, as HTML tables
  (``utils.report``); stable verdicts are printed to stdout, which is compared.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

NOT_COMPARED = ("stderr", "text/html")


def pytest_collectstart(collector):
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += NOT_COMPARED
