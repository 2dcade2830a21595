"""`ohw bom import FILE`: a BOM table (CSV, TSV, Markdown, a list of counts)
converted into bom.yaml, with a report of what was read, made and left out.

The bom.yaml is written in block style, one key a line, every text quoted
where YAML could read it as anything but that text ("0603", "yes"), and read
back before it is written: it must hold exactly the items read. Rows that were
left out for want of a quantity or a name are kept at its end as comments,
ready to be corrected and moved into the items; there, and in the file's
name, a line break or a character YAML refuses is written as an escape. The
file is written through a temporary file and renamed (ohw.storage.files),
never over an existing file unless asked to.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ohw.design.bom.rows import LeftOut
from ohw.design.bom.tables import ITEM_ORDER, TableBom, read_bom_table
from ohw.design.findings import Finding, finding
from ohw.errors import OhwError
from ohw.storage.files import write_atomically
from ohw.storage.yaml.document import STR, ReadProblem, plain_tag

FORMAT_VERSION = 1


@dataclass
class BomImport:
    """What `ohw bom import` read, made and left out."""

    source: str
    output: str
    written: bool = False
    layout: str = ""
    encoding: str = ""
    items: int = 0
    generated_ids: int = 0
    columns: list[tuple[str, str]] = field(default_factory=list)  # header, what it was read as
    left_out: list[LeftOut] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def rows_left_out(self) -> list[LeftOut]:
        """The rows that looked like items but could not be read as one."""
        return [row for row in self.left_out if row.kind == "row"]


def import_bom(source: Path, output: Path, *, force: bool = False) -> BomImport:
    """Convert the BOM table ``source`` into ``output`` (a bom.yaml)."""
    if not source.is_file():
        raise OhwError(
            f"{source} is not a file", "give the BOM file to import: ohw bom import BOM.csv"
        )
    if output.exists() and not force:
        raise OhwError(f"{output} exists", "give another -o, or --force to replace it")
    if output.exists() and output.resolve() == source.resolve():
        raise OhwError(f"{output} is the file being imported", "give another -o")
    result = BomImport(str(source), str(output))
    try:
        table = read_bom_table(source.read_bytes(), source.name)
    except ReadProblem as problem:
        result.findings.append(
            finding(problem.rule, source.name, problem.message, problem.at, problem.hint)
        )
        return result
    result.layout, result.encoding = table.layout, table.encoding
    result.findings = [
        finding(p.rule, source.name, p.message, p.at, p.hint) for p in table.problems
    ]
    items = table.document.data["items"]
    result.items = len(items)
    result.generated_ids = len(table.generated)
    result.columns = list(dict.fromkeys((h, m) for _, h, m in table.columns if h))
    result.left_out = list(table.left_out)
    text = bom_yaml(table, source.name)
    output.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(output, text.encode("utf-8"))
    result.written = True
    return result


def bom_yaml(table: TableBom, source: str) -> str:
    """The bom.yaml of a table BOM: its items, then the rows left out, as comments."""
    items = table.document.data["items"]
    made = f"; ids made for {len(table.generated)}" if table.generated else ""
    lines = [
        f"# Converted by `ohw bom import` from {_comment(source)} ({table.layout}): "
        f"{len(items)} item{'s' if len(items) != 1 else ''}{made}.",
    ]
    if table.generated:
        lines.append("# Ids were made from each item's MPN, name or designators (see the README).")
    body = _items_yaml(items)
    text = "\n".join(lines) + "\n" + body
    from ohw.design.reader import parse_file  # the one reader, to read it back

    checked = parse_file("bom.yaml", "bom", text.encode("utf-8"))
    if not checked.valid or checked.data != {"items": items}:  # pragma: no cover - a safety net
        text = "\n".join(lines) + "\n" + json.dumps({"items": items}, indent=2) + "\n"
    left = [row for row in table.left_out if row.kind == "row" and row.item]
    if left:
        text += "\n# Rows left out: correct each, then move it into the items above.\n"
        for row in left:
            assert row.item is not None
            text += f"# {_comment(source)}:{row.line}: {_comment(row.text)}\n"
            ordered = {k: row.item[k] for k in ITEM_ORDER if k in row.item}
            for line in _item_lines(ordered):
                text += f"# {line}\n"
    return text


# What a comment cannot hold as it is: a line break (YAML 1.1's too), which
# would end it and let the rest be read as data, and what YAML refuses anywhere.
_NOT_IN_COMMENTS = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029\ufeff\ufffe\uffff]"
)


def _comment(text: str) -> str:
    """Text from the table (a file name, a row) as it can stand in a comment."""
    return _NOT_IN_COMMENTS.sub(lambda c: json.dumps(c.group(0))[1:-1], text)


def _items_yaml(items: list[dict[str, Any]]) -> str:
    if not items:
        return "items: []\n"
    lines = ["items:"]
    for item in items:
        lines.extend(_item_lines(item))
    return "\n".join(lines) + "\n"


def _item_lines(item: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    first = True
    for key, value in item.items():
        lead = "  - " if first else "    "
        first = False
        lines.extend(_entry(lead, "    ", key, value))
    return lines


def _entry(lead: str, indent: str, key: str, value: Any) -> list[str]:
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        lines = [f"{lead}{key}:"]
        for entry in value:
            inner = True
            for sub_key, sub_value in entry.items():
                sub_lead = f"{indent}  - " if inner else f"{indent}    "
                inner = False
                lines.extend(_entry(sub_lead, f"{indent}    ", sub_key, sub_value))
        return lines
    if isinstance(value, list):
        return [f"{lead}{key}: [{', '.join(_scalar(v, flow=True) for v in value)}]"]
    if isinstance(value, str) and "\n" in value and _block_safe(value):
        body = [f"{indent}  {line}" if line else "" for line in value.split("\n")]
        return [f"{lead}{key}: |-", *body]
    return [f"{lead}{key}: {_scalar(value)}"]


def _block_safe(text: str) -> bool:
    """Whether a text with line breaks reads back the same as a literal block."""
    return (
        not text.startswith((" ", "\n"))
        and not text.endswith("\n")
        and not any(line != line.rstrip() for line in text.split("\n"))
        and not re.search(r"[\t\r\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]", text)
    )


_YAML11_WORDS = re.compile(r"(?i)y|n|yes|no|on|off|true|false|null|~")
_NUMBER_LIKE = re.compile(r"[-+.]?[0-9][0-9_.,:eExXoObB+-]*")
_PLAIN = re.compile(r"[A-Za-z0-9(µ°Ω][^\n]*")


def _scalar(value: Any, *, flow: bool = False) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    text = str(value)
    plain = (
        _PLAIN.fullmatch(text)
        and text == text.strip()
        and ": " not in text
        and " #" not in text
        and not text.endswith(":")
        and not _YAML11_WORDS.fullmatch(text)
        and not _NUMBER_LIKE.fullmatch(text)
        and plain_tag(text) == STR
        and not re.search(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\"'`]", text)
        and not (flow and re.search(r"[,\[\]{}]", text))
    )
    return text if plain else _quoted(text)


def _quoted(text: str) -> str:
    """A double-quoted YAML scalar: JSON's string, with the characters YAML does
    not allow as they are (DEL, the C1 controls, U+FFFE and U+FFFF) and those
    YAML 1.1 readers break lines at escaped too."""
    return json.dumps(text, ensure_ascii=False).translate(_ESCAPED)


_ESCAPED = {
    **{code: f"\\x{code:02x}" for code in range(0x7F, 0xA0)},
    0x2028: "\\u2028",
    0x2029: "\\u2029",
    0xFEFF: "\\ufeff",
    0xFFFE: "\\ufffe",
    0xFFFF: "\\uffff",
}
