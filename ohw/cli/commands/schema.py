"""`ohw schema`: the JSON Schemas ohw reads and writes by."""

from __future__ import annotations

import sys

from ohw.design.schemas import SCHEMA_NAMES, load_schema, schema_text


def schema(name: str | None) -> int:
    """Print a schema, or list them."""
    if name is None:
        width = max(len(n) for n in SCHEMA_NAMES)
        for known in SCHEMA_NAMES:
            sys.stdout.write(f"{known:<{width}}  {load_schema(known)['title']}\n")
        return 0
    sys.stdout.write(schema_text(name))
    return 0
