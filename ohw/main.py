"""The command line: options in, exit code out. The commands live in ohw.commands;
they are imported when run, so that `ohw --help` stays fast."""

from __future__ import annotations

import click

from ohw import __version__
from ohw.error_handler import run

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


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
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output for people (text) or programs (json).",
)
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
def check(
    *, paths: tuple[str, ...], revision: str | None, output_format: str, as_json: bool
) -> int:
    """Check designs (default: the current folder) and report problems by file and line.

    Exit code 1 when any design has an error-level finding. The JSON output is
    described by `ohw schema check-output`.
    """
    from ohw.commands.check import check as run_check

    return run_check(list(paths) or ["."], revision, "json" if as_json else output_format)


@cli.command()
@click.argument("name", required=False)
def schema(*, name: str | None) -> int:
    """Print the JSON Schema NAME (manifest, bom, check-output), or list them."""
    from ohw.commands.schema import schema as run_schema

    return run_schema(name)


def main(argv: list[str] | None = None) -> int:
    return run(cli, argv)
