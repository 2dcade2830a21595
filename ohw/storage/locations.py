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
