"""What nbval compares when it re-executes a chapter (this file is at the repository root, so it
applies to the notebooks in ``chapters/`` as well as to ``tests/``).

A chapter's stored outputs were made on one machine with one seed; the test command re-executes
them with another seed and the other floating-point path (``tasks.py test``). nbval must therefore
compare only what is the same on every machine and for every seed:

* compared: ``stdout`` (claim verdict lines and other deterministic text), ``text/plain`` and
  ``text/markdown`` (e.g. ``<Figure size 700x400 with 1 Axes>``, the claim lists);
* not compared: ``text/html``, where chapters show measured values (``utils.report``), and
  ``stderr``, which TensorFlow writes to from background threads (the book build separately fails
  on any stderr stored in a notebook); images are never compared by nbval.

A chapter that prints a measured number to stdout fails the test run, which is the point: measured
values belong in the HTML tables.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

NOT_COMPARED = ("stderr", "text/html")


def pytest_collectstart(collector):
    """Add the outputs that vary by machine and seed to every notebook's ``skip_compare``."""
    if getattr(collector, "fspath", None) and collector.fspath.ext == ".ipynb":
        collector.skip_compare += NOT_COMPARED


def pytest_report_header(config):
    """Say which seed and floating-point path the notebooks are re-executed with."""
    if not config.getoption("nbval", default=False):
        return None
    seed = os.environ.get("BOOK_SEED", "0 (default)")
    onednn = os.environ.get("TF_ENABLE_ONEDNN_OPTS", "0 (utils default)")
    return f"nbval re-executes the chapters with BOOK_SEED={seed}, TF_ENABLE_ONEDNN_OPTS={onednn}"


def _retry_kernel_start(start, attempts: int = 3):
    """Wrap nbval's kernel start so that a kernel that does not answer is replaced, not fatal.

    With two test workers, two kernels start at the same moment now and then, and one may not
    answer within the startup timeout (seen once in a fresh-clone run: every cell of one chapter
    errored). nbval shuts such a kernel down and raises RuntimeError; we start a fresh one.
    """

    def start_with_retry(*args, **kwargs):
        for attempt in range(1, attempts + 1):
            try:
                return start(*args, **kwargs)
            except RuntimeError:
                if attempt == attempts:
                    raise

    start_with_retry.__wrapped__ = start
    return start_with_retry


try:
    import nbval.kernel as _nbval_kernel
except ImportError:  # nbval is not installed: nothing to wrap
    pass
else:
    if not hasattr(_nbval_kernel.start_new_kernel, "__wrapped__"):
        _nbval_kernel.start_new_kernel = _retry_kernel_start(_nbval_kernel.start_new_kernel)
