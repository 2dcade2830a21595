"""Files kept in Git LFS: a pointer blob read as the object it points to.

A repository that keeps its meshes in Git LFS commits, for each, a pointer: a
few lines of text naming the SHA-256 and size of the real file, which the
``git lfs`` client keeps in ``.git/lfs/objects/aa/bb/<oid>`` (or below
``lfs.storage``). libgit2 applies no LFS filter, so every blob ohw reads is
looked at here first: a pointer (git-lfs's docs/spec.md, read strictly) is
replaced by its object, verified against its SHA-256 and size; an object that
is not there, or not what the pointer says, is an ``LfsObjectError``, never
the pointer read as the file. Standard library only: the working tree of a
check is read without pygit2.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ohw.errors import OhwError
from ohw.storage.locations import common_git_dir, repository_of

# git-lfs reads no more than this of a blob to tell a pointer (its spec).
POINTER_LIMIT = 1024
_VERSIONS = (b"https://git-lfs.github.com/spec/v1", b"https://hawser.github.com/spec/v1")
_OID = re.compile(rb"sha256:([0-9a-f]{64})")
_KEY = re.compile(rb"[a-z0-9.-]+")
_SIZE = re.compile(rb"0|[1-9][0-9]{0,18}")
FETCH_HINT = "fetch it with `git lfs pull` (or `git lfs fetch` for other revisions)"


@dataclass(frozen=True)
class LfsPointer:
    """What a pointer file names: the object's SHA-256 and its size in bytes."""

    oid: str
    size: int


class LfsObjectError(OhwError):
    """An object a pointer names is not in the repository's LFS store, or is
    not what the pointer says."""

    def __init__(self, path: str, pointer: LfsPointer, why: str) -> None:
        super().__init__(f"{path} is kept in Git LFS, and its object {why}", FETCH_HINT)
        self.path, self.pointer = path, pointer
        self.finding = f"kept in Git LFS, and its object {why}"  # what a check says of the file


def parse_pointer(data: bytes | memoryview) -> LfsPointer | None:
    """The pointer ``data`` is, or None if it is any other file: lines of
    ``key value``, the version first and the others in key order, ending in a
    newline, with an ``oid sha256:<64 hex>`` and a ``size``."""
    if len(data) >= POINTER_LIMIT or bytes(data[:8]) != b"version ":
        return None
    text = bytes(data)
    if not text.endswith(b"\n"):
        return None
    values: dict[bytes, bytes] = {}
    keys: list[bytes] = []
    for line in text[:-1].split(b"\n"):
        key, space, value = line.partition(b" ")
        if not space or not _KEY.fullmatch(key) or key in values:
            return None
        values[key] = value
        keys.append(key)
    if keys[0] != b"version" or values[b"version"] not in _VERSIONS or keys[1:] != sorted(keys[1:]):
        return None
    oid = _OID.fullmatch(values.get(b"oid", b""))
    size = values.get(b"size", b"")
    if oid is None or not _SIZE.fullmatch(size):
        return None
    return LfsPointer(oid.group(1).decode(), int(size))


def pointer_text(pointer: LfsPointer) -> bytes:
    """The pointer file git-lfs writes for ``pointer``."""
    return (
        f"version https://git-lfs.github.com/spec/v1\noid sha256:{pointer.oid}\n"
        f"size {pointer.size}\n"
    ).encode()


def object_store(near: Path) -> Path | None:
    """The folder of LFS objects of the repository holding ``near``, or None
    outside a repository: ``lfs.storage`` if git's configuration sets it,
    relative to the git directory, else ``lfs`` in it; ``objects`` below.
    ``near`` may be a bare repository (a catalog's mirror)."""
    if (near / "HEAD").is_file() and (near / "objects").is_dir():
        git_dir = near
    else:
        found = repository_of(str(near))
        if found is None:
            return None
        git_dir = Path(common_git_dir(found[1]))
    storage = git_dir / "lfs"
    if _mentions_storage(git_dir / "config"):
        configured = _git_config(git_dir, "lfs.storage")
        if configured:
            storage = git_dir / Path(configured).expanduser()
    return storage / "objects"


def _mentions_storage(config: Path) -> bool:
    """Whether a git configuration file may set lfs.storage (cheap to read,
    where asking git costs a process); an included file is not followed."""
    try:
        return b"storage" in config.read_bytes().lower()
    except OSError:
        return False


def _git_config(git_dir: Path, key: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", f"--git-dir={git_dir}", "config", "--get", key],
            capture_output=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return os.fsdecode(done.stdout.strip()) if done.returncode == 0 else None


def object_path(store: Path, oid: str) -> Path:
    """Where git-lfs keeps the object ``oid`` in ``store``."""
    return store / oid[:2] / oid[2:4] / oid


def present_object(near: Path, path: str, pointer: LfsPointer) -> Path:
    """The object file of ``pointer`` (of the file ``path``), if it is there
    with the size the pointer says; its content is verified when read."""
    store = object_store(near)
    if store is None:
        raise LfsObjectError(path, pointer, "cannot be looked for outside a git repository")
    found = object_path(store, pointer.oid)
    try:
        size = found.stat().st_size
    except OSError:
        raise LfsObjectError(
            path, pointer, f"{pointer.oid[:12]} ({pointer.size:,} bytes) is not here"
        ) from None
    if size != pointer.size:
        raise LfsObjectError(
            path,
            pointer,
            f"{pointer.oid[:12]} is {size:,} bytes where the pointer says "
            f"{pointer.size:,}: it is damaged",
        )
    return found


def read_object(near: Path, path: str, pointer: LfsPointer) -> bytes:
    """The content of ``pointer``'s object, verified against its SHA-256 and size."""
    found = present_object(near, path, pointer)
    try:
        data = found.read_bytes()
    except OSError as error:
        raise LfsObjectError(path, pointer, f"cannot be read: {error.strerror}") from None
    import hashlib  # its OpenSSL takes 5 ms to load: only for an object read

    if len(data) != pointer.size or hashlib.sha256(data).hexdigest() != pointer.oid:
        raise LfsObjectError(
            path,
            pointer,
            f"{pointer.oid[:12]} does not have the SHA-256 its name says: it is damaged",
        )
    return data


def file_pointer(path: Path) -> LfsPointer | None:
    """The Git LFS pointer the file ``path`` on disk is (a clone whose LFS
    objects were not checked out holds them), if it is one."""
    try:
        if path.stat().st_size >= POINTER_LIMIT:
            return None
        return parse_pointer(path.read_bytes())
    except OSError:
        return None


def pointed_to(path: Path) -> bytes | None:
    """If the file ``path`` on disk is a Git LFS pointer, its object's bytes (an
    ``LfsObjectError`` if it is not in the repository holding it); else None."""
    pointer = file_pointer(path)
    return None if pointer is None else read_object(path.parent, str(path), pointer)


def resolved(near: Path, path: str, data: bytes) -> bytes:
    """``data`` (the bytes of the file ``path`` of a design at ``near``) as the
    file it stands for: the LFS object if it is a pointer, else itself."""
    pointer = parse_pointer(data)
    return data if pointer is None else read_object(near, path, pointer)
