"""The command line as a user meets it (ohw.cli.main and the click app):
separate processes, exit codes, messages, and never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from support import EXAMPLES, OHW, TESTS
from support.run import run_ohw

GOOD_HEAD = "ohw: 1\nname: lamp\ntitle: Lamp\nlicense:\n  hardware: CERN-OHL-S-2.0\n"
LAUGHS = "a: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"{n}: &{n} [{','.join([f'*{p}'] * 10)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True)
)


def test_help_imports_none_of_the_heavy_libraries():
    program = textwrap.dedent(
        """
        import sys
        from ohw.cli.main import main
        try:
            main(["--help"])
        finally:
            names = ("numpy", "trimesh", "pygit2", "scipy", "jsonschema", "PIL", "manifold3d")
            heavy = [m for m in names if m in sys.modules]
            print("HEAVY:" + ",".join(heavy), file=sys.stderr)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        check=False,
        cwd=TESTS,
    )
    assert done.returncode == 0
    assert "Usage: ohw" in done.stdout
    assert "HEAVY:\n" in done.stderr


def test_python_dash_m_and_version(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "ohw", "--version"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 0
    assert done.stdout.startswith("ohw, version ")
    assert run_ohw("-V").stdout == done.stdout


def test_usage_errors_exit_2():
    done = run_ohw("check", "--format", "xml")
    assert done.returncode == 2
    assert "Invalid value for '--format'" in done.stderr
    assert run_ohw("no-such-command").returncode == 2


def test_json_flag_is_format_json():
    done = run_ohw("check", "--json", EXAMPLES / "broken" / "missing-part")
    assert done.returncode == 1
    assert json.loads(done.stdout)["designs"][0]["findings"][0]["id"] == "OHW201"


def test_schema_prints_the_shipped_schemas():
    listing = run_ohw("schema")
    assert listing.returncode == 0
    names = [
        "manifest",
        "bom",
        "check-output",
        "mesh-report",
        "remix-output",
        "resolve-output",
        "credits",
        "diff-output",
        "log-output",
        "lineage-output",
        "variant-list",
        "settings",
        "bom-output",
        "kit",
        "printers",
        "catalog-output",
        "catalog-sync",
        "catalog-site",
        "okh-losh",
        "okh-import",
        "okh-export",
        "adopt-output",
        "bom-import",
    ]
    assert [line.split()[0] for line in listing.stdout.splitlines()] == names
    for name in names:
        done = run_ohw("schema", name)
        assert done.returncode == 0
        assert json.loads(done.stdout)["$id"].endswith(f"/{name}.schema.json")
    done = run_ohw("schema", "nope")
    assert done.returncode == 2
    assert "the schemas are: " + ", ".join(names) in done.stderr


def test_a_closed_pipe_is_not_an_error():
    done = subprocess.run(
        f"'{OHW}' schema manifest | head -c 10",
        shell=True,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.stdout == '{\n  "$sche'
    assert done.stderr == ""


BAD_MANIFESTS = {
    "empty file": (b"", "OHW110", "the manifest is empty"),
    "comments only": (b"# nothing yet\n", "OHW110", "the manifest is empty"),
    "top-level list": (b"- ohw: 1\n", "OHW110", "should be a mapping, not a list"),
    "invalid UTF-8": (GOOD_HEAD.encode() + b"description: caf\xe9\n", "OHW101", "not UTF-8"),
    "tab indentation": (b"ohw: 1\nlicense:\n\thardware: MIT\n", "OHW101", "tab character"),
    "duplicate keys": (GOOD_HEAD.encode() + b"title: Again\n", "OHW102", "appears twice"),
    "billion laughs": (LAUGHS.encode(), "OHW103", "aliases expand this document"),
    "5,000 deep": (b"x: " + b"[" * 5000 + b"]" * 5000 + b"\n", "OHW103", "nests more than"),
    "5,001-digit integer": (b"ohw: " + b"7" * 5001 + b"\n", "OHW103", "does not fit in 64 bits"),
    "python tag": (
        b"ohw: !!python/object/apply:os.system ['touch pwned']\n",
        "OHW103",
        "the tag !!python/object/apply:os.system is not allowed",
    ),
    "unknown format version": (GOOD_HEAD.replace("ohw: 1", "ohw: 2").encode(), "OHW112", "2"),
}


@pytest.mark.parametrize("case", BAD_MANIFESTS, ids=str)
def test_bad_manifest_gives_a_located_finding_not_a_traceback(tmp_path, case):
    content, rule, words = BAD_MANIFESTS[case]
    (tmp_path / "ohw.yaml").write_bytes(content)
    done = run_ohw("check", "--format", "json", tmp_path, cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert done.stderr == ""
    [found] = json.loads(done.stdout)["designs"][0]["findings"]
    assert found["id"] == rule
    assert words in found["message"]
    assert found["line"] >= 1
    assert found["column"] >= 1
    assert found["hint"]
    assert not (tmp_path / "pwned").exists()
    text = run_ohw("check", tmp_path)
    assert text.returncode == 1
    assert "Traceback" not in text.stdout + text.stderr
    assert f"{rule} error:" in text.stdout


@pytest.mark.parametrize(
    ("export", "needs"),
    [
        ("../../etc/passwd", "OHW202"),
        ("/etc/passwd", "OHW202"),
        ('"C:\\\\parts\\\\a.stl"', "OHW202"),
        ('"parts/a\\0.stl"', "OHW202"),
        ("parts/link.stl", "OHW203"),
    ],
)
def test_hostile_paths_give_findings_not_tracebacks(tmp_path, export, needs):
    (tmp_path / "ohw.yaml").write_text(GOOD_HEAD + f"parts:\n  - id: a\n    export: {export}\n")
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "link.stl").symlink_to("/etc/passwd")
    done = run_ohw("check", tmp_path)
    assert done.returncode == 1
    assert needs in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


@pytest.mark.parametrize("encoding", ["cp1252", "ascii", "latin-1"])
@pytest.mark.parametrize(
    "command",
    [["check"], ["bom"], ["bom", "--format", "md"], ["lineage"], ["mesh", "parts/base.stl"]],
    ids=lambda c: " ".join(c[:3]),
)
def test_output_a_stream_cannot_encode_falls_back_to_ascii(tmp_path, encoding, command):
    """Output redirected where it gets an encoding without ✔ or × (Windows'
    cp1252, ascii): ohw's marks are written in ASCII, nothing fails."""
    import shutil

    lamp = tmp_path / "lamp"
    shutil.copytree(EXAMPLES / "desk-lamp", lamp)
    done = subprocess.run(
        [str(OHW), *command],
        cwd=lamp,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONIOENCODING": encoding},
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert b"internal error" not in done.stderr
    done.stdout.decode(encoding)  # what was written is in the stream's encoding
    if command == ["check"]:
        assert done.stdout.startswith(b"+ desk-lamp: no problems")


@pytest.mark.parametrize(
    "where",
    [
        "in_a_finaliser",  # where Python only prints the KeyboardInterrupt and goes on
        "while_loading",  # before the error handler is there to catch it
    ],
)
def test_ctrl_c_anywhere_in_a_run_ends_it_as_interrupted(where: str):
    program = textwrap.dedent(
        f"""
        import os, signal, sys
        import ohw.cli.main

        class Finaliser:
            def __del__(self):
                os.kill(os.getpid(), signal.SIGINT)
                for _ in range(1000):  # Python runs the handler here, inside __del__
                    pass

        command = ohw.cli.main._run

        def in_a_finaliser(arguments):
            Finaliser()
            return command(["--version"])

        def while_loading(arguments):
            os.kill(os.getpid(), signal.SIGINT)
            import ohw.cli.app

        ohw.cli.main._run = {where}
        ohw.cli.main.program()
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", program], check=False, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 130, done.stderr
    assert done.stderr.strip().splitlines() == ["ohw: interrupted"]


# The shapes of arguments ohw.cli.main runs without click, and one click reads
# itself for each command (an option, too many arguments, or too few).
PLAIN = [
    ["clone", "https://example.org/lamp.git"],
    ["clone", "../lamp.git", "my lamp"],
    ["fork", "/srv/lamp.git"],
    ["fork", "file:///srv/lamp.git", ""],
    ["pull"],
    ["pull", "upstream"],
    ["update"],
]
NOT_PLAIN = [
    ["clone"],
    ["clone", "a", "b", "c"],
    ["clone", "--help"],
    ["clone", "-", "dest"],
    ["fork", "a", "--rev", "v1"],
    ["fork", "a", "--name=b"],
    ["pull", "--json"],
    ["pull", "a", "b"],
    ["update", "upstream"],
    ["update", "--format", "json"],
    ["push"],
    ["check"],
    ["--version"],
    [],
]


@pytest.mark.parametrize("arguments", PLAIN)
def test_remote_commands_read_without_click_as_click_reads_them(arguments: list[str]):
    """What runs without click is what click would run: the same command, each
    argument given to the same parameter, every option at its default."""
    from ohw.cli.app import cli
    from ohw.cli.main import plain_remote_command

    found = plain_remote_command(arguments)
    assert found is not None
    name, values = found
    assert name == arguments[0]
    command = cli.commands[name]
    context = command.make_context(name, list(arguments[1:]))
    parsed = dict(context.params)
    positional = [p.name for p in command.params if p.param_type_name == "argument"]
    assert {p: parsed.pop(p) for p in positional} == dict(zip(positional, values, strict=True))
    # What ohw.cli.main gives the command for the options not given.
    from ohw.report.reporters import formats

    assert (
        parsed
        == {
            "clone": {},
            "fork": {"revision": None, "name": None},
            "pull": {"as_json": False, "output_format": formats("merge")[0]},
            "update": {"as_json": False, "output_format": formats("merge")[0]},
        }[name]
    )


@pytest.mark.parametrize("arguments", NOT_PLAIN)
def test_anything_else_is_left_to_click(arguments: list[str]):
    from ohw.cli.main import plain_remote_command

    assert plain_remote_command(arguments) is None


@pytest.mark.parametrize(
    ("command", "said", "unloaded"),
    [
        ("clone", "Cloned ", ("click", "pygit2", "rich", "dataclasses", "typing")),
        ("fork", "Forked ", ("click", "pygit2", "rich")),  # a fork edits YAML
    ],
)
def test_a_plain_clone_or_fork_loads_neither_click_nor_libgit2(
    served, tmp_path, command: str, said: str, unloaded: tuple[str, ...]
):
    """ohw clone or fork of a repository on this machine, as a script runs it:
    git's command line does the work (a fork's commit too), and what ohw adds
    to its time is Python's start."""
    program = textwrap.dedent(
        f"""
        import sys
        from ohw.cli.main import main
        code = main(sys.argv[1:])
        print("LOADED:" + ",".join(m for m in {unloaded!r} if m in sys.modules), file=sys.stderr)
        sys.exit(code)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", program, command, str(served / "lamp.git"), "lamp"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(said)
    assert "LOADED:\n" in done.stderr
    assert (tmp_path / "lamp" / "ohw.yaml").is_file()


def test_a_plain_command_fails_as_it_does_through_click(tmp_path):
    for arguments in (["clone", "ext::sh -c touch% pwned", "dest"], ["pull"], ["update"]):
        plain = run_ohw(*arguments, cwd=tmp_path)
        through_click = run_ohw(*arguments[:1], "--format", "text", *arguments[1:], cwd=tmp_path)
        if arguments[0] == "clone":  # clone has no --format: an unknown option there
            through_click = run_ohw("clone", "--", *arguments[1:], cwd=tmp_path)
        assert plain.returncode == through_click.returncode == 2
        assert plain.stderr == through_click.stderr
        assert "Traceback" not in plain.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []
