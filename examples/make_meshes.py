"""Generate the STL meshes of the example designs in this folder.

Run from the repository root:

    pip install ".[examples]"
    python examples/make_meshes.py

Each part is built from trimesh primitives and booleans (manifold3d computes the
booleans), checked to be a closed, consistently wound solid with a positive
volume, and written as binary STL, in millimetres, into the parts/ folder of its
design. The output is the same on every run, so regenerating shows no git diff.
"""

from __future__ import annotations

import io
import math
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import trimesh

from ohw.mesh.stl import stl_bytes as binary_stl

EXAMPLES = Path(__file__).resolve().parent
# Facets around a full circle: round enough to print well, small enough to commit.
SECTIONS = 64
MAX_FACETS = 30_000

Vec = tuple[float, float, float]

# Hole sizes for printed parts: a little larger than nominal, as FDM holes print small.
M3_CLEARANCE = 3.4
M3_NUT_ACROSS_FLATS = 5.7
M8_CLEARANCE = 8.4
M8_HEAD_ACROSS_FLATS = 13.3
BEARING_608_DIAMETER = 22.15
BEARING_608_WIDTH = 7.0


class MeshError(Exception):
    """A generated mesh is not a printable solid."""


# Primitives -----------------------------------------------------------------


def block(low: Vec, high: Vec) -> trimesh.Trimesh:
    """An axis-aligned box from corner ``low`` to corner ``high``."""
    lo, hi = np.array(low), np.array(high)
    return trimesh.creation.box(extents=hi - lo, transform=translation(tuple((lo + hi) / 2)))


def cylinder(
    radius: float, length: float, at: Vec, axis: str = "z", sections: int = SECTIONS
) -> trimesh.Trimesh:
    """A cylinder (or, with few sections, a prism) centred on ``at`` along x, y or z."""
    mesh = trimesh.creation.cylinder(radius=radius, height=length, sections=sections)
    if axis == "x":
        mesh.apply_transform(trimesh.transformations.rotation_matrix(math.pi / 2, [0, 1, 0]))
    elif axis == "y":
        mesh.apply_transform(trimesh.transformations.rotation_matrix(math.pi / 2, [1, 0, 0]))
    mesh.apply_translation(at)
    return mesh


def hexagon(across_flats: float, length: float, at: Vec, axis: str = "z") -> trimesh.Trimesh:
    """A hexagonal prism, the pocket that keeps a nut or a bolt head from turning."""
    return cylinder(across_flats / math.sqrt(3), length, at, axis, sections=6)


def turned(profile: list[tuple[float, float]], sections: int = SECTIONS) -> trimesh.Trimesh:
    """A solid of revolution about z from a closed (radius, z) outline, counter-clockwise."""
    return trimesh.creation.revolve(np.array([*profile, profile[0]]), sections=sections)


def side_plate(outline: list[tuple[float, float]], thickness: float) -> trimesh.Trimesh:
    """A convex (y, z) outline extruded along x, centred on x = 0 (ribs and gussets)."""
    fan = [[0, i, i + 1] for i in range(1, len(outline) - 1)]
    mesh = trimesh.creation.extrude_triangulation(np.array(outline), np.array(fan), thickness)
    # Extruded along z from the (x, y) plane; turn it so that x, y, z become y, z, x.
    turn = np.array([[0, 0, 1, -thickness / 2], [1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1]])
    mesh.apply_transform(turn)
    return mesh


def countersunk_hole(shank: float, head: float, top: Vec) -> trimesh.Trimesh:
    """A through hole for a 90 degree countersunk screw, its head flush with ``top``."""
    # One solid of revolution: a separate cone and cylinder would meet in slivers.
    # It reaches 0.4 mm above the surface and 20 mm below, so the cut leaves no skin.
    r, h = shank / 2, head / 2 + 0.4
    hole = turned([(0, -20), (r, -20), (r, 0.4 - (h - r)), (h, 0.4), (0, 0.4)], sections=32)
    hole.apply_translation(top)
    return hole


def rounded_plate(width: float, length: float, thickness: float, radius: float) -> trimesh.Trimesh:
    """A plate on z = 0, centred on the origin, with rounded corners."""
    x, y = width / 2, length / 2
    pieces = [
        block((-x + radius, -y, 0), (x - radius, y, thickness)),
        block((-x, -y + radius, 0), (x, y - radius, thickness)),
    ]
    pieces += [
        cylinder(radius, thickness, (sx * (x - radius), sy * (y - radius), thickness / 2))
        for sx in (-1, 1)
        for sy in (-1, 1)
    ]
    return union(pieces)


def translation(offset: Vec) -> np.ndarray:
    return trimesh.transformations.translation_matrix(offset)


def union(meshes: list[trimesh.Trimesh]) -> trimesh.Trimesh:
    return trimesh.boolean.union(meshes, engine="manifold")


def difference(body: trimesh.Trimesh, cutters: list[trimesh.Trimesh]) -> trimesh.Trimesh:
    return trimesh.boolean.difference([body, *cutters], engine="manifold")


# desk-lamp ------------------------------------------------------------------


def lamp_lug(y_centre: float, z_low: float, z_pivot: float) -> list[trimesh.Trimesh]:
    """An 8 mm lug rising to a pivot on the x axis, for the two arms to clamp."""
    return [
        block((-4, y_centre - 12, z_low), (4, y_centre + 12, z_pivot)),
        cylinder(12, 8, (0, y_centre, z_pivot), axis="x"),
    ]


def desk_lamp_base() -> trimesh.Trimesh:
    """Round foot, 110 mm across, with the lug that carries the lower ends of the arms."""
    disc = turned([(0, 0), (55, 0), (55, 10), (51, 14), (0, 14)], sections=96)
    body = union([disc, *lamp_lug(y_centre=25, z_low=10, z_pivot=46)])
    feet = [
        cylinder(5.25, 2, (40 * math.cos(a), 40 * math.sin(a), 0))
        for a in (math.pi / 4 + k * math.pi / 2 for k in range(4))
    ]
    return difference(
        body,
        [
            cylinder(M3_CLEARANCE / 2, 10, (0, 25, 46), axis="x", sections=32),
            cylinder(3.5, 32, (0, 2, 7), sections=32),  # the USB cable comes up here
            block((-3.5, 2, -1), (3.5, 56, 4)),  # ...along this groove under the foot
            *feet,
        ],
    )


def desk_lamp_arm() -> trimesh.Trimesh:
    """Flat link, 160 mm between pivots; the cable runs in its slot."""
    body = union(
        [
            block((-80, -8, 0), (80, 8, 6)),
            cylinder(8, 6, (-80, 0, 3)),
            cylinder(8, 6, (80, 0, 3)),
        ]
    )
    slot = union(
        [
            block((-55, -2.75, -1), (55, 2.75, 7)),
            cylinder(2.75, 8, (-55, 0, 3), sections=32),
            cylinder(2.75, 8, (55, 0, 3), sections=32),
        ]
    )
    holes = [cylinder(M3_CLEARANCE / 2, 8, (x, 0, 3), sections=32) for x in (-80, 80)]
    return difference(body, [slot, *holes])


def shade(length: float, width: float, height: float, diffuser: bool) -> trimesh.Trimesh:
    """An LED channel printed open side up, with a lug on one end for the arms."""
    x, y, wall = length / 2, width / 2, 3.0
    body = union(
        [
            block((-x, -y, 0), (x, y, height)),
            block((-x - 10, -4, 0), (-x + 1, 4, height)),
            cylinder(height / 2, 8, (-x - 10, 0, height / 2), axis="y"),
        ]
    )
    cutters = [
        block((-x + wall, -y + wall, wall), (x - wall, y - wall, height + 1)),
        cylinder(M3_CLEARANCE / 2, 10, (-x - 10, 0, height / 2), axis="y", sections=32),
        cylinder(2.5, 2 * wall, (-x + wall / 2, y - wall - 3, height / 2), axis="x", sections=32),
    ]
    if diffuser:
        # Grooves 1.2 mm wide hold a 1 mm opal diffuser, slid in through the far end wall.
        cutters.append(
            block((-x + wall, -y + wall - 1, height - 3.2), (x + 1, y - wall + 1, height - 2))
        )
    return difference(body, cutters)


def desk_lamp_head() -> trimesh.Trimesh:
    """Shade for two 150 mm lengths of 10 mm LED strip side by side."""
    return shade(length=164, width=34, height=20, diffuser=False)


def desk_lamp_knob() -> trimesh.Trimesh:
    """Thumb knob with a captive M3 nut; it tightens the arms on a pivot."""
    body = turned([(0, 0), (12, 0), (12, 8), (10, 10), (0, 10)])
    grips = [
        cylinder(2.2, 12, (12.8 * math.cos(a), 12.8 * math.sin(a), 5), sections=24)
        for a in (k * 2 * math.pi / 10 for k in range(10))
    ]
    return difference(
        body,
        [
            *grips,
            cylinder(M3_CLEARANCE / 2, 12, (0, 0, 5), sections=32),
            hexagon(M3_NUT_ACROSS_FLATS, 5.6, (0, 0, 0)),  # 2.8 mm deep from the face
        ],
    )


# spool-holder ---------------------------------------------------------------


def spool_holder_bracket() -> trimesh.Trimesh:
    """Wall plate with the boss for the M8 axle bolt; the wall side lies on the bed."""
    boss_y = 15.0
    body = union(
        [
            rounded_plate(50, 110, 6, radius=6),
            cylinder(14, 40, (0, boss_y, 20)),
            side_plate([(-30, 5), (boss_y - 5, 5), (boss_y - 5, 38)], thickness=6),
        ]
    )
    return difference(
        body,
        [
            cylinder(M8_CLEARANCE / 2, 50, (0, boss_y, 20), sections=32),
            hexagon(M8_HEAD_ACROSS_FLATS, 11, (0, boss_y, 0)),  # bolt head, 5.5 mm deep
            *(countersunk_hole(4.5, 9.2, (0, y, 6)) for y in (-40, 44)),
        ],
    )


def spool_holder_axle() -> trimesh.Trimesh:
    """Sleeve on the M8 bolt between the inner races of the two bearings."""
    return trimesh.creation.annulus(r_min=M8_CLEARANCE / 2, r_max=6, height=64, sections=48)


def spool_holder_hub() -> trimesh.Trimesh:
    """Cone that centres the spool; a 608 bearing sits in the flange side."""
    pocket, bore = BEARING_608_DIAMETER / 2, 7.75
    depth = BEARING_608_WIDTH + 0.2
    outline = [(pocket, 0.0), (35, 0), (35, 3), (31, 3), (22, 25)]  # flange, then the cone
    outline += [(bore, 25), (bore, depth), (pocket, depth)]  # bore, then the bearing seat
    body = turned(outline)
    # Blind pockets from the flange side save plastic and print time.
    pockets = [
        cylinder(4.5, 30, (19 * math.cos(a), 19 * math.sin(a), 0), sections=32)
        for a in (k * 2 * math.pi / 6 for k in range(6))
    ]
    return difference(body, pockets)


# spool-lamp -----------------------------------------------------------------


def spool_lamp_clamp() -> trimesh.Trimesh:
    """Split ring that clamps the spool holder's 28 mm boss and holds the riser bolt."""
    body = union(
        [
            cylinder(20, 12, (0, 0, 6)),
            block((-8, -30, 0), (8, -14, 12)),  # clamp ears
            block((-12, 14, 0), (12, 40, 22)),  # riser socket
        ]
    )
    return difference(
        body,
        [
            cylinder(14.2, 14, (0, 0, 6), sections=96),
            block((-1.5, -31, -1), (1.5, -12, 13)),
            cylinder(M3_CLEARANCE / 2, 20, (0, -24, 6), axis="x", sections=32),
            hexagon(M3_NUT_ACROSS_FLATS, 6, (8, -24, 6), axis="x"),
            cylinder(M8_CLEARANCE / 2, 20, (0, 32, 11), axis="y", sections=32),
            # Slot the bolt head drops into from above, so that it cannot turn.
            block((-M8_HEAD_ACROSS_FLATS / 2, 24, 3), (M8_HEAD_ACROSS_FLATS / 2, 30, 23)),
        ],
    )


def spool_lamp_yoke() -> trimesh.Trimesh:
    """Sits on top of the riser, with a recess for the M8 nut and the lug for the arms."""
    body = union(
        [
            block((-12, -12, 0), (12, 31, 12)),
            block((-4, 11, 11), (4, 31, 40)),
            cylinder(10, 8, (0, 21, 40), axis="x"),
        ]
    )
    return difference(
        body,
        [
            cylinder(M8_CLEARANCE / 2, 30, (0, 0, 6), sections=32),
            # Round, not hexagonal: the bolt head is held in the clamp, so the nut must turn.
            cylinder(9.5, 13, (0, 0, 12)),
            cylinder(M3_CLEARANCE / 2, 10, (0, 21, 40), axis="x", sections=32),
        ],
    )


def spool_lamp_head() -> trimesh.Trimesh:
    """Shorter shade for one 100 mm length of LED strip, behind an opal diffuser."""
    return shade(length=112, width=26, height=18, diffuser=True)


# Writing ----------------------------------------------------------------------

MESHES: dict[str, Callable[[], trimesh.Trimesh]] = {
    "desk-lamp/parts/base.stl": desk_lamp_base,
    "desk-lamp/parts/arm.stl": desk_lamp_arm,
    "desk-lamp/parts/head.stl": desk_lamp_head,
    "desk-lamp/parts/knob.stl": desk_lamp_knob,
    "spool-holder/parts/bracket.stl": spool_holder_bracket,
    "spool-holder/parts/axle.stl": spool_holder_axle,
    "spool-holder/parts/hub.stl": spool_holder_hub,
    "spool-lamp/parts/clamp.stl": spool_lamp_clamp,
    "spool-lamp/parts/yoke.stl": spool_lamp_yoke,
    "spool-lamp/parts/head.stl": spool_lamp_head,
}

# A remix carries byte-for-byte copies of the files it takes from its sources.
COPIES: dict[str, str] = {
    "spool-lamp/parts/desk-lamp/arm.stl": "desk-lamp/parts/arm.stl",
    "spool-lamp/parts/spool-holder/axle.stl": "spool-holder/parts/axle.stl",
    # A broken example: the current knob, and an old one that no part names any more.
    "broken/unreferenced-mesh/parts/knob.stl": "desk-lamp/parts/knob.stl",
    "broken/unreferenced-mesh/parts/old/knob-v1.stl": "desk-lamp/parts/knob.stl",
}


# Broken meshes, for examples/broken/: one defect each, written byte by byte.


def stl(corners: np.ndarray, normals: np.ndarray | None = None) -> bytes:
    """Binary STL of facets ``corners`` (n, 3, 3), with ``normals`` as given or
    worked out from the winding."""
    return binary_stl(corners, b"ohw broken example", normals)


def cube(size: float = 20.0, at: Vec = (0, 0, 0)) -> np.ndarray:
    """The facets of a closed cube, wound outwards."""
    box = trimesh.creation.box(extents=(size, size, size))
    box.apply_translation(np.array(at) + size / 2)
    return np.asarray(box.triangles, dtype=np.float32)


def split_edge(facets: np.ndarray) -> np.ndarray:
    """A cube with a needle facet of no area on a split edge: still closed."""
    first = facets[0]
    a, b, c = first
    middle = (a + b) / 2
    # The facet across a-b keeps its edge b-a; the needle (a, b, middle) pairs it.
    return np.array([*facets[1:], [a, middle, c], [middle, b, c], [a, b, middle]])


BROKEN: dict[str, Callable[[], bytes]] = {
    "mesh-unreadable/parts/knob.stl": lambda: stl(cube())[:-20],
    "mesh-hole/parts/knob.stl": lambda: stl(cube()[1:]),
    "mesh-nonmanifold/parts/knob.stl": lambda: stl(np.concatenate([cube(), cube(at=(20, 20, 0))])),
    "mesh-misoriented/parts/knob.stl": lambda: stl(
        np.concatenate([cube()[:-1], cube()[-1:, ::-1]])
    ),
    "mesh-inside-out/parts/knob.stl": lambda: stl(cube()[:, ::-1]),
    "mesh-degenerate/parts/knob.stl": lambda: stl(split_edge(cube())),
    "mesh-flipped-normals/parts/knob.stl": lambda: stl(
        cube(), -np.cross(cube()[:, 1] - cube()[:, 0], cube()[:, 2] - cube()[:, 0]) / 400
    ),
    "mesh-in-metres/parts/knob.stl": lambda: stl(cube(size=0.02)),
}


def on_bed(mesh: trimesh.Trimesh) -> trimesh.Trimesh:
    """The mesh moved to stand on z = 0, centred over the origin, as a slicer places it."""
    low, high = mesh.bounds
    mesh.apply_translation((-(low[0] + high[0]) / 2, -(low[1] + high[1]) / 2, -low[2]))
    return mesh


def problems(mesh: trimesh.Trimesh) -> list[str]:
    """Why ``mesh`` is not a printable solid; empty if it is one."""
    found = []
    if not mesh.is_watertight:
        found.append("it is not watertight")
    if not mesh.is_winding_consistent:
        found.append("its faces are not wound consistently")
    if not mesh.volume > 0:
        found.append(f"its volume is {mesh.volume:.3f} mm^3, not positive")
    if len(mesh.faces) >= MAX_FACETS:
        found.append(f"it has {len(mesh.faces)} facets, {MAX_FACETS} or more")
    return found


def stl_bytes(name: str, mesh: trimesh.Trimesh) -> bytes:
    """Binary STL of ``mesh``, after checking both the mesh and the STL read back."""
    found = problems(mesh)
    data = mesh.export(file_type="stl")
    # STL stores float32 corners, which can merge or split vertices: check what is written.
    reread = trimesh.load_mesh(io.BytesIO(data), file_type="stl")
    found += [f"{problem} once written as STL" for problem in problems(reread)]
    if found:
        raise MeshError(f"{name}: " + "; ".join(found))
    return data


def describe(name: str, mesh: trimesh.Trimesh) -> str:
    size = " x ".join(f"{extent:.1f}" for extent in mesh.extents)
    return f"{name}: {len(mesh.faces)} facets, {size} mm, {mesh.volume / 1000:.1f} cm^3"


def main() -> int:
    written: dict[str, bytes] = {}
    for name, build in MESHES.items():
        mesh = on_bed(build())
        try:
            written[name] = stl_bytes(name, mesh)
        except MeshError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        print(describe(name, mesh))
    for name, original in COPIES.items():
        written[name] = written[original]
        print(f"{name}: copy of {original}")
    for name, make in BROKEN.items():
        written[f"broken/{name}"] = make()
        print(f"broken/{name}: {len(written[f'broken/{name}']):,} bytes")
    for name, data in written.items():
        path = EXAMPLES / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
