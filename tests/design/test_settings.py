"""A design's policy for CI: --strict, and the settings of .ohw.yaml
(ohw.design.settings) that turn findings off, change their severity and ignore
paths, each mistake in them a finding with its line and column."""

from __future__ import annotations

import json
from xml.etree import ElementTree

import pytest
from support.designs import DEFECTS, defective_design
from support.meshes import binary_stl, box_facets
from support.run import json_findings, run_check, run_ohw


def test_strict_fails_on_warnings(tmp_path, capsys):
    design = defective_design(tmp_path / "d")
    for path in ("parts/notes:old.txt", "instructions/01-assemble.md"):
        (design / path).unlink()
    for path in ("parts/knob.stl", "parts/open lid.stl"):
        (design / path).write_bytes(binary_stl(box_facets()))
    code, found = json_findings(capsys, design)
    assert {rule for rule, *_ in found} == {"OHW208", "OHW309"}
    assert code == 0
    assert json_findings(capsys, "--strict", design)[0] == 1
    (design / ".ohw.yaml").write_text("check:\n  strict: true\n")
    assert json_findings(capsys, design)[0] == 1
    code, out = run_check(capsys, design)
    assert out.splitlines()[-1].startswith("✘ defective: 0 errors, 2 warnings, strict")


def test_settings_turn_findings_off_change_severity_and_ignore_paths(defective, capsys):
    (defective / ".ohw.yaml").write_text(
        "check:\n"
        "  findings:\n"
        "    OHW201: warning\n"
        "    OHW208: off\n"
        "    OHW309: error\n"
        "  ignore:\n"
        "    - '*.txt'\n"
        "    - instructions/\n"
    )
    code, found = json_findings(capsys, defective)
    assert code == 1
    assert found == [
        ("OHW201", "ohw.yaml", 12, "warning"),
        ("OHW309", "parts/clip.stl", None, "error"),
        ("OHW302", "parts/open lid.stl", None, "error"),
    ]


def test_an_ignored_mesh_is_not_analysed(defective, capsys):
    (defective / ".ohw.yaml").write_text("check:\n  ignore: ['parts/open lid.stl']\n")
    code, out = run_check(capsys, "--format", "junit", defective)
    assert code == 1
    names = {c.get("name") for c in ElementTree.fromstring(out).iter("testcase")}
    assert not any(name.endswith("open lid.stl") for name in names)


def test_only_the_meshes_of_parts_the_settings_keep_are_analysed(defective, tmp_path, capsys):
    """The meshes are analysed before the manifest is validated, beside the
    rest of the check: still only those a part names and the settings keep."""
    (defective / ".ohw.yaml").write_text("check:\n  ignore: ['parts/open lid.stl']\n")
    (defective / "parts" / "spare.stl").write_bytes(binary_stl(box_facets()[:-1]))
    cache = tmp_path / "cache"
    code, out = run_check(capsys, "--format", "json", "--cache-dir", cache, defective)
    assert code == 1  # the missing knob.stl
    analysed = sorted(p.name for p in (cache / "mesh").rglob("*.json"))
    kept = {"parts/base.stl", "parts/clip.stl"}  # knob.stl is missing (OHW201)
    assert len(analysed) == len(kept)
    meshes = {
        f["file"] for d in json.loads(out)["designs"] for f in d["findings"] if f["id"][3] == "3"
    }
    assert meshes == {"parts/clip.stl"}  # its ASCII STL warning (OHW309)


@pytest.mark.parametrize(
    ("settings", "rule", "line", "column", "words"),
    [
        ("check:\n  strikt: true\n", "OHW113", 2, 3, "did you mean 'strict'"),
        ("check:\n  findings:\n    OHW205: maybe\n", "OHW113", 3, 13, "must be one of"),
        ("check:\n  findings:\n    OHW999: off\n", "OHW113", 3, 5, "not a finding id"),
        ("check:\n  ignore: [a\n", "OHW101", 3, 1, ""),
        ("check:\n  strict: true\ncheck: {}\n", "OHW102", 3, 1, ""),
        ("check:\n  max-file-size-mib: 0\n", "OHW113", 2, 22, "greater than 0"),
    ],
)
def test_errors_in_the_settings_are_findings_with_line_and_column(
    defective, capsys, settings, rule, line, column, words
):
    (defective / ".ohw.yaml").write_text(settings)
    code, out = run_check(capsys, "--format", "json", defective)
    assert code == 1
    findings = json.loads(out)["designs"][0]["findings"]
    [found] = [f for f in findings if f["file"] == ".ohw.yaml"]
    assert (found["id"], found["line"], found["column"]) == (rule, line, column)
    assert words in found["message"] + " " + found["hint"]
    # A broken settings file is not used: no finding is turned off by half of it.
    assert len(findings) == len(DEFECTS) + 1


def test_the_settings_schema_is_listed_and_describes_the_file():
    done = run_ohw("schema", "settings")
    assert done.returncode == 0
    assert set(json.loads(done.stdout)["properties"]["check"]["properties"]) == {
        "strict",
        "findings",
        "ignore",
        "max-file-size-mib",
    }
