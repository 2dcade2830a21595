"""Where a repository's git directory and ohw's cache are, found with nothing
but the operating system's calls: ohw.startup.record needs them before anything
else is loaded, and ohw.storage.vcs.repository could only find them by loading pygit2."""

from __future__ import annotations

import os

STAT_INDEX = "stat-index.json"  # in a cache folder: the files' blob ids by their stat
# What git leaves in its directory while an operation waits to be finished
# (conflicts settled, or the commit made), and the operation.
UNFINISHED = (
    ("MERGE_HEAD", "merge"),
    ("CHERRY_PICK_HEAD", "cherry-pick"),
    ("REVERT_HEAD", "revert"),
    ("rebase-merge", "rebase"),
    ("rebase-apply", "rebase"),
)


def repository_of(near: str) -> tuple[str, str] | None:
    """The root folder and the git directory of the repository holding
    ``near``, found as git finds them, or None outside any repository."""
    folder = os.path.realpath(near)
    if not os.path.isdir(folder):
        folder = os.path.dirname(folder)
    while True:
        dot_git = os.path.join(folder, ".git")
        if os.path.isdir(dot_git):
            return folder, dot_git
        if os.path.isfile(dot_git):  # a worktree or submodule: "gitdir: <path>"
            with open(dot_git, encoding="utf-8", errors="replace") as stream:
                text = stream.read().strip()
            if text.startswith("gitdir:"):
                named = text[len("gitdir:") :].strip()
                return folder, os.path.realpath(os.path.join(folder, named))
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def common_git_dir(git_dir: str) -> str:
    """The git directory a worktree's shares with its main working tree (its
    objects, configuration and LFS store); a main working tree's own."""
    try:
        with open(os.path.join(git_dir, "commondir"), encoding="utf-8") as stream:
            return os.path.normpath(os.path.join(git_dir, stream.read().strip()))
    except OSError:
        return git_dir


def cache_folder(near: str) -> str:
    """Where results for files near ``near`` are kept (see ohw.storage.cache)."""
    configured = os.environ.get("OHW_CACHE_DIR")
    if configured:
        return configured
    repository = repository_of(near)
    if repository is not None:
        return os.path.join(repository[1], "ohw", "cache")
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "ohw")


def design_root(near: str, manifest: str = "ohw.yaml") -> str | None:
    """The folder holding ``manifest`` at or above the folder ``near``, found as
    git finds ``.git``: the nearest one, looking no higher than the root of the
    repository holding ``near`` (a folder above it is another project). None
    where there is none."""
    folder = os.path.abspath(near)
    repository = repository_of(folder)
    top = repository[0] if repository is not None else None
    while True:
        if os.path.isfile(os.path.join(folder, manifest)):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder or (top is not None and os.path.realpath(folder) == top):
            return None
        folder = parent
