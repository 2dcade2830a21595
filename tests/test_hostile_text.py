"""Text from a design never acts on the terminal that shows it: control
characters, escape sequences and direction marks in file names, titles, BOM
items and authors are shown escaped by every command that prints them, and no
name can forge a line of a report (nor, under GitHub Actions, a workflow
command). Structured formats carry them encoded."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from support.designs import init_and_commit, write_files
from support.meshes import cube_stl
from support.run import run_ohw

# What a terminal acts on: C0 (but the line breaks ohw writes), DEL, C1, and the
# marks that turn text's direction.
ACTING = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
NAMES = [
    "evil\x1b[2J\x1b]0;owned\x07.stl",  # clear the screen, set the window title
    "forged\nparts/ok.stl:1:1 OHW999 error: forged.stl",  # a line of its own
    "::error file=x::forged.stl",  # a workflow command, were it a line's start
    "rtl\u202eltr.stl",  # reads backwards
    "tab\there.stl",
]
TITLE = "Lamp \x1b[31mRED\x1b[0m \u202etitle"
BOM = (
    "items:\n"
    "  - id: screw\n"
    '    name: "M3 \\e]0;pwned\\a screw"\n'
    "    quantity: 4\n"
    '    suppliers: [{name: "Shop\\e[1m", part-number: "x\\ny", currency: EUR, unit-price: 1}]\n'
)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile") / "design"
    parts = "".join(
        f"  - id: p{n}\n    export: {json.dumps('parts/' + name)}\n"
        f"    material: PLA\n    process: 3d-printing\n"
        for n, name in enumerate(NAMES)
    )
    manifest = (
        f"ohw: 1\nname: lamp\ntitle: {json.dumps(TITLE)}\n"
        "license:\n  hardware: CERN-OHL-S-2.0\n"
        'authors: [{name: "Ada\\e[8m Maker"}]\n'
        f"bom: bom.yaml\nparts:\n{parts}"
    )
    files: dict[str, str | bytes] = {"ohw.yaml": manifest, "bom.yaml": BOM}
    files |= {f"parts/{name}": cube_stl() for name in NAMES}
    files["parts/unnamed\x1b[H.stl"] = cube_stl()  # a mesh no part names: a warning
    write_files(folder, files)
    return init_and_commit(folder, "hostile")


def assert_inert(text: str) -> None:
    assert not ACTING.search(text), repr(ACTING.findall(text))


@pytest.mark.parametrize(
    "command",
    [
        ["check"],
        ["check", "--format", "github"],
        ["bom"],
        ["bom", "--format", "md"],
        ["mesh", *(f"parts/{name}" for name in NAMES)],
        ["diff", "HEAD~0"],
        ["log"],
        ["credits"],
        ["lineage"],
    ],
    ids=lambda c: " ".join(c[:3]),
)
def test_every_text_output_shows_control_characters_escaped(hostile, command):
    done = run_ohw(*command, cwd=hostile)
    assert "internal error" not in done.stderr
    assert_inert(done.stdout)
    assert_inert(done.stderr)


def test_a_file_name_cannot_forge_a_finding_line(hostile):
    done = run_ohw("check", cwd=hostile)
    assert not any(line.startswith("parts/ok.stl") for line in done.stdout.splitlines())
    assert "OHW999" not in done.stdout.replace("\\n", "").split("forged")[0]
    assert "forged\\nparts/ok.stl:1:1 OHW999" in done.stdout  # shown, escaped, in its own line


def test_no_line_of_the_github_format_is_a_command_it_did_not_mean(hostile):
    done = run_ohw("check", "--format", "github", cwd=hostile)
    commands = [line for line in done.stdout.splitlines() if line.startswith("::")]
    assert commands  # the findings themselves
    for line in commands:
        assert re.match(r"::(error|warning|notice) file=", line), line
        assert "::error file=x::" not in line.split("::", 2)[1]


def test_structured_formats_carry_the_names_encoded(hostile):
    done = run_ohw("check", "--format", "json", cwd=hostile)
    files = {f["file"] for d in json.loads(done.stdout)["designs"] for f in d["findings"]}
    assert "parts/unnamed\x1b[H.stl" in files
    assert_inert(done.stdout)  # JSON escapes them: \u001b
    junit = run_ohw("check", "--format", "junit", cwd=hostile).stdout
    assert "\x1b" not in junit  # XML 1.0 cannot hold it even escaped: written as text
    assert "parts/rtl\u202eltr.stl" in junit  # a character XML holds, as it is


def test_catalog_search_shows_a_hostile_design_escaped(hostile, tmp_path):
    catalog = tmp_path / "catalog"
    added = run_ohw("catalog", "--catalog", catalog, "add", hostile)
    assert added.returncode == 0, added.stderr
    assert run_ohw("catalog", "--catalog", catalog, "sync").returncode == 0
    for command in (["search", "lamp"], ["list"], ["show", "lamp"]):
        done = run_ohw("catalog", "--catalog", catalog, *command)
        assert done.returncode == 0, done.stderr
        assert "\\x1b[31m" in done.stdout
        assert_inert(done.stdout)
