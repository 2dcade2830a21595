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
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ohw.errors import OhwError
from ohw.storage.vcs import git_cli, lfs

# typing takes 3 ms to load, a clone's start-up needs nothing of it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    import pygit2

# Seconds; a remote that accepts the connection and then says nothing fails after
# OHW_TIMEOUT instead of hanging a CI job.
CONNECT_TIMEOUT = float(os.environ.get("OHW_CONNECT_TIMEOUT", "15"))
READ_TIMEOUT = float(os.environ.get("OHW_TIMEOUT", "60"))

_SCHEMES = ("http", "https", "git", "ssh", "file")
_HELPER = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*::")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_SCP_LIKE = re.compile(r"^[^/:]+:(?!//)")


class Transfer:
    """How far a transfer has come. (Not a dataclass, nor Pushed: see
    git_cli.Signature.)"""

    __slots__ = ("bytes", "objects", "total_objects")

    def __init__(self, objects: int, total_objects: int, size: int) -> None:
        self.objects = objects
        self.total_objects = total_objects
        self.bytes = size


Progress = Callable[[Transfer], None]

# What travels with a design besides its branches and tags: the refs under
# refs/ohw/, which keep the commits its remixes are pinned to, so that credits
# and lineage can be followed in any clone. Fetched with every clone, fork, pull
# and update, and pushed with every push; a pin names its commit, so the same
# ref never means two things and may be overwritten.
OHW_REFS = "refs/ohw"
OHW_REFSPEC = f"+{OHW_REFS}/*:{OHW_REFS}/*"


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
    if any(
        words in lowered
        for words in ("404", "not found", "not appear to be a git", "does not exist")
    ):
        return OhwError(f"no git repository at {url}", "check the URL")
    return OhwError(f"{action} {url} failed: {text}")


def clone(url: str, destination: Path, progress: Progress | None = None) -> None:
    """Clone ``url`` into ``destination`` (which must not exist, or be an empty
    folder): made beside it and moved into place when complete, so that a
    failed or killed clone leaves no half-made design behind."""
    check_url(url)
    with made_in_place(destination) as folder:
        clone_into(url, folder, progress)
        lfs.bring_objects(folder, "origin")


def _by_git(
    verb: str,
    arguments: list[str],
    cwd: Path,
    progress: Progress | None,
    url: str,
    *,
    config: list[str],
    meanwhile: Callable[[], object] | None = None,
) -> bool:
    """``git clone``, ``git fetch`` or the checkout of a clone (``verb``) run
    by git's command line: False where git is not installed (libgit2 is to do
    it), the remote's error where git failed."""
    try:
        git_cli.transfer(
            verb, arguments, cwd, _git_progress(progress), config=config, meanwhile=meanwhile
        )
    except git_cli.GitMissing:
        return False
    except git_cli.GitFailed as failure:
        doing = "fetching from" if verb == "fetch" else "cloning"
        raise remote_error(failure, url, doing) from None
    return True


def clone_into(
    url: str,
    folder: Path,
    progress: Progress | None = None,
    remote_name: str = "origin",
    meanwhile: Callable[[], object] | None = None,
) -> None:
    """Clone ``url`` into the empty ``folder``, as it is, its remote called
    ``remote_name``, with its refs/ohw/* (kept in the remote's fetch refspecs,
    so that later fetches, git's too, bring them). ``meanwhile`` may run while
    git's command line clones (it is not run otherwise)."""
    if clone_by_git(url, folder, progress, remote_name, meanwhile, checkout=True):
        return  # else libgit2 clones it, more slowly
    import pygit2

    def with_ohw_refs(repo: pygit2.Repository, name: str, url: str) -> pygit2.Remote:
        repo.remotes.create(remote_name, url)
        repo.remotes.add_fetch(remote_name, OHW_REFSPEC)
        made: pygit2.Remote = repo.remotes[remote_name]
        return made

    _set_timeouts()
    lfs.use_lfs_filter()
    try:
        pygit2.clone_repository(
            url, str(folder), callbacks=_callbacks(progress), remote=with_ohw_refs
        )
    except (pygit2.GitError, OSError, ValueError) as error:
        raise remote_error(error, url, "cloning") from None


def clone_by_git(
    url: str,
    folder: Path,
    progress: Progress | None,
    remote_name: str,
    meanwhile: Callable[[], object] | None,
    *,
    checkout: bool,
) -> bool:
    """``clone_into`` by git's command line, where ``url`` names a repository
    on this machine and git is installed; whether it cloned. Without
    ``checkout``, no file is checked out and git's index not written (see
    ``check_out``)."""
    if not git_cli.is_local(url):
        return False
    arguments = [
        *([] if checkout else ["--no-checkout"]),
        f"--origin={remote_name}",
        f"--config=remote.{remote_name}.fetch={OHW_REFSPEC}",
        "--",
        url,
        str(folder.absolute()),
    ]
    here = Path.cwd()
    config = git_cli.parallel_checkout(here) if checkout else []
    return _by_git("clone", arguments, here, progress, url, config=config, meanwhile=meanwhile)


def check_out(folder: Path, progress: Progress | None, url: str, config: list[str]) -> None:
    """The files of HEAD written into the work tree of the clone of ``url`` in
    ``folder`` (made by ``clone_by_git`` without checkout), and git's index, as
    ``git clone`` would, with the settings ``config`` (see git_cli.parallel_checkout)."""
    _by_git("checkout", ["-f"], folder, progress, url, config=config)


def _git_progress(progress: Progress | None) -> Callable[[int, int, int], None] | None:
    if progress is None:
        return None
    report = progress
    return lambda objects, total, size: report(Transfer(objects, total, size))


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
        work = _new_folder(parent, prefix)
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
        import shutil

        shutil.rmtree(work, ignore_errors=True)
        raise


def _new_folder(parent: Path, prefix: str) -> Path:
    """A new folder in ``parent`` whose name starts with ``prefix``, with the
    permissions git gives the folders it makes (the umask's: tempfile's are
    its owner's only)."""
    while True:
        folder = parent / f"{prefix}{os.urandom(4).hex()}"
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        return folder


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
            import shutil

            shutil.rmtree(leftover, ignore_errors=True)
            removed.append(leftover)
    return removed


def fetch_namespace(repo: pygit2.Repository, prefix: str) -> str:
    """A namespace of this process's under ``prefix`` (refs/ohw/...) to fetch
    into: PREFIX/PID. A fetch killed half-way leaves its references and lock
    files in its own, where no other fetch trips on them; what processes now
    gone left there (or this one's pid, used before), and anything not under a
    pid (as fetched before), is removed first."""
    from ohw.storage.vcs.repository import delete_reference, references_under

    def left(part: str) -> bool:
        return not (part.isdigit() and int(part) != os.getpid() and _running(int(part)))

    loose = Path(repo.path) / prefix
    # Loose references and lock files first: libgit2 cannot delete past a lock.
    for entry in loose.iterdir() if loose.is_dir() else []:
        if not left(entry.name):
            continue
        if entry.is_dir():
            import shutil

            shutil.rmtree(entry)
        else:
            entry.unlink()
    for name in references_under(repo, prefix):  # the packed ones
        if left(name.removeprefix(f"{prefix}/").split("/", 1)[0]):
            delete_reference(repo, name)
    return f"{prefix}/{os.getpid()}"


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def fetch_before_loading(
    folder: Path,
    remote_name: str,
    progress: Progress | None = None,
    *,
    on_a_branch: bool,
    meanwhile: Callable[[], object] | None = None,
) -> bool:
    """``fetch`` of ``remote_name`` into the repository whose work tree holds
    ``folder``, by git's command line alone, while the work tree's index is
    refreshed and ``meanwhile`` runs (loading libgit2 and the merge that
    follows, a tenth of a second that the fetch hides): where the remote is a
    repository on this machine, its URL one ohw may use, and
    (``on_a_branch``) the work tree on a branch with commits.
    Returns whether it fetched: where it did not (no git, a remote elsewhere,
    or something ``fetch`` and its callers refuse and say why), nothing was done."""
    from ohw.storage.locations import repository_of

    found = repository_of(str(folder))
    if found is None:
        return False
    root, git_dir = Path(found[0]), Path(found[1])
    questions = [["remote", "get-url", "--", remote_name]]
    if on_a_branch:
        questions.append(["rev-parse", "--symbolic-full-name", "HEAD"])
    try:
        said_url, *said_head = git_cli.answered(git_cli.ask_at_once(questions, root))
    except (git_cli.GitMissing, git_cli.GitFailed):
        return False
    url = check_url(
        said_url.decode("utf-8", "surrogateescape").rstrip("\n"), local_must_exist=False
    )
    if not git_cli.is_local(url) or not all(h.startswith(b"refs/heads/") for h in said_head):
        return False
    _remove_stale_packs(git_dir)
    config = [f"remote.{remote_name}.fetch={OHW_REFSPEC}"]  # once more does no harm
    alongside = _refreshing_the_index(root, meanwhile)
    return _by_git(
        "fetch", ["--", remote_name], root, progress, url, config=config, meanwhile=alongside
    )


def _refreshing_the_index(root: Path, meanwhile: Callable[[], object] | None) -> Callable[[], None]:
    """What runs while a fetch transfers: git's index of the work tree at
    ``root`` refreshed, which the merge that follows would otherwise wait
    for (see git_cli.refresh_index), then ``meanwhile``."""

    def alongside() -> None:
        git_cli.refresh_index(root)
        if meanwhile is not None:
            meanwhile()

    return alongside


def fetch(
    repo: pygit2.Repository,
    remote_name: str,
    progress: Progress | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> str | None:
    """Fetch what the remote's refspecs name, and its refs/ohw/*, while the
    work tree's index is refreshed and ``meanwhile`` runs; return the remote's
    default branch, as a remote-tracking ref name, where the transfer said
    which it is."""
    import pygit2

    remote = _remote(repo, remote_name)
    url = remote.url or remote_name
    _remove_stale_packs(Path(repo.path))
    configured = list(remote.fetch_refspecs)
    where = Path(repo.workdir or repo.path)
    alongside = _refreshing_the_index(where, meanwhile)
    if git_cli.is_local(url):
        more = [] if OHW_REFSPEC in configured else [f"remote.{remote_name}.fetch={OHW_REFSPEC}"]
        if _by_git(
            "fetch", ["--", remote_name], where, progress, url, config=more, meanwhile=alongside
        ):
            return None  # else libgit2 fetches it, more slowly
    _set_timeouts()
    refspecs = list(dict.fromkeys([*configured, OHW_REFSPEC]))
    # libgit2 lets go of Python while it transfers: the other thread runs.
    waiting = git_cli.in_the_meantime(alongside)
    try:
        remote.fetch(refspecs, callbacks=_callbacks(progress), message=f"ohw: fetch {remote_name}")
        branch = _head_branch(remote.list_heads(connect=False))
    except (pygit2.GitError, OSError) as error:
        raise remote_error(error, url, "fetching from") from None
    finally:
        waiting.join()
    return f"refs/remotes/{remote_name}/{branch}" if branch else None


def _head_branch(heads: list[Any]) -> str | None:
    """The branch a remote's advertised HEAD names, if it names one."""
    for head in heads:
        if head.name == "HEAD" and head.symref_target:
            return str(head.symref_target).removeprefix("refs/heads/")
    return None


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
        return _head_branch(remote.list_heads(connect=False))
    except (pygit2.GitError, OSError) as error:
        raise remote_error(error, url, "fetching from") from None


# A pack being received is written to objects/pack/pack_git2_* by libgit2 and
# tmp_pack_* by git, and renamed when complete; a fetch killed half-way leaves
# that file, which git removes only when `git gc` prunes, two weeks later (git
# count-objects calls it garbage). ohw removes it at its next fetch once nothing
# has written to it for this long: it belongs to no fetch still running, as a
# silent remote fails after OHW_TIMEOUT.
STALE_PACK_SECONDS = max(600.0, 2 * READ_TIMEOUT)
_PARTIAL_PACKS = ("pack_git2_*", "tmp_pack_*", "tmp_idx_*")


def _remove_stale_packs(git_dir: Path) -> None:
    now = time.time()
    packs = git_dir / "objects" / "pack"
    for partial in [p for pattern in _PARTIAL_PACKS for p in packs.glob(pattern)]:
        with contextlib.suppress(OSError):  # gone meanwhile, or not ours to remove
            if now - partial.stat().st_mtime > STALE_PACK_SECONDS:
                partial.unlink()


def default_branch(repo: pygit2.Repository, remote_name: str) -> str:
    """The branch the remote's HEAD points at, as a remote-tracking ref name."""
    import pygit2

    remote = _remote(repo, remote_name)
    _set_timeouts()
    try:
        branch = _head_branch(remote.list_heads(callbacks=_callbacks(None)))
    except (pygit2.GitError, OSError) as error:
        raise remote_error(error, remote.url or remote_name, "reading") from None
    if branch:
        return f"refs/remotes/{remote_name}/{branch}"
    raise OhwError(f"{remote_name} has no default branch", "merge a branch of it by name")


class Pushed:
    """What a push did besides moving the branch."""

    __slots__ = ("refused", "tracking")

    def __init__(self, tracking: str | None, refused: dict[str, str]) -> None:
        self.tracking = tracking  # the remote branch the branch now tracks, where it tracked none
        self.refused = refused  # refs under refs/ohw/ the remote refused, and why


def push(
    repo: pygit2.Repository, remote_name: str, branch: str, progress: Progress | None = None
) -> Pushed:
    """Push ``branch`` to the branch of the same name on the remote, with every
    ref under refs/ohw/. A branch that tracks no remote branch tracks the one
    pushed to from then on, as after `git push -u`."""
    import pygit2

    remote = _remote(repo, remote_name)
    callbacks = _callbacks(progress)
    _set_timeouts()
    head = f"refs/heads/{branch}"
    if head not in repo.references:
        raise OhwError(
            f"there is no branch {branch} to push",
            "`ohw variant list` lists the branches (variants) of this design",
        )
    pins = sorted(name for name in repo.references if name.startswith(OHW_REFS + "/"))
    lfs.send_objects(repo, remote_name, branch)  # first, as git-lfs's pre-push hook does
    try:
        remote.push([f"{head}:{head}", *(f"+{pin}:{pin}" for pin in pins)], callbacks=callbacks)
    except (pygit2.GitError, OSError) as error:
        text = str(error).lower()
        if "fast-forward" in text or "fast forward" in text or "not present locally" in text:
            raise _rejected(repo, remote_name, branch, "it has commits you do not have") from None
        raise remote_error(error, remote.url or remote_name, "pushing to") from None
    if head in callbacks.rejected:
        raise _rejected(repo, remote_name, branch, callbacks.rejected[head])
    # Like git, remember where the remote branch now is.
    tracking_ref = f"refs/remotes/{remote_name}/{branch}"
    repo.references.create(tracking_ref, repo.branches[branch].target, force=True)
    local = repo.branches.local[branch]
    tracking = None
    if local.upstream is None:
        local.upstream = repo.branches.remote[f"{remote_name}/{branch}"]
        tracking = f"{remote_name}/{branch}"
    return Pushed(tracking, dict(callbacks.rejected))


def has_remote(repo: pygit2.Repository, name: str) -> bool:
    return name in [r.name for r in repo.remotes]


def current_branch(repo: pygit2.Repository, action: str) -> str:
    """The name of the checked-out branch; an error if there is none."""
    if repo.head_is_unborn or repo.head_is_detached:
        raise OhwError(
            f"{action} needs a current branch", "switch to one first: `ohw variant switch NAME`"
        )
    return str(repo.head.shorthand)


def pulled_branch(repo: pygit2.Repository, remote_name: str) -> str:
    """The remote-tracking ref a pull from ``remote_name`` merges (after its
    fetch): the branch the current branch tracks there, else the branch of the
    same name."""
    branch = repo.branches.local[current_branch(repo, "pull")]
    tracked = branch.upstream
    if tracked is not None and tracked.remote_name == remote_name:
        return str(tracked.name)
    name = branch.branch_name
    if f"{remote_name}/{name}" not in repo.branches.remote:
        raise OhwError(
            f"{remote_name} has no branch {name}",
            f"publish it with `ohw push {remote_name}`, or merge another branch of "
            f"{remote_name} with `ohw merge {remote_name}/BRANCH`",
        )
    return f"refs/remotes/{remote_name}/{name}"


def _rejected(repo: pygit2.Repository, remote_name: str, branch: str, why: str) -> OhwError:
    current = None if repo.head_is_unborn or repo.head_is_detached else repo.head.shorthand
    switch = "" if current == branch else f"`ohw variant switch {branch}`, then "
    return OhwError(
        f"{remote_name} rejected the push of {branch}: {why}",
        f"bring its commits in first ({switch}`ohw pull {remote_name}`), "
        f"then `ohw push {remote_name}` again",
    )


def _remote(repo: pygit2.Repository, name: str) -> pygit2.Remote:
    try:
        remote: pygit2.Remote = repo.remotes[name]
    except KeyError:
        raise OhwError(
            f"this repository has no remote called {name!r}",
            f"add one with `git remote add {name} URL`",
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
