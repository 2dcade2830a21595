"""A BOM file's text as rows of cells, each cell with its line and column.

The bytes are decoded (UTF-8, with or without a byte-order mark; UTF-16 with
one, as Excel saves "Unicode text"; otherwise Windows-1252, as Excel saves CSV
on Windows, with a finding), lines end at LF, CR LF or CR, and the layout is
found from the text itself, whatever the file's name says:

- cells separated by commas, tabs or semicolons, whichever lays most lines out
  in the same number of cells (a ".csv" that is really tab-separated is read
  as such), quoted as spreadsheets quote;
- Markdown tables (`| a | b |` under `|---|---|`), with the headings above them;
- a list of counts, one item a line: "  2 M3 cap screw x 16mm" (OpenSCAD's
  generated BOMs, with or without their table of counts per assembly before
  the total), "- 4x M3 nut", "* M3 nut (x4)", under headings such as "Vitamins:".
"""

from __future__ import annotations

import csv
import html
import io
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from ohw.storage.yaml.document import Location, ReadProblem

RULE_UNREADABLE = "OHW413"
RULE_ENCODING = "OHW417"

DELIMITERS = ("\t", ",", ";")
_NAMES = {"\t": "tab-separated", ",": "comma-separated", ";": "semicolon-separated"}
# How many lines are looked at to find the layout.
_SAMPLE = 500


@dataclass(frozen=True)
class Row:
    """One row of the text: a table's header or body row, a heading, or an
    entry of a list of counts (cells: the count, the name)."""

    line: int
    cells: list[str]
    starts: list[Location]
    kind: str = "cells"  # "cells", "header" (Markdown's), "heading", "list"
    links: tuple[tuple[str, ...], ...] = ()  # each cell's links (Markdown)


@dataclass(frozen=True)
class Text:
    """A BOM file's text, decoded, in rows."""

    rows: list[Row]
    layout: str  # "comma-separated", ..., "Markdown tables", "list of counts"
    encoding: str
    problems: list[ReadProblem] = field(default_factory=list)
    delimiter: str | None = None


# Where a line ends: LF, CR LF or CR, and nothing else (str.splitlines also
# ends lines at a form feed, NEL, U+2028 and more, which a cell may hold).
_LINE_END = re.compile(r"\r\n|\r|\n")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def lines_of(text: str) -> list[str]:
    """The lines of ``text``, each with its line end, as the reader ends them."""
    return _LINE.findall(text)


def read_text(raw: bytes, suffix: str = "") -> Text:
    """A BOM file's bytes as rows; ReadProblem when it is not text at all."""
    text, encoding, problems = decode(raw)
    lines = _LINE_END.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    if not any(line.strip(" \t,;|") for line in lines):
        raise ReadProblem(
            RULE_UNREADABLE,
            "the BOM is empty",
            "write a row of column names (name, quantity, ...), then a row per item",
            Location(1, 1),
        )
    suffix = suffix.lower()
    if _has_markdown_table(lines):
        return Text(list(markdown_rows(lines)), "Markdown tables", encoding, problems)
    delimiter = None if suffix in (".md", ".markdown") else delimiter_of_lines(lines, suffix)
    if delimiter is not None:
        rows = list(delimited_rows(lines, delimiter))
        return Text(rows, _NAMES[delimiter], encoding, problems, delimiter)
    rows = list(list_rows(lines, markdown=suffix in (".md", ".markdown")))
    if any(row.kind == "list" for row in rows):
        return Text(rows, "list of counts", encoding, problems)
    if suffix in (".md", ".markdown", ".txt"):
        raise ReadProblem(
            RULE_UNREADABLE,
            "the BOM holds neither a table nor a list of counts",
            "write the items as a Markdown table (| name | quantity |) or one a line, "
            "count first: 4 M3x10 screw",
            Location(1, 1),
        )
    # One column, or nothing a layout fits: read as comma-separated, and let the
    # table say what is missing.
    return Text(list(delimited_rows(lines, ",")), _NAMES[","], encoding, problems, ",")


# --- bytes to text -------------------------------------------------------------------

_BINARY = (
    (b"PK\x03\x04", "a zip file (an .xlsx or .ods spreadsheet?)"),
    (b"\xd0\xcf\x11\xe0", "an Excel .xls spreadsheet"),
    (b"%PDF", "a PDF"),
)


def decode(raw: bytes) -> tuple[str, str, list[ReadProblem]]:
    """The text of a BOM file, its encoding, and what is odd about it."""
    for magic, what in _BINARY:
        if raw.startswith(magic):
            raise ReadProblem(
                RULE_UNREADABLE,
                f"the BOM is {what}, not text",
                "save it from the spreadsheet as CSV (UTF-8), and name that file as `bom:`",
                Location(1, 1),
            )
    problems: list[ReadProblem] = []
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) and not raw.startswith(b"\xff\xfe\x00\x00"):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            raise ReadProblem(
                RULE_UNREADABLE,
                "the BOM starts as UTF-16 text but is not",
                "save the file with UTF-8 encoding",
                Location(1, 1),
            ) from None
        problems.append(
            ReadProblem(
                RULE_ENCODING,
                'the BOM is UTF-16 text (Excel\'s "Unicode text"); git shows it as binary',
                "save it as CSV (UTF-8)",
                Location(1, 1),
            )
        )
        return _without_nul(text.removeprefix("\ufeff"), "utf-16", problems)
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        return _without_nul(raw.decode("utf-8"), "utf-8", problems)
    except UnicodeDecodeError as error:
        start = error.start
    if raw.count(b"\x00") * 4 > len(raw):
        raise ReadProblem(
            RULE_UNREADABLE,
            "the BOM is not text: a quarter of its bytes are zero",
            "save it from the spreadsheet as CSV (UTF-8)",
            Location(1, 1),
        )
    try:
        text = raw.decode("cp1252")
        encoding = "windows-1252"
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
        encoding = "latin-1"
    line = raw.count(b"\n", 0, start) + raw.count(b"\r", 0, start) - raw.count(b"\r\n", 0, start)
    column = start - max(raw.rfind(b"\n", 0, start), raw.rfind(b"\r", 0, start))
    problems.append(
        ReadProblem(
            RULE_ENCODING,
            f"the BOM is not UTF-8 text (byte 0x{raw[start]:02x}); it is read as "
            f"{'Windows-1252' if encoding == 'windows-1252' else 'Latin-1'}, as spreadsheets "
            "save it",
            "save the file with UTF-8 encoding",
            Location(line + 1, column),
        )
    )
    return _without_nul(text, encoding, problems)


def _without_nul(
    text: str, encoding: str, problems: list[ReadProblem]
) -> tuple[str, str, list[ReadProblem]]:
    """NUL characters are no part of any cell: dropped, with a finding at the first."""
    at = text.find("\x00")
    if at < 0:
        return text, encoding, problems
    before = text[:at]
    line = len(re.findall(r"\r\n|\r|\n", before)) + 1
    column = at - max(before.rfind("\n"), before.rfind("\r"))
    problems.append(
        ReadProblem(
            RULE_ENCODING,
            f"the BOM holds {text.count(chr(0))} NUL character(s), which are left out",
            "save the file as plain UTF-8 text",
            Location(line, column),
        )
    )
    return text.replace("\x00", ""), encoding, problems


# --- cells separated by commas, tabs or semicolons -------------------------------------


def delimiter_of_lines(lines: list[str], suffix: str = "") -> str | None:
    """The separator that lays the most lines out in the same number of cells
    (two or more); None if none does for most of them."""
    sample = [line for line in lines[: _SAMPLE * 2] if line.strip()][:_SAMPLE]
    if not sample:
        return None
    best: tuple[int, int, int] | None = None
    chosen = None
    preferred = {".tsv": "\t", ".csv": ",", ".tab": "\t"}.get(suffix)
    for delimiter in DELIMITERS:
        if not any(delimiter in line for line in sample):
            continue
        records = list(_records(sample, delimiter))
        # Each record weighs the lines it spans: a quoted cell holding a line
        # break makes one record of two lines, where a wrong separator makes two.
        firsts = [first for first, _, _ in records] + [len(sample) + 1]
        counts: Counter[int] = Counter()
        for (first, cells, _), after in zip(records, firsts[1:], strict=True):
            counts[len(cells)] += after - first
        width, times = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
        if width < 2:
            continue
        # Lines of that width, or of more than one cell.
        fits = sum(n for w, n in counts.items() if w >= 2)
        score = (times + fits, delimiter == preferred, width)
        if best is None or score > best:
            best, chosen = score, delimiter
    if best is None or best[0] < len(sample) // 2 + 1:
        if chosen is not None and _mostly_counts(sample):
            return None
        return chosen if best is not None and best[0] >= max(2, len(sample) // 3) else None
    if chosen != "\t" and _mostly_counts(sample) and best[0] < len(sample):
        return None
    return chosen


def _mostly_counts(sample: list[str]) -> bool:
    counted = sum(1 for line in sample if _COUNT_LINE.match(line))
    return counted * 2 > len(sample)


def delimited_rows(lines: list[str], delimiter: str) -> Iterator[Row]:
    for line, cells, starts in _records(lines, delimiter):
        yield Row(line, cells, starts)


def _records(lines: list[str], delimiter: str) -> Iterator[tuple[int, list[str], list[Location]]]:
    """Each CSV record with its first line and the location of each cell."""
    ended = [line + "\n" for line in lines]
    _allow_long_cells(sum(len(line) for line in ended))
    reader = csv.reader(ended, delimiter=delimiter)
    position = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:  # pragma: no cover - the limit is raised to the text's length
            return
        first = position + 1
        raw = "".join(ended[position : reader.line_num])
        position = reader.line_num
        yield first, cells, cell_starts(raw, first, delimiter, len(cells))


def records(text: str, delimiter: str) -> Iterator[tuple[int, list[str], str]]:
    """Each record of delimited text: its first line, its cells and its text
    (line ending included), for those that write the text back (the merge)."""
    lines = lines_of(text)
    _allow_long_cells(len(text))
    reader = csv.reader(lines, delimiter=delimiter)
    position = 0
    for cells in reader:
        first = position + 1
        raw = "".join(lines[position : reader.line_num])
        position = reader.line_num
        yield first, cells, raw


def csv_row(cells: Iterable[object], delimiter: str = ",", line_end: str = "\n") -> str:
    """One row of CSV as spreadsheets (and records) read it back: a cell holding
    the separator, a quote, CR or LF is quoted, whatever ``line_end`` is."""
    out = io.StringIO()
    # The csv module quotes CR and LF only where its line end holds them: a cell
    # with a lone CR, in a file of LF line ends, would end the row in a
    # spreadsheet, and what follows it begin one (a formula, say).
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerow(cells)
    return out.getvalue()[:-2] + line_end


def _allow_long_cells(size: int) -> None:
    """Python's csv refuses cells over 131,072 characters; a BOM's notes may be
    longer. The limit is raised (never lowered) to the text's length."""
    if csv.field_size_limit() < size + 1:
        csv.field_size_limit(size + 1)


def cell_starts(raw: str, first_line: int, delimiter: str, count: int) -> list[Location]:
    """Where each cell of one record starts, read as the csv module reads it: a quote
    opens quoting only at the start of a cell ('0.05" Dia.' is plain text), and
    a doubled quote inside quoting is a quote character."""
    if '"' not in raw and "\n" not in raw.rstrip("\r\n"):
        starts, column = [], 1
        for piece in raw.split(delimiter)[:count]:
            starts.append(Location(first_line, column))
            column += len(piece) + 1
        return starts or [Location(first_line, 1)]
    starts = [Location(first_line, 1)]
    line, column = first_line, 1
    quoted, just_closed, cell_start = False, False, True
    for char in raw:
        if char == '"' and (quoted or cell_start or just_closed):
            quoted = not quoted
            just_closed = not quoted
            cell_start = False
        else:
            just_closed = False
            cell_start = char == delimiter and not quoted
            if cell_start:
                starts.append(Location(line, column + 1))
        if char == "\n":
            line, column = line + 1, 1
        else:
            column += 1
    return starts


def split_otherwise(row: Row, delimiter: str) -> Row:
    """A row of one cell read again with another separator (a file whose rows
    do not all use the same one)."""
    text = row.cells[0] if row.cells else ""
    column = row.starts[0].column if row.starts else 1
    (_, cells, starts), *_ = list(_records([text], delimiter)) or [(1, [text], [])]
    moved = [Location(row.line, column + at.column - 1) for at in starts]
    return Row(row.line, cells, moved, row.kind)


# --- Markdown tables -----------------------------------------------------------------

_SEPARATOR = re.compile(r"\s*\|?\s*:?-{1,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?\s*")
_HEADING = re.compile(r"\s{0,3}(#{1,6})\s+(?P<title>.*?)\s*#*\s*")
_BOLD_LINE = re.compile(r"\s*(\*\*|__)(?P<title>[^*_]+?)(\*\*|__)\s*:?\s*")


def _has_markdown_table(lines: list[str]) -> bool:
    """Whether a line with a '|' is followed by a delimiter row (|---|---|)."""
    return any(
        "|" in before and "-" in line and _SEPARATOR.fullmatch(line)
        for before, line in itertools.pairwise(lines)
    )


def markdown_rows(lines: list[str]) -> Iterator[Row]:
    """The rows of every Markdown table, each table's header row marked, and
    the headings (and lines all in bold) between them."""
    number = 0
    in_table = False
    fenced = False
    seen_table = titled = False
    while number < len(lines):
        line = lines[number]
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        if fenced:
            number += 1
            in_table = False
            continue
        following = lines[number + 1] if number + 1 < len(lines) else ""
        if not in_table and "|" in line and _SEPARATOR.fullmatch(following) and "-" in following:
            yield _markdown_row(line, number + 1, "header")
            number += 2
            in_table = seen_table = True
            continue
        if in_table and "|" in line and line.strip():
            yield _markdown_row(line, number + 1, "cells")
            number += 1
            continue
        in_table = False
        heading = _HEADING.fullmatch(line) or _BOLD_LINE.fullmatch(line)
        if heading is not None and heading["title"].strip(" :"):
            title, _ = clean_markdown(heading["title"].rstrip(" :"))
            indent = len(line) - len(line.lstrip())
            kind = "heading"
            if not seen_table and not titled and line.lstrip().startswith("# "):
                kind = "title"  # the document's title, no section of it
                titled = True
            yield Row(number + 1, [title], [Location(number + 1, indent + 1)], kind)
        number += 1


def _markdown_row(line: str, number: int, kind: str) -> Row:
    cells, starts, links = [], [], []
    text = line.rstrip()
    position = len(text) - len(text.lstrip())
    if text[position : position + 1] == "|":
        position += 1
    start = position
    pieces: list[tuple[int, str]] = []
    escaped = False
    in_code = False
    for index in range(position, len(text)):
        char = text[index]
        if escaped:
            escaped = False
            continue
        if char == "\\":
            escaped = True
        elif char == "`":
            in_code = not in_code
        elif char == "|" and not in_code:
            pieces.append((start, text[start:index]))
            start = index + 1
    if text[start:].strip() or not text.endswith("|"):
        pieces.append((start, text[start:]))
    for offset, piece in pieces:
        lead = len(piece) - len(piece.lstrip())
        cell, found = clean_markdown(piece.replace("\\|", "|"))
        cells.append(cell)
        starts.append(Location(number, offset + lead + 1))
        links.append(tuple(found))
    return Row(number, cells, starts, kind, tuple(links))


_LINK = re.compile(
    r"!?\[(?P<text>(?:[^\[\]]|\[[^\]]*\])*)\]\(\s*(?P<url><[^>]*>|[^)\"]*?)\s*(?:\"[^\"]*\")?\s*\)"
)
_AUTOLINK = re.compile(r"<(?P<url>[A-Za-z][A-Za-z0-9+.-]*://[^>\s]+)>")


def clean_markdown(text: str) -> tuple[str, list[str]]:
    """A Markdown cell's text as it reads (links and images by their text,
    emphasis and code marks gone, <br> as a space) and the links in it."""
    links: list[str] = []

    def link(match: re.Match[str]) -> str:
        if not match.group(0).startswith("!"):  # "(url1; url2)": both
            links.extend(url for url in re.split(r"[;\s]+", match["url"].strip("<>")) if url)
        return match["text"]

    text = _LINK.sub(link, text)

    def autolink(match: re.Match[str]) -> str:
        links.append(match["url"])
        return match["url"]

    text = _AUTOLINK.sub(autolink, text)
    text = re.sub(r"<br\s*/?>", " ", text, flags=re.IGNORECASE)
    text = re.sub(r"</?[A-Za-z][^>]*>", "", text)
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])([*_])(?!\s)(.+?)(?<!\s)\1(?![\w*])", r"\2", text)
    text = re.sub(r"`([^`]*)`", r"\1", text)
    text = re.sub(r"~~(.+?)~~", r"\1", text)
    return " ".join(html.unescape(text).split()), links


# --- lists of counts -----------------------------------------------------------------

# OpenSCAD's whole-machine BOM: a count per assembly in "|"-ended columns, then the total.
_MATRIX = re.compile(r"(?:[ 0-9]*\|)+")
_BULLET = re.compile(r"\s*(?:[-*+•]\s+)?(?:\[[ xX]\]\s+)?(?:[0-9]+[.)]\s+(?=\S))?")
_COUNT_LINE = re.compile(
    r"\s*(?:[-*+•]\s+)?(?:(?:[ 0-9]*\|)+)?\s*[0-9]+(?:[.,][0-9]+)?\s*(?:[x×]|pcs?\.?|pieces)?\s+\S"
)
_COUNT_FIRST = re.compile(
    r"(?P<count>[0-9]+(?:[.,][0-9]+)?(?:\s*(?:[x×]|pcs?\.?|pieces|pce))?)(?:\s*@)?\s+"
    r"(?:[x×]\s+)?(?P<name>\S.*)",
    re.IGNORECASE,
)
_BULLET_ONLY = re.compile(r"\s*[-*+•]\s+(?:\[[ xX]\]\s+)?(?=\S)")
# " - Amazon - $35.99" after an entry: where to buy it, and its price.
_ASIDE = re.compile(r"\s+[-\u2013\u2014]\s+")
_SHOP_PRICE = re.compile(r"(?P<shop>[A-Za-z][\w .&'-]*?)\s+(?P<price>[$€£]\s?[0-9][0-9.,]*)")
_COUNT_LAST = re.compile(
    r"(?P<name>\S.*?)\s*(?:[,:-]\s*)?(?:[x×]\s*(?P<times>[0-9]+)|\(\s*(?:[x×]\s*)?(?P<inside>[0-9]+)\s*"
    r"(?:[x×]|pcs?\.?|pieces)?\s*\))",
    re.IGNORECASE,
)
_LIST_HEADING = re.compile(r"\s*(?P<title>[^\s|:][^|:]{0,80}):\s*")


def list_rows(lines: list[str], *, markdown: bool = False) -> Iterator[Row]:
    """The entries of a list of counts, and the headings above them."""
    listed = titled = False
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        heading = _HEADING.fullmatch(line) if markdown else None
        heading = heading or _BOLD_LINE.fullmatch(line) or _LIST_HEADING.fullmatch(line)
        if heading is not None and not _COUNT_LINE.match(line):
            title, _ = clean_markdown(heading["title"]) if markdown else (heading["title"], [])
            indent = len(line) - len(line.lstrip())
            kind = "heading"
            if markdown and not listed and not titled and line.lstrip().startswith("# "):
                kind, titled = "title", True
            yield Row(number, [title.strip().rstrip(":")], [Location(number, indent + 1)], kind)
            continue
        entry = _list_entry(line, number, markdown=markdown)
        if entry is not None:
            listed = True
            yield entry


def _list_entry(line: str, number: int, *, markdown: bool) -> Row | None:
    matrix = _MATRIX.match(line)
    start = matrix.end() if matrix else 0
    if not matrix:
        bullet = _BULLET.match(line)
        start = bullet.end() if bullet else 0
        if not markdown and bullet and line[: bullet.end()].strip()[:1].isdigit():
            start = len(line) - len(line.lstrip())  # "2 M3 screw": a count, not a numbered list
    body = line[start:]
    lead = len(body) - len(body.lstrip())
    body = body.strip()
    links: list[str] = []
    if markdown:
        body, links = clean_markdown(body)
    first = _COUNT_FIRST.fullmatch(body)
    if first is not None:
        count_at = Location(number, start + lead + 1)
        name_at = Location(number, start + lead + first.start("name") + 1)
        return _entry(number, (first["count"], first["name"]), (count_at, name_at), links)
    last = _COUNT_LAST.fullmatch(body)
    if last is not None and (markdown or matrix is None):
        count = last["times"] or last["inside"]
        count_start = last.start("times") if last["times"] else last.start("inside")
        count_at = Location(number, start + lead + count_start + 1)
        name_at = Location(number, start + lead + 1)
        return _entry(number, (count, last["name"]), (count_at, name_at), links)
    if markdown and _BULLET_ONLY.match(line) and body:  # "* Some glue": one, unless said
        at = Location(number, start + lead + 1)
        return _entry(number, ("", body), (at, at), links)
    return None


def _entry(
    number: int, written: tuple[str, str], at: tuple[Location, Location], links: list[str]
) -> Row:
    """A list entry's cells: count, name, and the price and shop said after it
    ("XL pulley - Amazon - $6.69")."""
    from ohw.design.bom.values import read_price

    count, text = written
    count_at, name_at = at
    parts = _ASIDE.split(text)
    price = shop = ""
    while len(parts) > 1:
        last = parts[-1].strip()
        paired = _SHOP_PRICE.fullmatch(last)
        if not price and not isinstance(read_price(last), str) and re.search(r"[$€£]", last):
            price = last
        elif not price and not shop and paired is not None:
            shop, price = paired["shop"], paired["price"]
        elif not shop and last.lower() in _SHOPS:
            shop = last
        else:
            break
        parts.pop()
    name = " - ".join(parts).strip()
    return Row(number, [count, name, price, shop], [count_at, name_at, name_at, name_at], "list",
               ((), tuple(links), (), ()))  # fmt: skip


_SHOPS = {
    "amazon", "ebay", "aliexpress", "mcmaster", "mcmaster-carr", "digikey", "digi-key", "mouser",
    "lcsc", "adafruit", "sparkfun", "pololu", "banggood", "home depot", "lowes", "lowe's",
    "misumi", "reichelt", "conrad", "tme", "rs", "farnell", "newark", "jlcpcb", "pcbway",
    "local hardware store", "hardware store", "ikea",
}  # fmt: skip
