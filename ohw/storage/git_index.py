"""Blob ids of files in a repository's working tree, from git's index: for a
file whose stat is what the index recorded, git trusts the id it holds without
reading the file, and so does ohw. Read with the standard library alone: the
index is a small binary file (git's Documentation/gitformat-index.txt), and
loading pygit2 would cost more than reading it.

A fresh clone, as CI checks out, holds an index that knows every file: a cold
check then reads each mesh once, to analyse it, and never to hash it.
"""

from __future__ import annotations

import functools
import os
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ohw.storage.locations import UNFINISHED, repository_of

_SIGNATURE = b"DIRC"
_HEADER = struct.Struct(">4sLL")
# ctime s, ns; mtime s, ns; dev; ino; mode; uid; gid; size: then the object id.
_STAT = struct.Struct(">10L")
_SHA1 = 20
_FLAGS = struct.Struct(">H")
_EXTENDED = 0x4000
_STAGE = 0x3000
_INTENT_TO_ADD = 0x2000  # of the extended flags: the id is not the file's
_REGULAR = 0o100000
# Reading the index costs about as much per entry as hashing a hundred bytes:
# worth it only for more content than that.
_BYTES_PER_INDEX_BYTE = 5


def indexed_blob_ids(paths: Iterable[str]) -> dict[str, str]:
    """The blob ids git's index holds for those of ``paths`` (files on disk)
    whose stat is the one the index recorded, and not so recently changed that
    the index could miss a change (git's "racily clean" entries)."""
    repositories: dict[str, tuple[str, str] | None] = {}  # by folder: found once
    by_repository: dict[tuple[str, str], list[tuple[str, os.stat_result]]] = {}
    for path in paths:
        try:
            status = Path(path).stat()
        except OSError:
            continue
        folder = str(Path(path).parent)
        if folder not in repositories:
            repositories[folder] = repository_of(folder)
        repository = repositories[folder]
        if repository is not None:
            by_repository.setdefault(repository, []).append((path, status))
    found: dict[str, str] = {}
    for (root, git_dir), files in by_repository.items():
        found.update(_from_index(root, git_dir, files))
    return found


def _from_index(root: str, git_dir: str, files: list[tuple[str, os.stat_result]]) -> dict[str, str]:
    index = Path(git_dir) / "index"
    try:
        status = index.stat()
    except OSError:
        return {}
    if sum(each.st_size for _, each in files) < _BYTES_PER_INDEX_BYTE * status.st_size:
        return {}
    if _sha256(git_dir):
        return {}  # its ids are not the SHA-1 blob ids ohw keys results by
    entries = _read(str(index), status.st_ino, status.st_size, status.st_mtime_ns)
    if entries is None:
        return {}  # not an index this reader knows: the files are hashed
    real_root = os.path.realpath(root)
    found = {}
    for path, each in files:
        relative = os.path.relpath(os.path.realpath(path), real_root)
        name = relative.replace(os.sep, "/").encode("utf-8", "surrogateescape")
        entry = entries.get(name)
        if entry is not None and _matches(entry[0], each) and each.st_mtime_ns < status.st_mtime_ns:
            found[path] = entry[1]
    return found


@functools.lru_cache(maxsize=4)
def _read(
    index: str, inode: int, size: int, written: int
) -> dict[bytes, tuple[tuple[int, ...], str]] | None:
    """The stage-0 entries of the index file ``index`` by path, read once a
    process for each state of the file (git replaces the file to change it):
    a check looks files up in it more than once. None if it cannot be read."""
    try:
        data = Path(index).read_bytes()
        return {name: (stamp, blob) for name, stamp, blob, settled in _entries(data) if settled}
    except (OSError, struct.error, ValueError, IndexError):
        return None


@dataclass(frozen=True)
class Unfinished:
    """A merge (or cherry-pick, revert, rebase) git is in the middle of."""

    operation: str  # "merge", "cherry-pick", "revert", "rebase"
    conflicted: tuple[str, ...]  # the files the index holds conflicted, relative to the folder


def unfinished_operation(folder: str) -> Unfinished | None:
    """The operation git is in the middle of in the repository holding
    ``folder``, with the files of ``folder`` it left conflicted; None if none."""
    repository = repository_of(folder)
    if repository is None:
        return None
    root, git_dir = repository
    operation = next((name for marker, name in UNFINISHED if Path(git_dir, marker).exists()), None)
    if operation is None:
        return None
    try:
        entries = _entries(Path(git_dir, "index").read_bytes())
        names = {name for name, _, _, settled in entries if not settled}
    except (OSError, struct.error, ValueError, IndexError):
        names = set()
    inside = os.path.relpath(os.path.realpath(folder), os.path.realpath(root))
    prefix = "" if inside == "." else inside.replace(os.sep, "/") + "/"
    conflicted = sorted(
        name.decode("utf-8", "surrogateescape").removeprefix(prefix)
        for name in names
        if name.decode("utf-8", "surrogateescape").startswith(prefix)
    )
    return Unfinished(operation, tuple(conflicted))


def _entries(data: bytes) -> Iterator[tuple[bytes, tuple[int, ...], str, bool]]:
    """Each entry of the index ``data``: its path, stat, blob id, and whether it
    is settled (stage 0, and not only an intent to add: a conflicted file has
    an entry for each side that has it, at stages 1 to 3)."""
    signature, version, count = _HEADER.unpack_from(data)
    if signature != _SIGNATURE or version not in (2, 3, 4):
        raise ValueError(f"index version {version}")
    offset = _HEADER.size
    previous = b""
    for _ in range(count):
        start = offset
        stamp = _STAT.unpack_from(data, offset)
        offset += _STAT.size
        blob = data[offset : offset + _SHA1].hex()
        offset += _SHA1
        (flags,) = _FLAGS.unpack_from(data, offset)
        offset += _FLAGS.size
        extra = 0
        if flags & _EXTENDED:
            (extra,) = _FLAGS.unpack_from(data, offset)
            offset += _FLAGS.size
        if version == 4:
            strip, offset = _varint(data, offset)
            end = data.index(b"\0", offset)
            name = previous[: len(previous) - strip] + data[offset:end]
            offset = end + 1
            previous = name
        else:
            end = data.index(b"\0", offset)
            name = data[offset:end]
            offset = start + (end - start + 8) // 8 * 8  # padded with 1 to 8 NULs
        yield name, stamp, blob, not (flags & _STAGE or extra & _INTENT_TO_ADD)


def _varint(data: bytes, offset: int) -> tuple[int, int]:
    """A number as git writes offsets: seven bits a byte, each further byte adding one."""
    byte = data[offset]
    value = byte & 0x7F
    while byte & 0x80:
        offset += 1
        byte = data[offset]
        value = ((value + 1) << 7) | (byte & 0x7F)
    return value, offset + 1


def _matches(stamp: tuple[int, ...], status: os.stat_result) -> bool:
    """Whether a file's stat is the one an index entry recorded (git keeps
    32 bits of each number)."""
    ctime, ctime_ns, mtime, mtime_ns, _, inode, mode, _, _, size = stamp
    low = 0xFFFFFFFF
    return (
        mode & 0o170000 == _REGULAR
        and status.st_mode & 0o170000 == _REGULAR
        and size == status.st_size & low
        and inode == status.st_ino & low
        and (mtime, mtime_ns) == _seconds(status.st_mtime_ns)
        and (ctime, ctime_ns) == _seconds(status.st_ctime_ns)
    )


def _seconds(nanoseconds: int) -> tuple[int, int]:
    seconds, rest = divmod(nanoseconds, 1_000_000_000)
    return seconds & 0xFFFFFFFF, rest


def _sha256(git_dir: str) -> bool:
    """Whether the repository's objects are named by SHA-256."""
    for folder in (Path(git_dir), _common_dir(Path(git_dir))):
        try:
            settings = "".join((folder / "config").read_text(errors="replace").lower().split())
        except OSError:
            continue
        if "objectformat=sha256" in settings:
            return True
    return False


def _common_dir(git_dir: Path) -> Path:
    """The git directory a worktree's shares with its main working tree."""
    try:
        return git_dir / (git_dir / "commondir").read_text(encoding="utf-8").strip()
    except OSError:
        return git_dir
