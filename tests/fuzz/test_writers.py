"""What ohw writes from a design's text, for terminals and for spreadsheets
(ohw.report.styled: printable, markup; ohw.fab.bom_csv: cell, bom_csv;
ohw.merge.csv_text): no control character, direction mark or line break
reaches text output as it is, each is written as an escape that reads back as
it; rich shows markup as the text it stands for; and CSV that ohw writes, read
as a spreadsheet reads it, has the rows and cells written, none starting a
formula."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

from hypothesis import example, given
from hypothesis import strategies as st
from rich.text import Text
from support.fuzz import fuzzing

from ohw.fab.bom_csv import CSV_COLUMNS, bom_csv, cell
from ohw.fab.rollup import FabricatedLine, PurchasedLine, RolledUpBom, SupplierOrder
from ohw.merge.csv_text import merge_csv
from ohw.report.styled import markup, printable

# What a terminal acts on, or a reader takes for a line break: C0, DEL, C1, the
# marks and embeddings that turn text's direction (Trojan Source), and Unicode's
# line and paragraph separators (str.splitlines, JavaScript).
ACTING = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
HOSTILE = st.lists(
    st.characters(exclude_categories=["Cs"])
    | st.sampled_from(
        ["\x1b", "\x1b[2J", "\x1b]0;t\x07", "\x9b", "\u202e", "\u2066", "\u061c", "\u2028",
         "\u2029", "\x85", "\r", "\n", "\t", "\x00", "\\", "[", "]", "[bold]", "[/]", "[link=x]",
         "=", "+", "-", "@", "'", '"', ","]
    ),
    max_size=12,
).map("".join)  # fmt: skip
_ESCAPE = re.compile(r"\\(x[0-9a-f]{2}|u[0-9a-f]{4}|[tnr])")


def unescaped(shown: str) -> str:
    """What printable's escapes stand for, for text that held no backslash."""

    def back(found: re.Match[str]) -> str:
        code = found.group(1)
        return {"t": "\t", "n": "\n", "r": "\r"}.get(code) or chr(int(code[1:], 16))

    return _ESCAPE.sub(back, shown)


@fuzzing(500)
@given(HOSTILE)
@example("name\u2028OHW999 error: forged")  # a line break to str.splitlines and JavaScript
@example("\u061cevil.stl")  # the Arabic letter mark, a direction mark like LRM and RLM
def test_printable_text_holds_nothing_a_terminal_acts_on(text):
    shown = printable(text)
    assert not ACTING.search(shown), repr(shown)
    assert len(shown.splitlines()) <= 1
    if not ACTING.search(text):
        assert shown == text
    if "\\" not in text:
        assert unescaped(shown) == text  # nothing lost: every escape reads back


@fuzzing(300)
@given(HOSTILE)
@example("\\[")  # rich reads a backslash before a bracket that starts no tag as nothing
@example("a\\\\[b \\[bold] \\")
@example("\\\\")  # rich halves backslashes before a tag, and not at the end of a line
def test_markup_shows_the_text_it_stands_for(text):
    """Between tags, at the end of a line and before more text, as ohw's
    reports put it."""
    shown = printable(text)
    assert Text.from_markup(f"[bold]{markup(text)}[/bold]").plain == shown
    assert Text.from_markup(markup(text)).plain == shown
    assert Text.from_markup(f"{markup(text)} [dim]x[/dim]").plain == f"{shown} x"


# --- CSV ---------------------------------------------------------------------------------

FORMULA_FIRST = ("=", "+", "-", "@", "\t", "\r")
OPTIONAL_TEXT = st.none() | HOSTILE


@st.composite
def rolled_up(draw) -> RolledUpBom:
    lines = tuple(
        PurchasedLine(
            id=draw(HOSTILE),
            name=draw(HOSTILE),
            quantity=Decimal(draw(st.integers(1, 99))),
            unit=draw(OPTIONAL_TEXT),
            supplier=draw(OPTIONAL_TEXT),
            part_number=draw(OPTIONAL_TEXT),
            url=draw(OPTIONAL_TEXT),
            unit_price=None,
            currency=draw(OPTIONAL_TEXT),
            cost=None,
            packs=None,
            optional=False,
        )
        for _ in range(draw(st.integers(0, 3)))
    )
    parts = tuple(
        FabricatedLine(
            id=draw(HOSTILE),
            name=draw(HOSTILE),
            process=draw(OPTIONAL_TEXT),
            material=draw(OPTIONAL_TEXT),
            quantity=draw(st.integers(1, 9)),
            origin=draw(OPTIONAL_TEXT),
            measure=None,
            stock=draw(OPTIONAL_TEXT),
        )
        for _ in range(draw(st.integers(0, 3)))
    )
    orders = (SupplierOrder(None, lines, {}),) if lines else ()
    return RolledUpBom(
        design="d", version=None, units=1, default_infill=0.2, orders=orders, totals={},
        unpriced=(), optional=(), optional_totals={}, printed=parts, materials=(), cut=(),
        stock=(), other=(),
    )  # fmt: skip


@fuzzing(300)
@given(rolled_up())
@example(
    RolledUpBom(
        design="d", version=None, units=1, default_infill=0.2,
        orders=(SupplierOrder(None, (PurchasedLine(
            id="m3", name="x\r=HYPERLINK(\"http://evil\")", quantity=Decimal(1), unit=None,
            supplier=None, part_number=None, url=None, unit_price=None, currency=None, cost=None,
            packs=None, optional=False,
        ),), {}),),
        totals={}, unpriced=(), optional=(), optional_totals={}, printed=(), materials=(),
        cut=(), stock=(), other=(),
    )
)  # a CR inside a cell, written unquoted, began a row with a formula  # fmt: skip
def test_a_bom_s_csv_read_as_spreadsheets_read_it_has_its_rows_and_no_formula(bom):
    written = bom_csv(bom)
    # newline="": CR, LF and CR LF end a row outside quotes, as spreadsheets read them
    rows = list(csv.reader(io.StringIO(written, newline="")))
    lines = [line for order in bom.orders for line in order.lines]
    assert len(rows) == 1 + len(lines) + len(bom.printed), rows
    assert rows[0] == list(CSV_COLUMNS)
    texts = [line.id for line in lines] + [part.id for part in bom.printed]
    for row, text in zip(rows[1:], texts, strict=True):
        assert row[1] == cell(text)  # the text as written, after a quote if need be
        for value in row:
            assert not value.startswith(FORMULA_FIRST), row


@fuzzing(200)
@given(name=HOSTILE, line_end=st.sampled_from(["\n", "\r\n"]), delimiter=st.sampled_from(",;\t"))
@example(name="x\r=1+1", line_end="\n", delimiter=",")  # a lone CR in a file of LF line ends
@example(name=",\r,", line_end="\n", delimiter=";")  # commas and a CR in a cell: still ';'
def test_a_merged_csv_row_reads_back_as_the_cells_merged(name, line_end, delimiter):
    """A row the merge writes anew (ours' quantity, theirs' name) is quoted as
    spreadsheets read it: its cells come back as merged, the other rows as they were."""

    def table(*rows: list[str]) -> str:
        return "".join(
            delimiter.join('"' + cell.replace('"', '""') + '"' for cell in row) + line_end
            for row in [["id", "name", "quantity"], *rows]
        )

    base = table(["m3", "screw", "4"])
    ours = table(["m3", "screw", "5"], ["nut", "nut", "2"])
    theirs = table(["m3", name, "4"])
    merged, conflicts = merge_csv(base, ours, theirs)
    assert not conflicts
    rows = list(csv.reader(io.StringIO(merged["ours"], newline=""), delimiter=delimiter))
    # the reader strips blanks around a cell, as it strips them on every side
    assert rows == [["id", "name", "quantity"], ["m3", name.strip(), "5"], ["nut", "nut", "2"]], (
        rows
    )
