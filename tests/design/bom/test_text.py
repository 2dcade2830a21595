"""ohw.design.bom.text: a BOM file's bytes as rows of located cells, whatever its layout."""

from __future__ import annotations

import csv

import pytest

from ohw.design.bom.text import RULE_ENCODING, RULE_UNREADABLE, clean_markdown, read_text
from ohw.storage.yaml.document import Location, ReadProblem


def cells(raw: bytes, suffix: str = ".csv") -> list[list[str]]:
    return [row.cells for row in read_text(raw, suffix).rows]


# --- encodings -----------------------------------------------------------------------


def test_utf8_with_and_without_byte_order_mark():
    for raw in (b"name,qty\nSchraube \xc3\x96,4\n", b"\xef\xbb\xbfname,qty\nSchraube \xc3\x96,4\n"):
        text = read_text(raw, ".csv")
        assert text.encoding == "utf-8" and text.problems == []
        assert text.rows[1].cells == ["Schraube Ö", "4"]


def test_latin1_from_excel_is_read_with_a_finding_at_the_first_byte():
    text = read_text(b"name,qty\nCap 100\xb5F,2\nR\xe9sistance,4\n", ".csv")
    assert text.encoding == "windows-1252"
    assert text.rows[1].cells == ["Cap 100µF", "2"]
    assert text.rows[2].cells == ["Résistance", "4"]
    assert [(p.rule, p.at) for p in text.problems] == [(RULE_ENCODING, Location(2, 8))]


def test_bytes_windows_1252_lacks_are_read_as_latin_1():
    text = read_text(b"name,qty\nA\x81B,1\n", ".csv")
    assert text.encoding == "latin-1"
    assert text.rows[1].cells == ["A\x81B", "1"]


def test_utf16_unicode_text_from_excel():
    raw = "Name\tQty\r\nSchraube Ö\t4\r\n".encode("utf-16")
    text = read_text(raw, ".txt")
    assert text.encoding == "utf-16" and text.layout == "tab-separated"
    assert text.rows[1].cells == ["Schraube Ö", "4"]
    assert [p.rule for p in text.problems] == [RULE_ENCODING]


def test_nul_characters_are_dropped_with_a_finding_where_the_first_was():
    text = read_text(b"name,qty\nscr\x00ew,4\nnut,2\x00\n", ".csv")
    assert [r.cells for r in text.rows] == [["name", "qty"], ["screw", "4"], ["nut", "2"]]
    assert [(p.rule, p.at) for p in text.problems] == [(RULE_ENCODING, Location(2, 4))]
    assert "2 NUL" in text.problems[0].message


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        (b"PK\x03\x04\x14\x00rest of a zip", "xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "xls"),
        (b"%PDF-1.7\n", "PDF"),
        (b"\x00\x01\x00\x02\xff\x00\x00\x00" * 10, "not text"),
        (b"", "empty"),
        (b"\n\n  \n", "empty"),
        (b"\xef\xbb\xbf", "empty"),
        (b"\xff\xfei\x00d\x00\x00\xd8", "UTF-16"),
    ],
)
def test_what_is_not_a_text_bom_is_refused(raw, says):
    with pytest.raises(ReadProblem) as refused:
        read_text(raw, ".csv")
    assert refused.value.rule == RULE_UNREADABLE
    assert says in refused.value.message
    assert refused.value.at == Location(1, 1)


# --- lines and separators ------------------------------------------------------------


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_lines_end_at_lf_crlf_or_cr_alone(end):
    raw = end.join(["name,qty", "screw,4", "nut,8", ""]).encode()
    text = read_text(raw, ".csv")
    assert [(r.line, r.cells) for r in text.rows] == [
        (1, ["name", "qty"]),
        (2, ["screw", "4"]),
        (3, ["nut", "8"]),
    ]


def test_a_quoted_cell_across_lines_with_cr_line_ends():
    text = read_text(b'name,qty,notes\r"a",1,"two\rlines"\rb,2,\r', ".csv")
    assert [r.cells for r in text.rows][1:] == [["a", "1", "two\nlines"], ["b", "2", ""]]
    assert text.rows[2].line == 4


@pytest.mark.parametrize(
    ("raw", "suffix", "layout"),
    [
        (b"name,qty\na,1\nb,2\n", ".csv", "comma-separated"),
        (b"name\tqty\na\t1\nb\t2\n", ".csv", "tab-separated"),  # a .csv that is really TSV
        (b"name;qty;price\na;1;1,5\nb;2;2,5\n", ".csv", "semicolon-separated"),
        (b'name,qty\n"a;b",1\n"c;d",2\n', ".tsv", "comma-separated"),
        (b"name\tqty\na\t1\n", ".txt", "tab-separated"),
        (b"Vitamins:\n  2 M3 nut\n  4 M3 screw\n", ".txt", "list of counts"),
        (b"| a | b |\n|---|---|\n| 1 | 2 |\n", ".txt", "Markdown tables"),
        (b"| a | b |\n|---|---|\n| 1 | 2 |\n", ".csv", "Markdown tables"),
    ],
)
def test_the_layout_is_found_from_the_text(raw, suffix, layout):
    assert read_text(raw, suffix).layout == layout


def test_a_cell_longer_than_pythons_csv_limit_is_read_whole():
    long = "x" * (csv.field_size_limit() + 10)
    text = read_text(f"name,qty,notes\nscrew,4,{long}\nnut,2,ok\n".encode(), ".csv")
    assert text.rows[1].cells[2] == long
    assert text.rows[2].cells == ["nut", "2", "ok"]


def test_cell_locations_after_quotes_inch_marks_and_line_breaks():
    raw = b'id,name,qty\na,"Screw, M3",4\nb,5" screen,2\nc,"two\nlines",3\n'
    rows = read_text(raw, ".csv").rows
    assert rows[1].starts == [Location(2, 1), Location(2, 3), Location(2, 15)]
    assert rows[2].starts == [Location(3, 1), Location(3, 3), Location(3, 13)]
    assert rows[3].starts == [Location(4, 1), Location(4, 3), Location(5, 8)]


# --- Markdown ------------------------------------------------------------------------


MARKDOWN = """\
# Bill of materials

Some words | with a bar, which is no table.

## 1. Printed parts

| Part | Qty | Link |
| :--- | :-: | ---- |
| **Bracket** | 2 | [STL](parts/bracket.stl) |
| `M3` nut \\| hex | 4 | <https://example.org/nut> |
| [Rail](https://example.org/rail) and [carriage](https://example.org/carriage) | 1 | |

```
| not | a | table |
|---|---|---|
```

**Electronics:**

Item | Qty
---|---
Fan | 1
"""


def test_markdown_tables_with_their_headings():
    text = read_text(MARKDOWN.encode(), ".md")
    assert text.layout == "Markdown tables"
    assert [(r.line, r.kind, r.cells) for r in text.rows] == [
        (1, "title", ["Bill of materials"]),
        (5, "heading", ["1. Printed parts"]),
        (7, "header", ["Part", "Qty", "Link"]),
        (9, "cells", ["Bracket", "2", "STL"]),
        (10, "cells", ["M3 nut | hex", "4", "https://example.org/nut"]),
        (11, "cells", ["Rail and carriage", "1", ""]),
        (18, "heading", ["Electronics"]),
        (20, "header", ["Item", "Qty"]),
        (22, "cells", ["Fan", "1"]),
    ]
    rows = {r.line: r for r in text.rows}
    assert rows[9].links == ((), (), ("parts/bracket.stl",))
    assert rows[10].links[2] == ("https://example.org/nut",)
    assert rows[11].links[0] == ("https://example.org/rail", "https://example.org/carriage")
    assert rows[9].starts == [Location(9, 3), Location(9, 17), Location(9, 21)]


@pytest.mark.parametrize(
    ("cell", "text"),
    [
        ("**Bold** and _em_", "Bold and em"),
        ("![photo](a.png) Fan", "photo Fan"),
        ("a<br>b<br/>c", "a b c"),
        ("&amp; &nbsp;x", "& x"),
        ("~~old~~ new", "old new"),
        ("M3_x_10", "M3_x_10"),
    ],
)
def test_markdown_cells_read_as_they_show(cell, text):
    assert clean_markdown(cell)[0] == text


# --- lists of counts -----------------------------------------------------------------


def test_openscad_bom_with_its_table_of_counts_per_assembly():
    raw = (
        b"Vitamins:\n"
        b"          E  \n"
        b" B  t  x  \n"
        b"  |  | 3|  |  7 Ball bearing 608 8mm x 22mm x 7mm\n"
        b" 2| 2| 33|  | 37 M3 cap screw x 16mm\n"
        b"\n"
        b"Printed:\n"
        b"  | 1|  |  |  1 x_carriage.stl\n"
    )
    text = read_text(raw, ".txt")
    assert text.layout == "list of counts"
    assert [(r.line, r.kind, r.cells) for r in text.rows] == [
        (1, "heading", ["Vitamins"]),
        (4, "list", ["7", "Ball bearing 608 8mm x 22mm x 7mm", "", ""]),
        (5, "list", ["37", "M3 cap screw x 16mm", "", ""]),
        (7, "heading", ["Printed"]),
        (8, "list", ["1", "x_carriage.stl", "", ""]),
    ]
    assert text.rows[1].starts[:2] == [Location(4, 15), Location(4, 17)]


def test_lists_in_markdown_and_text():
    raw = (
        b"## Hardware\n"
        b"- 4x M3x8 socket head screw\n"
        b"* 2 x M5 T-nut\n"
        b"+ M3 nut (x6)\n"
        b"- M4 washer x 8\n"
        b"1. 2x bracket.stl\n"
        b"- [ ] 1 pcs Raspberry Pi\n"
        b"1  @  KRV Switcher PCB\n"
        b"* [12x Threaded inserts](https://example.org/inserts) - Amazon - $3.50\n"
        b"* [XL pulley](https://example.org/pulley) - Amazon $9.75\n"
        b"- some glue, without a count\n"
        b"A paragraph, which is no entry.\n"
    )
    rows = [r for r in read_text(raw, ".md").rows if r.kind == "list"]
    assert [r.cells for r in rows] == [
        ["4x", "M3x8 socket head screw", "", ""],
        ["2 x", "M5 T-nut", "", ""],
        ["6", "M3 nut", "", ""],
        ["8", "M4 washer", "", ""],
        ["2x", "bracket.stl", "", ""],
        ["1 pcs", "Raspberry Pi", "", ""],
        ["1", "KRV Switcher PCB", "", ""],
        ["12x", "Threaded inserts", "$3.50", "Amazon"],
        ["", "XL pulley", "$9.75", "Amazon"],
        ["", "some glue, without a count", "", ""],
    ]
    assert rows[7].links[1] == ("https://example.org/inserts",)


def test_a_text_without_table_or_counts_is_refused():
    with pytest.raises(ReadProblem) as refused:
        read_text(b"Buy some screws and a few nuts.\nThanks!\n", ".md")
    assert refused.value.rule == RULE_UNREADABLE
