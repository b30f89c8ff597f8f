"""Showing measured numbers to the reader without making them part of what nbval compares.

Measured values differ from machine to machine and seed to seed. They are displayed as HTML tables:
the book renders them, while the test suite compares only text and stdout (``tests/conftest.py``
tells nbval to skip ``text/html``). Outside a notebook the same tables are printed as plain text.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from numbers import Number

import numpy as np


def format_value(value: object, digits: int = 4) -> str:
    """Format a number with ``digits`` significant digits; other values with ``str``."""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (Number, np.number)):
        number = float(value)
        if math.isnan(number) or math.isinf(number):
            return str(number)
        if float(number).is_integer() and abs(number) < 1e15:
            return str(int(number))
        return f"{number:.{digits}g}"
    return str(value)


def table_html(rows: Sequence[Mapping[str, object]], caption: str | None = None, anchor: str | None = None) -> str:
    """Return an HTML table of ``rows`` (dicts sharing the same keys, in column order)."""
    columns = _columns(rows)
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(format_value(r[c]))}</td>" for c in columns) + "</tr>"
        for r in rows
    )
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    ident = f' id="{html.escape(anchor)}"' if anchor else ""
    return f'<table class="measured"{ident}>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def table_text(rows: Sequence[Mapping[str, object]], caption: str | None = None) -> str:
    """Return the same table as aligned plain text."""
    columns = _columns(rows)
    cells = [[format_value(r[c]) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    lines = [caption] if caption else []
    lines.append("  ".join(c.ljust(w) for c, w in zip(columns, widths)))
    lines.extend("  ".join(v.ljust(w) for v, w in zip(row, widths)) for row in cells)
    return "\n".join(lines)


def _display_html(markup: str) -> bool:
    """Display ``markup`` as HTML if running in a notebook; return whether it was displayed."""
    try:
        from IPython import get_ipython
        from IPython.display import HTML, display
    except ImportError:  # pragma: no cover - IPython ships with the environment
        return False
    if get_ipython() is None:
        return False
    display(HTML(markup))
    return True


def show_table(rows: Sequence[Mapping[str, object]], caption: str | None = None, anchor: str | None = None) -> None:
    """Display measured values: an HTML table in a notebook, plain text elsewhere.

    ``anchor``, if given, becomes the HTML id of the table, so that other pages can link to it.
    """
    if not _display_html(table_html(rows, caption, anchor)):
        print(table_text(rows, caption))


def details_html(rows: Sequence[Mapping[str, object]], summary: str, anchor: str | None = None) -> str:
    """Return the table of ``rows`` inside a collapsed ``<details>`` element headed by ``summary``."""
    ident = f' id="{html.escape(anchor)}"' if anchor else ""
    return (f'<details class="measured"{ident}><summary>{html.escape(summary)}</summary>'
            f"{table_html(rows)}</details>")


def show_values(
    values: Mapping[str, object], caption: str | None = None, anchor: str | None = None, collapsed: bool = False
) -> None:
    """Display a mapping of measured quantities as a two-column table.

    ``collapsed=True`` puts the table in a closed ``<details>`` element whose summary is the
    caption: a claim check uses it, so that numbers a chapter has already shown in its own table
    are not shown a second time unless the reader opens them. An empty mapping is allowed only
    with an ``anchor`` (it then displays just the anchor).
    """
    if not isinstance(values, Mapping) or (not values and anchor is None):
        raise ValueError("values must be a non-empty mapping of names to measured values")
    if not values:
        _display_html(f'<span id="{html.escape(anchor)}"></span>')
        return
    rows = [{"quantity": k, "measured": v} for k, v in values.items()]
    if collapsed and _display_html(details_html(rows, caption or "Measured values", anchor)):
        return
    show_table(rows, caption, anchor)


def _columns(rows: Sequence[Mapping[str, object]]) -> list[str]:
    if isinstance(rows, Mapping) or not isinstance(rows, Sequence) or not rows:
        raise ValueError("rows must be a non-empty sequence of mappings")
    if not all(isinstance(r, Mapping) for r in rows):
        raise TypeError("every row must be a mapping of column names to values")
    columns = list(rows[0].keys())
    for i, r in enumerate(rows):
        if list(r.keys()) != columns:
            raise ValueError(f"row {i} has columns {list(r.keys())}, expected {columns}")
    return columns
