"""Writing files so that nothing is lost: the old content or the new, never half."""

from __future__ import annotations

import functools
import os
import re
import stat
from pathlib import Path

# The temporary file write_atomically writes first, named by mkstemp: a process
# killed between writing it and renaming it leaves it behind.
_TEMPORARY_PREFIX, _TEMPORARY_SUFFIX = ".ohw-", ".tmp"
_TEMPORARY = re.compile(r"\.ohw-[a-z0-9_]{8}\.tmp")


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``path`` through a temporary file in the same folder, then rename it
    into place: readers, and a crash, see the old content or the new. The file
    keeps its permissions; a new one gets those any new file gets (the umask's)."""
    import tempfile  # here: a check answered from its record loads nothing it need not

    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    handle, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=_TEMPORARY_PREFIX, suffix=_TEMPORARY_SUFFIX
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            os.fchmod(stream.fileno(), mode)  # mkstemp makes it its owner's only
            stream.write(data)
        Path(temporary).replace(path)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError) and error.filename is None:  # written through a handle
            raise OSError(error.errno, error.strerror, str(path)) from None
        raise


def is_left_temporary(name: str) -> bool:
    """Whether the file called ``name`` is one of write_atomically's temporary
    files, left by a process killed before it renamed it into place."""
    return _TEMPORARY.fullmatch(name) is not None


@functools.cache
def _umask() -> int:
    # Python can only read the umask by setting it; a command sets it once, at once.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
