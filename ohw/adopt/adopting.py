"""`ohw adopt`: write the ohw.yaml of a repository (or folder) as it is, without
moving a file. The files are read as parts, choices and what is no part
(ohw.adopt.layout), licences from LICENSE or the README, the title and
description from the README, authors from the history, BOM files found; what
could not be decided is said, with where to say it. An ohw.yaml already there
keeps its text and every value the maintainer wrote, and gains only the parts
and keys it lacks. Nothing is written unless the result is a valid manifest;
with ``commit``, ohw.yaml alone is committed, and a failed commit leaves the
file as it was."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ohw.adopt.boms import find_boms
from ohw.adopt.layout import Layout, ProposedPart, Undecided, read_layout
from ohw.adopt.license_files import MAX_LICENCE_BYTES, find_licences, is_licence_file
from ohw.adopt.names import human_name, part_id
from ohw.adopt.readme import README_NAMES, introduction, licence_section
from ohw.design.choices import part_options
from ohw.design.licenses import check_expression
from ohw.design.manifest import part_files
from ohw.design.paths import MANIFEST, is_mesh, is_url, path_problem
from ohw.design.reader import BOM_SUFFIXES, bom_kind, parse_file
from ohw.design.scaffold import slug
from ohw.errors import OhwError
from ohw.storage.files import write_atomically
from ohw.storage.vcs.lfs import ATTRIBUTES, lfs_attributes, require_client, set_up
from ohw.storage.vcs.repository import find_repository

HEADER = (
    "# Written by ohw adopt from the repository as it is: check it, then commit it.\n"
    "# Its format: `ohw schema manifest`. Re-running ohw adopt adds what is new only.\n"
)
PRINTING = "3d-printing"
MAX_README_BYTES = 1_000_000
MAX_IMAGES = 8


@dataclass
class Adoption:
    """What one `ohw adopt` did, or would do (``dry_run``)."""

    folder: Path
    manifest: Path
    text: str  # ohw.yaml as written, or as it would be
    dry_run: bool
    merged: bool  # into an ohw.yaml that was there
    written: bool = False
    parts: int = 0  # parts found in the repository
    added: list[str] = field(default_factory=list)  # ids of the parts added to ohw.yaml
    choices: list[str] = field(default_factory=list)  # the choice groups found
    unused: list[str] = field(default_factory=list)
    bom: str | None = None
    license: dict[str, str] = field(default_factory=dict)
    authors: int = 0
    undecided: list[Undecided] = field(default_factory=list)
    commit: str | None = None
    lfs_attributes: str | None = None  # the .gitattributes written for Git LFS (--lfs)


def adopt(
    folder: Path, *, dry_run: bool = False, commit: bool = False, lfs: bool = False
) -> Adoption:
    """Write (or, with ``dry_run``, show) the ohw.yaml of the design in ``folder``:
    the design above it where ``folder`` is inside one, as every command finds it.
    With ``lfs``, also the .gitattributes that keeps its meshes and CAD files in
    Git LFS from now on."""
    from ohw.merge.files import edit_yaml
    from ohw.storage.locations import design_root
    from ohw.storage.vcs.repository import GitWorkingTree

    if not folder.is_dir():
        raise OhwError(f"{folder} is not a folder", "give the repository's folder")
    folder = Path(design_root(str(folder), MANIFEST) or folder)
    attributes = folder / ATTRIBUTES
    previous_attributes = attributes.read_text("utf-8") if attributes.is_file() else None
    if lfs:
        require_client(folder)
    if commit and find_repository(folder) is None:
        raise OhwError(f"{folder} is not in a git repository: --commit needs one",
                       "run git init first, or leave out --commit")  # fmt: skip
    tree = GitWorkingTree(folder)
    files, undecided = _design_files(tree)
    target = folder / MANIFEST
    existing_text = _manifest_text(target)
    existing = _existing(existing_text, target)
    readme_name = next((f for f in files if "/" not in f and f.lower() in README_NAMES), None)
    readme = _text(tree.read_bytes(readme_name)[:MAX_README_BYTES]) if readme_name else ""
    layout = read_layout(files, readme)
    boms = find_boms(files, [p.export for p in layout.parts], tree.read_bytes, _why_unreadable)
    _count_from_boms(layout, boms.counts)
    _assign_ids(layout.parts, set())
    proposal = _proposal(
        folder, tree, files, layout=layout, readme_name=readme_name, readme=readme, bom=boms.named
    )
    result = Adoption(folder, target, "", dry_run, existing is not None)
    result.undecided = undecided + layout.undecided + proposal.pop("_undecided")
    result.undecided += _bom_undecided(boms.named, boms.also_readable, boms.unreadable)
    merged, result.added = _merged(existing or {}, proposal)
    if existing is not None:
        assert existing_text is not None
        result.undecided = [u for u in result.undecided if _about_new(u, existing)]
        result.text = edit_yaml(existing_text, merged)
    else:
        result.text = HEADER + edit_yaml("", merged)
    _require_valid(result.text, target, existed=existing is not None)
    result.parts = len(layout.parts)
    result.choices = [c.id for c in layout.choices]
    result.unused = [path for path, _ in layout.unused]
    result.bom = merged.get("bom") if isinstance(merged.get("bom"), str) else None
    result.license = dict(merged.get("license", {}))
    result.authors = len(merged.get("authors", []))
    if lfs:
        result.lfs_attributes = lfs_attributes(previous_attributes)
    if not dry_run and (
        existing is None or result.text != existing_text or result.lfs_attributes is not None
    ):
        _write(result, existing_text, previous_attributes, commit=commit)
    return result


def _require_valid(text: str, target: Path, *, existed: bool) -> None:
    """Refuse an ohw.yaml ``text`` that fails its schema: the fault of the one
    already at ``target`` (adopt changes nothing it says), or adopt's own."""
    checked = parse_file(MANIFEST, "manifest", text.encode("utf-8"))
    if checked.valid:
        return
    first = checked.problems[0]
    if existed:
        raise OhwError(
            f"{target} is not a valid manifest ({first.message}); ohw adopt changes nothing",
            "run ohw check to see what is wrong, fix it, then run ohw adopt again",
        )
    raise OhwError(  # nothing is written
        f"ohw adopt made an ohw.yaml that is not valid ({first.message}); nothing written",
        "report it; ohw adopt --dry-run shows what it made",
    )


def _design_files(tree: Any) -> tuple[list[str], list[Undecided]]:
    """The files of the design (not those git ignores), and those whose names
    ohw.yaml cannot hold."""
    listed = [f for f in tree.files if f != MANIFEST]
    ignored = tree.ignored(listed)
    files, undecided = [], []
    for path in listed:
        if path in ignored:
            continue
        problem = path_problem(path)
        if problem is None:
            files.append(path)
        elif is_mesh(path):
            undecided.append(Undecided(f"the file name {path} {problem}: not adopted",
                                       "rename the file"))  # fmt: skip
    return files, undecided


def _text(raw: bytes) -> str:
    return raw.decode("utf-8-sig", "replace").replace("\r\n", "\n").replace("\r", "\n")


def _manifest_text(target: Path) -> str | None:
    """The text of the ohw.yaml already there, None if there is none."""
    if not target.exists() and not target.is_symlink():
        return None
    unchanged = "ohw adopt changes nothing"
    if not target.is_file():
        raise OhwError(f"{target} is not a file; {unchanged}", "move it away, then run ohw adopt")
    try:
        return target.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise OhwError(
            f"{target} cannot be read as a manifest: it is not UTF-8 text; {unchanged}",
            "save it as UTF-8, then run ohw adopt again",
        ) from None
    except OSError as error:
        raise OhwError(f"cannot read {target}: {error.strerror}; {unchanged}") from None


def _existing(text: str | None, target: Path) -> dict[str, Any] | None:
    if text is None:
        return None
    from ohw.storage.yaml.document import ReadProblem
    from ohw.storage.yaml.read import load_yaml

    try:
        data = load_yaml(text.encode("utf-8")).data
    except ReadProblem as problem:
        data = problem
    if not isinstance(data, dict):
        raise OhwError(
            f"{target} cannot be read as a manifest; ohw adopt changes nothing",
            "run ohw check to see what is wrong, fix it, then run ohw adopt again",
        )
    return data


def _why_unreadable(path: str, raw: bytes) -> str | None:
    """Why ohw cannot read ``path`` as the design's BOM, or None if it can."""
    if not path.lower().endswith(BOM_SUFFIXES):
        return "ohw reads BOMs as " + ", ".join(BOM_SUFFIXES) + " files"
    try:
        read = parse_file(path, bom_kind(path), raw)
    except csv.Error as error:  # a cell longer than Python's csv reader takes
        return f"it cannot be read as CSV: {error}"
    if read.valid:
        return None
    return read.problems[0].message if read.problems else "it is no BOM ohw reads"


def _count_from_boms(layout: Layout, counts: dict[str, tuple[int, str]]) -> None:
    for part in layout.parts:
        if part.export not in counts:
            continue
        count, path = counts[part.export]
        if part.quantity is not None and part.quantity != count:
            layout.undecided.append(
                Undecided(
                    f"{part.export}: its name says {part.quantity}, {path} says {count}: "
                    f"written {count}",
                    f"parts: {part.export}: quantity",
                )
            )
        part.quantity, part.quantity_from = count, path


def _proposal(
    folder: Path,
    tree: Any,
    files: list[str],
    *,
    layout: Layout,
    readme_name: str | None,
    readme: str,
    bom: str | None,
) -> dict[str, Any]:
    """The manifest the files make, with ``_undecided`` for what they do not say."""
    from ohw.storage.vcs.history import contributors

    undecided: list[Undecided] = []
    intro = introduction(readme)
    name = slug(folder.resolve().name) or slug(intro.title or "") or "design"
    data: dict[str, Any] = {"ohw": 1, "name": name, "title": intro.title or human_name(name)}
    if intro.description:
        data["description"] = intro.description
    data["license"] = _licences(tree, files, readme_name, readme, undecided)
    authors = [
        {"name": c.name, "email": c.email} if "@" in c.email else {"name": c.name}
        for c in contributors(folder)
    ]
    if authors:
        data["authors"] = authors
    else:
        undecided.append(Undecided("no authors: the folder has no git history",
                                   "authors: [{name: ..., email: ...}]"))  # fmt: skip
    if readme_name:
        data["readme"] = readme_name
    images = _readme_images(readme, set(files))
    if images:
        data["images"] = images
    data["parts"] = [_part_entry(p) for p in layout.parts]
    if layout.choices:
        data["choices"] = [{"id": c.id, "title": c.title, "default": c.default}
                           for c in layout.choices]  # fmt: skip
        undecided += [
            Undecided(
                f"choice {c.id} ({', '.join(c.options)}): default {c.default}, {c.why_default}",
                f"choices: {c.id}: default",
            )
            for c in layout.choices
        ]
    if layout.unused:
        data["unused"] = [{"path": path, "reason": why} for path, why in layout.unused]
    if layout.design_files:
        data["design-files"] = [{"path": p, "kind": "source"} for p in layout.design_files]
    if bom is not None:
        data["bom"] = bom
    unknown = [p for p in layout.parts if p.quantity is None]
    if unknown and len(unknown) == len(layout.parts):
        undecided.append(
            Undecided(
                "no file name or BOM gives a quantity: "
                + ("the part" if len(unknown) == 1 else f"each of the {len(unknown)} parts")
                + " is written as 1",
                "parts: quantity, where a build needs more",
            )
        )
    if layout.parts:
        undecided.append(Undecided("no material is said for the printed parts",
                                   "parts: material (e.g. PETG, ABS)"))  # fmt: skip
    data["_undecided"] = undecided
    return data


def _licences(
    tree: Any, files: list[str], readme_name: str | None, readme: str, undecided: list[Undecided]
) -> dict[str, str]:
    texts = {f: _text(tree.read_bytes(f)[:MAX_LICENCE_BYTES]) for f in files if is_licence_file(f)}
    section = (readme_name, licence_section(readme)) if readme_name else None
    found = find_licences(texts, section if section and section[1] else None)
    undecided += [Undecided(doubt, "license") for doubt in found.doubts]
    licences = {}
    for kind, expression in found.by_kind.items():
        if all(p.deprecated for p in check_expression(expression)):
            licences[kind] = expression
        else:  # an identifier the SPDX list ohw knows lacks: not written, said
            undecided.append(Undecided(f"{found.sources[kind]} names {expression}, which "
                                       "ohw does not know", f"license: {kind}"))  # fmt: skip
    if "hardware" not in licences:
        undecided.append(
            Undecided(
                "no licence found (no LICENSE or COPYING file, nor a licence in the README): "
                "ohw check reports the design has none (OHW502)",
                "license: hardware (an SPDX identifier, e.g. CERN-OHL-S-2.0)",
            )
        )
    return licences


def _readme_images(readme: str, files: set[str]) -> list[str]:
    found = []
    for target in re.findall(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)", readme):
        path = target.split("#")[0].removeprefix("./")
        if not is_url(path) and path in files and path not in found:
            found.append(path)
    return found[:MAX_IMAGES]


def _part_entry(part: ProposedPart) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": part.id, "name": human_name(part.reading.stem),
                             "export": part.export}  # fmt: skip
    if part.sources:
        entry["source"] = part.sources[0] if len(part.sources) == 1 else part.sources
    entry["quantity"] = part.quantity or 1
    entry["process"] = PRINTING
    if part.colour:
        entry["colour"] = part.colour
    if part.optional:
        entry["optional"] = True
    if part.role:
        entry["role"] = part.role
    if part.choice:
        entry["choice"] = part.choice
        if part.options != [part.id]:
            entry["option"] = part.options[0] if len(part.options) == 1 else part.options
    return entry


def _assign_ids(parts: list[ProposedPart], taken: set[str]) -> None:
    """Each part an id of its own, from its name: where names meet, told apart
    by colour, then option, then folders, then a number."""
    wanted: dict[str, list[ProposedPart]] = {}
    for part in parts:
        wanted.setdefault(part_id(part.reading.stem), []).append(part)
    for base, same in wanted.items():
        for part in same:
            part.id = base
        if len(same) == 1 and base not in taken:
            taken.add(base)
            continue
        for part in same:
            marks = [part.colour or ""] if part.colour not in (None, "primary") else []
            marks += part.options[:1]
            marks += reversed(part.export.split("/")[:-1])
            candidates = [base] + [part_id(f"{base} {' '.join(marks[: i + 1])}")
                                   for i in range(len(marks))]  # fmt: skip
            part.id = next((c for c in candidates if c not in taken and len(c) <= 64), "")
            number = 2
            while not part.id or part.id in taken:
                part.id, number = f"{base[:58]}-{number}", number + 1
            taken.add(part.id)


def _merged(existing: dict[str, Any], proposal: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """``existing`` with what ``proposal`` adds: keys it lacks; parts of files no
    part names (nor `unused` covers); choices, unused entries and design files it
    lacks. Nothing ``existing`` says is changed."""
    merged = dict(existing)
    parts = list(existing.get("parts", [])) if isinstance(existing.get("parts"), list) else []
    named = {f for p in parts if isinstance(p, dict) for f in part_files(p)}
    named |= {a for p in parts if isinstance(p, dict) for a in p.get("auxiliary", [])}
    covered = [_unused_path(u) for u in existing.get("unused", [])]
    new = [
        p
        for p in proposal.pop("parts")
        if p["export"] not in named
        and not any(
            p["export"] == c or p["export"].startswith(c.rstrip("/") + "/") for c in covered
        )
    ]
    if "parts" in existing and not isinstance(existing["parts"], list):
        new = []  # the maintainer's parts, not a list: kept as written, and refused
    taken = {p.get("id") for p in parts if isinstance(p, dict)}
    _retag(new, {str(t) for t in taken if t})
    for key, value in proposal.items():
        if key not in merged:
            merged[key] = value
        elif key in ("choices", "unused", "design-files") and isinstance(merged[key], list):
            have = [_unused_path(e) if key != "choices" else e.get("id") for e in merged[key]]
            merged[key] = merged[key] + [
                e for e in value if (e["id"] if key == "choices" else e["path"]) not in have
            ]
    if new:
        merged["parts"] = parts + new
    elif "parts" not in merged:
        merged["parts"] = []
    return _ordered(merged), [p["id"] for p in new]


def _retag(entries: list[dict[str, Any]], taken: set[str]) -> None:
    """Give new part entries ids none of the manifest's parts has."""
    for entry in entries:
        if entry["id"] not in taken:
            taken.add(entry["id"])
            continue
        options = part_options(entry)
        base, number = entry["id"], 2
        while f"{base}-{number}" in taken:
            number += 1
        entry["id"] = f"{base}-{number}"
        if entry.get("choice") and "option" not in entry:
            entry["option"] = options[0]  # it keeps its option's name
        taken.add(entry["id"])


_ORDER = ("ohw", "name", "title", "version", "description", "license", "authors", "readme",
          "images", "parts", "choices", "unused", "design-files", "bom")  # fmt: skip


def _ordered(data: dict[str, Any]) -> dict[str, Any]:
    first = [k for k in _ORDER if k in data]
    return {k: data[k] for k in [*first, *(k for k in data if k not in _ORDER)]}


def _covers(unused: str, path: str) -> bool:
    return path == unused or path.startswith(unused.rstrip("/") + "/")


def _unused_path(entry: Any) -> str:
    return str(entry.get("path", "")) if isinstance(entry, dict) else str(entry)


def _about_new(undecided: Undecided, existing: dict[str, Any]) -> bool:
    """Whether a doubt concerns what adopt adds to an existing manifest (not
    what the maintainer has said already)."""
    key = undecided.where.split(":")[0].split()[0]
    return key not in existing or key in ("parts", "choices")


def _bom_undecided(
    named: str | None, also: list[str], unreadable: dict[str, str]
) -> list[Undecided]:
    found = []
    if named is not None and also:
        found.append(Undecided(f"BOM files also found: {', '.join(also)}; ohw.yaml names "
                               f"{named}", "bom"))  # fmt: skip
    by_reason: dict[str, list[str]] = {}
    for path, why in unreadable.items():
        by_reason.setdefault(why, []).append(path)
    for why, paths in by_reason.items():
        folders = list(dict.fromkeys(str(PurePosixPath(p).parent) for p in paths))
        where = ", ".join("the design's folder" if f == "." else f"{f}/" for f in folders[:6])
        more = f" and {len(folders) - 6} more folders" if len(folders) > 6 else ""
        found.append(
            Undecided(
                f"{len(paths)} file(s) look like BOMs ohw cannot read yet ({why}), in "
                f"{where}{more}: not named",
                "bom: the file, once ohw reads it (or a bom.csv with the README's columns)",
            )
        )
    return found


def _write(
    result: Adoption, previous: str | None, previous_attributes: str | None, *, commit: bool
) -> None:
    """Write ohw.yaml (and .gitattributes, for Git LFS), and commit them alone if
    asked; a failed commit puts the files back as they were."""
    from ohw.storage.vcs.repository import commit_new_files, identity_or_error

    author = identity_or_error(result.folder) if commit else None
    written = {MANIFEST: (result.text, previous)}
    if result.lfs_attributes is not None:
        written[ATTRIBUTES] = (result.lfs_attributes, previous_attributes)
        if find_repository(result.folder) is not None:
            set_up(result.folder)
    for path, (text, _) in written.items():
        write_atomically(result.folder / path, text.encode("utf-8"))
    result.written = True
    if author is None:
        return
    try:
        message = "Describe the design with ohw adopt" if previous is None else (
            "Add new parts with ohw adopt")  # fmt: skip
        result.commit = commit_new_files(result.folder, sorted(written), message, author,
                                         new_repository=False)  # fmt: skip
    except BaseException:
        for path, (_, before) in written.items():
            if before is None:
                (result.folder / path).unlink(missing_ok=True)
            else:
                write_atomically(result.folder / path, before.encode("utf-8"))
        result.written = False
        raise
