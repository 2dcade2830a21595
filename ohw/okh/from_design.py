"""ohw.yaml as an OKH manifest: OKH-LOSH (okh.toml, what the LOSH crawler
indexes) or OKH v1 (okh.yml). What OKH requires and the design does not say is
taken from elsewhere where it can be (and said), or reported; what OKH has no
place for is reported, never silently left out. Keys kept under extensions.okh
at import are written back where the standard's schema allows."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ohw.design.findings import Finding, finding
from ohw.design.paths import MANIFEST, is_url
from ohw.okh import values
from ohw.okh.keys import SPECIFICATIONS
from ohw.okh.values import TSDC

LOSH_VERSION = "OKH-LOSHv1.0"
V1_VERSION = "1.0.0"
# The keys of the OKH-LOSH schema: a key kept at import under one of these names
# held a value that schema refuses, and is not written back.
LOSH_KEYS = frozenset(
    [
        "attestation",
        "auxiliary",
        "bom",
        "contribution-guide",
        "cpc-patent-class",
        "documentation-language",
        "documentation-readiness-level",
        "export",
        "function",
        "image",
        "license",
        "licensor",
        "manufacturing-instructions",
        "mass",
        "name",
        "okhv",
        "organization",
        "outer-dimensions",
        "part",
        "readme",
        "release",
        "repo",
        "software",
        "source",
        "standard-compliance",
        "technology-readiness-level",
        "tsdc",
        "user-manual",
        "version",
    ]
)
V1_KEYS = frozenset(
    [
        "title",
        "description",
        "intended-use",
        "keywords",
        "project-link",
        "image",
        "made",
        "made-independently",
        "license",
        "licensor",
        "okh-manifest-version",
        "date-created",
        "date-updated",
        "manifest-author",
        "manifest-language",
        "manifest-is-translation",
        "contact",
        "contributors",
        "version",
        "development-stage",
        "documentation-home",
        "archive-download",
        "design-files",
        "documentation-language",
        "documentation-is-translation",
        "schematics",
        "bom",
        "tool-list",
        "making-instructions",
        "manufacturing-files",
        "risk-assessment",
        "tool-settings",
        "quality-instructions",
        "operating-instructions",
        "maintenance-instructions",
        "disposal-instructions",
        "software",
        "health-safety-notice",
        "standards-used",
        "derivative-of",
        "variant-of",
        "sub",
        "sub-parts",
    ]
)
_ABOUT_THE_FILE = ("okhv", "okh-manifest-version")
_CPC = re.compile(r"^[A-HY][0-9]{2}[A-HJ-NP-Z]( ?[12]?[0-9]{1,3}[/][0-9]{2,6})?$")
_V1_DOCUMENTS = {
    "user-manual": "operating-instructions",
    "operating": "operating-instructions",
    "maintenance": "maintenance-instructions",
    "disposal": "disposal-instructions",
    "risk-assessment": "risk-assessment",
    "quality": "quality-instructions",
    "tool-settings": "tool-settings",
    "schematics": "schematics",
    "manufacturing": "making-instructions",
}


@dataclass(frozen=True)
class Fallbacks:
    """What the design's repository says where ohw.yaml is silent."""

    repository_url: str | None = None  # the remote 'origin', as a web address
    commit: str | None = None  # the commit exported


@dataclass
class OkhExport:
    """An OKH manifest made from ohw.yaml, and what was done to make it."""

    format: str  # "toml" (OKH-LOSH) or "yaml" (OKH v1)
    data: dict[str, Any]  # the manifest as ohw's own schema describes it
    extensions: dict[str, Any] = field(default_factory=dict)  # written back after it
    findings: list[Finding] = field(default_factory=list)

    @property
    def complete(self) -> dict[str, Any]:
        """The manifest with the keys kept at import written back."""
        merged = dict(self.data)
        for key, value in self.extensions.items():
            if key not in merged:
                merged[key] = value
            elif isinstance(merged[key], dict) and isinstance(value, dict):
                merged[key] = {**value, **merged[key]}
            elif key == "part" and isinstance(value, list):
                by_name = {p.get("name"): p for p in value if isinstance(p, dict)}
                merged[key] = [{**by_name.get(p["name"], {}), **p} for p in merged[key]]
        return merged


class _Writer:
    def __init__(self, manifest: dict[str, Any], fallbacks: Fallbacks, kind: str) -> None:
        self.manifest, self.fallbacks, self.kind = manifest, fallbacks, kind
        self.findings: list[Finding] = []

    def lacking(self, key: str, what: str) -> None:
        self.findings.append(finding("OHW710", MANIFEST, f"OKH requires {key}: {what}"))

    def taken(self, key: str, where: str) -> None:
        self.findings.append(finding("OHW712", MANIFEST, f"{key} written from {where}"))

    def left_out(self, what: str, why: str) -> None:
        self.findings.append(finding("OHW711", MANIFEST, f"{what} is not written: {why}"))

    # -- what both formats share --

    def documents(self, kind: str) -> list[dict[str, Any]]:
        return [d for d in self.manifest.get("documents", []) if d["kind"] == kind]

    def design_files(self, *kinds: str | None) -> list[dict[str, Any]]:
        found = []
        for written in self.manifest.get("design-files", []):
            entry = written if isinstance(written, dict) else {"path": written}
            if entry.get("kind") in kinds:
                found.append(entry)
        return found

    def instructions(self) -> list[dict[str, Any]]:
        written = self.manifest.get("instructions")
        return ([{"path": written}] if written else []) + self.documents("manufacturing")

    def boms(self) -> list[str]:
        written = self.manifest.get("bom")
        return ([written] if isinstance(written, str) else []) + [
            d["path"] for d in self.documents("bom")
        ]

    def image_paths(self) -> list[str]:
        return [i["path"] if isinstance(i, dict) else i for i in self.manifest.get("images", [])]

    def description(self) -> str | None:
        for key in ("description", "intended-use"):
            if isinstance(self.manifest.get(key), str) and self.manifest[key].strip():
                if key != "description":
                    self.taken("function" if self.kind == "toml" else "description", key)
                return str(self.manifest[key])
        self.taken("function" if self.kind == "toml" else "description", "the title")
        return str(self.manifest["title"])

    def licensors(self) -> list[str]:
        written = self.manifest.get("licensor")
        if written:
            return written if isinstance(written, list) else [written]
        organizations = self.organizations()
        if organizations:
            self.taken("licensor", "organization")
            return organizations
        people = self.manifest.get("authors") or (
            [self.manifest["contact"]] if "contact" in self.manifest else []
        )
        if people:
            self.taken("licensor", "authors" if "authors" in self.manifest else "contact")
        return [_person_line(p) for p in people]

    def organizations(self) -> list[str]:
        written = self.manifest.get("organization")
        items = written if isinstance(written, list) else [written] if written else []
        return [i["name"] if isinstance(i, dict) else i for i in items]

    def repository(self) -> str | None:
        links = self.manifest.get("links", {})
        if _web(links.get("repository")):
            return str(links["repository"])
        if _web(self.fallbacks.repository_url):
            self.taken("repo", "the git remote 'origin'")
            return self.fallbacks.repository_url
        for key in ("homepage", "documentation"):
            if _web(links.get(key)):
                self.taken("repo", f"links.{key}")
                return str(links[key])
        return None

    def version(self) -> str | None:
        if self.manifest.get("version"):
            return str(self.manifest["version"])
        if self.fallbacks.commit:
            self.taken("version", "the commit exported")
            return self.fallbacks.commit[:12]
        # OKH-LOSH requires a version; a design never released has none yet.
        self.taken("version", "nothing: no version and no commit, so 0.0.0 (nothing released)")
        return "0.0.0"


def to_losh(  # noqa: PLR0915 (one key after another, as OKH-LOSH lists them)
    manifest: dict[str, Any], fallbacks: Fallbacks | None = None
) -> OkhExport:
    """``manifest`` (ohw.yaml's data, valid) as an OKH-LOSH manifest."""
    writer = _Writer(manifest, fallbacks or Fallbacks(), "toml")
    links = manifest.get("links", {})
    out: dict[str, Any] = {"okhv": LOSH_VERSION, "name": manifest["title"]}
    repository = writer.repository()
    if repository:
        out["repo"] = repository
    else:
        writer.lacking("repo", "add links.repository (a web address) to ohw.yaml")
    version = writer.version()
    if version:
        out["version"] = version
    else:
        writer.lacking("version", "add version to ohw.yaml")
    licences = manifest.get("license", {})
    if licences.get("hardware"):
        out["license"] = licences["hardware"]
    else:
        out["license"] = "LicenseRef-NOASSERTION"
        writer.taken("license", "nothing: no hardware licence is given (LicenseRef-NOASSERTION)")
    for kind in ("documentation", "software"):
        if licences.get(kind) and licences[kind] != out["license"]:
            writer.left_out(f"the {kind} licence", "OKH-LOSH has one licence, the hardware's")
    licensors = writer.licensors()
    if licensors:
        out["licensor"] = licensors[0] if len(licensors) == 1 else licensors
    else:
        writer.lacking("licensor", "add licensor, organization or authors to ohw.yaml")
    organizations = writer.organizations()
    if organizations:
        out["organization"] = organizations[0]
        if len(organizations) > 1 or isinstance(manifest.get("organization"), dict):
            writer.left_out("organization's other names and addresses", "OKH-LOSH 1.0 keeps a name")
    out["function"] = writer.description()
    _copy(manifest, out, "readme", "readme")
    images = writer.image_paths()
    if images:
        out["image"] = images[0] if len(images) == 1 else images
    if any(isinstance(i, dict) and len(i) > 1 for i in manifest.get("images", [])):
        writer.left_out("images' captions, slots and tags", "OKH-LOSH 1.0's image is a path")
    _copy(manifest, out, "documentation-language", "documentation-language")
    level = manifest.get("technology-readiness-level")
    if level in ("OTRL-7", "OTRL-8"):
        writer.left_out(f"technology-readiness-level {level}", "OKH-LOSH knows OTRL-1 to OTRL-6")
    else:
        _copy(manifest, out, "technology-readiness-level", "technology-readiness-level")
    _copy(manifest, out, "documentation-readiness-level", "documentation-readiness-level")
    if links.get("attestations"):
        out["attestation"] = _one_or_list(links["attestations"])
    if links.get("publications"):
        out["publication"] = _one_or_list(links["publications"])
    if links.get("release"):
        out["release"] = links["release"]
    cpc = manifest.get("cpc-patent-class")
    if cpc and _CPC.match(cpc):
        out["cpc-patent-class"] = cpc
    elif cpc:
        writer.left_out(f"cpc-patent-class {cpc!r}", "not a CPC identifier as OKH-LOSH writes one")
    if manifest.get("standards"):
        out["standard-compliance"] = [s["title"] for s in manifest["standards"]]
    boms = writer.boms()
    if boms:
        out["bom"] = boms[0]
        for extra in boms[1:]:
            writer.left_out(f"the BOM {extra}", "OKH-LOSH 1.0 names one BOM")
    instructions = [d["path"] for d in writer.instructions()]
    if instructions:
        out["manufacturing-instructions"] = _one_or_list(instructions)
    for key, kind in (("user-manual", "user-manual"), ("contribution-guide", "contributing")):
        paths = [d["path"] for d in writer.documents(kind)]
        if paths:
            out[key] = paths[0]
            for extra in paths[1:]:
                writer.left_out(f"the {key} {extra}", f"OKH-LOSH 1.0 names one {key}")
    for key, kinds in (
        ("source", ("source", None)),
        ("export", ("export",)),
        ("auxiliary", ("auxiliary",)),
    ):
        paths = [f["path"] for f in writer.design_files(*kinds)]
        if paths:
            out[key] = paths if key == "auxiliary" else _one_or_list(paths)
    _copy(manifest, out, "mass", "mass")
    _copy(manifest, out, "outer-dimensions", "outer-dimensions")
    specifications = manifest.get("specifications", {})
    for key, value in specifications.items():
        if key in ("tsdc", "tsdc-id", "manufacturing-process") and isinstance(value, str):
            out["tsdc" if key == "tsdc" else key] = (
                [v.strip() for v in value.split(",")] if "," in value else value
            )
        elif key == "2d-size-mm" and isinstance(value, str):
            out[key] = [float(v) for v in value.split(",")] if _numbers(value) == 2 else value
        elif key in SPECIFICATIONS:
            out[key] = value
        else:
            writer.left_out(f"specifications.{key}", "OKH-LOSH has no place for it")
    parts = [_losh_part(part) for part in manifest.get("parts", [])]
    if parts:
        out["part"] = parts
    software = []
    for entry in manifest.get("software", []):
        release = entry.get("release") or entry.get("path")
        if release is None:
            writer.left_out(f"software {entry['title']}", "OKH-LOSH needs its release")
            continue
        item = {"release": release, "title": entry["title"]}
        if entry.get("installation-guide"):
            item["installation-guide"] = entry["installation-guide"]
        software.append(item)
    if software:
        out["software"] = software
    for entry in manifest.get("related", []):
        if entry.get("relation") == "fork-of" and "fork-of" not in out:
            out["fork-of"] = entry["url"]
    return OkhExport("toml", out, _extensions(manifest, out, LOSH_KEYS, writer), writer.findings)


def _losh_part(part: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"name": part.get("name", part["id"])}
    for key in ("source", "export", "auxiliary", "image", "material", "mass", "quantity"):
        if key in part:
            out[key] = part[key]
    if "outer-dimensions" in part:
        out["outer-dimensions"] = part["outer-dimensions"]
    if part.get("process") in TSDC:
        out["tsdc"] = TSDC[part["process"]]
    elif "process" in part:
        out["process"] = part["process"]
    settings = part.get("print", {})
    if "process" in settings:
        out["printing-process"] = settings["process"]
    out.update({k: v for k, v in settings.items() if k != "process"})
    return out


def to_v1(  # noqa: PLR0915 (one key after another, as OKH v1 lists them)
    manifest: dict[str, Any], fallbacks: Fallbacks | None = None
) -> OkhExport:
    """``manifest`` (ohw.yaml's data, valid) as an OKH v1 manifest (okh.yml)."""
    writer = _Writer(manifest, fallbacks or Fallbacks(), "yaml")
    links = manifest.get("links", {})
    out: dict[str, Any] = {"title": manifest["title"], "description": writer.description()}
    for key in ("intended-use", "keywords", "made", "made-independently", "version"):
        _copy(manifest, out, key, key)
    homepage = links.get("homepage") or links.get("repository")
    if homepage:
        out["project-link"] = homepage
    images = writer.image_paths()
    if images:
        out["image"] = images[0]
        if len(images) > 1:
            writer.left_out("the images after the first", "OKH v1 names one image")
    licences = {k: v for k, v in manifest.get("license", {}).items() if v}
    if licences:
        out["license"] = licences
    else:
        writer.lacking("license", "add license.hardware (an SPDX expression) to ohw.yaml")
    licensors = writer.licensors()
    if licensors:
        out["licensor"] = _person_of_line(licensors[0])
    out["okh-manifest-version"] = V1_VERSION
    _copy(manifest, out, "created", "date-created")
    _copy(manifest, out, "updated", "date-updated")
    if "contact" in manifest:
        out["contact"] = dict(manifest["contact"])
    if "authors" in manifest:
        out["contributors"] = manifest["authors"]
    _copy(manifest, out, "development-stage", "development-stage")
    for key, link in (("documentation-home", "documentation"), ("archive-download", "archive")):
        if links.get(link):
            out[key] = links[link]
    for key, kinds in (
        ("design-files", ("source", None, "auxiliary")),
        ("manufacturing-files", ("export",)),
    ):
        files = [_titled(f) for f in writer.design_files(*kinds)]
        if files:
            out[key] = files
    language = manifest.get("documentation-language")
    if language:
        out["documentation-language"] = language[0] if isinstance(language, list) else language
    boms = writer.boms()
    if boms:
        out["bom"] = boms[0]
    tools = [d["path"] for d in writer.documents("tool-list")]
    if tools:
        out["tool-list"] = tools[0]
    instructions = [_titled(d) for d in writer.instructions()]
    if instructions:
        out["making-instructions"] = instructions
    for kind, key in _V1_DOCUMENTS.items():
        if kind != "manufacturing":
            documents = [_titled(d) for d in writer.documents(kind)]
            if documents:
                out[key] = out.get(key, []) + documents
    if manifest.get("software"):
        out["software"] = [
            {"title": s["title"], **({"path": s["path"]} if "path" in s else {})}
            for s in manifest["software"]
        ]
    _copy(manifest, out, "health-safety-notice", "health-safety-notice")
    if manifest.get("standards"):
        out["standards-used"] = [_v1_standard(s) for s in manifest["standards"]]
    for entry in manifest.get("related", []):
        if entry.get("relation") in ("derivative-of", "variant-of", "fork-of"):
            key = "variant-of" if entry["relation"] == "variant-of" else "derivative-of"
            out.setdefault(key, {"title": entry.get("title", entry["url"]), "web": entry["url"]})
    if manifest.get("sub-designs"):
        out["sub-parts"] = [{"title": s["title"], "web": s["url"]} for s in manifest["sub-designs"]]
    return OkhExport("yaml", out, _extensions(manifest, out, V1_KEYS, writer), writer.findings)


def _extensions(
    manifest: dict[str, Any], out: dict[str, Any], standard: frozenset[str], writer: _Writer
) -> dict[str, Any]:
    """The keys kept at import that go back into the manifest: not ones about
    the OKH file, and not a key of the standard that the export writes or whose
    kept value the standard refuses."""
    kept = manifest.get("extensions", {}).get("okh", {})
    back: dict[str, Any] = {}
    for key, value in kept.items():
        if key in _ABOUT_THE_FILE or value is None:
            continue
        both_tables = isinstance(out.get(key), dict) and isinstance(value, dict)
        parts = key == "part" and "part" in out and writer.kind == "toml"
        about_the_file = _about_the_v1_file(key, value) if writer.kind == "yaml" else None
        if about_the_file is not None:
            back[key] = about_the_file
        elif key in standard and not (both_tables or parts):
            writer.left_out(f"extensions.okh.{key}", "its value is not one the standard allows")
        else:
            back[key] = _without_nulls(value)
    return back


def _about_the_v1_file(key: str, value: Any) -> Any:
    """A key of OKH v1 about the manifest itself, which the import keeps as
    written, as OKH v1 takes it back; None for any other key, or a value it
    refuses."""
    if key == "manifest-language":
        try:
            return values.language(value).value
        except values.Unplaceable:
            return None
    if key == "manifest-author":
        author = value if isinstance(value, dict) else {"name": value}
        if isinstance(author.get("name"), str) or isinstance(author.get("email"), str):
            return _without_nulls(author)
    return None


def _without_nulls(value: Any) -> Any:
    """``value`` without the nulls TOML cannot write."""
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value if v is not None]
    return value


def _copy(source: dict[str, Any], out: dict[str, Any], key: str, target: str) -> None:
    if source.get(key) is not None:
        out[target] = source[key]


def _one_or_list(values: list[Any]) -> Any:
    return values[0] if len(values) == 1 else values


def _web(url: Any) -> bool:
    return isinstance(url, str) and is_url(url) and url.lower().startswith(("http://", "https://"))


def _numbers(text: str) -> int:
    return len(re.findall(r"^\s*[-+]?[\d.]+\s*$", text.replace(",", "\n"), re.MULTILINE))


def _titled(entry: dict[str, Any]) -> dict[str, Any]:
    return {"path": entry["path"], **({"title": entry["title"]} if entry.get("title") else {})}


def _v1_standard(standard: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"standard-title": standard["title"]}
    out.update({k: standard[k] for k in ("publisher", "reference") if k in standard})
    if "certification" in standard:
        out["certification"] = [{"link": standard["certification"]}]
    return out


def _person_line(person: dict[str, Any]) -> str:
    line = str(person["name"])
    if person.get("affiliation"):
        line += f" ({person['affiliation']})"
    if person.get("email"):
        line += f" <{person['email']}>"
    return line


def _person_of_line(line: str) -> dict[str, str]:
    match = re.fullmatch(r"(.*?)\s*(?:\((.*?)\))?\s*(?:<([^<>\s]+@[^<>\s]+)>)?", line.strip())
    if not match or not match.group(1):
        return {"name": line}
    person = {"name": match.group(1)}
    if match.group(2):
        person["affiliation"] = match.group(2)
    if match.group(3):
        person["email"] = match.group(3)
    return person
