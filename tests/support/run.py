"""Running ohw and git as a user runs them, in processes of their own; ohw's
commands run in this process (their exit code and output); and a system that
cannot fork."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from support import OHW


def run_ohw(
    *args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed ohw as a user would, in a separate process (``env``
    adds to the environment)."""
    return subprocess.run(
        [str(OHW), *map(str, args)],
        cwd=cwd,
        env={**os.environ, **env} if env else None,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def ohw_json(
    schema: str, *args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None
) -> dict:
    """``ohw ARGS`` (asking for JSON) run as ``run_ohw`` runs it: it must succeed,
    and print a document valid by the shipped schema ``schema``; that document."""
    from ohw.design.schemas import schema_validator

    done = run_ohw(*args, cwd=cwd, env=env)
    assert done.returncode == 0, done.stderr
    output = json.loads(done.stdout)
    schema_validator(schema).validate(output)
    return output


def git(*args: str | Path, cwd: Path) -> str:
    """Run the git command line, the reference client; fail the test if it fails."""
    done = subprocess.run(
        ["git", *map(str, args)], cwd=cwd, capture_output=True, text=True, check=False, timeout=60
    )
    assert done.returncode == 0, f"git {' '.join(map(str, args))} failed:\n{done.stderr}"
    return done.stdout


def run_check(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str]:
    """``ohw check ARGS`` run in this process: its exit code and what it printed."""
    from ohw.cli.main import main

    code = main(["check", *map(str, args)])
    return code, capsys.readouterr().out


def json_findings(
    capsys: pytest.CaptureFixture[str], *args: str | Path
) -> tuple[int, list[tuple[str, str, int | None, str]]]:
    """``ohw check --format json ARGS``: its exit code, and each finding of each
    design as (id, file, line, severity)."""
    code, out = run_check(capsys, "--format", "json", *args)
    return code, [
        (f["id"], f["file"], f["line"], f["severity"])
        for d in json.loads(out)["designs"]
        for f in d["findings"]
    ]


def mesh_json(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, dict]:
    """``ohw mesh --json ARGS`` run in this process: its exit code and its report,
    valid by the mesh-report schema."""
    import jsonschema

    from ohw.cli.main import main
    from ohw.design.schemas import load_schema

    code = main(["mesh", "--json", *map(str, args)])
    output = json.loads(capsys.readouterr().out)
    jsonschema.Draft202012Validator(load_schema("mesh-report")).validate(output)
    return code, output


def cannot_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make os.fork fail from now on (until the test ends) as it does where the
    system has no process to spare."""

    def refused() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refused)
