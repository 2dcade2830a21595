"""Writing files so that nothing is lost: the old content or the new, never half."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``path`` through a temporary file in the same folder, then rename it
    into place: readers, and a crash, see the old content or the new."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".ohw-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
