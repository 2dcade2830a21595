"""Git, through libgit2. Every pygit2 call in ohw lives here.

pygit2 is imported inside the functions, so that commands which never touch
git history (and `ohw --help`) do not pay for loading it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ohw.errors import OhwError
from ohw.tree import DesignTree, Kind

if TYPE_CHECKING:
    import pygit2

_MODE_KIND = {0o040000: Kind.FOLDER, 0o120000: Kind.LINK, 0o160000: Kind.SUBMODULE}


@dataclass(frozen=True)
class Identity:
    """Who makes a commit, as git's configuration or environment says."""

    name: str
    email: str


def find_repository(path: Path) -> pygit2.Repository | None:
    """The git repository whose work tree holds ``path``, if any."""
    import pygit2

    found = pygit2.discover_repository(str(path))
    return pygit2.Repository(found) if found else None


class CommitTree(DesignTree):
    """The design as it was at a commit."""

    def __init__(self, commit: pygit2.Commit, prefix: str, location: Path) -> None:
        self._commit = commit
        self._prefix = prefix
        self.revision = str(commit.id)
        self.label = f"commit {self.revision[:7]}"
        self.location = location

    def blob_id(self, path: str) -> str | None:
        entry = self.resolve(path)
        return (
            str(self._object(tuple(entry.path.split("/"))).id) if entry.kind is Kind.FILE else None
        )

    def _object(self, names: tuple[str, ...]) -> Any:
        path = "/".join(n for n in (self._prefix, *names) if n)
        return self._commit.tree[path] if path else self._commit.tree

    def _lookup(self, names: tuple[str, ...]) -> tuple[Kind, str]:
        try:
            found = self._object(names)
        except KeyError:
            return Kind.MISSING, ""
        kind = _MODE_KIND.get(found.filemode, Kind.FILE)
        if kind is Kind.LINK:
            return kind, found.data.decode("utf-8", "surrogateescape")
        return kind, ""

    def _read(self, names: tuple[str, ...]) -> bytes:
        data: bytes = self._object(names).data
        return data

    def _children(self, names: tuple[str, ...]) -> list[tuple[str, Kind]]:
        return [
            (entry.name, _MODE_KIND.get(entry.filemode, Kind.FILE)) for entry in self._object(names)
        ]


def commit_tree(folder: Path, revision: str) -> CommitTree:
    """The design in ``folder`` as it was at ``revision`` (any name git accepts)."""
    repo = find_repository(folder)
    if repo is None or repo.workdir is None:
        raise OhwError(
            f"{folder} is not inside a git work tree, so it has no revision {revision!r}",
            "--rev reads a design from git history: run it inside a clone of the design",
        )
    commit = resolve_commit(repo, revision)
    workdir = Path(repo.workdir).resolve()
    design = folder.resolve()
    if not design.is_relative_to(workdir):
        raise OhwError(f"{folder} is not inside the repository at {workdir}")
    return CommitTree(commit, design.relative_to(workdir).as_posix().strip("."), folder)


def resolve_commit(repo: pygit2.Repository, revision: str) -> pygit2.Commit:
    """The commit ``revision`` names (a commit id, branch, tag or any name git accepts)."""
    import pygit2

    if revision.startswith("-"):
        raise OhwError(f"{revision!r} is not a revision", "revisions do not start with '-'")
    try:
        commit: pygit2.Commit = repo.revparse_single(revision).peel(pygit2.Commit)
    except (KeyError, ValueError, pygit2.GitError):
        raise OhwError(
            f"unknown revision {revision!r}",
            "give a commit id, a branch or a tag, as for git (see `git log --oneline`)",
        ) from None
    return commit


def open_work_tree(folder: Path, action: str) -> pygit2.Repository:
    """The repository whose work tree holds ``folder``; an error naming ``action``
    if there is none (a bare repository has none)."""
    repo = find_repository(folder)
    if repo is None or repo.workdir is None:
        raise OhwError(
            f"{folder} is not inside a git work tree, so there is nothing to {action}",
            "run it inside a clone of the design (see `ohw clone` and `ohw init`)",
        )
    return repo


def ignored(folder: Path, paths: list[str]) -> set[str]:
    """Those of ``paths`` (relative to ``folder``) that git ignores there."""
    repo = find_repository(folder)
    if repo is None or repo.workdir is None or not paths:
        return set()
    prefix = folder.resolve().relative_to(Path(repo.workdir).resolve()).as_posix().strip(".")
    return {p for p in paths if repo.path_is_ignored(f"{prefix}/{p}" if prefix else p)}


def identity(folder: Path) -> Identity | None:
    """The author git would record for a commit in ``folder``: environment first,
    then configuration, as git itself does."""
    import pygit2

    name = os.environ.get("GIT_AUTHOR_NAME")
    email = os.environ.get("GIT_AUTHOR_EMAIL")
    if not (name and email):
        repo = find_repository(folder)
        try:
            config = repo.config if repo else pygit2.Config.get_global_config()
        except (OSError, pygit2.GitError):
            config = None
        if config is not None:
            name = name or _config_value(config, "user.name")
            email = email or _config_value(config, "user.email")
    return Identity(name, email) if name and email else None


def identity_or_error(folder: Path) -> Identity:
    """The author for a commit in ``folder``; an error saying how to set one."""
    found = identity(folder)
    if found is None:
        raise OhwError(
            "git does not know who you are, so ohw cannot make a commit",
            'run git config --global user.name "Your Name" and '
            "git config --global user.email you@example.org",
        )
    return found


def _config_value(config: pygit2.Config, key: str) -> str | None:
    try:
        return str(config[key])
    except KeyError:
        return None


def commit_new_files(
    folder: Path, paths: list[str], message: str, author: Identity, *, new_repository: bool
) -> str:
    """Commit ``paths`` (relative to ``folder``) and nothing else; with
    ``new_repository``, first make ``folder`` a repository on branch main.
    Returns the commit id."""
    import pygit2

    try:
        if new_repository:
            repo = pygit2.init_repository(str(folder), initial_head="main")
        else:
            found = find_repository(folder)
            assert found is not None and found.workdir is not None
            repo = found
        prefix = folder.resolve().relative_to(Path(repo.workdir).resolve()).as_posix().strip(".")
        index = repo.index
        index.read()
        parents = [] if repo.head_is_unborn else [repo.head.target]
        if parents and index.diff_to_tree(repo.head.peel(pygit2.Tree)).stats.files_changed:
            raise OhwError(
                "the repository has staged changes; ohw would commit them with the new design",
                "commit or unstage them first (git commit, or git restore --staged .)",
            )
        for path in paths:
            index.add(f"{prefix}/{path}" if prefix else path)
        tree = index.write_tree()
        commit_id = repo.create_commit(
            "HEAD",
            pygit2.Signature(author.name, author.email),
            committer(author),
            message,
            tree,
            parents,
        )
        index.write()
    except pygit2.GitError as error:
        raise OhwError(f"git could not commit the new design: {error}") from None
    return str(commit_id)


@contextmanager
def lock_errors(repo: pygit2.Repository) -> Iterator[None]:
    """A lock file git left (another git command is running, or one was killed
    while it held the lock) is something a person can settle, not a bug."""
    import pygit2

    try:
        yield
    except pygit2.GitError as error:
        if "lock" not in str(error).lower():
            raise
        git_dir = Path(repo.path)
        locks = sorted(
            str(p.relative_to(git_dir.parent))
            for p in [*git_dir.glob("*.lock"), *(git_dir / "refs").rglob("*.lock")]
        )
        shown = ", ".join(locks) or "a lock file"
        raise OhwError(
            f"{shown} exists: another git command is using this repository, or one was "
            "killed while it held the lock",
            f"if no git command is running, remove {shown} and run this again",
        ) from None


def committer(author: Identity) -> pygit2.Signature:
    """The committer git would record: the environment's, else the author."""
    import pygit2

    name = os.environ.get("GIT_COMMITTER_NAME", author.name)
    email = os.environ.get("GIT_COMMITTER_EMAIL", author.email)
    return pygit2.Signature(name, email)
