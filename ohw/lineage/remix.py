"""Remixes: parts of another design taken into this one, with their origin,
their licence's terms and, if asked, the BOM items they need.

The source is fetched into private refs (no remote, no working copy), read at
the chosen commit by the same reader as everything else (ohw.storage.tree), and pinned
under ``refs/ohw/remix/<design>/<commit>`` so that the commit, and with it the
source's manifest for `ohw credits`, stays in the repository.

Which BOM items a part needs: the manifest does not say, so ohw reads the
source's instructions. A BOM item goes with a part when one paragraph, list item
or heading of the instructions cites both, as in "fit the [arm](part:arm) with
two [M3x25 screws](bom:m3x25)". The quantity is the source design's.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ohw.design.instructions import citations_by_block
from ohw.design.licenses import check_expression
from ohw.design.manifest import part_files
from ohw.design.paths import MANIFEST, is_url, normalize, path_problem
from ohw.design.reader import Design, bom_kind, open_design, read_design, read_valid_design
from ohw.errors import OhwError
from ohw.lineage.compatibility import Requirement, common, requirement, shown
from ohw.merge.files import edit_yaml
from ohw.storage.files import write_atomically
from ohw.storage.tree import DesignTree, Kind
from ohw.storage.vcs import lfs
from ohw.storage.vcs import remote as remotes
from ohw.storage.vcs.lfs import ATTRIBUTES
from ohw.storage.vcs.lfs import with_tracked_files as lfs_track
from ohw.storage.vcs.merging import LocalChanges, uncommitted
from ohw.storage.vcs.repository import (
    CommitTree,
    GitWorkingTree,
    Identity,
    commit_new_files,
    delete_reference,
    find_commit,
    finish_interrupted_writes,
    merge_in_progress,
    note_writes,
    open_work_tree,
    reachable,
    references_under,
    refuse_staged_changes,
    repository_prefix,
    set_reference,
)
from ohw.storage.yaml.document import ReadProblem, decode_utf8
from ohw.storage.yaml.read import load_yaml

if TYPE_CHECKING:
    from ohw.storage.vcs.repository import Repository

PINS = "refs/ohw/remix"
_FETCHED = "refs/ohw/remix-fetch"
_PART_FILES = ("source", "export", "auxiliary", "image")
NEW_BOM = "bom.yaml"
_COMMIT_ID = re.compile(r"[0-9a-fA-F]{4,40}")


@dataclass(frozen=True)
class RemixedPart:
    id: str  # in this design
    source_id: str  # in the source design
    files: tuple[str, ...]  # in this design


@dataclass(frozen=True)
class Remix:
    design: str  # the source design's name
    url: str
    commit: str
    license: dict[str, str]  # the source design's licences
    parts: tuple[RemixedPart, ...]
    bom_added: tuple[str, ...]
    bom_present: tuple[str, ...]  # cited with the parts, already in this design's BOM
    bom_by_hand: tuple[str, ...]  # cited with the parts, for a person to add to a BOM table
    design_license: str  # this design's hardware licence, after the remix
    relicensed: bool  # whether the remix changed it (--relicense)
    previous_license: str | None  # what it was before
    may_carry: frozenset[str] | None  # licences this design may carry now; None: any
    recorded: str  # the commit recording the remix
    pin: str


@dataclass(frozen=True)
class _Source:
    url: str
    commit: str
    tree: DesignTree
    design: Design
    data: dict[str, Any]  # the manifest, as its schema reads it


@dataclass(frozen=True)
class RemixRequest:
    """What to take: part ids, at which source revision, under which id here (one
    part only), with BOM items or not, and a new hardware licence for this design."""

    part_ids: list[str]
    revision: str | None = None
    new_id: str | None = None
    with_bom: bool = False
    relicense: str | None = None


def remix_parts(
    folder: Path,
    source: str,
    request: RemixRequest,
    *,
    author: Identity,
    progress: remotes.Progress | None = None,
) -> Remix:
    """Take the parts ``request`` names from the design at ``source`` into the
    design in ``folder`` and commit that. On failure the files and the branch
    are as they were."""
    request = replace(request, part_ids=list(dict.fromkeys(request.part_ids)))
    if request.new_id is not None and len(request.part_ids) != 1:
        raise OhwError("--as renames one part: give a single --part with it")
    repo = open_work_tree(folder, "remix")
    finish_interrupted_writes(folder)
    ours = read_valid_design(open_design(folder))
    _refuse_local_changes(repo, folder, ours)
    url = str(Path(source).resolve()) if Path(source).is_dir() else remotes.check_url(source)
    fetched = remotes.fetch_namespace(repo, _FETCHED)
    try:
        default = remotes.fetch_source(repo, url, fetched, progress)
        origin = _read_source(repo, folder, url, request.revision, default, fetched=fetched)
        wanted = [p for part in _parts(origin, request.part_ids) for p in _part_paths(part)]
        lfs.fetch_objects(repo, url, origin.commit, wanted)
        return _remix(repo, folder, ours, origin, request=request, author=author, fetched=fetched)
    finally:
        for name in references_under(repo, fetched):
            delete_reference(repo, name)


def _part_paths(part: dict[str, Any]) -> list[str]:
    """The files of the design a part names (not its URLs)."""
    return [normalize(p) for p in part_files(part) if not is_url(p) and path_problem(p) is None]


def _refuse_local_changes(repo: Repository, folder: Path, ours: Design) -> None:
    if merge_in_progress(repo):
        raise OhwError(
            "a merge is in progress",
            "finish it with `ohw merge --continue` or undo it with `ohw merge --abort`",
        )
    assert ours.manifest is not None
    prefix = repository_prefix(repo, folder)
    bom = ours.manifest.bom_file
    design_files = [MANIFEST] + ([normalize(bom)] if bom and not path_problem(bom) else [])
    watched = {f"{prefix}/{p}" if prefix else p: p for p in design_files}
    changed = [watched[p] for p in uncommitted(repo) if p in watched]
    if changed:
        raise LocalChanges("remixing", changed)
    refuse_staged_changes(repo)


def _read_source(
    repo: Repository,
    folder: Path,
    url: str,
    revision: str | None,
    default: str | None,
    *,
    fetched: str,
) -> _Source:
    """The source, fetched under ``fetched``, at ``revision`` (else at its
    ``default`` branch)."""
    if revision is None:
        names = [f"{fetched}/heads/{default}"] if default else []
    else:
        names = [f"{fetched}/heads/{revision}", f"{fetched}/tags/{revision}"]
        if _COMMIT_ID.fullmatch(revision):
            names.append(revision)
    commit = find_commit(repo, names)
    tips = list(references_under(repo, fetched).values())
    if commit is not None and not reachable(repo, str(commit.id), tips):
        commit = None  # a commit of this repository's, not of the source's
    if commit is None:
        raise OhwError(
            f"{url} has no revision {revision!r}" if revision else f"{url} has no default branch",
            "give a branch, a tag or a commit id of the source with --rev",
        )
    tree = CommitTree(repo, commit, "", folder)
    where = f"{url} at {str(commit.id)[:7]}"
    if not tree.exists(MANIFEST):
        raise OhwError(f"{where} is not an ohw design: it has no {MANIFEST}")
    design = read_design(tree)
    if design.manifest is None:
        raise OhwError(
            f"the {MANIFEST} of {where} cannot be read: {design.manifest_unreadable}",
            "run ohw check on the source design to see why",
        )
    return _Source(url, str(commit.id), tree, design, design.manifest.data)


def _remix(
    repo: Repository,
    folder: Path,
    ours: Design,
    origin: _Source,
    *,
    request: RemixRequest,
    author: Identity,
    fetched: str,
) -> Remix:
    assert ours.manifest is not None and origin.design.manifest is not None
    name = origin.design.manifest.name
    new_id, relicense = request.new_id, request.relicense
    taken = _parts(origin, request.part_ids)
    design_license, may_carry = _check_licenses(ours, origin, taken, relicense)
    text = (folder / MANIFEST).read_text(encoding="utf-8")
    data = load_yaml(text.encode()).data
    existing = {part["id"] for part in data.get("parts", [])}
    files: dict[str, bytes] = {}
    sources: dict[str, str] = {}  # each file copied: where it goes, where it was
    remixed: list[RemixedPart] = []
    new_parts = []
    for part in taken:
        part_id = new_id or part["id"]
        if part_id in existing:
            raise OhwError(
                f"this design already has a part called {part_id!r}",
                f"give the remixed part another id with --as NEWID "
                f"(one --part at a time), e.g. --as {name}-{part['id']}",
            )
        existing.add(part_id)
        copied, paths = _copy_part(origin, part, part_id, folder, files=files, sources=sources)
        new_parts.append(copied)
        remixed.append(RemixedPart(part_id, part["id"], paths))
    data["parts"] = [*data.get("parts", []), *new_parts]
    if relicense is not None:
        data.setdefault("license", {})["hardware"] = relicense
    _record_lineage(data, origin, [p["id"] for p in taken])
    writes: dict[str, bytes] = dict(files)
    _keep_in_lfs(folder, origin, sources, writes)
    bom = _BomItems([], [], [])
    if request.with_bom:
        bom = _bring_bom(folder, ours, origin, taken=taken, data=data, writes=writes)
    writes[MANIFEST] = edit_yaml(text, data).encode()
    message = _commit_message(name, origin, remixed, bom)
    # The pins first: a commit that records the remix never lacks them.
    pin = f"{PINS}/{name}/{origin.commit}"
    set_reference(repo, pin, origin.commit)
    # The source's own pins keep its remixed designs' commits here, for ohw credits.
    for ref, target in references_under(repo, f"{fetched}/remix").items():
        set_reference(repo, PINS + ref.removeprefix(f"{fetched}/remix"), target)
    recorded = _write_and_commit(folder, writes, message, author)
    return Remix(
        name,
        origin.url,
        origin.commit,
        dict(origin.data["license"]),
        tuple(remixed),
        tuple(bom.added),
        tuple(bom.present),
        tuple(bom.by_hand),
        design_license,
        relicense is not None,
        ours.manifest.license.hardware,
        may_carry,
        recorded,
        pin,
    )


def _keep_in_lfs(
    folder: Path, origin: _Source, sources: dict[str, str], writes: dict[str, bytes]
) -> None:
    """Files the source keeps in Git LFS (``sources``: where each copied file
    goes, and where it was) stay in LFS here: .gitattributes gets a line for
    each that this design would not keep there (its lines kept)."""
    from_lfs = [t for t, source in sources.items() if origin.tree.lfs_pointer(source) is not None]
    untracked = sorted(set(from_lfs) - GitWorkingTree(folder).lfs_tracked(from_lfs))
    if untracked:
        attributes = folder / ATTRIBUTES
        existing = attributes.read_text("utf-8") if attributes.is_file() else None
        writes[ATTRIBUTES] = lfs_track(existing, untracked).encode()
        lfs.set_up(folder)  # git reads the copies as git-lfs users expect


def _parts(origin: _Source, part_ids: list[str]) -> list[dict[str, Any]]:
    by_id = {part["id"]: part for part in origin.data.get("parts", [])}
    unknown = [i for i in part_ids if i not in by_id]
    if unknown:
        known = ", ".join(by_id) or "none"
        raise OhwError(
            f"{origin.data['name']} has no part {', '.join(map(repr, unknown))}",
            f"its parts are: {known}",
        )
    return [by_id[i] for i in part_ids]


def _licence_requirements(
    origin: _Source, taken: list[dict[str, Any]]
) -> list[tuple[str, Requirement]]:
    """What taking each part asks: its design's hardware licence, and, for a part
    the source itself remixed, that part's own origin's."""
    name = origin.data["name"]
    hardware = origin.data.get("license", {}).get("hardware")
    if hardware is None:
        raise OhwError(
            f"{name} has no hardware licence, so nobody may remix its parts",
            "ask its authors to add one (e.g. CERN-OHL-S-2.0)",
        )
    found = []
    for part in taken:
        expressions = [hardware]
        inherited = part.get("from", {}).get("license", {}).get("hardware")
        if inherited is not None:
            expressions.append(inherited)
        for expression in expressions:
            if not _valid(expression):
                raise OhwError(
                    f"{name}'s licence {expression!r} is not a valid SPDX expression",
                    "ohw cannot tell what it allows; ask its authors to fix it",
                )
            found.append((f"{name}'s part {part['id']}", requirement(expression)))
    return found


def _valid(expression: str) -> bool:
    return all(problem.deprecated for problem in check_expression(expression))


def _check_licenses(
    ours: Design, origin: _Source, taken: list[dict[str, Any]], relicense: str | None
) -> tuple[str, frozenset[str] | None]:
    """This design's hardware licence after the remix, and the licences it may carry."""
    assert ours.manifest is not None
    new = _licence_requirements(origin, taken)
    for what, needed in new:
        if needed.refused is not None:
            raise OhwError(
                f"cannot remix {what}: {needed.refused}",
                "remix parts whose licence allows derivatives and commercial use "
                "(CERN-OHL, CC-BY, CC-BY-SA, MIT, ...)",
            )
    already = [
        (what, requirement(licenses.hardware))
        for what, licenses in ours.manifest.inherited_licenses()
        if licenses.hardware is not None and _valid(licenses.hardware)
    ]
    everything = already + new
    may_carry = common(needed for _, needed in everything)
    if relicense is not None and not _valid(relicense):
        raise OhwError(
            f"--relicense {relicense!r} is not a valid SPDX expression",
            "give an SPDX identifier such as CERN-OHL-S-2.0",
        )
    current = ours.manifest.license.hardware
    design = relicense or current
    if design is None:
        raise OhwError(
            "this design has no hardware licence, so ohw cannot tell whether it may "
            "include these parts",
            f"give it one with --relicense ({shown(may_carry)} would do)",
        )
    if may_carry is not None and not may_carry:
        raise OhwError(
            "no licence satisfies every part this design would then include: "
            + "; ".join(f"{what} asks for {shown(n.allows)}" for what, n in everything),
            "leave out one of the parts whose licences conflict",
        )
    for what, needed in everything:
        if not needed.allowed(design):
            hint = f"run again with --relicense {sorted(may_carry)[0]}" if may_carry else ""
            raise OhwError(
                f"{what} is licensed {needed.expression} ({needed.describe()}): a design "
                f"that includes it must carry {shown(needed.allows)}, and this one "
                f"{'would carry' if relicense else 'carries'} {design}",
                f"this design may carry {shown(may_carry)}"
                + (f"; {hint} to change its licence" if hint else ""),
            )
    return design, may_carry


def _copy_part(
    origin: _Source,
    part: dict[str, Any],
    part_id: str,
    folder: Path,
    *,
    files: dict[str, bytes],
    sources: dict[str, str],
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The part's manifest entry for this design, its files added to ``files``
    (and where each was to ``sources``)."""
    name = origin.data["name"]
    copied: dict[str, Any] = {}
    paths: list[str] = []
    for key, value in part.items():
        if key == "from":
            continue
        if key == "id":
            copied[key] = part_id
        elif key in _PART_FILES:
            moved = [
                _copy_file(origin, part["id"], p, folder, files=files, sources=sources)
                for p in _listed(value)
            ]
            paths += [p for p in moved if not is_url(p)]
            copied[key] = moved if isinstance(value, list) else moved[0]
        else:
            copied[key] = copy.deepcopy(value)
    copied["from"] = {
        "design": name,
        "url": origin.url,
        "commit": origin.commit,
        "part": part["id"],
        "license": dict(origin.data["license"]),
    }
    return copied, tuple(paths)


def _listed(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _copy_file(
    origin: _Source,
    part_id: str,
    path: str,
    folder: Path,
    *,
    files: dict[str, bytes],
    sources: dict[str, str],
) -> str:
    """Where the source's file ``path`` goes in this design (``parts/<design>/...``)."""
    if is_url(path):
        return path
    name = origin.data["name"]
    problem = path_problem(path)
    if problem is not None:
        raise OhwError(f"{name}'s part {part_id} names the file {path!r}, which {problem}")
    entry = origin.tree.resolve(path)
    if entry.kind is not Kind.FILE:
        raise OhwError(
            f"{name}'s part {part_id} names {path}, which is not a file in {name} "
            f"at {origin.commit[:7]} ({entry.kind.value})",
            "run ohw check on the source design to see why",
        )
    data = origin.tree.read_bytes(path)
    relative = normalize(path)
    target = f"parts/{name}/{relative.removeprefix('parts/')}"
    if files.get(target, data) != data:
        raise OhwError(f"two files of {name} would both be copied to {target}")
    here = GitWorkingTree(folder).resolve(target)
    if here.kind is Kind.FILE:
        if (folder / here.path).read_bytes() != data:
            raise OhwError(
                f"{target} already exists in this design, with other content",
                "move it aside, or remove the part it belongs to, and run the remix again",
            )
    elif here.kind is not Kind.MISSING:
        raise OhwError(f"{target} cannot be written: it is a {here.kind.value} in this design")
    files[target] = data
    sources[target] = entry.path
    return target


def _record_lineage(data: dict[str, Any], origin: _Source, part_ids: list[str]) -> None:
    """A remix entry for the source at its commit, or the parts added to one."""
    lineage = data.setdefault("lineage", [])
    for entry in lineage:
        if entry.get("relation") == "remix" and entry.get("commit") == origin.commit:
            entry["parts"] = list(dict.fromkeys([*entry.get("parts", []), *part_ids]))
            return
    entry = {"relation": "remix", "design": origin.data["name"]}
    if "title" in origin.data:
        entry["title"] = origin.data["title"]
    entry |= {"url": origin.url, "commit": origin.commit, "license": origin.data["license"]}
    if origin.data.get("authors"):
        entry["authors"] = origin.data["authors"]
    entry["parts"] = part_ids
    lineage.append(entry)


def cited_items(origin: _Source, part_ids: list[str]) -> list[str]:
    """The source's BOM items cited together with any of ``part_ids`` in one
    paragraph, list item or heading of its instructions, in BOM order."""
    wanted = {("part", i) for i in part_ids}
    cited: set[str] = set()
    for path in origin.design.instruction_files():
        try:
            text = decode_utf8(origin.tree.read_bytes(path), "OHW101")
        except ReadProblem:
            continue
        for block in citations_by_block(text):
            if block & wanted:
                cited |= {ident for kind, ident in block if kind == "bom"}
    return [item.id for item in origin.design.bom or [] if item.id in cited]


def _source_bom(origin: _Source) -> dict[str, dict[str, Any]]:
    """The source's BOM items by id, as the BOM schema reads them."""
    if origin.design.bom is None:
        return {}
    return {item["id"]: item for item in origin.design.bom_items()}


@dataclass(frozen=True)
class _BomItems:
    """The ids of the BOM items the remixed parts need."""

    added: list[str]  # to this design's BOM
    present: list[str]  # there already, left as they are
    by_hand: list[str]  # for a person to add: ohw does not edit a BOM table


def _bring_bom(
    folder: Path,
    ours: Design,
    origin: _Source,
    *,
    taken: list[dict[str, Any]],
    data: dict[str, Any],
    writes: dict[str, bytes],
) -> _BomItems:
    """Add the BOM items the parts need to this design's BOM (in ``data`` when it
    is inline, else to ``writes``), but for a BOM table (CSV, TSV, Markdown...),
    which is left alone: its items are named for a person to add."""
    if origin.design.bom is None:
        raise OhwError(
            f"the BOM of {origin.data['name']} cannot be read: {origin.design.bom_unreadable}",
            "remix without --with-bom, and add the items by hand",
        )
    wanted = cited_items(origin, [part["id"] for part in taken])
    source_items = _source_bom(origin)
    have = {item.id for item in ours.bom or []}
    present = [i for i in wanted if i in have]
    added = [copy.deepcopy(source_items[i]) for i in wanted if i not in have]
    ids = [item["id"] for item in added]
    if not added:
        return _BomItems([], present, [])
    manifest = ours.manifest
    assert manifest is not None
    if manifest.bom_items is not None:
        data["bom"] = [*data["bom"], *added]
    elif manifest.bom_file is not None:
        if bom_kind(manifest.bom_file) == "bom-table":
            return _BomItems([], present, ids)
        text = (folder / manifest.bom_file).read_text(encoding="utf-8")
        bom = load_yaml(text.encode()).data
        bom["items"] = [*bom.get("items", []), *added]
        writes[manifest.bom_file] = edit_yaml(text, bom).encode()
    else:
        if (folder / NEW_BOM).exists():
            raise OhwError(
                f"{NEW_BOM} exists, but {MANIFEST} does not name it as the BOM",
                f"add `bom: {NEW_BOM}` to {MANIFEST}, commit, and run the remix again",
            )
        data["bom"] = NEW_BOM
        writes[NEW_BOM] = edit_yaml("items: []\n", {"items": added}).encode()
    return _BomItems(ids, present, [])


def _commit_message(name: str, origin: _Source, remixed: list[RemixedPart], bom: _BomItems) -> str:
    taken = ", ".join(
        p.id if p.id == p.source_id else f"{p.source_id} (as {p.id})" for p in remixed
    )
    body = [f"Remixed from {origin.url} at {origin.commit}."]
    if bom.added:
        body.append("BOM items brought along: " + ", ".join(bom.added) + ".")
    if bom.by_hand:
        body.append("BOM items to add to the BOM table by hand: " + ", ".join(bom.by_hand) + ".")
    return f"Remix {taken} from {name} at {origin.commit[:7]}\n\n" + "\n".join(body)


def _write_and_commit(
    folder: Path, writes: dict[str, bytes], message: str, author: Identity
) -> str:
    """Write every file, commit them (the index before HEAD, as git commits),
    and on any failure put everything back; killed, the note of what was being
    written lets the next remix put it back (``finish_interrupted_writes``)."""
    before: dict[Path, bytes | None] = {}
    made: list[Path] = []
    note = note_writes(folder, writes)
    try:
        for path, content in writes.items():
            target = folder / path
            before[target] = target.read_bytes() if target.exists() else None
            for parent in reversed(target.parents):
                if parent.is_relative_to(folder) and not parent.exists():
                    parent.mkdir()
                    made.append(parent)
            if before[target] != content:
                write_atomically(target, content)
        recorded = commit_new_files(folder, list(writes), message, author, new_repository=False)
    except BaseException:
        for target, old in before.items():
            if old is None:
                target.unlink(missing_ok=True)
            else:
                write_atomically(target, old)
        for parent in reversed(made):
            parent.rmdir()
        note.unlink()
        raise
    note.unlink()
    return recorded
