"""Where a design comes from: forks, recorded in the manifest's lineage and kept
mergeable with their upstream."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ohw.design.paths import MANIFEST
from ohw.errors import OhwError
from ohw.storage.vcs import lfs
from ohw.storage.vcs import remote as remotes
from ohw.storage.vcs.forking import clone_changed

# What is loaded before git's transfer starts delays it: typing, dataclasses,
# YAML, libgit2 and the merge are loaded while git works (see
# _load_the_manifest_editor, _the_merge), as for a clone (ohw.storage.vcs.remote).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ohw.merge.workflow import MergeOutcome

UPSTREAM = "upstream"  # where a fork comes from
ORIGIN = "origin"  # your own repository, where you pull from and push to


class Fork:
    """A fork made. (Not a dataclass: see git_cli.Signature.)"""

    __slots__ = ("cleared", "commit", "folder", "name", "recorded", "upstream")

    def __init__(
        self, folder: Path, record: _Record, commit: str, recorded: str, cleared: tuple[Path, ...]
    ) -> None:
        self.folder = folder
        self.name = record.name
        self.upstream = record.upstream  # the design forked
        self.commit = commit  # the upstream commit the fork starts from
        self.recorded = recorded  # the commit that records the fork
        self.cleared = cleared  # what killed forks to the same folder had left, removed


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
    record = _Record(source, url, name)
    with remotes.made_in_place(folder) as work:
        commit, recorded = clone_changed(
            source,
            work,
            remote_name=UPSTREAM,
            revision=revision,
            path=MANIFEST,
            change=record,
            progress=progress,
            meanwhile=_load_the_manifest_editor,
        )
        lfs.bring_objects(work, UPSTREAM)
    return Fork(folder, record, commit, recorded, cleared)


class _Record:
    """A fork of ``source`` (at ``url``) recorded in the lineage of the manifest
    it is given, named ``name`` (else as the design forked)."""

    def __init__(self, source: str, url: str, name: str | None) -> None:
        self.source = source
        self.url = url
        self.name = name or ""
        self.upstream = ""  # the name of the design forked, once read

    def __call__(self, manifest: bytes | None, commit: str) -> tuple[bytes, str]:
        """The manifest with the fork at ``commit`` recorded, and the message of its commit."""
        from ohw.merge.files import edit_yaml

        text, data = _manifest(manifest, self.source)
        self.upstream = str(data.get("name", ""))
        self.name = self.name or self.upstream
        data["name"] = self.name
        entry: dict[str, Any] = {"relation": "fork", "design": self.upstream}
        if isinstance(data.get("title"), str):
            entry["title"] = data["title"]
        entry |= {"url": self.url, "commit": commit}
        for key in ("license", "authors"):
            if key in data:
                entry[key] = data[key]
        data["lineage"] = [*data.get("lineage", []), entry]
        message = f"Fork {self.upstream} at {commit[:7]}\n\nForked from {self.url}"
        return edit_yaml(text, data).encode(), message


def _load_the_manifest_editor() -> None:
    """What records a fork in its manifest, loaded while git clones."""
    import yaml  # noqa: F401  (PyYAML writes the lineage entry)

    import ohw.merge.files
    import ohw.storage.yaml.read  # noqa: F401


def _manifest(manifest: bytes | None, source: str) -> tuple[str, dict[str, Any]]:
    """The text of the manifest of the design ``source``, and what it says."""
    from ohw.storage.yaml.document import ReadProblem
    from ohw.storage.yaml.read import load_yaml

    if manifest is None:
        raise OhwError(
            f"{source} is not an ohw design: it has no {MANIFEST}",
            "fork a design repository, or clone this one with git clone",
        )
    try:
        text = manifest.decode("utf-8")
        data = load_yaml(manifest).data
    except (ReadProblem, UnicodeDecodeError):
        raise OhwError(
            f"the {MANIFEST} of {source} cannot be read",
            "run ohw check on the source design to see why",
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("name"), str):
        raise OhwError(f"the {MANIFEST} of {source} has no design name", "")
    return text, data


def update(
    folder: Path,
    progress: remotes.Progress | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> MergeOutcome:
    """Fetch ``upstream`` and merge its default branch: a fork catching up, as
    the author git names. ``meanwhile`` may run while git's command line fetches."""
    loading = _the_merge(meanwhile)
    fetched = remotes.fetch_before_loading(
        folder, UPSTREAM, progress, on_a_branch=False, meanwhile=loading
    )
    from ohw.storage.vcs.repository import open_work_tree

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
        None if fetched else remotes.fetch(repo, UPSTREAM, progress, loading)
    ) or remotes.default_branch(repo, UPSTREAM)
    lfs.fetch_objects(repo, UPSTREAM, branch)
    return _merge(folder, branch)


def pull(
    folder: Path,
    remote: str | None = None,
    progress: remotes.Progress | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> MergeOutcome:
    """Fetch ``remote`` (default: origin, your own repository) and merge its
    branch (the one the current branch tracks there, else the one of the same
    name) as the author git names. ``meanwhile`` may run while git's command
    line fetches."""
    name = remote or ORIGIN
    loading = _the_merge(meanwhile)
    fetched = remotes.fetch_before_loading(
        folder, name, progress, on_a_branch=True, meanwhile=loading
    )
    from ohw.storage.vcs.repository import open_work_tree

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
        remotes.fetch(repo, name, progress, loading)
    branch = remotes.pulled_branch(repo, name)
    lfs.fetch_objects(repo, name, branch)
    return _merge(folder, branch)


def _merge(folder: Path, branch: str) -> MergeOutcome:
    """``branch``, just fetched, merged as the author git names (asked, as git
    asks, where a merge commit is to be made). The fetch refreshed git's index
    (remotes.fetch, remotes.fetch_before_loading)."""
    from ohw.merge.workflow import merge
    from ohw.storage.vcs.repository import identity_or_error

    return merge(folder, branch, lambda: identity_or_error(folder), index_refreshed=True)


def _the_merge(more: Callable[[], object] | None) -> Callable[[], None]:
    """What merging needs loaded (libgit2, ohw's merge), and ``more``: loaded
    while git fetches."""

    def load() -> None:
        from ohw.storage.vcs.repository import load_libgit2

        load_libgit2()
        import ohw.merge.workflow  # noqa: F401

        if more is not None:
            more()

    return load
