"""Which licences a design may carry when it includes others' work.

A remixed part, or a whole forked design, brings its licence's terms along:

- a **permissive** licence (CERN-OHL-P, MIT, Apache, BSD, CC-BY, CC0, ...) asks
  for credit only: the design may carry any licence;
- a **weakly reciprocal** one (CERN-OHL-W-2.0) keeps the part's files under it:
  ohw gives a design one hardware licence, so the design must carry CERN-OHL-W-2.0
  or the strongly reciprocal CERN-OHL-S-2.0;
- a **strongly reciprocal** or **share-alike** one passes on: a CERN-OHL-S-2.0
  part makes the design CERN-OHL-S-2.0; GPL and CC-BY-SA allow their own later
  versions where they say so, and CC-BY-SA-4.0 also GPL-3.0 (the one-way
  compatibility Creative Commons declared);
- a **non-commercial** (NC) or **no-derivatives** (ND) licence does not make open
  hardware: it cannot be remixed at all;
- any other licence (a LicenseRef-, or one not in this table) is taken as
  reciprocal to itself: the design must carry that very licence.

An expression's OR is a choice (a part under "MIT OR CERN-OHL-S-2.0" may be
taken under MIT); its AND means all apply together. The design's own licence
must, in every choice it offers, include a licence each part allows. This is
ohw's reading for making sensible defaults, not legal advice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from ohw.design.licenses import alternatives


class Kind(str, Enum):
    PERMISSIVE = "permissive"
    WEAKLY_RECIPROCAL = "weakly reciprocal"
    STRONGLY_RECIPROCAL = "strongly reciprocal"
    SHARE_ALIKE = "share-alike"
    NON_COMMERCIAL = "non-commercial"
    NO_DERIVATIVES = "no-derivatives"
    UNKNOWN = "not known to ohw"


@dataclass(frozen=True)
class Terms:
    """What one licence asks of a design that includes work under it."""

    license: str
    kind: Kind
    allows: frozenset[str] | None  # licences the including design may carry; None: any


_PERMISSIVE = frozenset(
    {
        "CERN-OHL-P-2.0", "MIT", "MIT-0", "Apache-2.0", "ISC", "Zlib", "0BSD", "Unlicense",
        "CC0-1.0", "PDDL-1.0", "BSL-1.0", "X11", "SHL-0.5", "SHL-0.51", "Solderpad-2.0", "WTFPL",
    }
)  # fmt: skip
_PERMISSIVE_PATTERN = re.compile(r"BSD-.*|CC-BY-\d\.\d|SHL-2\.\d")
_GPL_LATER = frozenset({"GPL-2.0-or-later", "GPL-2.0-only", "GPL-3.0-only", "GPL-3.0-or-later"})
_GPL3 = frozenset({"GPL-3.0-only", "GPL-3.0-or-later"})
_RECIPROCAL: dict[str, tuple[Kind, frozenset[str]]] = {
    "CERN-OHL-W-2.0": (Kind.WEAKLY_RECIPROCAL, frozenset({"CERN-OHL-W-2.0", "CERN-OHL-S-2.0"})),
    "CERN-OHL-S-2.0": (Kind.STRONGLY_RECIPROCAL, frozenset({"CERN-OHL-S-2.0"})),
    "GPL-2.0-only": (Kind.STRONGLY_RECIPROCAL, frozenset({"GPL-2.0-only"})),
    "GPL-2.0-or-later": (Kind.STRONGLY_RECIPROCAL, _GPL_LATER),
    "GPL-3.0-only": (Kind.STRONGLY_RECIPROCAL, frozenset({"GPL-3.0-only"})),
    "GPL-3.0-or-later": (Kind.STRONGLY_RECIPROCAL, _GPL3),
}
_SHARE_ALIKE = re.compile(r"CC-BY-SA-(\d\.\d)")
_SHARE_ALIKE_VERSIONS = ("1.0", "2.0", "2.5", "3.0", "4.0")
# A later version of CC-BY-SA may be chosen from 2.0 on (1.0 named no later versions).
_LATER_VERSIONS_FROM = "2.0"


def terms(license: str) -> Terms:
    """The terms of one SPDX identifier (current spelling, see ohw.design.licenses.canonical)."""
    if license in _PERMISSIVE or _PERMISSIVE_PATTERN.fullmatch(license):
        return Terms(license, Kind.PERMISSIVE, None)
    if license in _RECIPROCAL:
        kind, allows = _RECIPROCAL[license]
        return Terms(license, kind, allows)
    words = license.split("-")
    if words[0] == "CC" and "ND" in words:
        return Terms(license, Kind.NO_DERIVATIVES, frozenset())
    if words[0] == "CC" and "NC" in words:
        return Terms(license, Kind.NON_COMMERCIAL, frozenset())
    share_alike = _SHARE_ALIKE.fullmatch(license)
    if share_alike and share_alike.group(1) in _SHARE_ALIKE_VERSIONS:
        version = share_alike.group(1)
        later = [v for v in _SHARE_ALIKE_VERSIONS if v > version]
        carried = {license}
        if version >= _LATER_VERSIONS_FROM:
            carried |= {f"CC-BY-SA-{v}" for v in later}
        if version == "4.0":
            carried |= _GPL3
        return Terms(license, Kind.SHARE_ALIKE, frozenset(carried))
    return Terms(license, Kind.UNKNOWN, frozenset({license}))


def refusal(item: Terms) -> str | None:
    """Why a licence allows no remix at all, or None."""
    if item.kind is Kind.NON_COMMERCIAL:
        return (
            f"{item.license} forbids commercial use, so what is made from it is not open "
            "hardware (anyone must be free to make and sell it)"
        )
    if item.kind is Kind.NO_DERIVATIVES:
        return f"{item.license} allows no derivatives: the work may be shared only unchanged"
    return None


@dataclass(frozen=True)
class Requirement:
    """What including work under ``expression`` asks of the including design."""

    expression: str
    refused: str | None  # why it cannot be included at all
    allows: frozenset[str] | None  # licences the design may carry; None: any
    terms: tuple[Terms, ...]  # of every licence the expression names, in name order

    def allowed(self, design_expression: str) -> bool:
        """Whether a design under ``design_expression`` may include this work: in
        every choice the design offers, a licence the work allows."""
        if self.refused is not None:
            return False
        if self.allows is None:
            return True
        return all(choice & self.allows for choice in alternatives(design_expression))

    def describe(self) -> str:
        """The terms that decide, in words: 'CERN-OHL-S-2.0 is strongly reciprocal'."""
        deciding = [t for t in self.terms if t.kind is not Kind.PERMISSIVE] or list(self.terms)
        return "; ".join(f"{t.license} is {t.kind.value}" for t in deciding)


def requirement(expression: str) -> Requirement:
    """What including work licensed under the SPDX ``expression`` requires."""
    choices = alternatives(expression)
    named = sorted({name for choice in choices for name in choice})
    found = {name: terms(name) for name in named}
    reasons: list[str] = []
    allowed: set[str] = set()
    anything = False
    for choice in choices:
        refused = [why for name in sorted(choice) if (why := refusal(found[name]))]
        if refused:
            reasons += [r for r in refused if r not in reasons]
            continue
        limit = common(Requirement(name, None, found[name].allows, ()) for name in choice)
        if limit is None:
            anything = True
        else:
            allowed |= limit
    if not anything and not allowed:
        why = "; ".join(reasons) or f"its licences ({' AND '.join(named)}) contradict each other"
        return Requirement(expression, why, frozenset(), tuple(found.values()))
    return Requirement(
        expression, None, None if anything else frozenset(allowed), tuple(found.values())
    )


def common(requirements: Iterable[Requirement]) -> frozenset[str] | None:
    """The licences that satisfy every requirement at once (None: any licence)."""
    result: frozenset[str] | None = None
    for item in requirements:
        if item.allows is not None:
            result = item.allows if result is None else result & item.allows
    return result


def shown(allows: frozenset[str] | None) -> str:
    """Licences, as a list for a message: 'CERN-OHL-S-2.0 or CERN-OHL-W-2.0'."""
    if allows is None:
        return "any licence"
    if not allows:
        return "no licence"
    names = sorted(allows)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
