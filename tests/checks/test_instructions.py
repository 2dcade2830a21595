"""OHW6xx and the instructions' files (ohw.checks.instructions): a Markdown
name in the instructions that is no file of the design is reported, not
skipped: a link out of the design (OHW203), a pipe (OHW201)."""

from __future__ import annotations

import os

from support.designs import desk_lamp_repository
from support.run import json_findings


def test_a_step_linked_from_outside_the_design_is_reported(tmp_path, capsys):
    lamp = desk_lamp_repository(tmp_path / "lamp")
    outside = tmp_path / "outside.md"
    outside.write_text("# Step\\n")
    (lamp / "instructions" / "02-linked.md").symlink_to(outside)
    code, found = json_findings(capsys, lamp)
    assert code == 1
    assert ("OHW203", "instructions/02-linked.md", None, "error") in found


def test_a_step_that_is_a_pipe_is_reported_and_never_opened(tmp_path, capsys):
    lamp = desk_lamp_repository(tmp_path / "lamp")
    os.mkfifo(lamp / "instructions" / "02-pipe.md")  # opening it would wait forever
    code, found = json_findings(capsys, lamp)
    assert code == 1
    assert ("OHW201", "instructions/02-pipe.md", None, "error") in found


def test_a_step_linked_from_inside_the_design_is_read(tmp_path, capsys):
    lamp = desk_lamp_repository(tmp_path / "lamp")
    (lamp / "instructions" / "02-again.md").symlink_to("01-wire-the-head.md")
    code, found = json_findings(capsys, lamp)
    assert code == 0, found
