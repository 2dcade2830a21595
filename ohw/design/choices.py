"""Choices among parts: groups of alternatives of which a build makes one option
(one hotend mount of seventeen, the skirt of a 300 mm printer), and which parts
a build makes once the choices are made."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ohw.errors import OhwError
from ohw.storage.yaml.document import JsonPath


@dataclass(frozen=True)
class ChoiceGroup:
    """A group of alternatives, as its parts and its `choices` entry say."""

    id: str
    options: tuple[str, ...]  # in the order the parts name them
    default: str | None  # the option built unless another is chosen; None without options
    title: str | None
    declared_at: JsonPath | None  # its entry in `choices`, if it has one


@dataclass(frozen=True)
class Choice:
    """One choice made for a build."""

    group: str
    title: str | None
    option: str
    default: bool  # the group's default was taken
    options: tuple[str, ...]


@dataclass(frozen=True)
class Selection:
    """What a build makes: the parts of the chosen options and every part outside
    a choice, in the manifest's order."""

    parts: list[dict[str, Any]]
    choices: tuple[Choice, ...]
    left_out: tuple[str, ...]  # ids of the parts of the options not chosen


@dataclass(frozen=True)
class ChoiceProblem:
    """A mistake in the design's choices, for ohw check."""

    rule: str
    message: str
    at: JsonPath


def choice_text(choice: Choice) -> str:
    """A choice made, in words: "hotend-mount: dragon (default; also revo, v6)"."""
    others = [o for o in choice.options if o != choice.option]
    said = ["default"] if choice.default else []
    said += [f"also {', '.join(others)}"] if others else []
    return f"{choice.group}: {choice.option}" + (f" ({'; '.join(said)})" if said else "")


def part_options(part: Mapping[str, Any]) -> tuple[str, ...]:
    """The options of its choice a part belongs to: its `option`, else its id."""
    option = part.get("option", part.get("id"))
    if isinstance(option, list):
        return tuple(str(o) for o in option)
    return (str(option),)


def choice_groups(data: Mapping[str, Any]) -> dict[str, ChoiceGroup]:
    """Every group the parts name or `choices` describes, by id."""
    options: dict[str, list[str]] = {}
    for part in data.get("parts", []):
        if isinstance(part, dict) and isinstance(part.get("choice"), str):
            known = options.setdefault(part["choice"], [])
            known += [o for o in part_options(part) if o not in known]
    declared: dict[str, tuple[int, Mapping[str, Any]]] = {}
    for i, entry in enumerate(data.get("choices", [])):
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            declared.setdefault(entry["id"], (i, entry))
    groups = {}
    for group in [*options, *(g for g in declared if g not in options)]:
        found = tuple(options.get(group, ()))
        index, entry = declared.get(group, (-1, {}))
        default = entry.get("default")
        groups[group] = ChoiceGroup(
            id=group,
            options=found,
            default=default if default in found else (found[0] if found else None),
            title=entry.get("title"),
            declared_at=("choices", index) if index >= 0 else None,
        )
    return groups


def parse_choices(written: Iterable[str]) -> dict[str, str]:
    """``--choose GROUP=OPTION`` values as a mapping; an error for one that is
    not of that form, or a group chosen twice."""
    chosen: dict[str, str] = {}
    for value in written:
        group, equals, option = (s.strip() for s in value.partition("="))
        if not equals or not group or not option:
            raise OhwError(
                f"--choose {value!r} is not GROUP=OPTION",
                "write the choice group, '=' and the option, e.g. --choose hotend-mount=dragon",
            )
        if group in chosen and chosen[group] != option:
            raise OhwError(f"--choose gives the group {group!r} twice", "choose one option")
        chosen[group] = option
    return chosen


def select_parts(data: Mapping[str, Any], chosen: Mapping[str, str]) -> Selection:
    """The parts a build makes with the options ``chosen`` (by group), the
    defaults elsewhere; an error for a group or option the design lacks."""
    groups = choice_groups(data)
    for group, option in chosen.items():
        if group not in groups or not groups[group].options:
            named = ", ".join(g for g in groups if groups[g].options) or "none"
            raise OhwError(
                f"--choose {group}={option}: the design has no choice group {group!r}",
                f"its choice groups: {named}",
            )
        if option not in groups[group].options:
            raise OhwError(
                f"--choose {group}={option}: {option!r} is not an option of {group}",
                f"its options: {', '.join(groups[group].options)}",
            )
    made = {g.id: chosen.get(g.id, g.default) for g in groups.values() if g.default is not None}
    built, left_out = [], []
    for part in data.get("parts", []):
        group = part.get("choice")
        if group is None or made.get(group) in part_options(part):
            built.append(part)
        else:
            left_out.append(part["id"])
    choices = tuple(
        Choice(g.id, g.title, made[g.id], g.id not in chosen, g.options)
        for g in groups.values()
        if g.id in made
    )
    return Selection(built, choices, tuple(left_out))


def choice_problems(data: Mapping[str, Any]) -> list[ChoiceProblem]:
    """What is wrong with the design's `choices`: a default that is none of the
    group's options (OHW121), an entry given twice or naming a group no part is
    in (OHW122)."""
    groups = choice_groups(data)
    problems = []
    seen: set[str] = set()
    for i, entry in enumerate(data.get("choices", [])):
        group = entry["id"]
        at: JsonPath = ("choices", i)
        if group in seen:
            problems.append(ChoiceProblem("OHW122", f"the choice {group!r} is described twice", at))
            continue
        seen.add(group)
        options = groups[group].options
        if not options:
            problems.append(
                ChoiceProblem("OHW122", f"no part is an option of the choice {group!r}", at)
            )
        elif "default" in entry and entry["default"] not in options:
            problems.append(
                ChoiceProblem(
                    "OHW121",
                    f"the default {entry['default']!r} of the choice {group!r} is none of its "
                    f"options ({', '.join(options)})",
                    (*at, "default"),
                )
            )
    return problems
