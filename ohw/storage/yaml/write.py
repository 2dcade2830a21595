"""dump_yaml: data written as block YAML that ohw's readers read back as exactly
that data."""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any

from ohw.storage.yaml.document import CORE_SCHEMA, STR

if TYPE_CHECKING:
    import yaml

# What PyYAML writes as a line break in plain and single-quoted text (YAML 1.1's
# breaks): text holding one is double-quoted, where they are escapes (\N \L \P).
_BREAKS_OF_YAML_1_1 = re.compile("[\x85\u2028\u2029]")


def dump_yaml(data: Any) -> str:
    """``data`` (JSON-compatible) as block YAML, sequences indented under their
    keys, no anchors, read back by ohw as exactly ``data``."""
    import yaml

    return yaml.dump(data, Dumper=_dumper(), sort_keys=False, allow_unicode=True, width=100)


@functools.cache
def _dumper() -> type[yaml.SafeDumper]:
    import yaml

    class Dumper(yaml.SafeDumper):
        def ignore_aliases(self, data: Any) -> bool:
            return True

        def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
            super().increase_indent(flow, False)

    # PyYAML quotes text its YAML 1.1 resolvers would read as something else;
    # ohw reads YAML 1.2, where 0o17 is an integer and 1e3 a number too.
    for tag, pattern in CORE_SCHEMA:
        Dumper.add_implicit_resolver(tag, pattern, None)
    Dumper.add_representer(str, _text)
    return Dumper


def _text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = '"' if _BREAKS_OF_YAML_1_1.search(text) else None
    return dumper.represent_scalar(STR, text, style=style)
