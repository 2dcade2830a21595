"""A new design: the files `ohw init` writes, and writing them without losing anything."""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ohw.design.licenses import check_expression
from ohw.design.paths import MANIFEST, is_mesh
from ohw.errors import OhwError
from ohw.storage.files import write_atomically
from ohw.storage.vcs.repository import (
    Identity,
    commit_new_files,
    find_repository,
    identity_or_error,
)

DEFAULT_HARDWARE_LICENSE = "CERN-OHL-S-2.0"
DEFAULT_DOCUMENTATION_LICENSE = "CC-BY-SA-4.0"
# Files a user may already have (a repository made on GitHub has a README): kept as they are.
KEPT_IF_PRESENT = ("README.md", ".gitattributes")

_GITATTRIBUTES = """\
# Meshes are binary: no line-ending conversion, no line diffs, no line merges.
*.stl binary
*.STL binary
*.3mf binary
*.3MF binary
*.obj binary
*.OBJ binary
"""


@dataclass(frozen=True)
class NewDesign:
    """What `ohw init` was asked for."""

    folder: Path
    name: str | None = None
    title: str | None = None
    description: str | None = None
    hardware_license: str = DEFAULT_HARDWARE_LICENSE
    documentation_license: str = DEFAULT_DOCUMENTATION_LICENSE


@dataclass(frozen=True)
class CreatedDesign:
    folder: Path
    name: str
    files: list[str]  # written, relative to the folder
    kept: list[str]  # already there and left alone
    commit: str
    new_repository: bool


def slug(text: str) -> str:
    """A design name from free text: "Desk Lamp (v2)" -> "desk-lamp-v2"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:64].strip("-")


def create_design(request: NewDesign) -> CreatedDesign:
    """Write a new design into ``request.folder`` and commit it; on any failure,
    remove what was written and leave the folder as it was."""
    folder = request.folder
    name = request.name or slug(folder.resolve().name)
    title = request.title or name.replace("-", " ").replace("_", " ").capitalize()
    _check_request(request, name)
    author = identity_or_error(_existing_ancestor(folder))
    repository = find_repository(_existing_ancestor(folder))
    files = design_files(request, name, title, author)
    kept = [path for path in KEPT_IF_PRESENT if (folder / path).exists()]
    clashes = [p for p in files if p not in kept and (folder / p).exists()]
    if clashes:
        raise OhwError(
            f"{folder} already has " + ", ".join(clashes) + "; ohw init does not overwrite files",
            "run ohw init in a new folder, or move those files away first",
        )
    to_write = {path: text for path, text in files.items() if path not in kept}
    created_folder = not folder.exists()
    staging = _Staging(folder, created_folder)
    try:
        for path, text in to_write.items():
            staging.write(path, text)
        commit = commit_new_files(
            folder,
            sorted(to_write),
            f"Create {title} with ohw init",
            author,
            new_repository=repository is None,
        )
    except OSError as error:
        staging.undo()
        raise OhwError(
            f"cannot create the design in {folder}: {error.strerror or error}"
            + (f" ({error.filename})" if error.filename else ""),
            "check that the folder can be written, then run ohw init again",
        ) from None
    except BaseException:
        staging.undo()
        raise
    return CreatedDesign(folder, name, sorted(to_write), kept, commit, repository is None)


def _check_request(request: NewDesign, name: str) -> None:
    if (request.folder / MANIFEST).exists():
        raise OhwError(
            f"{request.folder} is already a design: it has an {MANIFEST}",
            "edit the existing design, or run ohw init in a new folder",
        )
    if request.folder.exists() and not request.folder.is_dir():
        raise OhwError(f"{request.folder} exists and is not a folder")
    meshes = _meshes_in(request.folder)
    if meshes:
        raise OhwError(
            f"{request.folder} already holds {meshes} mesh files: ohw init starts a new design",
            f"run ohw adopt {request.folder} to describe the parts as they are, without "
            "moving a file",
        )
    if not re.fullmatch(r"[a-z0-9]+([._-][a-z0-9]+)*", name) or len(name) > 64:
        raise OhwError(
            f"{name!r} cannot be a design name",
            "give --name: lower-case letters and digits joined by '-', e.g. desk-lamp",
        )
    for option, expression in (
        ("--license", request.hardware_license),
        ("--doc-license", request.documentation_license),
    ):
        # A new design starts clean: deprecated identifiers are refused too.
        problems = check_expression(expression)
        if problems:
            raise OhwError(f"{option}: {problems[0].message}", problems[0].hint)


def _meshes_in(folder: Path) -> int:
    """How many meshes are in ``folder`` (git's own folder and hidden ones left out)."""
    import os

    count = 0
    for _, folders, names in os.walk(folder) if folder.is_dir() else ():
        folders[:] = [f for f in folders if not f.startswith(".")]
        count += sum(1 for name in names if is_mesh(name))
    return count


def _existing_ancestor(folder: Path) -> Path:
    path = folder.resolve()
    while not path.exists():
        path = path.parent
    return path


def design_files(request: NewDesign, name: str, title: str, author: Identity) -> dict[str, str]:
    """The files of a new design, by path relative to its folder."""
    lines = [
        "# The design's manifest. Its format: `ohw schema manifest`.",
        "ohw: 1",
        f"name: {name}",
        f"title: {_yaml_text(title)}",
        "version: 0.1.0",
    ]
    if request.description:
        lines.append(f"description: {_yaml_text(request.description)}")
    lines += [
        "license:",
        f"  hardware: {_yaml_text(request.hardware_license)}",
        f"  documentation: {_yaml_text(request.documentation_license)}",
    ]
    lines += [
        "authors:",
        f"  - name: {_yaml_text(author.name)}",
        f"    email: {_yaml_text(author.email)}",
        "readme: README.md",
        "# Fabricated parts, e.g.:",
        "#   - id: base",
        "#     source: parts/base.scad",
        "#     export: parts/base.stl",
        "#     material: PETG",
        "#     process: 3d-printing",
        "parts: []",
        "bom: bom.yaml",
        "instructions: instructions/",
    ]
    readme = (
        f"# {title}\n\n"
        + (f"{request.description}\n\n" if request.description else "")
        + "An open-hardware design kept with [ohw](https://ohw.dev): the manifest is\n"
        "`ohw.yaml`, purchased items are in `bom.yaml`, fabricated parts in `parts/`\n"
        "and build instructions in `instructions/`. Check the design with `ohw check`.\n\n"
        "## Licence\n\n"
        f"Hardware: {request.hardware_license}. "
        f"Documentation: {request.documentation_license}.\n"
    )
    return {
        MANIFEST: "\n".join(lines) + "\n",
        "bom.yaml": (
            "# Purchased items. Format: `ohw schema bom`. An item looks like:\n"
            "#   - id: m3x10\n"
            "#     name: M3x10 socket head screw (ISO 4762)\n"
            "#     quantity: 4\n"
            "#     suppliers: [{name: Example Shop, unit-price: 0.08, currency: EUR}]\n"
            "items: []\n"
        ),
        "instructions/01-overview.md": (
            f"# {title}: overview\n\n"
            "What the finished thing does, and what a builder needs before starting.\n\n"
            "Steps are Markdown files in this folder, read in name order. A step cites a\n"
            "part or a purchased item with a link, such as `[the base](part:base)` or\n"
            "`[four screws](bom:m3x10)`; `ohw check` makes sure each one exists.\n"
        ),
        "parts/README.md": (
            "# Parts\n\n"
            "Sources (`.scad`, `.FCStd`, `.step`) and exports (`.stl`, `.3mf`, `.obj`) of\n"
            "the fabricated parts. Every part is listed under `parts:` in `ohw.yaml`.\n"
        ),
        "README.md": readme,
        ".gitattributes": _GITATTRIBUTES,
    }


def _yaml_text(text: str) -> str:
    """``text`` as a YAML scalar that reads back as exactly this text."""
    plain = re.fullmatch(r"[A-Za-z][A-Za-z0-9 ._@/+()-]*", text) and not re.search(
        r"^(true|false|null|yes|no|on|off|y|n)$", text, re.IGNORECASE
    )
    return text if plain and not text.endswith(" ") else json.dumps(text, ensure_ascii=False)


class _Staging:
    """Writes files atomically and remembers them, so a failure can take them back."""

    def __init__(self, folder: Path, created_folder: bool) -> None:
        self.folder = folder
        self.created_folder = created_folder
        self.written: list[Path] = []
        self.made_folders: list[Path] = []
        self.had_git = (folder / ".git").exists()

    def write(self, path: str, text: str) -> None:
        target = self.folder / path
        missing = [p for p in [target.parent, *target.parent.parents] if not p.exists()]
        for made in reversed(missing):
            made.mkdir()
            self.made_folders.append(made)
        write_atomically(target, text.encode("utf-8"))
        self.written.append(target)

    def undo(self) -> None:
        if self.created_folder:
            shutil.rmtree(self.folder, ignore_errors=True)
            return
        for path in self.written:
            path.unlink(missing_ok=True)
        for folder in reversed(self.made_folders):
            if folder.exists() and not any(folder.iterdir()):
                folder.rmdir()
        if not self.had_git and (self.folder / ".git").exists():
            shutil.rmtree(self.folder / ".git", ignore_errors=True)
