"""Where a design comes from: forks, recorded in the manifest's lineage and kept
mergeable with their upstream."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ohw.design.paths import MANIFEST
from ohw.errors import OhwError
from ohw.storage.files import write_atomically
from ohw.storage.vcs import lfs
from ohw.storage.vcs import remote as remotes
from ohw.storage.vcs.repository import (
    Identity,
    commit_new_files,
    identity_or_error,
    load_libgit2,
    open_work_tree,
)
from ohw.storage.yaml.document import ReadProblem
from ohw.storage.yaml.read import load_yaml

if TYPE_CHECKING:
    from ohw.merge.workflow import MergeOutcome

UPSTREAM = "upstream"  # where a fork comes from
ORIGIN = "origin"  # your own repository, where you pull from and push to


@dataclass(frozen=True)
class Fork:
    folder: Path
    name: str
    upstream: str  # the design forked
    commit: str  # the upstream commit the fork starts from
    recorded: str  # the commit that records the fork
    cleared: tuple[Path, ...]  # what killed forks to the same folder had left, removed


def fork_design(
    source: str,
    *,
    destination: Path | None,
    revision: str | None,
    name: str | None,
    progress: remotes.Progress | None = None,
) -> Fork:
    """Clone ``source``, optionally at ``revision`` and under a new ``name``,
    record it in the manifest's lineage and commit that, as the author git
    names in the new repository; ``source`` stays reachable as the remote
    ``upstream``. The fork is made beside its folder and moved into place
    complete: on failure, even killed, no half-made fork is left."""
    remotes.check_url(source)
    url = str(Path(source).resolve()) if Path(source).is_dir() else source
    folder = destination or Path(name or remotes.name_from_url(source))
    cleared = tuple(remotes.remove_interrupted(folder))
    with remotes.made_in_place(folder) as work:
        remotes.clone_into(
            source, work, progress, remote_name=UPSTREAM, meanwhile=_load_the_manifest_editor
        )
        commit = remotes.start_fork(work, revision)
        lfs.bring_objects(work, UPSTREAM)
        manifest_path = work / MANIFEST
        text = _manifest_text(manifest_path, source)
        data = load_yaml(text.encode()).data
        upstream_name = str(data.get("name", ""))
        data["name"] = name or upstream_name
        entry: dict[str, Any] = {"relation": "fork", "design": upstream_name}
        if isinstance(data.get("title"), str):
            entry["title"] = data["title"]
        entry |= {"url": url, "commit": commit}
        for key in ("license", "authors"):
            if key in data:
                entry[key] = data[key]
        data["lineage"] = [*data.get("lineage", []), entry]
        from ohw.merge.files import edit_yaml

        write_atomically(manifest_path, edit_yaml(text, data).encode())
        recorded = commit_new_files(
            work,
            [MANIFEST],
            f"Fork {upstream_name} at {commit[:7]}\n\nForked from {url}",
            identity_or_error(work),
            new_repository=False,
        )
    return Fork(folder, data["name"], upstream_name, commit, recorded, cleared)


def _load_the_manifest_editor() -> None:
    """What records a fork in its manifest and commits it, loaded while git
    clones (libgit2 takes a tenth of a second to load)."""
    load_libgit2()
    import yaml  # noqa: F401  (PyYAML writes the lineage entry)

    import ohw.merge.files  # noqa: F401


def _manifest_text(path: Path, source: str) -> str:
    try:
        text = path.read_text(encoding="utf-8")
        data = load_yaml(text.encode()).data
    except FileNotFoundError:
        raise OhwError(
            f"{source} is not an ohw design: it has no {MANIFEST}",
            "fork a design repository, or clone this one with git clone",
        ) from None
    except (ReadProblem, UnicodeDecodeError):
        raise OhwError(
            f"the {MANIFEST} of {source} cannot be read",
            "run ohw check on the source design to see why",
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("name"), str):
        raise OhwError(f"the {MANIFEST} of {source} has no design name", "")
    return text


def update(
    folder: Path,
    author: Identity,
    progress: remotes.Progress | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> MergeOutcome:
    """Fetch ``upstream`` and merge its default branch: a fork catching up.
    ``meanwhile`` may run while git's command line fetches."""
    fetched = remotes.fetch_before_loading(
        folder, UPSTREAM, progress, on_a_branch=False, meanwhile=_the_merge(meanwhile)
    )
    repo = open_work_tree(folder, "update")
    if not remotes.has_remote(repo, UPSTREAM):
        raise OhwError(
            "this design has no upstream to update from",
            "ohw fork keeps the forked design as the remote 'upstream'; add one with "
            "`git remote add upstream URL`"
            + (
                ", or bring in origin's changes with `ohw pull`"
                if remotes.has_remote(repo, ORIGIN)
                else ""
            ),
        )
    branch = (
        None if fetched else remotes.fetch(repo, UPSTREAM, progress)
    ) or remotes.default_branch(repo, UPSTREAM)
    lfs.fetch_objects(repo, UPSTREAM, branch)
    from ohw.merge.workflow import merge

    return merge(folder, branch, author)


def pull(
    folder: Path,
    author: Identity,
    remote: str | None = None,
    progress: remotes.Progress | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> MergeOutcome:
    """Fetch ``remote`` (default: origin, your own repository) and merge its
    branch: the one the current branch tracks there, else the one of the same
    name. ``meanwhile`` may run while git's command line fetches."""
    name = remote or ORIGIN
    fetched = remotes.fetch_before_loading(
        folder, name, progress, on_a_branch=True, meanwhile=_the_merge(meanwhile)
    )
    repo = open_work_tree(folder, "pull")
    if remote is None and not remotes.has_remote(repo, ORIGIN):
        has_upstream = remotes.has_remote(repo, UPSTREAM)
        raise OhwError(
            "this design has no remote 'origin' to pull from",
            (
                "`ohw update` brings in the changes of 'upstream', the design it was forked from; "
                if has_upstream
                else ""
            )
            + "to publish your own, run `git remote add origin URL` and `ohw push`",
        )
    remotes.current_branch(repo, "pull")
    if not fetched:
        remotes.fetch(repo, name, progress)
    branch = remotes.pulled_branch(repo, name)
    lfs.fetch_objects(repo, name, branch)
    from ohw.merge.workflow import merge

    return merge(folder, branch, author)


def _the_merge(more: Callable[[], object] | None) -> Callable[[], None]:
    """What merging needs loaded (libgit2, ohw's merge), and ``more``: loaded
    while git fetches."""

    def load() -> None:
        load_libgit2()
        import ohw.merge.workflow  # noqa: F401

        if more is not None:
            more()

    return load
