"""Every chapter's numbered sections run 1, 2, 3, … without a gap, and every "section N.k" the
prose points to exists. A heading lost in an edit (it happened to section 2.7) leaves the
section's text under the previous heading and its cross-references dangling."""

import json
import re
from pathlib import Path

import pytest

CHAPTERS = Path(__file__).resolve().parent.parent / "chapters"
NOTEBOOKS = sorted(p for p in CHAPTERS.glob("[0-9]*.ipynb"))
HEADING = re.compile(r"^## (\d+[a-z]?)\.(\d+) ", re.MULTILINE)
# "section 2.7", "sections 2.3 and 2.4", "§3.5"; not a paper's "section 4.2.1"
REFERENCE = re.compile(r"(?:[Ss]ections?|§) ?(\d+[a-z]?\.\d+)(?![.\d])")


def markdown(path: Path) -> str:
    cells = json.loads(path.read_text())["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def numbered_sections(text: str) -> list[tuple[str, int]]:
    return [(chapter, int(k)) for chapter, k in HEADING.findall(text)]


def test_the_heading_pattern_sees_sections():
    assert numbered_sections("## 2.1 One\ntext\n## 2.3 Three\n") == [("2", 1), ("2", 3)]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_numbered_sections_have_no_gap(path):
    sections = numbered_sections(markdown(path))
    chapter = path.stem.split("_")[0].lstrip("0")
    assert all(c == chapter for c, _ in sections), f"{path.name}: {sections}"
    assert [k for _, k in sections] == list(range(1, len(sections) + 1)), (
        f"{path.name}: sections {[f'{c}.{k}' for c, k in sections]} are not 1, 2, 3, …"
    )


def test_every_section_reference_exists():
    existing = {
        f"{c}.{k}" for path in NOTEBOOKS for c, k in numbered_sections(markdown(path))
    }
    texts = {p.name: markdown(p) for p in NOTEBOOKS}
    texts.update({p.name: p.read_text() for p in CHAPTERS.glob("*.md")})
    dangling = [
        f"{name}: section {ref}"
        for name, text in texts.items()
        for ref in REFERENCE.findall(text)
        if ref not in existing
    ]
    assert not dangling, dangling


def _assignments(notebook: Path, names: str) -> str:
    """The right-hand side of the line ``names = …`` in a notebook's code, comments stripped."""
    for cell in json.loads(notebook.read_text())["cells"]:
        for line in "".join(cell["source"]).splitlines():
            if cell["cell_type"] == "code" and line.startswith(f"{names} = "):
                return line.split("=", 1)[1].split("#")[0].strip()
    raise AssertionError(f"{notebook.name} assigns no {names}")


def test_chapter_7c_trains_chapter_7b_network_the_same_way():
    # 7c's claim compares its ReLU run with 7b's tanh runs "trained the same way".
    for names in ("depth, channels, epochs, batch_size", "learning_rate, momentum, clipnorm"):
        assert _assignments(CHAPTERS / "07b_hundred_layers.ipynb", names) == _assignments(
            CHAPTERS / "07c_relu_hundred_layers.ipynb", names
        )
