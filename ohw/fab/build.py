"""A build kit: everything a Fab Lab needs to make a design, from one commit.

The kit holds the parts' exports grouped by process and material
(``print/PETG/base.stl``), the BOM as CSV, the build instructions as HTML
(``index.html`` with the BOM and the parts, one page per step), and
``kit.json``: design, version, commit, licences, credits, and the SHA-256 of
every other file. The same commit always gives the same bytes: files are
written in name order with the commit's time, so a kit can be rebuilt and
compared, and its origin checked.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import tempfile
import time
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ohw.design.choices import select_parts
from ohw.design.reader import read_valid_design
from ohw.errors import OhwError
from ohw.fab.bom_csv import bom_csv
from ohw.fab.kit import Kit, KitPart
from ohw.fab.pages import KitContent, kit_pages
from ohw.fab.printers import PRINTERS, Printer, fit
from ohw.fab.rollup import (
    FabricatedLine,
    PartMeasure,
    RolledUpBom,
    choices_json,
    measure_parts,
    roll_up,
)
from ohw.lineage.credits import Credits, design_credits
from ohw.storage.tree import DesignTree

FORMAT_VERSION = 1
KIT_JSON = "kit.json"
# Folders of the kit by process: what a Fab Lab calls the machine's work.
PROCESS_FOLDERS = {
    "3d-printing": "print",
    "laser-cutting": "laser-cut",
    "waterjet-cutting": "waterjet",
    "cnc-milling": "mill",
    "cnc-turning": "lathe",
    "pcb": "pcb",
    "sheet-metal": "sheet-metal",
    "casting": "cast",
    "moulding": "mould",
    "woodworking": "wood",
    "sewing": "sew",
}
# Zip can store no time before 1980.
_ZIP_EPOCH = 315532800

Progress = Callable[[str, int, int], None]  # what is being done, how far, out of how many


THUMBNAIL_SIZE = 256  # pixels: a card in the kit's pages


def part_thumbnail(
    tree: DesignTree, part: dict[str, Any], measure: PartMeasure | None
) -> bytes | None:
    """A PNG picture of the part's mesh (the one measured) for its slot in the kit's
    pages, or None for an empty slot: a part without a readable mesh."""
    from ohw.mesh.reader import MeshError, read_mesh
    from ohw.picture.camera import Undrawable
    from ohw.picture.part import thumbnail

    if measure is None or measure.report is None:
        return None
    try:
        triangles = read_mesh(measure.file, data=tree.read_bytes(measure.file))
        return thumbnail(triangles, "iso", THUMBNAIL_SIZE)
    except (MeshError, Undrawable):  # the slot stays empty, as for a part with no mesh
        return None


def safe_name(text: str | None, default: str) -> str:
    """``text`` as one file or folder name every system accepts."""
    name = re.sub(r"[^A-Za-z0-9._+-]+", "-", text or "").strip("-.")
    return name or default


def _export_paths(part: dict[str, Any], folder: str) -> list[tuple[str, str]]:
    """(design path, kit path) of each export of a part: ``<part id><suffix>``,
    or ``<part id>-<file name>`` when the part has several of one kind."""
    value = part.get("export", [])
    exports = [value] if isinstance(value, str) else list(value)
    suffixes = [Path(e).suffix.lower() for e in exports]
    found = []
    for export, suffix in zip(exports, suffixes, strict=True):
        name = (
            part["id"] + suffix
            if suffixes.count(suffix) == 1
            else f"{part['id']}-{Path(export).name}"
        )
        found.append((export, f"{folder}/{safe_name(name, part['id'])}"))
    return found


def build_kit(
    tree: DesignTree,
    units: int,
    printer: Printer | None,
    cache_directory: Path | None,
    progress: Progress | None = None,
    *,
    chosen: Mapping[str, str] | None = None,
) -> Kit:
    """The kit of the design in ``tree`` (at a commit) for ``units`` units, with
    the options ``chosen`` (by choice group; the defaults elsewhere): the parts
    of the options not chosen are not in it."""
    if tree.revision is None:
        raise OhwError("a kit is made from a commit", "commit the design, or give --rev")
    design = read_valid_design(tree)
    assert design.manifest is not None
    data = design.manifest.data
    selection = select_parts(data, chosen or {})
    parts_data = selection.parts
    missing = [
        source
        for part in parts_data
        for source, _ in _export_paths(part, "")
        if not tree.exists(source)
    ]
    if missing:  # a Fab Lab would build from a kit short of a part
        raise OhwError(
            f"the parts name files that commit {tree.revision[:7]} does not hold: "
            + ", ".join(missing),
            "add them or correct the paths in ohw.yaml (`ohw check` lists them), then commit",
        )
    report = progress or (lambda what, done, total: None)
    count = len(parts_data)
    report("measuring parts", 0, count)
    measured = [0]

    def measured_one(_: object) -> None:
        measured[0] += 1
        report("measuring parts", measured[0], count)

    measures = measure_parts(tree, parts_data, cache_directory, measured_one)
    bom = roll_up(data, design.bom_items(), measures, units, selection=selection)
    lines = {line.id: line for line in (*bom.printed, *bom.cut, *bom.other)}
    files: dict[str, bytes] = {}
    parts: list[KitPart] = []
    thumbnails: dict[str, str] = {}
    for part in parts_data:
        line = lines[part["id"]]
        folder = PROCESS_FOLDERS.get(line.process or "", "other")
        if line.process == "3d-printing" or line.process in PROCESS_FOLDERS:
            folder += "/" + safe_name(line.material, "unspecified-material")
            if line.colour:  # parts of one colour are printed together
                folder += "/" + safe_name(line.colour, "colour")
        copied = []
        for source, target in _export_paths(part, folder):
            files[target] = tree.read_bytes(source)
            copied.append(target)
        picture = part_thumbnail(tree, part, measures.get(part["id"]))
        if picture is not None:
            thumbnails[part["id"]] = f"thumbnails/{safe_name(part['id'], 'part')}.png"
            files[thumbnails[part["id"]]] = picture
        parts.append(_kit_part(line, tuple(copied), printer))
    credits = design_credits(data, tree.location)
    content = KitContent(data, bom, parts, thumbnails, credits, printer, design.instruction_files())
    for page in kit_pages(tree, content):
        files[page.path] = page.content
    files["bom.csv"] = bom_csv(bom).encode()
    for name in ("LICENSE", "LICENSE.md", "LICENSE.txt"):
        if tree.exists(name):
            files[name] = tree.read_bytes(name)
    manifest = _kit_json(
        data, tree.revision, units=units, printer=printer, bom=bom, parts=parts, credits=credits,
        files=files,
    )  # fmt: skip
    files[KIT_JSON] = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode()
    return Kit(
        design=data["name"],
        commit=tree.revision,
        printer=printer,
        parts=tuple(parts),
        bom=bom,
        manifest=manifest,
        files=dict(sorted(files.items())),
        commit_time=max(getattr(tree, "commit_time", _ZIP_EPOCH), _ZIP_EPOCH),
    )


def _kit_part(line: FabricatedLine, files: tuple[str, ...], printer: Printer | None) -> KitPart:
    size = line.size
    if line.process != "3d-printing" or size is None:
        return KitPart(line, files, None, ())
    fits_on = tuple(name for name, known in PRINTERS.items() if fit(size, known).fits)
    return KitPart(line, files, fit(size, printer) if printer is not None else None, fits_on)


def fit_json(part: KitPart) -> dict[str, Any] | None:
    if part.fit is None:
        return None
    return {
        "printer": part.fit.printer,
        "fits": part.fit.fits,
        "orientation": list(part.fit.orientation) if part.fit.orientation else None,
    }


def _kit_json(
    data: dict[str, Any],
    commit: str,
    *,
    units: int,
    printer: Printer | None,
    bom: RolledUpBom,
    parts: list[KitPart],
    credits: Credits,
    files: dict[str, bytes],
) -> dict[str, Any]:
    return {
        "format_version": FORMAT_VERSION,
        "design": data["name"],
        "title": data.get("title"),
        "version": data.get("version"),
        "commit": commit,
        "units": units,
        "license": data.get("license", {}),
        "authors": data.get("authors", []),
        "credits": [u.attribution() for u in credits.upstream],
        "printer": None
        if printer is None
        else {"name": printer.name, "title": printer.title, "volume": list(printer.volume)},
        "parts": [
            {
                "id": p.line.id,
                "process": p.line.process,
                "material": p.line.material,
                "quantity": p.line.quantity,
                "from": p.line.origin,
                "files": list(p.files),
                "size": None if p.line.size is None else [round(v, 3) for v in p.line.size],
                "fit": fit_json(p),
                "fits_on": list(p.fits_on),
                "optional": p.line.optional,
                "colour": p.line.colour,
                "role": p.line.role,
                "choice": p.line.choice,
            }
            for p in parts
        ],
        "choices": choices_json(bom),
        "files": {
            path: hashlib.sha256(content).hexdigest() for path, content in sorted(files.items())
        },
    }


def kit_zip(kit: Kit) -> bytes:
    """The kit as a zip file: entries in name order, with the commit's time and
    fixed permissions, so the same commit gives the same bytes."""
    stamp = time.gmtime(kit.commit_time)[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, content in kit.files.items():
            entry = zipfile.ZipInfo(path, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3  # Unix, whatever system writes it
            entry.external_attr = 0o100644 << 16
            archive.writestr(entry, content, compresslevel=9)
    return buffer.getvalue()


def write_kit(kit: Kit, out: Path, *, force: bool, progress: Progress | None = None) -> None:
    """Write the kit to ``out``: a zip file when it ends in .zip, else a folder.
    Built beside ``out`` and moved into place, so ``out`` holds the old kit or
    the whole new one, never part of it."""
    report = progress or (lambda what, done, total: None)
    if out.suffix.lower() == ".zip":
        if out.is_dir():
            raise OhwError(f"{out} is a folder", "give a .zip file name, or a folder without .zip")
        if out.exists() and not force:
            raise OhwError(f"{out} already exists", "give --force to replace it")
        report("writing the kit", 0, 1)
        out.parent.mkdir(parents=True, exist_ok=True)
        _replace_file(out, kit_zip(kit), kit.commit_time)
        report("writing the kit", 1, 1)
        return
    if out.exists() and not out.is_dir():
        raise OhwError(f"{out} exists and is not a folder", "give another --out")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise OhwError(
            f"{out} is a folder that is not empty",
            "give an empty or new folder, or --force to replace what is in it",
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.ohw-"))
    try:
        for number, (path, content) in enumerate(kit.files.items(), start=1):
            target = building / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
            os.utime(target, (kit.commit_time, kit.commit_time))
            report("writing the kit", number, len(kit.files))
        building.chmod(0o755)
        _swap_folder(building, out)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise


def _replace_file(path: Path, data: bytes, stamp: int) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.ohw-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        Path(temporary).chmod(0o644)
        os.utime(temporary, (stamp, stamp))
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _swap_folder(new: Path, out: Path) -> None:
    """Put the folder ``new`` where ``out`` is; the old one is removed only once
    the new one is in place."""
    if not out.exists():
        new.rename(out)
        return
    old = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.old-"))
    old.rmdir()
    out.rename(old)
    try:
        new.rename(out)
    except BaseException:
        old.rename(out)
        raise
    shutil.rmtree(old)
