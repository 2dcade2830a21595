"""`ohw check --format github` (ohw.report.github): workflow commands escaped as
the Actions runner reads them, the default in GitHub Actions, and the
annotations beyond GitHub's limit counted."""

from __future__ import annotations

import re

from support.designs import DEFECTS, minimal_design
from support.run import run_check, run_ohw

COMMAND = re.compile(r"^::(?P<kind>[a-z]+)(?: (?P<properties>[^:]*))?::(?P<message>.*)$")


def unescape(text: str, *, property_value: bool) -> str:
    """As the Actions runner reads workflow commands (escaped: % CR LF, and in
    property values also : and ,)."""
    pairs = [("%0D", "\r"), ("%0A", "\n")]
    if property_value:
        pairs += [("%3A", ":"), ("%2C", ",")]
    for escaped, character in [*pairs, ("%25", "%")]:
        text = text.replace(escaped, character)
    return text


def commands(output: str) -> list[tuple[str, dict[str, str], str]]:
    parsed = []
    for line in output.splitlines():
        match = COMMAND.match(line)
        if match:
            properties = {}
            for pair in (match["properties"] or "").split(","):
                key, _, value = pair.partition("=")
                properties[key] = unescape(value, property_value=True)
            parsed.append(
                (match["kind"], properties, unescape(match["message"], property_value=False))
            )
    return parsed


def test_github_annotations_escape_as_the_runner_reads_them(defective, capsys, monkeypatch):
    monkeypatch.chdir(defective)
    code, out = run_check(capsys, "--format", "github")
    assert code == 1
    parsed = commands(out)
    assert [(p["file"], p.get("line")) for _, p, _ in parsed] == [
        (file, str(line) if line else None) for _, file, line in DEFECTS
    ]
    kinds = {p["title"].split()[0]: kind for kind, p, _ in parsed}
    assert kinds == {
        "OHW602": "error",
        "OHW201": "error",
        "OHW309": "warning",
        "OHW207": "error",
        "OHW208": "warning",
        "OHW302": "error",
    }
    # ':' in a file name, '%' and a line break in a message survive the trip.
    [(_, windows, _)] = [c for c in parsed if c[1]["title"].startswith("OHW207")]
    assert windows["file"] == "parts/notes:old.txt"
    [(_, _, ascii_message)] = [c for c in parsed if c[1]["title"].startswith("OHW309")]
    assert re.search(r"\(\d+%\) less\nhint: ", ascii_message)
    assert "parts/notes%3Aold.txt" in out
    assert out.splitlines()[-1].startswith("ohw check failed: defective: 4 errors, 2 warnings")


def test_github_is_the_default_format_in_github_actions(defective):
    done = run_ohw("check", cwd=defective, env={"GITHUB_ACTIONS": "true"})
    assert done.returncode == 1
    assert len(commands(done.stdout)) == len(DEFECTS)
    plain = run_ohw("check", "--format", "text", cwd=defective, env={"GITHUB_ACTIONS": "true"})
    assert commands(plain.stdout) == []


def test_github_annotations_beyond_the_limit_are_counted(tmp_path, capsys):
    parts = "".join(f"  - id: p{n}\n    export: parts/p{n}.stl\n" for n in range(13))
    folder = minimal_design(tmp_path / "many")
    with (folder / "ohw.yaml").open("a") as manifest:
        manifest.write(f"parts:\n{parts}")
    code, out = run_check(capsys, "--format", "github", folder)
    assert code == 1
    assert [kind for kind, _, _ in commands(out)] == ["error"] * 10
    plain = [line for line in out.splitlines() if " OHW201 error: " in line]
    assert len(plain) == 3 and not any(line.startswith("::") for line in plain)
    assert out.splitlines()[-1] == (
        "ohw: 3 errors not shown as annotations: GitHub shows 10 of each kind per step; "
        "all are in the lines above"
    )
