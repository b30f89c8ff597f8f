"""The claims ledger: every factual statement of the source articles, its verdict and its evidence.

The ledger (``utils/ledger.toml``) and the claims registry (``utils/claims.toml``) are checked
against each other (:func:`problems`, run by the tests): every claim registered with an article as
its source must back an entry of that article, every claim an entry cites must be registered, and
an entry that cites no claim must say what its verdict rests on. The ledger page of the book is
rendered from both by :func:`render_html`, so it cannot drift from either.
"""

from __future__ import annotations

import html
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from utils import claims


@dataclass(frozen=True)
class Entry:
    """One statement of a source article and the book's verdict on it."""

    id: str
    article: str
    says: str
    verdict: str
    claims: tuple[str, ...] = field(default_factory=tuple)
    basis: str | None = None
    chapter: str | None = None


@cache
def entries() -> tuple[Entry, ...]:
    """All ledger entries, in file order."""
    text = resources.files("utils").joinpath("ledger.toml").read_text(encoding="utf-8")
    loaded = []
    for raw in tomllib.loads(text).get("entry", []):
        unknown = set(raw) - {"id", "article", "says", "verdict", "claims", "basis", "chapter"}
        if unknown:
            raise ValueError(f"ledger entry {raw.get('id')!r} has unknown fields {sorted(unknown)}")
        loaded.append(Entry(**{**raw, "claims": tuple(raw.get("claims", ()))}))
    return tuple(loaded)


def problems() -> list[str]:
    """Every inconsistency between the ledger and the claims registry (empty when there is none)."""
    registry = claims.registry()
    found, seen, cited = [], set(), set()
    for e in entries():
        if e.id in seen:
            found.append(f"{e.id}: id used twice")
        seen.add(e.id)
        if e.article not in claims.ARTICLES:
            found.append(f"{e.id}: unknown article {e.article!r}")
        if e.verdict not in claims.VERDICTS:
            found.append(f"{e.id}: verdict must be one of {claims.VERDICTS}, not {e.verdict!r}")
        if not e.claims and not (e.basis and e.chapter):
            found.append(f"{e.id}: cites no claim, so it needs a basis and a chapter")
        for claim_id in e.claims:
            cited.add((claim_id, e.article))
            if claim_id not in registry:
                found.append(f"{e.id}: cites unregistered claim {claim_id!r}")
    for c in registry.values():
        if c.source in claims.ARTICLES and (c.id, c.source) not in cited:
            found.append(f"claim {c.id} comes from {c.source} but no ledger entry of that article cites it")
    return found


def verdict_counts() -> dict[str, int]:
    """How many statements got each verdict."""
    counts = Counter(e.verdict for e in entries())
    return {v: counts.get(v, 0) for v in claims.VERDICTS}


def render_html() -> str:
    """The ledger as HTML tables, one per article, each claim linked to the cell that checks it."""
    registry = claims.registry()
    parts = []
    for article, title in claims.ARTICLES.items():
        rows = []
        for e in (e for e in entries() if e.article == article):
            evidence = [
                f'<a href="{registry[c].chapter}.html#{claims.anchor(c)}"><code>{html.escape(c)}</code></a>'
                for c in e.claims
            ]
            if e.basis:
                evidence.append(f'{html.escape(e.basis)} (<a href="{e.chapter}.html">chapter</a>)')
            rows.append(
                f"<tr><td>{html.escape(e.says)}</td><td><strong>{e.verdict}</strong></td>"
                f"<td>{'<br>'.join(evidence)}</td></tr>"
            )
        parts.append(
            f'<h3 id="ledger-{article}">{html.escape(article)}: {html.escape(title)}</h3>'
            f'<table class="ledger"><thead><tr><th>the article says</th><th>verdict</th><th>checked by</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>"
        )
    return "\n".join(parts)


def show() -> None:
    """Display the ledger in a notebook, with a one-line summary that nbval compares."""
    from IPython.display import HTML, display

    counts = verdict_counts()
    print(f"{len(entries())} statements from {len(claims.ARTICLES)} articles: "
          + ", ".join(f"{n} {v}" for v, n in counts.items()))
    display(HTML(render_html()))
