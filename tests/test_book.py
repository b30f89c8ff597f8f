"""The HTML book builds from the stored outputs with every Sphinx warning an error."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_book_builds_without_warnings(tmp_path):
    jupyter_book = shutil.which("jupyter-book", path=str(Path(sys.executable).parent))
    assert jupyter_book, "jupyter-book is not installed in the test environment"
    result = subprocess.run(
        [jupyter_book, "build", str(ROOT), "--path-output", str(tmp_path), "-W", "-n", "--keep-going"],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
    html = tmp_path / "_build" / "html"
    chapter = (html / "chapters" / "01_symmetry.html").read_text()
    assert "Interchangeable units stay interchangeable" in chapter  # the proposition rendered
    assert "dropdown" in chapter  # solutions are hidden by default
    assert (html / "chapters" / "bibliography.html").exists()
