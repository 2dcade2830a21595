"""`ohw render`: a picture of a part."""

from __future__ import annotations

from pathlib import Path

from ohw.design.paths import design_folder
from ohw.errors import OhwError
from ohw.report.styled import printable


def render(
    target: str, out: str, *, size: int, view: str, revision: str | None, force: bool
) -> int:
    from ohw.picture.changes import write_png
    from ohw.picture.part import part_picture
    from ohw.picture.target import load_mesh

    destination = output_file(out, force)
    name, triangles = load_mesh(design_folder(), target, revision)
    picture = part_picture(triangles, view, size)  # type: ignore[arg-type]
    write_png(destination, picture.image)
    print(f"wrote {printable(out)}: {printable(name)}, {view} view, {size} × {size} pixels")
    return 0


def output_file(out: str, force: bool) -> Path:
    """Where the PNG goes, refused before any work when it cannot go there."""
    target = Path(out)
    if target.suffix.lower() != ".png":
        raise OhwError(f"--out {out} is not a .png file", "give --out a name ending in .png")
    if target.is_dir():
        raise OhwError(f"--out {out} is a folder", "give --out a file name ending in .png")
    if target.exists() and not force:
        raise OhwError(f"{out} exists", "give another --out, or --force to replace it")
    if not target.parent.is_dir():
        raise OhwError(f"{target.parent} is not a folder", "give --out in an existing folder")
    return target
