"""Commits, branches and pinned commits: the history a design's log, variants
and lineage are read from."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ohw.errors import OhwError
from ohw.storage.vcs.merging import LocalChanges, uncommitted
from ohw.storage.vcs.repository import (
    CommitTree,
    design_repository,
    find_repository,
    repository_prefix,
    resolve_commit,
)

if TYPE_CHECKING:
    import pygit2


@dataclass(frozen=True)
class CommitInfo:
    id: str
    parents: tuple[str, ...]
    author: str
    email: str
    time: int  # seconds since the epoch
    offset: int  # the author's time zone, minutes east of UTC
    subject: str  # the message's first line


@dataclass(frozen=True)
class HistoryEntry:
    """A commit, the design as it made it, and as its first parent had it (None
    for a first commit)."""

    commit: CommitInfo
    tree: CommitTree
    parent: CommitTree | None


def history(folder: Path, revision: str, limit: int | None) -> Iterator[HistoryEntry]:
    """The commits reachable from ``revision``, newest first, as `git log` lists
    them; merges are compared with their first parent. For a design in a
    subfolder, only the commits that change that folder, as `git log -- FOLDER`
    would list them."""
    import pygit2

    repo, prefix = design_repository(folder, "it has no history")
    start = resolve_commit(repo, revision)
    walker = repo.walk(start.id, pygit2.enums.SortMode.TOPOLOGICAL | pygit2.enums.SortMode.TIME)
    count = 0
    for commit in walker:
        if limit is not None and count >= limit:
            return
        parents = commit.parents
        tree = CommitTree(commit, prefix, folder)
        parent = CommitTree(parents[0], prefix, folder) if parents else None
        if prefix and _same_folder(tree, parent):
            continue
        count += 1
        yield HistoryEntry(_info(commit), tree, parent)


def _same_folder(tree: CommitTree, parent: CommitTree | None) -> bool:
    """Whether the design folder is the same in both (or absent from both)."""
    return tree.folder_id() == (parent.folder_id() if parent else None)


def _info(commit: pygit2.Commit) -> CommitInfo:
    message = commit.message
    return CommitInfo(
        id=str(commit.id),
        parents=tuple(str(p) for p in commit.parent_ids),
        author=commit.author.name,
        email=commit.author.email,
        time=commit.author.time,
        offset=commit.author.offset,
        subject=message.strip().split("\n", 1)[0] if message.strip() else "",
    )


# --- variants: branches -------------------------------------------------------------


@dataclass(frozen=True)
class Branch:
    name: str
    commit: str
    current: bool


def check_branch_name(name: str) -> str:
    """``name`` if git accepts it as a branch name; an error saying why not."""
    import pygit2

    if not name or name.startswith("-"):
        raise OhwError(
            f"{name!r} is not a branch name",
            "a branch name cannot be empty or start with '-' (git would read it as an option)",
        )
    if name == "HEAD" or not pygit2.reference_is_valid_name(f"refs/heads/{name}"):
        raise OhwError(
            f"{name!r} is not a branch name git accepts",
            "use letters, digits, '-', '_', '.' and '/' (no spaces, no '..', "
            "no ~ ^ : ? * [ \\, not ending in '.lock' or '/')",
        )
    return name


def branches(folder: Path) -> tuple[list[Branch], str]:
    """The local branches, in name order, and the default one: the branch the
    remote 'origin' points at, else main, else master, else the current one."""
    repo, _ = design_repository(folder, "it has no branches")
    current = None if repo.head_is_unborn or repo.head_is_detached else repo.head.shorthand
    found = [
        Branch(name, str(repo.branches.local[name].target), name == current)
        for name in sorted(repo.branches.local)
    ]
    names = {b.name for b in found}
    default = None
    origin_head = repo.references.get("refs/remotes/origin/HEAD")
    if origin_head is not None and isinstance(origin_head.target, str):
        default = origin_head.target.removeprefix("refs/remotes/origin/")
    for candidate in (default, "main", "master", current):
        if candidate in names:
            return found, str(candidate)
    raise OhwError("the repository has no branches yet", "commit something first")


def create_branch(folder: Path, name: str, start: str | None) -> str:
    """Make the branch ``name`` at ``start`` (default: the current commit) and
    switch to it; return its commit id."""
    repo, _ = design_repository(folder, "it cannot have branches")
    check_branch_name(name)
    if name in repo.branches.local:
        raise OhwError(
            f"the branch {name!r} already exists",
            f"switch to it with `ohw variant switch {name}`, or choose another name",
        )
    if start is None and repo.head_is_unborn:
        raise OhwError("the current branch has no commits yet", "commit something first")
    commit = resolve_commit(repo, start or "HEAD")
    _refuse_overwrites(repo, commit, f"creating {name} from {start}")
    branch = repo.branches.local.create(name, commit)
    try:
        _check_out(repo, name, commit)
    except BaseException:
        branch.delete()  # a failed create leaves no branch behind
        raise
    return str(commit.id)


def switch_branch(folder: Path, name: str) -> str:
    """Switch to the branch ``name``, as `git switch` does: uncommitted changes
    to files the switch leaves alone stay; changes it would overwrite stop it."""
    import pygit2

    repo, _ = design_repository(folder, "there is nothing to switch")
    check_branch_name(name)
    branch = repo.branches.local.get(name)
    if branch is None:
        raise OhwError(
            f"there is no branch called {name!r}",
            "`ohw variant list` shows the variants; `ohw variant create NAME` makes one",
        )
    commit = branch.peel(pygit2.Commit)
    if not repo.head_is_unborn and not repo.head_is_detached and repo.head.shorthand == name:
        return str(commit.id)
    _refuse_overwrites(repo, commit, f"switching to {name}")
    _check_out(repo, name, commit)
    return str(commit.id)


def _refuse_overwrites(repo: pygit2.Repository, target: pygit2.Commit, action: str) -> None:
    """Stop, naming the files, where checking ``target`` out would overwrite
    uncommitted work: changed tracked files that differ between HEAD and
    ``target``, and untracked files where ``target`` has a file."""
    import pygit2

    if repo.state() != pygit2.enums.RepositoryState.NONE:
        raise OhwError(
            "a merge is in progress",
            "finish it with `ohw merge --continue` or undo it with `ohw merge --abort`",
        )
    if repo.head_is_unborn:
        differing = {entry.path for entry in _blobs(target.tree)}
    else:
        diff = repo.head.peel(pygit2.Commit).tree.diff_to_tree(target.tree)
        differing = {p for d in diff.deltas for p in (d.old_file.path, d.new_file.path)}
    changed = set(uncommitted(repo)) & differing
    untracked = {
        path
        for path, flags in repo.status().items()
        if flags & (pygit2.enums.FileStatus.WT_NEW | pygit2.enums.FileStatus.IGNORED)
    }
    in_the_way = {p for p in untracked if p in differing and _in_tree(target.tree, p)}
    if changed | in_the_way:
        raise LocalChanges(action, sorted(changed | in_the_way))


def _blobs(tree: pygit2.Tree) -> Iterator[pygit2.IndexEntry]:
    import pygit2

    index = pygit2.Index()
    index.read_tree(tree)
    yield from index


def _in_tree(tree: pygit2.Tree, path: str) -> bool:
    try:
        tree[path]
    except KeyError:
        return False
    return True


def _check_out(repo: pygit2.Repository, name: str, commit: pygit2.Commit) -> None:
    """Check ``commit`` out as git's safe checkout does (libgit2 checks every
    file before it writes one), then point HEAD at the branch."""
    import pygit2

    try:
        repo.checkout_tree(commit.tree, strategy=pygit2.enums.CheckoutStrategy.SAFE)  # type: ignore[no-untyped-call]
    except pygit2.GitError as error:
        raise OhwError(
            f"git could not check out {name}: {error}",
            "commit or put aside (git stash -u) your changes, and try again",
        ) from None
    repo.set_head(f"refs/heads/{name}")


# --- lineage: pinned commits ---------------------------------------------------------


def pinned_design(folder: Path, commit_id: str, url: str | None) -> tuple[CommitTree, str] | None:
    """The design at a lineage entry's pinned commit, if that commit is here:
    in this repository (which holds what was fetched from 'upstream' and the
    refs under refs/ohw/), or in the repository at ``url`` when that is a local
    folder. Returns the tree and where it was found; None if nowhere."""
    import pygit2

    own = find_repository(folder)
    candidates: list[tuple[pygit2.Repository, str]] = []
    if own is not None:
        candidates.append((own, "this repository"))
    local = _local_repository(url)
    if local is not None:
        candidates.append((local, str(url)))
    for repo, where in candidates:
        try:
            found = repo.get(commit_id)
        except (ValueError, pygit2.GitError):
            return None  # not a commit id at all
        if found is not None and found.type == pygit2.enums.ObjectType.COMMIT:
            return CommitTree(found.peel(pygit2.Commit), "", folder), where
    return None


def _local_repository(url: str | None) -> pygit2.Repository | None:
    import pygit2

    if not url:
        return None
    path = Path(url.removeprefix("file://")) if url.startswith(("/", "file://")) else None
    if path is None or not path.exists():
        return None
    try:
        return pygit2.Repository(str(path))
    except pygit2.GitError:
        return None


@dataclass(frozen=True)
class Contributor:
    name: str
    email: str
    commits: int


def contributors(folder: Path) -> list[Contributor]:
    """Who made the commits of the current branch that touch ``folder``, as
    `git shortlog -sne` counts them (names and e-mails as the repository's
    .mailmap gives them), most commits first; none outside a repository or
    before the first commit."""
    import pygit2

    repo = find_repository(folder)
    if repo is None or repo.workdir is None or repo.head_is_unborn:
        return []
    prefix = repository_prefix(repo, folder)
    mailmap = pygit2.Mailmap.from_repository(repo)
    counted: dict[tuple[str, str], int] = {}  # (name, e-mail) -> commits, as git groups them
    for commit in repo.walk(repo.head.target, pygit2.enums.SortMode.TIME):
        if prefix and not _changes_folder(commit, prefix):
            continue
        who = mailmap.resolve(commit.author.name, commit.author.email)
        counted[who] = counted.get(who, 0) + 1
    found = [Contributor(name, email, count) for (name, email), count in counted.items()]
    return sorted(found, key=lambda c: (-c.commits, c.name.lower()))


def _changes_folder(commit: pygit2.Commit, prefix: str) -> bool:
    def folder_id(tree: pygit2.Tree) -> str | None:
        try:
            return str(tree[prefix].id)
        except KeyError:
            return None

    mine = folder_id(commit.tree)
    if not commit.parents:
        return mine is not None
    return any(folder_id(p.tree) != mine for p in commit.parents)
