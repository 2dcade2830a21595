"""What `ohw adopt` found and wrote, for people (text) or programs (JSON,
schemas/adopt-output.schema.json)."""

from __future__ import annotations

from typing import IO, Any

from ohw.adopt.adopting import Adoption
from ohw.report.reporters import JsonReporter, Reporter
from ohw.report.styled import Line, print_lines

FORMAT_VERSION = 1


class AdoptJson(JsonReporter[Adoption]):
    def document(self, result: Adoption) -> dict[str, Any]:
        return {
            "format_version": FORMAT_VERSION,
            "folder": str(result.folder),
            "manifest": str(result.manifest),
            "dry_run": result.dry_run,
            "merged": result.merged,
            "written": result.written,
            "commit": result.commit,
            "parts": result.parts,
            "added": result.added,
            "choices": result.choices,
            "unused": result.unused,
            "bom": result.bom,
            "license": result.license,
            "authors": result.authors,
            "undecided": [{"message": u.message, "where": u.where} for u in result.undecided],
            "text": result.text,
        }


class AdoptText(Reporter[Adoption]):
    def write(self, result: Adoption, stream: IO[str]) -> None:
        lines: list[Line] = []
        if result.dry_run:
            lines += [[(text, "")] for text in result.text.rstrip("\n").split("\n")]
            lines.append([("", "")])
        found = (
            f"{result.parts} parts, {len(result.choices)} choices"
            + (f" ({', '.join(result.choices)})" if result.choices else "")
            + f", {len(result.unused)} folders set apart, {result.authors} authors"
            + (f", BOM {result.bom}" if result.bom else "")
        )
        if result.dry_run:
            lines.append([(f"would write {result.manifest}: {found} (--dry-run)", "bold")])
        elif result.written:
            done = "added to" if result.merged else "wrote"
            what = f"{len(result.added)} new parts" if result.merged else found
            lines.append([(f"✔ {done} {result.manifest}: {what}", "green")])
        else:
            lines.append([(f"✔ {result.manifest} already holds every part: nothing new", "green")])
        if result.commit:
            lines.append([(f"  committed as {result.commit[:7]}", "")])
        if result.undecided:
            lines.append([("could not decide (say it in ohw.yaml where shown):", "bold yellow")])
            for item in result.undecided:
                lines.append([("  - ", ""), (item.message, ""), (f"  → {item.where}", "dim")])
        if result.written and not result.commit:
            lines.append([("  review it (git diff), run `ohw check`, then commit it", "dim")])
        print_lines(lines, stream)
