"""The entry point of the ``ohw`` command. The commands are defined in ohw.cli.app;
a check whose recorded report still holds (ohw.startup.record) is answered
before click and the checks are loaded, and for any other check the meshes it
will want begin to be analysed then (ohw.startup.ahead)."""

from __future__ import annotations

import os
import sys

# typing costs 3 ms to load, and this module is loaded before a check forks.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NoReturn


def program() -> NoReturn:
    """The ``ohw`` program: ``main``, then an exit at once, without Python's
    teardown of every module loaded, which takes 20 to 30 ms after a check
    (against 0.4 s for the whole check of a design of 70 meshes). Nothing is
    lost: everything ohw writes is closed when its command returns, and the
    output is flushed here."""
    try:
        code = main(remember_interrupts=True)
    except KeyboardInterrupt:  # while the command was being loaded
        code = _interrupted(None)
    if _interrupts:
        code = _interrupted(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        from ohw.cli.error_handler import reader_gone

        code = reader_gone()
    os._exit(code)


# Each Ctrl-C of this run. Python raises KeyboardInterrupt wherever the main
# thread is; where that is a finaliser (a __del__, a weakref callback), it only
# prints it and goes on, and the run would end as if never interrupted.
_interrupts: list[int] = []


def _remember_interrupts() -> None:
    """Each Ctrl-C from now on remembered, where Ctrl-C is not ignored (a job
    in the background). Not before a check's workers fork: signal loads enum."""
    import signal

    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _interrupt)
        sys.unraisablehook = _unraisable


def _interrupt(signal_number: int, frame: object) -> None:
    _interrupts.append(signal_number)
    raise KeyboardInterrupt


def _unraisable(unraisable: sys.UnraisableHookArgs) -> None:
    if unraisable.exc_type is not KeyboardInterrupt:  # a Ctrl-C is said once, at the end
        sys.__unraisablehook__(unraisable)


def _interrupted(code: int | None) -> int:
    """The exit code of a run interrupted, which ended with ``code`` (None: it
    ended with KeyboardInterrupt), saying so unless it has."""
    from ohw.cli.error_handler import EXIT_INTERRUPTED, interrupted

    return code if code == EXIT_INTERRUPTED else interrupted()


# What ohw writes that an encoding other than UTF-8 may lack, as ASCII.
_IN_ASCII = {
    "✔": "+", "✘": "x", "×": "x", "→": "->", "³": "3", "²": "2", "…": "...", "·": "-",
    "─": "-", "│": "|", "└": "`", "├": "|",
}  # fmt: skip


def _ascii_instead(error: UnicodeError) -> tuple[str, int]:
    """The codec error handler for text an output stream cannot encode: ohw's
    marks in ASCII, anything else as a backslash escape (as git shows it)."""
    assert isinstance(error, UnicodeEncodeError)
    text = error.object[error.start : error.end]
    shown = "".join(
        _IN_ASCII.get(c) or c.encode("ascii", "backslashreplace").decode() for c in text
    )
    return shown, error.end


def _encodable_output() -> None:
    """Output streams that never fail on a character their encoding lacks
    (PYTHONIOENCODING=cp1252, or ascii, as redirected output may be)."""
    import codecs

    codecs.register_error("ohw-ascii", _ascii_instead)
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("_", "-")
        if not encoding.startswith("utf") and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="ohw-ascii")


def main(argv: list[str] | None = None, *, remember_interrupts: bool = False) -> int:
    """Run the ``ohw`` command ``argv`` (the program's arguments if None) and
    return its exit code; ``remember_interrupts`` when this process is ohw's own."""
    # ohw's numpy work is element by element: BLAS threads would only compete
    # with ohw's own threads and processes, and starting them costs a third of
    # numpy's import time.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    _encodable_output()
    arguments = sys.argv[1:] if argv is None else list(argv)
    if arguments[:1] != ["check"]:
        if remember_interrupts:
            _remember_interrupts()
        return _run(arguments)
    try:
        replayed = _replay(arguments[1:])
        if replayed is not None:
            return replayed
        from ohw.startup.ahead import start_ahead, take_ahead

        start_ahead(arguments[1:])
    except BrokenPipeError:
        from ohw.cli.error_handler import reader_gone

        return reader_gone()
    except KeyboardInterrupt:
        from ohw.cli.error_handler import interrupted

        return interrupted()
    if remember_interrupts:
        _remember_interrupts()
    try:
        return _run(arguments)
    finally:
        workers = take_ahead()  # not taken by the check: click refused the arguments
        if workers is not None:
            workers.close()


def _run(arguments: list[str]) -> int:
    from ohw.cli.error_handler import guarded, run

    plain = plain_remote_command(arguments)
    if plain is not None:
        return guarded(lambda: _run_remote_command(*plain))
    from ohw.cli.app import cli

    return run(cli, arguments)


# The commands that move a design between repositories, by how many arguments
# each takes without an option: given those alone (as scripts and people most
# often give them), they run without click, which takes a quarter of the time
# ohw adds to git's on a clone of a path (ohw.cli.app defines them for click,
# with their options and help; a test holds the two to the same reading).
PLAIN_REMOTE_COMMANDS = {"clone": (1, 2), "fork": (1, 2), "pull": (0, 1), "update": (0, 0)}


def plain_remote_command(arguments: list[str]) -> tuple[str, list[str | None]] | None:
    """The command and its arguments (None for one not given, up to as many as
    it takes), where ``arguments`` are one of PLAIN_REMOTE_COMMANDS and only as
    many arguments as it takes, none an option; else None, for click to read."""
    name, given = (arguments[0], arguments[1:]) if arguments else ("", [])
    least, most = PLAIN_REMOTE_COMMANDS.get(name, (1, 0))
    if not least <= len(given) <= most or any(argument.startswith("-") for argument in given):
        return None
    return name, [*given, *[None] * (most - len(given))]


def _run_remote_command(name: str, values: list[str | None]) -> int:
    from ohw.cli.commands import remotes

    if name in ("clone", "fork"):
        url, destination = values
        assert url is not None
        if name == "clone":
            return remotes.clone(url, destination)
        return remotes.fork(url, destination, None, None)
    if name == "pull":
        return remotes.pull_command(values[0], None)  # None: --format's default
    return remotes.update_command(None)


def _replay(arguments: list[str]) -> int | None:
    """The exit code of a check answered from its record, or None to check."""
    from ohw.startup.record import replay

    recorded = replay(arguments)
    if recorded is None:
        return None
    if recorded.output_file is None:
        sys.stdout.write(recorded.output)
        sys.stdout.flush()
    else:
        from pathlib import Path

        from ohw.storage.files import write_atomically

        try:
            write_atomically(Path(recorded.output_file), recorded.output.encode("utf-8"))
        except OSError:
            return None  # the check will say what is wrong with the file
    return recorded.exit_code
