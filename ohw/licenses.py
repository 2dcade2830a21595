"""Licences as SPDX license expressions, read with the license-expression library."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache
from typing import Any


@dataclass(frozen=True)
class LicenseProblem:
    message: str
    hint: str
    deprecated: bool  # a warning: the expression is valid, but an identifier is outdated


@dataclass(frozen=True)
class _Known:
    licensing: Any
    keys: dict[str, str]  # lower-case identifier -> identifier
    replaced: dict[str, str]  # lower-case deprecated identifier -> current identifier


@cache
def _known() -> _Known:
    from license_expression import get_spdx_licensing

    licensing = get_spdx_licensing()
    keys, replaced = {}, {}
    for key, symbol in licensing.known_symbols.items():
        # ScanCode's own LicenseRef-scancode-* keys are not SPDX identifiers.
        if key.startswith("LicenseRef-"):
            continue
        keys[key.lower()] = key
        for alias in symbol.aliases:
            if not alias.startswith("LicenseRef-"):
                replaced[alias.lower()] = key
    return _Known(licensing, keys, replaced)


def _is_reference(symbol: str) -> bool:
    """LicenseRef-... (or DocumentRef-...:LicenseRef-...): a licence off the SPDX list."""
    return bool(re.fullmatch(r"(DocumentRef-[A-Za-z0-9.-]+:)?LicenseRef-[A-Za-z0-9.-]+", symbol))


def check_expression(expression: str) -> list[LicenseProblem]:
    """What is wrong with an SPDX license expression; empty if nothing."""
    known = _known()
    info = known.licensing.validate(expression)
    unknown = [s for s in info.invalid_symbols if s and not _is_reference(s)]
    syntax = [e for e in info.errors if not e.startswith("Unknown license key")]
    if syntax and not unknown:
        return [
            LicenseProblem(
                f"{expression!r} is not a valid SPDX expression ({syntax[0].lower()})",
                "combine SPDX identifiers with AND, OR, WITH and parentheses, "
                "e.g. CERN-OHL-S-2.0 or (MIT OR Apache-2.0)",
                deprecated=False,
            )
        ]
    problems = [_unknown(symbol, known) for symbol in unknown]
    if not problems:
        for token in re.split(r"[\s()]+", expression):
            current = known.replaced.get(token.lower())
            if current and token.lower() not in known.keys:
                problems.append(
                    LicenseProblem(
                        f"{token} is a deprecated SPDX identifier; it now reads {current}",
                        f"write {current}",
                        deprecated=True,
                    )
                )
    return problems


def _unknown(symbol: str, known: _Known) -> LicenseProblem:
    close = difflib.get_close_matches(symbol.lower(), list(known.keys), n=3, cutoff=0.75)
    if close:
        hint = "did you mean " + " or ".join(known.keys[c] for c in close) + "?"
    elif " " in symbol.strip():
        hint = (
            "write the licence's SPDX identifier, not its name "
            "(e.g. CC-BY-SA-4.0 for Creative Commons Attribution-ShareAlike 4.0); "
            "see https://spdx.org/licenses/"
        )
    else:
        hint = (
            "use an identifier from https://spdx.org/licenses/, "
            "or LicenseRef-<name> for a licence not on the list"
        )
    return LicenseProblem(f"{symbol!r} is not an SPDX licence identifier", hint, deprecated=False)
