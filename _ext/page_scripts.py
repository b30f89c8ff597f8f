"""Each page loads each script once.

Jupyter Book's extensions register some inline scripts twice (sphinx-thebe's ``const THEBE_JS_URL``
and sphinx-togglebutton's selector), and a second ``const`` declaration is a script error in every
reader's console. This drops exact repeats from each page's script list, keeping the first.
"""

from __future__ import annotations

from typing import Any


def without_repeats(scripts: list[Any]) -> list[Any]:
    """The scripts in order, each (same file, same attributes and body) kept once."""
    seen: set[tuple[str, tuple[tuple[str, str], ...]]] = set()
    kept = []
    for script in scripts:
        attributes = getattr(script, "attributes", {}) or {}
        key = (
            str(getattr(script, "filename", script) or ""),  # inline: None or ""
            tuple(sorted((k, str(v)) for k, v in attributes.items())),
        )
        if key not in seen:
            seen.add(key)
            kept.append(script)
    return kept


def _drop_repeated_scripts(
    app: Any, pagename: str, templatename: str, context: dict, doctree: Any
) -> None:
    # In place: the list is the builder's own, to which later handlers (MathJax) still add.
    if isinstance(context.get("script_files"), list):
        context["script_files"][:] = without_repeats(context["script_files"])


def setup(app: Any) -> dict[str, Any]:
    # Early: the event stops at the first handler that returns a template name.
    app.connect("html-page-context", _drop_repeated_scripts, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
