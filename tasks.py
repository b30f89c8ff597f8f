#!/usr/bin/env python3
"""One entry point for everything a reader or developer runs, with only Python 3.11, 3.12 or 3.13 installed.

    python3 tasks.py build       # build the HTML book into _build/html from the stored outputs
    python3 tasks.py test        # run every test: utils unit tests, nbval over the chapters, book build
    python3 tasks.py execute     # re-execute the chapters in place to refresh their stored outputs
    python3 tasks.py benchmark   # time every chapter from a cold kernel and print a table
    python3 tasks.py seeds 20    # execute every chapter with seeds 0..19; table of every claim's verdicts
    python3 tasks.py lab         # open the chapters in JupyterLab (installs it into .venv once)

Every command first creates (or reuses) the virtual environment `.venv` with the pinned versions
of requirements.txt; it is rebuilt only when requirements.txt or pyproject.toml change.
Extra arguments after the command are passed on (to pytest, or chapter names to execute/benchmark).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".requirements-stamp"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def _requirements_hash() -> str:
    digest = hashlib.sha256()
    for name in ("requirements.txt", "pyproject.toml"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def ensure_environment() -> None:
    """Create .venv and install the pinned requirements, unless it is already up to date."""
    if not (3, 11) <= sys.version_info[:2] <= (3, 13):
        sys.exit(f"Python 3.11, 3.12 or 3.13 is needed (the pinned TensorFlow has wheels for those); "
                 f"this is {sys.version.split()[0]}.")
    wanted = _requirements_hash()
    if PYTHON.exists() and STAMP.exists() and STAMP.read_text() == wanted:
        return
    print(f"Setting up the virtual environment in {VENV} (a few minutes, once)...", flush=True)
    if not PYTHON.exists():
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    pip = [str(PYTHON), "-m", "pip", "--disable-pip-version-check"]
    run([*pip, "install", "--quiet", "--upgrade", "pip"])
    run([*pip, "install", "--quiet", "-r", str(ROOT / "requirements.txt")])
    STAMP.write_text(wanted)


def run(command: list[str], extra_env: dict[str, str] | None = None, **kwargs) -> None:
    """Run a command from the repository root; exit with its status if it fails."""
    env = dict(os.environ, PYTHONHASHSEED="0", **(extra_env or {}))
    completed = subprocess.run(command, cwd=ROOT, env=env, **kwargs)
    if completed.returncode != 0:
        sys.exit(completed.returncode)


def build(args: list[str]) -> None:
    """Build the HTML book from the notebooks' stored outputs (no execution)."""
    run([str(BIN / "jupyter-book"), "build", str(ROOT), "-W", "-n", "--keep-going", *args])
    print(f"Open {ROOT / '_build' / 'html' / 'index.html'} in a browser.")


def stored_run() -> tuple[int, str]:
    """The seed and oneDNN setting the chapters' stored outputs were made with (notebook metadata).

    `execute` records them in each notebook; every chapter must have been stored the same way.
    """
    found = set()
    for notebook in sorted((ROOT / "chapters").glob("*.ipynb")):
        book = json.loads(notebook.read_text(encoding="utf-8")).get("metadata", {}).get("book", {})
        if "seed" not in book or "onednn" not in book:
            sys.exit(f"{notebook.name} does not say how its outputs were made: re-run `python3 tasks.py execute`")
        found.add((int(book["seed"]), str(book["onednn"])))
    if len(found) != 1:
        sys.exit(f"the chapters' outputs were stored with different settings {sorted(found)}: re-execute them")
    return found.pop()


def nbval_environment() -> dict[str, str]:
    """The environment the tests re-execute the chapters in: another seed, the other float path.

    Outputs that nbval compares must not depend on either, so every test run checks every claim
    under a second seed and with TensorFlow's oneDNN kernels switched the other way from the stored
    run (they reorder float sums, as another CPU would). Set BOOK_SEED to choose the seed.
    """
    seed, onednn = stored_run()
    test_seed = int(os.environ.get("BOOK_SEED") or (seed + 1) % 2**32)
    if test_seed == seed:
        sys.exit(f"BOOK_SEED={test_seed} is the seed the outputs were stored with; the tests need another one")
    return {"BOOK_SEED": str(test_seed), "TF_ENABLE_ONEDNN_OPTS": "1" if onednn == "0" else "0"}


def test(args: list[str]) -> None:
    """Unit tests of utils, nbval over every chapter, the claims registry and the book build."""
    env = nbval_environment()
    print(f"Re-executing the chapters with {env} (the outputs were stored with seed "
          f"{stored_run()[0]}, TF_ENABLE_ONEDNN_OPTS={stored_run()[1]}).", flush=True)
    run([str(PYTHON), "-m", "pytest", "-n", "2", "--dist", "loadscope", *args], extra_env=env)


def execute(args: list[str]) -> None:
    """Re-execute chapters in place (all, or the ones named) to refresh their stored outputs."""
    run([str(PYTHON), str(ROOT / "scripts" / "execute_chapters.py"), *args])


def seeds(args: list[str]) -> None:
    """Execute chapters with N seeds and print, claim by claim, how often each held."""
    run([str(PYTHON), str(ROOT / "scripts" / "seed_sweep.py"), *args])


def benchmark(args: list[str]) -> None:
    """Execute every chapter from a cold kernel and print seconds per chapter."""
    run([str(PYTHON), str(ROOT / "scripts" / "benchmark.py"), *args])


JUPYTERLAB = "jupyterlab==4.6.6"


def lab(args: list[str]) -> None:
    """Open the chapters in JupyterLab, running on .venv's Python (installed on first use)."""
    check = subprocess.run([str(PYTHON), "-c", "import jupyterlab"], capture_output=True)
    if check.returncode != 0:
        print(f"Installing {JUPYTERLAB} into {VENV} (once)...", flush=True)
        # Keep every pinned package at its pinned version: pass requirements.txt as constraints.
        pins = [line for line in (ROOT / "requirements.txt").read_text().splitlines() if not line.startswith("-e")]
        constraints = VENV / "lab-constraints.txt"
        constraints.write_text("\n".join(pins) + "\n")
        run([str(PYTHON), "-m", "pip", "install", "--quiet", "-c", str(constraints), JUPYTERLAB])
    run([str(BIN / "jupyter"), "lab", str(ROOT / "chapters"), *args])


COMMANDS = {"build": build, "test": test, "execute": execute, "seeds": seeds, "benchmark": benchmark, "lab": lab}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    ensure_environment()
    COMMANDS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
