"""Checking a design: read it once, run every check that can run, report.

Each check is a function from a ``CheckContext`` (the design as read, and the
state of the run) to findings. A check that
needs something unreadable (a manifest that breaks its schema, say) is skipped,
and the report says so, rather than guessing at the data.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ohw.checks.context import CheckContext, CheckOptions
from ohw.checks.files import unfinished_merge
from ohw.design.findings import Finding, Severity
from ohw.design.paths import MANIFEST
from ohw.design.reader import MAX_DESIGN_FILE_BYTES, read_design
from ohw.design.settings import SETTINGS, CheckSettings, read_settings
from ohw.storage.tree import DesignTree
from ohw.storage.yaml.document import Document, ReadProblem
from ohw.storage.yaml.read import load_yaml

if TYPE_CHECKING:
    from ohw.mesh.batch import MeshAnalyses, MeshWorkers


@dataclass(frozen=True)
class Skipped:
    check: str
    reason: str


@dataclass
class DesignReport:
    """The result of checking one design."""

    path: str  # as the user gave it
    tree: DesignTree
    name: str | None
    findings: list[Finding]
    skipped: list[Skipped] = field(default_factory=list)
    files_checked: int = 0
    strict: bool = False  # warnings fail too
    changed_since: str | None = None  # the revision given to --changed-since
    changed: int | None = None  # how many files changed since it
    examined: dict[str, list[str]] = field(default_factory=dict)  # check -> files it judged
    # The design's folder relative to its repository's root ("" at the root), for
    # formats that locate files in the repository; None outside a repository.
    repository_path: str | None = None

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    @property
    def ok(self) -> bool:
        """No finding that fails the check: no error, and in strict mode no warning."""
        return self.count(Severity.ERROR) == 0 and not (
            self.strict and self.count(Severity.WARNING)
        )


Check = Callable[[CheckContext], Iterable[Finding]]


_NOTHING, _MANIFEST, _BOM = range(3)  # what a check needs readable


def _checks() -> list[tuple[str, int, Check]]:
    """Name, what it needs, and the check itself."""
    from ohw.checks import bom, files, instructions, licenses, meshes, parts, paths

    return [
        ("files", _NOTHING, files.check_files),
        ("parts", _MANIFEST, parts.check_parts),
        ("paths", _MANIFEST, paths.check_paths),
        ("meshes", _MANIFEST, meshes.check_meshes),
        ("bom", _BOM, bom.check_bom),
        ("licenses", _MANIFEST, licenses.check_licenses),
        ("instructions", _MANIFEST, instructions.check_instructions),
    ]


def check_design(
    tree: DesignTree,
    path: str,
    options: CheckOptions | None = None,
    changed: set[str] | None = None,
    workers: MeshWorkers | None = None,
) -> DesignReport:
    """Run every check on the design in ``tree``, under the design's settings;
    with ``changed`` (design paths changed since ``options.changed_since``),
    report only on those and on what refers to them. Meshes are analysed by
    ``workers``, if given."""
    from ohw.checks.scope import scope_of

    options = options or CheckOptions()
    settings, settings_findings = read_settings(tree)
    # With a scope, only some meshes are wanted: they are analysed when known.
    manifest, analyses = (
        (None, None) if changed is not None else _begin_meshes(tree, settings, options, workers)
    )
    with analyses or contextlib.nullcontext():
        design = read_design(tree, manifest)
        context = CheckContext(design, settings, options, mesh_analyses=analyses)
        if settings_findings or tree.exists(SETTINGS):
            context.examined["settings"] = {SETTINGS}
        # A file a merge left conflicted is reported as such, not as what its
        # conflict markers make of it (YAML or CSV that cannot be read).
        conflicts = unfinished_merge(tree)
        conflicted = {f.file for f in conflicts}
        found = [
            dataclasses.replace(f, check="schema")
            for f in design.problems
            if f.file not in conflicted
        ]
        found += [dataclasses.replace(f, check="files") for f in conflicts]
        unreadable = {
            _MANIFEST: design.manifest_unreadable,
            _BOM: design.bom_unreadable,
        }
        for needs, design_file in ((_MANIFEST, MANIFEST), (_BOM, design.bom_path)):
            if design_file in conflicted:
                unreadable[needs] = f"{design_file} has merge conflicts"
        found += [dataclasses.replace(f, check="settings") for f in settings_findings]
        report = DesignReport(
            path,
            tree,
            design.manifest.name if design.manifest else None,
            found,
            strict=options.strict or settings.strict,
            changed_since=options.changed_since,
        )
        if changed is not None:
            context.scope = scope_of(design, changed)
            report.changed = len(changed)
        checks = _checks()
        # The meshes last: they are being analysed in other processes meanwhile.
        # The report keeps the checks' own order.
        for name, needs, check in sorted(checks, key=lambda each: each[0] == "meshes"):
            if needs >= _MANIFEST and design.manifest is None:
                report.skipped.append(Skipped(name, unreadable[_MANIFEST]))
            elif needs == _BOM and design.bom is None:
                report.skipped.append(Skipped(name, unreadable[_BOM]))
            else:
                context.checking = name
                if needs >= _MANIFEST:  # what it judges is written in the manifest (or BOM)
                    context.look_at([MANIFEST] if needs == _MANIFEST else [design.bom_path])
                report.findings.extend(dataclasses.replace(f, check=name) for f in check(context))
        if options.profile is not None and design.manifest is not None:
            from ohw.checks.profiles import check_profile

            context.checking = "profile"
            report.findings.extend(
                dataclasses.replace(f, check="profile")
                for f in check_profile(context, options.profile)
            )
        order = {
            name: n
            for n, name in enumerate(["schema", "settings", *(c[0] for c in checks), "profile"])
        }
        report.skipped.sort(key=lambda skipped: order[skipped.check])
        if design.manifest is not None and design.bom is None:
            report.skipped.append(Skipped("instructions: BOM references", unreadable[_BOM]))
        scope = context.scope
        report.findings = [
            f for f in settings.apply(report.findings) if scope is None or scope.keeps(f)
        ]
        report.findings.sort(key=lambda f: f.sort_key)
        report.examined = {
            name: sorted(
                p
                for p in examined
                if not settings.ignores(p) and (scope is None or p in scope.files or p == MANIFEST)
            )
            for name, examined in sorted(context.examined.items(), key=lambda item: order[item[0]])
        }
        report.files_checked = len(
            {p for p in context.files_read if scope is None or p in scope.files}
        )
        return report


def _begin_meshes(
    tree: DesignTree, settings: CheckSettings, options: CheckOptions, workers: MeshWorkers | None
) -> tuple[Document | None, MeshAnalyses | None]:
    """The manifest as written, and the analyses of the meshes it names, begun
    at once: they go on while the manifest is validated and the rest checked."""
    from ohw.checks.meshes import begin_analyses

    if tree.size(MANIFEST) > MAX_DESIGN_FILE_BYTES:
        return None, None  # read_design refuses it
    try:
        manifest = load_yaml(tree.read_bytes(MANIFEST))
    except ReadProblem:  # read_design reports it
        return None, None
    return manifest, begin_analyses(tree, manifest, settings, options, workers)
