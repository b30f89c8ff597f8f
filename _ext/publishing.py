"""The repository and launch buttons follow one setting, ``repository.url`` in ``_config.yml``.

Jupyter Book refuses ``use_repository_button`` without a URL, and launch buttons without one point
nowhere. So ``_config.yml`` names no button: when ``repository.url`` is set, this extension turns on
the repository and issues buttons and the Binder and Colab launch buttons; when it is empty (a local
copy), the book shows none.
"""

from __future__ import annotations

from typing import Any

BINDER = "https://mybinder.org"
COLAB = "https://colab.research.google.com"


def buttons_for(theme_options: dict[str, Any]) -> dict[str, Any]:
    """The theme options with the buttons that ``repository_url`` allows (a new dict)."""
    options = dict(theme_options)
    if options.get("repository_url"):
        options.setdefault("use_repository_button", True)
        options.setdefault("use_issues_button", True)
        options["launch_buttons"] = {"binderhub_url": BINDER, "colab_url": COLAB, "notebook_interface": "jupyterlab"}
    else:
        for button in ("use_repository_button", "use_issues_button", "use_edit_page_button", "use_source_button"):
            options[button] = False
        options["launch_buttons"] = {}
    return options


def _set_buttons(app: Any, config: Any) -> None:
    config.html_theme_options = buttons_for(config.html_theme_options or {})


def setup(app: Any) -> dict[str, Any]:
    app.connect("config-inited", _set_buttons)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
