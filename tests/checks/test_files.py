"""The file checks (ohw.checks.files), as CI scripts ran them before: names that
break tools on some system (OHW207, OHW208), names that differ only in case
(OHW209), files over the size limit (OHW210); what git ignores is not judged;
and files a merge in progress left conflicted (OHW211)."""

from __future__ import annotations

import json

import pytest
from support.designs import commit_edit, minimal_design
from support.meshes import binary_stl, box_facets
from support.run import git, json_findings, run_check, run_ohw


@pytest.mark.parametrize(
    ("name", "rule", "words"),
    [
        ("a<b.txt", "OHW207", "'<'"),
        ('say"hi".txt', "OHW207", "'\"'"),
        ("what?.txt", "OHW207", "'?'"),
        ("star*.txt", "OHW207", "'*'"),
        ("pipe|.txt", "OHW207", "'|'"),
        ("back\\slash.txt", "OHW207", "'\\\\'"),
        ("tab\there.txt", "OHW207", "'\\\\t'"),
        ("trailing.", "OHW207", "ends with a dot"),
        ("NUL.txt", "OHW207", "device name NUL"),
        ("com1.txt", "OHW207", "device name COM1"),
        ("aux", "OHW207", "device name AUX"),
        ("my part.txt", "OHW208", "contains spaces"),
    ],
)
def test_file_names_that_break_tools(tmp_path, capsys, name, rule, words):
    folder = minimal_design(tmp_path / "names")
    (folder / name).write_text("x\n")
    code, out = run_check(capsys, "--format", "json", folder)
    [found] = json.loads(out)["designs"][0]["findings"]
    assert (found["id"], found["file"]) == (rule, name)
    assert words in found["message"]
    assert code == (1 if rule == "OHW207" else 0)


def test_names_fine_everywhere_pass(tmp_path, capsys):
    folder = minimal_design(tmp_path / "fine")
    for name in ("console.txt", "nul-adapter.txt", "COM10.txt", "a.b.c", "UPPER.TXT"):
        (folder / name).write_text("x\n")
    assert json_findings(capsys, folder) == (0, [])


def test_a_folder_name_is_reported_once(tmp_path, capsys):
    folder = tmp_path / "folders"
    (folder / "old parts").mkdir(parents=True)
    minimal_design(folder)
    for name in ("a.txt", "b.txt"):
        (folder / "old parts" / name).write_text("x\n")
    assert json_findings(capsys, folder)[1] == [("OHW208", "old parts", None, "warning")]


def test_names_differing_only_in_case_collide(tmp_path, capsys):
    folder = tmp_path / "case"
    (folder / "parts").mkdir(parents=True)
    minimal_design(folder)
    (folder / "parts" / "Base.txt").write_text("x\n")
    (folder / "parts" / "base.txt").write_text("y\n")
    code, found = json_findings(capsys, folder)
    assert code == 1
    assert found == [("OHW209", "parts/base.txt", None, "error")]


@pytest.mark.parametrize(
    ("first", "second"),
    [("caf\u00e9.txt", "cafe\u0301.txt"), ("\u00c5ngstr\u00f6m.txt", "A\u030angstro\u0308m.txt")],
)
def test_names_differing_only_in_unicode_composition_collide(tmp_path, capsys, first, second):
    """macOS takes the composed and the decomposed name for one file."""
    folder = tmp_path / "composed"
    (folder / "parts").mkdir(parents=True)
    minimal_design(folder)
    (folder / "parts" / first).write_text("x\n")
    (folder / "parts" / second).write_text("y\n")
    code, found = json_findings(capsys, folder)
    assert code == 1
    assert [(rule, severity) for rule, _, _, severity in found] == [("OHW209", "error")]
    assert found[0][1] in (f"parts/{first}", f"parts/{second}")


def test_files_over_the_size_limit(tmp_path, capsys):
    folder = minimal_design(tmp_path / "big")
    (folder / "scan.bin").write_bytes(b"\0" * 3 * (1 << 20))
    assert json_findings(capsys, folder) == (0, [])  # the default is 50 MiB
    (folder / ".ohw.yaml").write_text("check:\n  max-file-size-mib: 2.5\n")
    code, out = run_check(capsys, "--format", "json", folder)
    [found] = json.loads(out)["designs"][0]["findings"]
    assert (code, found["id"], found["file"]) == (0, "OHW210", "scan.bin")
    assert "3.0 MiB, more than the limit of 2.5 MiB" in found["message"]


def test_git_ignored_files_are_not_judged(tmp_path, capsys):
    folder = minimal_design(tmp_path / "ignored")
    (folder / ".gitignore").write_text("build/\n")
    (folder / "build").mkdir()
    (folder / "build" / "out put.log").write_text("x\n")
    git("init", "-q", cwd=folder)
    assert json_findings(capsys, folder) == (0, [])


def test_files_a_merge_left_conflicted_are_named_meshes_too(forked_lamp, capsys):
    """OHW211 at the first conflict marker, instead of what the markers make of
    the YAML; a conflicted mesh, which holds no marker, is named too."""
    for branch, size, quantity in (("fork", 20.0, "0.4"), ("main", 30.0, "0.6")):
        git("checkout", "-q", branch, cwd=forked_lamp)
        (forked_lamp / "parts" / "base.stl").write_bytes(binary_stl(box_facets(high=(size,) * 3)))
        git("commit", "-qam", f"base {size}", cwd=forked_lamp)
        commit_edit(forked_lamp, "bom.yaml", "quantity: 0.3", f"quantity: {quantity}")
    clean = json_findings(capsys, forked_lamp)
    assert run_ohw("merge", "fork", cwd=forked_lamp).returncode == 1
    marker = (forked_lamp / "bom.yaml").read_text().splitlines().index("<<<<<<< ours") + 1
    code, found = json_findings(capsys, forked_lamp)
    assert code == 1
    assert [f for f in found if f not in clean[1]] == [
        ("OHW211", "bom.yaml", marker, "error"),
        ("OHW211", "parts/base.stl", None, "error"),
    ]
    code, out = run_check(capsys, forked_lamp)
    assert "bom.yaml is still conflicted in the merge in progress" in out
    assert (
        "not checked until fixed: bom, instructions: BOM references (bom.yaml has merge conflicts)"
        in out
    )
    assert "OHW101" not in out and "OHW111" not in out
    # history holds no conflicts; and settled, the files are checked as any others
    assert json_findings(capsys, "--rev", "HEAD", forked_lamp) == clean
    git("checkout", "--ours", "--", "parts/base.stl", "bom.yaml", cwd=forked_lamp)
    git("add", "parts/base.stl", "bom.yaml", cwd=forked_lamp)
    assert json_findings(capsys, forked_lamp) == clean
