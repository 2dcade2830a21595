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


def read_mesh(
    name: str, path: Path | None = None, data: bytes | None = None, *, check_finite: bool = True
) -> Triangles:
    """The facets of the mesh file ``name``, read from ``path`` or from ``data``
    (a file at a commit), in millimetres. Raises MeshError saying what is wrong;
    with ``check_finite`` False, the caller checks for NaN and infinities
    (Triangles.checked_finite)."""
    kind = MESH_FORMATS.get(Path(name).suffix.lower())
    if kind is None:
        raise MeshError(f"{Path(name).suffix or 'no suffix'}: ohw reads STL, 3MF and OBJ meshes")
    if kind == "STL":
        triangles = (
            read_stl(path, check_finite=check_finite)
            if path is not None
            else read_stl_bytes(data or b"", check_finite=check_finite)
        )
    else:
        triangles = _read_with_trimesh(kind, path, data)
    _require_a_facet(triangles)
    return triangles


# trimesh reads 3MF and OBJ as text held whole, at some twenty times the text's
# size in memory: beyond these, a file is refused rather than read (a 3MF is a
# zip archive, and a few megabytes may inflate to gigabytes).
MAX_3MF_MODEL_BYTES = 64 << 20
MAX_OBJ_BYTES = 64 << 20
_INFLATING = 1 << 20


def _refuse_what_is_too_big(kind: str, path: Path | None, data: bytes | None) -> None:
    """A MeshError for a 3MF that inflates, or an OBJ that is, past its limit.
    A 3MF's parts are inflated here, counted as they come, whatever sizes its
    directory claims."""
    import zipfile
    import zlib

    # What zipfile raises for a damaged archive: a bad directory, a seek to a
    # place before the file's start (ValueError), deflated data that does not
    # inflate (zlib.error), a part encrypted (RuntimeError) or compressed in a
    # way it does not know.
    damaged_zip = (
        zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, ValueError, RuntimeError,
        OSError, EOFError, NotImplementedError,
    )  # fmt: skip
    if kind == "OBJ":
        size = len(data) if data is not None else path.stat().st_size if path else 0
        if size > MAX_OBJ_BYTES:
            raise MeshError(
                f"the OBJ file is {size >> 20} MB, more than ohw reads ({MAX_OBJ_BYTES >> 20} MB)",
            )
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data) if data is not None else path or "") as package:
            inflated = 0
            for member in package.infolist():
                with package.open(member) as stream:
                    while chunk := stream.read(_INFLATING):
                        inflated += len(chunk)
                        if inflated > MAX_3MF_MODEL_BYTES:
                            raise MeshError(
                                "the 3MF file inflates to more than ohw reads "
                                f"({MAX_3MF_MODEL_BYTES >> 20} MB of XML)"
                            )
    except damaged_zip as error:
        raise MeshError(f"the 3MF file is not a zip archive ohw can read: {error}") from None


def _read_with_trimesh(kind: str, path: Path | None, data: bytes | None) -> Triangles:
    import numpy as np
    import trimesh

    _refuse_what_is_too_big(kind, path, data)
    source = io.BytesIO(data) if data is not None else path
    try:
        loaded = trimesh.load(source, file_type=kind.lower(), force="mesh", process=False)
    except IndexError:  # trimesh's OBJ reader, on a face naming a vertex the file lacks
        raise MeshError(
            f"a face of the {kind} file names a vertex the file does not have"
        ) from None
    except Exception as error:  # trimesh raises many kinds of exception for a bad file
        raise MeshError(f"{kind} file cannot be read: {error}") from None
    # force="mesh" gives a Trimesh, or an empty scene for a file without facets.
    if not isinstance(loaded, trimesh.Trimesh) or len(loaded.faces) == 0:
        raise MeshError(f"the {kind} file holds no facets")
    faces, vertices = np.asarray(loaded.faces), np.asarray(loaded.vertices, dtype=np.float64)
    # trimesh gives what the numbers make when vertices are written with fewer
    # (or more) than three coordinates: an array of some other shape.
    if vertices.ndim != 2 or vertices.shape[1] != 3 or faces.ndim != 2 or faces.shape[1] != 3:
        raise MeshError(f"a vertex of the {kind} file does not have three coordinates (x y z)")
    outside = faces[(faces < 0) | (faces >= len(vertices))]
    if len(outside):
        raise MeshError(
            f"a triangle of the {kind} file names vertex {int(outside[0])}, and the file "
            f"has {len(vertices):,} vertices (numbered from 0)"
        )
    # Coordinates as binary STL and slicers hold them: 32-bit floats (see ohw.mesh.stl);
    # beyond ±3.4e38 they are infinite there, and refused below.
    with np.errstate(over="ignore", invalid="ignore"):
        corners = (vertices[faces] * _millimetres(kind, loaded.units)).astype(np.float32)
    if not np.isfinite(corners).all():
        raise MeshError(
            f"the {kind} file has a coordinate that is not a finite number in millimetres "
            "(in single precision, as meshes are read: at most ±3.4e38)"
        )
    return Triangles(corners, None, kind)


def _millimetres(kind: str, units: str | None) -> float:
    """How many millimetres one of the file's units is: 3MF says its unit (the
    default is the millimetre); OBJ says none, and is read as millimetres."""
    import trimesh

    if not units or units in ("millimeter", "millimeters"):
        return 1.0
    try:
        return float(trimesh.units.unit_conversion(units, "millimeters"))
    except (ValueError, KeyError):
        raise MeshError(f"the {kind} file's unit {units!r} is not one ohw knows") from None


# Facets at a time in the search for one with an area: nearly always the first.
_SEARCH = 1 << 13


def _require_a_facet(triangles: Triangles) -> None:
    """A mesh none of whose facets has three distinct corners and an area holds
    no surface at all: it cannot be read as a part, whatever its format."""
    import numpy as np

    corners = triangles.corners
    for start in range(0, len(corners), _SEARCH):
        block = np.asarray(corners[start : start + _SEARCH], dtype=np.float64)
        # Coordinates may not have been checked yet (read_mesh's check_finite):
        # a NaN here has an area as far as this test goes, and the check tells why.
        with np.errstate(invalid="ignore", over="ignore"):
            cross = np.cross(block[:, 1] - block[:, 0], block[:, 2] - block[:, 0])
        if cross.any():
            return
    raise MeshError(
        f"the {triangles.format} file holds no facet with an area: every facet is a line or a point"
    )


__all__ = ["MESH_FORMATS", "MeshError", "Triangles", "read_mesh"]
