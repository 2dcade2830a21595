"""An OKH manifest read: okh.toml (OKH-LOSH) or okh.yml (OKH v1) as data, or
findings that say, with line and column, why it cannot be read."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from typing import Any

from ohw.design.findings import Finding, finding
from ohw.storage.yaml.document import MAX_DEPTH, Document, Location, ReadProblem

# Manifests are a few kilobytes; a megabyte is no manifest, and is not parsed.
MAX_BYTES = 1024 * 1024
NAMES = ("okh.toml", "okh.yml", "okh.yaml")

_TOML_AT = re.compile(r"\(at line (\d+), column (\d+)\)")
_YAML_DIRECTIVE = re.compile(r"^%(?!YAML\s|TAG\s)(.*)$", re.MULTILINE)


@dataclass
class OkhManifest:
    """An OKH manifest as read: its data, and where its keys were written."""

    file: str  # its name, as findings name it
    format: str  # "toml" or "yaml"
    data: dict[str, Any]
    findings: list[Finding] = field(default_factory=list)  # about reading it; none an error
    document: Document | None = None  # a YAML manifest's nodes
    text: str = ""

    def locate(self, path: tuple[str | int, ...]) -> Location | None:
        """Where the value at ``path`` was written, as nearly as known."""
        if self.document is not None:
            return self.document.locate_key(path)
        # TOML: the line of the key's assignment or table header, searched for.
        for key in reversed([p for p in path if isinstance(p, str)][:1]):
            pattern = re.compile(
                rf"^\s*(\[\[?\s*)?\"?{re.escape(key)}\"?\s*(=|\]|\.)", re.MULTILINE
            )
            match = pattern.search(self.text)
            if match:
                line = self.text.count("\n", 0, match.start()) + 1
                return Location(line, match.start() - self.text.rfind("\n", 0, match.start()))
        return None

    def plain_text(self, path: tuple[str | int, ...]) -> str | None:
        """A YAML scalar as written (``version: 1.10`` is "1.10"), where known."""
        if self.document is None:
            return None
        info = self.document.nodes.get(path)
        return info.plain_text if info else None


class Unreadable(Exception):
    def __init__(self, found: Finding) -> None:
        super().__init__(found.message)
        self.finding = found


def format_of(name: str, raw: bytes) -> str:
    """TOML or YAML, by the file's name, else by what it holds."""
    lowered = name.lower()
    if lowered.endswith(".toml"):
        return "toml"
    if lowered.endswith((".yml", ".yaml")):
        return "yaml"
    return "toml" if re.search(rb"^\s*okhv\s*=", raw, re.MULTILINE) else "yaml"


def read_okh(raw: bytes, file: str) -> OkhManifest:
    """The manifest in ``raw``, or Unreadable with a finding (OHW701-703)."""
    if len(raw) > MAX_BYTES:
        raise Unreadable(
            finding(
                "OHW701",
                file,
                f"{file} is {len(raw):,} bytes: no OKH manifest is that large",
                hint="give the manifest itself (okh.toml or okh.yml), a few kilobytes",
            )
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise Unreadable(
            finding(
                "OHW701",
                file,
                f"{file} is not UTF-8: byte 0x{raw[error.start]:02x} cannot be read",
                Location(line, column),
                "save the manifest as UTF-8",
            )
        ) from None
    kind = format_of(file, raw)
    manifest = _read_toml(text, file) if kind == "toml" else _read_yaml(text, file)
    if not manifest.data:
        raise Unreadable(
            finding(
                "OHW703",
                file,
                f"{file} holds no manifest: it is empty, or only comments",
                Location(1, 1),
            )
        )
    return manifest


def _read_toml(text: str, file: str) -> OkhManifest:
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib
    data: dict[str, Any] | None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        at = _TOML_AT.search(message)
        where = Location(int(at.group(1)), int(at.group(2))) if at else None
        bare = _TOML_AT.sub("", message).strip()
        rule = "OHW702" if "overwrite" in bare.lower() or "redefin" in bare.lower() else "OHW701"
        if rule == "OHW702":
            bare = "a key is given twice (TOML allows each key once): " + bare
        raise Unreadable(finding(rule, file, f"{file} is not valid TOML: {bare}", where)) from None
    except RecursionError:  # tomllib reads nested arrays and tables by recursing
        data = None
    if data is None or _nests_deeper(data, MAX_DEPTH):
        raise Unreadable(
            finding(
                "OHW701",
                file,
                f"{file} nests arrays or tables more than {MAX_DEPTH} levels deep",
                None,
                "flatten the structure; a manifest needs only a few levels",
            )
        )
    return OkhManifest(file, "toml", data, text=text)


def _nests_deeper(data: object, limit: int) -> bool:
    level: list[object] = [data]
    for _ in range(limit + 1):
        level = [
            inner
            for outer in level
            if isinstance(outer, dict | list)
            for inner in (outer.values() if isinstance(outer, dict) else outer)
        ]
        if not level:
            return False
    return True


def _read_yaml(text: str, file: str) -> OkhManifest:
    from ohw.storage.yaml.read import load_yaml

    directives = [
        finding(
            "OHW704",
            file,
            f"the line %{match.group(1).strip()} is not a YAML directive: ignored",
            Location(text.count("\n", 0, match.start()) + 1, 1),
        )
        for match in _YAML_DIRECTIVE.finditer(text)
        if text.find("\n---", match.start()) >= 0 or text.startswith("---", match.end() + 1)
    ]
    try:
        document = load_yaml(text.encode("utf-8"))
    except ReadProblem as problem:
        rule = {"OHW102": "OHW702"}.get(problem.rule, "OHW701")
        raise Unreadable(
            finding(rule, file, f"{file}: {problem.message}", problem.at, problem.hint)
        ) from None
    if document.data is None:
        return OkhManifest(file, "yaml", {}, directives, document, text)
    if not isinstance(document.data, dict):
        raise Unreadable(
            finding(
                "OHW703",
                file,
                f"{file} holds a {type(document.data).__name__}, not a manifest's keys and values",
                document.locate(()),
            )
        )
    return OkhManifest(file, "yaml", document.data, directives, document, text)
