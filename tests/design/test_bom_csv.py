"""ohw.design.bom: a CSV BOM converted cell by cell, located, and validated by the BOM schema."""

from __future__ import annotations

import pytest
from support import CORPUS

from ohw.design.bom_csv import (
    RULE_HEADER,
    RULE_RAGGED,
    RULE_UNKNOWN_COLUMN,
    RULE_UNREADABLE,
    Column,
    CsvBom,
    column_for,
    read_bom_csv,
)
from ohw.design.findings import RULES, Severity
from ohw.design.schemas import validate
from ohw.storage.yaml.document import Location, ReadProblem


def read(text: str) -> CsvBom:
    return read_bom_csv(text.encode())


def items(text: str) -> list[dict]:
    bom = read(text)
    assert bom.problems == []
    return bom.document.data["items"]


def checked(text: str):
    """The validated data and its violations, for a CSV that converts cleanly."""
    bom = read(text)
    assert bom.problems == []
    return validate(bom.document, "bom", "the BOM")


def problems(text: str) -> list[tuple[str, Location | None]]:
    return [(p.rule, p.at) for p in read(text).problems]


# --- header names -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "field", "supplier"),
    [
        ("id", "id", None),
        ("ID", "id", None),
        ("Name", "name", None),
        ("Quantity", "quantity", None),
        ("QTY", "quantity", None),
        ("  qty  ", "quantity", None),
        ("Unit", "unit", None),
        ("Manufacturer Part Number", "mpn", None),
        ("manufacturer_part_number", "mpn", None),
        ("Manufacturer-Part-Number", "mpn", None),
        ("MPN", "mpn", None),
        ("References", "designators", None),
        ("designators", "designators", None),
        ("Note", "notes", None),
        ("Optional", "optional", None),
        ("Supplier", "name", 0),
        ("SKU", "part-number", 0),
        ("Supplier Part Number", "part-number", 0),
        ("supplier_part-number", "part-number", 0),
        ("Link", "url", 0),
        ("URL", "url", 0),
        ("Price", "unit-price", 0),
        ("Unit Price", "unit-price", 0),
        ("unit_price", "unit-price", 0),
        ("Unit-Price", "unit-price", 0),
        ("unit  price", "unit-price", 0),
        ("Currency", "currency", 0),
        ("Pack Size", "pack-size", 0),
        ("Supplier 2", "name", 1),
        ("unit price 2", "unit-price", 1),
        ("Unit_Price_3", "unit-price", 2),
        ("price2", "unit-price", 1),
        ("sku 12", "part-number", 11),
    ],
)
def test_header_names_are_matched_loosely(header, field, supplier):
    assert column_for(header) == Column(field, supplier)


@pytest.mark.parametrize("header", ["colour", "value", "footprint", "quantity 2", "", "total"])
def test_unknown_header_names(header):
    assert column_for(header) is None


# --- separators, encoding, quoting ------------------------------------------------------


@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_separator_is_detected(separator):
    text = separator.join(["id", "Name", "Qty", "Notes"]) + "\n"
    text += separator.join(["m3", "Screw", "4", "a note"]) + "\n"
    assert items(text) == [{"id": "m3", "name": "Screw", "quantity": 4, "notes": "a note"}]


def test_utf8_byte_order_mark_and_crlf():
    bom = read_bom_csv(b"\xef\xbb\xbfid,name,quantity\r\nm3,Schraube \xc3\x96,4\r\nm4,Nut,2\r\n")
    assert bom.problems == []
    assert bom.document.data["items"] == [
        {"id": "m3", "name": "Schraube Ö", "quantity": 4},
        {"id": "m4", "name": "Nut", "quantity": 2},
    ]
    assert bom.document.locate(("items", 1, "quantity")) == Location(3, 8)


QUOTED = (
    "id,name,quantity,notes,supplier,unit price,currency\n"
    'm3,"Screw, M3",three,"line1\n'
    'line2",Shop,$4,usd\n'
    "m4,Nut,2,,Shop,0.1,EUR\n"
    "m5,Washer,x,,,,\n"
)


def test_quoted_cells_with_separators_and_line_breaks_are_read_whole():
    assert items(QUOTED) == [
        {
            "id": "m3",
            "name": "Screw, M3",
            "quantity": "three",
            "notes": "line1\nline2",
            "suppliers": [{"name": "Shop", "unit-price": "$4", "currency": "usd"}],
        },
        {
            "id": "m4",
            "name": "Nut",
            "quantity": 2,
            "suppliers": [{"name": "Shop", "unit-price": 0.1, "currency": "EUR"}],
        },
        {"id": "m5", "name": "Washer", "quantity": "x"},
    ]


def test_cell_locations_after_quoted_commas_and_line_breaks():
    document = read(QUOTED).document
    # the cell after the quoted "Screw, M3"
    assert document.locate(("items", 0, "quantity")) == Location(2, 16)
    # cells on the second line of a record that spans two
    assert document.locate(("items", 0, "suppliers", 0, "name")) == Location(3, 8)
    assert document.locate(("items", 0, "suppliers", 0, "unit-price")) == Location(3, 13)
    # the rows after the two-line record keep their own lines
    assert document.locate(("items", 1)) == Location(4, 1)
    assert document.locate(("items", 1, "quantity")) == Location(4, 8)
    assert document.locate(("items", 2, "quantity")) == Location(5, 11)


def test_validation_names_each_bad_cell_with_its_rule_and_place():
    data, violations = validate(read(QUOTED).document, "bom", "the BOM")
    found = [(v.rule, v.path, v.at) for v in violations]
    assert found == [
        ("OHW402", ("items", 0, "quantity"), Location(2, 16)),
        ("OHW404", ("items", 0, "suppliers", 0, "unit-price"), Location(3, 13)),
        ("OHW403", ("items", 0, "suppliers", 0, "currency"), Location(3, 16)),
        ("OHW402", ("items", 2, "quantity"), Location(5, 11)),
    ]
    assert "'three'" in violations[0].message
    assert data["items"][1]["quantity"] == 2


def test_doubled_quotes_inside_a_quoted_cell():
    text = 'id,name,quantity\nd,"Display 5"" wide, black",three\n'
    bom = read(text)
    assert bom.document.data["items"][0]["name"] == 'Display 5" wide, black'
    assert bom.document.locate(("items", 0, "quantity")) == Location(2, 29)


def test_inch_mark_inside_an_unquoted_cell_does_not_lose_the_cells_after_it():
    # '5" screen' is a normal unquoted cell (a quote only opens a quoted cell at
    # its start); the cells after it are still the row's.
    bom = read('id,name,quantity,notes\nd,5" screen,2,fragile\n')
    assert bom.problems == []
    assert bom.document.data["items"] == [
        {"id": "d", "name": '5" screen', "quantity": 2, "notes": "fragile"}
    ]
    assert bom.document.locate(("items", 0, "quantity")) == Location(2, 13)


def test_unicode_line_separator_inside_a_cell_does_not_split_the_row():
    # CSV records end at CR or LF only; U+2028 and form feeds are cell content.
    bom = read("id,name,quantity\na,b\u2028c,3\nd,e\x0cf,4\ng,h,5\n")
    assert bom.problems == []
    assert bom.document.data["items"] == [
        {"id": "a", "name": "b\u2028c", "quantity": 3},
        {"id": "d", "name": "e\x0cf", "quantity": 4},
        {"id": "g", "name": "h", "quantity": 5},
    ]
    assert bom.document.locate(("items", 2)) == Location(4, 1)


# --- suppliers, designators, optional, empty rows -------------------------------------


def test_numbered_supplier_columns_make_further_suppliers():
    text = (
        "id,name,quantity,supplier,sku,unit price,currency,"
        "supplier 2,sku 2,unit price 2,currency 2,pack size 2\n"
        "m3,Screw,4,Shop A,A-1,0.05,EUR,Shop B,B-1,0.04,USD,100\n"
        "m4,Nut,2,,,,,Shop C,C-1,3,GBP,\n"
    )
    data, violations = checked(text)
    assert violations == []
    assert data["items"][0]["suppliers"] == [
        {"name": "Shop A", "part-number": "A-1", "unit-price": 0.05, "currency": "EUR"},
        {
            "name": "Shop B",
            "part-number": "B-1",
            "unit-price": 0.04,
            "currency": "USD",
            "pack-size": 100,
        },
    ]
    # a row that fills only the second supplier's columns has it as its first
    assert data["items"][1]["suppliers"] == [
        {"name": "Shop C", "part-number": "C-1", "unit-price": 3, "currency": "GBP"}
    ]
    document = read(text).document
    assert document.locate(("items", 1, "suppliers", 0, "name")) == Location(3, 14)


@pytest.mark.parametrize(
    ("cell", "designators"),
    [
        ('"R1, R2, R3"', ["R1", "R2", "R3"]),
        ("R1 R2  R3", ["R1", "R2", "R3"]),
        ('"R1,R2 R3 , R4"', ["R1", "R2", "R3", "R4"]),
        ("C7", ["C7"]),
    ],
)
def test_designators_are_split_on_commas_and_spaces(cell, designators):
    data, violations = checked(f"id,name,quantity,references\nr,Resistor,4,{cell}\n")
    assert violations == []
    assert data["items"][0]["designators"] == designators


@pytest.mark.parametrize(
    ("cell", "value"),
    [("yes", True), ("Yes", True), ("y", True), ("x", True), ("X", True), ("true", True),
     ("1", True), ("no", False), ("N", False), ("false", False), ("0", False)],
)  # fmt: skip
def test_optional_yes_no_x(cell, value):
    data, violations = checked(f"id,name,quantity,optional\na,Fan,1,{cell}\n")
    assert violations == []
    assert data["items"][0]["optional"] is value


def test_empty_optional_cell_leaves_the_key_out_and_other_words_are_violations():
    data, violations = checked("id,name,quantity,optional\na,Fan,1,\nb,LED,2,maybe\n")
    assert "optional" not in data["items"][0]
    assert [(v.path, v.at) for v in violations] == [(("items", 1, "optional"), Location(3, 9))]


def test_empty_rows_are_skipped_and_later_rows_keep_their_lines():
    text = "id,name,quantity\n\na,Fan,1\n,,\n  ,  ,\nb,LED,two\n"
    bom = read(text)
    assert bom.problems == []
    assert [item["id"] for item in bom.document.data["items"]] == ["a", "b"]
    assert bom.document.locate(("items", 0)) == Location(3, 1)
    assert bom.document.locate(("items", 1, "quantity")) == Location(6, 7)


def test_header_only_is_an_empty_bom():
    data, violations = checked("id,name,quantity\n")
    assert data == {"items": []}
    assert violations == []


# --- header and row problems -----------------------------------------------------------


def test_missing_required_column():
    found = read("id,quantity,unit\na,1,pcs\n").problems
    assert [(p.rule, p.at) for p in found] == [(RULE_HEADER, Location(1, 1))]
    assert "'name'" in found[0].message


def test_every_missing_required_column_is_named():
    found = read("part,count\nx,1\n").problems
    header = [p for p in found if p.rule == RULE_HEADER]
    assert len(header) == 3
    assert all(p.at == Location(1, 1) for p in header)
    assert {"'id'", "'name'", "'quantity'"} == {
        word for p in header for word in ("'id'", "'name'", "'quantity'") if word in p.message
    }


def test_the_same_column_twice():
    found = read("id,name,qty,quantity\na,b,1,2\n").problems
    assert [(p.rule, p.at) for p in found] == [(RULE_HEADER, Location(1, 13))]
    assert "'qty'" in found[0].message
    assert "'quantity'" in found[0].message


def test_the_same_supplier_column_twice():
    found = read("id,name,quantity,price,unit price\na,b,1,2,3\n").problems
    assert [(p.rule, p.at) for p in found] == [(RULE_HEADER, Location(1, 24))]


def test_ragged_rows():
    text = "id,name,quantity\na,Short\nb,Long,1,extra\nc,Padded,1,,\nd,Fine,2\n"
    bom = read(text)
    assert [(p.rule, p.at) for p in bom.problems] == [
        (RULE_RAGGED, Location(2, 1)),
        (RULE_RAGGED, Location(3, 1)),
    ]
    # extra empty cells at the end of a row are fine
    assert [item["id"] for item in bom.document.data["items"]] == ["c", "d"]
    assert bom.document.locate(("items", 1)) == Location(5, 1)


def test_ragged_row_after_a_multi_line_cell():
    text = 'id,name,quantity,notes\na,Fan,1,"two\nlines"\nb,LED\n'
    assert problems(text) == [(RULE_RAGGED, Location(4, 1))]


def test_unknown_column_is_a_warning_and_its_cells_are_ignored():
    bom = read("id,name,quantity,Colour\na,Fan,1,red\n")
    assert [(p.rule, p.at) for p in bom.problems] == [(RULE_UNKNOWN_COLUMN, Location(1, 18))]
    assert "'Colour'" in bom.problems[0].message
    assert RULES[RULE_UNKNOWN_COLUMN].severity is Severity.WARNING
    assert bom.document.data["items"] == [{"id": "a", "name": "Fan", "quantity": 1}]


@pytest.mark.parametrize(
    ("raw", "at"),
    [
        (b"", Location(1, 1)),
        (b"\n\n", Location(1, 1)),
        (b"\xef\xbb\xbf", Location(1, 1)),
        (b"id,name,quantity\na,Stra\xdfe,1\n", Location(2, 7)),
        (b"\xff\xfei\x00d\x00", Location(1, 1)),
    ],
)
def test_unreadable_files(raw, at):
    with pytest.raises(ReadProblem) as caught:
        read_bom_csv(raw)
    assert caught.value.rule == RULE_UNREADABLE
    assert caught.value.at == at


def test_blank_rows_before_the_header_are_skipped():
    bom = read(";;\n\nid;name;qty\na;Fan;1,5\n")
    assert bom.problems == []
    assert bom.document.data["items"] == [{"id": "a", "name": "Fan", "quantity": 1.5}]
    assert bom.document.locate(("items", 0, "quantity")) == Location(4, 7)


def test_a_blank_row_then_a_header_without_the_required_columns():
    bom = read(",,\na,b,1\n")
    assert {p.rule for p in bom.problems} == {RULE_HEADER, RULE_UNKNOWN_COLUMN}
    assert all(p.at.line == 2 for p in bom.problems)


def test_supplier_1_is_the_first_supplier():
    bom = read("id,name,quantity,supplier 1,unit price 1,currency 1\na,Fan,1,Shop,2,EUR\n")
    assert bom.problems == []
    assert bom.document.data["items"][0]["suppliers"] == [
        {"name": "Shop", "unit-price": 2, "currency": "EUR"}
    ]


# --- values checked by the schema ------------------------------------------------------


def test_quantity_that_is_not_a_number():
    _, violations = checked("id,name,quantity\na,Fan,three\n")
    assert [(v.rule, v.path, v.at) for v in violations] == [
        ("OHW402", ("items", 0, "quantity"), Location(2, 7))
    ]


@pytest.mark.parametrize("cell", ["0", "-1"])
def test_quantity_must_be_positive(cell):
    _, violations = checked(f"id,name,quantity\na,Fan,{cell}\n")
    assert [(v.rule, v.at) for v in violations] == [("OHW402", Location(2, 7))]


def test_decimal_quantity_and_price():
    data, violations = checked(
        "id,name,quantity,unit,supplier,unit price,currency\nw,Wire,1.5,m,Shop,.25,EUR\n"
    )
    assert violations == []
    assert data["items"][0]["quantity"] == 1.5
    assert data["items"][0]["suppliers"][0]["unit-price"] == 0.25


def test_price_with_a_currency_sign():
    _, violations = checked("id,name,quantity,supplier,unit price,currency\na,Fan,1,Shop,$4,USD\n")
    assert [(v.rule, v.at) for v in violations] == [("OHW404", Location(2, 14))]


def test_currency_that_is_not_an_iso_code():
    _, violations = checked("id,name,quantity,supplier,unit price,currency\na,Fan,1,Shop,4,usd\n")
    assert [(v.rule, v.at) for v in violations] == [("OHW403", Location(2, 16))]


def test_price_without_currency():
    _, violations = checked("id,name,quantity,supplier,unit price\na,Fan,1,Shop,4\n")
    assert len(violations) == 1
    assert "currency" in violations[0].message
    assert violations[0].path == ("items", 0, "suppliers", 0)
    assert violations[0].at == Location(2, 14)


# --- real BOMs -------------------------------------------------------------------------


def _corpus_boms() -> list:
    found = sorted([*CORPUS.glob("bom/*.csv"), *CORPUS.glob("bom/*.tsv")])
    if not found:  # no corpus: one case, skipped by the corpus marker with its reason
        return [pytest.param("absent", id="corpus-absent")]
    return [pytest.param(path.name, id=path.name) for path in found]


@pytest.mark.corpus
def test_corpus_has_csv_boms(corpus):
    assert len([*corpus.glob("bom/*.csv"), *corpus.glob("bom/*.tsv")]) >= 10


@pytest.mark.corpus
@pytest.mark.parametrize("name", _corpus_boms())
def test_real_boms_read_or_are_refused_and_always_validate(corpus, name):
    raw = (corpus / "bom" / name).read_bytes()
    try:
        bom = read_bom_csv(raw)
    except ReadProblem as problem:
        assert problem.rule == RULE_UNREADABLE
        assert problem.at is not None
        return
    assert isinstance(bom, CsvBom)
    for problem in bom.problems:
        assert problem.rule in (RULE_HEADER, RULE_RAGGED, RULE_UNKNOWN_COLUMN)
        assert problem.at is not None
        assert problem.at.line >= 1
        assert problem.at.column >= 1
    data, violations = validate(bom.document, "bom", "the BOM")
    assert isinstance(data["items"], list)
    for violation in violations:
        assert violation.message
