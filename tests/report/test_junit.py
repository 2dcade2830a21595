"""`ohw check --format junit` (ohw.report.junit), parsed as XML: a test case per
file and check, warnings failing only in strict mode, checks that cannot run skipped."""

from __future__ import annotations

from xml.etree import ElementTree

from support.run import run_check


def test_junit_has_a_case_per_file_and_check(defective, capsys, monkeypatch):
    monkeypatch.chdir(defective)
    code, out = run_check(capsys, "--format", "junit")
    assert code == 1
    root = ElementTree.fromstring(out)
    [suite] = root.findall("testsuite")
    cases = {(c.get("classname"), c.get("name")): c for c in suite.findall("testcase")}
    assert len(cases) == len(suite.findall("testcase"))
    failed = {
        key: case.find("failure").get("type")
        for key, case in cases.items()
        if case.find("failure") is not None
    }
    assert failed == {
        ("defective.instructions", "instructions/01-assemble.md"): "OHW602",
        ("defective.paths", "ohw.yaml"): "OHW201",
        ("defective.files", "parts/notes:old.txt"): "OHW207",
        ("defective.meshes", "parts/open lid.stl"): "OHW302",
    }
    for passed in [
        ("defective.meshes", "parts/base.stl"),
        ("defective.schema", "ohw.yaml"),
        ("defective.schema", "bom.yaml"),
        ("defective.bom", "bom.yaml"),
        ("defective.licenses", "ohw.yaml"),
        ("defective.instructions", "instructions/02-finish.md"),
    ]:
        assert list(cases[passed]) == [], passed
    # A warning does not fail its case; it is in the case's output.
    assert "OHW309 warning" in cases["defective.meshes", "parts/clip.stl"].find("system-out").text
    assert suite.get("tests") == str(len(cases))
    assert suite.get("failures") == root.get("failures") == "4"


def test_junit_fails_warnings_in_strict_mode_and_skips_what_cannot_run(tmp_path, capsys):
    folder = tmp_path / "typo"
    folder.mkdir()
    (folder / "ohw.yaml").write_text("ohw: 1\nname: typo\nlicence: {hardware: MIT}\n")
    code, out = run_check(capsys, "--format", "junit", "--strict", folder)
    assert code == 1
    suite = ElementTree.fromstring(out).find("testsuite")
    skipped = [c.get("name") for c in suite.findall("testcase") if c.find("skipped") is not None]
    assert "meshes" in skipped and "parts" in skipped
    assert suite.get("skipped") == str(len(skipped))
