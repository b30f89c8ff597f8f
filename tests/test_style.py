"""The chapters' code is formatted and every line fits the book's text column (88 characters),
so readers never scroll code sideways. `ruff format chapters` fixes the formatting; long strings
and comments must be split by hand."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUFF = Path(sys.executable).parent / "ruff"


def ruff(*args: str) -> subprocess.CompletedProcess:
    assert RUFF.exists(), "ruff is not installed in the test environment"
    return subprocess.run([str(RUFF), *args], cwd=ROOT, capture_output=True, text=True)


def test_chapter_code_is_formatted():
    result = ruff("format", "--check", "chapters")
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_chapter_code_line_is_wider_than_the_column():
    result = ruff("check", "--select", "E501", "--output-format", "concise", "chapters")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_width_check_would_catch_a_long_line(tmp_path):
    long_line = "x = " + "1 + " * 30 + "1\n"
    (tmp_path / "wide.py").write_text(long_line)
    result = ruff("check", "--select", "E501", "--line-length", "88", str(tmp_path / "wide.py"))
    assert result.returncode != 0 and "E501" in result.stdout
