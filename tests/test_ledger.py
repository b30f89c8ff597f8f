"""Verdicts have one home, the ledger: it agrees with the registry, and every chapter's verdict
section and the ledger page are its stored renderings; no chapter states a verdict of its own."""

import json
import re
from pathlib import Path

import pytest

from utils import claims, ledger

CHAPTERS = Path(__file__).resolve().parent.parent / "chapters"
PAGE = CHAPTERS / "claims_ledger.ipynb"
NOTEBOOKS = [nb for nb in sorted(CHAPTERS.glob("*.ipynb")) if nb != PAGE]
SECTION_CALL = re.compile(r"ledger\.show_chapter_verdicts\(\s*[\"']([^\"']+)[\"']\s*\)")
VERDICT_WORD = re.compile(r"\b(reproduced|qualified|refuted)\b", re.IGNORECASE)


def cells(notebook: Path) -> list[dict]:
    return json.loads(notebook.read_text())["cells"]


def stored_html(cell: dict) -> list[str]:
    return ["".join(o["data"]["text/html"]) for o in cell.get("outputs", []) if "text/html" in o.get("data", {})]


def test_ledger_and_registry_agree():
    assert ledger.problems() == []


def test_every_article_is_described_and_has_entries():
    assert len(ledger.articles()) == 5
    assert {e.article for e in ledger.entries()} == set(ledger.articles())
    for article in ledger.articles().values():
        assert article.title and article.kind and article.date and len(article.summary) > 40


def test_every_entry_is_shown_in_exactly_one_chapter_section():
    sections = {}
    for notebook in NOTEBOOKS:
        calls = [(c, m) for c in cells(notebook) if c["cell_type"] == "code"
                 for m in SECTION_CALL.findall("".join(c["source"]))]
        assert len(calls) <= 1, f"{notebook.stem} has {len(calls)} verdict sections"
        if calls:
            cell, stem = calls[0]
            assert stem == notebook.stem, f"{notebook.stem} renders the verdicts of {stem}"
            sections[stem] = cell
    assert set(sections) == {e.chapter for e in ledger.entries()}, "a ledger entry names a chapter with no verdict section"
    for stem, cell in sections.items():
        assert stored_html(cell) == [ledger.render_chapter_html(stem)], (
            f"{stem}'s verdict section is stale: re-execute the chapter")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_chapter_states_a_verdict_of_its_own(notebook):
    for cell in cells(notebook):
        if cell["cell_type"] != "markdown":
            continue
        text = "".join(cell["source"])
        for line in text.splitlines():
            assert not (line.lstrip().startswith("|") and VERDICT_WORD.search(line)), (
                f"{notebook.stem}: a table states a verdict; verdicts belong in utils/ledger.toml: {line[:120]}")
        assert not re.search(r"\*\*(reproduced|qualified|refuted)\b", text, re.IGNORECASE), (
            f"{notebook.stem}: a bold verdict in the prose; render it from the ledger instead")
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            if re.search(r"article[- ]?00\d", sentence, re.IGNORECASE):
                assert not VERDICT_WORD.search(sentence), (
                    f"{notebook.stem}: a verdict on an article in the prose: {sentence[:160]}")


def test_stored_page_is_the_rendered_ledger():
    html = [h for c in cells(PAGE) for h in stored_html(c)]
    assert html == [ledger.render_html()], "the ledger page is stale: run `python3 tasks.py execute claims_ledger`"


def test_links_point_at_claim_anchors():
    page = ledger.render_html()
    for entry in ledger.entries():
        for claim_id in entry.claims:
            assert f'{claims.get(claim_id).chapter}.html#{claims.anchor(claim_id)}' in page
    section = ledger.render_chapter_html("01_symmetry")
    assert 'href="#claim-ch01-' in section  # a claim of the same chapter links within the page


def test_problems_are_found(monkeypatch):
    bad = (ledger.Entry("x", "article-009", "s", "maybe", "r", "01_symmetry", ("ch99.none",)),
           ledger.Entry("y", "article-000", "s", "refuted", "r", "01_symmetry"),
           ledger.Entry("y", "article-000", "s", "refuted", "r", "01_symmetry", basis="a definition"))
    monkeypatch.setattr(ledger, "entries", lambda: bad)
    found = "\n".join(ledger.problems())
    for fragment in ("unknown article", "verdict must be", "unregistered claim", "needs a basis",
                     "no ledger entry", "used twice"):
        assert fragment in found


def test_chapter_entries_of_an_unknown_chapter():
    with pytest.raises(KeyError, match="no ledger entry"):
        ledger.chapter_entries("99_nothing")


def test_anchor_is_html_safe():
    assert claims.anchor("ch01.zero-init") == "claim-ch01-zero-init"
    with pytest.raises(KeyError):
        claims.get("nope")
