"""Remotes: clone, fetch and push through libgit2, with timeouts, progress and
errors that say what went wrong.

Only transports that move data are allowed: a URL that would make git run a
command (``ext::``, any ``transport::`` helper, or text starting with ``-``
that a git command line would read as an option) is refused before anything
connects.
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ohw.errors import OhwError
from ohw.storage.vcs import lfs

if TYPE_CHECKING:
    import pygit2

# Seconds; a remote that accepts the connection and then says nothing fails after
# OHW_TIMEOUT instead of hanging a CI job.
CONNECT_TIMEOUT = float(os.environ.get("OHW_CONNECT_TIMEOUT", "15"))
READ_TIMEOUT = float(os.environ.get("OHW_TIMEOUT", "60"))

_SCHEMES = ("http", "https", "git", "ssh", "file")
_HELPER = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*::")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_SCP_LIKE = re.compile(r"^[^/:]+:(?!//)")


@dataclass(frozen=True)
class Transfer:
    """How far a transfer has come."""

    objects: int
    total_objects: int
    bytes: int


Progress = Callable[[Transfer], None]


def check_url(url: str, *, local_must_exist: bool = True) -> str:
    """``url`` if it is a git URL or a local path ohw may use; an error if not."""
    if not url or url.startswith("-"):
        raise OhwError(
            f"{url!r} is not a repository URL",
            "a URL or path cannot start with '-' (git would read it as an option)",
        )
    if _HELPER.match(url):
        raise OhwError(
            f"refusing {url.split('::', maxsplit=1)[0]}:: URLs: they make git run a command",
            "use an https://, ssh://, git:// or file:// URL, or a local path",
        )
    scheme = _SCHEME.match(url)
    if scheme and scheme.group(1).lower() not in _SCHEMES:
        raise OhwError(
            f"ohw does not fetch over {scheme.group(1)}://",
            "use an https://, ssh://, git:// or file:// URL, or a local path",
        )
    if any(ord(c) < 32 for c in url):
        raise OhwError(f"{url!r} holds control characters", "check the URL")
    if local_must_exist and not scheme and not _SCP_LIKE.match(url) and not Path(url).exists():
        raise OhwError(f"{url} is neither a URL nor an existing folder", "check the spelling")
    return url


def name_from_url(url: str) -> str:
    """The folder a clone of ``url`` goes to by default, as git names it."""
    last = url.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    return last.removesuffix(".git") or "design"


def _callbacks(progress: Progress | None) -> Any:
    """pygit2 callbacks: progress, no prompting for passwords, and the refs a
    server refused to update (pygit2 does not raise for those)."""
    import pygit2

    class Callbacks(pygit2.RemoteCallbacks):
        def __init__(self) -> None:
            super().__init__()
            self.rejected: dict[str, str] = {}

        def transfer_progress(self, stats: pygit2.remotes.TransferProgress) -> None:
            if progress is not None:
                progress(
                    Transfer(stats.received_objects, stats.total_objects, stats.received_bytes)
                )

        def push_transfer_progress(self, current: int, total: int, sent: int) -> None:
            if progress is not None:
                progress(Transfer(current, total, sent))

        def push_update_reference(self, refname: str, message: str | None) -> None:
            if message:
                self.rejected[refname] = message

    return Callbacks()


def _set_timeouts() -> None:
    import pygit2
    from pygit2.enums import Option

    pygit2.option(Option.SET_SERVER_CONNECT_TIMEOUT, int(CONNECT_TIMEOUT * 1000))
    pygit2.option(Option.SET_SERVER_TIMEOUT, int(READ_TIMEOUT * 1000))
    # libgit2 hashes every object again each time it reads one; git does not.
    # A fetched pack's objects were hashed as it was indexed (that is how their
    # ids are known), so checking out a clone would hash every file twice.
    pygit2.option(Option.ENABLE_STRICT_HASH_VERIFICATION, False)


def remote_error(error: Exception, url: str, action: str) -> OhwError:
    """What a failed transfer means for the person who asked for it."""
    text = str(error)
    lowered = text.lower()
    if "authentication" in lowered or "401" in lowered or "credentials" in lowered:
        return OhwError(
            f"{url} asked for a login and ohw has none to give",
            "for a private repository use an ssh:// URL with your SSH key loaded, "
            "or a token in a git credential helper",
        )
    if "resolve" in lowered and ("address" in lowered or "host" in lowered):
        return OhwError(f"unknown host in {url}", "check the host name and your network")
    if "timed out" in lowered or "timeout" in lowered:
        return OhwError(
            f"{url} did not answer in time ({READ_TIMEOUT:g} s)",
            "try again later; OHW_TIMEOUT and OHW_CONNECT_TIMEOUT set the limits in seconds",
        )
    if "failed to connect" in lowered or "connection refused" in lowered:
        return OhwError(f"cannot connect to {url}", "check the URL and that the server is up")
    if "404" in lowered or "not found" in lowered or "not appear to be a git" in lowered:
        return OhwError(f"no git repository at {url}", "check the URL")
    return OhwError(f"{action} {url} failed: {text}")


def clone(url: str, destination: Path, progress: Progress | None = None) -> pygit2.Repository:
    """Clone ``url`` into ``destination`` (which must not exist, or be an empty
    folder): made beside it and moved into place when complete, so that a
    failed or killed clone leaves no half-made design behind."""
    check_url(url)
    with made_in_place(destination) as folder:
        lfs.bring_objects(clone_into(url, folder, progress), "origin")
    return open_clone(destination)


def clone_into(url: str, folder: Path, progress: Progress | None = None) -> pygit2.Repository:
    """Clone ``url`` into the empty ``folder``, as it is."""
    import pygit2

    _set_timeouts()
    lfs.use_lfs_filter()
    try:
        return pygit2.clone_repository(url, str(folder), callbacks=_callbacks(progress))
    except (pygit2.GitError, OSError, ValueError) as error:
        raise remote_error(error, url, "cloning") from None


def open_clone(folder: Path) -> pygit2.Repository:
    import pygit2

    lfs.use_lfs_filter()
    return pygit2.Repository(str(folder))


# A clone (or fork) is made in a hidden folder beside its destination, named for
# the destination and the process making it, and renamed into place when it is
# complete. A process killed half-way leaves only that folder, which the next
# clone or fork to the same destination removes (and says so).
_INCOMPLETE = ".ohw-incomplete-"


@contextmanager
def made_in_place(destination: Path) -> Iterator[Path]:
    """An empty hidden folder beside ``destination`` to make it in, renamed to
    ``destination`` when the block ends; removed if the block fails."""
    if destination.exists() and (not destination.is_dir() or any(destination.iterdir())):
        raise OhwError(
            f"{destination} already exists and is not empty",
            "give another destination folder",
        )
    parent = destination.absolute().parent
    prefix = f".{destination.absolute().name}{_INCOMPLETE}{os.getpid()}-"
    try:
        parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(dir=parent, prefix=prefix))
    except OSError as error:
        raise OhwError(
            f"cannot make {destination} in {parent}: {error.strerror}",
            "ohw makes a clone beside its folder and moves it in when complete: "
            "choose a folder where you may create files",
        ) from None
    try:
        yield work
        if destination.exists():
            # An empty folder, perhaps someone's current one: fill it rather than
            # replace it, .git last (until then the folder is no repository).
            for entry in sorted(work.iterdir(), key=lambda e: e.name == ".git"):
                entry.rename(destination / entry.name)
            work.rmdir()
        else:
            work.rename(destination)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


def remove_interrupted(destination: Path) -> list[Path]:
    """Remove what killed clones or forks to ``destination`` left beside it
    (their process is gone); return what was removed."""
    name = destination.absolute().name
    parent = destination.absolute().parent
    if not parent.is_dir():
        return []
    removed = []
    for leftover in sorted(parent.glob(f".{glob.escape(name)}{_INCOMPLETE}*")):
        pid = leftover.name.removeprefix(f".{name}{_INCOMPLETE}").split("-", 1)[0]
        if leftover.is_dir() and pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(leftover, ignore_errors=True)
            removed.append(leftover)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def fetch(repo: pygit2.Repository, remote_name: str, progress: Progress | None = None) -> None:
    import pygit2

    remote = _remote(repo, remote_name)
    _remove_stale_packs(Path(repo.path))
    _set_timeouts()
    try:
        remote.fetch(callbacks=_callbacks(progress), message=f"ohw: fetch {remote_name}")
    except (pygit2.GitError, OSError) as error:
        raise remote_error(error, remote.url or remote_name, "fetching from") from None


def fetch_source(
    repo: pygit2.Repository, url: str, namespace: str, progress: Progress | None = None
) -> str | None:
    """Fetch every branch, tag and remix pin of ``url`` under ``namespace``
    (``heads/``, ``tags/``, ``remix/``), without a remote or a working copy;
    return the branch the source's HEAD names, if it names one."""
    import pygit2

    check_url(url)
    remote = repo.remotes.create_anonymous(url)
    _set_timeouts()
    refspecs = [
        f"+refs/heads/*:{namespace}/heads/*",
        f"+refs/tags/*:{namespace}/tags/*",
        f"+refs/ohw/remix/*:{namespace}/remix/*",
    ]
    try:
        remote.fetch(refspecs, callbacks=_callbacks(progress), message=f"ohw: fetch {url}")
        heads = remote.list_heads(connect=False)
    except (pygit2.GitError, OSError) as error:
        raise remote_error(error, url, "fetching from") from None
    for head in heads:
        if head.name == "HEAD" and head.symref_target:
            return str(head.symref_target).removeprefix("refs/heads/")
    return None


# libgit2 receives a pack into objects/pack/pack_git2_*, and renames it when it
# is complete; a fetch killed half-way leaves that file, which git never removes
# (git count-objects calls it garbage). One not written to for this long belongs
# to no fetch still running: a silent remote fails after OHW_TIMEOUT.
STALE_PACK_SECONDS = max(600.0, 2 * READ_TIMEOUT)


def _remove_stale_packs(git_dir: Path) -> None:
    now = time.time()
    for partial in (git_dir / "objects" / "pack").glob("pack_git2_*"):
        with contextlib.suppress(OSError):  # gone meanwhile, or not ours to remove
            if now - partial.stat().st_mtime > STALE_PACK_SECONDS:
                partial.unlink()


def default_branch(repo: pygit2.Repository, remote_name: str) -> str:
    """The branch the remote's HEAD points at, as a remote-tracking ref name."""
    import pygit2

    remote = _remote(repo, remote_name)
    _set_timeouts()
    try:
        heads = remote.list_heads(callbacks=_callbacks(None))
    except (pygit2.GitError, OSError) as error:
        raise remote_error(error, remote.url or remote_name, "reading") from None
    for head in heads:
        if head.name == "HEAD" and head.symref_target:
            branch = head.symref_target.removeprefix("refs/heads/")
            return f"refs/remotes/{remote_name}/{branch}"
    raise OhwError(f"{remote_name} has no default branch", "merge a branch of it by name")


def push(
    repo: pygit2.Repository, remote_name: str, branch: str, progress: Progress | None = None
) -> None:
    """Push ``branch`` to the branch of the same name on the remote."""
    import pygit2

    remote = _remote(repo, remote_name)
    callbacks = _callbacks(progress)
    _set_timeouts()
    spec = f"refs/heads/{branch}:refs/heads/{branch}"
    lfs.send_objects(repo, remote_name, branch)  # first, as git-lfs's pre-push hook does
    try:
        remote.push([spec], callbacks=callbacks)
    except (pygit2.GitError, OSError) as error:
        text = str(error).lower()
        if "fast-forward" in text or "fast forward" in text or "not present locally" in text:
            raise _rejected(remote_name, branch, "it has commits you do not have") from None
        raise remote_error(error, remote.url or remote_name, "pushing to") from None
    for refname, message in callbacks.rejected.items():
        raise _rejected(remote_name, refname.removeprefix("refs/heads/"), message)
    # Like git, remember where the remote branch now is.
    repo.references.create(
        f"refs/remotes/{remote_name}/{branch}", repo.branches[branch].target, force=True
    )


def start_fork(repo: pygit2.Repository, revision: str | None, upstream: str) -> str:
    """Make a fresh clone a fork: its branch at ``revision`` (if given), the
    source renamed from origin to ``upstream``. Returns the commit forked."""
    import pygit2

    from ohw.storage.vcs.repository import resolve_commit

    if revision is not None:
        repo.reset(resolve_commit(repo, revision).id, pygit2.enums.ResetMode.HARD)
    repo.remotes.rename("origin", upstream)
    lfs.bring_objects(repo, upstream)
    return str(repo.head.target)


def has_remote(repo: pygit2.Repository, name: str) -> bool:
    return name in [r.name for r in repo.remotes]


def current_branch(repo: pygit2.Repository, action: str) -> str:
    """The name of the checked-out branch; an error if there is none."""
    if repo.head_is_unborn or repo.head_is_detached:
        raise OhwError(f"{action} needs a current branch", "switch to a branch first")
    return str(repo.head.shorthand)


def tracked(repo: pygit2.Repository) -> tuple[str, str]:
    """The remote the current branch tracks, and the ref of its branch there."""
    branch = repo.branches.local[current_branch(repo, "pull")]
    found = branch.upstream
    if found is None:
        raise OhwError(
            f"the branch {branch.branch_name} does not track a remote branch",
            f"run git branch --set-upstream-to=origin/{branch.branch_name}",
        )
    return str(found.remote_name), str(found.name)


def _rejected(remote_name: str, branch: str, why: str) -> OhwError:
    return OhwError(
        f"{remote_name} rejected the push of {branch}: {why}",
        "bring your branch up to date first (ohw pull), then push again",
    )


def _remote(repo: pygit2.Repository, name: str) -> pygit2.Remote:
    try:
        remote: pygit2.Remote = repo.remotes[name]
    except KeyError:
        raise OhwError(
            f"this repository has no remote called {name!r}",
            f"add one with git remote add {name} URL",
        ) from None
    check_url(remote.url or "", local_must_exist=False)
    return remote


def origin_url(folder: Path) -> str | None:
    """The URL of the remote 'origin' of the repository holding ``folder``, if any."""
    from ohw.storage.vcs.repository import find_repository

    repo = find_repository(folder)
    if repo is None or not has_remote(repo, "origin"):
        return None
    url: str | None = repo.remotes["origin"].url
    return url


def head_commit(folder: Path) -> str | None:
    """The commit HEAD names in the repository holding ``folder``, if there is one."""
    from ohw.storage.vcs.repository import find_repository

    repo = find_repository(folder)
    if repo is None or repo.head_is_unborn:
        return None
    return str(repo.head.target)
