"""The semantic merge of manifests and BOMs, file by file, without git."""

from __future__ import annotations

import json

import pytest
from support import EXAMPLES

from ohw.merge.files import merge_file
from ohw.merge.lines import Labels
from ohw.storage.yaml.read import load_yaml

BOM = (EXAMPLES / "desk-lamp" / "bom.yaml").read_text()
MANIFEST = (EXAMPLES / "spool-lamp" / "ohw.yaml").read_text()
CSV = (EXAMPLES / "spool-holder" / "bom.csv").read_text()


def merged(path: str, base: str, ours: str, theirs: str):
    return merge_file(path, base.encode(), ours.encode(), theirs.encode(), Labels())


def data(text: str | bytes):
    return load_yaml(text if isinstance(text, bytes) else text.encode()).data


def test_edits_to_different_items_merge_cleanly_and_keep_every_comment():
    ours = BOM.replace("quantity: 0.3", "quantity: 0.5", 1)
    theirs = BOM.replace("unit-price: 2.35", "unit-price: 2.55", 1)
    result = merged("bom.yaml", BOM, ours, theirs)
    assert result.clean and not result.conflicts
    expected = ours.replace("unit-price: 2.35", "unit-price: 2.55", 1)
    assert result.data.decode() == expected


def test_the_same_field_changed_both_ways_is_a_conflict_named_by_item_and_field():
    ours = BOM.replace("quantity: 0.3", "quantity: 0.5", 1)
    theirs = BOM.replace("quantity: 0.3", "quantity: 0.4", 1)
    result = merged("bom.yaml", BOM, ours, theirs)
    assert not result.clean
    assert [c.describe() for c in result.conflicts] == [
        "bom led-strip quantity: base 0.3, ours 0.5, theirs 0.4"
    ]
    text = result.data.decode()
    assert (
        "<<<<<<< ours\n    quantity: 0.5\n||||||| base\n    quantity: 0.3\n"
        "=======\n    quantity: 0.4\n>>>>>>> theirs\n"
    ) in text
    assert text.count("<<<<<<<") == 1


def test_the_same_change_on_both_sides_is_no_conflict():
    ours = BOM.replace("quantity: 0.3", "quantity: 0.5", 1)
    result = merged("bom.yaml", BOM, ours, ours)
    assert result.clean and result.data.decode() == ours


def test_item_order_does_not_matter():
    """Ours moves an item to the end; theirs edits it: the edit lands where ours put it."""
    items = data(BOM)["items"]
    moved = {"items": [*items[1:], items[0]]}
    ours = json.dumps(moved, indent=1)
    theirs = BOM.replace("quantity: 0.3", "quantity: 0.5", 1)
    result = merged("bom.yaml", BOM, ours, theirs)
    assert result.clean
    got = data(result.data)["items"]
    assert [i["id"] for i in got] == [i["id"] for i in moved["items"]]
    assert got[-1]["quantity"] == 0.5


def test_items_added_on_both_sides_and_one_removed():
    theirs_text = BOM.replace(
        "  - id: usb-cable\n",
        "  - id: m3x10\n    name: Screw M3x10\n    quantity: 4  # ISO 4762\n  - id: usb-cable\n",
    )
    ours_text = BOM.replace(
        "  - id: usb-cable\n",
        "  - id: glue\n    name: Superglue\n    quantity: 1\n  - id: usb-cable\n",
    )
    # ours also removes the optional switch
    start = ours_text.index("  - id: usb-switch")
    end = ours_text.index("  - id: heat-shrink")
    ours_text = ours_text[:start] + ours_text[end:]
    result = merged("bom.yaml", BOM, ours_text, theirs_text)
    assert result.clean
    text = result.data.decode()
    ids = [i["id"] for i in data(text)["items"]]
    assert ids[:4] == ["led-strip", "glue", "m3x10", "usb-cable"]
    assert "usb-switch" not in ids
    assert "quantity: 4  # ISO 4762\n" in text
    assert text.startswith("# Purchased items for one lamp.")


def test_deleted_on_one_side_and_changed_on_the_other_is_a_conflict():
    start = BOM.index("  - id: usb-switch")
    end = BOM.index("  - id: heat-shrink")
    ours = BOM[:start] + BOM[end:]
    theirs = BOM.replace("unit-price: 4.49", "unit-price: 3.99")
    result = merged("bom.yaml", BOM, ours, theirs)
    assert not result.clean
    (conflict,) = result.conflicts
    assert conflict.where == ("bom", "usb-switch")
    # said in words, not as the item's JSON
    assert conflict.describe() == (
        "bom usb-switch: ours deleted the item, theirs changed its "
        "suppliers Conrad Electronic unit-price 4.49 → 3.99"
    )
    # the other way round, with many fields changed: the first three, and how many more
    changed = theirs.replace(
        "quantity: 1\n    category: electronics\n    optional: true", "quantity: 2"
    ).replace("5 V 2 A", "5 V 3 A")
    (conflict,) = merged("bom.yaml", BOM, changed, ours).conflicts
    assert conflict.describe() == (
        "bom usb-switch: theirs deleted the item, ours changed its name "
        "Inline USB switch, USB-A plug to USB-A socket, 5 V 2 A → "
        "Inline USB switch, USB-A plug to USB-A socket, 5 V 3 A, quantity 1 → 2, "
        "suppliers Conrad Electronic unit-price 4.49 → 3.99, and 2 more"
    )


def test_manifest_fields_and_parts_merge_by_meaning():
    ours = MANIFEST.replace("version: 0.3.0", "version: 0.4.0").replace(
        "keywords: [lamp, led,", "keywords: [lamp, led, clamp,"
    )
    theirs = MANIFEST.replace("    material: PLA\n", "    material: PETG\n").replace(
        "work light, spool holder,", "work light, spool holder, usb,"
    )
    result = merged("ohw.yaml", MANIFEST, ours, theirs)
    assert result.clean
    got = data(result.data)
    assert got["version"] == "0.4.0"
    assert [p["material"] for p in got["parts"] if p["id"] == "arm"] == ["PETG"]
    assert "clamp" in got["keywords"] and "usb" in got["keywords"]
    # the flow list stays a flow list on one line
    assert "keywords: [lamp, led, clamp, " in result.data.decode()


def test_manifest_conflicts_speak_of_parts():
    ours = MANIFEST.replace("    material: PLA\n", "    material: PETG\n")
    theirs = MANIFEST.replace("    material: PLA\n", "    material: ABS\n")
    result = merged("ohw.yaml", MANIFEST, ours, theirs)
    assert [c.describe() for c in result.conflicts] == [
        "part arm material: base PLA, ours PETG, theirs ABS"
    ]


def test_flow_style_suppliers_merge_inside_their_braces():
    ours = MANIFEST.replace(
        "{name: Modulor, unit-price: 1.80, currency: EUR}",
        "{name: Modulor, unit-price: 1.95, currency: EUR}",
    )
    theirs = MANIFEST.replace(
        "{name: Modulor, unit-price: 1.80, currency: EUR}",
        "{name: Modulor, unit-price: 1.80, currency: EUR, pack-size: 5}",
    )
    result = merged("ohw.yaml", MANIFEST, ours, theirs)
    assert result.clean
    assert "{name: Modulor, unit-price: 1.95, currency: EUR, pack-size: 5}" in result.data.decode()


def test_csv_rows_merge_by_id_and_untouched_rows_keep_their_text():
    ours = CSV.replace(
        'm8-nyloc,"Nylon insert lock nut M8, zinc plated",1,',
        'm8-nyloc,"Nylon insert lock nut M8, zinc plated",2,',
    )
    theirs = CSV.replace(",Hornbach,,0.12,EUR,50,", ",Hornbach,,0.15,EUR,50,")
    result = merged("bom.csv", CSV, ours, theirs)
    assert result.clean
    expected = ours.replace(",Hornbach,,0.12,EUR,50,", ",Hornbach,,0.15,EUR,50,")
    assert result.data.decode() == expected


@pytest.mark.parametrize("inside", ["\x0c", "\x0b", "\x1c", "\x1e", "\x85", "\u2028", "\u2029"])
@pytest.mark.parametrize("line_end", ["\n", "\r\n", "\r"])
def test_csv_rows_end_where_the_bom_reader_ends_them(inside, line_end):
    """Lines end at LF, CR LF or CR only: a cell holding a form feed, NEL or
    U+2028 (line breaks to str.splitlines) is one cell, and CR-only files stay so."""
    base = line_end.join(["id,name,quantity", f"m3,scr{inside}ew,4", "m4,nut,2", ""])
    ours = base.replace("nut,2", "nut,3")
    theirs = base.replace("m3,", "m3x8,")
    result = merged("bom.csv", base, ours, theirs)
    assert result.clean and not result.fallback
    assert result.data.decode() == ours.replace("m3,", "m3x8,")


def test_csv_conflict_names_the_cell():
    ours = CSV.replace(
        'm8x130,"Hex head bolt M8x130, partly threaded, zinc plated",1,',
        'm8x130,"Hex head bolt M8x130, partly threaded, zinc plated",2,',
    )
    theirs = CSV.replace(
        'm8x130,"Hex head bolt M8x130, partly threaded, zinc plated",1,',
        'm8x130,"Hex head bolt M8x130, partly threaded, zinc plated",3,',
    )
    result = merged("bom.csv", CSV, ours, theirs)
    assert [c.describe() for c in result.conflicts] == [
        "bom m8x130 quantity: base 1, ours 2, theirs 3"
    ]
    text = result.data.decode()
    assert text.count("<<<<<<< ours\n") == 1 and ">>>>>>> theirs\n" in text


def test_csv_column_added_by_theirs_is_kept():
    theirs_lines = CSV.splitlines(keepends=True)
    theirs = "".join(
        line.rstrip("\n") + (",designators\n" if i == 0 else ",\n")
        for i, line in enumerate(theirs_lines)
    )
    ours = CSV.replace(",Hornbach,,0.12,EUR,50,", ",Hornbach,,0.15,EUR,50,")
    result = merged("bom.csv", CSV, ours, theirs)
    assert result.clean
    header = result.data.decode().splitlines()[0]
    assert header.endswith(",designators")
    assert ",0.15,EUR,50," in result.data.decode()


def test_unreadable_side_is_merged_line_by_line_and_says_why():
    theirs = BOM + "  - id: [unclosed\n"
    ours = BOM.replace("quantity: 0.3", "quantity: 0.5", 1)
    result = merged("bom.yaml", BOM, ours, theirs)
    assert result.fallback.startswith("a side cannot be read: ")
    assert result.clean
    assert result.data.decode() == ours + "  - id: [unclosed\n"


@pytest.mark.parametrize("path", ["ohw.yaml", "bom.yaml"])
def test_a_file_both_sides_added_merges_from_nothing(path):
    ours = "items:\n  - id: a\n    name: A\n    quantity: 1\n"
    theirs = "items:\n  - id: b\n    name: B\n    quantity: 2\n"
    result = merge_file(path, None, ours.encode(), theirs.encode(), Labels())
    assert result.clean
    assert [i["id"] for i in data(result.data)["items"]] == ["a", "b"]


@pytest.mark.parametrize("line_end", ["\r\n", "\r"])
@pytest.mark.parametrize("aliased", [False, True])
def test_edit_yaml_ends_the_lines_it_writes_as_the_file_does(line_end: str, aliased: bool):
    from ohw.merge.files import edit_yaml

    lines = ["# my manifest", "name: lamp", "parts:", "  - id: base", "    quantity: 1", ""]
    if aliased:  # written anew as a whole
        lines[3:3] = ["  - &foot {id: foot, quantity: 1}", "  - *foot"]
    text = line_end.join(lines)
    data = load_yaml(text.encode()).data
    data["parts"].append({"id": "arm", "quantity": 2})
    data["lineage"] = [{"relation": "fork", "design": "lamp", "title": "a\nb"}]
    edited = edit_yaml(text, data)
    assert edited.replace(line_end, "").count("\n") + edited.replace(line_end, "").count("\r") == 0
    assert edited.endswith(line_end)
    assert load_yaml(edited.encode()).data == data


def test_edit_yaml_rewrites_only_what_changes():
    from ohw.merge.files import edit_yaml

    text = (
        "# my manifest\n"
        "name: lamp   # the slug\n"
        "title: 'Lamp'\n"
        "keywords: [a, b]\n"
        "parts:\n"
        "  - id: base  # the foot\n"
        "    quantity: 1\n"
        "old: gone\n"
    )
    data = load_yaml(text.encode()).data
    data["name"] = "my-lamp"
    data["parts"].append({"id": "arm", "quantity": 2})
    del data["old"]
    data["lineage"] = [{"relation": "fork", "design": "lamp"}]
    edited = edit_yaml(text, data)
    assert edited == (
        "# my manifest\n"
        "name: my-lamp\n"  # a value replaced takes its comment with it
        "title: 'Lamp'\n"
        "keywords: [a, b]\n"
        "parts:\n"
        "  - id: base  # the foot\n"
        "    quantity: 1\n"
        "  - id: arm\n"
        "    quantity: 2\n"
        "lineage:\n"
        "  - relation: fork\n"
        "    design: lamp\n"
    )
    assert load_yaml(edited.encode()).data == data


KITSPACE = (
    "References\tQty\tManufacturer\tMPN\tManufacturer\tMPN\tDigikey\tMouser\n"
    "C1-C6\t6\tKemet\tC0603C104K5RACTU\t\t\t399-5089-1-ND\t80C0603C104K5R\n"
    "C7,C8,C9\t3\tKemet\tC0603C105Z8VACTU\t\t\t399-3216-1-ND\t80C0603C105Z8V\n"
    "C10,C11\t2\tSprague\t293D106X0010A2TE3\tVishay\t293D106X96R3A2TE3\t718-1118-1-ND\t\n"
    "J1\t1\tMolex\t548190589\t\t\tWM3895CT-ND\t\n"
)


def test_a_table_without_ids_merges_rows_by_the_ids_ohw_makes_whatever_their_order():
    lines = KITSPACE.splitlines(keepends=True)
    ours = KITSPACE.replace("C7,C8,C9\t3\t", "C7,C8,C9,C12\t4\t")
    theirs = "".join([lines[0], *reversed(lines[1:])]).replace("WM3895CT-ND", "WM3895CT-NDX")
    result = merged("1-click-bom.tsv", KITSPACE, ours, theirs)
    assert result.clean and not result.fallback
    assert result.data.decode() == ours.replace("WM3895CT-ND", "WM3895CT-NDX")


def test_a_conflict_in_a_table_without_ids_is_named_by_the_made_id():
    ours = KITSPACE.replace("C7,C8,C9\t3\t", "C7,C8,C9\t4\t")
    theirs = KITSPACE.replace("C7,C8,C9\t3\t", "C7,C8,C9\t5\t")
    result = merged("1-click-bom.tsv", KITSPACE, ours, theirs)
    assert [c.describe() for c in result.conflicts] == [
        "bom c0603c105z8vactu quantity: base 3, ours 4, theirs 5"
    ]


def test_rows_added_on_both_sides_of_a_table_without_ids_are_both_kept():
    ours = KITSPACE + "R1,R2\t2\tYageo\tRC0603FR-0710KL\t\t\t311-10.0KHRCT-ND\t\n"
    theirs = KITSPACE + "L1\t1\tMurata\tBLM21PG331SN1D\t\t\t490-5988-1-ND\t\n"
    result = merged("1-click-bom.tsv", KITSPACE, ours, theirs)
    assert result.clean
    added = (
        "R1,R2\t2\tYageo\tRC0603FR-0710KL\t\t\t311-10.0KHRCT-ND\t\n"
        "L1\t1\tMurata\tBLM21PG331SN1D\t\t\t490-5988-1-ND\t\n"
    )
    assert result.data.decode().endswith(added)


SECTIONS = (
    "Section,Item,Quantity,Cost per unit (USD)\n"
    "You print,Base,1,\n"
    "You print,Lid,1,\n"
    "You supply,Switch,1,0.19\n"
    "TOTAL,One finished unit,1,0.19\n"
)


def test_a_table_with_sections_and_totals_merges_by_rows():
    ours = SECTIONS.replace("You print,Base,1,", "You print,Base,2,")
    theirs = SECTIONS.replace("Switch,1,0.19\n", "Switch,1,0.20\n").replace(
        "unit,1,0.19", "unit,1,0.20"
    )
    result = merged("BOM.csv", SECTIONS, ours, theirs)
    assert result.clean and not result.fallback
    assert result.data.decode() == ours.replace("Switch,1,0.19\n", "Switch,1,0.20\n").replace(
        "unit,1,0.19", "unit,1,0.20"
    )


def test_a_row_without_an_id_in_a_table_with_ids_gets_no_id_written():
    base = "id,name,quantity\nm3,Screw,4\n,Nut,2\n"
    ours = base.replace("Screw,4", "Screw,5")
    theirs = base.replace(",Nut,2", ",Nut,3").replace("name,quantity", "name,quantity,notes")
    theirs = theirs.replace("Screw,4\n", "Screw,4,\n").replace(",Nut,3\n", ",Nut,3,hex\n")
    result = merged("bom.csv", base, ours, theirs)
    assert result.clean
    assert result.data.decode() == "id,name,quantity,notes\nm3,Screw,5,\n,Nut,3,hex\n"


@pytest.mark.parametrize(
    ("path", "text", "why"),
    [
        ("BOM.md", "| Part | Qty |\n|---|---|\n| Screw | 4 |\n| Nut | 2 |\n", "Markdown BOM"),
        ("bom.txt", "Vitamins:\n  4 Screw\n  2 Nut\n", "text BOM"),
        ("bom.csv", '100n,"C1,C2",0603,C14663\n10k,R1,0603,C25804\n', "not one table"),
        ("bom.csv", "My BOM,\nPart,Qty\nScrew,4\nNut,2\n", "not one table"),
    ],
)
def test_tables_that_are_not_one_table_of_cells_merge_line_by_line(path, text, why):
    ours = text.replace("4", "5")
    theirs = text.replace("2", "3") if "Nut" in text else text.replace("C25804", "C25805")
    result = merged(path, text, ours, theirs)
    assert why in result.fallback
