"""What ohw itself wrote into a design, which the checks do not judge: build
kits (``ohw fab --out kit/`` or ``--out kit.zip`` inside the design), known by
the ``kit.json`` at their root that describes them."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from ohw.errors import OhwError
from ohw.storage.tree import DesignTree

KIT_JSON = "kit.json"
# A zip larger than this is not opened to see whether it is a kit.
_LARGEST_KIT_ZIP = 256 * 1024 * 1024


def _describes_a_kit(text: bytes) -> bool:
    try:
        described: Any = json.loads(text)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return False
    return (
        isinstance(described, dict)
        and isinstance(described.get("format_version"), int)
        and isinstance(described.get("commit"), str)
        and isinstance(described.get("files"), dict)
    )


def _is_kit_zip(tree: DesignTree, path: str) -> bool:
    try:
        if tree.size(path) > _LARGEST_KIT_ZIP:
            return False
        with zipfile.ZipFile(io.BytesIO(tree.read_bytes(path))) as archive:
            if KIT_JSON not in archive.namelist():
                return False
            return _describes_a_kit(archive.read(KIT_JSON))
    except (zipfile.BadZipFile, OhwError, OSError, ValueError, NotImplementedError):
        return False


def ohw_outputs(tree: DesignTree) -> set[str]:
    """The files of the design that are kits ohw wrote, or in one. The design's
    own folder is never taken for a kit, whatever it holds."""
    files = tree.files
    kits = [
        path.removesuffix(KIT_JSON)
        for path in files
        if path.endswith("/" + KIT_JSON) and _describes_a_kit(tree.read_bytes(path))
    ]
    found = {path for path in files if any(path.startswith(kit) for kit in kits)}
    found.update(p for p in files if p.lower().endswith(".zip") and _is_kit_zip(tree, p))
    return found
