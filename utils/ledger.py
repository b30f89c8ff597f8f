"""The claims ledger: the book's one home for verdicts on the five source articles.

``utils/ledger.toml`` describes each article (``[article.<id>]``) and lists every factual
statement it makes (``[[entry]]``): what it says, the verdict (reproduced, qualified or refuted),
the registered claims (``utils/claims.toml``) whose executed checks back the verdict, or, for a
verdict that rests on no measurement, its ``basis``; and the ``chapter`` whose verdict section
shows it. Chapters never state a verdict of their own: each renders its section with
:func:`show_chapter_verdicts`, and the ledger page renders every entry with :func:`show`. The tests
check the ledger against the registry (:func:`problems`) and the stored sections against both.
"""

from __future__ import annotations

import html
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from utils import claims

VERDICTS = ("reproduced", "qualified", "refuted")
LEDGER_PAGE = "claims_ledger"


@dataclass(frozen=True)
class Article:
    """One of the five source texts the book checks."""

    id: str
    title: str
    kind: str
    date: str
    summary: str


@dataclass(frozen=True)
class Entry:
    """One statement of a source article and the book's verdict on it."""

    id: str
    article: str
    says: str
    verdict: str
    reason: str
    chapter: str
    claims: tuple[str, ...] = field(default_factory=tuple)
    basis: str | None = None


def _load() -> dict:
    return tomllib.loads(resources.files("utils").joinpath("ledger.toml").read_text(encoding="utf-8"))


@cache
def articles() -> dict[str, Article]:
    """The source articles, keyed by id (``article-000`` …), in file order."""
    found = {}
    for article_id, raw in _load().get("article", {}).items():
        missing = {"title", "kind", "date", "summary"} - set(raw)
        unknown = set(raw) - {"title", "kind", "date", "summary"}
        if missing or unknown:
            raise ValueError(f"article {article_id!r}: missing {sorted(missing)}, unknown {sorted(unknown)}")
        found[article_id] = Article(article_id, **raw)
    return found


@cache
def entries() -> tuple[Entry, ...]:
    """All ledger entries, in file order."""
    loaded = []
    for raw in _load().get("entry", []):
        unknown = set(raw) - {"id", "article", "says", "verdict", "reason", "claims", "basis", "chapter"}
        missing = {"id", "article", "says", "verdict", "reason", "chapter"} - set(raw)
        if unknown or missing:
            raise ValueError(f"ledger entry {raw.get('id')!r}: unknown fields {sorted(unknown)}, missing {sorted(missing)}")
        loaded.append(Entry(**{**raw, "claims": tuple(raw.get("claims", ()))}))
    return tuple(loaded)


def chapter_entries(chapter: str) -> list[Entry]:
    """The entries whose verdict the chapter shows, in ledger order."""
    found = [e for e in entries() if e.chapter == chapter]
    if not found:
        raise KeyError(f"no ledger entry is shown in chapter {chapter!r}")
    return found


def problems() -> list[str]:
    """Every inconsistency within the ledger and between it and the claims registry (empty if none)."""
    registry = claims.registry()
    found, seen, cited = [], set(), set()
    for e in entries():
        if e.id in seen:
            found.append(f"{e.id}: id used twice")
        seen.add(e.id)
        if e.article not in articles():
            found.append(f"{e.id}: unknown article {e.article!r}")
        if e.verdict not in VERDICTS:
            found.append(f"{e.id}: verdict must be one of {VERDICTS}, not {e.verdict!r}")
        if not e.claims and not e.basis:
            found.append(f"{e.id}: cites no claim, so it needs a basis")
        for claim_id in e.claims:
            cited.add((claim_id, e.article))
            if claim_id not in registry:
                found.append(f"{e.id}: cites unregistered claim {claim_id!r}")
    for c in registry.values():
        if c.source.startswith("article-"):
            if c.source not in articles():
                found.append(f"claim {c.id}: unknown article {c.source!r}")
            elif (c.id, c.source) not in cited:
                found.append(f"claim {c.id} comes from {c.source} but no ledger entry of that article cites it")
    return found


def verdict_counts(selected: tuple[Entry, ...] | list[Entry] | None = None) -> dict[str, int]:
    """How many statements (all, or the ``selected`` ones) got each verdict."""
    counts = Counter(e.verdict for e in (entries() if selected is None else selected))
    return {v: counts.get(v, 0) for v in VERDICTS}


def _claim_link(claim_id: str, here: str | None) -> str:
    chapter = claims.get(claim_id).chapter
    page = "" if chapter == here else f"{chapter}.html"
    return f'<a class="claim-id" href="{page}#{claims.anchor(claim_id)}"><code>{html.escape(claim_id)}</code></a>'


def _rows(selected: list[Entry], here: str | None, article_column: bool) -> str:
    rows = []
    for e in selected:
        evidence = [_claim_link(c, here) for c in e.claims]
        if e.basis:
            evidence.append(html.escape(e.basis))
        article = articles()[e.article]
        source = (f'<td><a href="{"" if here == LEDGER_PAGE else LEDGER_PAGE + ".html"}#ledger-{e.article}">'
                  f"{html.escape(article.title)}</a></td>") if article_column else ""
        shown_in = "" if here != LEDGER_PAGE else f'<br>(<a href="{e.chapter}.html#verdicts">{e.chapter}</a>)'
        rows.append(f'<tr id="ledger-{html.escape(e.id)}">{source}<td>{html.escape(e.says)}</td>'
                    f'<td class="verdict verdict-{e.verdict}"><strong>{e.verdict}</strong>: {html.escape(e.reason)}</td>'
                    f"<td>{'<br>'.join(evidence)}{shown_in}</td></tr>")
    head = ("<th>source</th>" if article_column else "") + "<th>the article says</th><th>verdict</th><th>checked by</th>"
    return f'<table class="ledger"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def render_chapter_html(chapter: str) -> str:
    """A chapter's verdict section: its entries, each claim linked to the cell that checks it."""
    return '<span id="verdicts"></span>' + _rows(chapter_entries(chapter), here=chapter, article_column=True)


def _summary(selected) -> str:
    counts = verdict_counts(selected)
    return ", ".join(f"{n} {v}" for v, n in counts.items())


def show_chapter_verdicts(chapter: str) -> None:
    """Display a chapter's verdicts on the source articles, rendered from the ledger.

    Prints one stable line (compared by nbval) and shows the table as HTML.
    """
    from IPython.display import HTML, display

    selected = chapter_entries(chapter)
    print(f"Verdicts on {len(selected)} statements of the source articles (from the claims ledger): "
          + _summary(selected))
    display(HTML(render_chapter_html(chapter)))


def render_html() -> str:
    """The ledger page: each article described, then its statements with verdicts and evidence."""
    parts = []
    for article in articles().values():
        selected = [e for e in entries() if e.article == article.id]
        parts.append(
            f'<h3 id="ledger-{article.id}">{html.escape(article.title)}</h3>'
            f'<p class="article-description"><em>{html.escape(article.kind)}</em>, {html.escape(article.date)}. '
            f"{html.escape(article.summary)} ({len(selected)} statements: {_summary(selected)}.)</p>"
            + _rows(selected, here=LEDGER_PAGE, article_column=False)
        )
    return "\n".join(parts)


def show() -> None:
    """Display the whole ledger in a notebook, with a one-line summary that nbval compares."""
    from IPython.display import HTML, display

    print(f"{len(entries())} statements from {len(articles())} articles: {_summary(None)}")
    display(HTML(render_html()))
