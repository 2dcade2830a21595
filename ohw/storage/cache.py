"""Results kept between runs, keyed by content.

A file's key is its git blob id: the SHA-1 git itself gives its content. A file
at a commit already has one; a file on disk gets one by hashing, and a stat
index (size, times, inode: what git's own index keeps) remembers it, so an
unchanged file is not read again.

The cache lives in $OHW_CACHE_DIR if set; else inside the repository's git
directory (.git/ohw/cache), where it goes away with the clone; else in the
user's cache directory ($XDG_CACHE_HOME/ohw, or ~/.cache/ohw). It is only ever
a shortcut: an entry that cannot be read or written is computed again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any

from ohw.storage.files import write_atomically
from ohw.storage.locations import STAT_INDEX, cache_folder

# A file changed within this many seconds of being indexed could change again
# within the same timestamp: such entries are not trusted (git's "racy" files).
_RACY_SECONDS = 2.0


def cache_directory(near: Path) -> Path:
    """Where results for files near ``near`` are kept."""
    return Path(cache_folder(str(near)))


def blob_id(data: bytes | memoryview) -> str:
    """The id git gives this content as a blob."""
    digest = hashlib.sha1(f"blob {len(data)}\0".encode(), usedforsecurity=False)
    digest.update(data)
    return digest.hexdigest()


def file_blob_id(path: Path) -> str:
    """The blob id of a file's content, read in pieces into one small buffer: it
    stays in the processor's cache, and no fresh memory is asked for per piece."""
    size = path.stat().st_size
    digest = hashlib.sha1(f"blob {size}\0".encode(), usedforsecurity=False)
    buffer = bytearray(min(max(size, 1), 1 << 20))  # zeroed: no bigger than the file
    piece = memoryview(buffer)
    with path.open("rb", buffering=0) as stream:
        while count := stream.readinto(buffer):
            digest.update(piece[:count])
    return digest.hexdigest()


class ResultCache:
    """JSON results by content id, for one kind of result at one version."""

    def __init__(self, directory: Path, kind: str, version: int) -> None:
        self.directory = directory / kind / f"v{version}"

    def _path(self, blob: str) -> Path:
        return self.directory / blob[:2] / f"{blob[2:]}.json"

    def holds(self, blob: str) -> bool:
        """Whether a result for ``blob`` is kept (it may still be unreadable)."""
        return bool(blob) and self._path(blob).is_file()

    def get(self, blob: str) -> Any:
        try:
            return json.loads(self._path(blob).read_bytes())
        except (OSError, ValueError):
            return None

    def put(self, blob: str, value: Any) -> None:
        path = self._path(blob)
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(path, json.dumps(value).encode())


class FileIds:
    """Blob ids of files on disk, remembered by their stat so that unchanged
    files are not read again."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / STAT_INDEX
        try:
            self.index: dict[str, list[Any]] = json.loads(self.path.read_bytes())
        except (OSError, ValueError):
            self.index = {}
        self.changed = False

    @staticmethod
    def _stamp(status: os.stat_result) -> list[Any]:
        return [status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino]

    def known(self, path: Path) -> str | None:
        """The blob id of ``path`` if its stat says it has not changed."""
        try:
            stamp = self._stamp(path.stat())
        except OSError:
            return None
        entry = self.index.get(str(path.resolve()))
        return entry[4] if entry and entry[:4] == stamp else None

    def seen(self, path: Path) -> bool:
        """Whether ``path`` was ever hashed here, changed since or not."""
        return str(path.resolve()) in self.index

    def remember(self, path: Path, blob: str) -> None:
        status = path.stat()
        # A racy file is remembered as seen, with no id to trust.
        racy = time.time() - status.st_mtime_ns / 1e9 < _RACY_SECONDS
        self.index[str(path.resolve())] = [*self._stamp(status), None if racy else blob]
        self.changed = True

    def save(self) -> None:
        if self.changed:
            with contextlib.suppress(OSError):
                self.path.parent.mkdir(parents=True, exist_ok=True)
                write_atomically(self.path, json.dumps(self.index).encode())
            self.changed = False
