"""The one exception a user mistake raises; the command line turns it into a message."""

from __future__ import annotations


class OhwError(Exception):
    """A problem the user can fix: a message saying what is wrong and a hint saying how.

    The command line prints both without a traceback and exits with ``exit_code``
    (2, a usage or input error, unless a subclass says otherwise).
    """

    exit_code = 2

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
