"""A design's files, on disk or at a commit, resolved the same way.

A ``DesignTree`` is the design's folder, either as it is on disk or as it was at
a commit. Both resolve paths by the same walk, name by name, so a symbolic link,
a submodule or a path leaving the design means the same thing in the working
tree and in history. Only the lookup of a single name differs.
"""

from __future__ import annotations

import os
import stat
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from ohw.errors import OhwError

if TYPE_CHECKING:
    from ohw.storage.git_index import Unfinished

# Why a path that names a pipe, a socket or a device leads to no file.
NOT_A_FILE = "not a regular file (a pipe, a socket or a device)"
# As Linux and git do, stop following symbolic links after this many.
MAX_LINK_HOPS = 40


class Kind(Enum):
    FILE = "file"
    FOLDER = "folder"
    MISSING = "missing"
    OUTSIDE = "outside"  # a symbolic link leads out of the design
    SUBMODULE = "submodule"
    LINK = "link"  # only ever seen by a single-name lookup, never in an Entry


@dataclass(frozen=True)
class Entry:
    """What a path in the design leads to."""

    kind: Kind
    path: str  # the design path it leads to, or that was missing
    detail: str = ""  # the link target that left the design, or why it is missing


class DesignTree(ABC):
    """A design's files, on disk or at a commit."""

    label: str  # "working tree", or "commit 1a2b3c4"
    revision: str | None  # the commit id, or None for the working tree
    location: Path  # the design's folder on disk (where caches are found)

    @abstractmethod
    def _lookup(self, names: tuple[str, ...]) -> tuple[Kind, str]:
        """What ``names`` is, all but the last being resolved folders: a kind,
        and for a link its target."""

    @abstractmethod
    def _read(self, names: tuple[str, ...]) -> bytes:
        """The bytes of a resolved file."""

    @abstractmethod
    def _children(self, names: tuple[str, ...]) -> list[tuple[str, Kind]]:
        """Names and kinds in a resolved folder."""

    @abstractmethod
    def _size(self, names: tuple[str, ...]) -> int:
        """The size in bytes of a resolved file, found without reading it."""

    def resolve(self, path: str) -> Entry:
        """Follow ``path`` (a design path) name by name, symbolic links included."""
        pending = [n for n in path.split("/") if n not in ("", ".")]
        done: list[str] = []
        kind = Kind.FOLDER
        followed: Entry | None = None  # the last link taken: what to blame for leaving
        hops = 0
        while pending:
            name = pending.pop(0)
            if name == "..":
                if not done:
                    return followed or Entry(Kind.OUTSIDE, path, "..")
                done.pop()
                kind = Kind.FOLDER
                continue
            kind, target = self._lookup((*done, name))
            here = "/".join([*done, name])
            if kind is Kind.MISSING:  # the target says why, where it is there
                return Entry(Kind.MISSING, "/".join([*done, name, *pending]), target)
            if kind is Kind.SUBMODULE:
                return Entry(Kind.SUBMODULE, here)
            if kind is Kind.LINK:
                hops += 1
                if hops > MAX_LINK_HOPS:
                    return Entry(Kind.MISSING, here, "symbolic links loop")
                followed = Entry(Kind.OUTSIDE, here, target)
                if target.startswith("/") or "\\" in target or target[1:2] == ":":
                    return followed
                pending = [n for n in target.split("/") if n not in ("", ".")] + pending
                continue
            if kind is Kind.FILE and pending:
                return Entry(Kind.MISSING, "/".join([*done, name, *pending]), f"{here} is a file")
            done.append(name)
        return Entry(kind, "/".join(done))

    def read_bytes(self, path: str) -> bytes:
        """The bytes of the file ``path`` leads to."""
        entry = self.resolve(path)
        if entry.kind is not Kind.FILE:
            raise OhwError(f"{path} is not a file in the design ({entry.kind.value})")
        return self._read(tuple(entry.path.split("/")))

    def exists(self, path: str) -> bool:
        return self.resolve(path).kind is Kind.FILE

    def size(self, path: str) -> int:
        """The size in bytes of a file of ``files``."""
        return self._size(tuple(path.split("/")))

    def blob_id(self, path: str) -> str | None:
        """The git blob id of a file, when it is known without reading the file."""
        return None

    def ignored(self, paths: list[str]) -> set[str]:
        """Those of ``paths`` that git ignores; a commit holds none."""
        return set()

    def unfinished(self) -> Unfinished | None:
        """The merge (or rebase...) git is in the middle of in the work tree,
        with the design's files left conflicted; a commit is in the middle of none."""
        return None

    def folder_id(self) -> str | None:
        """The git tree id of the whole design folder, where it is known without
        reading: two trees with the same id hold the same design."""
        return None

    @cached_property
    def files(self) -> tuple[str, ...]:
        """Every file of the design, in name order; links and submodules excluded.
        Walked once: the checks that need it share it."""
        return tuple(path for path, kind in self.entries if kind is Kind.FILE)

    @cached_property
    def entries(self) -> tuple[tuple[str, Kind], ...]:
        """Every path of the design but its folders, in name order, with what it
        is: a file, a symbolic link, a submodule, or (MISSING) something that is
        no regular file, such as a pipe."""
        return tuple(self._walk())

    def _walk(self) -> Iterator[tuple[str, Kind]]:
        stack: list[tuple[str, ...]] = [()]
        while stack:
            folder = stack.pop()
            for name, kind in sorted(self._children(folder), reverse=True):
                if kind is Kind.FOLDER:
                    stack.append((*folder, name))
                else:
                    yield "/".join((*folder, name)), kind


class WorkingTree(DesignTree):
    """The design as it is on disk."""

    revision = None
    label = "working tree"

    def __init__(self, root: Path) -> None:
        self.root = root
        self.location = root

    def _lookup(self, names: tuple[str, ...]) -> tuple[Kind, str]:
        path = self.root.joinpath(*names)
        try:
            mode = path.lstat().st_mode
        except (FileNotFoundError, NotADirectoryError):
            return Kind.MISSING, ""
        except OSError as error:
            raise OhwError(f"cannot read {path}: {error.strerror}") from None
        if stat.S_ISLNK(mode):
            return Kind.LINK, str(path.readlink())
        if stat.S_ISDIR(mode):
            # A folder with its own .git is a submodule or a nested repository.
            return (Kind.SUBMODULE if (path / ".git").exists() else Kind.FOLDER), ""
        if stat.S_ISREG(mode):
            return Kind.FILE, ""
        return Kind.MISSING, NOT_A_FILE

    def _read(self, names: tuple[str, ...]) -> bytes:
        path = self.root.joinpath(*names)
        try:
            return path.read_bytes()
        except OSError as error:
            raise OhwError(f"cannot read {path}: {error.strerror}") from None

    def _size(self, names: tuple[str, ...]) -> int:
        path = self.root.joinpath(*names)
        try:
            return path.stat().st_size
        except OSError as error:
            raise OhwError(f"cannot read {path}: {error.strerror}") from None

    def _children(self, names: tuple[str, ...]) -> list[tuple[str, Kind]]:
        folder = self.root.joinpath(*names)
        try:
            with os.scandir(folder) as entries:
                children = [entry.name for entry in entries if entry.name != ".git"]
        except OSError as error:
            raise OhwError(f"cannot read the folder {folder}: {error.strerror}") from None
        return [(name, self._lookup((*names, name))[0]) for name in children]
