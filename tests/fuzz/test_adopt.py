"""`ohw adopt` (ohw.adopt.adopting.adopt) on random folder layouts: folders and
file names of every kind (variants, alternatives, counts, plates, sources,
licences, BOMs, names with blanks, brackets, dots, accents written two ways),
files that hold what their names say or garbage, and now and then an ohw.yaml
already there. It proposes a valid manifest or refuses with a message, never
its own invalid one ("report it"); --dry-run changes no file; a run writes
only ohw.yaml; a second run finds nothing new; and ohw adopt then ohw check
end with a documented exit code, no traceback, within the memory limit."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from support.designs import write_files
from support.fuzz import assert_no_bug, fingerprint, fuzzing, run_limited
from support.meshes import ascii_stl, box_facets

from ohw.adopt.adopting import adopt
from ohw.design.reader import parse_file
from ohw.errors import OhwError

CUBE = ascii_stl(box_facets()).encode()
FOLDERS = [
    "STLs", "stl", "CAD", "parts", "Frame", "Hotend Mounts", "old", "archive", "v1", "v2",
    "left", "right", "docs", "images", "src", "Standard", "Mini", "plates", "[a] accents",
    "café", "cafe\u0301", "a b", ".hidden", "..x", "x.", "node_modules", "build", "OpenSCAD",
    "ÄÖÜ", "日本", "-dash", "#1", "a" * 60,
]  # fmt: skip
STEMS = [
    "corner_x4", "foot_x2", "Dragon", "Revo", "[a]_corner_x2", "base", "base_v1", "base v2",
    "base_v10", "lid", "lid (1)", "Lid", "LID", "café", "cafe\u0301", "part.1", "-dash",
    "#hash", "x" * 120, "plate_1", "plate_2", "left", "right", "README", "LICENSE", "COPYING",
    "LICENSE-CERN-OHL-S", "bom", "BOM", "parts list", "1-click-bom", "ohw", "a\tb", "0", "..",
    "spool holder", "Bracket-Left", "Bracket-Right", "x_x0", "knob_x999999999999",
]  # fmt: skip
EXTENSIONS = [
    ".stl", ".STL", ".3mf", ".obj", ".step", ".stp", ".scad", ".FCStd", ".f3d", ".png", ".jpg",
    ".md", ".csv", ".tsv", ".txt", ".pdf", ".yaml", ".xlsx", "", ".stl.bak", ".gcode",
]  # fmt: skip
README_PIECES = [
    "# Tiny printer\n", "A small printer for a desk.\n", "## License\n", "MIT\n",
    "Licensed under CERN-OHL-S-2.0.\n", "GPL-3.0-or-later\n", "## Print settings\n",
    "Print the Dragon or the Revo mount.\n", "![photo](images/photo.jpg)\n", "![x](../../etc)\n",
    "| qty | item |\n|---|---|\n| 4 | M3 nut |\n", "- 2x M3 screw\n", "\x1b[2J", "\x00",
    "<img src=\"/abs.png\">\n", "SPDX-License-Identifier: MIT OR Apache-2.0\n", "\r", "\n\n",
]  # fmt: skip
LICENCES = [
    b"MIT License\n\nPermission is hereby granted, free of charge, to any person obtaining a copy",
    b"GNU GENERAL PUBLIC LICENSE\nVersion 3, 29 June 2007\n",
    b"CERN Open Hardware Licence Version 2 - Strongly Reciprocal\n",
    b"SPDX-License-Identifier: CC-BY-SA-4.0\n",
    b"all rights reserved\n",
    b"\xff\xfe\x00garbage",
]
BOMS = [
    b"id,name,quantity\nm3x8,M3x8 screw,12\n",
    b"| qty | item |\n|---|---|\n| 4 | M3 nut |\n",
    b"References\tQty\tDescription\nC1,C2\t2\t100n\n",
    b"Qty,Name\nmany,screws\n",
    b'\xef\xbb\xbf"unterminated,\n',
]
MANIFESTS = [
    b"ohw: 1\nname: printer\ntitle: A printer\nlicense:\n  hardware: MIT\n",
    b"# kept\nohw: 1\nname: printer\ntitle: A printer  # mine\nlicense: {hardware: MIT}\n"
    b"parts:\n  - id: lid\n    source: lid.scad\n",
    b"ohw: 1\nname: [\n",
    b"- a list\n",
    b"ohw: 1\nname: p\ntitle: t\nlicense:\n  hardware: MIT\nparts: 5\n",
    b"\xff\xfe",
    b"\xef\xbb\xbfohw: 1\nname: printer\n",  # UTF-8 with a byte-order mark
]


def content(draw: st.DrawFn, name: str) -> bytes:
    """What a file of that name holds: what its name says, or garbage."""
    lower = name.lower()
    if draw(st.integers(0, 7)) == 0:
        return draw(st.binary(max_size=64))
    if lower.endswith(".stl"):
        return CUBE
    if lower.startswith(("license", "copying")):
        return draw(st.sampled_from(LICENCES))
    if lower.startswith("readme"):
        return "".join(draw(st.lists(st.sampled_from(README_PIECES), max_size=10))).encode()
    if lower.endswith((".csv", ".tsv")) or "bom" in lower or "parts list" in lower:
        return draw(st.sampled_from(BOMS))
    if lower.endswith(".scad"):
        return b"cube(10);\n"
    return b"x"


@st.composite
def layouts(draw: st.DrawFn) -> dict[str, bytes]:
    """A repository's files: path (in folders up to three deep) to bytes."""
    files: dict[str, bytes] = {}
    for _ in range(draw(st.integers(0, 14))):
        folders = draw(st.lists(st.sampled_from(FOLDERS), max_size=3))
        name = draw(st.sampled_from(STEMS)) + draw(st.sampled_from(EXTENSIONS))
        if name in ("..", ".") or len(name.encode()) > 255:
            continue
        path = "/".join([*folders, name])
        if any(path.startswith(other + "/") or other.startswith(path + "/") for other in files):
            continue  # a file and a folder of one name
        files[path] = content(draw, name)
    if draw(st.booleans()):
        files["README.md"] = content(draw, "README.md")
    if draw(st.integers(0, 4)) == 0:
        files["ohw.yaml"] = draw(st.sampled_from(MANIFESTS))
    return files


def adopted_or_refused(folder: Path, *, dry_run: bool):
    try:
        return adopt(folder, dry_run=dry_run)
    except OhwError as error:
        assert "report it" not in (error.hint or ""), error  # adopt's own invalid manifest
        assert str(error).strip()
        return None


@fuzzing(60)
@given(layouts())
def test_adopt_proposes_a_valid_manifest_writes_only_it_and_once(files):
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary) / "design"
        folder.mkdir()
        write_files(folder, files)
        before = fingerprint(folder)
        proposed = adopted_or_refused(folder, dry_run=True)
        assert fingerprint(folder) == before  # --dry-run changes nothing
        if proposed is None:
            return
        assert parse_file("ohw.yaml", "manifest", proposed.text.encode()).valid
        done = adopt(folder, dry_run=False)
        assert done.text == proposed.text
        after = fingerprint(folder)
        assert {p: h for p, h in after.items() if p != "ohw.yaml"} == {
            p: h for p, h in before.items() if p != "ohw.yaml"
        }  # only ohw.yaml is written
        assert (folder / "ohw.yaml").read_text(encoding="utf-8") == done.text
        again = adopt(folder, dry_run=False)  # nothing new the second time
        assert again.text == done.text and again.added == [], again.added
        assert fingerprint(folder) == after


@fuzzing(4)
@given(layouts())
def test_ohw_adopt_then_check_end_with_a_documented_code(tmp_path_factory, files):
    folder = tmp_path_factory.mktemp("adopt") / "design"
    folder.mkdir()
    write_files(folder, files)
    assert_no_bug(run_limited("adopt", cwd=folder), (0, 1, 2))
    assert_no_bug(run_limited("check", cwd=folder))
