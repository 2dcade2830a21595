"""The git command line, where git does a job better than libgit2 or where its
answer is the rule: clones and fetches from a repository on this machine, and
who the author and committer of a commit are.

libgit2's local transport builds a new pack of every object it sends, which
for a repository of meshes takes ten times as long as git, whose upload-pack
sends the packs it already has (and whose clone of a path links them). git's
own rules for an identity (includes, conditional includes, GIT_CONFIG_GLOBAL,
EMAIL, user.useConfigOnly, ...) are what ``git var`` says. Callers fall back on
libgit2 where git is not installed (``GitMissing``).
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

# typing takes 3 ms to load, a clone's start-up needs nothing of it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import IO

# Messages and progress as git writes them in English, to be read here.
_ENVIRONMENT = {"LC_ALL": "C", "LANGUAGE": "C", "GIT_TERMINAL_PROMPT": "0"}
_QUICK_SECONDS = 60  # what a question to git that moves no data may take
_PROGRESS = re.compile(
    r"(?:Receiving objects|Updating files):\s+\d+% \((\d+)/(\d+)\)"
    r"(?:, ([\d.]+) (bytes|KiB|MiB|GiB))?"
)
_UNITS = {"bytes": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30}


class GitMissing(Exception):
    """The git command line is not installed (or cannot be run)."""


class GitFailed(Exception):
    """git ran and failed; the message is what it said, "fatal: " taken off."""


class Signature:
    """A name, an e-mail and a time, as git would record them. (Not a
    dataclass: loading dataclasses takes 10 ms, a twentieth of a clone.)"""

    __slots__ = ("email", "name", "offset", "time")

    def __init__(self, name: str, email: str, time: int, offset: int) -> None:
        self.name = name
        self.email = email
        self.time = time  # seconds since 1970, UTC
        self.offset = offset  # minutes east of UTC


def is_local(url: str) -> bool:
    """Whether ``url`` names a repository on this machine: a path or a file:// URL."""
    return url.startswith("file://") or ("://" not in url and not _scp_like(url))


def _scp_like(url: str) -> bool:
    """host:path, as ssh understands it (a colon before any slash)."""
    head = url.split("/", 1)[0]
    return ":" in head and not re.match(r"^[A-Za-z]:$", head[:2])


def transfer(
    verb: str,
    arguments: Sequence[str],
    cwd: Path,
    progress: Callable[[int, int, int], None] | None,
    *,
    config: Sequence[str] = (),
    meanwhile: Callable[[], object] | None = None,
) -> None:
    """Run ``git clone``, ``git fetch`` or ``git checkout`` (``verb``) with
    ``arguments`` and the settings ``config`` ("key=value"), its progress given
    to ``progress`` (objects, total, bytes) if asked for, and ``meanwhile`` in
    a thread of its own while git works (see ``in_the_meantime``). The child
    dies with this process: a clone or fetch killed half-way does not go on
    writing."""
    command = ["git", *(part for setting in config for part in ("-c", setting)), verb]
    command += ["--progress" if progress else "--quiet", *arguments]
    try:
        child = subprocess.Popen(
            command,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=os.environ | _ENVIRONMENT,
            preexec_fn=_die_with_parent(),  # noqa: PLW1509 (only where no other thread runs)
        )
    except OSError as error:
        raise GitMissing(str(error)) from None
    said: list[str] = []
    waiting = in_the_meantime(meanwhile)
    try:
        assert child.stderr is not None
        for line in _lines(child.stderr):
            found = _PROGRESS.search(line)
            if found is None:
                said.append(line)
                del said[:-20]
            elif progress is not None:
                size = float(found[3] or 0) * _UNITS.get(found[4] or "bytes", 1)
                progress(int(found[1]), int(found[2]), int(size))
        code = child.wait()
    except BaseException:
        child.kill()
        child.wait()
        raise
    finally:
        waiting.join()
    if code != 0:
        raise GitFailed(_failure(said, code))


class _Meantime(threading.Thread):
    def __init__(self, work: Callable[[], object] | None) -> None:
        super().__init__(daemon=True)
        self.work = work

    def run(self) -> None:
        if self.work is not None:
            # What fails here fails again, and is said, where the command does it.
            with contextlib.suppress(Exception):
                self.work()


def in_the_meantime(work: Callable[[], object] | None) -> threading.Thread:
    """``work`` (loading the modules a command needs once git is done, for one)
    begun in a thread while this one waits for git: Python lets the other
    thread run while this one waits on a pipe. Started only after git is, as
    a child forked while other threads run could inherit a lock one of them
    holds. The thread is to be joined."""
    thread = _Meantime(work)
    thread.start()
    return thread


# A design's files are mostly meshes, megabytes each, which git inflates from
# its pack one after the other unless asked to check them out in parallel: for
# the 62 meshes of the Voron 0 a clone of a path takes two thirds of the time
# with two workers. git's own threshold (100 files) is made for source code.
_PARALLEL_FROM_FILES = 16


def parallel_checkout(cwd: Path) -> list[str]:
    """The settings ("key=value") that make git check out a clone's files in
    parallel, a worker for each processor this process may use, where there are
    at least _PARALLEL_FROM_FILES files; none where git's configuration (as
    seen from ``cwd``) says how itself, or where there is one processor."""
    workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if not workers or workers < 2:
        return []
    try:
        configured = subprocess.run(
            ["git", "config", "--get-regexp", r"^checkout\.(workers|thresholdforparallelism)$"],
            cwd=cwd,
            capture_output=True,
            env=os.environ | _ENVIRONMENT,
            timeout=_QUICK_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return []
    if configured.returncode != 1:  # 0: set by the person; else git cannot say
        return []
    return [
        f"checkout.workers={workers}",
        f"checkout.thresholdForParallelism={_PARALLEL_FROM_FILES}",
    ]


def _lines(stream: IO[bytes]) -> Iterator[str]:
    """What git writes to its standard error, line by line; a progress line ends
    with a carriage return and is written again, further on, over itself."""
    pending = b""
    while chunk := os.read(stream.fileno(), 65536):
        pending += chunk
        *complete, pending = re.split(rb"[\r\n]", pending)
        for line in complete:
            if line.strip():
                yield line.decode("utf-8", "replace").strip()
    if pending.strip():
        yield pending.decode("utf-8", "replace").strip()


def _failure(said: list[str], code: int) -> str:
    fatal = [line for line in said if line.startswith(("fatal:", "error:"))]
    text = "; ".join(line.split(":", 1)[1].strip() for line in fatal) or "; ".join(said[-3:])
    return text or f"git ended with exit code {code}"


def _die_with_parent() -> Callable[[], None] | None:
    """On Linux, what makes a child process get SIGKILL when ohw dies, however
    it dies (prctl PR_SET_PDEATHSIG). Run between fork and exec, so only while
    ohw runs no other thread (one could hold a lock the child would wait for)."""
    if not sys.platform.startswith("linux") or threading.active_count() > 1:
        return None
    import ctypes
    import signal

    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    kill = int(signal.SIGKILL)

    def die_with_parent() -> None:
        prctl(1, kill)  # PR_SET_PDEATHSIG

    return die_with_parent


def ask(arguments: Sequence[str], cwd: Path, given: bytes | None = None) -> str:
    """What ``git ARGUMENTS`` prints, run in ``cwd`` and given ``given`` to read;
    GitFailed with what it says if it fails, GitMissing if there is no git."""
    (told,) = answered([_answer(_asked(arguments, cwd, given is not None), given)])
    return told.decode("utf-8", "surrogateescape")


def ask_at_once(questions: Sequence[Sequence[str]], cwd: Path) -> list[bytes | GitFailed]:
    """What each ``git QUESTION`` prints, or how it failed, all asked at once:
    each git runs in a few milliseconds, most of them spent starting.
    GitMissing if there is no git."""
    asked = []
    try:
        for arguments in questions:
            asked.append(_asked(arguments, cwd, False))
    finally:
        answers = [_answer(child, None) for child in asked]
    return answers


def answered(answers: list[bytes | GitFailed]) -> list[bytes]:
    """``answers``, or the first failure among them raised."""
    for answer in answers:
        if isinstance(answer, GitFailed):
            raise answer
    return [answer for answer in answers if not isinstance(answer, GitFailed)]


def _asked(arguments: Sequence[str], cwd: Path, to_read: bool) -> subprocess.Popen[bytes]:
    try:
        return subprocess.Popen(
            ["git", *arguments],
            cwd=cwd,
            stdin=subprocess.PIPE if to_read else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=os.environ | _ENVIRONMENT,
        )
    except OSError as error:
        raise GitMissing(str(error)) from None


def _answer(child: subprocess.Popen[bytes], given: bytes | None) -> bytes | GitFailed:
    """What ``child`` printed, or how it failed; it is waited for."""
    try:
        said, complaint = child.communicate(given, timeout=_QUICK_SECONDS)
    except subprocess.TimeoutExpired as error:
        child.kill()
        child.communicate()
        raise GitMissing(str(error)) from None
    if child.returncode != 0:
        lines = [line.strip() for line in complaint.decode("utf-8", "replace").splitlines()]
        return GitFailed(_failure([line for line in lines if line], child.returncode))
    return said


def refresh_index(cwd: Path) -> None:
    """The index's record of each tracked file's size and times brought up to
    date (``git update-index --refresh``, as ``git status`` does), where git
    is installed. Where that record no longer matches the files (a copied or
    restored folder, files touched, or written in the second the index was),
    libgit2 reads every such file again for each look at the work tree and
    never records what it found: a merge read the Voron 0's 62 meshes twice.
    What is staged does not change; where git cannot (no git, the index
    locked), nothing is done, and libgit2 meets what is wrong itself."""
    with contextlib.suppress(GitMissing, GitFailed):
        ask(["update-index", "-q", "--refresh"], cwd)


_IDENT = re.compile(r"^(.*?) <(.*)> (\d+) ([+-])(\d\d)(\d\d)$")


# Who git would record as author and as committer, by all of git's rules: what
# these print ("Name <email> seconds +hhmm"), asked at once.
_KINDS = ("AUTHOR", "COMMITTER")
WHO_COMMITS = tuple(["var", f"GIT_{kind}_IDENT"] for kind in _KINDS)


def author_and_committer(cwd: Path) -> tuple[Signature, Signature]:
    """The author and committer git would record in ``cwd`` (WHO_COMMITS)."""
    said = answered(ask_at_once(WHO_COMMITS, cwd))
    author, committer = (_signature(kind, told) for kind, told in zip(_KINDS, said, strict=True))
    return author, committer


def _signature(kind: str, said: bytes) -> Signature:
    told = said.decode("utf-8", "surrogateescape").strip()
    found = _IDENT.match(told)
    if found is None:
        raise GitFailed(f"git var GIT_{kind}_IDENT said {told!r}")
    name, email, seconds, sign, hours, minutes = found.groups()
    offset = (int(hours) * 60 + int(minutes)) * (-1 if sign == "-" else 1)
    return Signature(name, email, int(seconds), offset)
