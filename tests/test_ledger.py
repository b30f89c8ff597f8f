"""Verdicts have one home, the ledger: it agrees with the registry, and every chapter's verdict
section and the ledger page are its stored renderings; no chapter states a verdict of its own."""

import json
import re
from pathlib import Path

import pytest

from utils import claims, ledger

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ROOT / "chapters"
# The five source articles, in the shared folder beside the repository (see its README).
SOURCES = ROOT.parent / "shared" / "sources"
PAGE = CHAPTERS / "claims_ledger.ipynb"
NOTEBOOKS = [nb for nb in sorted(CHAPTERS.glob("*.ipynb")) if nb != PAGE]
SECTION_CALL = re.compile(r"ledger\.show_chapter_verdicts\(\s*[\"']([^\"']+)[\"']\s*\)")
VERDICT_WORD = re.compile(r"\b(reproduced|qualified|refuted)\b", re.IGNORECASE)


TYPOGRAPHY = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"',
                            "\u2013": "-", "\u2014": "-"})
ELISION = re.compile(r"(?:^|\s)\.\.\.(?=\s|$)")  # " … " (normalised to " ... ") leaves text out
INSERTION = re.compile(r"\[[^\]]*\]")  # "[…]" is the editor's, not the article's


def normalise(text: str) -> str:
    """Collapse whitespace and map typographic quotes, dashes and ellipses to plain ASCII."""
    return re.sub(r"\s+", " ", text.translate(TYPOGRAPHY).replace("\u2026", "...")).strip()


def quoted_pieces(says: str) -> list[str]:
    """The article's own words in a quote: split at elisions and at [bracketed] insertions."""
    pieces = []
    for part in ELISION.split(normalise(says)):
        pieces += [p.strip() for p in INSERTION.split(part) if p.strip()]
    return pieces


def quote_is_verbatim(says: str, text: str) -> bool:
    """Every piece of the quote appears in the (normalised) text, in order."""
    text, at = normalise(text), 0
    for piece in quoted_pieces(says):
        found = text.find(piece, at)
        if found < 0:
            return False
        at = found + len(piece)
    return bool(quoted_pieces(says))


def source_text(article_id: str) -> str:
    number = article_id.removeprefix("article-")
    found = sorted(SOURCES.glob(f"{number}_*.txt"))
    assert len(found) == 1, (
        f"the source text of {article_id} ({SOURCES}/{number}_*.txt) is missing: the tests need the "
        f"shared folder beside the repository, with the five articles in shared/sources/")
    return found[0].read_text(encoding="utf-8").replace("**", "")  # markdown bold is not the article's words


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


def test_every_entry_quotes_its_article_verbatim():
    assert SOURCES.is_dir(), (
        f"{SOURCES} is missing: the ledger's quotes are checked against the source articles, which "
        f"must lie in ../shared/sources beside the repository")
    texts = {article_id: source_text(article_id) for article_id in ledger.articles()}
    wrong = [f"{e.id}: {e.says[:100]}" for e in ledger.entries() if not quote_is_verbatim(e.says, texts[e.article])]
    assert not wrong, (f"{len(wrong)} entries' 'says' is not the article's words (elide with ' … ', "
                       f"insert with [brackets]):\n" + "\n".join(wrong))


def test_quote_matching_convention():
    text = "It is  \u201cgood\u201d \u2013 they\u2019re   fine.\nNext, the weights [sic] are set. Then more."
    assert quote_is_verbatim('It is "good" - they\u2019re fine.', text)
    assert quote_is_verbatim("It is \u201cgood\u201d \u2026 the weights", text)
    assert quote_is_verbatim("they're fine. ... Then more.", text)
    assert quote_is_verbatim("[The article says that] the weights [, it says,] are set.", text)
    assert not quote_is_verbatim("It is good", text)  # quotes dropped
    assert not quote_is_verbatim("Then more. \u2026 It is", text)  # out of order
    assert not quote_is_verbatim("the weights are set", text)  # only the quote's brackets are removed
    assert not quote_is_verbatim("[only an insertion]", text)


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
