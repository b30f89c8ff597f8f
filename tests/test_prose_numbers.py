"""Every measured number in a chapter's prose is backed by a claim.

A heuristic, kept quiet by design: in each "## " section of a chapter's markdown, numbers written
as prose (decimals such as 0.88, percentages, "10 times") must either sit in a section whose code
checks a claim, or appear in one of the chapter's registered claim statements. Mathematics
($…$), code spans, section references ("section 2.3"), image sizes ("8×8"), the chapter's opening
and its exercises (whose numbers are the exercises' parameters) are not prose measurements.
Sections whose numbers are explained rather than measured are listed in ``EXPLAINED`` with why.
"""

import json
import re
from pathlib import Path

import pytest

from utils import claims

CHAPTERS = Path(__file__).resolve().parent.parent / "chapters"
NOTEBOOKS = sorted(CHAPTERS.glob("0*.ipynb"))

NUMBER = re.compile(
    r"(?<![\w.$^{])(?<!section )(?<!sections )(?<!chapter )(?<!exercise )"
    r"(\d+\.\d+|\d+(?:\.\d+)?\s?%|\d+\s?(?:times|-fold))(?![\w.]*×\d)"
)
NOT_PROSE = re.compile(
    r"\$\$.*?\$\$|\$[^$]*\$|`[^`]*`|\{[a-z]+\}`[^`]*`|\[[^\]]*\]\([^)]*\)|\d+\s?×\s?\d+"
)
SKIPPED_SECTIONS = ("(opening)", "## Setting up", "## Exercises")

# (chapter, section heading) -> why its numbers need no claim of their own.
EXPLAINED = {
    ("03_glorot", "## 3.1 The derivation"): "0.8796 is the truncation constant derived there and "
    "checked in section 3.2 (ch03.truncation-factor)",
}


def prose_numbers(notebook: Path) -> dict[str, tuple[list[str], int]]:
    """Section heading -> (numbers written in its prose, claims checked in its code)."""
    sections: dict[str, tuple[list[str], int]] = {}
    heading, numbers, checks = "(opening)", [], 0
    for cell in json.loads(notebook.read_text())["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code":
            checks += source.count("claims.check(")
            continue
        for line in source.splitlines():
            if line.startswith("## "):
                sections[heading] = (numbers, checks)
                heading, numbers, checks = line.strip(), [], 0
            else:
                numbers += NUMBER.findall(NOT_PROSE.sub(" ", line))
    sections[heading] = (numbers, checks)
    return sections


def unbacked(notebook: Path) -> dict[str, list[str]]:
    chapter = notebook.stem
    stated = " ".join(c.statement for c in claims.chapter_claims(chapter))
    found = {}
    for heading, (numbers, checks) in prose_numbers(notebook).items():
        if heading in SKIPPED_SECTIONS or checks or (chapter, heading) in EXPLAINED:
            continue
        missing = [n for n in numbers if n not in stated]
        if missing:
            found[heading] = missing
    return found


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_prose_numbers_are_backed_by_claims(notebook):
    assert unbacked(notebook) == {}, (
        "numbers in prose with no claim in their section nor in a claim statement of the chapter; "
        "check them, reword them, or explain the section in EXPLAINED"
    )


def test_explained_sections_still_exist_and_need_it():
    for (chapter, heading), reason in EXPLAINED.items():
        sections = prose_numbers(CHAPTERS / f"{chapter}.ipynb")
        assert heading in sections, f"{chapter}: no section {heading!r}"
        numbers, checks = sections[heading]
        assert numbers and not checks, f"{chapter} {heading!r} no longer needs its entry ({reason})"


def test_the_heuristic_finds_prose_numbers():
    line = "The gain is 0.88 per layer, 40% of units die, 10 times smaller; see section 2.3, 8×8 images."
    assert NUMBER.findall(NOT_PROSE.sub(" ", line)) == ["0.88", "40%", "10 times"]
    assert NUMBER.findall(NOT_PROSE.sub(" ", "math $0.5$ and `code 0.25`")) == []
