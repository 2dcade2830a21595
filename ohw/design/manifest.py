"""The manifest (ohw.yaml) as hardware: parts, licences, where the BOM and the
instructions are. Built from data that has passed the manifest schema."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ohw.design.paths import is_url, normalize
from ohw.storage.yaml.document import JsonPath

LICENSE_KINDS = ("hardware", "documentation", "software")


@dataclass(frozen=True)
class Licenses:
    """SPDX expressions per kind of work, as written; None where not given."""

    hardware: str | None
    documentation: str | None
    software: str | None
    at: JsonPath

    @classmethod
    def from_data(cls, data: dict[str, str], at: JsonPath) -> Licenses:
        return cls(data.get("hardware"), data.get("documentation"), data.get("software"), at)

    def expressions(self) -> Iterator[tuple[JsonPath, str]]:
        for kind in LICENSE_KINDS:
            value = getattr(self, kind)
            if value is not None:
                yield (*self.at, kind), value


@dataclass(frozen=True)
class Part:
    """A fabricated part: what is printed, cut or milled."""

    id: str
    origin_license: Licenses | None  # for a remixed part, the licences of its source
    at: JsonPath


@dataclass(frozen=True)
class FileReference:
    """A place in the manifest that names a file (or, where allowed, a folder)."""

    at: JsonPath
    path: str
    folder_allowed: bool


@dataclass(frozen=True)
class Manifest:
    name: str
    license: Licenses
    parts: tuple[Part, ...]
    bom_file: str | None
    bom_items: list[dict[str, Any]] | None  # a BOM written inline in the manifest
    instructions: str | None
    lineage_licenses: tuple[Licenses, ...]
    data: dict[str, Any]

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Manifest:
        parts = tuple(
            Part(
                id=part["id"],
                origin_license=(
                    Licenses.from_data(part["from"]["license"], ("parts", i, "from", "license"))
                    if "license" in part.get("from", {})
                    else None
                ),
                at=("parts", i),
            )
            for i, part in enumerate(data.get("parts", []))
        )
        bom = data.get("bom")
        return cls(
            name=data["name"],
            license=Licenses.from_data(data["license"], ("license",)),
            parts=parts,
            bom_file=bom if isinstance(bom, str) else None,
            bom_items=bom if isinstance(bom, list) else None,
            instructions=data.get("instructions"),
            lineage_licenses=tuple(
                Licenses.from_data(entry["license"], ("lineage", i, "license"))
                for i, entry in enumerate(data.get("lineage", []))
                if "license" in entry
            ),
            data=data,
        )

    def part_files(self) -> Iterator[str]:
        """The source and export files of every part, as written."""
        for part in self.data.get("parts", []):
            yield from part_files(part)

    def unused(self, path: str) -> bool:
        """Whether ``path`` is a file the manifest says is no part (under `unused`)."""
        for entry in self.data.get("unused", []):
            written = normalize(_path_of(entry, ())[1])
            if path == written or path.startswith(written + "/"):
                return True
        return False

    def all_licenses(self) -> Iterator[Licenses]:
        yield self.license
        yield from (p.origin_license for p in self.parts if p.origin_license)
        yield from self.lineage_licenses

    def inherited_licenses(self) -> Iterator[tuple[str, Licenses]]:
        """The licences of others' work this design includes, with what it is
        ("part arm from desk-lamp", "the fork of desk-lamp"): every remixed part's,
        and a forked design's. A remix's lineage entry adds nothing its parts do not."""
        for part, written in zip(self.parts, self.data.get("parts", []), strict=True):
            if part.origin_license is not None:
                yield f"part {part.id} from {written['from']['design']}", part.origin_license
        for i, entry in enumerate(self.data.get("lineage", [])):
            if entry["relation"] == "fork" and "license" in entry:
                at = ("lineage", i, "license")
                yield f"the fork of {entry['design']}", Licenses.from_data(entry["license"], at)

    def file_references(self) -> Iterator[FileReference]:
        """Every file the manifest names; web addresses are not files and are left out."""
        data = self.data
        found: list[tuple[JsonPath, Any, bool]] = [
            (("readme",), data.get("readme"), False),
            (("bom",), self.bom_file, False),
            (("instructions",), self.instructions, True),
        ]
        for i, image in enumerate(data.get("images", [])):
            found.append((*_path_of(image, ("images", i)), False))
        for i, part in enumerate(data.get("parts", [])):
            for key in ("source", "export"):
                value = part.get(key)
                if isinstance(value, str):
                    found.append((("parts", i, key), value, False))
                for j, path in enumerate(value if isinstance(value, list) else []):
                    found.append((("parts", i, key, j), path, False))
            for j, path in enumerate(part.get("auxiliary", [])):
                found.append((("parts", i, "auxiliary", j), path, False))
            found.append((("parts", i, "image"), part.get("image"), False))
        for i, entry in enumerate(data.get("design-files", [])):
            found.append((*_path_of(entry, ("design-files", i)), True))
        for i, entry in enumerate(data.get("unused", [])):
            found.append((*_path_of(entry, ("unused", i)), True))
        for section, keys in (
            ("documents", ("path",)),
            ("software", ("path", "installation-guide")),
            ("standards", ("certification",)),
        ):
            for i, entry in enumerate(data.get(section, [])):
                found.extend(((section, i, key), entry.get(key), True) for key in keys)
        for at, path, folder_allowed in found:
            if isinstance(path, str) and not is_url(path):
                yield FileReference(at, path, folder_allowed)


def part_files(part: dict[str, Any]) -> list[str]:
    """The source and export files of one part (its data, valid or not: a
    comparison and the meshes a check begins with read it unchecked), as written."""
    found: list[str] = []
    for key in ("source", "export"):
        value = part.get(key)
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, list):
            found += [v for v in value if isinstance(v, str)]
    return found


def _path_of(entry: str | dict[str, str], at: JsonPath) -> tuple[JsonPath, str]:
    """A path written alone, or as the ``path`` of an object with a caption or title."""
    return ((*at, "path"), entry["path"]) if isinstance(entry, dict) else (at, entry)
