"""ohw.design.bom.tables.read_bom_csv on hostile tables: whatever the bytes, it
gives BOM data with problems that say where, or refuses the file (OHW413);
and a table as spreadsheets write it, with any separator, line ending,
quoting and cell, reads back as the items written."""

from __future__ import annotations

import json

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from support import CORPUS
from support.fuzz import fuzzing

from ohw.design.bom.tables import CsvBom, read_bom_csv
from ohw.storage.yaml.document import ReadProblem

RULES = ("OHW410", "OHW411", "OHW412", "OHW413")
SEEDS = [
    b"id,name,quantity\nm3,M3 screw,8\nled,LED,1\n",
    b'ID;Name;Qty;Unit price;Currency\r\nm3;"M3; steel";8;0,05;EUR\r\n',
    b'id\tname\tquantity\tsupplier\tsupplier 2\tnotes\nm3\tscrew\t2\tA\tB\t"two\nlines"\n',
    b'\xef\xbb\xbfid,name,quantity,optional,designators\nr1,Resistor,4,yes,"R1, R2"\n',
]
# What tables are made of, and what breaks them: every line ending, quotes,
# separators, NUL and control characters, formulas, decimal commas, numbers
# no cell should hold, byte-order marks, Unicode line separators.
PIECES = [
    *",;\t\r\n\"'", "\r\n", '""', "\x00", "\x1b[2J", "\x0c", "\x85", "\u2028", "\ufeff", "é",
    "=HYPERLINK(\"x\")", "+1", "-1", "@SUM(A1)", "1,5", "1e999", "nan", "-0", "0x10",
    "id", "name", "quantity", "qty", "supplier 2", "unit price", "pack size", "optional",
    "yes", " ", "x" * 64,
]  # fmt: skip
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"]


def read_or_refused(raw: bytes) -> CsvBom | ReadProblem:
    """What read_bom_csv makes of ``raw``, held to what it promises."""
    try:
        table = read_bom_csv(raw)
    except ReadProblem as problem:
        assert problem.rule == "OHW413", problem.rule
        assert problem.message.strip()
        return problem
    json.dumps(table.document.data, allow_nan=False)  # plain, finite data
    assert set(table.document.data) == {"items"}
    for problem in table.problems:
        assert problem.rule in RULES, problem.rule
        assert problem.message.strip()
        assert problem.at is None or (problem.at.line >= 1 and problem.at.column >= 1)
    for path in table.document.nodes:
        value = table.document.data
        for key in path:
            value = value[key]  # every located node is in the data
    return table


@st.composite
def mutated(draw, seeds: list[bytes]) -> bytes:
    raw = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(0, 6))):
        where = draw(st.integers(0, len(raw)))
        action = draw(st.sampled_from(["insert", "delete", "flip", "cut", "repeat", "huge"]))
        if action == "insert":
            raw[where:where] = draw(st.sampled_from(PIECES)).encode()
        elif action == "delete":
            del raw[where : where + draw(st.integers(1, 8))]
        elif action == "flip" and where < len(raw):
            raw[where] = draw(st.integers(0, 255))
        elif action == "cut":
            del raw[where:]
        elif action == "repeat":
            raw[where:where] = raw[where : where + draw(st.integers(1, 60))] * draw(
                st.integers(1, 4)
            )
        elif action == "huge":  # a cell past the csv module's limit of 131,072 characters
            raw[where:where] = draw(st.sampled_from([b"x", b'"', b"\n"])) * draw(
                st.integers(1, 200_000)
            )
    if draw(st.booleans()):  # every line ending made CR, CR LF or LF, or a mix
        text = bytes(raw).replace(b"\r\n", b"\n")
        ends = draw(st.lists(st.sampled_from([b"\n", b"\r\n", b"\r"]), min_size=1, max_size=3))
        parts = text.split(b"\n")
        raw = bytearray(parts[0])
        for i, part in enumerate(parts[1:]):
            raw += ends[i % len(ends)] + part
    encoding = draw(st.sampled_from([None, None, None, *ENCODINGS]))
    if encoding is not None:
        return bytes(raw).decode("utf-8", "replace").encode(encoding, "replace")
    return bytes(raw)


@fuzzing(300)
@given(
    st.one_of(
        mutated(SEEDS),
        st.lists(st.sampled_from(PIECES), max_size=50).map("".join).map(str.encode),
        st.binary(max_size=200),
    )
)
@example(b"id,name,quantity\rm3,screw,1\r")  # CR-only line ends, as old Mac spreadsheets
@example(b"id,name,quantity\nm3,screw,1\r" + b"x,y,2\n")  # mixed
@example(b'id,name,quantity\nm3,"' + b"x" * 131_073 + b'",1\n')  # past the csv module's limit
@example(b";id,name,quantity\nm3,M3 screw,8\n")  # no id column: no items, nor their places
def test_any_bytes_are_bom_data_or_refused(raw):
    read_or_refused(raw)


@pytest.mark.corpus
@fuzzing(100)
@given(data=st.data())
def test_the_corpus_s_boms_mangled_are_read_or_refused(data):
    seeds = [
        path.read_bytes()
        for path in sorted((CORPUS / "bom").iterdir())
        if path.suffix in (".csv", ".tsv")
    ]
    read_or_refused(data.draw(mutated(seeds)))


# Text of any kind a cell may hold, without blanks around it (the reader strips
# them) and never empty (an empty cell is no value).
CELL = (
    st.lists(
        st.characters(exclude_categories=["Cs"]) | st.sampled_from(PIECES), min_size=1, max_size=12
    )
    .map("".join)
    .map(str.strip)
    .filter(bool)
)
ITEMS = st.lists(
    st.fixed_dictionaries(
        {"id": CELL, "name": CELL, "quantity": st.integers(1, 10**9)},
        optional={"notes": CELL, "unit": CELL},
    ),
    min_size=1,
    max_size=8,
)
# The header as spreadsheets write it, in three ways each column may be named.
HEADERS = [
    ["id", "name", "quantity", "notes", "unit"],
    ["ID", "NAME", "Qty", "Note", "Unit"],
    [" Id ", "Name", "QUANTITY", "NOTES", "unit"],
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


@fuzzing(300)
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
    table = read_or_refused(raw)
    assert isinstance(table, CsvBom), table.message
    assert table.problems == []
    assert table.document.data["items"] == items
