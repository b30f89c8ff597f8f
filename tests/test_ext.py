"""The book's local Sphinx extensions: per-chapter numbers (_ext/chapter_numbers.py), scripts once (_ext/page_scripts.py)."""

import sys
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "_ext"))

from chapter_numbers import chapter_label, renumber_per_chapter


def test_chapter_label_from_the_file_name():
    assert chapter_label("chapters/01_symmetry") == "1"
    assert chapter_label("chapters/04b_he_30_layers") == "4b"
    assert chapter_label("chapters/10_more") == "10"
    assert chapter_label("chapters/claims_ledger") is None
    assert chapter_label("chapters/00_introduction") == "0"


def test_renumbering_counts_from_one_in_each_chapter_in_book_order():
    env = SimpleNamespace(
        toc_fignumbers={
            "chapters/03_glorot": {
                "exercise": {"b": (8,), "a": (7,)},
                "displaymath": {"e": (6,)},
            },
            "chapters/04b_he": {"exercise": {"c": (9,)}},
            "chapters/claims_ledger": {"table": {"t": (4,)}},
        }
    )
    renumber_per_chapter(None, env)
    assert env.toc_fignumbers["chapters/03_glorot"]["exercise"] == {
        "a": ("3", 1),
        "b": ("3", 2),
    }
    assert env.toc_fignumbers["chapters/03_glorot"]["displaymath"] == {"e": ("3", 1)}
    assert env.toc_fignumbers["chapters/04b_he"]["exercise"] == {"c": ("4b", 1)}
    assert env.toc_fignumbers["chapters/claims_ledger"]["table"] == {"t": (1,)}


def test_repeated_inline_scripts_are_dropped_once():
    from page_scripts import without_repeats

    from sphinx.builders.html._assets import _JavaScript

    thebe = 'const THEBE_JS_URL = "x"'
    scripts = [_JavaScript(None, body=thebe), _JavaScript("a.js"), _JavaScript("", body=thebe), _JavaScript("a.js")]
    kept = without_repeats(scripts)
    assert [(s.filename, s.attributes) for s in kept] == [(None, {"body": thebe}), ("a.js", {})]
    other = _JavaScript(None, body="let y = 1")
    assert without_repeats([*scripts, other])[-1] is other


def test_figures_get_a_half_size_choice_and_a_link(tmp_path):
    from PIL import Image

    from figure_sizes import rewrite_page

    images = tmp_path / "_images"
    images.mkdir()
    sharp, plain = "a" * 64, "b" * 64
    Image.new("RGB", (1520, 800), "white").save(images / f"{sharp}.png")  # saved at 2×
    Image.new("RGB", (700, 400), "white").save(images / f"{plain}.png")  # shown at its own size
    page = (
        f'<p><img alt="Figure: loss" src="../_images/{sharp}.png" style="width: 760px; height: 400px;" /></p>'
        f'<p><img alt="Figure: other" src="../_images/{plain}.png" style="width: 700px; height: 400px;" /></p>'
    )
    once = rewrite_page(page, images)
    assert f'srcset="../_images/{sharp}-half.png 760w, ../_images/{sharp}.png 1520w"' in once
    assert f'<a class="figure-full" href="../_images/{sharp}.png"' in once
    assert 'alt="Figure: loss"' in once and "height: 400px" not in once.split(plain)[0]
    with Image.open(images / f"{sharp}-half.png") as half:
        assert half.size == (760, 400)
    assert f'<img alt="Figure: other" src="../_images/{plain}.png" style="width: 700px; height: 400px;" />' in once
    assert not (images / f"{plain}-half.png").exists()
    assert rewrite_page(once, images) == once  # a second run changes nothing
