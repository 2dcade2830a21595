"""ohw check --profile: a release checklist, each requirement a finding of its own."""

from __future__ import annotations

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
