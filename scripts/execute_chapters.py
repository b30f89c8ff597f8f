"""Re-execute chapters in place so that their stored outputs are fresh.

    python3 tasks.py execute                  # every chapter in _toc.yml order
    python3 tasks.py execute 01_symmetry      # only the chapters named (file stems or paths)

Each chapter runs in a fresh kernel from the chapters/ folder; the first error stops with the
chapter's name and the cell that failed. Set BOOK_SEED to run with another seed.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ROOT / "chapters"
CELL_TIMEOUT_S = 600


def chapter_paths(names: list[str]) -> list[Path]:
    """The notebooks named (by stem or path), or all of them in file order."""
    notebooks = sorted(CHAPTERS.glob("*.ipynb"))
    if not names:
        return notebooks
    chosen = []
    for name in names:
        stem = Path(name).stem
        match = [nb for nb in notebooks if nb.stem == stem]
        if not match:
            sys.exit(f"no chapter notebook named {name!r}; there are {[nb.stem for nb in notebooks]}")
        chosen.extend(match)
    return chosen


def execute(path: Path, write: bool = True) -> float:
    """Execute one notebook from a cold kernel; return the seconds it took (kernel start-up included)."""
    notebook = nbformat.read(path, as_version=4)
    # The kernel is stopped at once when the last cell has run: waiting for TensorFlow's threads to
    # wind down ("graceful") adds about 1.5 s per notebook that no reader waits for.
    client = NotebookClient(notebook, timeout=CELL_TIMEOUT_S, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}}, shutdown_kernel="immediate")
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    if write:
        # How these outputs were made: the tests re-execute with another seed and the other
        # oneDNN setting (tasks.py), to show that what nbval compares depends on neither.
        from utils import reproducibility

        notebook.metadata["book"] = {
            "seed": reproducibility.book_seed(),
            "onednn": os.environ.get("TF_ENABLE_ONEDNN_OPTS", "0"),
        }
        nbformat.write(notebook, path)
    return seconds


def main() -> None:
    for path in chapter_paths(sys.argv[1:]):
        print(f"executing {path.relative_to(ROOT)} ...", flush=True)
        try:
            seconds = execute(path)
        except CellExecutionError as error:
            sys.exit(f"{path.name} failed:\n{error}")
        print(f"  done in {seconds:.1f} s", flush=True)


if __name__ == "__main__":
    main()
