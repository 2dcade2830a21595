"""`ohw clone`, `ohw pull`, `ohw push`, `ohw fork` and `ohw update`.

Forks, merges and rich (for the progress bar) are imported where they are
needed: a clone in a script, which needs none of them, starts a quarter of a
second sooner (a third of what ohw adds to the time git takes)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ohw.design.paths import design_folder
from ohw.report.styled import markup, printable
from ohw.storage.vcs import remote as remotes

TYPE_CHECKING = False  # typing is not loaded before git's transfer starts
if TYPE_CHECKING:
    from ohw.merge.workflow import MergeOutcome


@contextmanager
def transfer(what: str) -> Iterator[remotes.Progress | None]:
    """A progress bar (objects and bytes) on a terminal; nothing elsewhere."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn(markup(what)),
        BarColumn(),
        MofNCompleteColumn(),
        DownloadColumn(),
        console=Console(stderr=True, highlight=False),
        transient=True,
    ) as progress:
        task = progress.add_task(what, total=None)

        def report(transfer: remotes.Transfer) -> None:
            progress.update(
                task,
                completed=transfer.objects,
                total=transfer.total_objects or None,
                description=f"{transfer.bytes:,} bytes",
            )

        yield report


def clone(url: str, destination: str | None) -> int:
    folder = Path(destination) if destination else Path(remotes.name_from_url(url))
    remotes.check_url(url)
    _say_cleared(remotes.remove_interrupted(folder))
    with transfer(f"cloning {url}") as progress:
        remotes.clone(url, folder, progress)
    print(f"Cloned {printable(url)} into {printable(str(folder))}/")
    return 0


def _say_cleared(leftovers: list[Path] | tuple[Path, ...]) -> None:
    for leftover in leftovers:
        print(
            f"Removed {printable(str(leftover))}/, left by a clone or fork that was killed",
            file=sys.stderr,
        )


def fork(source: str, destination: str | None, revision: str | None, name: str | None) -> int:
    from ohw.lineage.fork import UPSTREAM, fork_design

    with transfer(f"forking {source}") as progress:
        made = fork_design(
            source,
            destination=Path(destination) if destination else None,
            revision=revision,
            name=name,
            progress=progress,
        )
    _say_cleared(made.cleared)
    # Plain text, as clone says it: rich would add a twentieth of a second.
    print(
        f"Forked {printable(made.upstream)} at {made.commit[:7]} into "
        f"{printable(str(made.folder))}/ as {printable(made.name)} "
        f"(lineage recorded in commit {made.recorded[:7]})"
    )
    print(f"The source is the remote '{UPSTREAM}': `ohw update` brings in its changes.")
    print(
        "To publish the fork, add your own repository (`git remote add origin URL`) and `ohw push`."
    )
    return 0


def pull_command(remote: str | None, output_format: str | None) -> int:
    """``output_format`` None: the default of --format."""
    from ohw.lineage.fork import ORIGIN, pull

    with transfer(f"fetching {remote or ORIGIN}") as progress:
        outcome = pull(design_folder(), remote, progress, _load_the_report)
    return _show(outcome, output_format)


def update_command(output_format: str | None) -> int:
    """``output_format`` None: the default of --format."""
    from ohw.lineage.fork import UPSTREAM, update

    with transfer(f"fetching {UPSTREAM}") as progress:
        outcome = update(design_folder(), progress, _load_the_report)
    return _show(outcome, output_format)


def _show(outcome: MergeOutcome, output_format: str | None) -> int:
    from ohw.cli.commands.merge import show_outcome
    from ohw.report.reporters import formats

    return show_outcome(outcome, output_format or formats("merge")[0])


def _load_the_report() -> None:
    """The report of a merge, loaded while git fetches what is merged."""
    import ohw.cli.commands.merge
    import ohw.report.merge  # noqa: F401


def push(remote: str, branch: str | None) -> int:
    from ohw.storage.vcs.repository import open_work_tree

    repo = open_work_tree(Path(), "push")
    branch = branch or remotes.current_branch(repo, "push")
    with transfer(f"pushing {branch} to {remote}") as progress:
        pushed = remotes.push(repo, remote, branch, progress)
    print(f"Pushed {printable(branch)} to {printable(remote)}")
    if pushed.tracking:
        print(f"{printable(branch)} now tracks {printable(pushed.tracking)}: `ohw pull` merges it")
    for ref, why in pushed.refused.items():
        print(
            f"{printable(remote)} refused {printable(ref)} ({printable(why)}): clones from it "
            "cannot follow that remix's credits",
            file=sys.stderr,
        )
    return 0
