"""Reading STL, binary and ASCII, trusting nothing the file says until it is checked.

A binary STL is an 80-byte header, a facet count n, and n records of 50 bytes
(normal, three corners, an attribute word). It is read only when its size is
exactly 84 + 50·n, whatever its header says: many binary files begin with the
word "solid", which ASCII files also begin with. It is mapped into memory,
not copied; the facets are a view on the mapping.

An ASCII STL is one or more `solid` ... `endsolid` blocks of facets:

    facet normal nx ny nz
      outer loop
        vertex x y z   (three times)
      endloop
    endfacet

Both must hold at least one facet, and at most MAX_FACETS, with finite coordinates.
"""

from __future__ import annotations

import mmap
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

# A 1.25 GB binary file; beyond this ohw refuses rather than exhaust memory.
MAX_FACETS = 25_000_000
# ASCII is read whole: about 250 bytes a facet, so some four million facets.
MAX_ASCII_BYTES = 1 << 30
HEADER = 84
RECORD = 50


class MeshError(Exception):
    """A file that cannot be read as a mesh, and why."""


@dataclass
class Triangles:
    """Facets as read: corners (n, 3, 3) and stored normals (n, 3), both float32 or
    float64. For binary STL they are views on the memory-mapped file."""

    corners: np.ndarray
    normals: np.ndarray | None
    format: str
    keep_alive: Any = None  # the mapping the views need
    # False where the reader left the check for NaN and infinities to the
    # caller's first pass over the facets (first_not_finite, not_finite).
    checked_finite: bool = True

    def __len__(self) -> int:
        return len(self.corners)

    def release(self, start: int, stop: int) -> None:
        """Let the memory behind facets ``start`` to ``stop`` go, once read: a mapped
        file's pages count as this process's memory until they are let go, and
        coming back to them later costs little, as they stay in the page cache."""
        mapping = self.keep_alive
        if not isinstance(mapping, mmap.mmap) or not hasattr(mmap, "MADV_DONTNEED"):
            return
        page = mmap.PAGESIZE
        first = -(-(HEADER + RECORD * start) // page) * page
        last = (HEADER + RECORD * stop) // page * page
        if last > first:
            mapping.madvise(mmap.MADV_DONTNEED, first, last - first)


def read_stl(path: Path, *, check_finite: bool = True) -> Triangles:
    """Read ``path`` as binary or ASCII STL, or raise MeshError saying what is
    wrong. With ``check_finite`` False, a binary file's coordinates are left for
    the caller to check (a pass of the file saved where it makes one anyway)."""
    try:
        size = path.stat().st_size
        with path.open("rb") as stream:
            head = stream.read(HEADER)
            if _binary_size_matches(head, size):
                mapping = mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ)
                if hasattr(mapping, "madvise"):
                    mapping.madvise(mmap.MADV_SEQUENTIAL)
                return _read_binary(mapping, size, check_finite)
            if head.lstrip()[:5].lower() == b"solid":
                start = head + stream.read(1 << 16)
                if b"\0" in start or size > MAX_ASCII_BYTES:
                    return read_ascii_stl(start, size)  # refused without reading on
                return read_ascii_stl(start + stream.read(), size)
    except OSError as error:
        raise MeshError(f"cannot read the file: {error.strerror}") from None
    raise MeshError(_neither(head, size))


def read_stl_bytes(data: bytes, *, check_finite: bool = True) -> Triangles:
    """Read STL held in memory (a file at a commit), as read_stl reads a file."""
    head = data[:HEADER]
    if _binary_size_matches(head, len(data)):
        return _read_binary(data, len(data), check_finite)
    if head.lstrip()[:5].lower() == b"solid":
        return read_ascii_stl(data, len(data))
    raise MeshError(_neither(head, len(data)))


def _neither(head: bytes, size: int) -> str:
    return (
        _not_binary_reason(head, size)
        + "; and it is not ASCII STL either (it does not start with 'solid')"
    )


def _facet_count(head: bytes) -> int | None:
    return int.from_bytes(head[80:84], "little") if len(head) == HEADER else None


def _binary_size_matches(head: bytes, size: int) -> bool:
    count = _facet_count(head)
    return count is not None and size == HEADER + RECORD * count


def _not_binary_reason(head: bytes, size: int) -> str:
    count = _facet_count(head)
    if size == 0:
        return "the file is empty (0 bytes)"
    if count is None:
        return f"the file is only {size} bytes, shorter than a binary STL header (84 bytes)"
    expected = HEADER + RECORD * count
    if size < expected:
        return (
            f"as binary STL it claims {count:,} facets, {expected:,} bytes, but has only "
            f"{size:,} bytes: it is truncated or the count is wrong"
        )
    return (
        f"as binary STL it claims {count:,} facets ({expected:,} bytes) but has {size:,} bytes: "
        f"{size - expected:,} bytes more than the facets it counts"
    )


def _read_binary(buffer: Any, size: int, check_finite: bool = True) -> Triangles:
    import numpy as np

    count = (size - HEADER) // RECORD
    if count == 0:
        raise MeshError("the binary STL holds no facets")
    if count > MAX_FACETS:
        raise MeshError(f"the binary STL holds {count:,} facets; ohw reads at most {MAX_FACETS:,}")
    record = np.dtype([("normal", "<f4", (3,)), ("corners", "<f4", (3, 3)), ("attribute", "<u2")])
    facets = np.frombuffer(buffer, dtype=record, count=count, offset=HEADER)
    triangles = Triangles(facets["corners"], facets["normal"], "binary STL", buffer)
    if check_finite:
        _require_finite(triangles)
    else:
        triangles.checked_finite = False
    return triangles


def _require_finite(triangles: Triangles) -> None:
    # In slices, letting the file's memory go behind: a large file never needs
    # a full-size temporary, nor to be resident all at once.
    corners = triangles.corners
    step = 1 << 16
    for start in range(0, len(corners), step):
        block = corners[start : start + step]
        bad = first_not_finite(block)
        if bad is not None:
            raise not_finite(start + bad)
        triangles.release(start, start + len(block))


def first_not_finite(corners: np.ndarray) -> int | None:
    """The first of these facets with a coordinate that is NaN or infinite, if any."""
    import numpy as np

    if np.isfinite(corners).all():
        return None
    return int(np.flatnonzero(~np.isfinite(corners).all(axis=(1, 2)))[0])


def not_finite(facet: int) -> MeshError:
    return MeshError(
        f"facet {facet + 1:,} has a coordinate that is not a finite number (NaN or infinity)"
    )


_WORDS = (b"facet", b"normal", b"outer", b"loop", b"vertex", b"endloop", b"endfacet")
_FACET_SHAPE = (
    b"facet", b"normal", None, None, None, b"outer", b"loop",
    b"vertex", None, None, None, b"vertex", None, None, None, b"vertex", None, None, None,
    b"endloop", b"endfacet",
)  # fmt: skip
_NUMBERS = [i for i, word in enumerate(_FACET_SHAPE) if word is None]


def read_ascii_stl(data: bytes, size: int | None = None) -> Triangles:
    """Read ASCII STL: every facet in every `solid` block, checked word by word."""
    import numpy as np

    size = len(data) if size is None else size
    if b"\0" in data:
        raise MeshError(
            "the file starts like ASCII STL ('solid') but holds binary data; "
            + _not_binary_reason(data[:HEADER], size)
        )
    if size > MAX_ASCII_BYTES:
        raise MeshError(
            f"the ASCII STL is {size:,} bytes; ohw reads ASCII STL up to {MAX_ASCII_BYTES:,} "
            "bytes: save it as binary STL"
        )
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise MeshError(f"line {line}: ASCII STL holds a byte that is not ASCII text") from None
    # Keywords are matched without regard to case; numbers read the same lower-cased.
    words = lowered = np.array(text.lower().split(), dtype=object)
    facet_at = np.flatnonzero(lowered == "facet")
    if len(facet_at) > MAX_FACETS:
        raise MeshError(f"the ASCII STL holds more than {MAX_FACETS:,} facets")
    # Padded, so that a facet cut short shows where, as a wrong or missing word.
    padded = np.concatenate([lowered, np.full(len(_FACET_SHAPE), "the end of the file")])
    for offset, word in enumerate(_FACET_SHAPE):
        if word is None:
            continue
        wrong = np.flatnonzero(padded[facet_at + offset] != word.decode())
        if len(wrong):
            at = int(facet_at[wrong[0]] + offset)
            if at >= len(words):
                raise MeshError(
                    f"the file ends inside a facet: it is cut short ('{word.decode()}' and what "
                    "follows are missing)"
                )
            raise MeshError(
                f"expected '{word.decode()}' but found {words[at]!r} ({_line_of(text, at)})"
            )
    _check_blocks(lowered, facet_at, text)
    if len(facet_at) == 0:
        raise MeshError("the ASCII STL holds no facets")
    numbers = words[facet_at[:, None] + np.array(_NUMBERS)]
    try:
        values = numbers.astype(np.float64)
    except ValueError:
        bad = next(w for w in numbers.ravel() if not _is_number(w))
        raise MeshError(f"{bad!r} is not a number, where a coordinate belongs") from None
    with np.errstate(over="ignore"):
        values32 = values.astype(np.float32)  # beyond ±3.4e38 is infinite in single precision
    if not np.isfinite(values32).all():
        row = int(np.flatnonzero(~np.isfinite(values32).all(axis=1))[0])
        raise MeshError(
            f"facet {row + 1:,} has a coordinate that is not a finite number "
            "(in single precision, as STL stores it)"
        )
    return Triangles(values32[:, 3:].reshape(-1, 3, 3), values32[:, :3], "ASCII STL")


def _check_blocks(lowered: np.ndarray, facet_at: np.ndarray, text: str) -> None:
    """Outside facets there may only be `solid [name]` ... `endsolid [name]` blocks."""
    import numpy as np

    inside = np.zeros(len(lowered) + 1, dtype=np.int32)
    np.add.at(inside, facet_at, 1)
    np.add.at(inside, np.minimum(facet_at + len(_FACET_SHAPE), len(lowered)), -1)
    in_facet = np.cumsum(inside[:-1]) > 0
    outside = np.flatnonzero(~in_facet)
    if len(outside) == 0 or lowered[outside[0]] != "solid":
        raise MeshError("ASCII STL must start with 'solid'")
    # Between blocks only names may stand: after 'solid' and after 'endsolid'.
    keywords = {w.decode() for w in _WORDS}
    open_block = naming = False
    previous = -1
    for position in outside:  # the words outside facets: a few per block
        word = lowered[position]
        if position != previous + 1:
            naming = False  # facets came in between: a name must follow its keyword
        previous = int(position)
        if word == "solid":
            if open_block:
                raise MeshError(
                    f"a 'solid' block starts before the last one ended "
                    f"({_line_of(text, int(position))})"
                )
            open_block, naming = True, True
        elif word == "endsolid":
            if not open_block:
                raise MeshError(f"'endsolid' without 'solid' ({_line_of(text, int(position))})")
            open_block, naming = False, True
        elif word in keywords or not naming:
            raise MeshError(f"unexpected {word!r} ({_line_of(text, int(position))})")
    if open_block:
        raise MeshError(
            "the file ends inside a 'solid' block: 'endsolid' is missing "
            "(the file may be truncated)"
        )


def _line_of(text: str, word_index: int) -> str:
    """ "line N" for the word at ``word_index`` (only computed for an error)."""
    for count, match in enumerate(re.finditer(r"\S+", text)):
        if count == word_index:
            return f"line {text.count(chr(10), 0, match.start()) + 1}"
    return "at the end of the file"


def _is_number(word: str) -> bool:
    try:
        float(word)
    except ValueError:
        return False
    return True


def stl_bytes(corners: np.ndarray, header: bytes = b"", normals: np.ndarray | None = None) -> bytes:
    """Binary STL of facets (n, 3, 3); normals as given, or worked out from the winding."""
    import numpy as np

    corners = np.asarray(corners, dtype=np.float32)
    if normals is None:
        wide = corners.astype(np.float64)
        cross = np.cross(wide[:, 1] - wide[:, 0], wide[:, 2] - wide[:, 0])
        length = np.linalg.norm(cross, axis=1, keepdims=True)
        normals = np.divide(cross, length, out=np.zeros_like(cross), where=length > 0)
    record = np.dtype([("normal", "<f4", (3,)), ("corners", "<f4", (3, 3)), ("attribute", "<u2")])
    facets = np.zeros(len(corners), dtype=record)
    facets["normal"], facets["corners"] = normals, corners
    count = len(corners).to_bytes(4, "little")
    return header[:80].ljust(80, b" ") + count + facets.tobytes()
