"""An OKH manifest as ohw.yaml: every key placed where docs/okh.md says, its value
in ohw's form (with a note for each change), and whatever has no place kept as
written under ``extensions.okh``, with a finding that says so."""

from __future__ import annotations

import datetime
import functools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ohw.design.findings import Finding, finding
from ohw.design.paths import is_url
from ohw.design.scaffold import slug
from ohw.okh import values
from ohw.okh.keys import SPECIFICATIONS, is_known, written_keys
from ohw.okh.read import OkhManifest
from ohw.okh.values import Normalised, Unplaceable

# Where each kind of OKH document goes among ohw's documents.
DOCUMENT_KINDS = {
    "user-manual": "user-manual",
    "operating-instructions": "operating",
    "operation-instructions": "operating",
    "maintenance-instructions": "maintenance",
    "disposal-instructions": "disposal",
    "risk-assessment": "risk-assessment",
    "quality-instructions": "quality",
    "tool-list": "tool-list",
    "tool-settings": "tool-settings",
    "schematics": "schematics",
    "contribution-guide": "contributing",
    "manufacturing-instructions": "manufacturing",
    "manufacturing-instruction": "manufacturing",
    "making-instructions": "manufacturing",
    "bom": "bom",
    "simplified-bom": "bom",
}
LINKS = {
    "release": "release",
    "repo": "repository",
    "project-link": "homepage",
    "documentation-home": "documentation",
    "archive-download": "archive",
}
# A social handle as a web address, for the platforms whose addresses are plain.
SOCIAL = {
    "github": "https://github.com/{}",
    "gitlab": "https://gitlab.com/{}",
    "codeberg": "https://codeberg.org/{}",
    "twitter": "https://twitter.com/{}",
    "x": "https://x.com/{}",
    "youtube": "https://www.youtube.com/@{}",
    "mastodon": "{}",
}
ORDER = [
    "ohw",
    "name",
    "title",
    "version",
    "description",
    "intended-use",
    "keywords",
    "license",
    "licensor",
    "organization",
    "authors",
    "contact",
    "links",
    "documentation-language",
    "development-stage",
    "technology-readiness-level",
    "documentation-readiness-level",
    "made",
    "made-independently",
    "created",
    "updated",
    "health-safety-notice",
    "readme",
    "images",
    "mass",
    "outer-dimensions",
    "cpc-patent-class",
    "standards",
    "design-files",
    "specifications",
    "related",
    "parts",
    "bom",
    "instructions",
    "documents",
    "software",
    "sub-designs",
    "lineage",
    "extensions",
]


@dataclass
class Conversion:
    """ohw.yaml's data made from one OKH manifest, and what was done to make it."""

    manifest: dict[str, Any]
    findings: list[Finding] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)  # every key the OKH manifest uses
    unknown: list[str] = field(default_factory=list)  # keys not in the table
    kept_apart: list[str] = field(default_factory=list)  # keys kept under extensions.okh

    @property
    def extensions(self) -> dict[str, Any]:
        found: dict[str, Any] = self.manifest.get("extensions", {}).get("okh", {})
        return found


class _Converter:
    def __init__(self, okh: OkhManifest) -> None:
        self.okh = okh
        self.out: dict[str, Any] = {"ohw": 1}
        self.apart: dict[str, Any] = {}
        self.findings: list[Finding] = []
        self.kept: list[str] = []

    # -- notes --

    def note(self, key: tuple[str | int, ...], result: Normalised) -> Any:
        if result.change:
            self.findings.append(
                finding(
                    "OHW706", self.okh.file, f"{_shown(key)}: {result.change}", self.okh.locate(key)
                )
            )
        return result.value

    def keep_apart(self, key: str, value: Any, why: str, at: tuple[str | int, ...] = ()) -> None:
        """Keep ``value`` of ``key`` as written under extensions.okh."""
        existing = self.apart.get(key)
        if isinstance(existing, list) and isinstance(value, list):
            existing.extend(_plain(value))
        elif isinstance(existing, dict) and isinstance(value, dict):
            existing.update(_plain(value))
        else:
            self.apart[key] = _plain(value)
        self.kept.append(key)
        self.findings.append(
            finding(
                "OHW707",
                self.okh.file,
                f"{_shown(at or (key,))}: {why}; kept as written under extensions.okh.{key}",
                self.okh.locate(at or (key,)),
            )
        )

    def tried(
        self,
        key: str,
        value: Any,
        convert: Callable[[Any], Normalised],
        at: tuple[str | int, ...] = (),
    ) -> Any:
        """``convert(value)``, noted; None (and the value kept apart) if it cannot be."""
        try:
            return self.note(at or (key,), convert(value))
        except Unplaceable as why:
            self.keep_apart(key, value, str(why), at)
            return None

    # -- the manifest --

    def convert(self) -> Conversion:
        data = self.okh.data
        handlers = self._handlers()
        for key, value in data.items():
            handler = handlers.get(key)
            if handler is not None:
                handler(key, value)
            elif is_known(key):  # about the OKH file itself
                self.apart[key] = _plain(value)
            else:
                self.apart[key] = _plain(value)
                self.kept.append(key)
                self.findings.append(
                    finding(
                        "OHW705",
                        self.okh.file,
                        f"{key} is not an OKH key ohw knows (docs/okh.md); "
                        f"kept as written under extensions.okh.{key}",
                        self.okh.locate((key,)),
                    )
                )
        self._name()
        if self.apart:
            self.out["extensions"] = {"okh": self.apart}
        self.out.setdefault("license", {})
        manifest = {k: self.out[k] for k in ORDER if k in self.out}
        keys = list(dict.fromkeys(written_keys(data)))
        unknown = [k for k in keys if not is_known(k)]
        for sub in unknown:
            if "." in sub and sub.split(".")[0] not in self.kept:
                self.findings.append(
                    finding(
                        "OHW705",
                        self.okh.file,
                        f"{sub} is not an OKH key ohw knows (docs/okh.md); kept as written "
                        "under extensions.okh",
                        self.okh.locate(tuple(sub.split("."))),
                    )
                )
        return Conversion(manifest, self.findings, keys, unknown, list(dict.fromkeys(self.kept)))

    def _handlers(self) -> dict[str, Callable[[str, Any], None]]:
        text_keys = {"intended-use": "intended-use", "health-safety-notice": "health-safety-notice"}
        handlers: dict[str, Callable[[str, Any], None]] = {
            "title": self._title,
            "name": self._title,
            "description": self._description,
            "function": self._description,
            "keywords": self._keywords,
            "version": self._version,
            "attestation": self._web_list,
            "publication": self._web_list,
            "license": self._license,
            "spdx-license": self._license,
            "licensor": self._licensor,
            "organization": self._organization,
            "organisation": self._organization,
            "contributors": self._authors,
            "contact": self._contact,
            "image": self._images,
            "readme": self._readme,
            "documentation-language": self._language,
            "development-stage": self._stage,
            "technology-readiness-level": self._readiness,
            "documentation-readiness-level": self._readiness,
            "made": self._flag,
            "made-independently": self._flag,
            "date-created": self._date,
            "date-updated": self._date,
            "cpc-patent-class": self._patent_class,
            "patent-class": self._patent_class,
            "standard": self._standards,
            "standard-compliance": self._standards,
            "standards-used": self._standards,
            "mass": self._mass,
            "outer-dimensions": self._dimensions,
            "outer-dimension": self._dimensions,
            "outer-dimension-dim": lambda key, value: None,  # read with outer-dimension
            "source": self._design_files,
            "export": self._design_files,
            "auxiliary": self._design_files,
            "design-files": self._design_files,
            "manufacturing-files": self._design_files,
            "software": self._software,
            "sub": self._sub_designs,
            "sub-parts": self._sub_designs,
            "derivative-of": self._related,
            "fork-of": self._related,
            "variant-of": self._related,
            "related": self._related,
            "part": self._parts,
        }
        handlers.update(dict.fromkeys(text_keys, self._text))
        handlers.update(dict.fromkeys(LINKS, self._link))
        handlers.update(dict.fromkeys(SPECIFICATIONS, self._specification))
        handlers.update(dict.fromkeys(DOCUMENT_KINDS, self._documents))
        return handlers

    def _text(self, key: str, value: Any) -> None:
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            self.out[key] = str(value)
        else:
            self.keep_apart(key, value, "not text")

    def _title(self, key: str, value: Any) -> None:
        if not isinstance(value, (str, int, float)) or not str(value).strip():
            self.keep_apart(key, value, "not a title")
            return
        text = " ".join(str(value).split())
        if key == "title" or "title" not in self.out:
            self.out["title"] = text
        if key == "name":
            self.out["name"] = slug(text) or "design"

    def _name(self) -> None:
        if "title" not in self.out:
            self.out["title"] = (
                self.okh.file.rsplit("/", 1)[0] if "/" in self.okh.file else "design"
            )
        self.out.setdefault("name", slug(self.out["title"]) or "design")

    def _description(self, key: str, value: Any) -> None:
        if not isinstance(value, str):
            self.keep_apart(key, value, "not text")
        elif "description" in self.out and self.out["description"].strip() != value.strip():
            self.keep_apart(key, value, "the description is already given")
        else:
            self.out["description"] = value

    def _keywords(self, key: str, value: Any) -> None:
        words = value if isinstance(value, list) else [value]
        kept = [
            str(w).strip() for w in words if isinstance(w, (str, int, float)) and str(w).strip()
        ]
        self.out["keywords"] = list(dict.fromkeys([*self.out.get("keywords", []), *kept]))
        if len(kept) != len(words):
            self.keep_apart(key, [w for w in words if str(w).strip() not in kept], "not words")

    def _version(self, key: str, value: Any) -> None:
        written = self.okh.plain_text((key,))
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.keep_apart(key, value, "not a version")
        else:
            self.out["version"] = written if written is not None else str(value)

    def _link(self, key: str, value: Any) -> None:
        text = value.strip() if isinstance(value, str) else value
        if isinstance(text, str) and is_url(text):
            if text != value:
                self.note((key,), Normalised(text, "spaces around the address removed"))
            self.out.setdefault("links", {})[LINKS[key]] = text
        else:
            self.keep_apart(key, value, "not a web address")

    def _web_list(self, key: str, value: Any) -> None:
        target = {"attestation": "attestations", "publication": "publications"}[key]
        items = value if isinstance(value, list) else [value]
        urls = [i.strip() for i in items if isinstance(i, str) and is_url(i.strip())]
        if urls:
            self.out.setdefault("links", {})[target] = urls
        rest = [i for i in items if not (isinstance(i, str) and is_url(i.strip()))]
        if rest:
            self.keep_apart(key, rest, "not web addresses")

    def _license(self, key: str, value: Any) -> None:
        licences = self.out.setdefault("license", {})
        given = value if isinstance(value, dict) else {"hardware": value}
        for kind, written in given.items():
            if kind in ("hardware", "documentation", "software"):
                found = self.tried(
                    key, written, values.licence, (key, kind) if isinstance(value, dict) else (key,)
                )
                if found is not None:
                    licences[kind] = found
            else:
                self.keep_apart(key, {kind: written}, f"{kind} is not a kind of work", (key, kind))

    def _licensor(self, key: str, value: Any) -> None:
        lines = [_person_line(v) for v in (value if isinstance(value, list) else [value])]
        kept = [line for line in lines if line]
        if not kept:
            self.keep_apart(key, value, "not a person or organisation")
            return
        self.out["licensor"] = kept[0] if len(kept) == 1 else kept
        if isinstance(value, dict):
            extra = {k: v for k, v in value.items() if k not in _PERSON_KEYS}
            if extra:
                self.keep_apart(key, extra, f"{', '.join(extra)} has no place in ohw's licensor")

    def _organization(self, key: str, value: Any) -> None:
        items = value if isinstance(value, list) else [value]
        found: list[Any] = []
        for item in items:
            if isinstance(item, str) and item.strip():
                found.append(item.strip())
            elif isinstance(item, dict) and isinstance(item.get("name"), str):
                entry = {k: str(item[k]) for k in ("name", "url", "email") if k in item}
                if "url" in entry and not is_url(entry["url"]):
                    del entry["url"]
                found.append(entry)
                extra = {k: v for k, v in item.items() if k not in entry}
                if extra:
                    self.keep_apart(key, [extra], "has no place in ohw's organization")
            else:
                self.keep_apart(key, [item], "not an organisation")
        if found:
            self.out["organization"] = found[0] if len(found) == 1 else found

    def _authors(self, key: str, value: Any) -> None:
        people = [
            p for p in (_person(v) for v in (value if isinstance(value, list) else [value])) if p
        ]
        if people:
            self.out["authors"] = people
        else:
            self.keep_apart(key, value, "not people")

    def _contact(self, key: str, value: Any) -> None:
        person = _person(value)
        if person is None:
            self.keep_apart(key, value, "not a person")
            return
        social = value.get("social") if isinstance(value, dict) else None
        for entry in social if isinstance(social, list) else []:
            platform = str(entry.get("platform", "")).lower() if isinstance(entry, dict) else ""
            handle = (
                str(entry.get("user-handle", "")).lstrip("@") if isinstance(entry, dict) else ""
            )
            url = SOCIAL.get(platform, "").format(handle) if handle else ""
            if "url" not in person and is_url(url):
                person["url"] = url
        if social is not None:
            self.keep_apart(
                key,
                {"social": social},
                "social handles have no place in ohw's contact",
                (key, "social"),
            )
        self.out["contact"] = person

    def _images(self, key: str, value: Any) -> None:
        images: list[Any] = self.out.setdefault("images", [])
        for i, item in enumerate(value if isinstance(value, list) else [value]):
            at = (key, i) if isinstance(value, list) else (key,)
            location = item.get("location") if isinstance(item, dict) else item
            found = self.tried(key, location, values.path, at)
            if found is None:
                continue
            if not isinstance(item, dict):
                images.append(found)
                continue
            image: dict[str, Any] = {"path": found}
            if isinstance(item.get("depicts"), str):
                image["caption"] = item["depicts"]
            slots = item.get("slots", [])
            slots = [slots] if isinstance(slots, str) else slots
            if isinstance(slots, list) and slots:
                image["slots"] = [str(s) for s in slots]
            tags = item.get("tags", [])
            tags = [tags] if isinstance(tags, str) else tags
            if isinstance(tags, list) and tags:
                image["tags"] = [str(t) for t in tags]
            images.append(image if len(image) > 1 else found)
            extra = {
                k: v for k, v in item.items() if k not in ("location", "depicts", "slots", "tags")
            }
            if extra:
                self.keep_apart(
                    key, [{"location": location, **extra}], "has no place in ohw's images", at
                )
        if not images:
            del self.out["images"]

    def _readme(self, key: str, value: Any) -> None:
        first = value[0] if isinstance(value, list) and value else value
        found = self.tried(key, first, values.path)
        if found is not None:
            self.out["readme"] = found
        if isinstance(value, list) and len(value) > 1:
            self.keep_apart(key, value[1:], "ohw keeps one readme")

    def _language(self, key: str, value: Any) -> None:
        items = value if isinstance(value, list) else [value]
        tags = [
            t
            for i, item in enumerate(items)
            if (
                t := self.tried(
                    key, item, values.language, (key, i) if isinstance(value, list) else (key,)
                )
            )
        ]
        tags = list(dict.fromkeys(tags))
        if tags:
            self.out["documentation-language"] = tags[0] if len(tags) == 1 else tags

    def _stage(self, key: str, value: Any) -> None:
        found = self.tried(key, value, values.stage)
        if found is not None:
            self.out["development-stage"] = found

    def _readiness(self, key: str, value: Any) -> None:
        prefix, top = ("OTRL", 8) if key.startswith("technology") else ("ODRL", 4)
        found = self.tried(key, value, lambda v: values.readiness(v, prefix, top))
        if found is not None:
            self.out[key] = found

    def _flag(self, key: str, value: Any) -> None:
        words = {"true": True, "yes": True, "false": False, "no": False}
        if isinstance(value, bool):
            self.out[key] = value
        elif isinstance(value, str) and value.strip().lower() in words:
            self.out[key] = self.note(
                (key,), Normalised(words[value.strip().lower()], f"{value!r} read as a yes or no")
            )
        else:
            self.keep_apart(key, value, "not true or false")

    def _date(self, key: str, value: Any) -> None:
        found = self.tried(key, value, values.date)
        if found is not None:
            self.out["created" if key == "date-created" else "updated"] = found

    def _patent_class(self, key: str, value: Any) -> None:
        items = value if isinstance(value, list) else [value]
        if items and all(isinstance(i, str) and i.strip() for i in items):
            self.out["cpc-patent-class"] = " ".join(items[0].split())
            if len(items) > 1:
                self.keep_apart(key, items[1:], "ohw keeps one patent class")
        else:
            self.keep_apart(key, value, "not a patent class")

    def _standards(self, key: str, value: Any) -> None:
        standards: list[dict[str, Any]] = self.out.setdefault("standards", [])
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and item.strip():
                standards.append({"title": item.strip()})
            elif isinstance(item, dict) and isinstance(item.get("standard-title"), str):
                entry = {"title": item["standard-title"]}
                entry.update({k: str(item[k]) for k in ("publisher", "reference") if k in item})
                certification = item.get("certification")
                links = (
                    [c.get("link") for c in certification if isinstance(c, dict)]
                    if isinstance(certification, list)
                    else []
                )
                if links and isinstance(links[0], str) and links[0].strip():
                    entry["certification"] = links[0]
                if certification is not None and (
                    len(certification) != 1 or set(certification[0]) != {"link"}
                ):
                    self.keep_apart(
                        key, [item], "certifiers and dates have no place in ohw's standards"
                    )
                standards.append(entry)
            else:
                self.keep_apart(key, [item], "not a standard")
        if not standards:
            del self.out["standards"]

    def _mass(self, key: str, value: Any) -> None:
        found = self.tried(key, value, values.mass)
        if found is not None:
            self.out["mass"] = found

    def _dimensions(self, key: str, value: Any) -> None:
        unit = self.okh.data.get("outer-dimension-dim", "mm")
        found = self.tried(key, value, lambda v: values.dimensions(v, unit))
        if found is not None:
            self.out["outer-dimensions"] = found
        elif "outer-dimension-dim" in self.okh.data:
            self.apart["outer-dimension-dim"] = unit

    def _specification(self, key: str, value: Any) -> None:
        if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
            value = ", ".join(str(v) for v in value)
        if isinstance(value, (str, int, float, bool)) and not (
            isinstance(value, float) and not math.isfinite(value)
        ):
            self.out.setdefault("specifications", {})[key] = value
        else:
            self.keep_apart(key, value, "not a value ohw's specifications can hold")

    def _design_files(self, key: str, value: Any) -> None:
        files: list[Any] = self.out.setdefault("design-files", [])
        kind = {"manufacturing-files": "export", "design-files": None}.get(key, key)
        for i, item in enumerate(value if isinstance(value, list) else [value]):
            at = (key, i) if isinstance(value, list) else (key,)
            written = item.get("path") if isinstance(item, dict) else item
            found = self.tried(key, written, values.path, at)
            if found is None:
                continue
            entry: dict[str, Any] = {"path": found}
            if isinstance(item, dict) and isinstance(item.get("title"), str):
                entry["title"] = item["title"]
            if kind is not None:
                entry["kind"] = kind
            files.append(entry if len(entry) > 1 else found)
        if not files:
            del self.out["design-files"]

    def _documents(self, key: str, value: Any) -> None:
        kind = DOCUMENT_KINDS[key]
        for i, item in enumerate(value if isinstance(value, list) else [value]):
            at = (key, i) if isinstance(value, list) else (key,)
            written = item.get("path") if isinstance(item, dict) else item
            if (
                kind == "tool-list"
                and isinstance(written, str)
                and not values.looks_like_path(written.strip())
            ):
                self.keep_apart(key, [item], "a tool named in words, not a file")
                continue
            found = self.tried(key, written, values.path, at)
            if found is None:
                continue
            title = item.get("title") if isinstance(item, dict) else None
            self._place_document(kind, found, title if isinstance(title, str) else None)

    def _place_document(self, kind: str, found: str, title: str | None) -> None:
        local = not is_url(found)
        if (
            kind == "bom"
            and local
            and "bom" not in self.out
            and found.lower().endswith((".yaml", ".yml", ".csv", ".tsv"))
        ):
            self.out["bom"] = found
            return
        if (
            kind == "manufacturing"
            and local
            and "instructions" not in self.out
            and (found.lower().endswith(".md") or "." not in found.rsplit("/", 1)[-1])
        ):
            self.out["instructions"] = found
            return
        if self.out.get("instructions") == found or self.out.get("bom") == found:
            return
        documents: list[dict[str, Any]] = self.out.setdefault("documents", [])
        entry = {"kind": kind, "path": found, **({"title": title} if title else {})}
        if not any(d["kind"] == kind and d["path"] == found for d in documents):
            documents.append(entry)

    def _software(self, key: str, value: Any) -> None:
        software: list[dict[str, Any]] = self.out.setdefault("software", [])
        for i, item in enumerate(value if isinstance(value, list) else [value]):
            at = (key, i) if isinstance(value, list) else (key,)
            if not isinstance(item, dict):
                self.keep_apart(key, [item], "not a description of software", at)
                continue
            entry: dict[str, Any] = {}
            where = item.get("path", item.get("url"))
            if where is not None and (found := self.tried(key, where, values.path, (*at, "path"))):
                entry["path"] = found
            release = item.get("release", item.get("version"))
            if isinstance(release, (str, int, float)) and not isinstance(release, bool):
                entry["release"] = str(release)
            guide = item.get("installation-guide")
            if guide is not None and (
                found := self.tried(key, guide, values.path, (*at, "installation-guide"))
            ):
                entry["installation-guide"] = found
            title = item.get("title", item.get("name"))
            entry = {
                "title": str(title)
                if title
                else str(entry.get("release") or entry.get("path") or "software"),
                **entry,
            }
            software.append(entry)
            extra = {k: v for k, v in item.items() if k not in _SOFTWARE_KEYS}
            if extra:
                self.keep_apart(key, [extra], "has no place in ohw's software", at)
        if not software:
            del self.out["software"]

    def _sub_designs(self, key: str, value: Any) -> None:
        subs: list[dict[str, Any]] = self.out.setdefault("sub-designs", [])
        for item in value if isinstance(value, list) else [value]:
            where = (item.get("web") or item.get("manifest")) if isinstance(item, dict) else item
            if not isinstance(where, str) or not where.strip():
                self.keep_apart(key, [item], "a module without a web address")
                continue
            title = item.get("title") if isinstance(item, dict) else None
            subs.append({"title": str(title or where).strip(), "url": where.strip()})
            if isinstance(item, dict) and item.get("web") and item.get("manifest"):
                self.keep_apart(
                    key, [{"manifest": item["manifest"]}], "ohw keeps one address per module"
                )
        if not subs:
            del self.out["sub-designs"]

    def _related(self, key: str, value: Any) -> None:
        related: list[dict[str, Any]] = self.out.setdefault("related", [])
        for item in value if isinstance(value, list) else [value]:
            where = (
                item.get("url") or item.get("web") or item.get("manifest")
                if isinstance(item, dict)
                else item
            )
            where = where.strip() if isinstance(where, str) else where
            if not isinstance(where, str) or not is_url(where):
                self.keep_apart(key, item, "not a web address")
                continue
            entry: dict[str, Any] = {"url": where}
            title = item.get("title", item.get("name")) if isinstance(item, dict) else None
            if isinstance(title, str):
                entry["title"] = title
            relation = item.get("relation") if isinstance(item, dict) and key == "related" else key
            if isinstance(relation, str):
                entry["relation"] = relation
            related.append(entry)
        if not related:
            del self.out["related"]

    def _parts(self, key: str, value: Any) -> None:
        parts: list[dict[str, Any]] = self.out.setdefault("parts", [])
        for i, item in enumerate(value if isinstance(value, list) else [value]):
            at = (key, i) if isinstance(value, list) else (key,)
            part = _Part(self, item, at, {p["id"] for p in parts}).convert()
            if part is not None:
                parts.append(part)
        if not parts:
            del self.out["parts"]


_PERSON_KEYS = ("name", "email", "affiliation", "memberOf", "url")
_SOFTWARE_KEYS = ("title", "name", "path", "url", "release", "version", "installation-guide")
_PRINT = {
    "infill": "infill",
    "layer-height": "layer-height",
    "perimeters": "perimeters",
    "supports": "supports",
    "printing-process": "process",
    "process": "process",
    "notes": "notes",
}


class _Part:
    """One OKH part as an ohw part."""

    def __init__(
        self, converter: _Converter, item: Any, at: tuple[str | int, ...], ids: set[str]
    ) -> None:
        self.converter, self.item, self.at, self.ids = converter, item, at, ids

    def convert(self) -> dict[str, Any] | None:  # noqa: PLR0915 (one key after another)
        item, converter = self.item, self.converter
        if not isinstance(item, dict) or not isinstance(
            item.get("name", item.get("id")), (str, int)
        ):
            converter.keep_apart("part", [item], "a part without a name", self.at)
            return None
        name = str(item.get("name", item.get("id")))
        part: dict[str, Any] = {"id": self._id(str(item.get("id", name)))}
        if "name" in item:
            part["name"] = name
        extra: dict[str, Any] = {}
        for key, value in item.items():
            at = (*self.at, key)
            if key in ("name", "id"):
                continue
            if key in ("source", "export", "auxiliary"):
                paths = [
                    p
                    for p in (converter.tried("part", v, values.path, at) for v in _listed(value))
                    if p
                ]
                if paths:
                    part[key] = paths if key == "auxiliary" or len(paths) > 1 else paths[0]
            elif key == "image":
                first = _listed(value)[0] if _listed(value) else None
                found = converter.tried(
                    "part",
                    first.get("location") if isinstance(first, dict) else first,
                    values.path,
                    at,
                )
                if found is not None:
                    part["image"] = found
            elif key in ("material", "description", "notes") and isinstance(value, str):
                part[key] = value
            elif key in ("process", "tsdc", "tsdc-id"):
                self._process(key, value, part, extra)
            elif key == "quantity":
                try:
                    count = values.positive(value, "a quantity")
                    if not isinstance(count.value, int):
                        raise Unplaceable(f"{value!r} is not a whole number")
                    part["quantity"] = converter.note(at, count)
                except Unplaceable as why:
                    extra[key] = value
                    converter.findings.append(
                        finding(
                            "OHW707",
                            converter.okh.file,
                            f"{_shown(at)}: {why}; kept as written under extensions.okh.part",
                            converter.okh.locate(at),
                        )
                    )
            elif key == "mass":
                found = converter.tried("part", value, values.mass, at)
                if found is not None:
                    part["mass"] = found
            elif key in ("outer-dimensions", "outer-dimension"):
                unit = item.get("outer-dimension-dim", "mm")
                found = converter.tried(
                    "part", value, functools.partial(values.dimensions, unit=unit), at
                )
                if found is not None:
                    part["outer-dimensions"] = found
            elif key == "outer-dimension-dim":
                continue
            elif key == "print" and isinstance(value, dict):
                for sub, setting in value.items():
                    self._print(sub, setting, part, extra, (*at, sub))
            elif key in _PRINT and key not in ("process", "notes"):
                self._print(key, value, part, extra, at)
            else:
                extra[key] = value
        if "source" not in part and "export" not in part:
            converter.keep_apart(
                "part", [item], "a part with neither source nor export file", self.at
            )
            return None
        if extra:
            converter.keep_apart(
                "part",
                [{"name": name, **extra}],
                f"{', '.join(extra)} of part {name} has no place in ohw's part",
                self.at,
            )
        return part

    def _id(self, name: str) -> str:
        base = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-")[:60] or "part"
        found, n = base, 2
        while found in self.ids:
            found, n = f"{base}-{n}", n + 1
        return found

    def _process(self, key: str, value: Any, part: dict[str, Any], extra: dict[str, Any]) -> None:
        first = _listed(value)[0] if _listed(value) else value
        try:
            found = self.converter.note((*self.at, key), values.process(first))
        except Unplaceable:
            extra[key] = value
            return
        part.setdefault("process", found)
        if isinstance(value, list) and len(value) > 1:
            extra[key] = value

    def _print(
        self,
        key: str,
        value: Any,
        part: dict[str, Any],
        extra: dict[str, Any],
        at: tuple[str | int, ...],
    ) -> None:
        target = _PRINT.get(key)
        settings = part.setdefault("print", {})
        if (target in ("process", "notes") and isinstance(value, str)) or (
            target == "supports" and isinstance(value, bool)
        ):
            settings[target] = value
        elif target in ("infill", "layer-height", "perimeters") and not isinstance(value, bool):
            try:
                number = values.positive(
                    str(value).rstrip("%") if target == "infill" else value, "a print setting"
                ).value
            except Unplaceable:
                number = None
            if (
                number is not None
                and (target != "perimeters" or isinstance(number, int))
                and (target != "infill" or number <= 100)
            ):
                settings[target] = number
            else:
                extra[key] = value
        else:
            extra[key] = value
        if not settings:
            del part["print"]


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _person(value: Any) -> dict[str, Any] | None:
    """A person of ohw.yaml from OKH's {name, email, affiliation} or 'Name <email>'."""
    if isinstance(value, str) and value.strip():
        text = value.strip()
        if is_url(text):
            return {"name": text, "url": text}
        match = re.fullmatch(r"(.*?)\s*(?:\((.*?)\))?\s*<([^<>@\s]+@[^<>@\s]+)>", text)
        if match:
            written = {"name": match.group(1) or match.group(3), "email": match.group(3)}
            return {**written, **({"affiliation": match.group(2)} if match.group(2) else {})}
        return {"name": text}
    if not isinstance(value, dict):
        return None
    name = value.get("name") or value.get("email")
    if not isinstance(name, str) or not name.strip():
        return None
    person: dict[str, Any] = {"name": name.strip()}
    email = value.get("email")
    if isinstance(email, str) and re.fullmatch(r"[^@\s]+@[^@\s]+", email.strip()):
        person["email"] = email.strip()
    affiliation = value.get("affiliation", value.get("memberOf"))
    if isinstance(affiliation, str) and affiliation.strip():
        person["affiliation"] = affiliation.strip()
    url = value.get("url")
    if isinstance(url, str) and is_url(url.strip()):
        person["url"] = url.strip()
    return person


def _person_line(value: Any) -> str | None:
    """A person as OKH-LOSH writes a licensor: 'Jane Doe (FSF) <jane@example.org>'."""
    if isinstance(value, str):
        return value.strip() or None
    person = _person(value)
    if person is None:
        return None
    line = person["name"]
    if "affiliation" in person:
        line += f" ({person['affiliation']})"
    if "email" in person and person["email"] != person["name"]:
        line += f" <{person['email']}>"
    elif "url" in person:
        line += f" <{person['url']}>"
    return str(line)


def _plain(value: Any) -> Any:
    """``value`` as data YAML and JSON both keep: dates as text, no infinite numbers."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def _shown(path: tuple[str | int, ...]) -> str:
    return "".join(
        f"[{p}]" if isinstance(p, int) else (f".{p}" if i else p) for i, p in enumerate(path)
    )


def to_design(okh: OkhManifest) -> Conversion:
    """ohw.yaml's data for the OKH manifest ``okh``."""
    conversion = _Converter(okh).convert()
    conversion.findings[:0] = okh.findings
    return conversion
