"""ohw.storage.files: atomic writes keep what a file was, permissions included."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from ohw.storage.files import write_atomically


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("permissions", [0o644, 0o640, 0o755, 0o600])
def test_a_rewritten_file_keeps_its_permissions(tmp_path: Path, permissions: int):
    path = tmp_path / "bom.yaml"
    path.write_text("items: []\n")
    path.chmod(permissions)
    write_atomically(path, b"items: [a]\n")
    assert path.read_bytes() == b"items: [a]\n"
    assert mode(path) == permissions
    assert [p.name for p in tmp_path.iterdir()] == ["bom.yaml"]


def test_a_new_file_gets_the_permissions_the_umask_gives(tmp_path: Path):
    mask = os.umask(0o027)
    os.umask(mask)
    write_atomically(tmp_path / "new.txt", b"x")
    assert mode(tmp_path / "new.txt") == 0o666 & ~mask
