"""Where every failure becomes a message and an exit code (ohw.cli.error_handler):
an interrupt 130, a user's mistake 2 with a hint, a bug 3 with the traceback
only when asked for."""

from __future__ import annotations

import click

from ohw.cli.error_handler import run
from ohw.errors import OhwError


def _failing_command(error: BaseException) -> click.Command:
    def callback() -> None:
        raise error

    return click.Command("fail", callback=callback)


def test_interrupt_exits_130_without_a_traceback(capsys):
    assert run(_failing_command(KeyboardInterrupt()), []) == 130
    assert "ohw: interrupted" in capsys.readouterr().err


def test_a_bug_says_so_and_shows_the_traceback_only_on_request(capsys, monkeypatch):
    assert run(_failing_command(ZeroDivisionError("boom")), []) == 3
    err = capsys.readouterr().err
    assert "internal error, a bug in ohw: ZeroDivisionError: boom" in err
    assert "OHW_DEBUG=1" in err
    assert "Traceback" not in err
    monkeypatch.setenv("OHW_DEBUG", "1")
    assert run(_failing_command(ZeroDivisionError("boom")), []) == 3
    assert "Traceback" in capsys.readouterr().err


def test_a_user_mistake_prints_message_and_hint(capsys):
    assert run(_failing_command(OhwError("the thing is wrong", "do this")), []) == 2
    assert capsys.readouterr().err == "ohw: the thing is wrong\nhint: do this\n"


def within_a_file_size_limit(limit: int):
    """For a child process: files may grow to ``limit`` bytes (ulimit -f), and
    going past it is an error, not a signal."""
    import resource
    import signal

    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return limited


def test_a_file_that_cannot_be_written_is_said_and_nothing_is_lost(tmp_path):
    import shutil
    import subprocess

    from support import EXAMPLES, OHW

    knob = tmp_path / "knob.stl"
    shutil.copyfile(EXAMPLES / "broken" / "mesh-inside-out" / "parts" / "knob.stl", knob)
    before = knob.read_bytes()
    done = subprocess.run(
        [OHW, "mesh", "repair", knob, "--in-place"],
        preexec_fn=within_a_file_size_limit(300),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert f"ohw: cannot write {knob}: File too large" in done.stderr
    assert "hint:" in done.stderr and "internal error" not in done.stderr
    assert knob.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["knob.stl"]  # no temporary left


def test_a_damaged_repository_is_said_with_what_to_do(tmp_path):
    from support.designs import desk_lamp_repository
    from support.run import git, run_ohw

    lamp = desk_lamp_repository(tmp_path / "lamp")
    blob = git("rev-parse", "HEAD:ohw.yaml", cwd=lamp).strip()
    stored = lamp / ".git" / "objects" / blob[:2] / blob[2:]
    stored.chmod(0o644)
    damaged = bytearray(stored.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    stored.write_bytes(bytes(damaged))
    for command in (["check", "--rev", "HEAD"], ["bom", "--rev", "HEAD"], ["fab", "--out", "k"]):
        done = run_ohw(*command, cwd=lamp)
        assert done.returncode == 2, (command, done.stderr)
        assert "ohw: the git repository cannot be read" in done.stderr
        assert "git fsck" in done.stderr
