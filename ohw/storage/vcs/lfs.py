"""Git LFS in a repository: its objects moved to and from remotes by the real
``git lfs`` client, and the work tree and index kept as git with git-lfs's
filters keeps them, where libgit2 applies no filter.

The remote functions (clone, fork, pull, update, push, remix) each make one
call here; what the client does is here alone. A repository that keeps nothing
in LFS never starts the client.
"""

from __future__ import annotations

import functools
import os
import subprocess
from pathlib import Path

from ohw.errors import OhwError
from ohw.storage.files import write_atomically

# A clone's start-up needs neither typing (3 ms to load) nor ohw.storage.lfs,
# whose dataclass loads dataclasses (10 ms): both are loaded where used.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    import pygit2

    from ohw.storage.lfs import LfsPointer

# Moving objects may take long on a slow network; git-lfs has its own timeouts.
_LFS_SECONDS = 3600
ATTRIBUTES = ".gitattributes"
_TO_ODB = 1  # libgit2's GIT_FILTER_TO_ODB: staging (git-lfs's clean), not checking out
# What `git lfs track` writes for a pattern.
TRACKED = "filter=lfs diff=lfs merge=lfs -text"
NO_CLIENT_HINT = (
    "install the Git LFS client (Debian and Ubuntu: apt install git-lfs; "
    "see https://git-lfs.com), then run this again"
)


def uses_lfs(repo: pygit2.Repository, commit: str | None = None) -> bool:
    """Whether the design at ``commit`` (default HEAD) keeps files in Git LFS:
    a ``.gitattributes`` of its tree names the lfs filter."""
    import pygit2

    try:
        tree = repo.revparse_single(commit or "HEAD").peel(pygit2.Tree)
    except (KeyError, ValueError, pygit2.GitError):
        return False
    pending = [tree]
    while pending:
        for entry in pending.pop():
            if entry.type == pygit2.enums.ObjectType.TREE:
                pending.append(repo[entry.id].peel(pygit2.Tree))
            elif entry.name == ATTRIBUTES and b"filter=lfs" in _blob_data(repo, entry.id):
                return True
    return False


def checked_out_uses_lfs(folder: Path) -> bool:
    """What ``uses_lfs`` says of HEAD, for the work tree in ``folder`` that holds
    HEAD's files and nothing else (a fresh clone): read from the files, as a
    clone by git's command line would otherwise load libgit2 only to ask."""
    for root, folders, files in os.walk(folder):
        folders[:] = [name for name in folders if name != ".git"]  # git's own, no design's
        attributes = Path(root) / ATTRIBUTES
        if (
            ATTRIBUTES in files
            and not attributes.is_symlink()
            and b"filter=lfs" in attributes.read_bytes()
        ):
            return True
    return False


# What `ohw init --lfs` and `ohw adopt --lfs` keep in Git LFS: meshes and CAD files.
# Patterns are told apart by case, as git does: FreeCAD writes .FCStd.
LFS_PATTERNS = (
    *(
        pattern
        for suffix in ("stl", "3mf", "obj", "step", "stp", "iges", "igs", "f3d", "sldprt")
        for pattern in (f"*.{suffix}", f"*.{suffix.upper()}")
    ),
    "*.FCStd",
)


def lfs_attributes(existing: str | None) -> str | None:
    """A ``.gitattributes`` keeping meshes and CAD files in Git LFS: every line
    of ``existing`` kept, and one added (as `git lfs track` writes it) for each
    pattern not in LFS yet; None if there is nothing to add."""
    text = existing or ""
    tracked = {
        line.split()[0]
        for line in text.splitlines()
        if line.split() and "filter=lfs" in line.split()[1:]
    }
    added = [f"{pattern} {TRACKED}\n" for pattern in LFS_PATTERNS if pattern not in tracked]
    if not added:
        return None
    if text and not text.endswith("\n"):
        text += "\n"
    head = "" if text else "# Meshes and CAD files are kept in Git LFS (https://git-lfs.com).\n"
    return text + head + "".join(added)


def with_tracked_files(existing: str | None, paths: list[str]) -> str:
    """A ``.gitattributes`` (its lines kept) that also keeps each of ``paths``
    (relative to its folder) in Git LFS, as `git lfs track PATH` writes it."""
    text = existing or ""
    if text and not text.endswith("\n"):
        text += "\n"
    lines = [f"/{path.replace(' ', '[[:space:]]')} {TRACKED}\n" for path in paths]
    return text + "".join(line for line in lines if line not in text)


def require_client(folder: Path) -> None:
    """An error, before anything is written, where the git-lfs client is missing."""
    _client(folder, "version")


def _blob_data(repo: pygit2.Repository, blob_id: pygit2.Oid) -> bytes:
    import pygit2

    return bytes(repo[blob_id].peel(pygit2.Blob).data)


def _client(folder: Path, *args: str) -> str:
    """Run ``git lfs ARGS`` in ``folder``; its output, or an error naming what failed."""
    command = ["git", "-C", str(folder), "lfs", *args]
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=_LFS_SECONDS,
            check=False,
        )
    except FileNotFoundError:
        raise OhwError("git is not installed", NO_CLIENT_HINT) from None
    except subprocess.TimeoutExpired:
        raise OhwError(f"git lfs {args[0]} took more than {_LFS_SECONDS} s") from None
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip()
        if "'lfs' is not a git command" in said:
            raise OhwError("this design keeps files in Git LFS, and git-lfs is not installed",
                           NO_CLIENT_HINT)  # fmt: skip
        last = said.splitlines()[-1] if said else f"exit code {done.returncode}"
        raise OhwError(
            f"git lfs {args[0]} failed: {last}",
            "check the remote's LFS server (`git lfs env` shows where it is)",
        )
    return done.stdout


def set_up(folder: Path) -> None:
    """Make the clone in ``folder`` one git reads as git-lfs users expect: its
    filters and hooks installed in it, unless git's configuration has them."""
    if not _configured(folder, "filter.lfs.process"):
        _client(folder, "install", "--local")


def _configured(folder: Path, key: str) -> bool:
    done = subprocess.run(
        ["git", "-C", str(folder), "config", "--get", key],
        capture_output=True,
        timeout=60,
        check=False,
    )
    return done.returncode == 0 and bool(done.stdout.strip())


def bring_objects(folder: Path, remote: str) -> None:
    """Fetch from ``remote`` the LFS objects of every commit of the new clone in
    ``folder`` (ohw diff, log and credits read past versions; git-lfs alone
    would fetch those of the commit checked out), and write those checked out
    into the work tree in place of their pointers."""
    if not checked_out_uses_lfs(folder):
        return
    set_up(folder)
    _client(folder, "fetch", "--all", remote)
    _client(folder, "checkout")


def fetch_objects(
    repo: pygit2.Repository, remote: str, ref: str, paths: list[str] | None = None
) -> None:
    """Fetch from ``remote`` (a remote's name, or the URL of a source fetched
    without one, as a remix does) the LFS objects of ``ref`` (fetched already),
    only those of ``paths`` if given, into this repository's store."""
    if paths == [] or not uses_lfs(repo, ref):
        return
    include = ["--include", ",".join(_escaped(p) for p in paths)] if paths else []
    _client(Path(repo.workdir), "fetch", *include, remote, ref)


def fetch_mirror_objects(mirror: Path, url: str, ref: str) -> None:
    """Fetch from ``url`` into the bare ``mirror`` (a catalog's) the LFS objects
    of ``ref``, where its design keeps files in LFS."""
    import pygit2

    if uses_lfs(pygit2.Repository(str(mirror)), ref):
        _client(mirror, "fetch", url, ref)


def _escaped(path: str) -> str:
    """A path as one of git-lfs's --include patterns (comma-separated globs)."""
    return "".join(f"[{c}]" if c in "*?[],\\" else c for c in path)


def send_objects(repo: pygit2.Repository, remote: str, branch: str) -> None:
    """Push to ``remote`` the LFS objects ``branch`` needs that it lacks, before
    the branch itself, as git-lfs's pre-push hook does for git."""
    if not uses_lfs(repo, f"refs/heads/{branch}"):
        return
    _client(Path(repo.workdir), "push", remote, branch)


@functools.cache
def use_lfs_filter() -> None:
    """Give libgit2 git-lfs's filter, once a process, so that what it checks
    out, stages and compares is what git with git-lfs would: a pointer
    checked out as its object where the store has it, a file staged as its
    pointer with its content kept in the store."""
    import pygit2

    class LfsFilter(pygit2.Filter):
        attributes = "filter=lfs"

        def check(self, source: pygit2.FilterSource, values: list[str | None]) -> None:
            self.clean = source.mode == _TO_ODB
            git_dir = getattr(source.repo, "path", "")  # pygit2 types the repository as object
            self.near, self.path = Path(git_dir), source.path
            self.chunks: list[bytes] = []

        def write(self, data: bytes, source: pygit2.FilterSource, write_next: Any) -> None:
            self.chunks.append(data)

        def close(self, write_next: Any) -> None:
            from ohw.storage.lfs import parse_pointer, pointer_text

            data = b"".join(self.chunks)
            if self.clean:
                if parse_pointer(data) is None:
                    data = pointer_text(store_object(self.near, data))
            else:
                data = checked_out(self.near, self.path, data)
            write_next(data)

    pygit2.filter_register("lfs", LfsFilter)


def store_object(near: Path, data: bytes) -> LfsPointer:
    """``data`` kept in the LFS store of the repository holding ``near``, as
    git-lfs's clean filter keeps it; its pointer."""
    import hashlib

    from ohw.storage.lfs import LfsPointer, object_path, object_store

    pointer = LfsPointer(hashlib.sha256(data).hexdigest(), len(data))
    store = object_store(near)
    assert store is not None  # near is in a work tree
    target = object_path(store, pointer.oid)
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(target, data)
    return pointer


def checked_out(near: Path, path: str, committed: bytes) -> bytes:
    """What git with git-lfs's filter writes in the work tree for the blob
    ``committed`` of ``path`` in the repository at ``near``: a pointer's
    object where it is in the store, else the blob itself."""
    from ohw.storage.lfs import LfsObjectError, parse_pointer, read_object

    pointer = parse_pointer(committed)
    if pointer is None:
        return committed
    try:
        return read_object(near, path, pointer)
    except LfsObjectError:
        return committed


def settle_conflicts(repo: pygit2.Repository) -> None:
    """Leave each conflicted file kept in LFS as git leaves a binary file: our
    version in the work tree, with no conflict markers in its pointer (libgit2
    merges pointers as text)."""
    from ohw.storage.lfs import parse_pointer

    workdir = Path(repo.workdir)
    conflicts = repo.index.conflicts
    for _, ours, theirs in conflicts if conflicts is not None else []:
        if ours is None or theirs is None:
            continue
        ours_data, theirs_data = _blob_data(repo, ours.id), _blob_data(repo, theirs.id)
        if parse_pointer(ours_data) or parse_pointer(theirs_data):
            write_atomically(workdir / ours.path, checked_out(workdir, ours.path, ours_data))
