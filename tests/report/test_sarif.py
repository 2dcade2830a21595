"""`ohw check` as a CI gate: each output format checked by its consumer's rules
(SARIF against the official schema, GitHub's workflow-command escaping and
annotation limits, JUnit parsed as XML), the design's settings, --strict,
--changed-since in real git repositories, and the checks CI scripts run today."""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.etree import ElementTree

import jsonschema
import pytest
from support import (
    ROOT,
    binary_stl,
    box_facets,
    defective_design,
    git,
    run_ohw,
    write_files,
)

from ohw.cli.main import main
from ohw.design.findings import RULES

MINIMAL = "ohw: 1\nname: {name}\ntitle: A design\nlicense:\n  hardware: MIT\n"
SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())
# What the defective design reports, as (id, file, line).
DEFECTS = [
    ("OHW602", "instructions/01-assemble.md", 4),
    ("OHW201", "ohw.yaml", 12),
    ("OHW309", "parts/clip.stl", None),
    ("OHW207", "parts/notes:old.txt", None),
    ("OHW208", "parts/open lid.stl", None),
    ("OHW302", "parts/open lid.stl", None),
]


@pytest.fixture
def design(tmp_path: Path) -> Path:
    return defective_design(tmp_path / "defective")


def run_check(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str]:
    code = main(["check", *map(str, args)])
    return code, capsys.readouterr().out


def json_findings(capsys, *args) -> tuple[int, list[tuple[str, str, int | None, str]]]:
    code, out = run_check(capsys, "--format", "json", *args)
    return code, [
        (f["id"], f["file"], f["line"], f["severity"])
        for d in json.loads(out)["designs"]
        for f in d["findings"]
    ]


def minimal_design(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ohw.yaml").write_text(MINIMAL.format(name=folder.name))
    return folder


# -- SARIF -----------------------------------------------------------------------------------


def sarif(capsys, *args) -> dict:
    code, out = run_check(capsys, "--format", "sarif", *args)
    assert code == 1
    log = json.loads(out)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    return log


def test_the_official_sarif_schema_is_the_one_shipped():
    assert SARIF_SCHEMA["id"].endswith("/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
    jsonschema.Draft4Validator.check_schema(SARIF_SCHEMA)
    # The schema is strict: a log GitHub would refuse is refused here too.
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(SARIF_SCHEMA).validate({"version": "2.1.0", "runs": [{}]})


def test_sarif_is_valid_and_has_what_code_scanning_needs(design, capsys, monkeypatch):
    monkeypatch.chdir(design)
    log = sarif(capsys)
    [run] = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(RULES)
    for rule in rules:
        assert rule["helpUri"].startswith("https://")
        assert rule["help"]["text"]
        assert rule["shortDescription"]["text"] == RULES[rule["id"]].title
    found = []
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        uri = location["artifactLocation"]["uri"]
        assert not uri.startswith(("/", "file:")), uri
        assert location["region"]["startLine"] >= 1
        assert location["region"]["startColumn"] >= 1
        found.append((result["ruleId"], uri, location["region"]["startLine"]))
    assert found == [
        (rule, file.replace(" ", "%20").replace(":", "%3A"), line or 1)
        for rule, file, line in DEFECTS
    ]


def test_sarif_paths_are_relative_to_the_repository_root(tmp_path, capsys, monkeypatch):
    repository = tmp_path / "repo"
    defective_design(repository / "designs" / "lamp", repository=repository)
    monkeypatch.chdir(repository / "designs")
    uris = [
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in sarif(capsys, "lamp")["runs"][0]["results"]
    ]
    assert "designs/lamp/ohw.yaml" in uris
    assert all(uri.startswith("designs/lamp/") for uri in uris)


def test_sarif_fingerprints_stay_while_lines_move(design, capsys):
    def fingerprints() -> dict[str, tuple[int, str]]:
        results = sarif(capsys, design)["runs"][0]["results"]
        return {
            r["ruleId"]: (
                r["locations"][0]["physicalLocation"]["region"]["startLine"],
                r["partialFingerprints"]["ohwFinding/v1"],
            )
            for r in results
        }

    before = fingerprints()
    assert fingerprints() == before
    manifest = design / "ohw.yaml"
    manifest.write_text("# the design\n" + manifest.read_text())
    after = fingerprints()
    assert after["OHW201"][0] == before["OHW201"][0] + 1
    assert {k: v[1] for k, v in after.items()} == {k: v[1] for k, v in before.items()}
    assert len({v[1] for v in after.values()}) == len(after)


# -- GitHub workflow commands ----------------------------------------------------------------

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


def test_github_annotations_escape_as_the_runner_reads_them(design, capsys, monkeypatch):
    monkeypatch.chdir(design)
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


def test_github_is_the_default_format_in_github_actions(design):
    done = run_ohw("check", cwd=design, env={"GITHUB_ACTIONS": "true"})
    assert done.returncode == 1
    assert len(commands(done.stdout)) == len(DEFECTS)
    plain = run_ohw("check", "--format", "text", cwd=design, env={"GITHUB_ACTIONS": "true"})
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


# -- JUnit -----------------------------------------------------------------------------------


def test_junit_has_a_case_per_file_and_check(design, capsys, monkeypatch):
    monkeypatch.chdir(design)
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


# -- policy: --strict and .ohw.yaml ----------------------------------------------------------


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


def test_settings_turn_findings_off_change_severity_and_ignore_paths(design, capsys):
    (design / ".ohw.yaml").write_text(
        "check:\n"
        "  findings:\n"
        "    OHW201: warning\n"
        "    OHW208: off\n"
        "    OHW309: error\n"
        "  ignore:\n"
        "    - '*.txt'\n"
        "    - instructions/\n"
    )
    code, found = json_findings(capsys, design)
    assert code == 1
    assert found == [
        ("OHW201", "ohw.yaml", 12, "warning"),
        ("OHW309", "parts/clip.stl", None, "error"),
        ("OHW302", "parts/open lid.stl", None, "error"),
    ]


def test_an_ignored_mesh_is_not_analysed(design, capsys):
    (design / ".ohw.yaml").write_text("check:\n  ignore: ['parts/open lid.stl']\n")
    code, out = run_check(capsys, "--format", "junit", design)
    assert code == 1
    names = {c.get("name") for c in ElementTree.fromstring(out).iter("testcase")}
    assert not any(name.endswith("open lid.stl") for name in names)


def test_only_the_meshes_of_parts_the_settings_keep_are_analysed(design, tmp_path, capsys):
    """The meshes are analysed before the manifest is validated, beside the
    rest of the check: still only those a part names and the settings keep."""
    (design / ".ohw.yaml").write_text("check:\n  ignore: ['parts/open lid.stl']\n")
    (design / "parts" / "spare.stl").write_bytes(binary_stl(box_facets()[:-1]))
    cache = tmp_path / "cache"
    code, out = run_check(capsys, "--format", "json", "--cache-dir", cache, design)
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
    design, capsys, settings, rule, line, column, words
):
    (design / ".ohw.yaml").write_text(settings)
    code, out = run_check(capsys, "--format", "json", design)
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


# -- the checks CI scripts run ---------------------------------------------------------------


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


IGNORE_RULES = {
    ".gitignore": "build/\n*.log\n!keep.log\nd/sub/*.tmp\n/top.txt\n",
    "d/.gitignore": "local.bak\n",
}
MAYBE_IGNORED = [
    "build/x/a.stl",
    "a.log",
    "keep.log",
    "d/sub/a.tmp",
    "d/a.tmp",
    "top.txt",
    "d/top.txt",
    "d/local.bak",
    "local.bak",
    "secret",
    "d/secret",
    "ok.stl",
    "sp ace.log",
    "unié.log",
    'q"uote.log',
    "new\nline.log",
]
IGNORED = {
    "build/x/a.stl",
    "a.log",
    "d/sub/a.tmp",
    "top.txt",
    "d/local.bak",
    "secret",
    "d/secret",
    "sp ace.log",
    "unié.log",
    'q"uote.log',
    "new\nline.log",
}


def test_git_and_libgit2_agree_on_what_is_ignored(tmp_path, monkeypatch):
    from ohw.storage.vcs.repository import ignored

    write_files(tmp_path, dict(IGNORE_RULES))
    git("init", "-q", cwd=tmp_path)
    (tmp_path / ".git" / "info" / "exclude").write_text("secret\n")
    by_git = ignored(tmp_path, MAYBE_IGNORED)
    in_d = ignored(tmp_path / "d", ["sub/a.tmp", "local.bak", "top.txt", "secret"])
    monkeypatch.setenv("PATH", str(tmp_path / "no-git-here"))  # libgit2 answers alone
    assert ignored(tmp_path, MAYBE_IGNORED) == by_git == IGNORED
    assert ignored(tmp_path / "d", ["sub/a.tmp", "local.bak", "top.txt", "secret"]) == in_d
    assert in_d == {"sub/a.tmp", "local.bak", "secret"}
    assert ignored(tmp_path.parent / "not-a-repository", ["a.log"]) == set()


def test_ascii_stl_states_the_bytes_binary_would_save(design, capsys):
    code, out = run_check(capsys, "--format", "json", design)
    assert code == 1
    [found] = [f for f in json.loads(out)["designs"][0]["findings"] if f["id"] == "OHW309"]
    size = (design / "parts" / "clip.stl").stat().st_size
    binary = 84 + 50 * 12
    assert found["message"] == (
        f"ASCII STL of {size:,} bytes; as binary STL its 12 facets take 84 + 50 x 12 = "
        f"{binary:,} bytes, {size - binary:,} bytes ({(size - binary) / size:.0%}) less"
    )


# -- --changed-since -------------------------------------------------------------------------


def changed_findings(capsys, design: Path, since: str, *args: str) -> tuple[int, set]:
    code, out = run_check(capsys, "--format", "json", "--changed-since", since, *args, design)
    [checked] = json.loads(out)["designs"]
    assert checked["changed_since"] == since
    return code, {(f["id"], f["file"]) for f in checked["findings"]}


def test_nothing_changed_reports_nothing(design, capsys):
    assert changed_findings(capsys, design, "HEAD") == (0, set())


def test_a_changed_stl_rechecks_its_part(design, capsys):
    (design / "parts" / "base.stl").write_bytes(binary_stl(box_facets()[:-1]))
    code, found = changed_findings(capsys, design, "HEAD")
    assert code == 1
    assert found == {("OHW302", "parts/base.stl")}
    # Deleted, it is missing where its part names it, on the part's line.
    (design / "parts" / "base.stl").unlink()
    assert changed_findings(capsys, design, "HEAD")[1] == {("OHW201", "ohw.yaml")}


def test_a_deleted_stl_reports_its_part_and_no_other(design, capsys):
    (design / "parts" / "clip.stl").unlink()
    code, out = run_check(capsys, "--format", "json", "--changed-since", "HEAD", design)
    assert code == 1
    findings = json.loads(out)["designs"][0]["findings"]
    assert [(f["id"], f["line"]) for f in findings] == [("OHW201", 14)]


def test_a_changed_bom_rechecks_the_instructions_citing_it(design, capsys):
    bom = design / "bom.yaml"
    bom.write_text(bom.read_text().replace("m3x10", "m3x12"))
    code, found = changed_findings(capsys, design, "HEAD")
    assert code == 1
    assert found == {
        ("OHW602", "instructions/01-assemble.md"),  # bom:washer, and now bom:m3x10 too
    }
    assert (
        run_check(capsys, "--format", "json", "--changed-since", "HEAD", design)[1].count(
            '"OHW602"'
        )
        == 2
    )


def test_a_changed_manifest_checks_everything(design, capsys):
    manifest = design / "ohw.yaml"
    manifest.write_text(manifest.read_text().replace("title: A design", "title: The design"))
    assert changed_findings(capsys, design, "HEAD")[1] == {(r, f) for r, f, _ in DEFECTS}


def test_changed_since_between_commits_and_new_files(design, capsys):
    git("tag", "base", cwd=design)
    (design / "parts" / "spare part.stl").write_bytes(binary_stl(box_facets()))
    # Not yet added to git: a new file is a change all the same.
    assert changed_findings(capsys, design, "base")[1] == {
        ("OHW205", "parts/spare part.stl"),
        ("OHW208", "parts/spare part.stl"),
    }
    git("add", "-A", cwd=design)
    git("commit", "-qm", "spare", cwd=design)
    (design / "parts" / "spare part.stl").unlink()  # the working tree no longer matters
    assert changed_findings(capsys, design, "base", "--rev", "HEAD")[1] == {
        ("OHW205", "parts/spare part.stl"),
        ("OHW208", "parts/spare part.stl"),
    }


def test_changed_since_an_unknown_revision_is_a_usage_error(design):
    done = run_ohw("check", "--changed-since", "no-such-rev", design)
    assert done.returncode == 2
    assert "unknown revision 'no-such-rev'" in done.stderr


# -- output to a file, cache folder ----------------------------------------------------------


def test_output_goes_to_a_file_and_the_cache_where_asked(design, tmp_path):
    cache = tmp_path / "ci-cache"
    report = tmp_path / "ohw.sarif"
    done = run_ohw("check", "--format", "sarif", "--output", report, "--cache-dir", cache, design)
    assert done.returncode == 1
    assert done.stdout == ""
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(json.loads(report.read_text()))
    assert list((cache / "mesh").rglob("*.json"))
    assert not (design / ".git" / "ohw").exists()
