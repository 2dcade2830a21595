"""A check's report kept with everything it depended on, so that checking an
unchanged design again answers at once.

CI jobs and pre-commit run ``ohw check`` again and again on the same tree. The
mesh cache makes that cheap; a record makes it nearly free. With the report are
kept:

- the arguments, the folder the check ran in, and the environment variables
  that shape what it finds or how its report looks;
- ohw's own code, the Python running it, and the folders its libraries are
  installed in (installing or upgrading a package changes them);
- the stat of every file and folder of each design (mode, size, times, inode:
  what git's own index keeps), and of the git configuration and ignore files
  that decide which of them git ignores.

A record answers only while all of that is as it was. None is kept if a file
changed within two seconds before the check began: changed again within one
tick of the file system's clock, it would look unchanged (git's "racy" files).
Nor is one kept for a check that reads git's history (``--rev``,
``--changed-since``), follows a symbolic link, runs while a merge waits to be
finished, or was told to analyse every mesh.

This module is loaded before click and the checks, so that a record answers
without them: it loads nothing Python has not loaded at start-up but binascii
(records are kept with marshal, which Python's own bytecode files use).
"""

from __future__ import annotations

import binascii
import marshal
import os
import stat
import sys
import time

from ohw.startup.arguments import read_check_arguments
from ohw.storage.locations import UNFINISHED, cache_folder, repository_of

TYPE_CHECKING = False  # typing itself is not loaded: it costs more than a replay
if TYPE_CHECKING:
    from typing import Any

    Stamp = list[Any]  # what stat says of one file or folder

FORMAT = 1
_RACY_NS = 2_000_000_000
# Environment variables read by ohw, git, rich or Python's I/O that change what
# a check finds or how its report is written.
_ENVIRONMENT_PREFIXES = ("OHW_", "GIT_", "XDG_", "LC_", "PYTHON")
_ENVIRONMENT = (
    "HOME",
    "LANG",
    "TERM",
    "COLORTERM",
    "NO_COLOR",
    "FORCE_COLOR",
    "TTY_COMPATIBLE",
    "TTY_INTERACTIVE",
    "COLUMNS",
    "LINES",
    "CLICOLOR",
    "CLICOLOR_FORCE",
    "GITHUB_ACTIONS",
    "CI",
)
# The settings of a git configuration file that name another file that
# matters: an included configuration, or a file of ignore rules.
_NAMING_A_FILE = ("path", "excludesfile")
_UNFINISHED_MARKERS = tuple(os.sep + marker for marker, _ in UNFINISHED)


class Replay:
    """A recorded report that still holds: what to write, where, and the exit code."""

    def __init__(self, output: str, output_file: str | None, exit_code: int) -> None:
        self.output, self.output_file, self.exit_code = output, output_file, exit_code


class Snapshot:
    """The state of everything a check of some designs depends on, taken before
    it reads anything."""

    def __init__(self, state: dict[str, Any], recordable: bool) -> None:
        self.state = state
        self.recordable = recordable  # nothing racy, no symbolic link, no merge waiting


def take_snapshot(paths: list[str]) -> Snapshot | None:
    """The state of the designs at ``paths`` (as given to ``ohw check``), or
    None if it cannot be taken (a folder that cannot be read)."""
    taken = time.time_ns()
    try:
        state, newest, unrecordable = _state(paths)
    except OSError:
        return None
    return Snapshot(state, recordable=not unrecordable and newest < taken - _RACY_NS)


def record(
    arguments: list[str], snapshot: Snapshot, output: str, output_file: str | None, exit_code: int
) -> None:
    """Keep the report of a check run with ``arguments`` (after ``check``). A
    record is only ever a shortcut: one that cannot be written is not kept."""
    if not snapshot.recordable:
        return
    from pathlib import Path

    from ohw.storage.files import write_atomically

    try:
        key = _key(arguments)
        entry = {
            "key": key,
            "state": snapshot.state,
            "output": output,
            "output_file": output_file,
            "exit_code": exit_code,
        }
        path = Path(_record_path(arguments, key))
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, marshal.dumps(entry))
    except OSError:
        pass


def replay(arguments: list[str]) -> Replay | None:
    """The recorded report of a check run with ``arguments`` (after ``check``),
    if nothing it depended on has changed since."""
    try:
        key = _key(arguments)
        with open(_record_path(arguments, key), "rb") as stream:
            entry = marshal.loads(stream.read())
        if entry["key"] != key:
            return None
        state, _, _ = _state(entry["state"]["given"])
        if state != entry["state"]:
            return None
        return Replay(entry["output"], entry["output_file"], int(entry["exit_code"]))
    except (OSError, EOFError, ValueError, KeyError, TypeError):
        return None


def _key(arguments: list[str]) -> dict[str, Any]:
    environment = {
        name: value
        for name, value in os.environ.items()
        if name.startswith(_ENVIRONMENT_PREFIXES) or name in _ENVIRONMENT
    }
    return {
        "format": FORMAT,
        "arguments": arguments,
        "folder": os.getcwd(),
        "environment": environment,
        "terminal": sys.stdout.isatty(),
        "python": [sys.executable, sys.version],
        "code": _code_stamp(),
    }


def _record_path(arguments: list[str], key: dict[str, Any]) -> str:
    # repr, not marshal: equal keys always give the same text. A clash of two
    # keys only costs a check, as the whole key is compared.
    name = f"{binascii.crc32(repr(key).encode()):08x}.marshal"
    return os.path.join(_directory(arguments), "check-records", f"v{FORMAT}", name)


def _directory(arguments: list[str]) -> str:
    """Where records are kept: in --cache-dir if given, else where the cache for
    the current folder is (ohw.storage.cache)."""
    read = read_check_arguments(arguments)
    return (read and read.values.get("--cache-dir")) or cache_folder(".")


def _code_stamp() -> list[Any]:
    """The stat of ohw's own files and of the folders Python imports from."""
    package = os.path.dirname(os.path.abspath(__file__))
    stamps: list[Any] = []
    for folder, folders, files in os.walk(package):
        folders[:] = sorted(f for f in folders if f != "__pycache__")
        for name in sorted(files):
            status = os.stat(os.path.join(folder, name))
            stamps.append([folder, name, status.st_size, status.st_mtime_ns])
    for entry in sys.path:
        try:
            stamps.append([entry, os.stat(entry or ".").st_mtime_ns])
        except OSError:
            stamps.append([entry, None])
    return stamps


def _state(paths: list[str]) -> tuple[dict[str, Any], int, bool]:
    """The state of the designs given as ``paths``; the newest change to any of
    their files, in nanoseconds; whether it cannot be recorded: a symbolic link
    is among them, or git is in the middle of a merge (git's index, which says
    what is still conflicted, changes with no file of the design)."""
    newest, unrecordable = 0, False
    designs = []
    outside: dict[str, Stamp | None] = {}
    for given in paths or ["."]:
        real = os.path.realpath(given)
        if os.path.basename(real) == "ohw.yaml" and os.path.isfile(
            real
        ):  # the manifest stands for its design
            real = os.path.dirname(real)
        entries = _entries(real) if os.path.isdir(real) else []
        for _, stamp in entries:
            if stamp is None:  # a .git
                continue
            if stat.S_ISLNK(stamp[0]):
                unrecordable = True
            elif stat.S_ISREG(stamp[0]):
                newest = max(newest, stamp[2], stamp[3])
        designs.append([given, real, _stamp(real), entries])
        files, places = _ignore_rules(real)
        for path in files:
            outside[path] = _stamp(path)
            if outside[path] is not None and path.endswith(_UNFINISHED_MARKERS):
                unrecordable = True
        for path in places:  # git writes in them all the time: only what they are counts
            outside[path] = _kind(path)
    for stamp in outside.values():
        if stamp is not None and len(stamp) > 1:
            newest = max(newest, stamp[2], stamp[3])
    return {"given": list(paths), "designs": designs, "outside": outside}, newest, unrecordable


def _stamp(path: str) -> Stamp | None:
    try:
        return _stamp_of(os.lstat(path))
    except OSError:
        return None


def _stamp_of(status: os.stat_result) -> Stamp:
    return [status.st_mode, status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino]


def _kind(path: str) -> Stamp | None:
    try:
        return [stat.S_IFMT(os.lstat(path).st_mode)]
    except OSError:
        return None


def _entries(folder: str) -> list[list[Any]]:
    """Every file and folder under ``folder`` with its stamp, in a fixed order.
    A ``.git`` is noted but not entered: git changes it on every command, and
    what a check needs of it (the ignore rules) is stamped on its own."""
    found: list[list[Any]] = []
    pending = [""]
    while pending:
        relative = pending.pop()
        with os.scandir(os.path.join(folder, relative)) as listing:
            entries = sorted(listing, key=lambda e: e.name)
        for entry in entries:
            name = f"{relative}/{entry.name}" if relative else entry.name
            if entry.name == ".git":
                found.append([name, None])
                continue
            status = entry.stat(follow_symlinks=False)
            found.append([name, _stamp_of(status)])
            if stat.S_ISDIR(status.st_mode):
                pending.append(name)
    return found


def _ignore_rules(folder: str) -> tuple[list[str], list[str]]:
    """What decides, from outside ``folder``, what git ignores in it: the files
    (the ``.gitignore`` of each folder up to the repository's root, the
    repository's exclude file, configuration and HEAD, the user's and the
    system's configuration with the files they name) and the places whose being
    there counts (a ``.git`` in each folder above, the git directory)."""
    repository = repository_of(folder)
    root = repository[0] if repository else None
    files: list[str] = []
    places = [os.path.join(folder, ".git")]
    current = folder
    while current != root and os.path.dirname(current) != current:
        current = os.path.dirname(current)
        files.append(os.path.join(current, ".gitignore"))
        places.append(os.path.join(current, ".git"))
    configs = []
    if repository is not None:
        places.append(repository[1])  # where .git says the git directory is
        git_dirs = [repository[1]]
        try:
            with open(os.path.join(repository[1], "commondir"), encoding="utf-8") as stream:
                git_dirs.append(os.path.join(repository[1], stream.read().strip()))
        except OSError:
            pass  # not a worktree: the git directory is the common one
        files += [os.path.join(g, "info", "exclude") for g in git_dirs]
        # The branch checked out: configuration included "onbranch:" may change
        # what is ignored, with not a file of the design changed.
        files.append(os.path.join(repository[1], "HEAD"))
        # A merge begun or finished: which files are conflicted changes.
        files += [os.path.join(repository[1], marker) for marker, _ in UNFINISHED]
        configs += [os.path.join(g, "config") for g in git_dirs]
    home = os.path.expanduser("~")
    config_home = os.environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config")
    files.append(os.path.join(config_home, "git", "ignore"))
    configs += [
        os.path.join(home, ".gitconfig"),
        os.path.join(config_home, "git", "config"),
        "/etc/gitconfig",
    ]
    return files + _named_files(configs), places


def _named_files(configs: list[str]) -> list[str]:
    """The configuration files ``configs``, and every file they (and the files
    they include) name as included configuration or as ignore rules."""
    found: list[str] = []
    pending = list(configs)
    while pending:
        config = pending.pop()
        if config in found:
            continue
        found.append(config)
        try:
            with open(config, encoding="utf-8", errors="replace") as stream:
                lines = stream.read().splitlines()
        except OSError:
            continue
        for line in lines:
            name, equals, value = line.partition("=")
            if equals and name.strip().lower() in _NAMING_A_FILE:
                path = os.path.expanduser(value.strip().strip('"'))
                pending.append(os.path.join(os.path.dirname(config), path))
    return found
