import numpy as np
import pytest

from utils import report


@pytest.mark.parametrize(
    "value, text",
    [(3, "3"), (2.0, "2"), (0.123456, "0.1235"), (np.float32(1e-7), "1e-07"), (True, "True"),
     (np.bool_(False), "False"), ("abc", "abc"), (float("nan"), "nan")],
)
def test_format_value(value, text):
    assert report.format_value(value) == text


def test_table_html_escapes_and_orders_columns():
    html = report.table_html([{"a<b": 1, "c": "x&y"}], caption="cap")
    assert "<caption>cap</caption>" in html
    assert "a&lt;b" in html and "x&amp;y" in html
    assert html.index("a&lt;b") < html.index(">c<")


def test_table_text_aligns():
    text = report.table_text([{"name": "long name", "v": 1}, {"name": "s", "v": 22}])
    lines = text.splitlines()
    assert lines[0].startswith("name") and len({line.index(line.split()[-1]) for line in lines}) == 1


@pytest.mark.parametrize("rows", [[], {"a": 1}, [{"a": 1}, {"b": 2}], "text"])
def test_tables_reject_bad_rows(rows):
    with pytest.raises((ValueError, TypeError)):
        report.table_html(rows)


def test_show_table_prints_outside_notebooks(capsys):
    report.show_table([{"x": 1.5}], caption="c")
    assert "x" in capsys.readouterr().out


def test_show_values_rejects_empty():
    with pytest.raises(ValueError):
        report.show_values({})


def test_details_html_is_closed_and_anchored():
    page = report.details_html([{"quantity": "gain", "measured": 1.25}], "Measured values", anchor="claim-x")
    assert page.startswith('<details class="measured" id="claim-x"><summary>Measured values</summary>')
    assert "<td>1.25</td>" in page and " open" not in page


def test_collapsed_values_print_outside_notebooks(capsys):
    report.show_values({"gain": 1.25}, caption="c", collapsed=True)
    out = capsys.readouterr().out
    assert "gain" in out and "1.25" in out
