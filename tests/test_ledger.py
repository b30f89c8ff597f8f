"""The claims ledger, the claims registry and the ledger page agree."""

import json
from pathlib import Path

import pytest

from utils import claims, ledger

PAGE = Path(__file__).resolve().parent.parent / "chapters" / "claims_ledger.ipynb"


def test_ledger_and_registry_agree():
    assert ledger.problems() == []


def test_every_article_has_entries():
    articles = {e.article for e in ledger.entries()}
    assert articles == set(claims.ARTICLES)


def test_stored_page_is_the_rendered_ledger():
    outputs = [o for c in json.loads(PAGE.read_text())["cells"] for o in c.get("outputs", [])]
    stored_html = ["".join(o["data"]["text/html"]) for o in outputs if "text/html" in o.get("data", {})]
    assert stored_html == [ledger.render_html()], "the ledger page is stale: run `python3 tasks.py execute claims_ledger`"


def test_links_point_at_claim_anchors():
    page = ledger.render_html()
    for entry in ledger.entries():
        for claim_id in entry.claims:
            assert f'{claims.registry()[claim_id].chapter}.html#{claims.anchor(claim_id)}' in page


def test_problems_are_found(monkeypatch):
    bad = (ledger.Entry("x", "article-009", "s", "maybe", ("ch99.none",)), ledger.Entry("y", "article-000", "s", "refuted"))
    monkeypatch.setattr(ledger, "entries", lambda: bad)
    found = "\n".join(ledger.problems())
    for fragment in ("unknown article", "verdict must be", "unregistered claim", "needs a basis", "no ledger entry"):
        assert fragment in found


def test_anchor_is_html_safe():
    assert claims.anchor("ch01.zero-init") == "claim-ch01-zero-init"
    with pytest.raises(KeyError):
        claims.get("nope")
