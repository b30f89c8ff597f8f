"""Every figure a chapter stores is a retina PNG whose display width fits the text column."""

import base64
import json
import struct
from pathlib import Path

import pytest

CHAPTERS = Path(__file__).resolve().parent.parent / "chapters"
NOTEBOOKS = sorted(CHAPTERS.glob("*.ipynb"))


def stored_figures(path: Path) -> list[tuple[int, dict]]:
    """(pixel width, output metadata) of every PNG a notebook stores."""
    figures = []
    for cell in json.loads(path.read_text())["cells"]:
        for output in cell.get("outputs", []):
            png = output.get("data", {}).get("image/png")
            if png:
                width = struct.unpack(">I", base64.b64decode("".join(png))[16:20])[0]
                figures.append((width, output.get("metadata", {}).get("image/png", {})))
    return figures


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_figures_are_stored_at_twice_their_display_size(path):
    # plots.use_book_style turns on retina output: sharp on high-resolution screens, and the
    # displayed width (the metadata) is what the text column must hold
    for width, metadata in stored_figures(path):
        assert "width" in metadata, f"{path.name}: a figure without a display width"
        assert abs(2 * int(metadata["width"]) - width) <= 1, f"{path.name}: {width} px"
        assert int(metadata["width"]) <= 800, (
            f"{path.name}: {metadata['width']} px wide"
        )
