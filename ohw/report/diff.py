"""Design differences for people (text, and one-line summaries for `ohw log`) or
programs (JSON: schemas/diff-output.schema.json)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import IO, TYPE_CHECKING, Any

from rich.console import Console

from ohw import __version__
from ohw.history.diff import CostChange, DesignDiff, FieldChange, ItemChange, MeshChange, MeshSide
from ohw.merge.plan import MISSING, show_value
from ohw.report.reporters import JsonReporter, Reporter
from ohw.report.styled import markup
from ohw.words import TIMES, plural, size_text

if TYPE_CHECKING:
    from ohw.picture.changes import ChangePicture, Figures

FORMAT_VERSION = 1
_MARK = {"added": "[green]+[/green]", "removed": "[red]-[/red]", "changed": "[yellow]~[/yellow]"}
# A value this short is shown in a log summary; a longer one is only said to change.
_SHORT = 24


# --- JSON -----------------------------------------------------------------------------


def diff_output(diff: DesignDiff, pictures: list[ChangePicture] | None = None) -> dict[str, Any]:
    """The JSON document of `ohw diff --json` (with ``images`` for --images)."""
    found = {
        "format_version": FORMAT_VERSION,
        "tool": {"name": "ohw", "version": __version__},
        "old": {"label": diff.old_label, "revision": diff.old_revision},
        "new": {"label": diff.new_label, "revision": diff.new_revision},
        "changes": changes_json(diff),
    }
    if pictures is not None:
        found["images"] = [picture_json(p) for p in pictures]
    return found


def picture_json(picture: ChangePicture) -> dict[str, Any]:
    """A picture of a changed or conflicted mesh (also in `ohw merge --json`)."""
    return {
        "part": picture.part,
        "mesh": picture.mesh,
        "image": str(picture.image) if picture.image else None,
        "problem": picture.problem,
        "figures": {what: _figures_json(f) for what, f in picture.figures.items()},
    }


def _figures_json(figures: Figures) -> dict[str, Any]:
    return {
        "method": figures.method,
        "removed_volume": figures.removed_volume,
        "added_volume": figures.added_volume,
        "largest_deviation": figures.largest_deviation,
    }


def figures_line(figures: Figures) -> str:
    """ "removed 1.20 cm³, added 0.00 cm³, largest deviation 8.00 mm"."""
    volumes = (
        f"removed {figures.removed_volume / 1000:,.2f} cm³, "
        f"added {figures.added_volume / 1000:,.2f} cm³, "
        if figures.removed_volume is not None and figures.added_volume is not None
        else "not both closed solids, "
    )
    return f"{volumes}largest deviation {figures.largest_deviation:,.2f} mm"


def changes_json(diff: DesignDiff) -> dict[str, Any]:
    """The changes alone: `ohw log` and `ohw variant list` carry them too."""
    return {
        "empty": diff.empty,
        "manifest": [_field_json(c) for c in diff.manifest],
        "parts": [_item_json(c) for c in diff.parts],
        "bom": [_item_json(c) for c in diff.bom],
        "cost": [_cost_json(c) for c in diff.cost],
        "notes": list(diff.notes),
    }


def _field_json(change: FieldChange) -> dict[str, Any]:
    found: dict[str, Any] = {"field": list(change.field)}
    if change.old is not MISSING:
        found["old"] = change.old
    if change.new is not MISSING:
        found["new"] = change.new
    return found


def _item_json(change: ItemChange) -> dict[str, Any]:
    return {
        "id": change.id,
        "status": change.status,
        "fields": [_field_json(c) for c in change.fields],
        "meshes": [_mesh_change_json(m) for m in change.meshes],
    }


def _mesh_change_json(change: MeshChange) -> dict[str, Any]:
    size = change.size_change
    return {
        "old": _mesh_side_json(change.old),
        "new": _mesh_side_json(change.new),
        "volume_change": change.volume_change,
        "size_change": list(size) if size is not None else None,
    }


def _mesh_side_json(side: MeshSide | None) -> dict[str, Any] | None:
    if side is None:
        return None
    report = side.report
    return {
        "path": side.path,
        "error": side.error,
        "facets": report.facets if report else None,
        "volume": report.volume if report else None,
        "bounding_box": (
            {
                "minimum": list(report.minimum),
                "maximum": list(report.maximum),
                "size": list(report.size),
            }
            if report
            else None
        ),
    }


def _cost_json(change: CostChange) -> dict[str, Any]:
    return {
        "currency": change.currency,
        "old": _number(change.old),
        "new": _number(change.new),
        "change": _number((change.new or Decimal(0)) - (change.old or Decimal(0))),
    }


def _number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


@dataclass(frozen=True)
class DiffReport:
    """What `ohw diff` shows: the changes, and with --images the pictures made."""

    changes: DesignDiff
    pictures: list[ChangePicture] | None = None


class DiffJson(JsonReporter[DiffReport]):
    def document(self, result: DiffReport) -> dict[str, Any]:
        return diff_output(result.changes, result.pictures)


class DiffText(Reporter[DiffReport]):
    def write(self, result: DiffReport, stream: IO[str]) -> None:
        console = Console(file=stream, highlight=False, soft_wrap=True)
        _text(result.changes, console)
        if result.pictures is not None:
            _pictures_text(result.pictures, console)


def _pictures_text(pictures: list[ChangePicture], console: Console) -> None:
    if not pictures:
        console.print("pictures: no mesh changed on both sides")
        return
    console.print("pictures")
    for picture in pictures:
        if picture.image is None:
            console.print(f"  {markup(picture.mesh)}: no picture, {markup(picture.problem or '')}")
            continue
        console.print(f"  {markup(str(picture.image))}")
        for what, figures in picture.figures.items():
            prefix = "" if what == "change" else f"{what}: "
            console.print(f"      {markup(prefix + figures_line(figures))}")


# --- text -----------------------------------------------------------------------------


def _text(diff: DesignDiff, console: Console) -> None:
    span = f"{markup(diff.old_label)} → {markup(diff.new_label)}"
    if diff.empty:
        console.print(f"No design changes: {span}.")
        return
    console.print(f"[bold]Design changes: {span}[/bold]")
    if diff.manifest:
        console.print("manifest")
        for change in diff.manifest:
            console.print(f"  {markup(_field_line(change))}")
    for title, items in (("parts", diff.parts), ("bom", diff.bom)):
        if items:
            console.print(title)
            for item in items:
                _item_text(item, console)
    if diff.cost:
        console.print("cost (per unit of the design)")
        for cost in diff.cost:
            console.print(f"  {markup(_cost_line(cost))}")
    for note in diff.notes:
        console.print(f"[yellow]note:[/yellow] {markup(note)}")


def _item_text(item: ItemChange, console: Console) -> None:
    mark = _MARK[item.status]
    if item.status != "changed":
        whole = item.fields[0].new if item.status == "added" else item.fields[0].old
        console.print(f"  {mark} {markup(item.id)}{markup(_what(whole))}")
        return
    lines = [_field_line(c) for c in item.fields] + [_mesh_line(m) for m in item.meshes]
    if len(lines) == 1 and not item.meshes:
        console.print(f"  {mark} {markup(item.id)} {markup(lines[0])}")
        return
    console.print(f"  {mark} {markup(item.id)}")
    for line in lines:
        console.print(f"      {markup(line)}")


def _what(item: Any) -> str:
    """An added or removed item in a few words: its name and how many."""
    if not isinstance(item, dict):
        return ""
    words = [str(item["name"])] if isinstance(item.get("name"), str) else []
    if "quantity" in item:
        words.append(f"quantity {show_value(item['quantity'])}")
    return f": {', '.join(words)}" if words else ""


def _field_line(change: FieldChange) -> str:
    where = " ".join(change.field)
    if change.old is MISSING:
        return f"{where}: + {show_value(change.new)}".lstrip(": ")
    if change.new is MISSING:
        return f"{where}: - {show_value(change.old)}".lstrip(": ")
    return f"{where}: {show_value(change.old)} → {show_value(change.new)}"


def _mesh_line(change: MeshChange) -> str:
    if change.old is None and change.new is not None:
        return f"mesh {change.new.path} added" + _mesh_measures(change.new)
    if change.new is None and change.old is not None:
        return f"mesh {change.old.path} removed"
    assert change.old is not None and change.new is not None
    path = change.new.path if change.new.path == change.old.path else (
        f"{change.old.path} → {change.new.path}"
    )  # fmt: skip
    if change.new.report is None or change.old.report is None:
        side = change.new if change.new.report is None else change.old
        return f"mesh {path}: cannot be read ({side.error})"
    old, new = change.old.report, change.new.report
    volume, size = change.volume_change, change.size_change
    assert volume is not None and size is not None
    return (
        f"mesh {path}: volume {volume / 1000:+,.2f} cm³ "
        f"({old.volume / 1000:,.2f} → {new.volume / 1000:,.2f}), "
        f"size {_size(size, signed=True)} mm ({_size(old.size)} → {_size(new.size)}), "
        f"facets {old.facets:,} → {new.facets:,}"
    )


def _mesh_measures(side: MeshSide) -> str:
    if side.report is None:
        return f", cannot be read ({side.error})"
    return f": volume {side.report.volume / 1000:,.2f} cm³, size {_size(side.report.size)} mm"


def _size(size: tuple[float, float, float], *, signed: bool = False) -> str:
    if not signed:
        return size_text(size, unit=False)
    return f" {TIMES} ".join(f"{v:+.1f}" for v in size)


def _cost_line(change: CostChange) -> str:
    old, new = _cents(change.old), _cents(change.new)
    return f"{change.currency} {old:,} → {new:,} ({new - old:+,})"


def _cents(amount: Decimal | None) -> Decimal:
    """Rounded as shops round, so that old, new and the change add up."""
    return (amount or Decimal(0)).quantize(Decimal("0.01"), ROUND_HALF_UP)


# --- one-line summaries ---------------------------------------------------------------


def summary(diff: DesignDiff) -> list[str]:
    """The changes as short phrases: "+part arm", "bom m3x10 quantity 4→8",
    "mesh base.stl volume +1.20 cm³", "cost EUR +0.60"."""
    if diff.new_design:
        count = f"{plural(len(diff.parts), 'part')}, {plural(len(diff.bom), 'BOM item')}"
        return [f"new design: {count}", *diff.notes]
    phrases = [
        phrase
        for c in diff.manifest
        for phrase in (_lineage_phrases(c) or [_field_phrase(" ".join(c.field), c)])
    ]
    for kind, items in (("part", diff.parts), ("bom", diff.bom)):
        for item in items:
            if item.status != "changed":
                phrases.append(f"{'+' if item.status == 'added' else '-'}{kind} {item.id}")
                continue
            phrases += [_field_phrase(f"{kind} {item.id} {' '.join(c.field)}", c)
                        for c in item.fields]  # fmt: skip
            phrases += [_mesh_phrase(m) for m in item.meshes]
    for cost in diff.cost:
        phrases.append(f"cost {cost.currency} {_cents(cost.new) - _cents(cost.old):+,}")
    phrases += diff.notes
    return phrases


def _field_phrase(where: str, change: FieldChange) -> str:
    old, new = change.old, change.new
    if change.member:
        return f"{where} -{show_value(old)}" if new is MISSING else f"{where} +{show_value(new)}"
    if old is MISSING:
        return f"+{where} {show_value(new)}" if _short(new) else f"+{where}"
    if new is MISSING:
        return f"-{where}"
    if _short(old) and _short(new):
        return f"{where} {show_value(old)}→{show_value(new)}"
    return f"{where} changed"


def _lineage_phrases(change: FieldChange) -> list[str]:
    """Lineage entries added or removed, as "+fork desk-lamp"; none for other changes."""
    added, removed = change.old is MISSING, change.new is MISSING
    if change.field[:1] != ("lineage",) or len(change.field) > 2 or not (added or removed):
        return []
    value = change.new if added else change.old
    entries = value if len(change.field) == 1 and isinstance(value, list) else [value]
    if not all(isinstance(e, dict) for e in entries):
        return []
    sign = "+" if added else "-"
    return [f"{sign}{e.get('relation', 'source')} {e.get('design', e.get('url', '?'))}"
            for e in entries]  # fmt: skip


def _short(value: Any) -> bool:
    return not isinstance(value, dict | list) and len(show_value(value)) <= _SHORT


def _mesh_phrase(change: MeshChange) -> str:
    if change.old is None and change.new is not None:
        return f"mesh +{_file_name(change.new.path)}"
    if change.new is None and change.old is not None:
        return f"mesh -{_file_name(change.old.path)}"
    assert change.new is not None
    volume = change.volume_change
    name = _file_name(change.new.path)
    if volume is None:
        return f"mesh {name} unreadable"
    if abs(volume) < 5:  # under 0.005 cm³: the same volume, as printed
        return f"mesh {name} reshaped, same volume"
    return f"mesh {name} volume {volume / 1000:+,.2f} cm³"


def _file_name(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def summary_lines(phrases: list[str], width: int, lines: int = 2) -> list[str]:
    """``phrases`` joined by commas into at most ``lines`` lines of ``width``;
    what does not fit is counted at the end."""
    result: list[str] = []
    current = ""
    for number, phrase in enumerate(phrases):
        candidate = f"{current}, {phrase}" if current else phrase
        if len(candidate) <= width or not current:
            current = candidate
            continue
        if len(result) == lines - 1:
            rest = len(phrases) - number
            return [*result, f"{current}, and {rest} more"]
        result.append(current + ",")
        current = phrase
    return [*result, current] if current else result
