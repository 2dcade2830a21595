"""A progress bar for commands that work through steps of their own."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

StepProgress = Callable[[str, int, int], None]  # what is being done, how far, of how many


@contextmanager
def step_bar(first: str) -> Iterator[StepProgress]:
    """A bar on standard error while the block runs, on a terminal only; yields
    the function the core calls as it goes."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    console = Console(stderr=True, highlight=False)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as bar:
        task = bar.add_task(first, total=None)

        def progress(what: str, done: int, total: int) -> None:
            bar.update(task, description=what, completed=done, total=total or None)

        yield progress
