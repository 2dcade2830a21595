"""`ohw init`: a new design."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from ohw.design.scaffold import NewDesign, create_design
from ohw.report.styled import markup


def init(request: NewDesign) -> int:
    """Create a design; the core raises OhwError for anything the user must fix."""
    created = create_design(request)
    console = Console(highlight=False, soft_wrap=True)
    where = markup(str(Path(created.folder)))
    repository = "a new git repository" if created.new_repository else "the existing repository"
    console.print(
        f"[green]Created the design [bold]{markup(created.name)}[/bold] in {where}/[/green] "
        f"({repository}, commit {created.commit[:7]})"
    )
    for path in created.kept:
        console.print(f"  kept your {path} as it was")
    for identifier in created.without_text:
        console.print(
            f"  [yellow]no text of {markup(identifier)} is known to ohw:[/yellow] "
            f"add it as LICENSES/{markup(identifier)}.txt"
        )
    console.print(f"Next: add parts to {where}/ohw.yaml, then run: ohw check {where}")
    return 0
