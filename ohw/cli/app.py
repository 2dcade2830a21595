"""The command line: options in, exit code out. The commands live in ohw.cli.commands;
they are imported when run, so that `ohw --help` stays fast. The entry point
that runs it is ohw.cli.main."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click

from ohw import __version__
from ohw.report.reporters import formats

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def output_options(
    report: str, help: str | None = None, default: Callable[[], str] | None = None
) -> Callable[[Callable[..., int]], Callable[..., int]]:
    """--format, with the formats ohw.report.reporters has for ``report`` (the
    first, or what ``default`` says, by default), and --json for short: the
    command is given the one ``output_format`` asked for."""
    choices = formats(report)

    def decorate(command: Callable[..., int]) -> Callable[..., int]:
        @functools.wraps(command)
        def with_format(*args: Any, as_json: bool, output_format: str | None, **kwargs: Any) -> int:
            if as_json:
                output_format = "json"
            elif output_format is None:
                output_format = default() if default else choices[0]
            return command(*args, output_format=output_format, **kwargs)

        with_json = click.option("--json", "as_json", is_flag=True, help="Same as --format json.")(
            with_format
        )
        return click.option(
            "--format",
            "output_format",
            type=click.Choice(choices),
            default=None if default else choices[0],
            show_default=default is None,
            help=help or "Output for people (text) or programs (json).",
        )(with_json)

    return decorate


# `ohw bom` and `ohw fab`: how many of the design to build.
units_option = click.option(
    "--units",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    metavar="N",
    help="How many of the design to build.",
)


# `ohw bom` and `ohw fab`: which option of a choice among parts to build.
choose_option = click.option(
    "--choose",
    "choices",
    multiple=True,
    metavar="GROUP=OPTION",
    help="Build OPTION (a part id, or an option its parts name) of the choice GROUP "
    "instead of its default; repeat for several groups.",
)


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

    from ohw.cli.commands.init import init as run_init
    from ohw.design.scaffold import NewDesign

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


@cli.command("adopt")
@click.argument("folder", default=".", type=click.Path(file_okay=False, path_type=str))
@click.option("--dry-run", is_flag=True, help="Show the ohw.yaml it would write; write nothing.")
@click.option("--commit", is_flag=True, help="Commit ohw.yaml (and nothing else) once written.")
@output_options("adopt")
def adopt_command(*, folder: str, dry_run: bool, commit: bool, output_format: str) -> int:
    """Describe the existing repository (or folder) FOLDER as a design, as it is:
    write its ohw.yaml without moving a file.

    Parts come from the meshes, paired with their sources by name; quantities,
    colours and roles from names (Voron's _x2 and [a]_) and folders;
    alternatives become choices; licences come from LICENSE or the README,
    title and description from the README, authors from the history. What it
    could not decide is listed, with where to say it. Run again, it adds only
    what is new and keeps what the maintainer wrote. The JSON output is
    described by `ohw schema adopt-output`.
    """
    from ohw.cli.commands.adopt import adopt_command as run_adopt

    return run_adopt(folder, dry_run=dry_run, commit=commit, output_format=output_format)


def _check_format() -> str:
    import os

    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


@cli.command()
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option(
    "--rev",
    "revision",
    metavar="REV",
    help="Check the design as it was at this commit, branch or tag.",
)
@click.option(
    "--changed-since",
    metavar="REV",
    help="Check only what changed since REV, and what refers to it.",
)
@output_options(
    "check",
    help="text for people; json for programs; sarif for code scanning; github for "
    "GitHub Actions annotations; junit for GitLab and Jenkins. Default: github when "
    "GITHUB_ACTIONS=true, else text.",
    default=_check_format,
)
@click.option(
    "--output",
    "-o",
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=str),
    help="Write the report to FILE instead of the standard output.",
)
@click.option("--strict", is_flag=True, help="Warnings fail the check too (exit code 1).")
@click.option(
    "--cache-dir",
    metavar="DIR",
    type=click.Path(file_okay=False, path_type=str),
    help="Keep mesh results in DIR (default: $OHW_CACHE_DIR, else .git/ohw/cache).",
)
@click.option("--no-cache", is_flag=True, help="Analyse every mesh, even unchanged ones.")
@click.option(
    "--profile",
    type=click.Choice(["oshwa", "okh", "din-spec-3105"]),
    help="Hold the design to a release checklist too: OSHWA's definition and "
    "certification, Open Know-How, or DIN SPEC 3105-1 (see the README).",
)
def check(
    *,
    paths: tuple[str, ...],
    revision: str | None,
    changed_since: str | None,
    output_format: str,
    output: str | None,
    strict: bool,
    cache_dir: str | None,
    no_cache: bool,
    profile: str | None,
) -> int:
    """Check designs (default: the current folder) and report problems by file and line.

    Exit code 1 when any design has an error-level finding (with --strict, or
    check.strict in .ohw.yaml, a warning too). The JSON output is described by
    `ohw schema check-output`; the settings in .ohw.yaml by `ohw schema settings`.
    """
    from pathlib import Path

    from ohw.checks.context import CheckOptions
    from ohw.cli.commands.check import check as run_check

    options = CheckOptions(
        strict=strict,
        changed_since=changed_since,
        cache_dir=Path(cache_dir) if cache_dir else None,
        use_cache=not no_cache,
        profile=profile,
    )
    # What ohw was run with (ohw.cli.error_handler passes it): a record is kept under it.
    invocation = click.get_current_context().find_root().obj
    return run_check(
        list(paths),
        revision,
        output_format,
        options,
        output=output,
        invocation=invocation[1:] if isinstance(invocation, list) else None,
    )


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
@output_options("mesh")
@click.option("--no-cache", is_flag=True, help="Analyse every file, even unchanged ones.")
def mesh_report(*, files: tuple[str, ...], output_format: str, no_cache: bool) -> int:
    """Report on mesh files (the default: `ohw mesh FILE...`).

    The JSON output is described by `ohw schema mesh-report`.
    """
    from ohw.cli.commands.mesh import report

    return report(list(files), output_format, use_cache=not no_cache)


@mesh.command("repair")
@click.argument("source", metavar="FILE")
@click.option(
    "--out",
    "-o",
    metavar="FILE",
    help="Where to write the repaired mesh, in the format it was read.",
)
@click.option("--in-place", is_flag=True, help="Replace FILE with the repaired mesh.")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
def mesh_repair(*, source: str, out: str | None, in_place: bool, force: bool) -> int:
    """Fix what is safe to fix in FILE and say what changed.

    Removes collapsed and duplicate facets, makes the winding consistent, turns
    inside-out bodies the right way out and writes normals from the winding.
    Cavities (hollows inside the part) are left as they are, and so are holes:
    closing them changes the part. The result is written in the format FILE
    was read in (STL, 3MF or OBJ). Exit code 1 when it is still not printable.
    """
    from ohw.cli.commands.mesh import repair

    return repair(source, out, in_place, force)


VIEW_CHOICE = click.Choice(["iso", "top", "front", "side"])


@cli.command()
@click.argument("target", metavar="FILE|PART")
@click.option("--out", "-o", required=True, metavar="PNG", help="Where to write the picture.")
@click.option(
    "--size", type=click.IntRange(64, 4096), default=512, show_default=True, help="Pixels each way."
)
@click.option(
    "--view", type=VIEW_CHOICE, default="iso", show_default=True, help="Where to look from."
)
@click.option("--rev", "revision", metavar="REV", help="The part as it was at this commit.")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
def render(
    *, target: str, out: str, size: int, view: str, revision: str | None, force: bool
) -> int:
    """Draw a mesh file, or a part of the design here by its id, as a PNG picture.

    Shaded and smoothed, with the part's size in millimetres written under it,
    drawn without a display or OpenGL. iso looks from the front, right and
    above; top from above; front from the front (-y); side from the right (+x).
    """
    from ohw.cli.commands.render import render as run_render

    return run_render(target, out, size=size, view=view, revision=revision, force=force)


@cli.command()
@click.argument("name", required=False)
def schema(*, name: str | None) -> int:
    """Print the JSON Schema NAME (manifest, bom, check-output, ...), or list them."""
    from ohw.cli.commands.schema import schema as run_schema

    return run_schema(name)


@cli.command("merge")
@click.argument("revision", metavar="REF", required=False)
@click.option(
    "--continue", "resume", is_flag=True, help="Commit the merge once conflicts are settled."
)
@click.option("--abort", is_flag=True, help="Undo the merge in progress.")
@output_options("merge")
@click.option(
    "--images",
    metavar="DIR",
    help="Write a picture of each conflicted mesh to DIR: base, ours and theirs side by side.",
)
def merge_command(
    *,
    revision: str | None,
    resume: bool,
    abort: bool,
    output_format: str,
    images: str | None,
) -> int:
    """Merge REF (a branch, tag or commit) into the current branch.

    Files merge as git merges them; the manifest and the BOM merge item by item
    and field by field, so edits to different parts or BOM items never
    conflict. Exit code 1 when the merge stops on conflicts: `git status` shows
    them, and `ohw resolve` settles them.
    """
    from ohw.cli.commands.merge import merge

    if sum((revision is not None, resume, abort)) != 1:
        raise click.UsageError("give exactly one of REF, --continue and --abort")
    return merge(
        revision,
        resume=resume,
        abort=abort,
        output_format=output_format,
        images=images,
    )


@cli.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option(
    "--ours", "side", flag_value="ours", help="Where both sides changed: the current branch's."
)
@click.option(
    "--theirs", "side", flag_value="theirs", help="Where both sides changed: the merged branch's."
)
@click.option(
    "--base", "side", flag_value="base", help="Where both sides changed: what both started from."
)
@click.option(
    "--whole-file",
    is_flag=True,
    help="Take the side's whole file, dropping the other side's changes to it.",
)
@click.option(
    "--images",
    metavar="DIR",
    help="Settle nothing: write a picture of each conflicted mesh's base, ours and theirs to DIR.",
)
@output_options("resolve")
def resolve(
    *,
    paths: tuple[str, ...],
    side: str | None,
    whole_file: bool,
    images: str | None,
    output_format: str,
) -> int:
    """Settle conflicted files: with a side, or, with no option, as you edited
    them (refused while conflict markers remain).

    A side settles only what both sides changed: the conflicting fields of a
    manifest or BOM, the conflicting lines of a text; every change the merge
    made cleanly stays. A mesh (or other binary file), or a file one side
    deleted, is taken whole; --whole-file takes any file whole.
    """
    from ohw.cli.commands.merge import resolve as run_resolve

    return run_resolve(
        list(paths),
        side,  # type: ignore[arg-type]
        whole_file=whole_file,
        images=images,
        output_format=output_format,
    )


@cli.command("merge-driver")
@click.argument("base", metavar="%O")
@click.argument("ours", metavar="%A")
@click.argument("theirs", metavar="%B")
@click.argument("path", metavar="%P")
def merge_driver(*, base: str, ours: str, theirs: str, path: str) -> int:
    """The semantic merge as a git merge driver (see the README for the setup).

    Writes the result over %A; exit code 1 when conflicts remain.
    """
    from ohw.cli.commands.merge import merge_driver as run_driver

    return run_driver(base, ours, theirs, path)


@cli.group("bom", cls=_DefaultGroup)
def bom_group() -> None:
    """The bill of materials: for N units (`ohw bom`), or a BOM table converted
    into bom.yaml (`ohw bom import FILE`)."""


@bom_group.command("report")
@units_option
@click.option(
    "--infill",
    type=click.FloatRange(0, 100),
    default=100.0,
    show_default=True,
    metavar="PERCENT",
    help="Infill of printed parts whose print settings give none (100: solid, an upper bound).",
)
@click.option("--rev", "revision", metavar="REV", help="The design as it was at this commit.")
@choose_option
@output_options("bom", help="A table for people, CSV, JSON or Markdown.")
def bom_command(
    *,
    units: int,
    infill: float,
    revision: str | None,
    choices: tuple[str, ...],
    output_format: str,
) -> int:
    """The bill of materials for N units (the default: `ohw bom`): what to buy
    (by supplier, with totals per currency), what to print (material, estimated
    mass and 1.75 mm filament) and what to cut or mill (material and stock).
    Optional items and parts are listed apart; of a choice among parts, only
    the chosen option is listed.

    The mass model is in the README. The JSON output is described by
    `ohw schema bom-output`. Rows of a BOM table that could not be read are
    named on standard error.
    """
    from ohw.cli.commands.bom import bom

    return bom(revision, units, infill, list(choices), output_format)


@bom_group.command("import")
@click.argument("source", metavar="FILE", type=click.Path(dir_okay=False, path_type=str))
@click.option(
    "--out",
    "-o",
    default="bom.yaml",
    show_default=True,
    metavar="FILE",
    help="Where to write the bom.yaml.",
)
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
@output_options("bom-import")
def bom_import_command(*, source: str, out: str, force: bool, output_format: str) -> int:
    """Convert a BOM table into bom.yaml: CSV or TSV (KiCad, JLCPCB, Kitspace's
    1-click BOM, a spreadsheet's), a Markdown table, or a list of counts.

    Says what each column was read as, which ids were made (from MPN, name or
    designators), and which rows are not items (headings, totals) or could not
    be read; those are kept at the end of the file as comments. Exit code 1
    when FILE cannot be read as a BOM. The JSON output is described by
    `ohw schema bom-import`.
    """
    from ohw.cli.commands.bom import import_command

    return import_command(source, out, force, output_format)


@cli.command("fab")
@click.option(
    "--out",
    "-o",
    required=True,
    metavar="DIR|FILE.zip",
    help="Where to write the kit: a folder, or a zip file.",
)
@click.option(
    "--rev",
    "revision",
    default="HEAD",
    show_default=True,
    metavar="REV",
    help="The commit to make the kit of.",
)
@units_option
@click.option(
    "--printer",
    "printer_name",
    metavar="NAME",
    help="Check the printed parts against this printer (see the README's table).",
)
@click.option("--bed", metavar="WxDxH", help="Check them against this build volume, in mm.")
@click.option("--force", is_flag=True, help="Replace what is in --out.")
@choose_option
@output_options("kit")
def fab_command(
    *,
    out: str,
    revision: str,
    units: int,
    printer_name: str | None,
    bed: str | None,
    force: bool,
    choices: tuple[str, ...],
    output_format: str,
) -> int:
    """Make a build kit of one commit: exports by process and material, the BOM
    as CSV, the instructions as HTML (index.html) and kit.json with the SHA-256
    of every file. The same commit always gives the same bytes. Of a choice
    among parts, only the chosen option (--choose, else the default) is in it.

    Exit code 1 when a printed part is too big for the printer (with no
    --printer or --bed: for every printer ohw knows); the kit is written anyway.
    The JSON output is kit.json, described by `ohw schema kit`.
    """
    from ohw.cli.commands.fab import fab

    return fab(
        out,
        revision=revision,
        units=units,
        printer_name=printer_name,
        bed=bed,
        force=force,
        choices=list(choices),
        output_format=output_format,
    )


@cli.group("import")
def import_group() -> None:
    """Bring a design described in another format into ohw."""


@import_group.command("okh")
@click.argument("source", metavar="FILE|URL")
@click.argument("destination", required=False, metavar="[DEST]")
@output_options("okh-import")
def import_okh(*, source: str, destination: str | None, output_format: str) -> int:
    """Make ohw.yaml in DEST (default: here) from an Open Know-How manifest.

    FILE|URL is an okh.toml (OKH-LOSH) or okh.yml (OKH v1), a folder holding
    one, or a git repository whose root holds one. Every key is placed where
    docs/okh.md says, with a note for each value changed; what ohw.yaml has no
    place for is kept under extensions.okh. An existing ohw.yaml keeps its text
    and values and gains what it lacked. Exit code 1 when the manifest cannot be
    read. The JSON output is described by `ohw schema okh-import`.
    """
    from ohw.cli.commands.okh import import_command

    return import_command(source, destination, output_format)


@cli.group("export")
def export_group() -> None:
    """Write the design in another format."""


@export_group.command("okh")
@click.option(
    "--format",
    "okh_format",
    type=click.Choice(["toml", "yaml"]),
    default="toml",
    show_default=True,
    help="toml: OKH-LOSH okh.toml, what the LOSH crawler reads; yaml: OKH v1 okh.yml.",
)
@click.option(
    "--output",
    "-o",
    metavar="FILE",
    help="Where to write it (default: okh.toml or okh.yml beside ohw.yaml; - for the output).",
)
@click.option("--force", is_flag=True, help="Replace a file ohw did not write.")
@click.option("--json", "as_json", is_flag=True, help="Report as JSON (`ohw schema okh-export`).")
@click.argument("folder", default=".", type=click.Path(file_okay=False, path_type=str))
def export_okh(
    *, okh_format: str, output: str | None, force: bool, as_json: bool, folder: str
) -> int:
    """Write the design in FOLDER (default: here) as an Open Know-How manifest.

    OKH requires a repository web page, a version, a licensor and a function;
    where ohw.yaml is silent they are taken from the git remote, the commit,
    the organisation or authors, and the description, and said. Exit code 1
    when the design lacks what OKH requires (nothing is written).
    """
    from ohw.cli.commands.okh import export_command

    return export_command(folder, okh_format, output, force, "json" if as_json else "text")


@cli.command()
@click.argument("url")
@click.argument("destination", required=False, metavar="[DEST]")
def clone(*, url: str, destination: str | None) -> int:
    """Copy the design at URL (https, ssh, git, file, or a local path) into DEST."""
    from ohw.cli.commands.remotes import clone as run_clone

    return run_clone(url, destination)


@cli.command()
@click.argument("source")
@click.argument("destination", required=False, metavar="[DEST]")
@click.option("--rev", "revision", metavar="REV", help="Fork the design as it was at REV.")
@click.option("--name", help="A new name (slug) for the fork.")
def fork(*, source: str, destination: str | None, revision: str | None, name: str | None) -> int:
    """Copy the design at SOURCE to evolve it separately.

    Records the fork in the manifest's lineage (design, URL, commit, licence,
    authors), keeps SOURCE as the remote 'upstream' and commits.
    """
    from ohw.cli.commands.remotes import fork as run_fork

    return run_fork(source, destination, revision, name)


@cli.command()
@click.argument("source")
@click.option(
    "--part", "part_ids", multiple=True, required=True, metavar="ID", help="A part to take; repeat."
)
@click.option("--rev", "revision", metavar="REV", help="Take the parts as they were at REV.")
@click.option("--as", "new_id", metavar="NEWID", help="The id of the (single) part here.")
@click.option(
    "--with-bom", is_flag=True, help="Bring the BOM items the source's instructions cite with it."
)
@click.option(
    "--relicense",
    metavar="SPDX",
    help="Change this design's hardware licence to SPDX, where the parts need it.",
)
@output_options("remix")
def remix(
    *,
    source: str,
    part_ids: tuple[str, ...],
    revision: str | None,
    new_id: str | None,
    with_bom: bool,
    relicense: str | None,
    output_format: str,
) -> int:
    """Take parts of the design at SOURCE (URL or path) into this one, and commit.

    The parts' files go to parts/<design>/, each part records where it comes
    from, and the lineage credits the source. A source whose licence forbids
    commercial use or derivatives (NC, ND) is refused, and reciprocal terms pass
    on: the design must carry a licence the parts allow (see the README).
    """
    from ohw.cli.commands.remix import remix as run_remix
    from ohw.lineage.remix import RemixRequest

    request = RemixRequest(list(part_ids), revision, new_id, with_bom, relicense)
    return run_remix(source, request, output_format)


@cli.command()
@click.option("--write", is_flag=True, help="Save the credits to ATTRIBUTION.md.")
@output_options("credits")
def credits(*, write: bool, output_format: str) -> int:
    """Every design this one builds on: design, authors, commit and licence, across
    the whole lineage (forks of forks, remixes of remixes).

    Upstream manifests are read at their pinned commits where this repository
    has them; entries that cannot be followed say why. The JSON output is
    described by `ohw schema credits`.
    """
    from ohw.cli.commands.remix import credits as run_credits

    return run_credits(write, output_format)


@cli.command()
@click.argument("remote", required=False)
@output_options("merge")
def pull(*, remote: str | None, output_format: str) -> int:
    """Fetch REMOTE (default: origin, your own repository) and merge its branch
    into the current one, as `ohw merge` does.

    The branch merged is the one the current branch tracks on REMOTE, else the
    one of the same name. A fork's source is 'upstream': `ohw update` merges it.
    """
    from ohw.cli.commands.remotes import pull_command

    return pull_command(remote, output_format)


@cli.command()
@output_options("merge")
def update(*, output_format: str) -> int:
    """Bring a fork up to date: fetch 'upstream' and merge its default branch."""
    from ohw.cli.commands.remotes import update_command

    return update_command(output_format)


@cli.command()
@click.argument("remote", default="origin")
@click.argument("branch", required=False)
def push(*, remote: str, branch: str | None) -> int:
    """Push BRANCH (default: the current one) to REMOTE (default: origin, your own
    repository), with the commits remixes are pinned to (refs/ohw/*).

    A branch that tracks no remote branch tracks the one pushed to from then on.
    A push the remote rejects (it has commits you do not) is an error: pull first.
    """
    from ohw.cli.commands.remotes import push as run_push

    return run_push(remote, branch)


@cli.command("diff")
@click.argument("old", metavar="[A", required=False)
@click.argument("new", metavar="[B]]", required=False)
@output_options("diff")
@click.option(
    "--images",
    metavar="DIR",
    help="Write a picture of each changed mesh to DIR: before and after, removed material "
    "red, added green.",
)
def diff_command(
    *, old: str | None, new: str | None, output_format: str, images: str | None
) -> int:
    """Show how the design changed from A to B: parts, meshes, BOM, cost, manifest.

    With no revision, HEAD against the working tree; with one, A against the
    working tree. Exit code 0 whatever changed (2 for an unknown revision). The
    JSON output is described by `ohw schema diff-output`.
    """
    from ohw.cli.commands.history import diff

    return diff(old, new, output_format, images)


@cli.command("log")
@click.argument("revision", default="HEAD", metavar="[REV]")
@click.option(
    "-n", "--max-count", "limit", type=click.IntRange(min=0), metavar="N", help="Show N commits."
)
@output_options("log")
def log_command(*, revision: str, limit: int | None, output_format: str) -> int:
    """List the commits reachable from REV (default HEAD), each with its design changes.

    A merge commit is compared with its first parent. The JSON output is
    described by `ohw schema log-output`.
    """
    from ohw.cli.commands.history import log

    return log(revision, limit, output_format)


@cli.command("lineage")
@click.option("--rev", "revision", metavar="REV", help="The design as it was at this commit.")
@output_options("lineage", help="A tree for people, JSON for programs, or a Graphviz graph.")
def lineage_command(*, revision: str | None, output_format: str) -> int:
    """Show the tree of forks and remixes this design comes from.

    Each source is read again from its manifest at the pinned commit, where that
    commit is here (this repository, its 'upstream', refs under refs/ohw/, or a
    local source repository); others are shown as recorded. The JSON output is
    described by `ohw schema lineage-output`.
    """
    from ohw.cli.commands.history import lineage

    return lineage(revision, output_format)


class _VariantGroup(_DefaultGroup):
    """`ohw variant` alone lists the variants, as `git branch` lists branches."""

    default = "list"


@cli.group(cls=_VariantGroup)
def variant() -> None:
    """Variants of the design (metric and imperial, 230 V and 110 V) are git branches.

    `ohw variant` alone is `ohw variant list`.
    """


@variant.command("list")
@output_options("variants")
def variant_list(*, output_format: str) -> int:
    """List the variants, how each differs from the default branch, and mark the current one.

    The JSON output is described by `ohw schema variant-list`.
    """
    from ohw.cli.commands.history import variant_list as run_list

    return run_list(output_format)


@variant.command("create")
@click.argument("name")
@click.option("--from", "start", metavar="REV", help="Start from REV instead of HEAD.")
def variant_create(*, name: str, start: str | None) -> int:
    """Make the variant (branch) NAME from HEAD, or from REV, and switch to it."""
    from ohw.cli.commands.history import variant_create as run_create

    return run_create(name, start)


@variant.command("switch")
@click.argument("name")
def variant_switch(*, name: str) -> int:
    """Switch to the variant NAME, as `git switch` does.

    Refuses, naming the files, when uncommitted changes would be overwritten.
    """
    from ohw.cli.commands.history import variant_switch as run_switch

    return run_switch(name)


@cli.group()
@click.option(
    "--catalog",
    "catalog_path",
    metavar="PATH",
    type=click.Path(file_okay=False, path_type=str),
    help="The catalog's folder (default: $XDG_DATA_HOME/ohw/catalog, "
    "or ~/.local/share/ohw/catalog).",
)
@click.pass_context
def catalog(ctx: click.Context, catalog_path: str | None) -> None:
    """A Fab Lab's library of designs: add URLs, sync them, search offline.

    The catalog is a git repository holding catalog.txt, one URL a line: publish,
    fork and merge it as any repository. Sync keeps a bare mirror of each design
    and an SQLite full-text index inside its .git folder.
    """
    from pathlib import Path

    from ohw.catalog.library import Catalog, default_catalog

    ctx.obj = Catalog(Path(catalog_path) if catalog_path else default_catalog())


@catalog.command("add")
@click.argument("urls", nargs=-1, metavar="URL...")
@click.option(
    "--from", "from_file", metavar="FILE", help="Add the URLs in FILE, one a line (- for stdin)."
)
@click.pass_obj
def catalog_add(catalog: object, *, urls: tuple[str, ...], from_file: str | None) -> int:
    """Add designs by URL (or local path) to the catalog, and commit."""
    from ohw.cli.commands.catalog import add

    return add(catalog, list(urls), from_file)  # type: ignore[arg-type]


@catalog.command("sync")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=8,
    show_default=True,
    metavar="N",
    help="Fetch this many designs at once.",
)
@output_options("catalog-sync")
@click.pass_obj
def catalog_sync(catalog: object, *, jobs: int, output_format: str) -> int:
    """Fetch every design whose refs moved and index it again.

    A design that is down, or is not a design, is listed at the end; the others
    are synced. Exit code 1 when any failed. The JSON output is described by
    `ohw schema catalog-sync`.
    """
    from ohw.cli.commands.catalog import sync_command

    return sync_command(catalog, jobs, output_format)  # type: ignore[arg-type]


@catalog.command("search")
@click.argument("query", default="")
@click.option("--license", metavar="SPDX", help="Only designs under this licence (an SPDX id).")
@click.option(
    "--material", metavar="M", help="Only designs with a part made of M (PLA, PETG, ...)."
)
@click.option(
    "--process", metavar="P", help="Only designs with a part made by P (3d-printing, ...)."
)
@click.option("--fits", metavar="PRINTER", help="Only designs whose printed parts all fit PRINTER.")
@output_options("catalog")
@click.pass_obj
def catalog_search(
    catalog: object,
    *,
    query: str,
    license: str | None,
    material: str | None,
    process: str | None,
    fits: str | None,
    output_format: str,
) -> int:
    """Find designs by words of their name, title, description, keywords and parts.

    The JSON output is described by `ohw schema catalog-output`.
    """
    from ohw.cli.commands.catalog import search_command

    filters = {"license": license, "material": material, "process": process, "fits": fits}
    return search_command(catalog, query, filters, output_format)  # type: ignore[arg-type]


@catalog.command("list")
@output_options("catalog")
@click.pass_obj
def catalog_list(catalog: object, *, output_format: str) -> int:
    """List the catalog's designs, as last synced."""
    from ohw.cli.commands.catalog import list_command

    return list_command(catalog, output_format)  # type: ignore[arg-type]


@catalog.command("show")
@click.argument("name")
@output_options("catalog")
@click.pass_obj
def catalog_show(catalog: object, *, name: str, output_format: str) -> int:
    """Show the design NAME (or URL): licence, commit, keywords and parts."""
    from ohw.cli.commands.catalog import show

    return show(catalog, name, output_format)  # type: ignore[arg-type]
