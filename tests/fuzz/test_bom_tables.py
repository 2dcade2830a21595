"""The BOM table reader (ohw.design.bom.tables.read_bom_table, with text, rows,
ids) and `ohw bom import` (ohw.design.bom.importing.bom_yaml) on hostile
tables: CSV, TSV, Markdown tables and lists of counts, any bytes. Whatever the
bytes, the reader gives BOM data with findings that say where, or refuses the
file (OHW413); an id it makes is no other item's; the bom.yaml `ohw bom
import` writes reads back as exactly the items read, whatever the rows left
out hold; and a table as spreadsheets write it, with any separator, line
ending, quoting and text, reads back as the items written."""

from __future__ import annotations

import json

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from support import CORPUS
from support.fuzz import fuzzing
from support.hostile import mutated as hostile_bytes

from ohw.design.bom.ids import assign_ids
from ohw.design.bom.importing import bom_yaml
from ohw.design.bom.tables import TableBom, read_bom_table
from ohw.storage.yaml.document import ReadProblem
from ohw.storage.yaml.read import load_yaml

# The findings of a BOM table: OHW410 to OHW419.
RULES = tuple(f"OHW41{digit}" for digit in range(10))
PATHS = ["bom.csv", "bom.tsv", "BOM.md", "bom.txt", "1-click-bom.tsv"]
SEEDS = [
    b"id,name,quantity\nm3,M3 screw,8\nled,LED,1\n",
    b'ID;Name;Qty;Unit price;Currency\r\nm3;"M3; steel";8;0,05;EUR\r\n',
    b'id\tname\tquantity\tsupplier\tsupplier 2\tnotes\nm3\tscrew\t2\tA\tB\t"two\nlines"\n',
    b'\xef\xbb\xbfid,name,quantity,optional,designators\nr1,Resistor,4,yes,"R1, R2"\n',
    b'"Reference","Value","Footprint","Qty","MPN"\n"R1,R2","10k","0603","2","RC0603"\n',
    b"Comment,Designator,Footprint,LCSC\n100nF,C1 C2 C3,0402,C1525\n",
    b"References\tQty\tDescription\tDigikey\tMouser\nU1\t1\tMCU\t123-ND\t\n",
    b"# Parts\n\n| Part | Qty | Price |\n|---|---|---|\n| M3 nut | 4 | $0.10 |\n"
    b"| **Total** | | $0.40 |\n\n## Optional\n\n| Name | Count |\n|-|-|\n| fan | 1 |\n",
    b"Vitamins:\n  2 M3 cap screw x 16mm\n- 4x M3 nut\n* [12x inserts](https://x.org/i)"
    b" - Amazon - $3.50\n1 @ PCB\n",
    b"Title: my BOM\n\nItem,Part number,Description,Quantity needed,Price per unit (USD)\n"
    b"1,ABC-1,Bracket,2,3.50\n2,ABC-2,Plate,1,12\nTotal,,,,19\n",
]
# What tables are made of, and what breaks them: every line ending, quotes,
# separators, Markdown's pipes and rules, counts, NUL and control characters,
# formulas, decimal commas, numbers no cell should hold, byte-order marks,
# Unicode line separators, links, currencies, designator ranges.
PIECES = [
    *",;\t\r\n\"'|", "\r\n", '""', "\x00", "\x1b[2J", "\x0c", "\x85", "\u2028", "\ufeff", "é",
    "=HYPERLINK(\"x\")", "+1", "-1", "@SUM(A1)", "1,5", "1e999", "nan", "-0", "0x10",
    "id", "name", "quantity", "qty", "supplier 2", "unit price", "pack size", "optional",
    "yes", " ", "x" * 64, "|---|---|", "| a | 2 |", "\n# Heading\n", "- 2x ", "  3 ",
    "[x](http://a.b)", "$", "€", "12,50 €", "R1-R9999999", "C1-C3", "Total", "µF", "*",
    "Designator", "MPN", "Manufacturer", "Digikey", "LCSC", "footprint", "value", ":",
    "\n\n", "9" * 30, "0.000001", "1/2", "½",
]  # fmt: skip
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"]


def read_or_refused(raw: bytes, path: str = "bom.csv") -> TableBom | ReadProblem:
    """What read_bom_table makes of ``raw``, held to what it promises."""
    try:
        table = read_bom_table(raw, path)
    except ReadProblem as problem:
        assert problem.rule == "OHW413", problem.rule
        assert problem.message.strip()
        return problem
    json.dumps(table.document.data, allow_nan=False)  # plain, finite data
    assert set(table.document.data) == {"items"}
    items = table.document.data["items"]
    # A made id is given to no other item (ids the table gives twice are the
    # BOM check's to report, OHW401).
    ids = [item.get("id") for item in items]
    for made in table.generated:
        assert ids.count(ids[made]) == 1, (ids[made], ids)
    assert len(table.lines) == len(items)
    for problem in table.problems:
        assert problem.rule in RULES, problem.rule
        assert problem.message.strip()
        assert problem.at is None or (problem.at.line >= 1 and problem.at.column >= 1)
    for located in table.document.nodes:
        value = table.document.data
        for key in located:
            value = value[key]  # every located node is in the data
    return table


def mutated(seeds: list[bytes]) -> st.SearchStrategy[bytes]:
    """A table mangled, cells past the csv module's limit, line ends and encodings changed."""
    return hostile_bytes(
        seeds, PIECES, huge=[b"x", b'"', b"\n", b"|"], line_ends=True, encodings=ENCODINGS
    )


def imported_as_read(table: TableBom, source: str) -> None:
    """The bom.yaml `ohw bom import` writes holds exactly the items read, the
    rows left out only as comments."""
    written = bom_yaml(table, source)
    assert load_yaml(written.encode()).data == table.document.data, written


TABLES = st.one_of(
    mutated(SEEDS),
    st.lists(st.sampled_from(PIECES), max_size=50).map("".join).map(str.encode),
    st.binary(max_size=200),
)
SOURCES = st.sampled_from(PATHS) | st.text(min_size=1, max_size=12)


@fuzzing(300)
@given(raw=TABLES, path=st.sampled_from(PATHS), source=SOURCES)
@example(raw=b"id,name,quantity\rm3,screw,1\r", path="bom.csv", source="bom.csv")  # CR only
@example(raw=b"id,name,quantity\nm3,screw,1\r" + b"x,y,2\n", path="bom.csv", source="b")
@example(
    raw=b'id,name,quantity\nm3,"' + b"x" * 131_073 + b'",1\n', path="bom.csv", source="bom.csv"
)  # past the csv module's limit
@example(raw=b";id,name,quantity\nm3,M3 screw,8\n", path="bom.csv", source="bom.csv")
# a file name and a row left out, as comments of the bom.yaml, holding what YAML refuses
@example(raw=b"id,name,quantity\nm3,screw,many\x1f\n", path="bom.csv", source="a\nitems: 1")
def test_any_bytes_are_bom_data_or_refused_and_import_as_read(raw, path, source):
    table = read_or_refused(raw, path)
    if isinstance(table, TableBom):
        imported_as_read(table, source)


@pytest.mark.corpus
@fuzzing(50)
@given(data=st.data())
def test_the_corpus_s_boms_mangled_are_read_or_refused(data):
    paths = sorted((CORPUS / "bom").iterdir())
    path = data.draw(st.sampled_from(paths))
    table = read_or_refused(data.draw(mutated([path.read_bytes()])), path.name)
    if isinstance(table, TableBom):
        imported_as_read(table, path.name)


# Text of any kind a cell may hold, between letters: the reader strips blanks
# around a cell, and a name's "," or ";" at its end; a column of names that are
# only numbers reads as positions; a NUL is dropped, with a finding.
CELL = st.lists(
    st.characters(exclude_categories=["Cs"], exclude_characters="\x00")
    | st.sampled_from([piece for piece in PIECES if "\x00" not in piece]),
    max_size=12,
).map(lambda pieces: "a" + "".join(pieces) + "z")
# Ids as tables give them (bom.schema.json), that are not numbers nor words
# that say "nothing here" (n/a, na, none, tbd: the id is made).
ID = st.from_regex(r"[a-z][a-z0-9]{0,5}([._-][a-z0-9]{1,4}){0,2}", fullmatch=True).filter(
    lambda text: text not in ("na", "none", "null", "tbd", "tba")
)
ITEMS = st.lists(
    st.fixed_dictionaries(
        {"id": ID, "name": CELL, "quantity": st.integers(1, 10**9)}, optional={"notes": CELL}
    ),
    min_size=1,
    max_size=8,
    unique_by=lambda item: item["id"],
)
# The header as spreadsheets write it, in three ways each column may be named.
HEADERS = [
    ["id", "name", "quantity", "notes"],
    ["ID", "NAME", "Qty", "Note"],
    [" Id ", "Name", "QUANTITY", "NOTES"],
]


def spreadsheet_row(cells: list, delimiter: str, quote_all: bool) -> str:
    """A row as spreadsheets write it: a cell quoted if it holds the separator, a
    quote or a line break (or every cell), its quotes doubled."""
    return delimiter.join(
        f'"{cell.replace(chr(34), 2 * chr(34))}"'
        if quote_all or any(c in cell for c in (delimiter, '"', "\r", "\n"))
        else cell
        for cell in map(str, cells)
    )


@fuzzing(150)
@given(
    items=ITEMS,
    delimiter=st.sampled_from([",", ";", "\t"]),
    line_end=st.sampled_from(["\n", "\r\n", "\r"]),
    quote_all=st.booleans(),
    byte_order_mark=st.booleans(),
    header=st.sampled_from(HEADERS),
)
@example(
    items=[{"id": "m3", "name": "screw", "quantity": 1}],
    delimiter=",", line_end="\r", quote_all=False, byte_order_mark=False,
    header=HEADERS[0],
)  # fmt: skip
def test_a_table_as_spreadsheets_write_it_reads_back_as_its_items(
    items, delimiter, line_end, quote_all, byte_order_mark, header
):
    rows = [header] + [[item.get(f, "") for f in HEADERS[0]] for item in items]
    text = "".join(spreadsheet_row(row, delimiter, quote_all) + line_end for row in rows)
    raw = (b"\xef\xbb\xbf" if byte_order_mark else b"") + text.encode()
    table = read_or_refused(raw, "bom.tsv" if delimiter == "\t" else "bom.csv")
    assert isinstance(table, TableBom), table.message
    assert [p.message for p in table.problems] == []
    # a line break inside a cell reads as LF, whatever it was written as
    assert table.document.data["items"] == [
        {**item, "name": item["name"].replace("\r\n", "\n").replace("\r", "\n")}
        | (
            {"notes": item["notes"].replace("\r\n", "\n").replace("\r", "\n")}
            if "notes" in item
            else {}
        )
        for item in items
    ]


ITEM_FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "name": CELL, "mpn": CELL, "value": CELL, "footprint": CELL,
        "designators": st.lists(st.from_regex(r"[A-Z]{1,2}[0-9]{1,3}", fullmatch=True),
                                max_size=3),
        "manufacturer": CELL, "category": CELL,
    },
)  # fmt: skip


@fuzzing(150)
@given(items=st.lists(ITEM_FIELDS, max_size=8), taken=st.sets(ID, max_size=3), data=st.data())
def test_made_ids_are_unique_and_do_not_depend_on_the_rows_order(items, taken, data):
    ids = assign_ids(items, set(taken))
    made = [made for made in ids if made is not None]
    assert len(made) == len(items) and len(set(made)) == len(made), ids
    assert not set(made) & taken, ids
    for made_id in made:
        assert made_id == made_id.strip() and " " not in made_id, made_id
    order = data.draw(st.permutations(range(len(items))))
    moved = assign_ids([items[i] for i in order], set(taken))
    # Each item keeps its id when rows move; items alike in everything are
    # interchangeable, and share out the same ids.
    by_content: dict[str, set[str | None]] = {}
    for item, made_id in zip(items, ids, strict=True):
        by_content.setdefault(json.dumps(item, sort_keys=True), set()).add(made_id)
    for i, moved_id in zip(order, moved, strict=True):
        assert moved_id in by_content[json.dumps(items[i], sort_keys=True)], (ids, moved)
