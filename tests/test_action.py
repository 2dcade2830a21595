"""The GitHub Action (action.yml): a composite action whose shell steps are run
here with bash, as the runner runs them, on real designs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml
from support import EXAMPLES, ROOT
from support.designs import defective_design

ACTION = yaml.safe_load((ROOT / "action.yml").read_text())


def step(name: str) -> dict:
    [found] = [s for s in ACTION["runs"]["steps"] if s.get("name") == name]
    return found


def run_step(name: str, cwd: Path, temp: Path, **inputs: str) -> subprocess.CompletedProcess[str]:
    """The step's script, with its environment as the runner would set it from
    ``inputs`` (the action's defaults for the others) and ``temp`` as runner.temp."""
    values = {key: spec.get("default", "") for key, spec in ACTION["inputs"].items()} | inputs
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    for key, expression in step(name).get("env", {}).items():
        if expression.startswith("${{ inputs."):
            env[key] = values[expression.removeprefix("${{ inputs.").removesuffix(" }}")]
        else:
            assert expression == "${{ runner.temp }}/ohw-cache"
            env[key] = str(temp / "ohw-cache")
    return subprocess.run(
        ["bash", "-e", "-c", step(name)["run"]],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_the_action_is_composite_and_installs_ohw_from_itself():
    assert ACTION["runs"]["using"] == "composite"
    assert '"$GITHUB_ACTION_PATH"' in step("Install ohw")["run"]
    uses = [s.get("uses", "").split("@")[0] for s in ACTION["runs"]["steps"]]
    assert "actions/cache" in uses and "github/codeql-action/upload-sarif" in uses


def test_the_check_step_annotates_and_fails_a_broken_design(tmp_path):
    design = defective_design(tmp_path / "broken")
    done = run_step("Check the design", design, tmp_path)
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith("::error file=instructions/01-assemble.md,line=4,col=10,")
    plain = run_step("Check the design", design, tmp_path, annotations="false", strict="true")
    assert plain.returncode == 1
    assert "::" not in plain.stdout and "✘ defective" in plain.stdout


def test_the_check_step_passes_a_good_design(tmp_path):
    done = run_step("Check the design", EXAMPLES / "desk-lamp", tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_sarif_step_writes_sarif_and_leaves_the_verdict_to_the_check(tmp_path):
    design = defective_design(tmp_path / "broken")
    done = run_step("Write SARIF", design, tmp_path, **{"sarif-file": "ohw.sarif"})
    assert done.returncode == 0, done.stderr
    log = json.loads((design / "ohw.sarif").read_text())
    assert log["runs"][0]["results"]
    # A usage error is not a finding: it fails the step.
    assert run_step("Write SARIF", tmp_path, tmp_path, **{"sarif-file": "x.sarif"}).returncode == 2
