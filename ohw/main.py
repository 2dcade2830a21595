"""The command line: options in, exit code out. The commands live in ohw.commands;
they are imported when run, so that `ohw --help` stays fast."""

from __future__ import annotations

from collections.abc import Callable

import click

from ohw import __version__
from ohw.error_handler import run

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def output_options(command: Callable[..., int]) -> Callable[..., int]:
    """--format text|json, and --json for short."""
    command = click.option("--json", "as_json", is_flag=True, help="Same as --format json.")(
        command
    )
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help="Output for people (text) or programs (json).",
    )(command)


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="ohw")
def cli() -> None:
    """Open-hardware designs as git repositories: check, fork, remix, merge and build them.

    Exit codes: 0 ok; 1 the design has errors; 2 usage or input error; 130 interrupted.
    """


@cli.command()
@click.argument("folder", default=".", type=click.Path(file_okay=False, path_type=str))
@click.option("--name", help="Design name (a slug such as desk-lamp). Default: from FOLDER.")
@click.option("--title", help="Human-readable title. Default: from the name.")
@click.option("--description", help="One or two sentences on what the thing is.")
@click.option(
    "--license",
    "hardware_license",
    default="CERN-OHL-S-2.0",
    show_default=True,
    help="SPDX licence of the hardware.",
)
@click.option(
    "--doc-license",
    "documentation_license",
    default="CC-BY-SA-4.0",
    show_default=True,
    help="SPDX licence of the documentation.",
)
def init(
    *,
    folder: str,
    name: str | None,
    title: str | None,
    description: str | None,
    hardware_license: str,
    documentation_license: str,
) -> int:
    """Create a design in FOLDER: manifest, BOM, folders, git repository, first commit.

    Authors come from git's configuration. An existing README.md or .gitattributes
    is kept; an existing design is never touched.
    """
    from pathlib import Path

    from ohw.commands.init import init as run_init
    from ohw.scaffold import NewDesign

    return run_init(
        NewDesign(
            Path(folder),
            name=name,
            title=title,
            description=description,
            hardware_license=hardware_license,
            documentation_license=documentation_license,
        )
    )


@cli.command()
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option(
    "--rev",
    "revision",
    metavar="REV",
    help="Check the design as it was at this commit, branch or tag.",
)
@output_options
def check(
    *, paths: tuple[str, ...], revision: str | None, output_format: str, as_json: bool
) -> int:
    """Check designs (default: the current folder) and report problems by file and line.

    Exit code 1 when any design has an error-level finding. The JSON output is
    described by `ohw schema check-output`.
    """
    from ohw.commands.check import check as run_check

    return run_check(list(paths) or ["."], revision, "json" if as_json else output_format)


class _DefaultGroup(click.Group):
    """A group whose first argument may also be an argument of its default
    command: `ohw mesh a.stl` is `ohw mesh report a.stl`."""

    default = "report"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("-h", "--help")):
            args = [self.default, *args]
        return super().parse_args(ctx, args)


@cli.group(cls=_DefaultGroup)
def mesh() -> None:
    """Report on STL, 3MF and OBJ files: printable or not, why, and where.

    `ohw mesh FILE...` reports; `ohw mesh repair` fixes what is safe to fix.
    Exit code 1 when a file is not printable or cannot be read.
    """


@mesh.command("report")
@click.argument("files", nargs=-1, metavar="FILE...")
@output_options
@click.option("--no-cache", is_flag=True, help="Analyse every file, even unchanged ones.")
def mesh_report(
    *, files: tuple[str, ...], output_format: str, as_json: bool, no_cache: bool
) -> int:
    """Report on mesh files (the default: `ohw mesh FILE...`).

    The JSON output is described by `ohw schema mesh-report`.
    """
    from ohw.commands.mesh import report

    return report(list(files), "json" if as_json else output_format, use_cache=not no_cache)


@mesh.command("repair")
@click.argument("source", metavar="FILE")
@click.option("--out", "-o", metavar="FILE", help="Where to write the repaired mesh (binary STL).")
@click.option("--in-place", is_flag=True, help="Replace FILE with the repaired mesh.")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
def mesh_repair(*, source: str, out: str | None, in_place: bool, force: bool) -> int:
    """Fix what is safe to fix in FILE and say what changed.

    Removes collapsed and duplicate facets, makes the winding consistent, turns
    inside-out bodies the right way out and writes normals from the winding.
    Holes are not closed: that changes the part. Exit code 1 when the result is
    still not printable.
    """
    from ohw.commands.mesh import repair

    return repair(source, out, in_place, force)


@cli.command()
@click.argument("name", required=False)
def schema(*, name: str | None) -> int:
    """Print the JSON Schema NAME (manifest, bom, check-output), or list them."""
    from ohw.commands.schema import schema as run_schema

    return run_schema(name)


def main(argv: list[str] | None = None) -> int:
    return run(cli, argv)
