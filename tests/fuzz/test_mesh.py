"""The mesh readers (ohw.mesh.reader: STL binary and ASCII, 3MF, OBJ) and what
follows them on hostile files: truncated, counts that lie, NaN, infinite and
huge coordinates, indices out of range, corrupt and inflating zip archives,
XML entities, garbage. A file is read into finite facets, or refused with a
MeshError that says why; what is read is analysed, judged and repaired
without any other exception, and a repaired mesh reads back; and `ohw mesh`
and `ohw mesh repair` end with a documented exit code within the memory
limit, a 3MF that inflates past its limit included."""

from __future__ import annotations

import io
import struct
import warnings
import zipfile

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from support import CORPUS
from support.fuzz import assert_no_bug, fingerprint, fuzzing, run_limited
from support.meshes import ascii_stl, binary_stl, box_facets, three_mf_model, three_mf_package

from ohw.mesh.reader import MeshError, read_mesh
from ohw.mesh.repair import repair_mesh
from ohw.mesh.topology import analyse
from ohw.mesh.verdict import judge

# Coordinates a file may hold: ordinary ones, the edges of 32-bit floats, and
# what is no number at all.
COORDINATES = st.one_of(
    st.integers(-100, 100).map(float),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([3.4e38, -3.4e38, 3.5e38, 1e-45, -0.0, 2.0**24 + 1, 1e300]),
)
FACETS = st.lists(
    st.lists(st.tuples(COORDINATES, COORDINATES, COORDINATES), min_size=3, max_size=3),
    min_size=0,
    max_size=12,
)
# Words of the text formats: numbers written every way and what is not one.
NUMBER_WORDS = [
    "1", "-2.5", "1e39", "-1e39", "3.4e38", "nan", "inf", "-inf", "0x1p3", "1_000", "1e", "", "é",
    "\x00", "1" * 400,
]  # fmt: skip


def read_or_refused(name: str, data: bytes):
    """What read_mesh makes of ``data``: finite facets with an area, or a MeshError;
    and no warning of numpy's, which would reach the user's terminal."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            triangles = read_mesh(name, data=data)
    except MeshError as error:
        assert str(error).strip()
        return error
    corners = np.asarray(triangles.corners)
    assert corners.ndim == 3 and corners.shape[1:] == (3, 3) and len(corners) > 0
    assert np.isfinite(corners).all()
    return triangles


def analysed_and_repaired(name: str, data: bytes) -> None:
    """Read, then (if read) analysed, judged and repaired as ohw mesh and ohw mesh
    repair do; a repaired file reads back as what was repaired."""
    triangles = read_or_refused(name, data)
    if isinstance(triangles, MeshError):
        return
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        report = analyse(triangles)
        assert report.facets == len(triangles)
        judge(report)
        kind = name.rpartition(".")[2].upper()
        repaired = repair_mesh(triangles, kind)
    if len(repaired.repair.corners):
        again = read_or_refused(name, repaired.data)
        if isinstance(again, MeshError):
            # a repair may leave no facet with an area: the file says so, no more
            assert "no facet" in str(again), again
        else:
            assert len(again) == len(repaired.repair.corners)


@st.composite
def mangled(draw, data: bytes) -> bytes:
    """``data`` with bytes cut off, dropped, flipped or repeated."""
    raw = bytearray(data)
    for _ in range(draw(st.integers(0, 4))):
        where = draw(st.integers(0, len(raw)))
        action = draw(st.sampled_from(["cut", "delete", "flip", "repeat", "insert"]))
        if action == "cut":
            del raw[where:]
        elif action == "delete":
            del raw[where : where + draw(st.integers(1, 60))]
        elif action == "flip" and where < len(raw):
            raw[where] = draw(st.integers(0, 255))
        elif action == "repeat":
            raw[where:where] = raw[where : where + draw(st.integers(1, 200))]
        elif action == "insert":
            raw[where:where] = draw(st.sampled_from(NUMBER_WORDS)).encode() + b" "
    return bytes(raw)


# --- STL -----------------------------------------------------------------------------------

CUBE = box_facets()


@fuzzing(200)
@given(
    facets=FACETS,
    count=st.none() | st.integers(0, 2**32 - 1) | st.sampled_from([0, 1, 2**32 - 1, 25_000_001]),
    header=st.sampled_from([b"", b"solid part", b"  SOLID x\x00"]),
    extra=st.sampled_from([b"", b"\x00", b"\x00" * 50]),
    data=st.data(),
)
@example(
    facets=[[(3.4e38, 0.0, 0.0), (-3.4e38, 0.0, 0.0), (0.0, 3.4e38, 0.0)]],
    count=None,
    header=b"",
    extra=b"",
    data=None,
)
@example(facets=[[(0.0, 0.0, 0.0)] * 3], count=None, header=b"", extra=b"", data=None)
def test_binary_stl_is_read_or_refused(facets, count, header, extra, data):
    raw = binary_stl(facets or [], header=header, count=count) + extra
    if data is not None:
        raw = data.draw(mangled(raw))
    analysed_and_repaired("part.stl", raw)


@fuzzing(200)
@given(
    facets=FACETS,
    words=st.lists(st.sampled_from(NUMBER_WORDS), max_size=3),
    data=st.data(),
)
@example(facets=[[(0.0, 0.0, 0.0), (1.0, 0.0, 0.0), (0.0, 1.0, 0.0)]], words=["3.5e38"], data=None)
def test_ascii_stl_is_read_or_refused(facets, words, data):
    text = ascii_stl([[tuple(f"{c!r}" for c in corner) for corner in facet] for facet in facets])
    parts = text.split(" ")
    for i, word in enumerate(words):  # some numbers written as odd words
        parts[(i * 7919) % len(parts)] = word
    raw = " ".join(parts).encode("latin-1", "replace")
    if data is not None:
        raw = data.draw(mangled(raw))
    analysed_and_repaired("part.stl", raw)


@pytest.mark.corpus
@fuzzing(30)
@given(data=st.data())
def test_corpus_stls_mangled_are_read_or_refused(data):
    small = sorted(
        p
        for p in (CORPUS / "stl").rglob("*")
        if p.suffix.lower() == ".stl" and p.stat().st_size < 200_000
    )
    path = data.draw(st.sampled_from(small))
    analysed_and_repaired("part.stl", data.draw(mangled(path.read_bytes())))


# --- 3MF -----------------------------------------------------------------------------------

INDICES = st.one_of(
    st.integers(-2, 12), st.sampled_from(["", "x", "1.5", "99999999999999999999", "-0"])
)
UNITS = st.sampled_from(
    [None, "millimeter", "micron", "meter", "inch", "foot", "centimeter", "furlong", ""]
)


@fuzzing(150)
@given(
    vertices=st.lists(st.tuples(COORDINATES, COORDINATES, COORDINATES), max_size=8),
    triangles=st.lists(st.tuples(INDICES, INDICES, INDICES), max_size=10),
    unit=UNITS,
    data=st.data(),
)
# an index out of range; a coordinate past float32 once in millimetres
@example(vertices=CUBE[0], triangles=[(0, 1, -1)], unit=None, data=None)
@example(vertices=[*CUBE[0][:2], (0, 0, 3.4e35)], triangles=[(0, 1, 2)], unit="meter", data=None)
def test_3mf_models_are_read_or_refused(vertices, triangles, unit, data):
    model = three_mf_model(vertices, triangles, unit)
    if data is not None and data.draw(st.booleans()):
        model = data.draw(mangled(model.encode())).decode("utf-8", "replace")
    analysed_and_repaired("part.3mf", three_mf_package(model))


BOMB_ENTITIES = (
    '<?xml version="1.0"?><!DOCTYPE model [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
    + ']><model xmlns="http://schemas.microsoft.com/3dmanufacturing/core/2015/02"><resources>'
    '<object id="1" type="model"><mesh><vertices><vertex x="&i;" y="0" z="0"/></vertices>'
    "</mesh></object></resources></model>"
)
EXTERNAL_ENTITY = (
    '<?xml version="1.0"?><!DOCTYPE model [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    '<model xmlns="http://schemas.microsoft.com/3dmanufacturing/core/2015/02" unit="&e;">'
    "<resources/></model>"
)


PLAIN_MODEL = three_mf_model(CUBE[0], [(0, 1, 2)])


@fuzzing(60)
@given(
    model=st.sampled_from([BOMB_ENTITIES, EXTERNAL_ENTITY, PLAIN_MODEL]),
    members=st.lists(
        st.sampled_from(
            ["3D/3dmodel.model", "3D/other.model", "[Content_Types].xml", "../../evil", "/abs"]
        ),
        max_size=3,
    ),
    damage=st.one_of(
        st.sampled_from(["none", "cut", "directory", "method"]),
        st.tuples(st.integers(0, 4000), st.integers(0, 255)),  # a byte changed
    ),
)
@example(model=BOMB_ENTITIES, members=[], damage="none")
@example(model=PLAIN_MODEL, members=[], damage=(28, 255))  # deflated data that does not inflate
@example(model=PLAIN_MODEL, members=[], damage=(926, 255))  # a directory pointing before the start
def test_3mf_packages_hostile_or_corrupt_are_read_or_refused(model, members, damage):
    raw = three_mf_package(model)
    if members:  # more parts: same names twice, names leading out of the archive
        package = io.BytesIO(raw)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # zipfile's "Duplicate name"
            with zipfile.ZipFile(package, "a") as archive:
                for name in members:
                    archive.writestr(name, model)
        raw = package.getvalue()
    if isinstance(damage, tuple):
        changed = bytearray(raw)
        changed[damage[0] % len(raw)] = damage[1]
        raw = bytes(changed)
    elif damage == "cut":
        raw = raw[: len(raw) // 2]
    elif damage == "directory":  # the central directory says a size the archive does not have
        end = raw.rfind(b"PK\x05\x06")
        raw = raw[: end + 12] + struct.pack("<I", 2**32 - 1) + raw[end + 16 :]
    elif damage == "method":  # a compression method nobody has
        raw = raw.replace(
            b"PK\x03\x04\x14\x00\x00\x00\x08\x00", b"PK\x03\x04\x14\x00\x00\x00\x63\x00"
        )
    analysed_and_repaired("part.3mf", raw)


# --- OBJ -----------------------------------------------------------------------------------

OBJ_LINES = st.one_of(
    st.builds(lambda x, y, z: f"v {x!r} {y!r} {z!r}", COORDINATES, COORDINATES, COORDINATES),
    st.builds(
        lambda a, b, c, form: "f " + " ".join(form.format(i) for i in (a, b, c)),
        INDICES,
        INDICES,
        INDICES,
        st.sampled_from(["{0}", "{0}/{0}", "{0}//{0}", "{0}/1/1"]),
    ),
    st.sampled_from(
        [
            "vn 0 0 1",
            "vt 0 0",
            "o part",
            "g",
            "usemtl x",
            "mtllib /etc/passwd",
            "f",
            "v",
            "# c",
            "\x00",
            "f 1 2 3 4 5",
            "s off",
            "l 1 2",
        ]
    ),
)


@fuzzing(150)
@given(
    lines=st.lists(OBJ_LINES, max_size=20),
    line_end=st.sampled_from(["\n", "\r\n", "\r"]),
    data=st.data(),
)
# indices out of range (relative, and from 0), two coordinates, past float32
@example(lines=["v 0 0 0", "v 1 0 0", "v 0 1 0", "f 1 2 -4"], line_end="\n", data=None)
@example(lines=["v 0 0 0", "v 1 0 0", "v 0 1 0", "f 0 1 2"], line_end="\n", data=None)
@example(lines=["v 0 0 0", "v 1 0 0", "v 0 1", "f 1 2 3"], line_end="\n", data=None)
@example(lines=["v 0 0 0", "v 1 0 0", "v 0 0 3.5e38", "f 1 2 3"], line_end="\n", data=None)
def test_obj_is_read_or_refused(lines, line_end, data):
    raw = line_end.join(lines).encode()
    if data is not None and data.draw(st.booleans()):
        raw = data.draw(mangled(raw))
    analysed_and_repaired("part.obj", raw)


@fuzzing(100)
@given(
    name=st.sampled_from(["part.stl", "part.3mf", "part.obj", "part.STL", "part"]),
    raw=st.binary(max_size=300),
)
def test_garbage_in_any_format_is_refused(name, raw):
    read_or_refused(name, raw)


# A 3MF whose model inflates past the 64 MiB limit from a package of 80 KB.
INFLATING = three_mf_package(b"<model>" + b" " * (80 << 20) + b"</model>")
CORNERS = [corner for facet in CUBE for corner in facet]
SEEDS = {
    "part.stl": binary_stl(CUBE),
    "part.3mf": three_mf_package(
        three_mf_model(CORNERS, [(3 * i, 3 * i + 1, 3 * i + 2) for i in range(len(CUBE))])
    ),
    "part.obj": b"".join(b"v %g %g %g\n" % tuple(corner) for corner in CORNERS)
    + b"".join(b"f %d %d %d\n" % (3 * i + 1, 3 * i + 2, 3 * i + 3) for i in range(len(CUBE))),
}


@fuzzing(3)
@given(name=st.sampled_from(sorted(SEEDS)), data=st.data())
@example(name="part.3mf", data=None)
def test_ohw_mesh_and_repair_end_with_a_documented_code(tmp_path_factory, name, data):
    """`ohw mesh` and `ohw mesh repair -o` run as a user runs them: 0, 1 or 2,
    no traceback, under the memory limit, the mesh given left as it was."""
    folder = tmp_path_factory.mktemp("mesh")
    raw = INFLATING if data is None else data.draw(mangled(SEEDS[name]))
    (folder / name).write_bytes(raw)
    before = fingerprint(folder)
    assert_no_bug(run_limited("mesh", name, cwd=folder))
    assert_no_bug(run_limited("mesh", "repair", name, "-o", f"repaired-{name}", cwd=folder))
    after = fingerprint(folder)
    assert after[name] == before[name]
    assert set(after) <= {name, f"repaired-{name}"}
