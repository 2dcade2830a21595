"""Finding the mesh to draw: a mesh file, or a part of the design by its id."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ohw.errors import OhwError

if TYPE_CHECKING:
    from ohw.mesh.stl import Triangles


def load_mesh(folder: Path, target: str, revision: str | None) -> tuple[str, Triangles]:
    """The mesh ``target`` names: a mesh file (at ``revision``, a path in the
    design), or the part with that id in the design in ``folder``, whose first
    mesh export (else mesh source) is drawn. Returns a name for it and its facets."""
    from ohw.mesh.reader import MeshError, read_mesh
    from ohw.storage.lfs import pointed_to

    path = Path(target)
    if revision is None and path.is_file():
        try:
            stored = pointed_to(path)
            return target, read_mesh(target, path=path if stored is None else None, data=stored)
        except MeshError as error:
            raise OhwError(f"{target}: {error}", "nothing was written") from None
    name, data = _design_mesh(folder, target, revision)
    try:
        return name, read_mesh(name, data=data)
    except MeshError as error:
        raise OhwError(f"{name}: {error}", "nothing was written") from None


def _design_mesh(folder: Path, target: str, revision: str | None) -> tuple[str, bytes]:
    from ohw.design.manifest import part_files
    from ohw.design.paths import MANIFEST, is_mesh, normalize, path_problem
    from ohw.design.reader import ContentReader, open_design
    from ohw.storage.cache import cache_directory

    looks_like_file = is_mesh(target) or "/" in target
    if revision is None and not (folder / MANIFEST).is_file():
        if looks_like_file:
            raise OhwError(f"{target}: no such file", "give the path of an STL, 3MF or OBJ file")
        raise OhwError(
            f"{target} is neither a mesh file nor a part: {folder.resolve()} holds no design",
            "give a mesh file, or run ohw in the folder with the design's ohw.yaml",
        )
    tree = open_design(folder, revision)
    manifest = ContentReader(cache_directory(folder)).manifest_data(tree)
    if manifest is None:
        raise OhwError(f"{MANIFEST} cannot be read at {tree.label}", "`ohw check` says why")
    parts = [p for p in manifest.get("parts", []) if isinstance(p, dict)]
    for part in parts:
        if part.get("id") != target:
            continue
        written = [f for key in ("export", "source") for f in part_files({key: part.get(key, [])})]
        meshes = [f for f in written if is_mesh(f) and path_problem(f) is None]
        if not meshes:
            raise OhwError(
                f"part {target} has no mesh file (STL, 3MF or OBJ)",
                "add its mesh export to the part in ohw.yaml",
            )
        if not tree.exists(normalize(meshes[0])):
            raise OhwError(
                f"part {target}: {meshes[0]} does not exist at {tree.label}",
                "add the file, or correct the path in ohw.yaml",
            )
        return meshes[0], tree.read_bytes(normalize(meshes[0]))
    if looks_like_file and path_problem(target) is None and tree.exists(normalize(target)):
        return target, tree.read_bytes(normalize(target))
    ids = ", ".join(str(p.get("id")) for p in parts) or "none"
    if looks_like_file:
        where = f" at {tree.label}" if revision is not None else ""
        raise OhwError(f"{target}: no such file{where}", f"the design's parts: {ids}")
    raise OhwError(f"no part {target} in the design", f"the design's parts: {ids}")
