"""The HTML book builds from the stored outputs with every Sphinx warning an error, and what it
shows works offline."""

import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def html(tmp_path_factory):
    out = tmp_path_factory.mktemp("book")
    jupyter_book = shutil.which("jupyter-book", path=str(Path(sys.executable).parent))
    assert jupyter_book, "jupyter-book is not installed in the test environment"
    result = subprocess.run(
        [jupyter_book, "build", str(ROOT), "--path-output", str(out), "-W", "-n", "--keep-going"],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
    return out / "_build" / "html"


def test_book_builds_without_warnings(html):
    chapter = (html / "chapters" / "01_symmetry.html").read_text()
    assert "Interchangeable units stay interchangeable" in chapter  # the proposition rendered
    assert "dropdown" in chapter  # solutions are hidden by default
    assert (html / "chapters" / "bibliography.html").exists()


def test_mathjax_is_loaded_from_the_books_own_files(html):
    pages = [p for p in sorted(html.glob("chapters/*.html")) if 'class="math' in p.read_text()]
    assert len(pages) >= 5, "the chapters' equations were not found"
    for page in pages:
        sources = re.findall(r'<script[^>]*src="([^"]*mathjax[^"]*)"', page.read_text())
        assert sources, f"{page.name} has equations but loads no MathJax"
        for src in sources:
            assert not urlparse(src).scheme and not src.startswith("//"), f"{page.name} loads MathJax from {src}"
            local = urlparse(urljoin(page.relative_to(html).as_posix(), src)).path
            assert (html / local).is_file(), f"{page.name}: {local} is missing"
    assert (html / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2").is_dir()


def test_generated_tables_are_styled(html):
    css = (ROOT / "_static" / "book.css").read_text()
    assert "table.measured" in css and "table.ledger" in css
    assert 'class="measured"' in (html / "chapters" / "02_scale.html").read_text()
    assert 'class="ledger"' in (html / "chapters" / "claims_ledger.html").read_text()


def test_pages_forward_the_visible_menu_button(html):
    """The phone menu fix (_static/primary-toggle.js) is loaded wherever the theme draws two toggles."""
    for page in sorted(html.glob("chapters/*.html")):
        text = page.read_text()
        if text.count("primary-toggle") >= 2:
            assert "primary-toggle.js" in text, f"{page.name} lacks the menu fix"


def test_taught_code_is_shown_from_the_tested_source(html):
    # The functions a chapter teaches are included from utils/ (literalinclude), in a dropdown.
    for page, function in [("01_symmetry", "conv2d_backward"), ("01_symmetry", "finite_difference_check"),
                           ("02_scale", "signal_propagation"), ("03_glorot", "mean_field"),
                           ("07_deep_isometry", "__call__"), ("08_residual_selu", "output_moments"),
                           ("08b_batch_norm", "predicted_bn_variances"), ("09b_lsuv_defaults", "lsuv")]:
        text = (html / "chapters" / f"{page}.html").read_text()
        # Pygments marks a function name "nf", a dunder method such as __call__ "fm".
        assert re.search(f'<span class="(nf|fm)">{function}</span>', text), f"{page} does not show {function}"
        assert '<div class="dropdown admonition">' in text


def test_every_figure_has_alt_text_that_is_not_a_file_name(html):
    for page in sorted((html / "chapters").glob("*.html")):
        for alt in re.findall(r'<img\b[^>]*\balt="([^"]*)"', page.read_text()) + \
                [""] * len(re.findall(r'<img\b(?![^>]*\balt=)[^>]*>', page.read_text())):
            assert alt.strip() and not re.search(r"\.(png|svg|jpe?g)$", alt), f"{page.name}: image alt {alt!r}"


def test_exercises_equations_and_propositions_are_numbered_per_chapter(html):
    """_ext/chapter_numbers.py: "Exercise 4b.2" and "(3.1)" rather than one count across the book."""
    glorot = (html / "chapters" / "03_glorot.html").read_text()
    assert "Exercise 3.1" in glorot and 'class="eqno">(3.1)' in glorot
    assert "Proposition 3.1" in glorot
    assert "Exercise 4b.1" in (html / "chapters" / "04b_he_30_layers.html").read_text()
    # A reference to another chapter's proposition carries that chapter's number.
    assert "Proposition 1.1" in (html / "chapters" / "08b_batch_norm.html").read_text()
    for page in sorted(html.glob("chapters/*.html")):
        assert not re.search(r"(Exercise|Proposition) \d+<|eqno\">\(\d+\)", page.read_text()), page.name


def test_each_inline_script_appears_once(html):
    """A repeated `const THEBE_JS_URL` is a script error in the reader's console (_ext/page_scripts.py)."""
    for page in sorted(html.glob("chapters/*.html")):
        assert page.read_text().count("const THEBE_JS_URL") <= 1, page.name


def test_figures_offer_a_half_size_copy_and_open_whole(html):
    """Every figure saved at 2× has a half-size srcset choice (a phone or an ordinary screen takes
    it), no fixed height (it would distort the figure on a narrow screen), and a link to itself."""
    figures = 0
    for page in sorted((html / "chapters").glob("*.html")):
        for img in re.findall(r'<img\b[^>]*_images/[0-9a-f]{16,}[^>]*>', page.read_text()):
            figures += 1
            assert "srcset=" in img and "height:" not in img, f"{page.name}: {img[:160]}"
            half = re.search(r'srcset="([^" ]+) ', img).group(1)
            assert (page.parent / half).resolve().exists(), f"{page.name}: {half} missing"
        assert page.read_text().count('class="figure-full"') == len(
            re.findall(r'<img\b[^>]*srcset=', page.read_text())
        )
    assert figures > 30  # the book had 42 when this test was written
