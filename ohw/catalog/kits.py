"""The build kit of each design of a catalog, made once per commit and kept
under ``.git/ohw/kits/``: by the sync that indexes a design, or by the first
site that needs it. A design whose kit cannot be made keeps the reason."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ohw.errors import OhwError
from ohw.storage.files import write_atomically

if TYPE_CHECKING:
    from ohw.storage.tree import DesignTree


@dataclass(frozen=True)
class CatalogKit:
    """A design's kit as a zip file, or why there is none."""

    zip: Path | None
    failure: str | None = None


def kits_folder(data: Path) -> Path:
    """Where the kits of the catalog whose data (``.git/ohw``) is ``data`` are kept."""
    return data / "kits"


def _paths(data: Path, commit: str) -> tuple[Path, Path]:
    folder = kits_folder(data)
    return folder / f"{commit}.zip", folder / f"{commit}.failed.txt"


def known_kit(data: Path, commit: str) -> CatalogKit | None:
    """The kit of ``commit`` as kept, or None where none was tried yet."""
    made, failed = _paths(data, commit)
    if made.is_file():
        return CatalogKit(made)
    if failed.is_file():
        return CatalogKit(None, failed.read_text(encoding="utf-8", errors="replace"))
    return None


def make_kit(data: Path, tree: DesignTree) -> CatalogKit:
    """The kit of the design in ``tree`` (at a commit) for one unit, made and
    kept unless it was already."""
    from ohw.fab.build import build_kit, kit_zip

    assert tree.revision is not None
    kept = known_kit(data, tree.revision)
    if kept is not None:
        return kept
    made, failed = _paths(data, tree.revision)
    made.parent.mkdir(parents=True, exist_ok=True)
    try:
        kit = build_kit(tree, 1, None, data / "cache")
    except OhwError as error:  # the design is listed all the same, without a kit
        write_atomically(failed, error.message.encode("utf-8"))
        return CatalogKit(None, error.message)
    write_atomically(made, kit_zip(kit))
    return CatalogKit(made)


def forget_other_kits(data: Path, commits: set[str]) -> None:
    """Remove the kits of every commit but ``commits`` (the ones indexed now)."""
    folder = kits_folder(data)
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        if path.name.split(".", 1)[0] not in commits:
            path.unlink(missing_ok=True)
