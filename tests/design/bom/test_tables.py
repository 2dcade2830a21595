"""ohw.design.bom.tables: BOM tables as people write them, read into the items of a
bom.yaml, every value located at its cell, every row that is not an item
recognised, and every row that cannot be read a finding at its line."""

from __future__ import annotations

import json
import time

import pytest
from support import CORPUS, TESTS

from ohw.design.bom.columns import Column, column_for
from ohw.design.bom.rows import (
    RULE_CELL,
    RULE_DESIGNATORS,
    RULE_NO_HEADER,
    RULE_NO_QUANTITY,
    RULE_NOT_NEEDED,
    RULE_RAGGED,
    RULE_ROW,
    RULE_UNKNOWN_COLUMN,
    RULE_UNREADABLE,
)
from ohw.design.bom.tables import TableBom, read_bom_csv, read_bom_table
from ohw.design.findings import RULES, Severity
from ohw.design.schemas import validate
from ohw.storage.yaml.document import Location, ReadProblem

TRUTH = TESTS / "data" / "bom-corpus-truth.json"


def read(text: str, path: str = "bom.csv") -> TableBom:
    return read_bom_table(text.encode(), path)


def items(text: str, path: str = "bom.csv") -> list[dict]:
    bom = read(text, path)
    assert bom.problems == []
    return bom.document.data["items"]


def problems(text: str, path: str = "bom.csv") -> list[tuple[str, Location | None]]:
    return [(p.rule, p.at) for p in read(text, path).problems]


def valid(bom: TableBom) -> list:
    data, violations = validate(bom.document, "bom", "the BOM")
    assert violations == []
    return data["items"]


# --- header names -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("id", Column("id")), ("ID", Column("id")), ("Name", Column("name")),
        ("Item", Column("name")), ("Part Name", Column("name")), ("Component", Column("name")),
        ("Description", Column("description")), ("Comment", Column("value")),
        ("Value", Column("value")), ("Specification", Column("value")),
        ("Footprint", Column("footprint")), ("Package", Column("footprint")),
        ("Quantity", Column("quantity")),
        ("QTY", Column("quantity")),
        ("  qty  ", Column("quantity")),
        ("Qnty", Column("quantity")), ("Total Qty", Column("quantity")),
        ("Quantity Per PCB", Column("quantity")), ("Quantity Needed", Column("quantity")),
        ("Order Qty.", Column("quantity")), ("UNITS", Column("units?")), ("Unit", Column("unit")),
        ("Manufacturer Part Number", Column("mpn")), ("manufacturer_part_number", Column("mpn")),
        ("Mfr. Part #", Column("mpn")), ("MPN", Column("mpn")), ("Mfr. No:", Column("mpn")),
        ("Manufacturer", Column("manufacturer")),
        ("Manufacturer 2", Column("manufacturer", alternative=1)),
        ("MPN 2", Column("mpn", alternative=1)),
        ("Part Number", Column("part-number?")), ("PartNumber", Column("part-number?")),
        ("References", Column("designators")), ("Designator", Column("designators")),
        ("Reference(s)", Column("designators")), ("Ref", Column("designators")),
        ("Note", Column("notes")), ("Optional", Column("optional")), ("DNP", Column("dnp")),
        ("Section", Column("category")), ("Part type (Electrical, Mechanical)", Column("category")),
        ("POS", Column("position")), ("Item #", Column("position")), ("No.", Column("number?")),
        ("Datasheet", Column("aside")), ("Device", Column("aside")), ("Parts", Column("parts?")),
        ("Supplier", Column("name", 0)),
        ("Source", Column("name", 0)),
        ("Vendor", Column("name", 0)),
        ("Where", Column("name", 0)),
        ("SKU", Column("part-number", 0)), ("Supplier Part Number", Column("part-number", 0)),
        ("supplier_part-number", Column("part-number", 0)),
        ("Order Code", Column("part-number", 0)),
        ("Link", Column("url", 0)), ("URL", Column("url", 0)), ("Product link", Column("url", 0)),
        ("Price", Column("price", 0)), ("Cost", Column("price", 0)),
        ("Unit Price", Column("unit-price", 0)), ("unit_price", Column("unit-price", 0)),
        ("unit  price", Column("unit-price", 0)), ("Price per Unit", Column("unit-price", 0)),
        ("Price / Item in USD", Column("unit-price", 0, currency="USD")),
        ("Price (USD)", Column("price", 0, currency="USD")),
        ("unit_price_usd", Column("unit-price", 0, currency="USD")),
        ("Cost (€)", Column("price", 0, currency="EUR")),
        ("Cost per unit (USD)", Column("unit-price", 0, currency="USD")),
        ("Unit Price [EUR]", Column("unit-price", 0, currency="EUR")),
        ("Price Total in USD", Column("total-price", 0, currency="USD")),
        ("Extended Price", Column("total-price", 0)),
        ("Ext.: (USD)", Column("total-price", 0, currency="USD")),
        ("Currency", Column("currency", 0)), ("Pack Size", Column("pack-size", 0)),
        ("Pkg Quantity", Column("pack-size", 0)),
        ("Supplier 2", Column("name", 1)), ("unit price 2", Column("unit-price", 1)),
        ("Unit_Price_3", Column("unit-price", 2)), ("price2", Column("price", 1)),
        ("sku 12", Column("part-number", 11)),
        ("Digikey", Column("part-number", None, "Digi-Key")),
        ("Digi-Key Part Number", Column("part-number", None, "Digi-Key")),
        ("Mouser", Column("part-number", None, "Mouser")),
        ("Mouser No:", Column("part-number", None, "Mouser")),
        ("RS", Column("part-number", None, "RS")),
        ("Newark", Column("part-number", None, "Newark")),
        ("Farnell", Column("part-number", None, "Farnell")),
        ("LCSC", Column("part-number", None, "LCSC")),
        ("LCSC Part #", Column("part-number", None, "LCSC")),
        ("JLCPCB Part #\uff08optional\uff09", Column("part-number", None, "LCSC")),
        ("Amazon link", Column("url", None, "Amazon")),
        ("Digikey price", Column("unit-price", None, "Digi-Key")),
    ],
)  # fmt: skip
def test_header_names_are_matched_loosely(header, column):
    assert column_for(header) == column


@pytest.mark.parametrize(
    "header",
    ["colour", "Image", "Bought as", "TOTAL Mass (g)", "Print Time (Min)", "", "price checked"],
)
def test_unknown_header_names(header):
    assert column_for(header) is None


# --- the common case ----------------------------------------------------------------


def test_a_bom_without_ids_is_read_and_its_ids_are_made():
    bom = read("Qty,Part,Notes\n4,M3x10 screw,ISO 4762\n2,M3 nut,\n")
    assert bom.problems == []
    assert valid(bom) == [
        {"id": "m3x10-screw", "name": "M3x10 screw", "quantity": 4, "notes": "ISO 4762"},
        {"id": "m3-nut", "name": "M3 nut", "quantity": 2},
    ]
    assert bom.generated == (0, 1)
    assert bom.document.locate(("items", 1, "quantity")) == Location(3, 1)
    assert bom.document.locate(("items", 1, "id")) == Location(3, 1)


@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_separator_is_detected(separator):
    text = separator.join(["id", "Name", "Qty", "Notes"]) + "\n"
    text += separator.join(["m3", "Screw", "4", "a note"]) + "\n"
    assert items(text) == [{"id": "m3", "name": "Screw", "quantity": 4, "notes": "a note"}]


def test_semicolon_files_have_decimal_commas():
    assert items("name;qty;unit\nwire;1,5;m\n") == [
        {"id": "wire", "name": "wire", "quantity": 1.5, "unit": "m"}
    ]


QUOTED = (
    "id,name,quantity,notes,supplier,unit price,currency\n"
    'm3,"Screw, M3",3,"line1\n'
    'line2",Shop,$4,usd\n'
    "m4,Nut,2,,Shop,0.1,EUR\n"
)


def test_quoted_cells_with_separators_and_line_breaks_are_read_whole():
    assert items(QUOTED) == [
        {
            "id": "m3",
            "name": "Screw, M3",
            "quantity": 3,
            "suppliers": [{"name": "Shop", "unit-price": 4, "currency": "USD"}],
            "notes": "line1\nline2",
        },
        {
            "id": "m4",
            "name": "Nut",
            "quantity": 2,
            "suppliers": [{"name": "Shop", "unit-price": 0.1, "currency": "EUR"}],
        },
    ]
    document = read(QUOTED).document
    assert document.locate(("items", 0, "quantity")) == Location(2, 16)
    assert document.locate(("items", 0, "suppliers", 0, "name")) == Location(3, 8)
    assert document.locate(("items", 0, "suppliers", 0, "unit-price")) == Location(3, 13)
    assert document.locate(("items", 1)) == Location(4, 1)


def test_utf8_byte_order_mark_and_crlf():
    bom = read_bom_csv(b"\xef\xbb\xbfid,name,quantity\r\nm3,Schraube \xc3\x96,4\r\nm4,Nut,2\r\n")
    assert bom.problems == []
    assert bom.document.data["items"][0]["name"] == "Schraube Ö"
    assert bom.document.locate(("items", 1, "quantity")) == Location(3, 8)


def test_inch_mark_inside_an_unquoted_cell_does_not_lose_the_cells_after_it():
    bom = read('id,name,quantity,notes\nd,5" screen,2,fragile\n')
    assert bom.document.data["items"] == [
        {"id": "d", "name": '5" screen', "quantity": 2, "notes": "fragile"}
    ]
    assert bom.document.locate(("items", 0, "quantity")) == Location(2, 13)


def test_unicode_line_separator_inside_a_cell_does_not_split_the_row():
    bom = read("id,name,quantity\na,b\u2028c,3\nd,e\x0cf,4\ng,h,5\n")
    assert [item["name"] for item in bom.document.data["items"]] == ["b\u2028c", "e\x0cf", "h"]
    assert bom.document.locate(("items", 2)) == Location(4, 1)


# --- rows that are not items ----------------------------------------------------------


def test_title_rows_above_the_header_sections_and_totals():
    text = (
        "My printer BOM,,,\n"
        "Version: 1.0,,,\n"
        ",,,\n"
        "Part,Qty,Price (USD),Link\n"
        "Frame,,,\n"
        "2020 extrusion 300mm,4,3.50,https://example.org/2020\n"
        "M5 T-nut,20,0.10,\n"
        "Optional extras,,,\n"
        "LED strip,1,5.00,\n"
        "Total,,21.00,\n"
        ",,21.00,\n"
    )
    bom = read(text)
    assert bom.problems == []
    assert valid(bom) == [
        {
            "id": "2020-extrusion-300mm",
            "name": "2020 extrusion 300mm",
            "quantity": 4,
            "category": "Frame",
            "suppliers": [
                {"url": "https://example.org/2020", "unit-price": 3.5, "currency": "USD"}
            ],
        },
        {
            "id": "m5-t-nut",
            "name": "M5 T-nut",
            "quantity": 20,
            "category": "Frame",
            "suppliers": [{"unit-price": 0.1, "currency": "USD"}],
        },
        {
            "id": "led-strip",
            "name": "LED strip",
            "quantity": 1,
            "category": "Optional extras",
            "suppliers": [{"unit-price": 5, "currency": "USD"}],
            "optional": True,
        },
    ]
    assert [(o.line, o.kind) for o in bom.left_out] == [
        (1, "preamble"),
        (2, "preamble"),
        (5, "section"),
        (8, "section"),
        (10, "total"),
        (11, "total"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    "total", ["Total", "TOTAL:", "Grand total", "Subtotal", "Sum", "**Total**"]
)
def test_total_rows_are_not_items(total):
    bom = read(f"Part,Qty,Cost (USD)\nScrew,4,1.00\n{total},,4.00\n")
    assert [item["name"] for item in bom.document.data["items"]] == ["Screw"]
    assert [o.kind for o in bom.left_out] == ["total"]


def test_an_item_named_like_a_total_with_a_part_number_is_an_item():
    names = [i["name"] for i in items("Part,Qty,MPN\nTotal Phase Aardvark adapter,1,TP240141\n")]
    assert names == ["Total Phase Aardvark adapter"]


def test_a_second_header_row_starts_another_table():
    text = "Part,Qty\nScrew,4\n\nPrinted part,Count,Material\nBracket,2,PETG\n"
    bom = read(text)
    assert [(i["name"], i["quantity"]) for i in bom.document.data["items"]] == [
        ("Screw", 4),
        ("Bracket", 2),
    ]
    assert bom.document.data["items"][1]["notes"] == "Material: PETG"
    assert [p.rule for p in bom.problems] == [RULE_UNKNOWN_COLUMN]
    assert bom.problems[0].at == Location(4, 20)


def test_kibom_trailer_rows_are_notes():
    text = (
        '"Component","Description","Part","References","Value","Footprint","Quantity Per PCB"\n'
        '"1","Unpolarized capacitor","C","C1 C2","100n","Capacitor_SMD:C_0603","2"\n'
        ",,,,,,\n"
        '"Component Count:","2"\n'
        '"BoM Date:","2020-01-01"\n'
    )
    bom = read(text)
    assert valid(bom) == [
        {
            "id": "100n-c-0603",
            "name": "100n (C_0603)",
            "description": "Unpolarized capacitor",
            "value": "100n",
            "footprint": "Capacitor_SMD:C_0603",
            "quantity": 2,
            "designators": ["C1", "C2"],
            "notes": "C",
        }
    ]
    assert [o.kind for o in bom.left_out] == ["note", "note"]


def test_empty_rows_are_skipped_and_later_rows_keep_their_lines():
    bom = read("id,name,quantity\n\na,Fan,1\n,,\n  ,  ,\nb,LED,2\n")
    assert [item["id"] for item in bom.document.data["items"]] == ["a", "b"]
    assert bom.document.locate(("items", 1, "quantity")) == Location(6, 7)


def test_header_only_is_an_empty_bom():
    bom = read("id,name,quantity\n")
    assert bom.document.data == {"items": []}
    assert bom.problems == []


# --- quantities ---------------------------------------------------------------------


def test_quantities_with_units_and_asides():
    bom = read(
        "Part,Qty\nLinear rail kit,1 set\nWire,1.5 m\nScrew,4 pcs\nNut,2x\n"
        "Filament,34.03 g\nSpare fuse,2 (+1 spare)\n"
    )
    assert [(i["quantity"], i.get("unit")) for i in bom.document.data["items"]] == [
        (1, "set"), (1.5, "m"), (4, None), (2, None), (34.03, "g"), (2, None),
    ]  # fmt: skip
    assert bom.document.data["items"][5]["notes"] == "quantity: 2 (+1 spare)"
    assert bom.problems == []


def test_a_quantity_that_cannot_be_read_leaves_the_row_out_and_says_where():
    bom = read("Part,Qty,Notes\nFrame extrusion,Varies,2020 or 3030\nScrew,4,\nNut,,M3\n")
    assert [i["name"] for i in bom.document.data["items"]] == ["Screw"]
    assert [(p.rule, p.at) for p in bom.problems] == [
        (RULE_ROW, Location(2, 17)),
        (RULE_ROW, Location(4, 5)),
    ]
    assert "'Varies' is not a number" in bom.problems[0].message
    assert "no quantity" in bom.problems[1].message
    assert RULES[RULE_ROW].severity is Severity.WARNING
    left = [o for o in bom.left_out if o.kind == "row"]
    assert left[0].item == {
        "name": "Frame extrusion",
        "quantity": "Varies",
        "notes": "2020 or 3030",
    }


def test_quantity_zero_is_not_needed():
    bom = read("Section,Item,Quantity\nNot required,Screws,0\nYou supply,Cable,1\n")
    assert [i["name"] for i in bom.document.data["items"]] == ["Cable"]
    assert [(p.rule, p.at) for p in bom.problems] == [(RULE_NOT_NEEDED, Location(2, 21))]
    assert RULES[RULE_NOT_NEEDED].severity is Severity.NOTE


def test_without_a_quantity_column_the_designators_count_or_one():
    bom = read(
        'Comment,Designator,Footprint,LCSC Part #\n100n,"C1,C2",0603,C14663\nUSB-C,J1,,C165948\n'
    )
    assert [i["quantity"] for i in bom.document.data["items"]] == [2, 1]
    assert bom.problems == []
    bom = read("Part,Link\nBracket,https://example.org/b\nLid,\n")
    assert [i["quantity"] for i in bom.document.data["items"]] == [1, 1]
    assert [(p.rule, p.at) for p in bom.problems] == [(RULE_NO_QUANTITY, Location(1, 1))]
    assert RULES[RULE_NO_QUANTITY].severity is Severity.WARNING


def test_a_quantity_cell_that_is_empty_counts_the_designators():
    assert [i["quantity"] for i in items("Ref,Qty,Value\nR1 R2 R3,,10k\n")] == [3]


# --- designators --------------------------------------------------------------------


def test_designators_split_with_ranges():
    bom = read('References,Qty,Value\n"R1, R2",2,10k\nC5+C9+C10,3,100n\nR24-31,8,1k\nC1-C6,6,1u\n')
    assert bom.problems == []
    assert [i["designators"] for i in bom.document.data["items"]] == [
        ["R1", "R2"],
        ["C5", "C9", "C10"],
        [f"R{n}" for n in range(24, 32)],
        [f"C{n}" for n in range(1, 7)],
    ]


def test_a_quantity_that_disagrees_with_its_designators_is_a_finding_at_the_quantity():
    bom = read("Ref,Qty,Value\nR1 R2,2,10k\nC1 C2,3,100n\nD1,1,LED\nU1,1,MCU\n")
    assert [(p.rule, p.at) for p in bom.problems] == [(RULE_DESIGNATORS, Location(3, 7))]
    assert "differs from its 2 designators" in bom.problems[0].message
    assert bom.document.data["items"][1]["quantity"] == 3  # as written


def test_designators_that_are_labels_are_one_finding_for_the_table():
    rows = "".join(f"Plate {n},A{n},4\n" for n in range(1, 6))
    bom = read(f"Part,Designators,Qty\n{rows}")
    assert [(p.rule, p.at) for p in bom.problems] == [(RULE_DESIGNATORS, Location(2, 9))]
    assert "5 of 5 rows" in bom.problems[0].message


def test_a_designator_cell_that_is_not_a_list_is_kept_in_notes():
    bom = read("Item,Quantity,Reference\nSwitch,1,U2 position\nBase,1,Part_0\n")
    assert bom.document.data["items"][0]["notes"] == "Reference: U2 position"
    assert bom.document.data["items"][1]["designators"] == ["Part_0"]
    assert [(p.rule, p.at) for p in bom.problems] == [(RULE_CELL, Location(2, 10))]


def test_a_reference_column_of_standards_and_paths_is_no_designators():
    bom = read(
        "POS\tNAME\tUNITS\tTYPE\tREFERENCE\n"
        "1\tthreaded rod M8\t2\tSTD\tDIN 795 M8 x 180\n"
        "2\tM8 Nuts\t4\tSTD\tISO 4032 M8\n"
        "3\tModule B\t1\tMOSH\thttps://example.org/module-b\n"
        "4\tClamp ring\t2\tPOSH\t/3DParts/ClampRing/okh.toml\n"
    )
    assert bom.problems == []
    assert valid(bom) == [
        {"id": "threaded-rod-m8", "name": "threaded rod M8", "quantity": 2, "category": "STD",
         "standard": "DIN 795 M8 x 180"},
        {"id": "m8-nuts", "name": "M8 Nuts", "quantity": 4, "category": "STD",
         "standard": "ISO 4032 M8"},
        {"id": "module-b", "name": "Module B", "quantity": 1, "category": "MOSH",
         "suppliers": [{"url": "https://example.org/module-b"}]},
        {"id": "clamp-ring", "name": "Clamp ring", "quantity": 2, "category": "POSH",
         "notes": "REFERENCE: /3DParts/ClampRing/okh.toml"},
    ]  # fmt: skip


# --- suppliers and prices -------------------------------------------------------------


def test_kitspace_one_click_bom():
    text = (
        "References\tQty\tManufacturer\tMPN\tManufacturer\tMPN\tDigikey\tMouser\tRS\tNewark\tFarnell\n"
        "C10,C11\t2\tSprague\t293D106X0010A2TE3\tVishay\t293D106X96R3A2TE3\t718-1118-1-ND\t"
        "74293D106X0010A2TE3\t5483719\t75M2895\t1754143\n"
        "C1-C3\t3\tKemet\tC0603C104K5RACTU\t\t\t399-5089-1-ND\t\t\t\t\n"
    )
    bom = read(text, "1-click-bom.tsv")
    assert bom.problems == []
    first, second = valid(bom)
    assert first == {
        "id": "293d106x0010a2te3",
        "name": "293D106X0010A2TE3",
        "quantity": 2,
        "manufacturer": "Sprague",
        "mpn": "293D106X0010A2TE3",
        "alternatives": [{"manufacturer": "Vishay", "mpn": "293D106X96R3A2TE3"}],
        "designators": ["C10", "C11"],
        "suppliers": [
            {"name": "Digi-Key", "part-number": "718-1118-1-ND"},
            {"name": "Mouser", "part-number": "74293D106X0010A2TE3"},
            {"name": "RS", "part-number": "5483719"},
            {"name": "Newark", "part-number": "75M2895"},
            {"name": "Farnell", "part-number": "1754143"},
        ],
    }
    assert second["designators"] == ["C1", "C2", "C3"]
    assert second["suppliers"] == [{"name": "Digi-Key", "part-number": "399-5089-1-ND"}]
    assert bom.document.locate(("items", 0, "suppliers", 2, "part-number")) == Location(2, 96)


def test_numbered_supplier_columns_make_further_suppliers():
    text = (
        "id,name,quantity,supplier,sku,unit price,currency,"
        "supplier 2,sku 2,unit price 2,currency 2,pack size 2\n"
        "m3,Screw,4,Shop A,A-1,0.05,EUR,Shop B,B-1,0.04,USD,100\n"
        "m4,Nut,2,,,,,Shop C,C-1,3,GBP,\n"
    )
    first, second = valid(read(text))
    assert first["suppliers"] == [
        {"name": "Shop A", "part-number": "A-1", "unit-price": 0.05, "currency": "EUR"},
        {"name": "Shop B", "part-number": "B-1", "unit-price": 0.04, "currency": "USD",
         "pack-size": 100},
    ]  # fmt: skip
    assert second["suppliers"] == [
        {"name": "Shop C", "part-number": "C-1", "unit-price": 3, "currency": "GBP"}
    ]
    assert read(text).document.locate(("items", 1, "suppliers", 0, "name")) == Location(3, 14)


def test_supplier_cells_as_people_fill_them():
    text = (
        "Item,Qty,Supplier / Part number\n"
        "Jack,1,LCSC C22355831\n"
        "Switch,1,Any MX switch. I used https://www.amazon.com/dp/B0GC33V4HK\n"
        "Board,1,JLCPCB (see ORDERING.md)\n"
        "Base,1,Build_Files/STL\n"
        "Rail,1,https://www.mcmaster.com/6709K21/\n"
        "Bearing,2,RS Components\n"
    )
    bom = read(text)
    assert bom.problems == []
    assert [(i.get("suppliers"), i.get("notes")) for i in valid(bom)] == [
        ([{"name": "LCSC", "part-number": "C22355831"}], None),
        ([{"name": "Amazon", "url": "https://www.amazon.com/dp/B0GC33V4HK"}],
         "Any MX switch. I used https://www.amazon.com/dp/B0GC33V4HK"),
        ([{"name": "JLCPCB"}], "JLCPCB (see ORDERING.md)"),
        (None, "Build_Files/STL"),
        ([{"name": "McMaster-Carr", "url": "https://www.mcmaster.com/6709K21/"}], None),
        ([{"name": "RS Components"}], None),
    ]  # fmt: skip


def test_prices_with_currency_in_the_cell_the_header_or_a_column():
    text = 'Part,Qty,Price (USD),Currency\nA,1,$12.50,\nB,1,"12,50 €",\nC,1,3.00,\nD,1,4.00,gbp\n'
    prices = [i["suppliers"][0] for i in valid(read(text))]
    assert prices == [
        {"unit-price": 12.5, "currency": "USD"},
        {"unit-price": 12.5, "currency": "EUR"},
        {"unit-price": 3, "currency": "USD"},
        {"unit-price": 4, "currency": "GBP"},
    ]


def test_prices_without_currency_are_kept_in_notes_with_one_finding():
    bom = read("Part,Qty,Price\nA,1,2.50\nB,2,0.10\n")
    assert [i.get("suppliers") for i in bom.document.data["items"]] == [None, None]
    assert [i["notes"] for i in bom.document.data["items"]] == ["Price: 2.50", "Price: 0.10"]
    assert [(p.rule, p.at) for p in bom.problems] == [(RULE_CELL, Location(1, 10))]


def test_a_price_that_is_not_one_is_kept_in_notes():
    bom = read("Part,Qty,Price (EUR)\nA,1,free\nB,1,¥20\nC,1,-3\n")
    assert [i["notes"] for i in bom.document.data["items"]] == [
        "Price (EUR): free",
        "Price (EUR): ¥20",
        "Price (EUR): -3",
    ]
    assert [(p.rule, p.at) for p in bom.problems] == [
        (RULE_CELL, Location(2, 5)),
        (RULE_CELL, Location(3, 5)),
        (RULE_CELL, Location(4, 5)),
    ]
    # each finding says which price, and what is wrong with it
    assert [p.message for p in bom.problems] == [
        "the price 'free' is not a price; it is kept in notes",
        "the price '¥20': '¥' stands for JPY or CNY: write the currency's code; it is kept in "
        "notes",
        "the price '-3' is negative; it is kept in notes",
    ]


def test_row_totals_give_the_unit_price():
    text = "Part,Quantity,Price / Item in USD,Price Total in USD\nA,2,29.99,59.98\nB,3,,10.00\n"
    prices = [i["suppliers"][0] for i in valid(read(text))]
    assert prices == [
        {"unit-price": 29.99, "currency": "USD"},
        {"unit-price": 3.3333, "currency": "USD"},
    ]


def test_a_cost_column_a_total_row_sums_is_row_totals():
    text = "Qty,Component,Cost\n12,Bearing,$42.53\n70,Magnet,$28.05\n,,\n,Total,$70.58\n"
    prices = [i["suppliers"][0]["unit-price"] for i in valid(read(text))]
    assert prices == [3.5442, 0.4007]
    text = "Qty,Component,Cost\n12,Bearing,$1.00\n70,Magnet,$0.10\n,Total,$19.00\n"
    prices = [i["suppliers"][0]["unit-price"] for i in valid(read(text))]
    assert prices == [1, 0.1]


def test_prices_of_a_cart_beside_one_distributor_are_that_distributors():
    text = "Mouser No:,Mfr. No:,Manufacturer:,Description:,Order Qty.,Price (USD)\n"
    text += "603-RC0603FR-0710KL,RC0603FR-0710KL,YAGEO,Resistor,10,0.1\n"
    (item,) = valid(read(text))
    assert item["suppliers"] == [
        {
            "name": "Mouser",
            "part-number": "603-RC0603FR-0710KL",
            "unit-price": 0.1,
            "currency": "USD",
        }
    ]
    assert item["mpn"] == "RC0603FR-0710KL" and item["manufacturer"] == "YAGEO"


def test_a_link_that_is_not_one_is_kept_in_notes():
    bom = read("Part,Qty,Link\nA,1,see the wiki\nB,1,www.example.org/b\n")
    first, second = bom.document.data["items"]
    assert first["notes"] == "see the wiki"
    assert second["suppliers"] == [{"url": "https://www.example.org/b"}]
    assert [(p.rule, p.at) for p in bom.problems] == [(RULE_CELL, Location(2, 5))]


# --- optional -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "value"),
    [("yes", True), ("Yes", True), ("y", True), ("x", True), ("X", True), ("true", True),
     ("1", True), ("no", False), ("N", False), ("false", False), ("0", False)],
)  # fmt: skip
def test_optional_yes_no_x(cell, value):
    (item,) = valid(read(f"id,name,quantity,optional\na,Fan,1,{cell}\n"))
    assert item["optional"] is value


def test_dnp_and_fitted_columns_make_items_optional():
    bom = read('"Reference","Value","Qty","DNP"\n"R1","10k","1","DNP"\n"R2","1k","1",""\n')
    assert [(i.get("optional"), i.get("notes")) for i in bom.document.data["items"]] == [
        (True, "not fitted (DNP)"),
        (None, None),
    ]
    bom = read("Ref,Qty,Value,Fitted\nR1,1,10k,no\nR2,1,1k,yes\n")
    assert [i.get("optional") for i in bom.document.data["items"]] == [True, None]


def test_a_word_that_is_neither_yes_nor_no_is_kept_in_notes():
    bom = read("id,name,quantity,optional\na,Fan,1,\nb,LED,2,maybe\n")
    assert "optional" not in bom.document.data["items"][0]
    assert bom.document.data["items"][1]["notes"] == "optional: maybe"
    assert [(p.rule, p.at) for p in bom.problems] == [(RULE_CELL, Location(3, 9))]


# --- ids ------------------------------------------------------------------------------


def test_ids_as_written_are_kept_and_a_malformed_one_is_replaced():
    bom = read("id,name,quantity\nm3x10,Screw,4\nM3 nut,Nut,2\n,Washer,2\n")
    assert [i["id"] for i in bom.document.data["items"]] == ["m3x10", "nut", "washer"]
    assert bom.generated == (1, 2)
    assert [(p.rule, p.at) for p in bom.problems] == [(RULE_CELL, Location(3, 1))]


def test_row_numbers_are_no_ids():
    bom = read("ID,Name,Designator,Quantity\n1,100nF,C1 C2,2\n2,10k,R1,1\n")
    assert [i["id"] for i in bom.document.data["items"]] == ["100nf", "10k"]


# --- columns ohw does not know, rows too long ------------------------------------------


def test_unknown_column_is_a_warning_and_its_cells_are_kept_in_notes():
    bom = read("id,name,quantity,Colour\na,Fan,1,red\n")
    assert [(p.rule, p.at) for p in bom.problems] == [(RULE_UNKNOWN_COLUMN, Location(1, 18))]
    assert "'Colour'" in bom.problems[0].message
    assert RULES[RULE_UNKNOWN_COLUMN].severity is Severity.WARNING
    assert bom.document.data["items"] == [
        {"id": "a", "name": "Fan", "quantity": 1, "notes": "Colour: red"}
    ]


def test_the_same_column_twice_keeps_the_first_and_notes_the_second():
    bom = read("id,name,qty,quantity\na,b,1,2\n")
    assert bom.document.data["items"] == [{"id": "a", "name": "b", "quantity": 1, "notes": "2"}]
    assert [(p.rule, p.at) for p in bom.problems] == [(RULE_UNKNOWN_COLUMN, Location(1, 13))]


def test_rows_too_long_are_left_out_and_short_rows_are_read():
    bom = read("id,name,quantity\na,Short\nb,Long,1,extra\nc,Padded,1,,\nd,Fine,2\n")
    assert [(p.rule, p.at) for p in bom.problems] == [
        (RULE_ROW, Location(2, 1)),
        (RULE_RAGGED, Location(3, 1)),
    ]
    assert RULES[RULE_RAGGED].severity is Severity.ERROR
    assert [item["id"] for item in bom.document.data["items"]] == ["c", "d"]


def test_a_row_separated_otherwise_is_read_with_a_finding():
    bom = read("name,qty,notes\nscrew,4,a\nnut;2;b\nwasher\t3\tc\n")
    assert [(i["name"], i["quantity"], i["notes"]) for i in bom.document.data["items"]] == [
        ("screw", 4, "a"),
        ("nut", 2, "b"),
        ("washer", 3, "c"),
    ]
    assert [(p.rule, p.at) for p in bom.problems] == [
        (RULE_CELL, Location(3, 1)),
        (RULE_CELL, Location(4, 1)),
    ]
    assert bom.document.locate(("items", 2, "quantity")) == Location(4, 8)


def test_a_row_that_names_nothing_is_left_out():
    bom = read("Part,Qty,Notes\n,4,what is it?\nScrew,2,\n")
    assert [i["name"] for i in bom.document.data["items"]] == ["Screw"]
    assert [(p.rule, p.at) for p in bom.problems] == [(RULE_ROW, Location(2, 1))]


# --- no header row ----------------------------------------------------------------------


def test_a_jlcpcb_export_without_its_header_row():
    text = '100n ,"C1,C2,C3",SMD-0603, C14663\n10k ,R1,0603,C25804\n"1N4148",D1,D_SOD-123,C81598\n'
    bom = read(text)
    assert [(p.rule, p.at) for p in bom.problems] == [(RULE_NO_HEADER, Location(1, 1))]
    assert "1 value, 2 designators, 3 footprint, 4 LCSC part number" in bom.problems[0].message
    assert valid(bom)[0] == {
        "id": "100n-smd-0603",
        "name": "100n (SMD-0603)",
        "value": "100n",
        "footprint": "SMD-0603",
        "quantity": 3,
        "designators": ["C1", "C2", "C3"],
        "suppliers": [{"name": "LCSC", "part-number": "C14663"}],
    }
    assert len(bom.document.data["items"]) == 3


def test_a_header_of_words_ohw_does_not_know_over_counts():
    bom = read("Teil,Stückzahl\nSchraube M3,4\nMutter M3,8\n")
    assert [(i["name"], i["quantity"]) for i in bom.document.data["items"]] == [
        ("Schraube M3", 4),
        ("Mutter M3", 8),
    ]
    assert [p.rule for p in bom.problems] == [RULE_NO_HEADER]
    assert [o.kind for o in bom.left_out] == ["header"]


def test_a_table_whose_columns_say_nothing_is_unreadable():
    with pytest.raises(ReadProblem) as refused:
        read("a,b\nc,d\n")
    assert refused.value.rule == RULE_UNREADABLE


@pytest.mark.parametrize(
    ("raw", "at"),
    [(b"", Location(1, 1)), (b"\n\n", Location(1, 1)), (b"\xef\xbb\xbf", Location(1, 1))],
)
def test_unreadable_files(raw, at):
    with pytest.raises(ReadProblem) as caught:
        read_bom_csv(raw)
    assert caught.value.rule == RULE_UNREADABLE
    assert caught.value.at == at


# --- Markdown, lists ----------------------------------------------------------------------


def test_markdown_tables_under_headings():
    text = (
        "# Bill of Materials\n\n"
        "## 1. Included with the kit\n\n"
        "| Item | Total Qty | Description |\n| :--- | :---: | :--- |\n"
        "| **LHS Milled Parts** | 1 set | Base Plate, Top Plate |\n"
        "| **[MGN12H Rail](https://example.org/rail)** | 1 | X axis |\n\n"
        "## 2. Printed Parts\n\n"
        "| Item | Total Qty | Description |\n| :--- | :---: | :--- |\n"
        "| **Retaining Clip** | 2 | Motor-side |\n"
        "| **Frame** | Varies | 2020 or 3030 |\n"
    )
    bom = read(text, "BOM.md")
    assert [(p.rule, p.at) for p in bom.problems] == [(RULE_ROW, Location(15, 15))]
    assert valid(bom) == [
        {"id": "lhs-milled-parts", "name": "LHS Milled Parts",
         "description": "Base Plate, Top Plate", "quantity": 1, "unit": "set",
         "category": "Included with the kit"},
        {"id": "mgn12h-rail", "name": "MGN12H Rail", "description": "X axis", "quantity": 1,
         "category": "Included with the kit", "suppliers": [{"url": "https://example.org/rail"}]},
        {"id": "retaining-clip", "name": "Retaining Clip", "description": "Motor-side",
         "quantity": 2, "category": "Printed Parts"},
    ]  # fmt: skip
    assert bom.document.locate(("items", 2, "quantity")) == Location(14, 24)


def _nopscadlib_parts_list() -> str:
    span = '<span style="writing-mode: vertical-rl;">{}</span>'

    def count(n: str) -> str:
        return f"&nbsp;&nbsp;{n}&nbsp;"

    return "\n".join(
        [
            "## Parts list",
            "| "
            + " | ".join(span.format(n) for n in ("Base", "Lid&nbsp;Part", "TOTALS"))
            + " |  |",
            "|---:|---:|---:|:---|",
            "|  |  | | **Vitamins** |",
            f"| {count('.')} | {count('4')} |  {count('4')} | &nbsp;&nbsp; Screw M3 cap x 10mm |",
            f"| {count('2')} | {count('1')} |  {count('3')} | &nbsp;&nbsp; Nut M3 |",
            f"| {count('2')} | {count('5')} |  {count('7')} | &nbsp;&nbsp;Total vitamins count |",
            "|  |  | | **3D printed parts** |",
            f"| {count('1')} | {count('.')} |  {count('1')} | &nbsp;&nbsp;base.stl |",
            "",
            "## Base Assembly",
            "### Vitamins",
            "|Qty|Description|",
            "|---:|:----------|",
            "|2| Nut M3 |",
            "",
        ]
    )


def test_nopscadlib_parts_list_is_the_whole_bom():
    bom = read(_nopscadlib_parts_list(), "readme.md")
    assert bom.problems == []
    assert [(i["name"], i["quantity"], i["category"]) for i in valid(bom)] == [
        ("Screw M3 cap x 10mm", 4, "Vitamins"),
        ("Nut M3", 3, "Vitamins"),
        ("base.stl", 1, "3D printed parts"),
    ]
    assert [o.kind for o in bom.left_out if o.kind in ("total", "table")] == ["total", "table"]


def test_a_list_of_counts_under_headings():
    text = "x_carriage_assembly:\nVitamins:\n  2 M3 cap screw x 16mm\n  3 LM8UU linear bearing\n\n"
    text += "Printed:\n  1 x_belt_clamp.stl\n\nSub-assemblies:\n  1 x_axis_assembly\n"
    bom = read(text, "x_carriage_assembly.txt")
    assert bom.problems == []
    assert [(i["name"], i["quantity"], i["category"]) for i in valid(bom)] == [
        ("M3 cap screw x 16mm", 2, "Vitamins"),
        ("LM8UU linear bearing", 3, "Vitamins"),
        ("x_belt_clamp.stl", 1, "Printed"),
    ]
    assert [o.kind for o in bom.left_out] == [
        "section",
        "section",
        "section",
        "section",
        "assembly",
    ]
    assert bom.document.locate(("items", 1, "quantity")) == Location(4, 3)


# --- hostile input ------------------------------------------------------------------------


def test_hostile_bytes_cost_no_row():
    long = "x" * 200_000
    raw = (
        b"name,qty,notes\r"  # CR line ends
        b"screw,4," + long.encode() + b"\r"
        b"n\x00ut,2,\xb5F\r"  # a NUL, and Latin-1
        b"washer;3;ok\r"  # another separator
    )
    bom = read_bom_csv(raw)
    assert [(i["name"], i["quantity"]) for i in bom.document.data["items"]] == [
        ("screw", 4), ("nut", 2), ("washer", 3),
    ]  # fmt: skip
    assert len(bom.document.data["items"][0]["notes"]) == 200_000
    assert bom.document.data["items"][1]["notes"] == "µF"
    assert sorted(p.rule for p in bom.problems) == ["OHW416", "OHW417", "OHW417"]


def test_a_bom_of_100000_rows_reads_in_reasonable_time():
    rows = ["Designator,Qty,Value,Footprint,Manufacturer,MPN,LCSC,Unit Price (USD)"]
    rows += [
        f"R{i},1,{i % 97}k,0603,Yageo,RC0603-{i},C{1000 + i},0.0{i % 10}" for i in range(100_000)
    ]
    started = time.process_time()
    bom = read("\n".join(rows) + "\n")
    spent = time.process_time() - started
    assert len(bom.document.data["items"]) == 100_000
    assert bom.problems == []
    assert spent < 60, spent  # about 10 s of one core here; ohw's YAML reader takes 5 s


# --- what is read always validates -----------------------------------------------------------


def test_a_table_bom_is_true_to_the_schema_whatever_its_cells():
    text = (
        "id,name,quantity,unit,optional,supplier,url,unit price,currency,pack size,designators\n"
        "!!,  ,0.5,m,perhaps,,not a url,-3,€€,0,R1 R2\n"
        "ok,Fan,2,,yes,Shop,https://example.org,1.5,EUR,10,\n"
    )
    bom = read(text)
    valid(bom)
    assert {p.rule for p in bom.problems} <= {RULE_CELL, RULE_ROW}


# --- real BOMs --------------------------------------------------------------------------------


def _corpus_boms() -> list:
    found = sorted(p for p in (CORPUS / "bom").glob("*") if p.is_file()) if CORPUS.is_dir() else []
    found += sorted(
        (CORPUS / "repos" / "nophead__Mendel90" / "files" / "dibond" / "bom").glob("*.txt")
    )
    if not found:  # no corpus: one case, skipped by the corpus marker with its reason
        return [pytest.param("absent", id="corpus-absent")]
    return [pytest.param(str(p.relative_to(CORPUS)), id=p.name) for p in found]


@pytest.mark.corpus
def test_corpus_has_boms(corpus):
    assert len([p for p in (corpus / "bom").iterdir() if p.is_file()]) >= 10


@pytest.mark.corpus
@pytest.mark.parametrize("name", _corpus_boms())
def test_real_boms_are_read_true_to_the_schema_with_located_findings(corpus, name):
    path = corpus / name
    bom = read_bom_table(path.read_bytes(), path.name)
    assert bom.document.data["items"] or bom.left_out  # machine_assembly.txt: assemblies only
    valid(bom)
    for problem in bom.problems:
        assert problem.rule in RULES
        assert problem.at is not None and problem.at.line >= 1 and problem.at.column >= 1


def corpus_score(corpus) -> dict[str, tuple[int, int, list[str]]]:
    """Per group of the corpus (bom/, repos/): the item rows read with the right
    quantity, unit, designators and supplier part numbers; the item rows; and
    what went wrong (misses, and items read from rows that are not items)."""
    truth = json.loads(TRUTH.read_text())
    scores: dict[str, tuple[int, int, list[str]]] = {}
    for name, rows in truth.items():
        path = corpus / name
        bom = read_bom_table(path.read_bytes(), path.name)
        read_items = dict(zip(bom.lines, bom.document.data["items"], strict=True))
        right, total, wrong = scores.get(name.split("/")[0], (0, 0, []))
        for line, quantity, unit, designators, part_numbers in rows:
            item = read_items.get(line)
            numbers = sorted(
                s["part-number"] for s in (item or {}).get("suppliers", []) if "part-number" in s
            )
            if (
                item is not None
                and quantity is not None
                and item["quantity"] == quantity
                and item.get("unit") == unit
                and item.get("designators", []) == designators
                and numbers == sorted(part_numbers)
            ):
                right += 1
            else:
                wrong.append(f"{name}:{line}")
        wrong += [
            f"{name}:{line} is no item" for line in read_items if line not in {r[0] for r in rows}
        ]
        scores[name.split("/")[0]] = (right, total + len(rows), wrong)
    return scores


@pytest.mark.corpus
def test_corpus_rows_are_read_with_the_right_quantity_designators_and_part_numbers(corpus, capsys):
    """The measure of issue 17: at least 95 % of the item rows of the corpus's
    BOMs read with the right quantity, designators and supplier part numbers,
    and no row that is not an item read as one. The expected values, row by
    row, are in tests/data/bom-corpus-truth.json (README there)."""
    scores = corpus_score(corpus)
    with capsys.disabled():
        for group, (right, total, wrong) in sorted(scores.items()):
            print(f"\n{group}: {right} of {total} item rows right ({right / total:.1%}); {wrong}")
    for _group, (right, total, wrong) in scores.items():
        assert right / total >= 0.95
        assert not [w for w in wrong if w.endswith("is no item")]
    bom_right, bom_total, _ = scores["bom"]
    assert (bom_right, bom_total) == (215, 217)


def test_eagle_and_kicad_exports():
    eagle = (
        '"Qty";"Value";"Device";"Package";"Parts";"Description";"MF";"MPN";\n'
        '"3";"100n";"C-EUC0805";"C0805";"C1, C2, C5";"CAPACITOR";"";"";\n'
        '"1";"ATMEGA328P-AU";"ATMEGA328P-AU";"TQFP32-08";"IC1";"MCU";"Microchip";"ATMEGA328P-AU";\n'
    )
    bom = read(eagle)
    assert bom.problems == []
    assert [(i["quantity"], i["designators"], i.get("mpn")) for i in valid(bom)] == [
        (3, ["C1", "C2", "C5"], None),
        (1, ["IC1"], "ATMEGA328P-AU"),
    ]
    grouped = (
        '"Item","Qty","Reference(s)","Value","LibPart","Footprint","Datasheet"\n'
        '"1","2","C1, C2","100n","Device:C","Capacitor_SMD:C_0603_1608Metric","~"\n'
    )
    bom = read(grouped)
    assert bom.problems == []
    assert valid(bom) == [
        {
            "id": "100n-c-0603-1608metric",
            "name": "100n (C_0603_1608Metric)",
            "value": "100n",
            "footprint": "Capacitor_SMD:C_0603_1608Metric",
            "quantity": 2,
            "designators": ["C1", "C2"],
            "notes": "LibPart: Device:C",
        }
    ]


def test_a_solidworks_bom_table():
    text = "ITEM NO.,PART NUMBER,DESCRIPTION,QTY.\n1,Unibody,Main Uni-body,2\n2,Lifter,,2\n"
    assert [(i["name"], i.get("description"), i["quantity"]) for i in items(text)] == [
        ("Unibody", "Main Uni-body", 2),
        ("Lifter", None, 2),
    ]


def test_a_currency_column_named_like_a_price_and_a_part_number_beside_a_manufacturer():
    text = (
        "Item #,Quantity,Manufacturer,Part #,Supplier,Supplier Part #,Price Each,Price Unit\n"
        "1,20,Entrelec,1SNA115541R1100,RS,454-693,2.924,GBP\n"
    )
    (item,) = items(text)
    assert item["mpn"] == "1SNA115541R1100"
    assert item["suppliers"] == [
        {"name": "RS", "part-number": "454-693", "unit-price": 2.924, "currency": "GBP"}
    ]
