"""The arguments of ``ohw check``, read before click is loaded: to replay a
recorded report (ohw.startup.record) and to start analysing meshes
(ohw.mesh.batch) while click and the checks load. click reads them again and
says what is wrong with them, so this reading only has to be right for the
arguments click takes, and gives up on anything else.
"""

from __future__ import annotations

# The options of ``ohw check`` (ohw.cli.app), by whether they take a value; a test
# holds these to the command's own.
VALUED = ("--rev", "--changed-since", "--format", "--output", "--cache-dir", "--profile")
SHORT = {"-o": "--output"}
FLAGS = ("--json", "--strict", "--no-cache")


class CheckArguments:
    """The designs a check is given, and its options: ``values`` by long option
    name (the last given, as click takes it), ``flags`` the flags given."""

    def __init__(self, paths: list[str], values: dict[str, str], flags: set[str]) -> None:
        self.paths, self.values, self.flags = paths, values, flags

    @property
    def reads_history(self) -> bool:
        """Whether the check reads git's history: a commit, or what changed since one."""
        return "--rev" in self.values or "--changed-since" in self.values


def read_check_arguments(arguments: list[str]) -> CheckArguments | None:
    """The arguments after ``check``, or None where they are not what click
    takes (an unknown option, ``--help``, a value missing)."""
    paths: list[str] = []
    values: dict[str, str] = {}
    flags: set[str] = set()
    pending = iter(arguments)
    for argument in pending:
        if argument == "--":
            paths += pending
            break
        if not argument.startswith("-") or argument == "-":
            paths.append(argument)
        elif argument in FLAGS:
            flags.add(argument)
        else:
            if argument[:2] in SHORT:  # -o FILE, or -oFILE
                name, value = SHORT[argument[:2]], argument[2:] or next(pending, None)
            else:
                name, equals, given = argument.partition("=")
                value = given if equals else next(pending, None)
            if name not in VALUED or value is None:
                return None
            values[name] = value
    return CheckArguments(paths, values, flags)
