"""`ohw bom import`: a BOM table into bom.yaml, read back as the same items, never
over a file unless asked, with a report of what was read, made and left out."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.run import ohw_json, run_ohw

from ohw.design.bom.importing import bom_yaml
from ohw.design.bom.tables import read_bom_table
from ohw.design.reader import parse_file

KITSPACE = (
    "References\tQty\tDescription\tManufacturer\tMPN\tDigikey\tMouser\n"
    "C1,C2\t2\t100n 0603\tKemet\tC0603C104K5RACTU\t399-5089-1-ND\t80C0603C104K5R\n"
    "R1\t1\t10k 0603\tYageo\tRC0603FR-0710KL\t311-10.0KHRCT-ND\t\n"
)
MARKDOWN = (
    "# BOM\n\n## Hardware\n\n| Item | Qty | Notes |\n|---|---|---|\n"
    "| M3x10 screw | 8 | ISO 4762 |\n| 2020 extrusion | Varies | frame dependent |\n"
    "| **Total** | 8 | |\n"
)


def _yaml_of(text: str, name: str = "bom.csv") -> tuple[str, list]:
    table = read_bom_table(text.encode(), name)
    return bom_yaml(table, name), table.document.data["items"]


def test_the_bom_yaml_reads_back_as_the_items(tmp_path):
    written, items = _yaml_of(KITSPACE, "1-click-bom.tsv")
    read = parse_file("bom.yaml", "bom", written.encode())
    assert read.valid and read.problems == ()
    assert read.data == {"items": items}
    assert written.startswith("# Converted by `ohw bom import` from 1-click-bom.tsv")
    assert "  - id: c0603c104k5ractu\n    name: 100n 0603\n    quantity: 2\n" in written
    assert "    designators: [C1, C2]\n" in written


def test_rows_left_out_are_kept_as_comments_at_the_end():
    written, items = _yaml_of(MARKDOWN, "BOM.md")
    assert [i["name"] for i in items] == ["M3x10 screw"]
    tail = written.split("# Rows left out", 1)[1]
    assert "# BOM.md:8: 2020 extrusion: quantity 'Varies'" in tail
    assert "#   - name: 2020 extrusion\n#     quantity: Varies\n" in tail
    assert parse_file("bom.yaml", "bom", written.encode()).data == {"items": items}


@pytest.mark.parametrize(
    "source", ["bom.csv", "a\nitems: 1.csv", "b\rom.csv", "bom\x1f.csv", "bom\u2028.csv"]
)
@pytest.mark.parametrize("cell", ["many\x1b[2J", "many\x7f", "many\ufeff", "many\x85x"])
def test_comments_hold_no_line_break_nor_what_yaml_refuses(source, cell):
    """The file's name and a row left out are comments: what would end one, or
    that YAML refuses, is written as an escape."""
    table = read_bom_table(f"id,name,quantity\nm3,screw,{cell}\nm4,nut,1\n".encode(), source)
    written = bom_yaml(table, source)
    assert parse_file("bom.yaml", "bom", written.encode()).data == {
        "items": [{"id": "m4", "name": "nut", "quantity": 1}]
    }
    assert "# Rows left out" in written


TEXTS = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(st.lists(TEXTS, min_size=1, max_size=4))
def test_any_text_reads_back_as_written(words):
    from ohw.design.bom.importing import _items_yaml

    items = [
        {"id": f"i{n}", "name": word, "quantity": n + 1, "notes": word, "designators": [word]}
        for n, word in enumerate(words)
    ]
    text = _items_yaml(items)
    read = parse_file("bom.yaml", "bom", text.encode())
    assert read.data == {"items": items}, text


@pytest.mark.parametrize(
    "value",
    ["0603", "yes", "No", "null", "~", "1e3", "1_000", "12:30", "- x", "a: b", "#x", "x #y",
              "'q'", '"q"', " lead", "trail ", "[a]", "{a}", "*a", "&a", "!a", "%a", "@a", "`a",
              "a\nb", "a\n\nb ", "\tx", "\u2028", "\ufeffx", "0x1F", "0o17", ".5", "+1", "-"],
)  # fmt: skip
def test_texts_yaml_would_misread_are_quoted(value):
    from ohw.design.bom.importing import _items_yaml

    items = [{"id": "a", "name": value, "quantity": 1, "value": value}]
    assert parse_file("bom.yaml", "bom", _items_yaml(items).encode()).data == {"items": items}


def test_ohw_bom_import_writes_bom_yaml_and_reports(tmp_path):
    source = tmp_path / "1-click-bom.tsv"
    source.write_text(KITSPACE)
    done = run_ohw("bom", "import", source, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    written = (tmp_path / "bom.yaml").read_text()
    assert parse_file("bom.yaml", "bom", written.encode()).valid
    assert "written to bom.yaml: 2 items" in done.stdout
    assert "ids made for 2" in done.stdout
    assert "References → designators" in done.stdout
    assert "Digikey → Digi-Key part number" in done.stdout


def test_ohw_bom_import_refuses_to_overwrite_without_force(tmp_path):
    source = tmp_path / "BOM.md"
    source.write_text(MARKDOWN)
    (tmp_path / "bom.yaml").write_text("items: []\n")
    done = run_ohw("bom", "import", source, cwd=tmp_path)
    assert done.returncode == 2
    assert "bom.yaml exists" in done.stderr and "--force" in done.stderr
    assert (tmp_path / "bom.yaml").read_text() == "items: []\n"
    done = run_ohw("bom", "import", source, "--force", cwd=tmp_path)
    assert done.returncode == 0
    assert "M3x10 screw" in (tmp_path / "bom.yaml").read_text()
    assert "OHW414" in done.stdout
    assert "not items: section headings (line 1, 3)" in done.stdout
    assert "not items: totals (line 9)" in done.stdout


def test_ohw_bom_import_json_report(tmp_path):
    source = tmp_path / "BOM.md"
    source.write_text(MARKDOWN)
    report = ohw_json(
        "bom-import", "bom", "import", source, "-o", tmp_path / "out" / "b.yaml", "--json"
    )
    assert report["written"] is True
    assert report["layout"] == "Markdown tables"
    assert (report["items"], report["generated_ids"]) == (1, 1)
    assert {"header": "Qty", "read_as": "quantity"} in report["columns"]
    assert {"line": 8, "kind": "row", "text": "2020 extrusion: quantity 'Varies'"} in report[
        "left_out"
    ]
    assert [f["rule"] for f in report["findings"]] == ["OHW414"]
    assert (tmp_path / "out" / "b.yaml").is_file()


def test_an_unreadable_file_writes_nothing(tmp_path):
    source = tmp_path / "bom.csv"
    source.write_bytes(b"PK\x03\x04 a spreadsheet")
    done = run_ohw("bom", "import", source, "--json", cwd=tmp_path)
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert report["written"] is False
    assert report["findings"][0]["rule"] == "OHW413"
    assert not (tmp_path / "bom.yaml").exists()


def test_a_missing_source_is_a_usage_error(tmp_path):
    done = run_ohw("bom", "import", tmp_path / "nope.csv", cwd=tmp_path)
    assert done.returncode == 2
