"""ohw.design.bom.ids: ids made from what an item is, the same whatever the row order."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ohw.design.bom.ids import assign_ids, base_id
from ohw.design.bom.rows import _ID
from ohw.design.bom.tables import read_bom_table


@pytest.mark.parametrize(
    ("item", "made"),
    [
        ({"mpn": "C0603C104K5RACTU", "name": "100n"}, "c0603c104k5ractu"),
        ({"name": "Screw", "value": "M3x4"}, "screw-m3x4"),
        (
            {"name": "100n (C_0603)", "value": "100n", "footprint": "Capacitor_SMD:C_0603"},
            "100n-c-0603",
        ),
        ({"name": "Bearing 608"}, "bearing-608"),
        ({"name": "中文", "suppliers": [{"part-number": "C1591"}]}, "c1591"),
        ({"name": "中文", "designators": ["R1", "R2"]}, "r1-r2"),
        ({"name": "中文"}, "item"),
        ({"mpn": "---", "name": "Nut"}, "nut"),
    ],
)  # fmt: skip
def test_the_base_of_an_id(item, made):
    assert base_id(item) == made


def test_items_alike_in_name_are_told_apart_by_what_differs():
    items = [
        {"name": "Resistor", "designators": ["R1"], "value": "10k"},
        {"name": "Resistor", "designators": ["R2"], "value": "10k"},
    ]
    # name + value make the same slug; the designators tell them apart
    assert assign_ids(items, set()) == ["resistor-10k-r1", "resistor-10k-r2"]


def test_items_told_apart_by_nothing_but_content_get_its_digest():
    items = [
        {"name": "Bolt", "notes": "long"},
        {"name": "Bolt", "notes": "short"},
    ]
    made = assign_ids(items, set())
    assert made[0] != made[1]
    assert all(m is not None and m.startswith("bolt-") and len(m) == len("bolt-") + 6 for m in made)


def test_items_alike_in_everything_are_numbered_in_order():
    items = [{"name": "Nut", "quantity": 2}, {"name": "Nut", "quantity": 2}]
    first, second = assign_ids(items, set())
    assert first is not None and second is not None
    assert second == f"{first}-2"


def test_a_made_id_never_repeats_one_the_table_gives():
    items = [{"id": "nut", "name": "Nut M3"}, {"name": "Nut"}]
    made = assign_ids(items, {"nut"})
    assert made[0] is None
    assert made[1] is not None and made[1].startswith("nut-") and made[1] != "nut"


def test_ids_keep_to_the_schema_for_long_names():
    items = [{"name": "x" * 200, "designators": [f"R{i}" for i in range(100)]}, {"name": "x" * 200}]
    for made in assign_ids(items, set()):
        assert made is not None and len(made) <= 64 and _ID.fullmatch(made)


ROWS = [
    "Qty,Component,Specification,Designator",
    "12,Screw,M2x12,",
    "6,Screw,M3x4,",
    "1,Screw,M3x4,",
    "2,Capacitor,100n,C1 C2",
    "3,Capacitor,100n,C3 C4 C5",
    "1,Nut,,",
    "1,Nut,,",
    "4,LED,,D1-D4",
]


def test_reordering_rows_changes_no_id():
    read = read_bom_table(("\n".join(ROWS) + "\n").encode(), "bom.csv")
    before = {
        ROWS[line - 1]: item["id"]
        for line, item in zip(read.lines, read.document.data["items"], strict=True)
    }
    for seed in range(20):
        body = ROWS[1:]
        random.Random(seed).shuffle(body)
        shuffled = [ROWS[0], *body]
        again = read_bom_table(("\n".join(shuffled) + "\n").encode(), "bom.csv")
        after = {
            shuffled[line - 1]: item["id"]
            for line, item in zip(again.lines, again.document.data["items"], strict=True)
        }
        assert after == before
        assert len(set(after.values())) == len(set(before.values()))
    assert before["6,Screw,M3x4,"] != before["1,Screw,M3x4,"]
    assert before["2,Capacitor,100n,C1 C2"] == "capacitor-100n-c1-c2"


NAMES = st.sampled_from(["Screw", "Nut", "Washer", "LED", "100n", "10k", ""])
VALUES = st.sampled_from(["", "M3", "M4", "0603", "red"])
ITEMS = st.lists(
    st.fixed_dictionaries(
        {"name": NAMES, "value": VALUES, "quantity": st.integers(1, 3)},
        optional={"designators": st.lists(st.sampled_from(["R1", "R2", "C1", "D1"]), max_size=2)},
    ),
    max_size=12,
)


@settings(max_examples=150, deadline=None)
@given(ITEMS, st.randoms())
def test_ids_depend_on_content_only(items, shuffle):
    items = [{k: v for k, v in item.items() if v not in ("", [])} for item in items]
    made = assign_ids(items, set())
    assert len(set(made)) == len(made)
    assert all(m is not None and _ID.fullmatch(m) and len(m) <= 64 for m in made)
    order = list(range(len(items)))
    shuffle.shuffle(order)
    again = assign_ids([items[i] for i in order], set())
    # Each item keeps its id; items alike in everything may swap, being alike.
    for position, i in enumerate(order):
        if again[position] != made[i]:
            twins = [j for j, other in enumerate(items) if other == items[i]]
            assert again[position] in {made[j] for j in twins}
