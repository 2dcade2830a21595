"""`ohw mesh` and `ohw mesh repair`: reports on mesh files, and safe repairs."""

from __future__ import annotations

import sys
from pathlib import Path

from ohw.errors import OhwError
from ohw.mesh.batch import MeshResult, analyse_sources, lfs_source
from ohw.mesh.source import MeshSource
from ohw.report.reporters import write_report
from ohw.report.styled import markup
from ohw.storage.cache import cache_directory
from ohw.storage.lfs import file_pointer, pointed_to

# Show progress only when there is enough to wait for.
_PROGRESS_BYTES = 32 << 20


def report(files: list[str], output_format: str, use_cache: bool) -> int:
    """Report on mesh files; 0 if all are printable, 1 if any is not or cannot be read."""
    if not files:
        raise OhwError("give one or more mesh files", "for example: ohw mesh parts/base.stl")
    sources = []
    for name in files:
        path = Path(name)
        if not path.is_file():
            raise OhwError(f"{name}: no such file", "give the path of an STL, 3MF or OBJ file")
        pointer = file_pointer(path)
        if pointer is None:
            sources.append(MeshSource(name, path=path))
        else:  # a clone whose LFS objects were not checked out
            sources.append(lfs_source(path.parent, name, pointer))
    cache = cache_directory(Path(files[0])) if use_cache else None
    results = _with_progress(sources, cache)
    write_report("mesh", output_format, results, sys.stdout)
    return 0 if all(r.ok for r in results) else 1


def _with_progress(sources: list[MeshSource], cache: Path | None) -> list[MeshResult]:
    total = sum(s.size for s in sources)
    if total < _PROGRESS_BYTES or not sys.stderr.isatty():
        return analyse_sources(sources, cache)
    from rich.progress import Progress

    with Progress(transient=True) as progress:
        task = progress.add_task("analysing meshes", total=len(sources))
        return analyse_sources(sources, cache, lambda _: progress.advance(task))


def repair(source: str, out: str | None, in_place: bool, force: bool) -> int:
    """Repair a mesh into ``out``; 0 if the result is printable, 1 if not."""
    from rich.console import Console

    from ohw.mesh.reader import MESH_FORMATS, MeshError, read_mesh
    from ohw.mesh.repair import repair_mesh
    from ohw.storage.files import write_atomically

    path = Path(source)
    if not path.is_file():
        raise OhwError(f"{source}: no such file", "give the path of an STL, 3MF or OBJ file")
    if out is None and not in_place:
        raise OhwError("say where to write the repaired mesh", "give --out FILE, or --in-place")
    target = path if out is None else Path(out)
    same = target.exists() and target.resolve() == path.resolve()
    if same and not in_place:
        raise OhwError(
            f"--out {out} is the file being repaired",
            "give another --out, or --in-place to replace the original",
        )
    if target.exists() and not same and not force:
        raise OhwError(f"{out} exists", "give another --out, or --force to replace it")
    if not target.parent.is_dir():
        raise OhwError(f"{target.parent} is not a folder", "give --out in an existing folder")
    kind = MESH_FORMATS.get(path.suffix.lower())
    if kind is not None and MESH_FORMATS.get(target.suffix.lower()) != kind:
        raise OhwError(
            f"--out {out} is not a {kind} file, and the repaired mesh is written as "
            f"{source} is: {kind}",
            f"give --out a name ending in {path.suffix.lower()}",
        )
    try:
        stored = pointed_to(path)
        triangles = read_mesh(source, path=path if stored is None else None, data=stored)
    except MeshError as error:
        raise OhwError(f"{source}: {error}", "nothing was written") from None
    assert kind is not None  # read_mesh refuses other suffixes
    repaired = repair_mesh(triangles, kind)
    write_atomically(target, repaired.data)
    after = repaired.after
    console = Console(highlight=False, soft_wrap=True)
    console.print(f"before: {repaired.before.summary}")
    nothing = "nothing needed changing" if after.printable else "nothing could be fixed safely"
    for line in repaired.repair.changes or [nothing]:
        console.print(f"  [green]{line}[/green]")
    for line in repaired.repair.left_alone:
        console.print(f"  [yellow]{line}[/yellow]")
    console.print(f"after:  {after.summary}")
    console.print(f"wrote {markup(str(target))}")
    return 0 if after.printable else 1
