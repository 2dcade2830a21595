"""ohw check --profile: a release checklist, each requirement a finding of its own."""

from __future__ import annotations

import pytest
from support.designs import write_design
from support.run import run_ohw

BARE = (
    "ohw: 1\nname: thing\ntitle: Thing\nlicense:\n  hardware: CC-BY-NC-4.0\n"
    "parts:\n  - id: base\n    export: base.stl\n"
)


def rules(folder, profile):
    done = run_ohw("check", "--profile", profile, "--format", "json", folder)
    return {
        f["id"] for d in __import__("json").loads(done.stdout)["designs"] for f in d["findings"]
    }


def test_each_profile_asks_for_what_its_texts_require(tmp_path):
    design = write_design(tmp_path / "thing", BARE, {"base.stl": b""})
    assert {
        "OHW801",
        "OHW802",
        "OHW804",
        "OHW805",
        "OHW806",
        "OHW807",
        "OHW808",
        "OHW809",
    } <= rules(design, "oshwa")
    okh = rules(design, "okh")
    assert "OHW810" in okh and "OHW801" not in okh
    assert "OHW807" not in rules(design, "din-spec-3105")


def test_without_a_profile_none_of_its_findings_is_reported(tmp_path):
    design = write_design(tmp_path / "thing", BARE, {"base.stl": b""})
    done = run_ohw("check", "--format", "json", design)
    assert "OHW80" not in done.stdout


COMPLETE = """\
ohw: 1
name: thing
title: Thing
description: A thing to hold a spool.
version: 1.0.0
license:
  hardware: CERN-OHL-S-2.0
  documentation: CC-BY-SA-4.0
  software: GPL-3.0-or-later
authors:
  - name: Ada Maker
    email: ada@example.org
readme: README.md
images: [thing.png]
links:
  repository: https://example.org/thing.git
software:
  - title: firmware
    path: firmware/
parts:
  - id: base
    source: base.scad
    export: base.stl
bom: bom.yaml
instructions: instructions/
"""
FILES = {
    "base.scad": "cube(10);\n",
    "base.stl": b"",
    "README.md": "# Thing\n",
    "thing.png": b"",
    "firmware/main.c": "int main(void) { return 0; }\n",
    "bom.yaml": "items:\n  - id: screw\n    name: M3 screw\n    quantity: 4\n",
    "instructions/01.md": "Screw the [base](part:base) down.\n",
}


def test_a_complete_release_meets_every_profile(tmp_path):
    design = write_design(tmp_path / "thing", COMPLETE, FILES)
    for profile in ("oshwa", "okh", "din-spec-3105"):
        assert {r for r in rules(design, profile) if r.startswith("OHW8")} == set(), profile


@pytest.mark.parametrize(
    ("missing", "rule"),
    [
        ("    source: base.scad\n", "OHW801"),
        ("  documentation: CC-BY-SA-4.0\n", "OHW802"),
        ("  software: GPL-3.0-or-later\n", "OHW803"),
        ("bom: bom.yaml\n", "OHW805"),
        ("instructions: instructions/\n", "OHW806"),
        ("images: [thing.png]\n", "OHW807"),
        ("    email: ada@example.org\n", "OHW808"),
    ],
)
def test_each_missing_piece_is_its_own_finding_in_the_profiles_that_ask(tmp_path, missing, rule):
    from ohw.checks.profiles import REQUIREMENTS

    design = write_design(tmp_path / "thing", COMPLETE.replace(missing, ""), FILES)
    for profile in ("oshwa", "okh", "din-spec-3105"):
        found = {r for r in rules(design, profile) if r.startswith("OHW8")}
        expected = {rule} if profile in REQUIREMENTS[rule] else set()
        if profile == "okh":
            found.discard("OHW810")  # what the OKH schema asks of a few keys, apart
        assert found == expected, profile


def test_a_closed_licence_is_no_open_release(tmp_path):
    text = COMPLETE.replace("hardware: CERN-OHL-S-2.0", "hardware: CC-BY-NC-4.0")
    design = write_design(tmp_path / "thing", text, FILES)
    assert "OHW804" in rules(design, "oshwa")
