"""A design's licences from its LICENSE, COPYING or README: licence texts
matched to SPDX identifiers by licenseclassifier (a port of Google's
licensecheck, with the SPDX licence list in its wheel), SPDX-License-Identifier
lines, and identifiers or licence URLs in the README's licence section."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from ohw.design.licenses import canonical, check_expression

# Names of licence files: LICENSE, LICENCE.md, COPYING, LICENSE-HARDWARE.txt, ...
_LICENCE_FILE = re.compile(r"^(licen[cs]e|copying|unlicense)([._ -].*)?$", re.IGNORECASE)
# Words in a licence file's name that say which kind of work it covers.
_KIND_WORDS = {
    "hardware": ("hardware", "hw", "cern", "ohl"),
    "documentation": ("documentation", "docs", "doc", "cc"),
    "software": ("software", "sw", "firmware", "code"),
}
_SPDX_TAG = re.compile(r"SPDX-License-Identifier:\s*([A-Za-z0-9.+:() -]+?)\s*(?:-->|\*/|$)", re.M)
# The GNU licences' texts do not say whether later versions may be used: the
# notices in the files do ("or (at your option) any later version").
_GNU = re.compile(r"^(A|L)?GPL-\d\.\d(-only)?$")
MAX_LICENCE_BYTES = 1_000_000


@dataclass
class FoundLicences:
    """The SPDX expression found for each kind of work, and what is unsure."""

    by_kind: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)  # kind -> the file it came from
    doubts: list[str] = field(default_factory=list)  # said to the maintainer


def is_licence_file(path: str) -> bool:
    return "/" not in path and bool(_LICENCE_FILE.match(path))


def _kinds(name: str) -> tuple[str, ...]:
    words = set(re.split(r"[^a-z0-9]+", name.lower()))
    named = tuple(kind for kind, hints in _KIND_WORDS.items() if words & set(hints))
    return named or ("hardware", "documentation")


def _identified(text: str, coverage: float | None = None) -> list[str]:
    """The current SPDX identifiers of the licence texts (or URLs) in ``text``."""
    from licenseclassifier import COVERAGE_THRESHOLD, identify_license

    found = identify_license(text, coverage_threshold=coverage or COVERAGE_THRESHOLD)
    return list(dict.fromkeys(canonical(match.id) for match in found))


def _tagged(text: str) -> list[str]:
    """The valid expressions of SPDX-License-Identifier lines."""
    found = []
    for written in _SPDX_TAG.findall(text):
        expression = " ".join(written.split())
        problems = check_expression(expression)
        if all(p.deprecated for p in problems):
            found.append(" ".join(canonical(w) if w not in ("AND", "OR", "WITH") else w
                                  for w in expression.split()))  # fmt: skip
    return list(dict.fromkeys(found))


def _named_in(section: str) -> list[str]:
    """SPDX identifiers written as such in a README's licence section."""
    found = []
    for word in re.findall(r"[A-Za-z0-9][A-Za-z0-9.+-]*[A-Za-z0-9+]", section):
        if (re.search(r"[0-9-]", word) or word.isupper()) and not check_expression(word):
            found.append(canonical(word))
    return list(dict.fromkeys(found))


def _expression(ids: list[str]) -> str:
    return ids[0] if len(ids) == 1 else " AND ".join(f"({i})" if " " in i else i for i in ids)


def _doubt_gnu(ids: list[str], where: str, found: FoundLicences) -> None:
    for spdx in ids:
        if _GNU.match(spdx):
            later = spdx.removesuffix("-only") + "-or-later"
            found.doubts.append(
                f"{where} holds the {spdx.removesuffix('-only')} text, which does not say "
                f"whether later versions may be used: written {spdx}; write {later} in "
                "license: of ohw.yaml if the authors allow them"
            )


def find_licences(files: dict[str, str], readme: tuple[str, str] | None) -> FoundLicences:
    """The licences of a design from its licence files (name: text) and README
    (name, text of its licence section), each kind from the first that says."""
    found = FoundLicences()
    for name, text in sorted(files.items()):
        ids = _tagged(text) or _identified(text)
        if not ids:
            found.doubts.append(
                f"{name} holds no licence text ohw recognises: say the licence as an SPDX "
                "identifier under license: in ohw.yaml"
            )
            continue
        if len(ids) > 1:
            found.doubts.append(f"{name} holds several licences ({', '.join(ids)}): check "
                                "which covers what")  # fmt: skip
        _doubt_gnu(ids, name, found)
        for kind in _kinds(PurePosixPath(name).stem if "." in name else name):
            if kind not in found.by_kind:
                found.by_kind[kind], found.sources[kind] = _expression(ids), name
    if not found.by_kind and readme is not None:
        name, section = readme
        ids = _tagged(section) or _named_in(section) or _identified(section, coverage=0.1)
        if ids:
            _doubt_gnu(ids, name, found)
            found.doubts.append(
                f"the licence was read from the words of {name} ({_expression(ids)}): check it"
            )
            for kind in ("hardware", "documentation"):
                found.by_kind[kind], found.sources[kind] = _expression(ids), name
    return found
