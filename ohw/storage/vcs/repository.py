"""Git repositories through libgit2: finding and opening them, commits, the
design at a commit, references, identities, ignore rules. Every pygit2 call in
ohw lives in ohw.storage.vcs.

pygit2 is imported inside the functions, so that commands which never touch
git history (and `ohw --help`) do not pay for loading it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ohw.errors import OhwError
from ohw.storage.files import write_atomically
from ohw.storage.git_index import Unfinished, unfinished_operation
from ohw.storage.locations import repository_of
from ohw.storage.tree import DesignTree, Kind, WorkingTree
from ohw.storage.vcs import git_cli
from ohw.storage.vcs.lfs import use_lfs_filter

if TYPE_CHECKING:
    import pygit2

    # The handle other layers hold and pass back, never look into.
    Repository = pygit2.Repository

_GIT_SECONDS = 60  # what asking the git command line may take
_MODE_KIND = {0o040000: Kind.FOLDER, 0o120000: Kind.LINK, 0o160000: Kind.SUBMODULE}


@dataclass(frozen=True)
class Identity:
    """Who makes a commit, as git would record them: a name, an e-mail, the time
    where git's environment sets one (GIT_AUTHOR_DATE, GIT_COMMITTER_DATE; else
    the commit's own), and, for an author, who commits (where not the author)."""

    name: str
    email: str
    when: tuple[int, int] | None = None  # seconds since 1970 (UTC), minutes east of UTC
    committer: Identity | None = None


def load_libgit2() -> None:
    """Load pygit2 (a tenth of a second), as a command does while git's command
    line transfers what it will then work on with libgit2."""
    import pygit2  # noqa: F401


def find_repository(path: Path) -> pygit2.Repository | None:
    """The git repository whose work tree holds ``path``, if any."""
    import pygit2

    use_lfs_filter()
    found = pygit2.discover_repository(str(path))
    return pygit2.Repository(found) if found else None


class CommitTree(DesignTree):
    """The design as it was at a commit."""

    def __init__(
        self, repo: pygit2.Repository, commit: pygit2.Commit, prefix: str, location: Path
    ) -> None:
        self._odb = repo.odb
        self._commit = commit
        self._prefix = prefix
        self.revision = str(commit.id)
        self.commit_time = int(commit.commit_time)  # seconds since 1970, UTC
        self.label = f"commit {self.revision[:7]}"
        self.location = location

    def folder_id(self) -> str | None:
        try:
            return str(self._object(()).id)
        except KeyError:  # the design's folder is not there at this commit
            return None

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

    def _size(self, names: tuple[str, ...]) -> int:
        # From the object's header: a mesh's blob is not inflated to be measured.
        size: int = self._odb.read_header(self._object(names).id)[1]
        return size

    def _children(self, names: tuple[str, ...]) -> list[tuple[str, Kind]]:
        return [
            (entry.name, _MODE_KIND.get(entry.filemode, Kind.FILE)) for entry in self._object(names)
        ]


def commit_tree(folder: Path, revision: str) -> CommitTree:
    """The design in ``folder`` as it was at ``revision`` (any name git accepts)."""
    repo, prefix = design_repository(folder, f"it has no revision {revision!r}")
    return CommitTree(repo, resolve_commit(repo, revision), prefix, folder)


def design_repository(folder: Path, why: str) -> tuple[pygit2.Repository, str]:
    """The repository whose work tree holds the design in ``folder``, and the
    design's folder in it ("" at the top); an error saying ``why`` it is needed
    if there is none."""
    repo = find_repository(folder)
    if repo is None or repo.workdir is None:
        raise OhwError(
            f"{folder} is not inside a git work tree, so {why}",
            "run it inside a clone of the design (see `ohw clone` and `ohw init`)",
        )
    workdir = Path(repo.workdir).resolve()
    design = folder.resolve()
    if not design.is_relative_to(workdir):
        raise OhwError(f"{folder} is not inside the repository at {workdir}")
    return repo, design.relative_to(workdir).as_posix().strip(".")


def resolve_commit(repo: pygit2.Repository, revision: str) -> pygit2.Commit:
    """The commit ``revision`` names (a commit id, branch, tag or any name git accepts)."""
    import pygit2

    if revision.startswith("-"):
        raise OhwError(f"{revision!r} is not a revision", "revisions do not start with '-'")
    if revision == "HEAD" and repo.head_is_unborn:
        raise OhwError("the current branch has no commits yet", "commit the design first")
    try:
        commit: pygit2.Commit = repo.revparse_single(revision).peel(pygit2.Commit)
    except (KeyError, ValueError, pygit2.GitError):
        raise OhwError(
            f"unknown revision {revision!r}",
            "give a commit id, a branch or a tag, as for git (see `git log --oneline`)",
        ) from None
    return commit


def commit_design(repo: pygit2.Repository, commit_id: str, location: Path) -> CommitTree | None:
    """The design at the root of ``commit_id``'s tree, if this repository has that
    commit (from a fetch, a fork's history or a remix pin); else None."""
    import pygit2

    try:
        found = repo.get(commit_id)
    except (ValueError, pygit2.GitError):
        return None
    if found is None or found.type != pygit2.enums.ObjectType.COMMIT:
        return None
    return CommitTree(repo, found.peel(pygit2.Commit), "", location)


def find_commit(repo: pygit2.Repository, names: list[str]) -> pygit2.Commit | None:
    """The commit the first of ``names`` that git resolves names, if any."""
    import pygit2

    for name in names:
        try:
            commit: pygit2.Commit = repo.revparse_single(name).peel(pygit2.Commit)
        except (KeyError, ValueError, pygit2.GitError):
            continue
        return commit
    return None


def reachable(repo: pygit2.Repository, commit_id: str, tips: list[str]) -> bool:
    """Whether ``commit_id`` is one of ``tips`` or in the history of one."""
    import pygit2

    wanted = pygit2.Oid(hex=commit_id)
    return any(tip == commit_id or repo.descendant_of(pygit2.Oid(hex=tip), wanted) for tip in tips)


def references_under(repo: pygit2.Repository, prefix: str) -> dict[str, str]:
    """Every reference under ``prefix`` ("refs/ohw/..."), with its target."""
    return {
        name: str(repo.references[name].target)
        for name in repo.references
        if name.startswith(prefix + "/")
    }


def set_reference(repo: pygit2.Repository, name: str, target: str) -> None:
    repo.references.create(name, target, force=True)


def delete_reference(repo: pygit2.Repository, name: str) -> None:
    repo.references.delete(name)


def repository_prefix(repo: pygit2.Repository, folder: Path) -> str:
    """Where ``folder`` is inside the repository's work tree ("" at its root)."""
    return folder.resolve().relative_to(Path(repo.workdir).resolve()).as_posix().strip(".")


def merge_in_progress(repo: pygit2.Repository) -> bool:
    """Whether a merge (or a rebase, a cherry-pick...) waits to be finished."""
    import pygit2

    return bool(repo.state() != pygit2.enums.RepositoryState.NONE)


def refuse_staged_changes(repo: pygit2.Repository) -> None:
    """An error if the index holds changes that a commit of ohw's would take along."""
    import pygit2

    if repo.head_is_unborn:
        return
    index = repo.index
    index.read()
    if index.diff_to_tree(repo.head.peel(pygit2.Tree)).stats.files_changed:
        raise OhwError(
            "the repository has staged changes; ohw would commit them with its own",
            "commit or unstage them first (git commit, or git restore --staged .)",
        )


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


class GitWorkingTree(WorkingTree):
    """The design as it is on disk, where git's ignore rules say which files
    are not the design's (in a folder outside any repository, none)."""

    def ignored(self, paths: list[str]) -> set[str]:
        return ignored(self.root, paths)

    def lfs_tracked(self, paths: list[str]) -> set[str]:
        return lfs_tracked(self.root, paths)

    def unfinished(self) -> Unfinished | None:
        return unfinished_operation(str(self.root))


def ignored(folder: Path, paths: list[str]) -> set[str]:
    """Those of ``paths`` (relative to ``folder``) that git ignores there: asked
    of git itself where it is installed (a few milliseconds, where loading
    libgit2 takes a tenth of a second), else of libgit2, which agrees with it."""
    if not paths or repository_of(str(folder)) is None:
        return set()
    told = _ignored_by_git(folder, paths)
    if told is not None:
        return told
    repo = find_repository(folder)
    if repo is None or repo.workdir is None:
        return set()
    prefix = repository_prefix(repo, folder)
    return {p for p in paths if repo.path_is_ignored(f"{prefix}/{p}" if prefix else p)}


def _ignored_by_git(folder: Path, paths: list[str]) -> set[str] | None:
    """What ``git check-ignore`` says of ``paths`` by the ignore rules alone (as
    libgit2 does: tracked or not), or None where git cannot say."""
    done = _git_about_paths(folder, ["check-ignore", "--no-index"], paths)
    if done is None or done[0] not in (0, 1):  # 1: none is ignored; else git failed (bare)
        return None
    return {os.fsdecode(p) for p in done[1].split(b"\0") if p}


def _git_about_paths(
    folder: Path, command: list[str], paths: list[str]
) -> tuple[int, bytes] | None:
    """``git COMMAND -z --stdin`` in ``folder``, given ``paths``: its exit code and
    output, or None where there is no git, or a git that hangs."""
    import subprocess

    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *command, "-z", "--stdin"],
            input=b"".join(os.fsencode(p) + b"\0" for p in paths),
            capture_output=True,
            timeout=_GIT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.returncode, done.stdout


def lfs_tracked(folder: Path, paths: list[str]) -> set[str]:
    """Those of ``paths`` (relative to ``folder``) that git's attributes give
    git-lfs's filter, as ``git check-attr`` says (none where git cannot say)."""
    if not paths or repository_of(str(folder)) is None:
        return set()
    done = _git_about_paths(folder, ["check-attr", "filter"], paths)
    if done is None or done[0] != 0:
        return set()
    fields = done[1].split(b"\0")
    return {  # path, attribute, value: three fields a path
        os.fsdecode(fields[n]) for n in range(0, len(fields) - 2, 3) if fields[n + 2] == b"lfs"
    }


def unchanged_blob_ids(folder: Path, paths: list[str]) -> dict[str, str]:
    """The blob ids of those of ``paths`` (relative to ``folder``) that git finds
    unchanged since the last commit, taken from its index: git's own stat cache
    says so without reading them."""
    repo = find_repository(folder)
    if repo is None or repo.workdir is None or repo.head_is_unborn or not paths:
        return {}
    prefix = folder.resolve().relative_to(Path(repo.workdir).resolve()).as_posix().strip(".")
    index = repo.index
    found = {}
    for path in paths:
        name = f"{prefix}/{path}" if prefix else path
        try:
            unchanged = repo.status_file(name) == 0
        except (KeyError, ValueError):
            continue
        if unchanged and name in index:
            found[path] = str(index[name].id)
    return found


def identity_or_error(folder: Path) -> Identity:
    """The author (and committer) git would record for a commit in ``folder``,
    by git's own rules: what `git var` says, where git is installed. Without
    git, libgit2 reads the environment and the configuration. An error saying
    how to set one where git knows of none."""
    try:
        author, committer = git_cli.author_and_committer(folder)
    except git_cli.GitMissing:
        return _identity_from_libgit2(folder)
    except git_cli.GitFailed as failure:
        raise unknown_identity(str(failure)) from None
    return replace(
        _as_said(author, "GIT_AUTHOR_DATE"), committer=_as_said(committer, "GIT_COMMITTER_DATE")
    )


def _as_said(said: git_cli.Signature, date_variable: str) -> Identity:
    """Who git said, with the time it said only where the environment sets one:
    else the commit takes the time it is made."""
    when = (said.time, said.offset) if os.environ.get(date_variable) else None
    return Identity(said.name, said.email, when)


def _identity_from_libgit2(folder: Path) -> Identity:
    """Without git: the environment first, then the configuration files git
    reads, found as git finds them (but conditional includes)."""
    import pygit2
    from pygit2.enums import ConfigLevel

    environ = os.environ
    home = Path(environ.get("HOME") or Path.home())
    files = [
        (Path(environ.get("XDG_CONFIG_HOME") or home / ".config") / "git" / "config",
         ConfigLevel.XDG),
        (Path(environ.get("GIT_CONFIG_GLOBAL") or home / ".gitconfig"), ConfigLevel.GLOBAL),
    ]  # fmt: skip
    if environ.get("GIT_CONFIG_NOSYSTEM", "").lower() not in ("1", "true", "yes", "on"):
        system = Path(environ.get("GIT_CONFIG_SYSTEM") or "/etc/gitconfig")
        files.insert(0, (system, ConfigLevel.SYSTEM))
    repo = find_repository(folder)
    if repo is not None:
        files.append((Path(repo.path) / "config", ConfigLevel.LOCAL))
    config = pygit2.Config()
    for path, level in files:
        if path.is_file():
            config.add_file(str(path), level)
    name = environ.get("GIT_AUTHOR_NAME") or _config_value(config, "user.name")
    email = (
        environ.get("GIT_AUTHOR_EMAIL")
        or _config_value(config, "user.email")
        or environ.get("EMAIL")
    )
    if not (name and email):
        raise unknown_identity("")
    committer = Identity(
        environ.get("GIT_COMMITTER_NAME") or _config_value(config, "user.name") or name,
        environ.get("GIT_COMMITTER_EMAIL") or _config_value(config, "user.email") or email,
    )
    return Identity(name, email, committer=committer)


def unknown_identity(said: str) -> OhwError:
    return OhwError(
        "git does not know who you are, so ohw cannot make a commit"
        + (f" (git says: {said})" if said else ""),
        'run git config --global user.name "Your Name" and '
        "git config --global user.email you@example.org",
    )


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
            use_lfs_filter()
            repo = pygit2.init_repository(str(folder), initial_head="main")
        else:
            found = find_repository(folder)
            assert found is not None and found.workdir is not None
            repo = found
        prefix = repository_prefix(repo, folder)
        refuse_staged_changes(repo)
        index = repo.index
        index.read()
        parents = [] if repo.head_is_unborn else [repo.head.target]
        for path in paths:
            index.add(f"{prefix}/{path}" if prefix else path)
        tree = index.write_tree()
        index.write()
        commit_id = repo.create_commit(
            "HEAD", signature(author), committer(author), message, tree, parents
        )
    except pygit2.GitError as error:
        raise OhwError(f"git could not commit the new design: {error}") from None
    return str(commit_id)


# A command that writes files and commits them (a remix) first notes, in the
# git directory, each file it will write with the blob id it will hold: killed
# before its commit, or after it and before the index and files are all
# written, it leaves that note, and the next such command puts those files and
# their index entries back as HEAD has them (the commit made, or the one before).
_WRITES_IN_PROGRESS = "ohw/writes-in-progress.json"


def note_writes(folder: Path, writes: dict[str, bytes]) -> Path:
    """Note the files (relative to ``folder``) a command is about to write and
    commit, with the content each will have and whether it is there now;
    returns the note, to be removed when the commit is made."""
    import pygit2

    repo = open_work_tree(folder, "commit")
    prefix = repository_prefix(repo, folder)
    noted = {
        f"{prefix}/{path}" if prefix else path: {
            "blob": str(pygit2.hash(data)),
            "existed": (folder / path).exists(),
        }
        for path, data in writes.items()
    }
    note = Path(repo.path) / _WRITES_IN_PROGRESS
    note.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(note, json.dumps(noted).encode())
    return note


def finish_interrupted_writes(folder: Path) -> list[str]:
    """Where a command killed between writing files and committing them left
    its note: each file it noted, and its index entry, as HEAD has it (or gone,
    where HEAD has none and the command made it); a file a person changed
    since is left alone. Returns the files put back."""
    import pygit2

    repo = open_work_tree(folder, "commit")
    note = Path(repo.path) / _WRITES_IN_PROGRESS
    try:
        noted = json.loads(note.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    head = None if repo.head_is_unborn else repo.head.peel(pygit2.Tree)
    workdir = Path(repo.workdir)
    index = repo.index
    index.read()
    restored = []
    with lock_errors(repo):
        for path, written in noted.items():
            file = workdir / path
            on_disk = str(pygit2.hash(file.read_bytes())) if file.is_file() else None
            committed = head[path] if head is not None and path in head else None
            wanted = str(committed.id) if committed is not None else None
            if on_disk not in (written["blob"], wanted, None):
                continue  # changed by a person since
            if committed is None:
                if on_disk is not None and not written["existed"]:
                    file.unlink()
                    restored.append(path)
                if path in index:
                    index.remove(path)
                continue
            if on_disk != wanted:
                file.parent.mkdir(parents=True, exist_ok=True)
                write_atomically(file, bytes(committed.read_raw()))
                restored.append(path)
            index.add(path)
        index.write()
        note.unlink()
    return sorted(restored)


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


def signature(person: Identity) -> pygit2.Signature:
    import pygit2

    if person.when is None:
        return pygit2.Signature(person.name, person.email)
    return pygit2.Signature(person.name, person.email, *person.when)


def committer(author: Identity) -> pygit2.Signature:
    """The committer git would record for a commit by ``author``."""
    return signature(author.committer or author)


def repository_path(folder: Path) -> str | None:
    """``folder`` relative to the root of the work tree holding it ("" at the
    root), or None outside a git work tree."""
    repo = find_repository(folder)
    if repo is None or repo.workdir is None:
        return None
    workdir = Path(repo.workdir).resolve()
    design = folder.resolve()
    if not design.is_relative_to(workdir):
        return None
    relative = design.relative_to(workdir).as_posix()
    return "" if relative == "." else relative


def changed_files(folder: Path, since: str, revision: str | None = None) -> set[str]:
    """The files of the design in ``folder`` (as design paths) added, changed or
    deleted from commit ``since`` to commit ``revision``, or to the working tree
    (files git does not ignore, committed or not) when ``revision`` is None."""
    import pygit2

    repo = find_repository(folder)
    if repo is None or repo.workdir is None:
        raise OhwError(
            f"{folder} is not inside a git work tree, so nothing changed since {since!r}",
            "--changed-since compares with git history: run it inside a clone of the design",
        )
    base = resolve_commit(repo, since)
    try:
        if revision is None:
            diff = base.tree.diff_to_workdir(
                pygit2.enums.DiffOption.INCLUDE_UNTRACKED
                | pygit2.enums.DiffOption.RECURSE_UNTRACKED_DIRS
            )
        else:
            diff = repo.diff(base, resolve_commit(repo, revision))
    except pygit2.GitError as error:
        raise OhwError(f"git could not compare with {since!r}: {error}") from None
    prefix = repository_path(folder) or ""
    inside = f"{prefix}/" if prefix else ""
    changed = set()
    for delta in diff.deltas:
        for path in (delta.old_file.path, delta.new_file.path):
            if path.startswith(inside):
                changed.add(path[len(inside) :])
    return changed
