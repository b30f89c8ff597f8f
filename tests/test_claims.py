import numpy as np
import pytest

from utils import claims


@pytest.fixture
def some_claim():
    return next(iter(claims.registry().values()))


def test_registry_entries_are_complete():
    registry = claims.registry()
    assert registry, "no claims registered"
    for claim_id, claim in registry.items():
        assert claim_id == claim.id and claim_id.startswith("ch")
        assert claim.statement.strip() and claim.statement == claim.statement.strip()
        assert "\n" not in claim.statement


def test_registry_sources_exist():
    from pathlib import Path

    from utils import ledger

    bib = (Path(__file__).resolve().parent.parent / "references.bib").read_text()
    for claim in claims.registry().values():
        assert (
            claim.source == "book" or claim.source in ledger.articles() or f"{{{claim.source}," in bib
        ), f"{claim.id}: unknown source {claim.source!r}"


ENTRY = '[[claim]]\nid = "ch01.x"\nchapter = "01_symmetry"\nstatement = "S."\nsource = "book"\n'


def test_parse_registry():
    assert list(claims.parse_registry(ENTRY)) == ["ch01.x"]
    with pytest.raises(ValueError, match="ledger"):  # verdicts live only in the ledger
        claims.parse_registry(ENTRY + 'verdict = "reproduced"\n')
    with pytest.raises(ValueError, match="missing"):
        claims.parse_registry(ENTRY.replace('source = "book"\n', ""))
    with pytest.raises(ValueError, match="twice"):
        claims.parse_registry(ENTRY + ENTRY)


def test_check_prints_stable_line_when_claim_holds(capsys, some_claim):
    claims.check(some_claim.id, True, {"value": 0.123456})
    out = capsys.readouterr().out
    assert out.splitlines()[0] == f"✔ {some_claim.id} holds: {some_claim.statement}"
    assert "0.1235" in out  # the measured value is shown (outside a notebook: as text)


def test_check_accepts_numpy_bools(capsys, some_claim):
    claims.check(some_claim.id, np.float64(1.0) > 0)
    assert capsys.readouterr().out.startswith("✔")


def test_check_raises_with_measured_values(some_claim):
    with pytest.raises(claims.ClaimFailed) as info:
        claims.check(some_claim.id, False, {"ratio": 2.5})
    assert some_claim.id in str(info.value) and "ratio = 2.5" in str(info.value)
    assert isinstance(info.value, AssertionError)


def test_check_rejects_unregistered_claims():
    with pytest.raises(KeyError, match="not registered"):
        claims.check("ch99.no-such-claim", True)


@pytest.mark.parametrize("holds", [np.array([True, False]), 1, "yes", None])
def test_check_rejects_non_boolean_conditions(holds, some_claim):
    with pytest.raises(TypeError):
        claims.check(some_claim.id, holds)


def test_check_rejects_bad_measured(some_claim):
    with pytest.raises(TypeError):
        claims.check(some_claim.id, True, [1, 2])


def test_chapter_claims(some_claim):
    assert some_claim in claims.chapter_claims(some_claim.chapter)
    with pytest.raises(KeyError):
        claims.chapter_claims("99_nothing")


def test_chapter_claim_list_links_each_id_to_its_check():
    rendered = claims.render_chapter_claims_html("03_glorot")
    ids = [c.id for c in claims.chapter_claims("03_glorot")]
    assert rendered.startswith('<ol class="claims">') and rendered.count("<li>") == len(ids)
    for claim_id in ids:
        assert f'href="#{claims.anchor(claim_id)}"><code>{claim_id}</code></a>' in rendered
    with pytest.raises(KeyError, match="no claims"):
        claims.render_chapter_claims_html("99_nowhere")
