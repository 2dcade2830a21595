"""Bare mirrors of designs for a catalog: created once, then brought up to
date by fetch, and only when the remote's refs moved."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ohw.errors import OhwError
from ohw.storage.vcs.remote import _callbacks, _set_timeouts, check_url, remote_error

if TYPE_CHECKING:
    from ohw.storage.vcs.repository import CommitTree

_REFSPECS = ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"]


@dataclass(frozen=True)
class RemoteState:
    """What a remote's refs point at, and the branch its HEAD names."""

    refs: dict[str, str]  # refs/heads/... and refs/tags/... -> object id
    head: str | None  # e.g. refs/heads/main


def _open(mirror: Path) -> object:
    import pygit2

    if (mirror / "HEAD").exists():
        return pygit2.Repository(str(mirror))
    mirror.parent.mkdir(parents=True, exist_ok=True)
    return pygit2.init_repository(str(mirror), bare=True)


def _local_state(path: Path, url: str) -> RemoteState:
    """The refs of a repository on this machine, read as git's local transport
    reads them, without the cost of speaking the protocol to it."""
    import pygit2

    try:
        repo = pygit2.Repository(str(path))
        refs = {
            name: str(repo.references[name].target)
            for name in repo.references
            if name.startswith(("refs/heads/", "refs/tags/"))
        }
        head = None if repo.head_is_unborn else repo.references["HEAD"].target
    except (pygit2.GitError, KeyError, OSError):
        raise OhwError(f"no git repository at {url}", "check the URL") from None
    return RemoteState(refs, head if isinstance(head, str) else None)


def remote_state(mirror: Path, url: str) -> RemoteState:
    """The refs ``url`` advertises (one round trip, nothing downloaded)."""
    import pygit2

    local = Path(url.removeprefix("file://"))
    if (
        ("://" not in url or url.startswith("file://"))
        and not url.startswith("-")
        and local.is_dir()
    ):
        return _local_state(local, url)
    check_url(url)
    repo = _open(mirror)
    remote = repo.remotes.create_anonymous(url)  # type: ignore[attr-defined]
    _set_timeouts()
    try:
        heads = remote.list_heads(callbacks=_callbacks(None))
    except (pygit2.GitError, OSError) as error:
        raise remote_error(error, url, "reading") from None
    refs: dict[str, str] = {}
    head = None
    for found in heads:
        if found.name == "HEAD":
            head = found.symref_target or None
        elif found.name.startswith(("refs/heads/", "refs/tags/")) and not found.name.endswith(
            "^{}"
        ):
            refs[found.name] = str(found.oid)
    return RemoteState(refs, head)


def mirror_refs(mirror: Path) -> dict[str, str]:
    """What the mirror's branches and tags point at now."""
    if not (mirror / "HEAD").exists():
        return {}
    repo = _open(mirror)
    return {
        name: str(repo.references[name].target)  # type: ignore[attr-defined]
        for name in repo.references  # type: ignore[attr-defined]
        if name.startswith(("refs/heads/", "refs/tags/"))
    }


def update_mirror(mirror: Path, url: str, state: RemoteState) -> None:
    """Fetch every branch and tag of ``url`` into the bare ``mirror`` (created
    if need be), pruning what the remote deleted; its HEAD follows the remote's."""
    import pygit2

    repo = _open(mirror)
    remote = repo.remotes.create_anonymous(url)  # type: ignore[attr-defined]
    _set_timeouts()
    try:
        remote.fetch(_REFSPECS, callbacks=_callbacks(None), prune=pygit2.enums.FetchPrune.PRUNE)
    except (pygit2.GitError, OSError) as error:
        raise remote_error(error, url, "fetching from") from None
    for name in set(mirror_refs(mirror)) - set(state.refs):
        repo.references.delete(name)  # type: ignore[attr-defined]
    if state.head is not None and state.head in state.refs:
        repo.set_head(state.head)  # type: ignore[attr-defined]


def mirror_design(mirror: Path, commit: str) -> CommitTree:
    """The design at the root of ``commit`` in the mirror."""
    import pygit2

    from ohw.storage.vcs.repository import commit_design

    tree = commit_design(pygit2.Repository(str(mirror)), commit, mirror)
    if tree is None:
        raise OhwError(
            f"the mirror {mirror} lacks commit {commit[:7]}", "run ohw catalog sync again"
        )
    return tree
