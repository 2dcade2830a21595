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
