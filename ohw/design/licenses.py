"""Licences as SPDX license expressions.

The expression's grammar (SPDX 2.3, annex D) is read here, so that a mistake is
reported where it is; the identifiers are looked up in the SPDX list that the
license-expression library keeps, which also knows the deprecated ones.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from ohw.errors import OhwError

_TOKEN = re.compile(r"\s*(?:(\()|(\))|([A-Za-z0-9.+:-]+)|(\S))")
_OPERATORS = ("AND", "OR", "WITH")
_REFERENCE = re.compile(r"(DocumentRef-[A-Za-z0-9.-]+:)?LicenseRef-[A-Za-z0-9.-]+")
# "(A OR B) AND (C OR D) AND ..." doubles the combinations with every AND.
MAX_ALTERNATIVES = 256
_EXAMPLE = "combine SPDX identifiers with AND, OR, WITH and parentheses, e.g. (MIT OR Apache-2.0)"


# The choices an expression offers (its OR), each the licences that apply together (AND).
Alternatives = list[frozenset[str]]


@dataclass(frozen=True)
class LicenseProblem:
    message: str
    hint: str
    deprecated: bool  # a warning: the expression is valid, but an identifier is outdated


_KINDS = ("licenses", "exceptions", "replaced")


def _enter(entry: dict[str, Any], entries: dict[str, dict[str, str]]) -> None:
    """Add what one entry of the index says to ``entries``, by kind."""
    key = entry.get("spdx_license_key")
    # ScanCode's own LicenseRef-scancode-* keys are not SPDX identifiers.
    if not key or key.startswith("LicenseRef-"):
        return
    entries["exceptions" if entry.get("is_exception") else "licenses"][key.lower()] = key
    for alias in entry.get("other_spdx_license_keys") or []:
        if not alias.startswith("LicenseRef-"):
            entries["replaced"][alias.lower()] = key


@dataclass(frozen=True)
class _Known:
    licenses: Mapping[str, str]  # lower-case identifier -> identifier
    exceptions: Mapping[str, str]
    replaced: Mapping[str, str]  # lower-case deprecated identifier -> current identifier


@cache
def _known() -> _Known:
    """The SPDX identifiers license-expression knows, from its index of licences
    (its Licensing object, as get_spdx_licensing builds it, costs far longer,
    for nothing used here)."""
    from license_expression import get_license_index

    entries: dict[str, dict[str, str]] = {kind: {} for kind in _KINDS}
    for entry in get_license_index():
        _enter(entry, entries)
    return _Known(*(entries[kind] for kind in _KINDS))


class _Syntax(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _Reader:
    """Recursive descent over the SPDX expression grammar, collecting identifiers."""

    def __init__(self, expression: str) -> None:
        self.expression = expression
        self.tokens: list[tuple[str, str]] = []
        self.position = 0
        self.licenses: list[str] = []
        self.exceptions: list[str] = []

    def tokenize(self) -> None:
        for match in _TOKEN.finditer(self.expression):
            opening, closing, word, other = match.groups()
            if other:
                raise _Syntax(f"{other!r} cannot appear in an SPDX expression")
            if word and word.upper() in _OPERATORS:
                self.tokens.append(("operator", word.upper()))
            elif word:
                self.tokens.append(("id", word))
            else:
                self.tokens.append(("paren", opening or closing))

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> tuple[str, str] | None:
        token = self.peek()
        self.position += 1
        return token

    def read(self) -> Alternatives:
        self.tokenize()
        if not self.tokens:
            raise _Syntax("the expression is empty")
        alternatives = self.compound()
        extra = self.peek()
        if extra is not None:
            after = self.tokens[self.position - 1][1]
            raise _Syntax(f"{extra[1]!r} follows {after!r} without AND or OR between them")
        return alternatives

    def compound(self) -> Alternatives:
        """OR of ANDs: AND binds tighter, as SPDX says."""
        alternatives = self.conjunction()
        while self.peek() == ("operator", "OR"):
            self.operator("OR")
            alternatives = [*alternatives, *self.conjunction()]
        return alternatives

    def conjunction(self) -> Alternatives:
        alternatives = self.term()
        while self.peek() == ("operator", "AND"):
            self.operator("AND")
            right = self.term()
            alternatives = [a | b for a in alternatives for b in right]
            if len(alternatives) > MAX_ALTERNATIVES:
                raise _Syntax(f"it offers more than {MAX_ALTERNATIVES} combinations of licences")
        return alternatives

    def operator(self, name: str) -> None:
        self.take()
        if self.peek() is None:
            raise _Syntax(f"{name} must be followed by a licence")

    def term(self) -> Alternatives:
        token = self.take()
        if token == ("paren", "("):
            alternatives = self.compound()
            if self.take() != ("paren", ")"):
                raise _Syntax("a '(' is not closed")
        elif token is not None and token[0] == "id":
            self.licenses.append(token[1])
            alternatives = [frozenset([token[1]])]
        else:
            shown = "the end" if token is None else repr(token[1])
            raise _Syntax(f"a licence identifier is expected, not {shown}")
        if self.peek() == ("operator", "WITH"):
            self.take()
            exception = self.take()
            if exception is None or exception[0] != "id":
                raise _Syntax("WITH must be followed by a licence exception")
            self.exceptions.append(exception[1])
        return alternatives


def check_expression(expression: str) -> list[LicenseProblem]:
    """What is wrong with an SPDX license expression; empty if nothing."""
    known = _known()
    reader = _Reader(expression)
    try:
        reader.read()
    except _Syntax as error:
        return [_syntax_problem(expression, error.message, known)]
    problems = [
        _unknown(name, known.licenses, "licence")
        for name in reader.licenses
        if _canonical(name, known.licenses, known) is None
    ] + [
        _unknown(name, known.exceptions, "licence exception")
        for name in reader.exceptions
        if _canonical(name, known.exceptions, known) is None
    ]
    if problems:
        return problems
    return [
        LicenseProblem(
            f"{name} is a deprecated SPDX identifier; it now reads {current}",
            f"write {current}",
            deprecated=True,
        )
        for name in reader.licenses
        if (current := known.replaced.get(name.lower())) and name.lower() not in known.licenses
    ]


def alternatives(expression: str) -> Alternatives:
    """The choices ``expression`` offers, each a set of current SPDX identifiers
    that apply together; exceptions (WITH) are left out, as they only grant more.
    An error for an expression that is not valid (``check_expression`` says why)."""
    known = _known()
    try:
        found = _Reader(expression).read()
    except _Syntax as error:
        raise OhwError(_syntax_problem(expression, error.message, known).message) from None
    return [frozenset(canonical(name) for name in choice) for choice in found]


def canonical(name: str) -> str:
    """The current SPDX identifier for ``name``, spelt as SPDX spells it ("mit" is
    MIT, "GPL-2.0+" is GPL-2.0-or-later); a name not on the list stays as it is."""
    known = _known()
    lowered = name.lower()
    if lowered in known.licenses:
        return known.licenses[lowered]
    if lowered in known.replaced:
        return known.replaced[lowered]
    bare = _canonical(name, known.licenses, known)
    if bare is None or bare == name:
        return name
    return bare.removesuffix("-only") + "-or-later" if name.endswith("+") else bare


def _canonical(name: str, table: Mapping[str, str], known: _Known) -> str | None:
    """The identifier ``name`` stands for, or None if it is not on the SPDX list."""
    if _REFERENCE.fullmatch(name):
        return name
    bare = name.removesuffix("+")  # "GPL-2.0+": this version or any later one
    return table.get(bare.lower()) or known.replaced.get(bare.lower())


def _syntax_problem(expression: str, why: str, known: _Known) -> LicenseProblem:
    words = expression.split()
    identifiers = {**known.licenses, **known.replaced}
    if (
        len(words) > 1
        and not any(w.upper() in _OPERATORS for w in words)
        and any(w.lower() not in identifiers for w in words)
    ):
        # "MIT License", "Creative Commons Attribution 4.0": a licence's name.
        named = [known.licenses[w.lower()] for w in words if w.lower() in known.licenses]
        guess = f"did you mean {named[0]}? " if named else ""
        return LicenseProblem(
            f"{expression!r} is a licence's name, not its SPDX identifier",
            guess + "write the licence's SPDX identifier, not its name (e.g. CC-BY-SA-4.0 "
            "for Creative Commons Attribution-ShareAlike 4.0); see https://spdx.org/licenses/",
            deprecated=False,
        )
    return LicenseProblem(
        f"{expression!r} is not a valid SPDX expression: {why}", _EXAMPLE, deprecated=False
    )


def _unknown(name: str, table: Mapping[str, str], what: str) -> LicenseProblem:
    close = difflib.get_close_matches(name.lower(), list(table), n=3, cutoff=0.75)
    if close:
        hint = "did you mean " + " or ".join(table[c] for c in close) + "?"
    else:
        hint = (
            f"use a {what} identifier from https://spdx.org/licenses/, "
            "or LicenseRef-<name> for one not on the list"
        )
    return LicenseProblem(f"{name!r} is not an SPDX {what} identifier", hint, deprecated=False)
