"""Reading a mesh file, whatever its format: STL by ohw's own reader
(ohw.mesh.stl), which checks every file before trusting it; 3MF and OBJ through
trimesh. Everything else in ohw.mesh works on the facets, whatever file they
came from.
"""

from __future__ import annotations

import io
from pathlib import Path

from ohw.mesh.stl import MeshError, Triangles, read_stl, read_stl_bytes

MESH_FORMATS = {".stl": "STL", ".3mf": "3MF", ".obj": "OBJ"}


def read_mesh(name: str, path: Path | None = None, data: bytes | None = None) -> Triangles:
    """The facets of the mesh file ``name``, read from ``path`` or from ``data``
    (a file at a commit). Raises MeshError saying what is wrong."""
    kind = MESH_FORMATS.get(Path(name).suffix.lower())
    if kind is None:
        raise MeshError(f"{Path(name).suffix or 'no suffix'}: ohw reads STL, 3MF and OBJ meshes")
    if kind == "STL":
        return read_stl(path) if path is not None else read_stl_bytes(data or b"")
    return _read_with_trimesh(kind, path, data)


def _read_with_trimesh(kind: str, path: Path | None, data: bytes | None) -> Triangles:
    import numpy as np
    import trimesh

    source = io.BytesIO(data) if data is not None else path
    try:
        loaded = trimesh.load(source, file_type=kind.lower(), force="mesh", process=False)
    except Exception as error:  # trimesh raises many kinds of exception for a bad file
        raise MeshError(f"{kind} file cannot be read: {error}") from None
    # force="mesh" gives a Trimesh, or an empty scene for a file without facets.
    if not isinstance(loaded, trimesh.Trimesh) or len(loaded.faces) == 0:
        raise MeshError(f"the {kind} file holds no facets")
    corners = np.asarray(loaded.vertices, dtype=np.float64)[loaded.faces]
    if not np.isfinite(corners).all():
        raise MeshError(f"the {kind} file has a coordinate that is not a finite number")
    return Triangles(corners, None, kind)


__all__ = ["MESH_FORMATS", "MeshError", "Triangles", "read_mesh"]
