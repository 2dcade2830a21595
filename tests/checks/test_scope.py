"""`ohw check --changed-since REV` (ohw.checks.scope): the files changed since
REV, committed or not, and whatever refers to them, checked; nothing else."""

from __future__ import annotations

import json
from pathlib import Path

from support.designs import DEFECTS
from support.meshes import binary_stl, box_facets
from support.run import git, run_check, run_ohw


def changed_findings(capsys, design: Path, since: str, *args: str) -> tuple[int, set]:
    code, out = run_check(capsys, "--format", "json", "--changed-since", since, *args, design)
    [checked] = json.loads(out)["designs"]
    assert checked["changed_since"] == since
    return code, {(f["id"], f["file"]) for f in checked["findings"]}


def test_nothing_changed_reports_nothing(defective, capsys):
    assert changed_findings(capsys, defective, "HEAD") == (0, set())


def test_a_changed_stl_rechecks_its_part(defective, capsys):
    (defective / "parts" / "base.stl").write_bytes(binary_stl(box_facets()[:-1]))
    code, found = changed_findings(capsys, defective, "HEAD")
    assert code == 1
    assert found == {("OHW302", "parts/base.stl")}
    # Deleted, it is missing where its part names it, on the part's line.
    (defective / "parts" / "base.stl").unlink()
    assert changed_findings(capsys, defective, "HEAD")[1] == {("OHW201", "ohw.yaml")}


def test_a_deleted_stl_reports_its_part_and_no_other(defective, capsys):
    (defective / "parts" / "clip.stl").unlink()
    code, out = run_check(capsys, "--format", "json", "--changed-since", "HEAD", defective)
    assert code == 1
    findings = json.loads(out)["designs"][0]["findings"]
    assert [(f["id"], f["line"]) for f in findings] == [("OHW201", 14)]


def test_a_changed_bom_rechecks_the_instructions_citing_it(defective, capsys):
    bom = defective / "bom.yaml"
    bom.write_text(bom.read_text().replace("m3x10", "m3x12"))
    code, found = changed_findings(capsys, defective, "HEAD")
    assert code == 1
    assert found == {
        ("OHW602", "instructions/01-assemble.md"),  # bom:washer, and now bom:m3x10 too
    }
    assert (
        run_check(capsys, "--format", "json", "--changed-since", "HEAD", defective)[1].count(
            '"OHW602"'
        )
        == 2
    )


def test_a_changed_manifest_checks_everything(defective, capsys):
    manifest = defective / "ohw.yaml"
    manifest.write_text(manifest.read_text().replace("title: A design", "title: The design"))
    assert changed_findings(capsys, defective, "HEAD")[1] == {(r, f) for r, f, _ in DEFECTS}


def test_changed_since_between_commits_and_new_files(defective, capsys):
    git("tag", "base", cwd=defective)
    (defective / "parts" / "spare part.stl").write_bytes(binary_stl(box_facets()))
    # Not yet added to git: a new file is a change all the same.
    assert changed_findings(capsys, defective, "base")[1] == {
        ("OHW205", "parts/spare part.stl"),
        ("OHW208", "parts/spare part.stl"),
    }
    git("add", "-A", cwd=defective)
    git("commit", "-qm", "spare", cwd=defective)
    (defective / "parts" / "spare part.stl").unlink()  # the working tree no longer matters
    assert changed_findings(capsys, defective, "base", "--rev", "HEAD")[1] == {
        ("OHW205", "parts/spare part.stl"),
        ("OHW208", "parts/spare part.stl"),
    }


def test_changed_since_an_unknown_revision_is_a_usage_error(defective):
    done = run_ohw("check", "--changed-since", "no-such-rev", defective)
    assert done.returncode == 2
    assert "unknown revision 'no-such-rev'" in done.stderr
