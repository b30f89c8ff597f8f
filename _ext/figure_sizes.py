"""Serve each chapter figure at the pixel size the reader's screen needs; a tap opens it whole.

The chapters save figures at twice the text column's pixels, sharp on high-resolution screens.
A phone, or an ordinary desktop screen, would download that image and shrink it to a quarter or a
half of its pixels. After the build this adds, for every such figure, a copy at half the pixels
and lets the browser choose (``srcset``), and wraps the figure in a link to the full image, so a
reader on a phone can open it and zoom. Pages are rewritten in place; running it twice changes
nothing more.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from PIL import Image

# A figure in a cell's output, as myst-nb writes it: <img alt=".." src="../_images/<hash>.png" style="width: Wpx; height: Hpx;" />
FIGURE = re.compile(
    r'<img (?P<before>[^>]*?)src="(?P<src>(?:\.\./)*_images/(?P<name>[0-9a-f]{16,})\.png)"'
    r'(?P<after>[^>]*?)style="width: (?P<width>\d+)px; height: (?P<height>\d+)px;"\s*/>'
)
HALF = "-half"  # the copy at half the pixels: <hash>-half.png


def half_size_copy(image: Path, shown: int) -> tuple[Path, int, int] | None:
    """For a figure saved at 2× (about twice the ``shown`` width in pixels): write
    ``<name>-half.png`` beside it (once) and return that file, its width and the full width;
    ``None`` for a figure saved at its displayed size, which has nothing to choose between."""
    with Image.open(image) as full:
        width, height = full.size
        if width < 1.5 * shown:
            return None
        target = image.with_name(image.stem + HALF + image.suffix)
        half = (round(width / 2), round(height / 2))
        if not target.exists():
            full.resize(half, Image.Resampling.LANCZOS).save(target, optimize=True)
    return target, half[0], width


def rewrite_page(page: str, images: Path) -> str:
    """The page with every 2× figure given a half-size ``srcset`` choice and a link to itself."""

    def responsive(match: re.Match[str]) -> str:
        full = images / f"{match['name']}.png"
        shown = int(match["width"])
        copy = half_size_copy(full, shown) if full.exists() else None
        if copy is None:
            return match[0]
        half, half_width, pixels = copy
        half_src = match["src"].rsplit("/", 1)[0] + "/" + half.name
        img = (
            f'<img {match["before"]}src="{match["src"]}"{match["after"]}'
            f'srcset="{half_src} {half_width}w, {match["src"]} {pixels}w" '
            f'sizes="(max-width: {shown}px) 100vw, {shown}px" '
            f'style="width: {shown}px;" />'  # the height follows the width (book.css)
        )
        return f'<a class="figure-full" href="{html.escape(match["src"])}" title="open the figure at full size">{img}</a>'

    return FIGURE.sub(responsive, page)


def _rewrite_pages(app: Any, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    images = out / "_images"
    for page in out.rglob("*.html"):
        if "_static" in page.parts:
            continue
        text = page.read_text(encoding="utf-8")
        new = rewrite_page(text, images)
        if new != text:
            page.write_text(new, encoding="utf-8")


def setup(app: Any) -> dict[str, Any]:
    app.connect("build-finished", _rewrite_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
