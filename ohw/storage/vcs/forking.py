"""A clone made a fork: its branch at the commit forked and tracking nothing,
one file (a design's manifest, which records the fork) changed, and that
committed.

Where git's command line clones (a repository on this machine), the change is
committed before any file is checked out, by git alone. Committed after the
checkout by git, it would make git read every file again: git takes a file
written in the second its index was for possibly changed. Committed by
libgit2, which does not, it waits for libgit2 to load, and the loading slows
the checkout: for the Voron 0's 62 meshes, either costs a tenth of the clone."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from ohw.errors import OhwError
from ohw.storage.vcs import git_cli
from ohw.storage.vcs import remote as remotes

# Given a file's content (None where there is none) and the commit forked: the
# content it is to have, and the message of the commit that changes it.
Change = Callable[[bytes | None, str], tuple[bytes, str]]

_REGULAR_MODES = (b"100644", b"100755")


def clone_changed(
    url: str,
    folder: Path,
    *,
    remote_name: str,
    revision: str | None,
    path: str,
    change: Change,
    progress: remotes.Progress | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> tuple[str, str]:
    """Clone ``url`` into the empty ``folder`` as ``remotes.clone_into`` does,
    its branch at ``revision`` (else at the remote's HEAD) and tracking
    nothing; then commit the file ``path`` (a plain relative path) changed by
    ``change``, as the author git names there. Returns the
    commit cloned and the commit made. ``meanwhile`` may run while git's
    command line clones."""
    if revision is not None and revision.startswith("-"):
        raise OhwError(f"{revision!r} is not a revision", "revisions do not start with '-'")
    # While git clones and then answers what the commit needs: how git is to
    # check out, and ``meanwhile``, on a thread the clone does not wait for.
    going_on: list[threading.Thread] = []
    checkout_settings: list[str] = []

    def go_on() -> None:
        checkout_settings.extend(git_cli.parallel_checkout(Path.cwd()))
        if meanwhile is not None:
            meanwhile()

    def begin() -> None:
        going_on.append(git_cli.in_the_meantime(go_on))

    if remotes.clone_by_git(url, folder, progress, remote_name, begin, checkout=False):
        made = _commit_by_git(url, folder, revision, path, change, going_on=going_on)
        remotes.check_out(folder, progress, url, checkout_settings)
        return made
    remotes.clone_into(url, folder, progress, remote_name)
    return _commit_by_libgit2(url, folder, revision, path, change)


def _commit_by_git(
    url: str,
    folder: Path,
    revision: str | None,
    path: str,
    change: Change,
    *,
    going_on: list[threading.Thread],
) -> tuple[str, str]:
    """In a clone with nothing checked out: the commit forked, and the commit
    of ``path`` changed on top of it, which the branch (or HEAD) now names;
    what is ``going_on`` is done before ``change``."""
    forked = f"{revision or 'HEAD'}^{{commit}}"
    said_commit, said_entry, said_content, *said_people, _ = git_cli.ask_at_once(
        [
            ["rev-parse", "--verify", "--end-of-options", forked],
            ["ls-tree", "--full-tree", "-z", forked, "--", path],
            ["cat-file", "blob", f"{forked}:{path}"],
            *git_cli.WHO_COMMITS,
            ["branch", "--unset-upstream"],  # fails where HEAD is no branch: nothing tracks
        ],
        folder,
    )
    for thread in going_on:
        thread.join()
    if isinstance(said_commit, git_cli.GitFailed):
        raise _no_commit(url, revision)
    try:
        author, committer = (line.strip() for line in git_cli.answered(said_people))
    except git_cli.GitFailed as failure:
        from ohw.storage.vcs.repository import unknown_identity

        raise unknown_identity(str(failure)) from None
    mode = b"100644"
    content = None
    if isinstance(said_entry, bytes) and said_entry:
        mode = said_entry.split(b" ", 1)[0]
        if mode not in _REGULAR_MODES:
            raise _not_a_file(url, path)
        content = said_content if isinstance(said_content, bytes) else None
    commit = said_commit.strip().decode("ascii")
    changed, message = change(content, commit)
    body = message.encode("utf-8", "surrogateescape")
    import_stream = b"".join(
        [
            b"feature done\ncommit HEAD\nmark :1\n",
            b"author %s\ncommitter %s\n" % (author, committer),
            b"data %d\n%s\n" % (len(body), body),
            b"from %s\n" % commit.encode(),
            b"M %s inline %s\ndata %d\n%s\n" % (mode, path.encode(), len(changed), changed),
            b"get-mark :1\ndone\n",
        ]
    )
    # --force: at a revision, the branch moves back from where the clone left it.
    # Three objects are kept as the pack they come in, not unpacked by another git.
    made = git_cli.ask(
        ["-c", "fastimport.unpackLimit=1", "fast-import", "--quiet", "--force"],
        folder,
        given=import_stream,
    )
    return commit, made.strip()


def _commit_by_libgit2(
    url: str, folder: Path, revision: str | None, path: str, change: Change
) -> tuple[str, str]:
    """In a clone checked out: the branch moved to ``revision`` and tracking
    nothing; the commit forked, and the commit of ``path`` changed on top of it."""
    import pygit2

    from ohw.storage.files import write_atomically
    from ohw.storage.vcs.repository import commit_new_files, identity_or_error, resolve_commit

    repo = pygit2.Repository(str(folder))
    if repo.head_is_unborn:
        raise _no_commit(url, revision)
    if revision is not None:
        target = resolve_commit(repo, revision).id
        repo.reset(target, pygit2.enums.ResetMode.HARD)
    if not repo.head_is_detached:
        repo.branches.local[repo.head.shorthand].upstream = None  # type: ignore[assignment]
    forked = str(repo.head.target)
    file = folder / path
    if file.is_symlink() or (file.exists() and not file.is_file()):
        raise _not_a_file(url, path)
    changed, message = change(file.read_bytes() if file.exists() else None, forked)
    write_atomically(file, changed)
    author = identity_or_error(folder)
    return forked, commit_new_files(folder, [path], message, author, new_repository=False)


def _no_commit(url: str, revision: str | None) -> OhwError:
    if revision is None:
        return OhwError(f"{url} has no commits", "commit the design there first")
    return OhwError(
        f"unknown revision {revision!r}",
        "give a commit id, a branch or a tag, as for git (see `git log --oneline`)",
    )


def _not_a_file(url: str, path: str) -> OhwError:
    return OhwError(
        f"the {path} of {url} is not a file (a link or a folder)",
        f"fork a repository whose {path} is a file",
    )
