"""What `ohw bom import` read, made and left out, for people (text) or
programs (JSON, schemas/bom-import.schema.json)."""

from __future__ import annotations

from typing import IO, Any

from ohw.design.bom.importing import FORMAT_VERSION, BomImport
from ohw.report.okh import _finding_json, _finding_lines
from ohw.report.reporters import JsonReporter, Reporter
from ohw.report.styled import print_lines

# What each kind of row that is not an item is, in words.
_KINDS = {
    "preamble": "above the header",
    "header": "a header row",
    "section": "section headings",
    "total": "totals",
    "note": "notes such as 'Count: 12'",
    "assembly": "sub-assemblies",
    "table": "tables the parts list with totals repeats",
    "row": "rows that could not be read as items",
}


class BomImportJson(JsonReporter[BomImport]):
    def document(self, result: BomImport) -> dict[str, Any]:
        return {
            "format_version": FORMAT_VERSION,
            "source": result.source,
            "output": result.output,
            "written": result.written,
            "layout": result.layout or None,
            "encoding": result.encoding or None,
            "items": result.items,
            "generated_ids": result.generated_ids,
            "columns": [{"header": h, "read_as": m} for h, m in result.columns],
            "left_out": [
                {"line": row.line, "kind": row.kind, "text": row.text} for row in result.left_out
            ],
            "findings": [_finding_json(f) for f in result.findings],
        }


class BomImportText(Reporter[BomImport]):
    def write(self, result: BomImport, stream: IO[str]) -> None:
        lines = _finding_lines(result.findings)
        if not result.written:
            lines.append([(f"✘ {result.source} not imported: nothing was written", "bold red")])
            print_lines(lines, stream)
            return
        lines.append(
            [
                (
                    f"✔ {result.source} ({result.layout}) written to {result.output}: "
                    f"{result.items} item{'s' if result.items != 1 else ''}",
                    "bold green",
                )
            ]
        )
        if result.generated_ids:
            lines.append(
                [(f"  ids made for {result.generated_ids} (from MPN, name or designators)", "")]
            )
        if result.columns:
            lines.append(
                [("  columns: ", "dim"), (", ".join(f"{h} → {m}" for h, m in result.columns), "")]
            )
        counts: dict[str, list[int]] = {}
        for row in result.left_out:
            counts.setdefault(row.kind, []).append(row.line)
        for kind, numbers in counts.items():
            shown = ", ".join(str(n) for n in numbers[:12]) + (" ..." if len(numbers) > 12 else "")
            style = "yellow" if kind == "row" else "dim"
            lines.append([(f"  not items: {_KINDS.get(kind, kind)} (line {shown})", style)])
        if result.rows_left_out:
            lines.append(
                [(f"  {len(result.rows_left_out)} row(s) left out are kept as comments at the end "
                  f"of {result.output}: correct them and move them into the items", "yellow")]
            )  # fmt: skip
        lines.append(
            [(f"  next: name it in ohw.yaml as `bom: {result.output}`, then run ohw check", "dim")]
        )
        print_lines(lines, stream)
