"""Meshes written here, not by ohw: binary and ASCII STL of given facets, 3MF
packages, boxes wound outwards, their normals, and the STL files of the shared
corpus."""

from __future__ import annotations

from support import CORPUS

_RECORD = [("normal", "<f4", (3,)), ("corners", "<f4", (3, 3)), ("attribute", "<u2")]


def binary_stl(facets, normals=None, *, header: bytes = b"ohw test", count=None) -> bytes:
    """Binary STL of ``facets`` (corners), written here and not by ohw: with
    ``normals`` as given (else zero, "work it out"), and the facet count given
    by ``count`` when it should lie."""
    import numpy as np

    table = np.zeros(len(facets), dtype=_RECORD)
    with np.errstate(over="ignore"):  # beyond ±3.4e38: infinite, as a file may hold
        table["corners"] = np.asarray(facets, dtype=np.float64).reshape(-1, 3, 3)
    if normals is not None:
        table["normal"] = normals
    number = len(facets) if count is None else count
    return header.ljust(80, b" ")[:80] + int(number).to_bytes(4, "little") + table.tobytes()


def _written(coordinate) -> str:
    """A coordinate as ASCII STL writes it; text (``"nan"``, ``"1e39"``) as it is."""
    return coordinate if isinstance(coordinate, str) else f"{coordinate:g}"


def ascii_facet(corners, normal=(0, 0, 0)) -> str:
    """One facet of ASCII STL, its lines ending in a line break."""
    lines = [f"  facet normal {' '.join(map(_written, normal))}", "    outer loop"]
    lines += [f"      vertex {' '.join(map(_written, corner))}" for corner in corners]
    lines += ["    endloop", "  endfacet"]
    return "\n".join(lines) + "\n"


def ascii_stl(facets, name: str = "part") -> str:
    """ASCII STL of ``facets`` (one solid called ``name``), written here and not
    by ohw; coordinates may be numbers or the words to write."""
    return f"solid {name}\n" + "".join(ascii_facet(f) for f in facets) + f"endsolid {name}\n"


def three_mf_model(vertices, triangles, unit: str | None = None) -> str:
    """The XML of a 3MF model of one object, as the 3MF core specification lays it
    out; vertices and indices written as given (text too), to try what trimesh
    would not write."""
    attribute = f' unit="{unit}"' if unit else ""
    points = "".join(f'<vertex x="{x}" y="{y}" z="{z}"/>' for x, y, z in vertices)
    facets = "".join(f'<triangle v1="{a}" v2="{b}" v3="{c}"/>' for a, b, c in triangles)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><model{attribute} '
        'xmlns="http://schemas.microsoft.com/3dmanufacturing/core/2015/02"><resources>'
        f'<object id="1" type="model"><mesh><vertices>{points}</vertices>'
        f"<triangles>{facets}</triangles></mesh></object></resources>"
        '<build><item objectid="1"/></build></model>'
    )


def three_mf_package(model: str | bytes) -> bytes:
    """A 3MF package (a zip archive, written here and not by trimesh) holding
    ``model`` as its 3D model."""
    import io
    import zipfile

    package = io.BytesIO()
    with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org'
            '/package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="model" '
            'ContentType="application/vnd.ms-package.3dmanufacturing-3dmodel+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Target="/3D/'
            '3dmodel.model" Id="rel0" Type="http://schemas.microsoft.com/3dmanufacturing/'
            '2013/01/3dmodel"/></Relationships>',
        )
        archive.writestr("3D/3dmodel.model", model)
    return package.getvalue()


def three_mf(vertices, triangles, unit: str | None = None) -> bytes:
    """A 3MF package of one object (three_mf_model, three_mf_package)."""
    return three_mf_package(three_mf_model(vertices, triangles, unit))


def outward_normals(facets):
    """Unit normals of the facets from their winding (zero for no area)."""
    import numpy as np

    corners = np.asarray(facets, dtype=np.float64)
    cross = np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0])
    length = np.linalg.norm(cross, axis=1, keepdims=True)
    return np.divide(cross, length, out=np.zeros_like(cross), where=length > 0)


def box_facets(low=(0.0, 0.0, 0.0), high=(10.0, 10.0, 10.0)) -> list:
    """The 12 facets of the box from ``low`` to ``high``, wound outwards; every face is
    cut along the diagonal from its corner nearest ``low``, so that two boxes sharing a
    face cut it alike."""
    facets = []
    for k in range(3):
        i, j = (k + 1) % 3, (k + 2) % 3
        for side in (low[k], high[k]):
            square = []
            for u, v in (
                (low[i], low[j]),
                (high[i], low[j]),
                (high[i], high[j]),
                (low[i], high[j]),
            ):
                point = [0.0, 0.0, 0.0]
                point[i], point[j], point[k] = u, v, side
                square.append(tuple(point))
            p00, p10, p11, p01 = square
            if side == high[k]:  # e_i x e_j = e_k: counter-clockwise faces +k
                facets += [[p00, p10, p11], [p00, p11, p01]]
            else:
                facets += [[p00, p11, p10], [p00, p01, p11]]
    return facets


def cube_stl(size: float = 10.0) -> bytes:
    """A closed, printable cube as binary STL: a real part for a design."""
    import trimesh

    box = trimesh.creation.box(extents=(size, size, size))
    box.apply_translation((size / 2, size / 2, size / 2))
    return box.export(file_type="stl")


def corpus_stls(*, leaving_out: tuple[str, ...] = ()) -> list[str]:
    """The STL files of the corpus, as paths below its stl folder, but for the
    file names in ``leaving_out``; a stand-in name when the corpus is absent (its
    tests are skipped, and a parametrized test needs one case to skip)."""
    found = sorted(
        str(p.relative_to(CORPUS / "stl"))
        for p in (CORPUS / "stl").rglob("*")
        if p.suffix.lower() == ".stl" and p.name not in leaving_out
    )
    return found or ["(the corpus is absent)"]
