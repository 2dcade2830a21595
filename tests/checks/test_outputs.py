"""ohw check never judges what ohw itself wrote into the design: a kit made
with `ohw fab --out kit/` or `--out kit.zip` inside it, known by its kit.json."""

from __future__ import annotations

import json

from support.designs import write_files
from support.run import run_ohw


def test_a_kit_written_inside_the_design_is_not_judged(lamp):
    assert run_ohw("fab", "--out", "kit/", cwd=lamp).returncode == 0
    assert run_ohw("fab", "--out", "kits/five.zip", "--units", "5", cwd=lamp).returncode == 0
    checked = run_ohw("check", "--strict", cwd=lamp)
    assert checked.returncode == 0, checked.stdout
    assert "no problems" in checked.stdout
    assert "OHW205" not in checked.stdout


def test_a_folder_that_only_looks_like_a_kit_is_judged(lamp):
    stl = (lamp / "parts" / "base.stl").read_bytes()
    write_files(
        lamp,
        {
            "old/kit.json": '{"not": "a kit"}',
            "old/print/base.stl": stl,
            "broken/kit.json": "[" * 100_000,
            "broken/base.stl": stl,
            "fake.zip": b"PK\x05\x06" + b"\0" * 18,
            "deep/kit.json": json.dumps({"format_version": 1, "commit": "x", "files": {}}),
            "deep/base.stl": stl,
        },
    )
    checked = run_ohw("check", "--json", cwd=lamp)
    assert checked.returncode == 0, checked.stderr
    unnamed = {f["file"] for f in json.loads(checked.stdout)["designs"][0]["findings"]}
    assert unnamed == {"old/print/base.stl", "broken/base.stl"}


def test_the_design_itself_is_never_taken_for_a_kit(lamp):
    (lamp / "kit.json").write_text(json.dumps({"format_version": 1, "commit": "x", "files": {}}))
    (lamp / "stray.stl").write_bytes((lamp / "parts" / "base.stl").read_bytes())
    checked = run_ohw("check", "--json", cwd=lamp)
    findings = json.loads(checked.stdout)["designs"][0]["findings"]
    assert [f["id"] for f in findings] == ["OHW205"]
