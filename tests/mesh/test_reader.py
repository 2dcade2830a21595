"""ohw.mesh.reader.read_mesh and the STL reader: every bad file refused with a MeshError that
says what is wrong, at once and without loading it; every good file read whole."""

from __future__ import annotations

import math
import re
import struct
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.meshes import ascii_facet, ascii_stl, binary_stl, corpus_stls, three_mf

from ohw.mesh.reader import MeshError, read_mesh
from ohw.mesh.stl import MAX_FACETS

# A bad file is refused at once: well under this, whatever it claims.
FAST = 1.0

# The 12 facets of the unit cube, wound outwards (x, y, z of three corners each).
CUBE = [
    [(0, 0, 0), (0, 1, 0), (1, 1, 0)],
    [(0, 0, 0), (1, 1, 0), (1, 0, 0)],
    [(0, 0, 1), (1, 0, 1), (1, 1, 1)],
    [(0, 0, 1), (1, 1, 1), (0, 1, 1)],
    [(0, 0, 0), (1, 0, 0), (1, 0, 1)],
    [(0, 0, 0), (1, 0, 1), (0, 0, 1)],
    [(0, 1, 0), (0, 1, 1), (1, 1, 1)],
    [(0, 1, 0), (1, 1, 1), (1, 1, 0)],
    [(0, 0, 0), (0, 0, 1), (0, 1, 1)],
    [(0, 0, 0), (0, 1, 1), (0, 1, 0)],
    [(1, 0, 0), (1, 1, 0), (1, 1, 1)],
    [(1, 0, 0), (1, 1, 1), (1, 0, 1)],
]


def refuse(tmp_path: Path, source: str, data: bytes, name: str = "part.stl") -> str:
    """Read ``data`` from a file or from memory: it must raise MeshError, fast.
    Returns the message."""
    if source == "path":
        path = tmp_path / name
        path.write_bytes(data)
        kwargs = {"path": path}
    else:
        kwargs = {"data": data}
    began = time.perf_counter()
    with pytest.raises(MeshError) as raised:
        read_mesh(name, **kwargs)
    assert time.perf_counter() - began < FAST
    message = str(raised.value)
    assert message.strip()
    return message


def read_both(tmp_path: Path, data: bytes, name: str = "part.stl"):
    """Read ``data`` from a file and from memory; both must give the same facets."""
    path = tmp_path / name
    path.write_bytes(data)
    from_path = read_mesh(name, path=path)
    from_data = read_mesh(name, data=data)
    assert from_path.format == from_data.format
    assert np.array_equal(np.asarray(from_path.corners), np.asarray(from_data.corners))
    return from_path


SOURCES = pytest.mark.parametrize("source", ["path", "data"])


# --- binary files that lie about themselves -------------------------------------------


@SOURCES
@pytest.mark.parametrize("cut", [1, 3, 49, 50, 51])
def test_truncated_binary_is_refused(tmp_path, source, cut):
    whole = binary_stl(CUBE)
    message = refuse(tmp_path, source, whole[:-cut])
    assert "claims 12 facets" in message
    assert "truncated" in message


@SOURCES
def test_truncated_binary_with_solid_header_is_refused(tmp_path, source):
    whole = binary_stl(CUBE, header=b"solid cube exported by a CAD program")
    message = refuse(tmp_path, source, whole[:-7])
    assert "binary data" in message
    assert "truncated" in message


@SOURCES
def test_a_count_of_four_billion_facets_is_refused(tmp_path, source):
    message = refuse(tmp_path, source, binary_stl(CUBE, count=4_000_000_000))
    assert "4,000,000,000 facets" in message
    assert "truncated or the count is wrong" in message


@SOURCES
def test_a_count_larger_than_the_data_is_refused(tmp_path, source):
    message = refuse(tmp_path, source, binary_stl(CUBE, count=13))
    assert "claims 13 facets" in message
    assert "truncated or the count is wrong" in message


@SOURCES
def test_a_count_smaller_than_the_data_is_refused(tmp_path, source):
    message = refuse(tmp_path, source, binary_stl(CUBE, count=11))
    assert "claims 11 facets" in message
    assert "50 bytes more than the facets it counts" in message


@SOURCES
def test_an_empty_file_is_refused(tmp_path, source):
    assert "empty (0 bytes)" in refuse(tmp_path, source, b"")


@SOURCES
def test_a_header_with_no_facets_is_refused(tmp_path, source):
    message = refuse(tmp_path, source, binary_stl([], count=0))
    assert "no facets" in message


@SOURCES
def test_a_header_counting_one_facet_but_holding_none_is_refused(tmp_path, source):
    message = refuse(tmp_path, source, binary_stl([], count=1))
    assert "claims 1 facets" in message
    assert "truncated" in message


@SOURCES
def test_binary_data_after_a_solid_header_is_refused(tmp_path, source):
    data = binary_stl(CUBE, header=b"solid part") + b"\0" * 10
    message = refuse(tmp_path, source, data)
    assert "binary data" in message
    assert "10 bytes more" in message


@SOURCES
def test_nan_and_infinite_binary_coordinates_are_refused(tmp_path, source):
    for bad in (math.nan, math.inf, -math.inf):
        facets = [list(map(list, f)) for f in CUBE]
        facets[4][1][2] = bad
        message = refuse(tmp_path, source, binary_stl(facets))
        assert "facet 5 has a coordinate that is not a finite number" in message


@SOURCES
def test_a_text_file_named_stl_is_refused(tmp_path, source):
    message = refuse(tmp_path, source, b"hello world")
    assert "11 bytes" in message
    assert "not ASCII STL" in message


def test_a_2gb_sparse_file_is_refused_at_once_without_reading_it(tmp_path):
    path = tmp_path / "huge.stl"
    with path.open("wb") as stream:
        stream.truncate(2 * 1024**3)
    tracemalloc.start()
    try:
        began = time.perf_counter()
        with pytest.raises(MeshError) as raised:
            read_mesh(path.name, path=path)
        took = time.perf_counter() - began
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "2,147,483,648 bytes" in str(raised.value)
    assert took < 0.5
    assert peak < 2 * 1024**2


def test_more_facets_than_ohw_reads_is_refused_without_reading_them(tmp_path):
    """A binary STL whose size matches its count, but the count is over MAX_FACETS."""
    count = MAX_FACETS + 1
    path = tmp_path / "huge.stl"
    with path.open("wb") as stream:
        stream.write(b"huge".ljust(80) + struct.pack("<I", count))
        stream.truncate(84 + 50 * count)
    tracemalloc.start()
    try:
        began = time.perf_counter()
        with pytest.raises(MeshError) as raised:
            read_mesh(path.name, path=path)
        took = time.perf_counter() - began
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert f"{count:,} facets" in str(raised.value)
    assert f"at most {MAX_FACETS:,}" in str(raised.value)
    assert took < 0.5
    assert peak < 2 * 1024**2


# --- ASCII files that are broken ---------------------------------------------------------


@SOURCES
def test_ascii_cut_mid_facet_is_refused(tmp_path, source):
    text = ascii_stl(CUBE)
    cut = text.index("vertex", text.index("facet", len(text) // 2)) + len("vertex 0 1")
    message = refuse(tmp_path, source, text[:cut].encode())
    assert re.search(r"cut short|'endsolid' is missing|truncated", message)


@SOURCES
def test_ascii_without_endsolid_is_refused(tmp_path, source):
    text = ascii_stl(CUBE).replace("endsolid part\n", "")
    message = refuse(tmp_path, source, text.encode())
    assert "'endsolid' is missing" in message


@SOURCES
def test_a_last_facet_missing_a_vertex_is_refused_naming_its_line(tmp_path, source):
    """The file is whole (it ends with 'endsolid'); its last facet lacks a corner."""
    lines = ascii_stl(CUBE[:3]).splitlines()
    del lines[19]  # the last facet's third 'vertex'; its 'endloop' is now line 20
    message = refuse(tmp_path, source, "\n".join(lines).encode())
    assert "'endsolid' is missing" not in message
    assert "line 20" in message


@SOURCES
@pytest.mark.parametrize("word", ["nan", "NaN", "inf", "-inf", "1e999"])
def test_nan_and_infinite_ascii_coordinates_are_refused(tmp_path, source, word):
    text = ascii_stl([[(0, 0, 0), (1, 0, 0), (0, 1, 0)], [(0, 0, 1), (1, 0, word), (0, 1, 1)]])
    message = refuse(tmp_path, source, text.encode())
    assert "facet 2 has a coordinate that is not a finite number" in message


@SOURCES
def test_ascii_coordinate_beyond_single_precision_is_refused(tmp_path, source):
    """STL coordinates are single precision: 1e39 is finite as written but infinite as
    read, and a reader that lets it through hands infinity to everything after it."""
    text = ascii_stl([[(0, 0, 0), (1, 0, 0), (0, 1, 0)], [(0, 0, 1), (1, 0, "1e39"), (0, 1, 1)]])
    message = refuse(tmp_path, source, text.encode())
    assert "facet 2" in message
    assert "not a finite number" in message


@SOURCES
def test_junk_between_facets_is_refused_naming_its_line(tmp_path, source):
    lines = ascii_stl(CUBE[:2]).splitlines()
    lines.insert(8, "junk")  # after the first facet's 'endfacet' (line 8)
    message = refuse(tmp_path, source, "\n".join(lines).encode())
    assert "'junk'" in message
    assert "line 9" in message


@SOURCES
def test_a_misspelt_keyword_is_refused_naming_its_line(tmp_path, source):
    text = ascii_stl(CUBE[:1]).replace("vertex 0 1 0", "vertx 0 1 0")
    message = refuse(tmp_path, source, text.encode())
    assert "'vertx'" in message
    assert "'vertex'" in message
    assert "line 5" in message


@SOURCES
def test_a_word_where_a_number_belongs_is_refused(tmp_path, source):
    text = ascii_stl(CUBE[:1]).replace("vertex 0 1 0", "vertex 0 one 0")
    message = refuse(tmp_path, source, text.encode())
    assert "'one'" in message
    assert "not a number" in message


@SOURCES
def test_text_that_is_not_ascii_is_refused(tmp_path, source):
    text = ascii_stl(CUBE[:1], name="pièce")
    message = refuse(tmp_path, source, text.encode("utf-8"))
    assert "line 1" in message
    assert "not ASCII" in message


@SOURCES
def test_ascii_with_no_facets_is_refused(tmp_path, source):
    assert "no facets" in refuse(tmp_path, source, b"solid nothing\nendsolid nothing\n")


@SOURCES
def test_an_unknown_suffix_is_refused(tmp_path, source):
    message = refuse(tmp_path, source, binary_stl(CUBE), name="part.step")
    assert ".step" in message


def test_an_unknown_suffix_is_refused_before_the_file_is_read(tmp_path):
    with pytest.raises(MeshError, match="no suffix"):
        read_mesh("part", path=tmp_path / "absent")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["delete", "insert", "replace", "swap"]),
            st.integers(min_value=0, max_value=10**6),
            st.sampled_from(
                ["solid", "endsolid", "facet", "normal", "outer", "loop", "vertex", "endloop",
                 "endfacet", "1", "-2.5", "nan", "1e30", "x", "\0", "é"]
            ),
        ),
        min_size=1,
        max_size=4,
    )
)  # fmt: skip
def test_mangled_ascii_is_read_or_refused_with_a_mesh_error(edits):
    """Whatever is done to the words of an ASCII file, the reader raises MeshError or
    reads facets with finite coordinates; never anything else."""
    words = ascii_stl(CUBE[:3]).split()
    for action, where, word in edits:
        at = where % len(words)
        if action == "delete" and len(words) > 1:
            del words[at]
        elif action == "insert":
            words.insert(at, word)
        elif action == "replace":
            words[at] = word
        elif action == "swap":
            other = (at + 1) % len(words)
            words[at], words[other] = words[other], words[at]
    data = "\n".join(words).encode()
    try:
        triangles = read_mesh("fuzz.stl", data=data)
    except MeshError as error:
        assert str(error).strip()
        return
    corners = np.asarray(triangles.corners)
    assert len(triangles) > 0
    assert corners.shape == (len(triangles), 3, 3)
    assert np.isfinite(corners).all()


# --- good files ---------------------------------------------------------------------------


def test_binary_with_a_solid_header_is_read_as_binary(tmp_path):
    data = binary_stl(CUBE, header=b"solid cube, as SolidWorks writes it")
    triangles = read_both(tmp_path, data)
    assert triangles.format == "binary STL"
    assert len(triangles) == 12
    assert np.array_equal(np.asarray(triangles.corners), np.asarray(CUBE, dtype=np.float32))


def test_ascii_is_read_as_written(tmp_path):
    triangles = read_both(tmp_path, ascii_stl(CUBE).encode())
    assert triangles.format == "ASCII STL"
    assert np.array_equal(np.asarray(triangles.corners), np.asarray(CUBE, dtype=np.float32))


def test_every_solid_block_of_an_ascii_file_is_read(tmp_path):
    text = (
        ascii_stl(CUBE[:5], name="first")
        + ascii_stl(CUBE[5:9], name="second body")
        + "solid\n"
        + "".join(ascii_facet(f) for f in CUBE[9:])
        + "endsolid\n"
    )
    triangles = read_both(tmp_path, text.encode())
    assert len(triangles) == 12
    assert np.array_equal(np.asarray(triangles.corners), np.asarray(CUBE, dtype=np.float32))


@pytest.mark.corpus
def test_every_solid_block_of_the_corpus_multibody_file_is_read(tmp_path, corpus):
    path = corpus / "stl" / "trimesh-models" / "multibody.stl"
    text = path.read_text()
    assert text.lower().count("endsolid") == 2
    written = len(re.findall(r"^\s*facet\b", text, flags=re.MULTILINE | re.IGNORECASE))
    triangles = read_both(tmp_path, path.read_bytes())
    assert len(triangles) == written == 32
    first = re.search(r"vertex\s+(\S+)\s+(\S+)\s+(\S+)", text)
    assert first is not None
    assert tuple(np.asarray(triangles.corners)[0, 0]) == tuple(
        np.float32(float(v)) for v in first.groups()
    )


def test_upper_case_keywords_are_read(tmp_path):
    text = ascii_stl(CUBE, name="LOUD").upper().replace("SOLID LOUD\n", "SOLID Loud\n", 1)
    triangles = read_both(tmp_path, text.encode())
    assert len(triangles) == 12
    assert np.array_equal(np.asarray(triangles.corners), np.asarray(CUBE, dtype=np.float32))


def test_scientific_notation_and_signs_are_read(tmp_path):
    facet = [("1.5E+01", "-2e-1", "+3"), ("0", "-0.0", ".5"), ("1e0", "2.", "-1.25e1")]
    triangles = read_both(tmp_path, ascii_stl([facet]).encode())
    assert np.asarray(triangles.corners).tolist() == [
        [[15.0, np.float32(-0.2), 3.0], [0.0, -0.0, 0.5], [1.0, 2.0, -12.5]]
    ]


def test_path_and_data_read_the_same_binary_facets(tmp_path):
    rng = np.random.default_rng(7)
    facets = rng.normal(size=(200, 3, 3)) * 50
    triangles = read_both(tmp_path, binary_stl(facets))
    assert np.array_equal(np.asarray(triangles.corners), facets.astype(np.float32))


@pytest.mark.corpus
@pytest.mark.parametrize(
    "name", ["voron-0/Panel_Mounting/Door_Handle_x1.STL", "trimesh-models/multibody.stl"]
)
def test_path_and_data_read_the_same_corpus_facets(corpus, name):
    path = corpus / "stl" / name
    from_path = read_mesh(path.name, path=path)
    from_data = read_mesh(path.name, data=path.read_bytes())
    assert from_path.format == from_data.format
    assert np.array_equal(np.asarray(from_path.corners), np.asarray(from_data.corners))


@pytest.mark.parametrize("suffix", [".obj", ".3mf", ".OBJ"])
def test_obj_and_3mf_written_by_trimesh_are_read(tmp_path, suffix):
    import trimesh

    box = trimesh.creation.box(extents=(10, 20, 30))
    written = tmp_path / f"box{suffix.lower()}"
    box.export(written)
    path = written.rename(tmp_path / f"box{suffix}")
    for triangles in (
        read_mesh(path.name, path=path),
        read_mesh(path.name, data=path.read_bytes()),
    ):
        assert len(triangles) == 12
        assert triangles.format == suffix[1:].upper()
        corners = np.asarray(triangles.corners)
        assert corners.shape == (12, 3, 3)
        assert np.allclose(corners.min(axis=(0, 1)), [-5, -10, -15])
        assert np.allclose(corners.max(axis=(0, 1)), [5, 10, 15])


@pytest.mark.parametrize("suffix", [".obj", ".3mf"])
def test_broken_obj_and_3mf_are_refused(suffix):
    with pytest.raises(MeshError):
        read_mesh(f"part{suffix}", data=b"hello world")


@pytest.mark.corpus
@pytest.mark.parametrize("name", corpus_stls())
def test_every_corpus_stl_reads_or_raises_a_mesh_error(corpus, name):
    path = corpus / "stl" / name
    try:
        triangles = read_mesh(path.name, path=path)
    except MeshError as error:
        assert name == "trimesh-models/empty.stl", f"{name}: {error}"
        assert "no facets" in str(error)
        return
    assert name != "trimesh-models/empty.stl", "a file without facets was read"
    corners = np.asarray(triangles.corners)
    assert len(triangles) > 0
    assert corners.shape == (len(triangles), 3, 3)
    assert np.isfinite(corners).all()
    if triangles.format == "binary STL":
        assert path.stat().st_size == 84 + 50 * len(triangles)


TETRAHEDRON = [(0, 0, 0), (1, 0, 0), (0, 1, 0), (0, 0, 1)]
ITS_FACETS = [(0, 2, 1), (0, 1, 3), (0, 3, 2), (1, 2, 3)]


@pytest.mark.parametrize(
    ("unit", "millimetres"),
    [(None, 1.0), ("millimeter", 1.0), ("micron", 0.001), ("centimeter", 10.0),
     ("inch", 25.4), ("foot", 304.8), ("meter", 1000.0)],
)  # fmt: skip
def test_a_3mf_is_read_in_millimetres_whatever_unit_it_declares(unit, millimetres):
    triangles = read_mesh("part.3mf", data=three_mf(TETRAHEDRON, ITS_FACETS, unit))
    corners = np.asarray(triangles.corners)
    assert corners.max() == pytest.approx(millimetres, rel=1e-6)
    assert corners.dtype == np.float32  # as every mesh is read


def test_a_3mf_unit_ohw_does_not_know_is_refused():
    with pytest.raises(MeshError, match="unit"):
        read_mesh("part.3mf", data=three_mf(TETRAHEDRON, ITS_FACETS, "furlong"))


@pytest.mark.parametrize(("bad", "named"), [((0, 1, 9), 9), ((0, 7, 9), 7), ((0, 1, -1), -1)])
def test_a_3mf_triangle_naming_a_vertex_it_lacks_is_refused(bad, named):
    """The message names the index that is out of range, the first one."""
    with pytest.raises(MeshError, match=f"names vertex {named}, and the file has 4 vertices"):
        read_mesh("part.3mf", data=three_mf(TETRAHEDRON, [*ITS_FACETS[:3], bad]))


def test_an_obj_face_naming_a_vertex_it_lacks_is_refused():
    with pytest.raises(MeshError, match="names a vertex the file does not have"):
        read_mesh("part.obj", data=b"v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 9\n")


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("line.obj", b"v 0 0 0\nv 1 0 0\nv 2 0 0\nf 1 2 3\nf 1 1 2\n"),
        ("line.stl", binary_stl([[(0, 0, 0), (1, 0, 0), (2, 0, 0)], [(0, 0, 0)] * 3])),
        ("line.3mf", three_mf([(0, 0, 0), (1, 1, 1), (2, 2, 2)], [(0, 1, 2)])),
    ],
)
def test_a_mesh_with_no_facet_with_an_area_is_unreadable_in_every_format(name, data):
    with pytest.raises(MeshError, match="no facet with an area"):
        read_mesh(name, data=data)


def test_one_facet_with_an_area_among_degenerate_ones_is_read():
    facets = [[(0, 0, 0)] * 3] * 20_000 + [[(0, 0, 0), (1, 0, 0), (0, 1, 0)]]
    assert len(read_mesh("part.stl", data=binary_stl(facets))) == 20_001


def test_a_3mf_that_inflates_past_the_limit_is_refused_while_inflating(tmp_path):
    """A zip bomb: 3 MB of 3MF holding 400 MB of zeros, whatever sizes its
    directory says."""
    import zipfile

    from ohw.mesh.reader import MAX_3MF_MODEL_BYTES

    bomb = tmp_path / "bomb.3mf"
    with (
        zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as package,
        package.open("3D/3dmodel.model", "w", force_zip64=True) as model,
    ):
        for _ in range(400):
            model.write(bytes(1 << 20))
    assert bomb.stat().st_size < 5 << 20 < MAX_3MF_MODEL_BYTES < 400 << 20
    with pytest.raises(MeshError, match="inflates to more than ohw reads"):
        read_mesh(bomb.name, path=bomb)


def test_an_obj_larger_than_the_limit_is_refused_unread(tmp_path):
    from ohw.mesh.reader import MAX_OBJ_BYTES

    big = tmp_path / "big.obj"
    with big.open("wb") as stream:
        stream.truncate(MAX_OBJ_BYTES + 1)  # sparse: nothing is written, nothing read
    with pytest.raises(MeshError, match="more than ohw reads"):
        read_mesh(big.name, path=big)
