"""Where every failure becomes a message and an exit code, never a traceback.

A user mistake (OhwError, or a usage error click finds) prints what is wrong and
how to fix it. Anything else is a bug in ohw: it says so, and shows the
traceback only when OHW_DEBUG is set.
"""

from __future__ import annotations

import errno
import os
import sys

# typing takes 3 ms to load, and a clone run without click needs nothing of it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    import click

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_BUG = 3
EXIT_INTERRUPTED = 130


def _say(message: str, hint: str = "") -> None:
    from rich.console import Console
    from rich.text import Text

    from ohw.report.styled import printable

    console = Console(stderr=True, highlight=False, soft_wrap=True)
    console.print(Text.assemble(("ohw: ", "bold red"), printable(message)))
    if hint:
        console.print(Text(f"hint: {printable(hint)}", style="dim"))


def interrupted() -> int:
    _say("interrupted")
    return EXIT_INTERRUPTED


def reader_gone() -> int:
    """The reader went away (ohw ... | head): nothing more to say, nowhere to say it."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_OK


def run(command: click.Command, argv: list[str] | None) -> int:
    import click

    def parsed_and_run() -> object:
        try:
            # The arguments go along as the context's object: a check records its
            # report under them (ohw.startup.record).
            return command.main(args=argv, prog_name="ohw", standalone_mode=False, obj=argv)
        except click.exceptions.Exit as done:  # --help, --version
            return done.exit_code
        except click.ClickException as error:
            error.show()
            return EXIT_USAGE
        except click.exceptions.Abort:
            raise KeyboardInterrupt from None

    return guarded(parsed_and_run)


def guarded(command: Callable[[], object]) -> int:
    """Run ``command``; its exit code (0 where it returns none), or what a
    failure says and its exit code."""
    from ohw.errors import OhwError

    try:
        result = command()
    except OhwError as error:
        _say(error.message, error.hint)
        return error.exit_code
    except KeyboardInterrupt:
        return interrupted()
    except BrokenPipeError:
        return reader_gone()
    except Exception as error:
        told = _of_the_surroundings(error)
        if told is not None:
            _say(*told)
            return EXIT_USAGE
        _say(
            f"internal error, a bug in ohw: {type(error).__name__}: {error}",
            "please report it with the command you ran"
            + ("" if os.environ.get("OHW_DEBUG") else "; set OHW_DEBUG=1 to see the traceback"),
        )
        if os.environ.get("OHW_DEBUG"):
            import traceback  # 10 ms to load, for a bug alone

            traceback.print_exc()
        return EXIT_BUG
    return result if isinstance(result, int) else EXIT_OK


# What the system says of a file ohw could not write, and what to do about it.
_CANNOT_WRITE_HINTS = {
    errno.ENOSPC: "free some space on that disk and run the command again",
    errno.EDQUOT: "free some space within your disk quota and run the command again",
    errno.EFBIG: "the file is larger than this system lets the command write (ulimit -f)",
    errno.EROFS: "the file system is read-only: work on a copy elsewhere",
    errno.EACCES: "you may not write there: check the folder's permissions",
    errno.EPERM: "you may not write there: check the folder's permissions",
}


def _of_the_surroundings(error: Exception) -> tuple[str, str] | None:
    """The message and hint for a failure of what ohw works in, not of ohw: a
    disk full or read-only (as git says "fatal: could not write"), or a damaged
    git repository; None for anything else, which is a bug."""
    if isinstance(error, OSError) and error.errno in _CANNOT_WRITE_HINTS:
        where = f" {error.filename}" if error.filename else ""
        return f"cannot write{where}: {error.strerror}", _CANNOT_WRITE_HINTS[error.errno]
    pygit2 = sys.modules.get("pygit2")  # loaded, if git was used at all
    if pygit2 is not None and isinstance(error, pygit2.GitError):
        return (
            f"the git repository cannot be read: {error}",
            "run `git fsck` to see what is damaged; restore it from a clone or a backup",
        )
    return None
