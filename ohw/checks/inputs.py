"""What the checks read: the manifest and the BOM, each validated by its schema."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ohw.design.bom import BomItem, read_bom_csv
from ohw.design.findings import RULES, Finding, Severity, finding
from ohw.design.manifest import Manifest
from ohw.design.paths import path_problem
from ohw.design.schemas import Violation, validate
from ohw.design.settings import CheckSettings
from ohw.errors import OhwError
from ohw.storage.tree import MANIFEST, DesignTree
from ohw.storage.yaml.document import Document, JsonPath, Location, ReadProblem, load_yaml

if TYPE_CHECKING:
    from ohw.checks.scope import Scope
    from ohw.mesh.batch import MeshAnalyses

RULE_MANIFEST_SCHEMA = "OHW110"
RULE_BOM_SCHEMA = "OHW111"
BOM_SUFFIXES = (".yaml", ".yml", ".csv")


@dataclass
class Inputs:
    """A design's manifest and BOM as the checks see them, with their locations."""

    tree: DesignTree
    findings: list[Finding] = field(default_factory=list)
    manifest: Manifest | None = None
    manifest_unreadable: str = ""  # why there is no manifest to check
    manifest_document: Document | None = None
    bom: list[BomItem] | None = None
    bom_file: str = MANIFEST  # the file holding the BOM: ohw.yaml when written inline
    bom_document: Document | None = None
    bom_unreadable: str = ""  # why there is no BOM to check, when there should be one
    settings: CheckSettings = field(default_factory=CheckSettings)
    scope: Scope | None = None  # with --changed-since: what is left to check
    cache_dir: Path | None = None  # where results are kept, if not where ohw.storage.cache says
    use_cache: bool = True
    mesh_analyses: MeshAnalyses | None = None  # begun before the manifest was validated
    files_read: set[str] = field(default_factory=set)
    checking: str = "schema"  # the check running now
    examined: dict[str, set[str]] = field(default_factory=dict)  # check -> files it looked at

    def read(self, path: str) -> bytes:
        self.examine(path)
        return self.tree.read_bytes(path)

    def examine(self, path: str) -> None:
        """Note that the running check read ``path``."""
        self.files_read.add(path)
        self.look_at([path])

    def look_at(self, paths: Iterable[str]) -> None:
        """Note that the running check judged ``paths`` without reading them."""
        self.examined.setdefault(self.checking, set()).update(paths)

    def at_manifest(self, path: JsonPath) -> Location | None:
        return self.manifest_document.locate(path) if self.manifest_document else None

    def at_manifest_key(self, path: JsonPath) -> Location | None:
        return self.manifest_document.locate_key(path) if self.manifest_document else None

    def at_bom(self, path: JsonPath) -> Location | None:
        return self.bom_document.locate(path) if self.bom_document else None


def read_inputs(
    tree: DesignTree, settings: CheckSettings | None = None, written: Document | None = None
) -> Inputs:
    """The inputs of the design in ``tree``; ``written``, if given, is its
    manifest as already read."""
    inputs = Inputs(tree, settings=settings or CheckSettings())
    if written is not None:
        inputs.examine(MANIFEST)
    document = written if written is not None else _load(inputs, MANIFEST)
    if document is None:
        inputs.manifest_unreadable = f"{MANIFEST} cannot be read"
        return inputs
    data, violations = validate(document, "manifest", "the manifest")
    inputs.findings.extend(_schema_findings(violations, MANIFEST, RULE_MANIFEST_SCHEMA))
    if violations:
        inputs.manifest_unreadable = f"{MANIFEST} does not match the manifest schema"
        return inputs
    inputs.manifest_document = document
    inputs.manifest = manifest = Manifest.from_data(data)
    if manifest.bom_items is not None:
        inputs.bom_document = document
        inputs.bom = [
            BomItem.from_data(item, ("bom", i)) for i, item in enumerate(manifest.bom_items)
        ]
    elif manifest.bom_file is not None:
        _read_bom_file(inputs, manifest.bom_file)
    else:
        inputs.bom = []
    return inputs


def read_readable_inputs(tree: DesignTree) -> Inputs:
    """The inputs of a design that a command works on: an error, rather than
    findings, when its manifest cannot be read or breaks its schema."""
    inputs = read_inputs(tree)
    if inputs.manifest is None:
        raise OhwError(
            f"this design's {MANIFEST} cannot be read: {inputs.manifest_unreadable}",
            "run ohw check and fix what it reports first",
        )
    return inputs


def _load(inputs: Inputs, path: str) -> Document | None:
    document, problems = _read_document(inputs, path)
    inputs.findings.extend(problems)
    return document


def _read_document(inputs: Inputs, path: str) -> tuple[Document | None, list[Finding]]:
    """The data of a YAML or CSV file, and what stopped or troubled the reading."""
    try:
        if not path.lower().endswith(".csv"):
            return load_yaml(inputs.read(path)), []
        converted = read_bom_csv(inputs.read(path))
    except ReadProblem as problem:
        return None, [_problem_finding(problem, path)]
    return converted.document, [_problem_finding(p, path) for p in converted.problems]


def _read_bom_file(inputs: Inputs, path: str) -> None:
    if path_problem(path) or not inputs.tree.exists(path):
        inputs.bom_unreadable = f"the BOM file {path} cannot be read"  # a path finding says why
        return
    if not path.lower().endswith(BOM_SUFFIXES):
        inputs.findings.append(
            finding(
                RULE_MANIFEST_SCHEMA,
                MANIFEST,
                f"the BOM file {path} is neither YAML nor CSV",
                inputs.at_manifest(("bom",)),
                "name it bom.yaml or bom.csv",
            )
        )
        inputs.bom_unreadable = f"the BOM file {path} is neither YAML nor CSV"
        return
    inputs.bom_file = path
    document, found = _read_document(inputs, path)
    if document is not None:
        data, violations = validate(document, "bom", "the BOM")
        found.extend(_schema_findings(violations, path, RULE_BOM_SCHEMA))
    inputs.findings.extend(found)
    if document is None or any(f.severity is Severity.ERROR for f in found):
        inputs.bom_unreadable = f"{path} has errors"
        return
    inputs.bom_document = document
    inputs.bom = [BomItem.from_data(item, ("items", i)) for i, item in enumerate(data["items"])]


def _problem_finding(problem: ReadProblem, path: str) -> Finding:
    return finding(problem.rule, path, problem.message, problem.at, problem.hint)


def _schema_findings(violations: list[Violation], path: str, default_rule: str) -> list[Finding]:
    # Where the schema names a finding id, that rule's hint says more than the
    # description of the node; otherwise the description is the best hint.
    return [
        finding(
            v.rule or default_rule,
            path,
            v.message,
            v.at,
            RULES[v.rule].hint if v.rule else v.hint,
        )
        for v in violations
    ]
