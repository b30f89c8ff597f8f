"""Checked claims: how a chapter backs each sentence it states about a measurement.

Every claim is registered once in ``utils/claims.toml`` with a stable id, the chapter that checks it,
the sentence it states and its source (a seed article, a paper's BibTeX key, or ``book`` for the
book's own statements). A chapter checks it with::

    claims.check("ch01.zero-init-no-hidden-gradient", max_grad == 0.0, {"max |grad|": max_grad})

If the condition holds, one line is printed that is the same on every machine and for every seed
(``✔ <id> holds: <statement>``) and the measured values are shown in a table that nbval does not
compare. If it does not hold, :class:`ClaimFailed` is raised with the id and the measured values, so
the notebook, and the test that runs it, fail.
"""

from __future__ import annotations

import html
import json
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from utils import report

HOLDS_MARK = "✔"
FAILS_MARK = "✘"
# The seed sweep (``python3 tasks.py seeds``) sets these: every check is appended to the JSON-lines
# file named by LOG_VARIABLE, and with KEEP_GOING_VARIABLE set a failed claim is reported and
# execution continues, so that one run of a chapter shows every claim's verdict.
LOG_VARIABLE = "BOOK_CLAIMS_LOG"
KEEP_GOING_VARIABLE = "BOOK_CLAIMS_KEEP_GOING"


class ClaimFailed(AssertionError):
    """A registered claim did not hold for the values measured in this run."""


@dataclass(frozen=True)
class Claim:
    """One registered claim: what a chapter states and checks."""

    id: str
    chapter: str
    statement: str
    source: str

    def holds_line(self) -> str:
        """The line printed when the claim holds; identical on every machine and seed."""
        return f"{HOLDS_MARK} {self.id} holds: {self.statement}"


@cache
def registry() -> dict[str, Claim]:
    """Load every registered claim from ``utils/claims.toml``, keyed by id."""
    return parse_registry(resources.files("utils").joinpath("claims.toml").read_text(encoding="utf-8"))


def parse_registry(text: str) -> dict[str, Claim]:
    """Parse the registry's TOML text; refuse unknown or missing fields and repeated ids.

    A claim has no verdict field: verdicts on the source articles live only in the ledger.
    """
    claims: dict[str, Claim] = {}
    for entry in tomllib.loads(text).get("claim", []):
        unknown = set(entry) - {"id", "chapter", "statement", "source"}
        missing = {"id", "chapter", "statement", "source"} - set(entry)
        if unknown or missing:
            raise ValueError(f"claim {entry.get('id')!r}: unknown fields {sorted(unknown)}, missing {sorted(missing)}"
                             + (" (verdicts belong in utils/ledger.toml)" if "verdict" in unknown else ""))
        claim = Claim(**entry)
        if claim.id in claims:
            raise ValueError(f"claim id {claim.id!r} is registered twice")
        claims[claim.id] = claim
    return claims


def get(claim_id: str) -> Claim:
    """Return the registered claim ``claim_id``; raise ``KeyError`` naming it if there is none."""
    try:
        return registry()[claim_id]
    except KeyError:
        raise KeyError(
            f"claim {claim_id!r} is not registered in utils/claims.toml; register it first"
        ) from None


def chapter_claims(chapter: str) -> list[Claim]:
    """Return the claims a chapter checks, in registry order."""
    found = [c for c in registry().values() if c.chapter == chapter]
    if not found:
        raise KeyError(f"no claims are registered for chapter {chapter!r}")
    return found


def render_chapter_claims_html(chapter: str) -> str:
    """The chapter's claims as a numbered list, each id a link to the cell that checks it."""
    items = "".join(
        f'<li>{html.escape(c.statement)} <em>(claim <a class="claim-id" href="#{anchor(c.id)}">'
        f"<code>{html.escape(c.id)}</code></a>)</em></li>"
        for c in chapter_claims(chapter)
    )
    return f'<ol class="claims">{items}</ol>'


def show_chapter_claims(chapter: str) -> None:
    """Display the chapter's claims as a list (the chapter states them up front)."""
    from IPython.display import HTML, display

    display(HTML(render_chapter_claims_html(chapter)))


def check(claim_id: str, holds: bool, measured: Mapping[str, object] | None = None) -> None:
    """Check a registered claim against this run's measurements.

    Args:
        claim_id: the id under which the claim is registered.
        holds: whether the measured values satisfy the claim (a plain or numpy bool).
        measured: the values the verdict rests on, shown to the reader (not compared by nbval).

    Raises:
        KeyError: the claim is not registered.
        TypeError: ``holds`` is not a boolean (an array, say, whose truth is ambiguous).
        ClaimFailed: the claim does not hold.
    """
    claim = get(claim_id)
    if not isinstance(holds, (bool, np.bool_)):
        raise TypeError(f"holds must be a bool, got {type(holds).__name__} for claim {claim_id!r}")
    if measured is not None and not isinstance(measured, Mapping):
        raise TypeError("measured must be a mapping of names to values")
    values = ", ".join(f"{k} = {report.format_value(v)}" for k, v in (measured or {}).items())
    _log(claim_id, bool(holds), measured or {})
    if not holds:
        message = f"claim {claim_id!r} does not hold: {claim.statement}" + (f" Measured: {values}." if values else "")
        if os.environ.get(KEEP_GOING_VARIABLE):
            print(f"{FAILS_MARK} {message}")
            return
        raise ClaimFailed(message)
    print(claim.holds_line())
    report.show_values(
        measured or {}, caption="Measured values behind this check (this run)", anchor=anchor(claim_id), collapsed=True
    )


def anchor(claim_id: str) -> str:
    """The HTML id of the output of the cell that checks ``claim_id`` (the claims ledger links to it)."""
    return "claim-" + "".join(c if c.isalnum() or c == "-" else "-" for c in claim_id)


def _log(claim_id: str, held: bool, measured: Mapping[str, object]) -> None:
    """Append one check to the file named by ``$BOOK_CLAIMS_LOG``, if it is set."""
    path = os.environ.get(LOG_VARIABLE)
    if not path:
        return
    from utils import reproducibility

    record = {
        "id": claim_id,
        "held": held,
        "seed": reproducibility.book_seed(),
        "measured": {k: report.format_value(v) for k, v in measured.items()},
    }
    with open(path, "a", encoding="utf-8") as log:
        log.write(json.dumps(record, ensure_ascii=False) + "\n")
