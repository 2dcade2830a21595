"""Git through libgit2 (ohw.storage.vcs.repository), with the git command line
as the judge."""

from __future__ import annotations

from support.designs import write_files
from support.run import git

IGNORE_RULES = {
    ".gitignore": "build/\n*.log\n!keep.log\nd/sub/*.tmp\n/top.txt\n",
    "d/.gitignore": "local.bak\n",
}


MAYBE_IGNORED = [
    "build/x/a.stl",
    "a.log",
    "keep.log",
    "d/sub/a.tmp",
    "d/a.tmp",
    "top.txt",
    "d/top.txt",
    "d/local.bak",
    "local.bak",
    "secret",
    "d/secret",
    "ok.stl",
    "sp ace.log",
    "unié.log",
    'q"uote.log',
    "new\nline.log",
]


IGNORED = {
    "build/x/a.stl",
    "a.log",
    "d/sub/a.tmp",
    "top.txt",
    "d/local.bak",
    "secret",
    "d/secret",
    "sp ace.log",
    "unié.log",
    'q"uote.log',
    "new\nline.log",
}


def test_git_and_libgit2_agree_on_what_is_ignored(tmp_path, monkeypatch):
    from ohw.storage.vcs.repository import ignored

    write_files(tmp_path, dict(IGNORE_RULES))
    git("init", "-q", cwd=tmp_path)
    (tmp_path / ".git" / "info" / "exclude").write_text("secret\n")
    by_git = ignored(tmp_path, MAYBE_IGNORED)
    in_d = ignored(tmp_path / "d", ["sub/a.tmp", "local.bak", "top.txt", "secret"])
    monkeypatch.setenv("PATH", str(tmp_path / "no-git-here"))  # libgit2 answers alone
    assert ignored(tmp_path, MAYBE_IGNORED) == by_git == IGNORED
    assert ignored(tmp_path / "d", ["sub/a.tmp", "local.bak", "top.txt", "secret"]) == in_d
    assert in_d == {"sub/a.tmp", "local.bak", "secret"}
    assert ignored(tmp_path.parent / "not-a-repository", ["a.log"]) == set()
