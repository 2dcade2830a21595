"""The full texts of SPDX licences, as a new design and its kits carry them.

The texts come from ScanCode's licence database (the licensedcode-data
package, maintained by AboutCode), never typed here; license-expression's
index, which ohw.design.licenses already reads, says which of its files holds
the licence an SPDX identifier names.
"""

from __future__ import annotations

import re
from functools import cache

from ohw.design.licenses import alternatives

_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)


@cache
def _files_by_id() -> dict[str, str]:
    """SPDX identifier (lower case) -> the database's file of its text."""
    from license_expression import get_license_index

    found: dict[str, str] = {}
    for entry in get_license_index():
        for identifier in (
            entry.get("spdx_license_key"),
            *entry.get("other_spdx_license_keys", []),
        ):
            if identifier and entry.get("license"):
                found.setdefault(str(identifier).lower(), str(entry["license"]))
    return found


def license_text(identifier: str) -> str | None:
    """The full text of the licence ``identifier`` names (an SPDX identifier),
    or None for one the database lacks (a LicenseRef-, a licence too new)."""
    from importlib import resources

    name = _files_by_id().get(identifier.lower())
    if name is None:
        return None
    try:
        written = (resources.files("licensedcode") / "data" / "licenses" / name).read_text(
            encoding="utf-8"
        )
    except (ModuleNotFoundError, FileNotFoundError):
        return None
    return _FRONT_MATTER.sub("", written, count=1).strip("\n") + "\n"


def licenses_named(*expressions: str) -> list[str]:
    """Every licence the SPDX ``expressions`` name, each once, in order."""
    found: dict[str, None] = {}
    for expression in expressions:
        for choice in alternatives(expression):
            found.update(dict.fromkeys(sorted(choice)))
    return list(found)
