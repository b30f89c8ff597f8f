"""Number equations, exercises and propositions per chapter: "Exercise 3.2", equation (4b.1).

The chapters number their sections by hand ("3.1", "4b.2"), so the table of contents is not
numbered, and Sphinx then counts every numbered object across the whole book ("Exercise 37").
After Sphinx assigns its numbers, this renumbers each document's objects of every kind from 1,
prefixed with the chapter's label taken from the file name ("04b_he_30_layers" → "4b").
Cross-references ({numref}, {eq}, {prf:ref}) read the same table, so they follow.
"""

from __future__ import annotations

import re

_CHAPTER = re.compile(r"(?:^|/)0*(\d+[a-z]?)_[^/]*$")


def chapter_label(docname: str) -> str | None:
    """The chapter label of a document ("chapters/04b_he_30_layers" → "4b"), or None."""
    match = _CHAPTER.search(docname)
    return match.group(1) if match else None


def renumber_per_chapter(app, env) -> list[str]:
    """Replace the book-wide numbers in ``env.toc_fignumbers`` with per-chapter ones."""
    for docname, kinds in env.toc_fignumbers.items():
        label = chapter_label(docname)
        for numbers in kinds.values():
            in_order = sorted(numbers, key=lambda target: numbers[target])
            for position, target in enumerate(in_order, start=1):
                numbers[target] = (label, position) if label else (position,)
    return []


def setup(app):
    # Sphinx's own numbering runs at the default priority (500) of this event; this runs after it.
    app.connect("env-get-updated", renumber_per_chapter, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
