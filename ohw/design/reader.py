"""The one reader of a design: its manifest and BOM, at any revision, held to
their schemas, with where every value was written.

Every command that works on a design reads it here: the checks, the differ,
the BOM roll-up, the kit, remixes, credits, the catalog and the pictures. A
``Design`` is plain data; what one run of the checks notes as it goes lives
apart (ohw.checks.context).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ohw import __version__
from ohw.design.bom.items import BomItem
from ohw.design.bom.tables import read_bom_table
from ohw.design.findings import RULES, Finding, Severity, finding
from ohw.design.manifest import Manifest
from ohw.design.paths import MANIFEST, design_folder, normalize, path_problem
from ohw.design.schemas import Violation, validate
from ohw.errors import OhwError
from ohw.storage.cache import ResultCache, blob_id
from ohw.storage.tree import DesignTree, Entry, Kind
from ohw.storage.yaml.document import Document, JsonPath, Location, ReadProblem
from ohw.storage.yaml.read import load_yaml

RULE_MANIFEST_SCHEMA = "OHW110"
RULE_BOM_SCHEMA = "OHW111"
BOM_SUFFIXES = (".yaml", ".yml", ".csv", ".tsv", ".txt", ".md", ".markdown")
# A BOM in one of these is a table (or a list of counts), read by ohw.design.bom.tables.
TABLE_SUFFIXES = BOM_SUFFIXES[2:]


@dataclass(frozen=True)
class DesignFile:
    """A manifest or a BOM file as read: its data as its schema reads it (plain
    scalars as text where the schema wants text), valid or not, and what is
    wrong with it. ``document`` (where each value was written) is None for a
    file that cannot be read, and for one whose reading was remembered."""

    path: str
    content_id: str | None  # the git blob id, where the reader knew it
    data: Any  # None when the file cannot be read
    document: Document | None = None
    problems: tuple[Finding, ...] = ()
    unreadable: str = ""  # why there is no data
    valid: bool = False  # read, and true to its schema


# How a design's files are read: by path, as a manifest or a BOM ("manifest",
# "bom" or "bom-table"). The differ gives one that remembers files by content.
FileReader = Callable[[DesignTree, str, str], DesignFile]


def read_file(tree: DesignTree, path: str, kind: str) -> DesignFile:
    """The manifest or BOM file ``path`` of ``tree``, read and validated."""
    return parse_file(path, kind, tree.read_bytes(path))


# A manifest or a BOM larger than this is refused, not read: the largest real
# ones are a few hundred kilobytes, and reading takes some forty times the
# file's size in memory.
MAX_DESIGN_FILE_BYTES = 16 << 20
# A BOM table is read cell by cell, some 120 µs of processor a row: one of
# 8 MB (125,000 rows) is read in 15 s, the largest real ones in a fraction of one.
MAX_BOM_TABLE_BYTES = 8 << 20


def parse_file(path: str, kind: str, raw: bytes, content_id: str | None = None) -> DesignFile:
    """A manifest or BOM file's bytes, read and validated by its schema."""
    limit = MAX_BOM_TABLE_BYTES if kind == "bom-table" else MAX_DESIGN_FILE_BYTES
    if len(raw) > limit:
        rule = "OHW413" if kind == "bom-table" else "OHW101"
        why = (
            f"the file is {len(raw) / (1 << 20):.0f} MB, more than ohw reads as a "
            f"{'manifest' if kind == 'manifest' else 'BOM'} ({limit >> 20} MB)"
        )
        found = (
            finding(rule, path, why, None, "split it, or keep what is not the design elsewhere"),
        )
        return DesignFile(path, content_id, None, None, found, why)
    try:
        if kind == "bom-table":
            converted = read_bom_table(raw, path)
            document, problems = converted.document, converted.problems
        else:
            document, problems = load_yaml(raw), []
    except ReadProblem as problem:
        found = (_read_finding(problem, path),)
        return DesignFile(path, content_id, None, None, found, problem.message)
    return _validated(path, kind, document, problems, content_id)


def _validated(
    path: str, kind: str, document: Document, problems: list[ReadProblem], content_id: str | None
) -> DesignFile:
    manifest = kind == "manifest"
    data, violations = validate(
        document, "manifest" if manifest else "bom", "the manifest" if manifest else "the BOM"
    )
    rule = RULE_MANIFEST_SCHEMA if manifest else RULE_BOM_SCHEMA
    found = (*(_read_finding(p, path) for p in problems), *_schema_findings(violations, path, rule))
    # A manifest is worked on only when true to its schema; a YAML BOM, when
    # nothing in it is an error; a table BOM, when the items read from it are
    # true to the schema: a row that cannot be read is a finding and is left
    # out, and the other rows are worked on.
    valid = not violations if manifest or kind == "bom-table" else not _errors(found)
    return DesignFile(path, content_id, data, document, found, "", valid)


@dataclass
class Design:
    """A design as read at one revision.

    ``manifest`` and ``bom`` are the typed model, there only where their files
    are true to their schemas; ``manifest_file`` and ``bom_file`` hold what was
    read, valid or not (a comparison of two revisions reads both)."""

    tree: DesignTree
    manifest_file: DesignFile | None = None  # None: the design has no manifest here
    manifest: Manifest | None = None
    manifest_unreadable: str = ""  # why there is no manifest to work on
    bom_path: str = MANIFEST  # the file holding the BOM: ohw.yaml when written inline
    bom_file: DesignFile | None = None
    bom: list[BomItem] | None = None
    bom_unreadable: str = ""  # why there is no BOM, when there should be one
    problems: list[Finding] = field(default_factory=list)  # what reading found wrong
    files_read: list[str] = field(default_factory=list)

    @property
    def manifest_document(self) -> Document | None:
        return (
            self.manifest_file.document
            if self.manifest is not None and self.manifest_file
            else None
        )

    @property
    def bom_document(self) -> Document | None:
        if self.bom is None:
            return None
        if self.bom_path == MANIFEST:
            return self.manifest_document
        return self.bom_file.document if self.bom_file else None

    def bom_items(self) -> list[dict[str, Any]]:
        """The BOM's items as data; an error where the BOM cannot be read."""
        if self.bom is None:
            raise OhwError(
                f"the BOM cannot be read: {self.bom_unreadable}",
                "run ohw check and fix what it reports first",
            )
        if self.manifest is not None and self.manifest.bom_items is not None:
            return self.manifest.bom_items
        if self.bom_file is None:
            return []
        items: list[dict[str, Any]] = self.bom_file.data["items"]
        return items

    def at_manifest(self, path: JsonPath) -> Location | None:
        document = self.manifest_document
        return document.locate(path) if document else None

    def at_manifest_key(self, path: JsonPath) -> Location | None:
        document = self.manifest_document
        return document.locate_key(path) if document else None

    def at_bom(self, path: JsonPath) -> Location | None:
        document = self.bom_document
        return document.locate(path) if document else None

    def instruction_files(self) -> list[str]:
        """The Markdown files of the instructions: the file the manifest names,
        or those in the folder it names; none where the path is wrong (a
        finding of the paths check)."""
        return [entry.path for _, entry in self.instruction_entries() if entry.kind is Kind.FILE]

    def instruction_entries(self) -> list[tuple[str, Entry]]:
        """Each Markdown name of the instructions, and what it leads to: a file
        of the design, or (a link out of it, a pipe) something the instructions
        check reports."""
        written = self.manifest.instructions if self.manifest else None
        if written is None or path_problem(written):
            return []
        entry = self.tree.resolve(normalize(written))
        if entry.kind is Kind.FILE:
            return [(entry.path, entry)]
        if entry.kind is not Kind.FOLDER:
            return []
        prefix = f"{entry.path}/" if entry.path else ""
        found = []
        for path, kind in self.tree.entries:
            if path.startswith(prefix) and path.lower().endswith(".md"):
                led_to = Entry(Kind.FILE, path) if kind is Kind.FILE else self.tree.resolve(path)
                found.append((path, led_to))
        return sorted(found, key=lambda each: each[0])  # steps are read in name order


def read_design(
    tree: DesignTree, written: Document | None = None, *, read: FileReader = read_file
) -> Design:
    """The design in ``tree``; ``written``, if given, is its manifest as already
    read (its YAML, not yet validated). ``read`` reads each file."""
    design = Design(tree)
    if written is not None:
        design.manifest_file = _validated(MANIFEST, "manifest", written, [], None)
    elif tree.resolve(MANIFEST).kind is Kind.FILE:
        design.manifest_file = read(tree, MANIFEST, "manifest")
    else:
        design.manifest_unreadable = f"there is no {MANIFEST}"
        return design
    manifest_file = design.manifest_file
    design.files_read.append(MANIFEST)
    design.problems.extend(manifest_file.problems)
    if manifest_file.data is None:
        design.manifest_unreadable = f"{MANIFEST} cannot be read"
        return design
    if not manifest_file.valid:
        design.manifest_unreadable = f"{MANIFEST} does not match the manifest schema"
        return design
    design.manifest = manifest = Manifest.from_data(manifest_file.data)
    if manifest.bom_items is not None:
        design.bom = [
            BomItem.from_data(item, ("bom", i)) for i, item in enumerate(manifest.bom_items)
        ]
    elif manifest.bom_file is not None:
        _read_bom(design, manifest.bom_file, read)
    else:
        design.bom = []
    return design


def read_valid_design(tree: DesignTree) -> Design:
    """The design a command works on: an error, rather than findings, when its
    manifest cannot be read or breaks its schema."""
    design = read_design(tree)
    if design.manifest is None:
        raise OhwError(
            f"this design's {MANIFEST} cannot be read: {design.manifest_unreadable}",
            "run ohw check and fix what it reports first",
        )
    return design


def bom_kind(path: str) -> str:
    """How a BOM file is read: "bom" (YAML) or "bom-table" (CSV, TSV, Markdown, text)."""
    return "bom-table" if path.lower().endswith(TABLE_SUFFIXES) else "bom"


def _read_bom(design: Design, path: str, read: FileReader) -> None:
    if path_problem(path) or not design.tree.exists(path):
        design.bom_unreadable = f"the BOM file {path} cannot be read"  # a path finding says why
        return
    if not path.lower().endswith(BOM_SUFFIXES):
        design.problems.append(
            finding(
                RULE_MANIFEST_SCHEMA,
                MANIFEST,
                f"the BOM file {path} is neither YAML nor a table ohw reads",
                design.at_manifest(("bom",)),
                "name a bom.yaml, or a table: .csv, .tsv, .md (Markdown) or .txt "
                "(a spreadsheet saved as CSV)",
            )
        )
        design.bom_unreadable = f"the BOM file {path} is neither YAML nor a table ohw reads"
        return
    design.bom_path = path
    design.bom_file = bom_file = read(design.tree, path, bom_kind(path))
    design.files_read.append(path)
    design.problems.extend(bom_file.problems)
    if not bom_file.valid:
        unreadable = bom_file.unreadable
        design.bom_unreadable = f"{path}: {unreadable}" if unreadable else f"{path} has errors"
        return
    design.bom = [
        BomItem.from_data(item, ("items", i)) for i, item in enumerate(bom_file.data["items"])
    ]


# Files read by content; the schema's reading of them changes with ohw.
_CONTENT_CACHE_VERSION = 3


class ContentReader:
    """Reads design files and remembers each by its content: in memory, and on
    disk by git blob id, so that a log over hundreds of commits reads each
    version of each file once. What it remembers is the data, not where each
    value was written: for comparing revisions, not for locating findings."""

    def __init__(self, cache_directory: Path) -> None:
        self._known: dict[tuple[str, str], DesignFile] = {}
        self._disk = ResultCache(
            cache_directory, f"design-data/{__version__}", _CONTENT_CACHE_VERSION
        )

    def __call__(self, tree: DesignTree, path: str, kind: str) -> DesignFile:
        content_id = tree.blob_id(path)
        raw = None
        if content_id is None:  # a file on disk: read it to know its content
            raw = tree.read_bytes(path)
            content_id = blob_id(raw)
        key = (kind, content_id)
        known = self._known.get(key)
        if known is None:
            known = self._remembered(key) or self._read(key, tree, path, raw)
            self._known[key] = known
        return dataclasses.replace(known, path=path)

    def design(self, tree: DesignTree) -> Design:
        return read_design(tree, read=self)

    def manifest_data(self, tree: DesignTree) -> dict[str, Any] | None:
        """The manifest's data, valid or not; None where it is absent or unreadable."""
        manifest = self.design(tree).manifest_file
        return manifest.data if manifest is not None and isinstance(manifest.data, dict) else None

    def _remembered(self, key: tuple[str, str]) -> DesignFile | None:
        kind, content_id = key
        kept = self._disk.get(f"{content_id}{kind}")
        if not isinstance(kept, dict):
            return None
        return DesignFile(
            "",
            content_id,
            kept.get("data"),
            unreadable=kept.get("problem") or "",
            valid=bool(kept.get("valid")),
        )

    def _read(
        self, key: tuple[str, str], tree: DesignTree, path: str, raw: bytes | None
    ) -> DesignFile:
        kind, content_id = key
        read = parse_file(path, kind, tree.read_bytes(path) if raw is None else raw, content_id)
        kept = {"data": read.data, "problem": read.unreadable or None, "valid": read.valid}
        self._disk.put(f"{content_id}{kind}", kept)
        return dataclasses.replace(read, document=None, problems=())


def open_design(path: Path, revision: str | None = None) -> DesignTree:
    """The design in folder ``path`` (or the nearest folder above it holding a
    manifest), on disk or, with ``revision``, at that commit."""
    from ohw.storage.vcs.repository import GitWorkingTree, commit_tree

    folder = design_folder(path)
    tree: DesignTree
    if revision is not None:
        tree = commit_tree(folder, revision)
    else:
        if not folder.is_dir():
            raise OhwError(
                f"{path} is not a folder",
                "give the folder that holds the design's ohw.yaml",
            )
        tree = GitWorkingTree(folder)
    if not tree.exists(MANIFEST):
        where = f" at {tree.label}" if revision is not None else ""
        raise OhwError(
            f"{folder} is not a design: it has no {MANIFEST}{where}",
            "run ohw in the folder that holds ohw.yaml, or create a design with `ohw init`",
        )
    return tree


def _errors(found: tuple[Finding, ...]) -> bool:
    return any(f.severity is Severity.ERROR for f in found)


def _read_finding(problem: ReadProblem, path: str) -> Finding:
    return finding(problem.rule, path, problem.message, problem.at, problem.hint)


def _schema_findings(violations: list[Violation], path: str, default_rule: str) -> list[Finding]:
    # Where the schema names a finding id, that rule's hint says more than the
    # description of the node; otherwise the description is the best hint.
    return [
        finding(
            v.rule or default_rule, path, v.message, v.at, RULES[v.rule].hint if v.rule else v.hint
        )
        for v in violations
    ]
