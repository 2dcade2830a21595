"""`ohw import okh`: an OKH manifest (a file, a folder holding one, or a git
repository's URL) becomes ohw.yaml, or is merged into the one there. Nothing is
written unless the result is a valid manifest; an existing ohw.yaml keeps its
text, comments and values, and only gains what it did not say."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ohw.design.findings import Finding, Severity, finding
from ohw.design.paths import MANIFEST
from ohw.design.reader import parse_file
from ohw.errors import OhwError
from ohw.okh.read import MAX_BYTES, NAMES, Unreadable, read_okh
from ohw.okh.to_design import to_design
from ohw.storage.files import write_atomically
from ohw.storage.yaml.write import dump_yaml

HEADER = "# Imported from an Open Know-How manifest by ohw import okh; see docs/okh.md.\n"


@dataclass
class OkhImport:
    """What one import did."""

    source: str  # as the user gave it
    okh_file: str  # the OKH manifest read, as findings name it
    manifest: Path  # the ohw.yaml written, or that would have been
    merged: bool = False  # into an ohw.yaml that was there
    written: bool = False
    findings: list[Finding] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)  # every key of the OKH manifest
    unknown: list[str] = field(default_factory=list)  # not in docs/okh.md's table
    kept_apart: list[str] = field(default_factory=list)  # under extensions.okh

    @property
    def ok(self) -> bool:
        return self.written and not any(f.severity is Severity.ERROR for f in self.findings)


def import_okh(source: str, destination: Path) -> OkhImport:
    """Import the OKH manifest at ``source`` into the design folder ``destination``."""
    local = Path(source)
    if local.is_file():
        return _import(local.read_bytes, local.name, source, destination)
    if local.is_dir():
        return _import(
            lambda: _find_manifest(local, source)[0],
            _find_manifest(local, source)[1].name,
            source,
            destination,
        )
    from ohw.storage.vcs.remote import check_url, clone

    check_url(source, local_must_exist=False)
    with tempfile.TemporaryDirectory(prefix="ohw-okh-") as temporary:
        clone(source, Path(temporary) / "repository")
        raw, found = _find_manifest(Path(temporary) / "repository", source)
        return _import(lambda: raw, found.name, source, destination)


def _find_manifest(folder: Path, source: str) -> tuple[bytes, Path]:
    for name in NAMES:
        candidate = folder / name
        if candidate.is_file():
            with candidate.open("rb") as stream:  # no more than a manifest can be
                return stream.read(MAX_BYTES + 1), candidate
    raise OhwError(
        f"{source} has no OKH manifest at its root ({', '.join(NAMES)})",
        "give the manifest file itself, or a repository that has one at its root",
    )


def _import(read: Any, name: str, source: str, destination: Path) -> OkhImport:
    target = destination / MANIFEST
    result = OkhImport(source, name, target)
    try:
        okh = read_okh(read(), name)
    except Unreadable as unreadable:
        result.findings.append(unreadable.finding)
        return result
    conversion = to_design(okh)
    result.findings = conversion.findings
    result.keys, result.unknown = conversion.keys, conversion.unknown
    result.kept_apart = conversion.kept_apart
    if target.is_file():
        from ohw.merge.files import edit_yaml
        from ohw.storage.yaml.read import load_yaml

        existing_text = target.read_text(encoding="utf-8")
        existing = load_yaml(existing_text.encode("utf-8")).data
        if not isinstance(existing, dict):
            raise OhwError(
                f"{target} holds no manifest to merge into", "run ohw check and fix it first"
            )
        merged = _merged(existing, conversion.manifest, result.findings, name, ())
        text = edit_yaml(existing_text, merged)
        result.merged = True
    else:
        text = HEADER + dump_yaml(conversion.manifest)
    checked = parse_file(MANIFEST, "manifest", text.encode("utf-8"))
    if not checked.valid:
        result.findings.extend(checked.problems)
        return result
    destination.mkdir(parents=True, exist_ok=True)
    write_atomically(target, text.encode("utf-8"))
    result.written = True
    return result


def _merged(
    ours: Any, imported: Any, findings: list[Finding], name: str, at: tuple[str | int, ...]
) -> Any:
    """``ours`` with what ``imported`` adds: keys it lacks, list items it lacks;
    where both give a value and they differ, ours is kept, and said (OHW708)."""
    if isinstance(ours, dict) and isinstance(imported, dict):
        merged = dict(ours)
        for key, value in imported.items():
            merged[key] = (
                value if key not in ours else _merged(ours[key], value, findings, name, (*at, key))
            )
        return merged
    if isinstance(ours, list) and isinstance(imported, list):
        ids = {item.get("id") for item in ours if isinstance(item, dict)} - {None}
        added = [
            item
            for item in imported
            if item not in ours and not (isinstance(item, dict) and item.get("id") in ids)
        ]
        return ours + added
    if ours != imported and at not in (("ohw",),):
        where = ".".join(str(p) for p in at)
        findings.append(
            finding(
                "OHW708",
                MANIFEST,
                f"{where}: kept {_short(ours)}; {name} says {_short(imported)}",
            )
        )
    return ours


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
