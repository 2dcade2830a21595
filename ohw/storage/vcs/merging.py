"""Git's side of a merge: the merge state as libgit2 and git keep it.

libgit2 merges the trees and leaves git's own conflict state (MERGE_HEAD, index
stages, files with markers); the design files that both sides changed are then
merged again by meaning (ohw.merge.workflow) and staged here, in the index and
in the work tree. So `git status`, `git merge --abort` and `git commit`
understand a merge ohw began.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ohw.errors import OhwError
from ohw.storage.files import is_left_temporary, write_atomically
from ohw.storage.vcs import git_cli
from ohw.storage.vcs.lfs import checked_out, settle_conflicts
from ohw.storage.vcs.repository import (
    Identity,
    committer,
    lock_errors,
    merge_in_progress,
    open_work_tree,
    resolve_commit,
    signature,
)

if TYPE_CHECKING:
    import pygit2

MARKER = b"<<<<<<< "
Side = Literal["base", "ours", "theirs"]
SIDES: tuple[Side, ...] = ("base", "ours", "theirs")
# What one side holds of a file: its content, or None where it has no such file.
Versions = dict[Side, bytes | None]


class LocalChanges(OhwError):
    """Uncommitted work that a command would overwrite."""

    def __init__(self, action: str, paths: list[str]) -> None:
        shown = ", ".join(paths[:8]) + (f" and {len(paths) - 8} more" if len(paths) > 8 else "")
        super().__init__(
            f"{action} would overwrite uncommitted changes: {shown}",
            "commit them (git commit -a), or put them aside (git stash -u), and run it again",
        )


def uncommitted(repo: pygit2.Repository) -> list[str]:
    """Tracked files with changes in the index or the work tree."""
    return sorted(repo.status(untracked_files="no"))


@dataclass(frozen=True)
class Done:
    """A merge that needed no merge commit."""

    status: Literal["up-to-date", "fast-forward"]
    commit: str


@dataclass
class Begun:
    """A merge libgit2 has made in the work tree and the index, with git's
    conflict state, not yet committed."""

    repo: pygit2.Repository
    base: Any  # the trees of the merge base (None where there is none), ours and theirs
    ours: Any
    theirs: Any
    message: str

    def paths_named(self, name: str) -> list[str]:
        """Every file called ``name`` in ours and in theirs."""
        return sorted(
            {p for t in (self.ours, self.theirs) for p in _files_named(self.repo, t, name)}
        )

    def versions(self, path: str) -> Versions:
        return {"base": _blob(self.base, path), "ours": _blob(self.ours, path),
                "theirs": _blob(self.theirs, path)}  # fmt: skip

    def stage(self, path: str, data: bytes, *, clean: bool) -> None:
        """Write a merged file to the work tree and the index: settled, or (not
        ``clean``) as a conflict of its three versions, as git records one."""
        import pygit2

        write_atomically(Path(self.repo.workdir) / path, data)
        index = self.repo.index
        index.read()
        if clean:
            index.add(path)
        elif _conflict_entries(index, path) is None:
            entries = [
                pygit2.IndexEntry(path, t[path].id, t[path].filemode)
                if t is not None and path in t
                else None
                for t in (self.base, self.ours, self.theirs)
            ]
            index.add_conflict(entries[0], entries[1], entries[2])
        index.write()

    def commit(self, author: Identity) -> str:
        return _commit_merge(self.repo, author, self.message)


@contextmanager
def begin_merge(
    folder: Path,
    revision: str,
    before_merging: Callable[[], object],
    *,
    index_refreshed: bool = False,
) -> Iterator[Done | Begun]:
    """Merge ``revision`` into the current branch of the repository at
    ``folder`` as git would, up to the merge commit, holding the repository's
    lock for the block. ``before_merging`` runs where a merge commit is to be
    made, before anything is written: what it raises leaves all as it was.
    git's index is refreshed first, unless the caller just did
    (``index_refreshed``)."""
    import pygit2

    repo = open_work_tree(folder, "merge")
    with lock_errors(repo):
        if merge_in_progress(repo):
            raise OhwError(
                "a merge is already in progress",
                "finish it with `ohw merge --continue` or undo it with `ohw merge --abort`",
            )
        if repo.head_is_unborn:
            raise OhwError("the current branch has no commits yet", "commit something first")
        theirs = resolve_commit(repo, revision)
        if not index_refreshed:
            git_cli.refresh_index(Path(repo.workdir))
        changed = uncommitted(repo)
        if changed:
            raise LocalChanges("merging", changed)
        analysis, _ = repo.merge_analysis(theirs.id)
        if analysis & pygit2.enums.MergeAnalysis.UP_TO_DATE:
            yield Done("up-to-date", str(repo.head.target))
            return
        ours = repo.head.peel(pygit2.Commit)
        _refuse_untracked_in_the_way(repo, ours, theirs)
        if analysis & pygit2.enums.MergeAnalysis.FASTFORWARD:
            repo.checkout_tree(theirs.tree, strategy=pygit2.enums.CheckoutStrategy.SAFE)  # type: ignore[no-untyped-call]
            repo.head.set_target(theirs.id, f"merge {revision}: Fast-forward")
            yield Done("fast-forward", str(theirs.id))
            return
        before_merging()
        base_id = repo.merge_base(ours.id, theirs.id)
        repo.references.create("ORIG_HEAD", ours.id, force=True)
        repo.merge(theirs.id)
        settle_conflicts(repo)
        message = f"Merge {_describe(revision)}"
        _write_merge_message(repo, message)
        base = repo[base_id].peel(pygit2.Commit).tree if base_id else None
        yield Begun(repo, base, ours.tree, theirs.tree, message)


def staged_conflicts(repo: pygit2.Repository) -> list[tuple[str, Versions]]:
    """The files the index records as conflicted, with each side's content (a
    side kept in Git LFS as its object, where it is in the store)."""
    index = repo.index
    index.read()
    if index.conflicts is None:
        return []
    found = []
    workdir = Path(repo.workdir)
    for entries in index.conflicts:
        path = next(e.path for e in entries if e is not None)
        sides: Versions = {
            side: (checked_out(workdir, path, _data(repo[e.id])) if e is not None else None)
            for side, e in zip(SIDES, entries, strict=True)
        }
        found.append((path, sides))
    return sorted(found, key=lambda each: each[0])


def continue_merge(folder: Path, author: Identity) -> str:
    """Commit a merge whose conflicts are all settled; return the commit id."""
    repo = open_work_tree(folder, "merge --continue")
    with lock_errors(repo):
        _require_merge(repo)
        if _committed_already(repo):
            repo.state_cleanup()
            return str(repo.head.target)
        index = repo.index
        index.read()
        if index.conflicts is not None:
            paths = sorted(
                {e.path for entries in index.conflicts for e in entries if e is not None}
            )
            raise OhwError(
                f"these files still have conflicts: {', '.join(paths)}",
                "settle each with `ohw resolve PATH --ours|--theirs|--base`, "
                "or edit it and run `ohw resolve PATH`",
            )
        message = _merge_message(repo)
        return _commit_merge(repo, author, message)


def abort_merge(folder: Path) -> list[str]:
    """Put the branch, the index and the tracked files back as they were before
    the merge. Untracked files are left alone (but for those a merge killed
    half-way wrote), and so are the changes made during the merge to files the
    merge did not touch, as `git merge --abort` keeps them; returns those files.
    A merge killed after its commit and before clearing git's merge state has
    its commit undone too: the branch goes back to ORIG_HEAD."""
    import pygit2

    repo = open_work_tree(folder, "merge --abort")
    with lock_errors(repo):
        _require_merge(repo)
        kept, added = _beside_the_merge(repo)
        repo.reset(_before_the_merge(repo), pygit2.enums.ResetMode.HARD)
        workdir = Path(repo.workdir)
        for path in added:
            (workdir / path).unlink(missing_ok=True)
        for path, (data, mode) in kept.items():
            if data is None:
                (workdir / path).unlink(missing_ok=True)
            else:
                write_atomically(workdir / path, data)
                (workdir / path).chmod(mode)
        repo.state_cleanup()
    return sorted(kept)


def _before_the_merge(repo: pygit2.Repository) -> pygit2.Oid:
    """The commit the branch was at before the merge: HEAD, unless HEAD is the
    merge's own commit (the process killed before it cleared the merge state),
    whose parents are ORIG_HEAD and the commits merged."""
    import pygit2

    head = repo.head.peel(pygit2.Commit)
    try:
        before = repo.revparse_single("ORIG_HEAD").id
    except (KeyError, pygit2.GitError):
        return head.id
    return before if head.parent_ids == [before, *repo.listall_mergeheads()] else head.id


def _beside_the_merge(
    repo: pygit2.Repository,
) -> tuple[dict[str, tuple[bytes | None, int]], list[str]]:
    """What the index does not say about a merge in progress: the tracked files
    a person changed while it waited, with their content (None if deleted) and
    mode; and the untracked files the merge wrote. A merge killed half-way has
    written some files and not yet the index, so a change is the person's only
    if it is not what the merge makes of that file; and an untracked file the
    merge adds, with the merge's content, is the merge's (it began on a clean
    tree, with nothing untracked where it adds files)."""
    import pygit2

    flags = pygit2.enums.FileStatus
    in_index = (
        flags.INDEX_NEW | flags.INDEX_MODIFIED | flags.INDEX_DELETED
        | flags.INDEX_RENAMED | flags.INDEX_TYPECHANGE | flags.CONFLICTED
    )  # fmt: skip
    in_work_tree = flags.WT_MODIFIED | flags.WT_DELETED | flags.WT_TYPECHANGE
    statuses = repo.status()
    heads = repo.listall_mergeheads()
    if not heads:
        return {}, []
    merged = repo.merge_commits(repo.head.target, heads[0])
    by_merge = {e.path for entries in merged.conflicts or () for e in entries if e is not None}
    workdir = Path(repo.workdir)

    def made_by_merge(path: str, data: bytes) -> bool:
        return path in merged and pygit2.hash(data) == merged[path].id

    kept: dict[str, tuple[bytes | None, int]] = {}
    added = []
    for path, status in statuses.items():
        file = workdir / path
        if path in by_merge or file.is_symlink() or (file.exists() and not file.is_file()):
            continue
        if status & flags.WT_NEW and is_left_temporary(file.name):
            added.append(path)  # a file the merge was writing when it was killed
        elif status & flags.WT_NEW:
            if file.exists() and made_by_merge(path, file.read_bytes()):
                added.append(path)
        elif status & in_work_tree and not status & in_index:
            if not file.exists():
                if path in merged:  # deleted, and not by the merge
                    kept[path] = (None, 0)
            elif not made_by_merge(path, data := file.read_bytes()):
                kept[path] = (data, file.stat().st_mode & 0o777)
    return kept, added


def resolve(folder: Path, path: str, side: Side | None) -> None:
    """Settle a conflicted file with one side's whole version, or (``side`` None)
    as the work tree now has it, once its conflict markers are gone."""
    with _conflicted(folder, path) as (repo, index, relative, entries):
        target = Path(repo.workdir) / relative
        if side is None:
            if not target.exists():
                _settle_as_deleted(index, relative)
            elif any(line.startswith(MARKER) for line in target.read_bytes().splitlines()):
                raise OhwError(
                    f"{path} still has conflict markers (<<<<<<<)",
                    "edit it to the content you want, "
                    "or pick a side with --ours, --theirs or --base",
                )
            else:
                index.add(relative)
        else:
            entry = entries[SIDES.index(side)]
            if entry is None:
                target.unlink(missing_ok=True)
                _settle_as_deleted(index, relative)
            else:
                data = checked_out(Path(repo.workdir), relative, _data(repo[entry.id]))
                write_atomically(target, data)
                target.chmod(entry.mode & 0o777)
                index.add(relative)
        index.write()


def _settle_as_deleted(index: pygit2.Index, path: str) -> None:
    """The file gone from the index: its conflict's entries (a conflicted file
    has no entry at stage 0 to remove)."""
    if index.conflicts is not None and _conflict_entries(index, path) is not None:
        del index.conflicts[path]
    if path in index:
        index.remove(path)


def settle(folder: Path, path: str, data: bytes) -> None:
    """Settle a conflicted file with ``data``: written, and staged as resolved."""
    with _conflicted(folder, path) as (repo, index, relative, _):
        write_atomically(Path(repo.workdir) / relative, data)
        index.add(relative)
        index.write()


@contextmanager
def _conflicted(
    folder: Path, path: str
) -> Iterator[tuple[pygit2.Repository, pygit2.Index, str, tuple[Any, Any, Any]]]:
    """The repository, its index, ``path`` in it, and its conflict's index
    entries (base, ours, theirs; None where a side has none), under the
    repository's lock."""
    repo = open_work_tree(folder, "resolve")
    with lock_errors(repo):
        _require_merge(repo)
        relative = _repository_path(repo, folder, path)
        index = repo.index
        index.read()
        entries = _conflict_entries(index, relative)
        if entries is None:
            raise OhwError(
                f"{path} has no conflict to resolve",
                "`git status` lists the files that still conflict",
            )
        yield repo, index, relative, entries


def current_merge(folder: Path) -> Begun:
    """The merge in progress in the repository at ``folder``, as it began."""
    import pygit2

    repo = open_work_tree(folder, "resolve")
    _require_merge(repo)
    ours = repo.head.peel(pygit2.Commit)
    theirs = repo[repo.listall_mergeheads()[0]].peel(pygit2.Commit)
    base_id = repo.merge_base(ours.id, theirs.id)
    base = repo[base_id].peel(pygit2.Commit).tree if base_id else None
    return Begun(repo, base, ours.tree, theirs.tree, _merge_message(repo))


def conflicts_in(
    folder: Path, paths: list[str], purpose: str = "show"
) -> list[tuple[str, Versions]]:
    """Those of ``paths`` that the merge in progress left conflicted, with each
    side's content; an error naming those it did not, which there is no
    conflict to ``purpose``."""
    repo = open_work_tree(folder, "resolve")
    _require_merge(repo)
    wanted = {_repository_path(repo, folder, path): path for path in paths}
    found = dict(staged_conflicts(repo))
    missing = [shown for relative, shown in wanted.items() if relative not in found]
    if missing:
        raise OhwError(
            f"{', '.join(missing)}: no conflict to {purpose}",
            "`git status` lists the files that still conflict",
        )
    return [(relative, found[relative]) for relative in wanted]


def _describe(revision: str) -> str:
    return f"branch '{revision}'" if "/" not in revision and len(revision) < 40 else revision


def _refuse_untracked_in_the_way(
    repo: pygit2.Repository, ours: pygit2.Commit, theirs: pygit2.Commit
) -> None:
    """Files the merge would bring in that already exist, untracked, in the work tree."""
    workdir = Path(repo.workdir)
    diff = ours.tree.diff_to_tree(theirs.tree)
    added = [d.new_file.path for d in diff.deltas if d.status_char() == "A"]
    in_the_way = [p for p in added if os.path.lexists(workdir / p)]
    if in_the_way:
        raise LocalChanges("merging", in_the_way)


def _write_merge_message(repo: pygit2.Repository, message: str) -> None:
    write_atomically(Path(repo.path, "MERGE_MSG"), (message + "\n").encode())


def _merge_message(repo: pygit2.Repository) -> str:
    try:
        return Path(repo.path, "MERGE_MSG").read_text(encoding="utf-8").strip() or "Merge"
    except FileNotFoundError:
        return "Merge"


def _files_named(
    repo: pygit2.Repository, tree: pygit2.Tree, name: str, prefix: str = ""
) -> list[str]:
    import pygit2

    found = []
    for entry in tree:
        path = f"{prefix}{entry.name}"
        if entry.type_str == "tree":
            found += _files_named(repo, repo[entry.id].peel(pygit2.Tree), name, path + "/")
        elif entry.name == name:
            found.append(path)
    return found


def _blob(tree: pygit2.Tree | None, path: str) -> bytes | None:
    if tree is None:
        return None
    try:
        return _data(tree[path])
    except KeyError:
        return None


def _data(blob: Any) -> bytes:
    """A blob's content (pygit2 types a tree entry as a tree or a blob)."""
    return bytes(blob.data)


def _conflict_entries(
    index: pygit2.Index, path: str
) -> tuple[pygit2.IndexEntry | None, pygit2.IndexEntry | None, pygit2.IndexEntry | None] | None:
    if index.conflicts is None:
        return None
    try:
        entries: tuple[pygit2.IndexEntry | None, pygit2.IndexEntry | None, pygit2.IndexEntry | None]
        entries = index.conflicts[path]
    except KeyError:
        return None
    return entries


def _committed_already(repo: pygit2.Repository) -> bool:
    """Whether the merge commit was made and only the merge state is left (a
    process killed between the two): every merged commit is in HEAD's history."""
    head = repo.head.target
    return all(h == head or repo.descendant_of(head, h) for h in repo.listall_mergeheads())


def _require_merge(repo: pygit2.Repository) -> None:
    import pygit2

    if repo.state() != pygit2.enums.RepositoryState.MERGE:
        raise OhwError("no merge is in progress", "start one with `ohw merge REF`")


def _commit_merge(repo: pygit2.Repository, author: Identity, message: str) -> str:

    index = repo.index
    index.read()
    tree = index.write_tree()
    parents = [repo.head.target, *repo.listall_mergeheads()]
    commit = repo.create_commit(
        "HEAD", signature(author), committer(author), message + "\n", tree, parents
    )
    repo.state_cleanup()
    return str(commit)


def _repository_path(repo: pygit2.Repository, folder: Path, path: str) -> str:
    workdir = Path(repo.workdir).resolve()
    target = (folder / path).resolve() if not Path(path).is_absolute() else Path(path).resolve()
    if not target.is_relative_to(workdir):
        raise OhwError(f"{path} is outside the repository at {workdir}")
    return target.relative_to(workdir).as_posix()
