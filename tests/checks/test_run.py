"""`ohw check` on real designs: the examples, the broken examples, and designs
made here in real git repositories."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from support import EXAMPLES
from support.designs import init_and_commit, write_design
from support.meshes import cube_stl
from support.run import git, run_check, run_ohw

from ohw.checks.context import CheckOptions
from ohw.checks.run import check_design
from ohw.cli.main import main
from ohw.design.reader import open_design
from ohw.design.schemas import load_schema

BROKEN = sorted(p for p in (EXAMPLES / "broken").iterdir() if p.is_dir())
GOOD = sorted(p for p in EXAMPLES.iterdir() if p.is_dir() and (p / "ohw.yaml").is_file())
CUBE = cube_stl()
EXPECTED = re.compile(r"Expected finding: `(OHW\d{3})` at `([^`:]+)(?::(\d+):(\d+))?`")


def check_json(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, dict]:
    code, out = run_check(capsys, "--format", "json", *args)
    output = json.loads(out)
    jsonschema.Draft202012Validator(load_schema("check-output")).validate(output)
    return code, output


def findings(output: dict) -> list[tuple[str, str, int | None, int | None]]:
    return [
        (f["id"], f["file"], f["line"], f["column"])
        for design in output["designs"]
        for f in design["findings"]
    ]


MANIFEST = """\
    ohw: 1
    name: lamp
    title: Lamp
    license:
      hardware: CERN-OHL-S-2.0
    parts:
      - id: base
        export: {export}
    """


def test_there_are_three_good_examples_and_a_broken_one_per_mistake():
    assert len(GOOD) >= 3
    assert len(BROKEN) >= 20


@pytest.mark.parametrize("design", GOOD, ids=lambda p: p.name)
def test_good_examples_pass_with_no_findings(design, capsys):
    code, output = check_json(capsys, design)
    assert code == 0
    assert findings(output) == []
    assert output["ok"] is True
    assert output["designs"][0]["skipped"] == []


@pytest.mark.parametrize("design", BROKEN, ids=lambda p: p.name)
def test_broken_example_reports_exactly_its_documented_finding(design, capsys):
    expected = EXPECTED.search((design / "README.md").read_text())
    assert expected, f"{design}/README.md does not say which finding it expects"
    rule, file, line, column = expected.groups()
    code, output = check_json(capsys, design)
    assert findings(output) == [
        (rule, file, int(line) if line else None, int(column) if column else None)
    ]
    severity = output["designs"][0]["findings"][0]["severity"]
    assert code == (1 if severity == "error" else 0)
    assert output["designs"][0]["findings"][0]["hint"]


def test_broken_index_lists_every_broken_example():
    index = (EXAMPLES / "broken" / "README.md").read_text()
    listed = set(re.findall(r"^\| \[([^\]]+)\]", index, re.MULTILINE))
    assert listed == {p.name for p in BROKEN}
    for design in BROKEN:
        rule = EXPECTED.search((design / "README.md").read_text()).group(1)
        assert re.search(rf"\| \[{re.escape(design.name)}\]\([^)]*\) \| {rule} ", index)


def test_text_output_groups_by_file_with_location_id_and_hint(capsys):
    design = EXAMPLES / "broken" / "missing-part"
    assert main(["check", str(design)]) == 1
    lines = capsys.readouterr().out.splitlines()
    place = f"{design.as_posix()}/ohw.yaml"
    assert lines[0] == place
    assert lines[1].startswith(f"{place}:8:13 OHW201 error: parts/base.stl does not exist")
    assert lines[2].strip().startswith("hint: add the file")
    assert lines[-1].startswith("✘ missing-part: 1 error, 0 warnings")


def test_several_designs_in_one_run(capsys):
    code, output = check_json(
        capsys, EXAMPLES / "broken" / "missing-part", EXAMPLES / "broken" / "deprecated-license"
    )
    assert code == 1
    assert [d["name"] for d in output["designs"]] == ["missing-part", "deprecated-license"]
    assert output["summary"]["errors"] == 1
    assert output["summary"]["warnings"] == 1


def test_a_schema_error_skips_the_checks_that_need_the_manifest(capsys):
    code, output = check_json(capsys, EXAMPLES / "broken" / "schema-typo")
    skipped = output["designs"][0]["skipped"]
    assert code == 1
    assert {s["check"] for s in skipped} == {
        "parts",
        "paths",
        "meshes",
        "bom",
        "licenses",
        "instructions",
    }
    assert all("does not match the manifest schema" in s["reason"] for s in skipped)


@pytest.mark.parametrize(
    ("export", "why"),
    [
        ("../../etc/passwd", "goes up out of the design"),
        ("/etc/passwd", "is absolute"),
        ('"C:\\\\parts\\\\a.stl"', "uses backslashes"),
        ('"C:/parts/a.stl"', "Windows drive path"),
        ('"parts/a\\0.stl"', "NUL character"),
        (".git/config", "git's own .git folder"),
    ],
)
def test_hostile_part_paths_are_refused(tmp_path, capsys, export, why):
    design = write_design(tmp_path / "d", MANIFEST.format(export=export))
    code, output = check_json(capsys, design)
    assert code == 1
    [found] = output["designs"][0]["findings"]
    assert (found["id"], found["line"], found["column"]) == ("OHW202", 8, 13)
    assert why in found["message"]


def test_symlinks_inside_the_design_are_followed(tmp_path, capsys):
    design = write_design(
        tmp_path / "d", MANIFEST.format(export="parts/current.stl"), {"parts/v2/base.stl": CUBE}
    )
    (design / "parts" / "current.stl").symlink_to("v2/base.stl")
    code, output = check_json(capsys, design)
    assert code == 0, findings(output)


@pytest.mark.parametrize("target", ["/etc/passwd", "../../outside.stl", "../.."])
def test_symlink_leaving_the_design_is_refused_on_disk_and_in_history(tmp_path, capsys, target):
    (tmp_path / "outside.stl").write_bytes(b"solid x\nendsolid x\n")
    design = write_design(tmp_path / "d", MANIFEST.format(export="parts/base.stl"))
    (design / "parts").mkdir()
    (design / "parts" / "base.stl").symlink_to(target)
    init_and_commit(design, "design")
    for revision in ([], ["--rev", "HEAD"]):
        code, output = check_json(capsys, *revision, design)
        assert code == 1
        assert [f[:3] for f in findings(output)] == [("OHW203", "ohw.yaml", 8)]
        assert target in output["designs"][0]["findings"][0]["message"]


def test_path_into_a_submodule_is_refused_on_disk_and_in_history(tmp_path, capsys):
    library = write_design(
        tmp_path / "library", MANIFEST.format(export="parts/base.stl"), {"parts/base.stl": CUBE}
    )
    init_and_commit(library, "library")
    design = write_design(tmp_path / "d", MANIFEST.format(export="vendor/library/parts/base.stl"))
    git("init", "-q", cwd=design)
    git(
        "-c",
        "protocol.file.allow=always",
        "submodule",
        "add",
        "-q",
        str(library),
        "vendor/library",
        cwd=design,
    )
    git("add", "-A", cwd=design)
    git("commit", "-qm", "design", cwd=design)
    for revision in ([], ["--rev", "HEAD"]):
        code, output = check_json(capsys, *revision, design)
        assert code == 1
        [found] = output["designs"][0]["findings"]
        assert (found["id"], found["line"]) == ("OHW204", 8)
        assert "vendor/library" in found["message"]


def test_rev_checks_the_design_as_it_was(tmp_path, capsys):
    design = write_design(tmp_path / "d", MANIFEST.format(export="parts/base.stl"))
    init_and_commit(design, "part listed, file forgotten")
    (design / "parts").mkdir()
    (design / "parts" / "base.stl").write_bytes(CUBE)
    git("add", "-A", cwd=design)
    git("commit", "-qm", "add the file", cwd=design)
    (design / "parts" / "base.stl").unlink()  # an uncommitted deletion

    first = git("rev-parse", "HEAD~1", cwd=design).strip()
    code, output = check_json(capsys, "--rev", "HEAD~1", design)
    assert (code, [f[0] for f in findings(output)]) == (1, ["OHW201"])
    assert output["designs"][0]["revision"] == first
    assert check_json(capsys, "--rev", "main", design)[0] == 0
    assert check_json(capsys, design)[0] == 1  # the working tree lacks the file


def test_rev_reads_a_design_in_a_subfolder_of_the_repository(tmp_path, capsys):
    repo = tmp_path / "repo"
    write_design(
        repo / "designs" / "lamp",
        MANIFEST.format(export="parts/base.stl"),
        {"parts/base.stl": CUBE, "parts/spare.stl": CUBE},
    )
    init_and_commit(repo, "lamp")
    code, output = check_json(capsys, "--rev", "HEAD", repo / "designs" / "lamp")
    assert code == 0
    assert findings(output) == [("OHW205", "parts/spare.stl", None, None)]


def test_unreferenced_mesh_is_a_warning_unless_git_ignores_it(tmp_path, capsys):
    design = write_design(
        tmp_path / "d",
        MANIFEST.format(export="parts/base.stl"),
        {
            "parts/base.stl": CUBE,
            "parts/old/base-v1.STL": CUBE,
            "build/base.stl": CUBE,
            ".gitignore": "build/\n",
        },
    )
    git("init", "-q", cwd=design)
    code, output = check_json(capsys, design)
    assert code == 0
    assert findings(output) == [("OHW205", "parts/old/base-v1.STL", None, None)]
    assert output["designs"][0]["findings"][0]["severity"] == "warning"


def test_meshes_the_manifest_says_are_unused_ask_for_no_part(tmp_path, capsys):
    manifest = MANIFEST.format(export="parts/base.stl").rstrip(" ") + (
        "    unused:\n      - {path: parts/old/, reason: superseded}\n      - parts/plate.stl\n"
    )
    files = {"parts/base.stl": CUBE, "parts/old/a.stl": CUBE, "parts/old/b/c.stl": CUBE,
             "parts/plate.stl": CUBE, "parts/older.stl": CUBE}  # fmt: skip
    design = write_design(tmp_path / "d", manifest, files)
    code, output = check_json(capsys, design)
    assert (code, findings(output)) == (0, [("OHW205", "parts/older.stl", None, None)])
    (design / "parts" / "plate.stl").unlink()
    code, output = check_json(capsys, design)
    assert code == 1 and ("OHW201", "ohw.yaml") in [f[:2] for f in findings(output)]


def test_unknown_revision_and_not_a_design_are_usage_errors(tmp_path):
    design = write_design(tmp_path / "d", MANIFEST.format(export="parts/base.stl"))
    git("init", "-q", cwd=design)
    for args, message in [
        (["--rev", "HEAD"], "the current branch has no commits yet"),
        (["--rev", "no-such-branch"], "unknown revision"),
        (["--rev", "--upload-pack=x"], "is not a revision"),
    ]:
        done = run_ohw("check", *args, design)
        assert (done.returncode, done.stdout) == (2, "")
        assert message in done.stderr
        assert "hint:" in done.stderr
    elsewhere = tmp_path / "not-a-design"
    elsewhere.mkdir()
    done = run_ohw("check", elsewhere)
    assert done.returncode == 2
    assert "is not a design: it has no ohw.yaml" in done.stderr
    done = run_ohw("check", "--rev", "HEAD", elsewhere)
    assert done.returncode == 2
    assert "not inside a git work tree" in done.stderr


def test_check_accepts_the_manifest_file_itself(capsys):
    code, output = check_json(capsys, EXAMPLES / "broken" / "missing-part" / "ohw.yaml")
    assert (code, findings(output)[0][0]) == (1, "OHW201")


BOM_CSV_MANIFEST = """\
    ohw: 1
    name: lamp
    title: Lamp
    license:
      hardware: CERN-OHL-S-2.0
    bom: bom.csv
    instructions: steps.md
    """


@pytest.mark.parametrize(
    ("csv", "code", "expected"),
    [
        ("id,name\nm3,M3 screw\n", 0, [("OHW410", "bom.csv", 1, 1)]),
        (
            "id,name,quantity\nm3,M3 screw,4,extra\n",
            1,
            [("OHW411", "bom.csv", 2, 1), ("OHW602", "steps.md", 1, 5)],
        ),
        (
            "id,name,quantity\nm3,M3 screw,three\n",
            1,
            [("OHW414", "bom.csv", 2, 13), ("OHW602", "steps.md", 1, 5)],
        ),
        (
            "id,name,quantity,unit price,currency\nm3,M3,4,0.1,XYZ\n",
            1,
            [("OHW403", "bom.csv", 2, 13)],
        ),
        ("id,name,quantity\nm3,M3 screw,4\nm3,M3 nut,2\n", 1, [("OHW401", "bom.csv", 3, 1)]),
        ("", 1, [("OHW413", "bom.csv", 1, 1)]),
    ],
)
def test_bom_csv_mistakes(tmp_path, capsys, csv, code, expected):
    """A row that cannot be read is a finding and is left out (so the instructions
    cite an item the BOM lacks); the other rows are checked. Only a file that
    cannot be read at all leaves the BOM checks nothing to check."""
    design = write_design(
        tmp_path / "d", BOM_CSV_MANIFEST, {"bom.csv": csv, "steps.md": "Use <bom:m3>.\n"}
    )
    found_code, output = check_json(capsys, design)
    assert found_code == code
    assert findings(output) == expected
    skipped = {s["check"] for s in output["designs"][0]["skipped"]}
    unreadable = expected[0][0] == "OHW413"
    assert skipped == ({"bom", "instructions: BOM references"} if unreadable else set())


def test_inline_bom_is_checked_in_the_manifest(tmp_path, capsys):
    design = write_design(
        tmp_path / "d",
        """\
        ohw: 1
        name: lamp
        title: Lamp
        license: {hardware: CERN-OHL-S-2.0}
        bom:
          - {id: m3, name: M3 screw, quantity: 4}
          - {id: m3, name: M3 nut, quantity: -4}
        """,
    )
    code, output = check_json(capsys, design)
    assert code == 1
    assert findings(output) == [("OHW402", "ohw.yaml", 7, 38)]


def test_version_keeps_its_written_text(tmp_path, capsys):
    design = write_design(
        tmp_path / "d",
        """\
        ohw: 1
        name: lamp
        title: Lamp
        version: 1.10
        license: {hardware: CERN-OHL-S-2.0}
        """,
    )
    assert check_json(capsys, design)[0] == 0


def test_links_in_instructions_are_read_relative_to_their_file(tmp_path, capsys):
    design = write_design(
        tmp_path / "d",
        """\
        ohw: 1
        name: lamp
        title: Lamp
        license: {hardware: CERN-OHL-S-2.0}
        instructions: docs/build/
        """,
        {
            "docs/build/01-start.md": (
                "![ok](../img/a.png) ![missing](img/a.png) [up](../../../x.md)\n"
                "```\n![in code](nope.png)\n```\n`[span](part:nope)` <img src='../img/a.png'>\n"
            ),
            "docs/img/a.png": b"\x89PNG",
        },
    )
    code, output = check_json(capsys, design)
    assert code == 1
    assert findings(output) == [
        ("OHW603", "docs/build/01-start.md", 1, 21),
        ("OHW202", "docs/build/01-start.md", 1, 43),
    ]


def test_the_report_keeps_the_checks_order_though_the_meshes_are_checked_last():
    # Meshes are judged after the other checks (they are analysed meanwhile, in
    # other processes); what the report lists, and JUnit's test cases, stay in order.
    order = ["files", "parts", "paths", "meshes", "bom", "licenses", "instructions"]
    good = check_design(
        open_design(EXAMPLES / "desk-lamp"), "desk-lamp", CheckOptions(use_cache=False)
    )
    assert list(good.examined) == ["schema", *order]
    unreadable = EXAMPLES / "broken" / "yaml-syntax"
    skipped = check_design(
        open_design(unreadable), "yaml-syntax", CheckOptions(use_cache=False)
    ).skipped
    assert [s.check for s in skipped] == order[1:]
