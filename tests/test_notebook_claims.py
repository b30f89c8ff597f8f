"""The claims registry and the chapters cannot drift apart.

Every registered claim must be checked, and seen to hold, by the stored outputs of its chapter;
every claim a chapter checks must be registered for that chapter. (nbval then re-executes the
chapters and compares those stored lines with fresh ones.)
"""

import json
import re
from pathlib import Path

import pytest

from utils import claims

CHAPTERS = Path(__file__).resolve().parent.parent / "chapters"
NOTEBOOKS = sorted(CHAPTERS.glob("*.ipynb"))
HOLDS = re.compile(rf"^{claims.HOLDS_MARK} (\S+) holds: (.*)$", re.MULTILINE)
CHECK_CALL = re.compile(r"claims\.check\(\s*[\"']([^\"']+)[\"']")


def stored_holds_lines(notebook: Path) -> dict[str, str]:
    found = {}
    for cell in json.loads(notebook.read_text())["cells"]:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stdout":
                for claim_id, statement in HOLDS.findall("".join(output["text"])):
                    found[claim_id] = statement
    return found


def checked_in_source(notebook: Path) -> set[str]:
    cells = json.loads(notebook.read_text())["cells"]
    return {m for c in cells if c["cell_type"] == "code" for m in CHECK_CALL.findall("".join(c["source"]))}


def test_there_are_chapters():
    assert NOTEBOOKS


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_checks_exactly_its_registered_claims(notebook):
    registered = {c.id: c for c in claims.registry().values() if c.chapter == notebook.stem}
    held = stored_holds_lines(notebook)
    assert set(held) == set(registered), (
        f"held but unregistered: {sorted(set(held) - set(registered))}; "
        f"registered but not seen to hold: {sorted(set(registered) - set(held))}"
    )
    assert checked_in_source(notebook) == set(registered)
    for claim_id, statement in held.items():
        assert statement == registered[claim_id].statement, f"{claim_id}: stored statement is stale"


def test_every_claim_belongs_to_an_existing_chapter():
    stems = {nb.stem for nb in NOTEBOOKS}
    orphans = [c.id for c in claims.registry().values() if c.chapter not in stems]
    assert not orphans, f"claims registered for chapters that do not exist: {orphans}"
