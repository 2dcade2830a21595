"""Findings: what a check reports, and the stable catalog of finding ids."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ohw.storage.yaml.document import Location


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


@dataclass(frozen=True)
class Rule:
    """A kind of finding: its stable id, default severity, title and usual fix."""

    id: str
    severity: Severity
    title: str
    hint: str


_E, _W, _N = Severity.ERROR, Severity.WARNING, Severity.NOTE

RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        Rule(
            "OHW101", _E, "File is not readable YAML", "fix the YAML syntax at the position shown"
        ),
        Rule("OHW102", _E, "Duplicate key in a YAML mapping", "keep one of the two keys"),
        Rule(
            "OHW103",
            _E,
            "YAML content ohw does not accept",
            "use plain data only: no tags, no recursive or exploding aliases, "
            "no deep nesting, no huge or infinite numbers",
        ),
        Rule(
            "OHW110",
            _E,
            "Manifest does not match its schema",
            "see `ohw schema manifest` for the allowed keys and values",
        ),
        Rule(
            "OHW111",
            _E,
            "BOM does not match its schema",
            "see `ohw schema bom` for the allowed keys and values",
        ),
        Rule(
            "OHW112",
            _E,
            "Unsupported manifest format version",
            "write `ohw: 1`, or upgrade ohw if the design needs a newer format",
        ),
        Rule(
            "OHW113",
            _E,
            "Settings file does not match its schema",
            "see `ohw schema settings` for the keys of .ohw.yaml and their values",
        ),
        Rule("OHW120", _E, "Duplicate part id", "give every part its own id"),
        Rule(
            "OHW121",
            _E,
            "Choice default is none of its options",
            "give as default a part id (or option) of a part with that choice",
        ),
        Rule(
            "OHW122",
            _W,
            "Choice described twice, or with no parts",
            "describe each choice once, with the id its parts give as `choice`",
        ),
        Rule(
            "OHW201",
            _E,
            "Referenced file does not exist",
            "add the file, or correct the path (relative to the folder holding ohw.yaml)",
        ),
        Rule(
            "OHW202",
            _E,
            "Path not allowed",
            "write a relative path inside the design, with '/' between names",
        ),
        Rule(
            "OHW203",
            _E,
            "Path leads through a symbolic link out of the design",
            "copy the file into the design instead of linking to it",
        ),
        Rule(
            "OHW204",
            _E,
            "Path leads into a submodule or nested repository",
            "copy the file into the design: a submodule's content is not part of the design",
        ),
        Rule(
            "OHW205",
            _W,
            "Mesh file not referenced by any part",
            "add a part whose export (or source) is this file, or delete the file",
        ),
        Rule(
            "OHW206",
            _E,
            "Path names a folder where a file is needed",
            "name the file itself, not its folder",
        ),
        Rule(
            "OHW207",
            _E,
            "File name Windows cannot check out",
            'rename it: no < > : " \\ ? * or vertical bar, no control characters, no trailing '
            "dot or space, and no device name such as CON, NUL or COM1",
        ),
        Rule(
            "OHW208",
            _W,
            "File name contains spaces",
            "use '-' or '_' instead: spaces break shell scripts, Makefiles and links",
        ),
        Rule(
            "OHW209",
            _E,
            "File names differ only in case or composition",
            "rename one of them: on Windows and macOS the two are one file, and one is lost",
        ),
        Rule(
            "OHW210",
            _W,
            "File is larger than the size limit",
            "make the file smaller (binary STL, fewer facets), or raise check.max-file-size-mib "
            "in .ohw.yaml",
        ),
        Rule(
            "OHW211",
            _E,
            "File has unresolved merge conflicts",
            "settle it with `ohw resolve PATH --ours` (or `--theirs`, `--base`; or edit it, "
            "then `ohw resolve PATH`) and finish with `ohw merge --continue`; or undo the "
            "merge with `ohw merge --abort`",
        ),
        Rule(
            "OHW301",
            _E,
            "Mesh file cannot be read",
            "export the mesh again from the CAD program; the message says what is wrong",
        ),
        Rule("OHW302", _E, "Mesh has holes", "close the holes in the CAD model and export again"),
        Rule(
            "OHW303",
            _E,
            "Mesh has non-manifold edges",
            "separate bodies that meet along an edge or join them into one solid; remove walls "
            "of no thickness (fins)",
        ),
        Rule(
            "OHW304",
            _E,
            "Mesh winding is inconsistent",
            "`ohw mesh repair` makes the winding consistent",
        ),
        Rule(
            "OHW305",
            _E,
            "Mesh body is inside out",
            "`ohw mesh repair` turns inside-out bodies the right way out",
        ),
        Rule(
            "OHW306",
            _W,
            "Mesh has degenerate facets",
            "they add nothing: remove them in the CAD export, or with `ohw mesh repair`",
        ),
        Rule(
            "OHW307",
            _W,
            "Stored normals point against the winding",
            "most slicers recompute normals; `ohw mesh repair` writes them right",
        ),
        Rule(
            "OHW308",
            _W,
            "Mesh units look wrong",
            "check the units of the CAD export: ohw designs are in millimetres",
        ),
        Rule(
            "OHW309",
            _W,
            "Mesh is ASCII STL",
            "export binary STL instead, or rewrite it as binary STL with "
            "`ohw mesh repair FILE --in-place`",
        ),
        Rule(
            "OHW401",
            _E,
            "Duplicate BOM item id",
            "give every BOM item its own id; merge the two rows if they are the same item",
        ),
        Rule(
            "OHW402",
            _E,
            "BOM quantity is not a positive number",
            "write how many one unit of the design needs, as a number greater than 0",
        ),
        Rule(
            "OHW403",
            _E,
            "Currency is not an ISO 4217 code",
            "write a three-letter ISO 4217 code such as EUR, USD or GBP",
        ),
        Rule(
            "OHW404",
            _E,
            "Price is negative or not a number",
            "write the price of one unit as a number of 0 or more, without currency sign",
        ),
        Rule(
            "OHW410",
            _W,
            "BOM table has no quantity column",
            "add a quantity column (qty) saying how many one unit of the design needs",
        ),
        Rule(
            "OHW411",
            _E,
            "BOM row has more cells than the header",
            "give every row as many cells as the header; quote cells that contain the separator",
        ),
        Rule(
            "OHW412",
            _W,
            "BOM column not understood",
            "rename the column to one ohw reads (see the README); its cells are kept in notes",
        ),
        Rule(
            "OHW413",
            _E,
            "BOM file cannot be read",
            "save the BOM as CSV (UTF-8), or write it as a Markdown table",
        ),
        Rule(
            "OHW414",
            _W,
            "BOM row left out",
            "write the row's quantity as a number (with a unit, such as 2 m or 1 set), and "
            "what the item is",
        ),
        Rule(
            "OHW415",
            _W,
            "BOM quantity differs from the count of designators",
            "make the quantity the number of designators, or correct the designators",
        ),
        Rule(
            "OHW416",
            _W,
            "BOM cell not read",
            "write the value as the message says; until then it is kept in the item's notes",
        ),
        Rule("OHW417", _W, "BOM file is not UTF-8 text", "save the file with UTF-8 encoding"),
        Rule(
            "OHW418",
            _W,
            "BOM table has no header row",
            "start the table with a row of column names: name, quantity, designators, ...",
        ),
        Rule(
            "OHW419",
            _N,
            "BOM row with quantity 0 left out",
            "remove the row if the design does not need the item",
        ),
        Rule(
            "OHW501",
            _E,
            "Licence is not a valid SPDX expression",
            "use SPDX identifiers from https://spdx.org/licenses/ (e.g. CERN-OHL-S-2.0), "
            "or LicenseRef-<name> for a licence not on the list",
        ),
        Rule(
            "OHW502",
            _E,
            "No hardware licence",
            "add `license: {hardware: ...}` to ohw.yaml (e.g. CERN-OHL-S-2.0)",
        ),
        Rule(
            "OHW503",
            _W,
            "Deprecated SPDX identifier",
            "use the current identifier shown in the message",
        ),
        Rule(
            "OHW504",
            _E,
            "Remixed work's licence forbids remixing",
            "remove the part, or ask its authors to license it for derivatives and "
            "commercial use (no NC or ND)",
        ),
        Rule(
            "OHW505",
            _E,
            "Design's licence is weaker than remixed work requires",
            "license the design under one of the licences the message names, or remove the part",
        ),
        Rule(
            "OHW601",
            _E,
            "Instructions cite an unknown part",
            "cite a part id from ohw.yaml as [text](part:ID)",
        ),
        Rule(
            "OHW602",
            _E,
            "Instructions cite an unknown BOM item",
            "cite a BOM item id as [text](bom:ID)",
        ),
        Rule(
            "OHW603",
            _E,
            "Image linked from instructions does not exist",
            "add the image, or correct the path (relative to the Markdown file)",
        ),
        Rule(
            "OHW604",
            _E,
            "File linked from instructions does not exist",
            "add the file, or correct the path (relative to the Markdown file)",
        ),
        Rule(
            "OHW701",
            _E,
            "OKH manifest cannot be read",
            "fix the TOML or YAML at the position shown, and save the file as UTF-8",
        ),
        Rule("OHW702", _E, "Key given twice in the OKH manifest", "keep one of the two keys"),
        Rule(
            "OHW703",
            _E,
            "OKH manifest holds no manifest",
            "write the manifest's keys and values (see the OKH template, okh-TEMPLATE.toml)",
        ),
        Rule(
            "OHW704",
            _N,
            "Line starting with % in an OKH manifest ignored",
            "remove the line: YAML reads lines starting with % as directives, "
            "and knows only %YAML and %TAG",
        ),
        Rule(
            "OHW705",
            _W,
            "Key not in the OKH table",
            "see docs/okh.md for the keys OKH defines; the value is kept under "
            "extensions.okh, and ohw export okh writes it back",
        ),
        Rule(
            "OHW706",
            _N,
            "OKH value written in ohw's form",
            "check that the value means what the manifest meant",
        ),
        Rule(
            "OHW707",
            _W,
            "OKH value has no place in ohw.yaml",
            "the value is kept as written under extensions.okh; give it in a form ohw "
            "knows (see the message) to have it checked",
        ),
        Rule(
            "OHW708",
            _N,
            "Maintainer's value kept over the OKH manifest's",
            "the design's own value is kept; edit ohw.yaml if the OKH manifest's is right",
        ),
        Rule(
            "OHW710",
            _E,
            "Design lacks what an OKH manifest requires",
            "add the key the message names to ohw.yaml",
        ),
        Rule(
            "OHW711",
            _W,
            "Value has no place in the OKH format",
            "the OKH manifest leaves it out; ohw.yaml keeps it",
        ),
        Rule(
            "OHW712",
            _N,
            "OKH value taken from elsewhere in the design",
            "give the value in ohw.yaml to choose it yourself",
        ),
        Rule(
            "OHW801",
            _E,
            "Exported file has no source in the design",
            "add the part's editable source (the CAD file it was exported from) as its "
            "`source`: a mesh is not the preferred form for making changes",
        ),
        Rule(
            "OHW802",
            _E,
            "No licence for the documentation",
            "add `license: {documentation: ...}` to ohw.yaml (e.g. CC-BY-SA-4.0)",
        ),
        Rule(
            "OHW803",
            _E,
            "No licence for the software",
            "add `license: {software: ...}` to ohw.yaml (e.g. GPL-3.0-or-later)",
        ),
        Rule(
            "OHW804",
            _E,
            "Licence is not open",
            "choose a licence that allows commercial use and derivatives (no NC, no ND)",
        ),
        Rule(
            "OHW805",
            _E,
            "No bill of materials",
            "add a BOM: `bom: bom.yaml` (or bom.csv) in ohw.yaml",
        ),
        Rule(
            "OHW806",
            _E,
            "No assembly instructions",
            "add build instructions: `instructions: instructions/` with Markdown steps",
        ),
        Rule(
            "OHW807",
            _W,
            "No picture of the design",
            "add `images:` to ohw.yaml with a photo or rendering of the finished thing",
        ),
        Rule(
            "OHW808",
            _E,
            "No contact",
            "add `contact: {name: ..., email: ...}` to ohw.yaml, or authors with an e-mail",
        ),
        Rule("OHW809", _W, "No README", "add README.md and name it as `readme` in ohw.yaml"),
        Rule(
            "OHW810",
            _E,
            "Release lacks what OKH requires",
            "add the key the message names to ohw.yaml",
        ),
    )
}


@dataclass(frozen=True)
class Finding:
    """One problem found in a design, located as precisely as the file allows."""

    rule: str
    severity: Severity
    file: str
    message: str
    hint: str
    line: int | None = None
    column: int | None = None
    check: str = ""  # the check that found it (parts, meshes, ...), set by check_design

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.line or 0, self.column or 0, self.rule)


def finding(
    rule: str, file: str, message: str, at: Location | None = None, hint: str = ""
) -> Finding:
    """A finding of ``rule``, with the rule's severity and, unless given, its usual hint."""
    known = RULES[rule]
    return Finding(
        rule=rule,
        severity=known.severity,
        file=file,
        message=message,
        hint=hint or known.hint,
        line=at.line if at else None,
        column=at.column if at else None,
    )
