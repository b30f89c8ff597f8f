"""Configuration of the unit tests. What nbval compares in the chapters is set in the repository
root's ``conftest.py``, which applies to every directory."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
