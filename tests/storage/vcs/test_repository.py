"""Git through libgit2 (ohw.storage.vcs.repository), with the git command line
as the judge."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from support.designs import write_files
from support.run import git, run_ohw

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


# --- who makes a commit: git's rules ------------------------------------------------


def _use_other_global_config(home: Path, repo: Path, env: dict[str, str]) -> None:
    other = home / "elsewhere.gitconfig"
    other.write_text("[user]\n\tname = Bo Filament\n\temail = bo@example.org\n")
    env["GIT_CONFIG_GLOBAL"] = str(other)


def _include(home: Path, repo: Path, env: dict[str, str]) -> None:
    (home / "email.inc").write_text("[user]\n\temail = ada@work.example\n")
    with (home / ".gitconfig").open("a") as config:
        config.write("[include]\n\tpath = email.inc\n")


def _include_if_gitdir(home: Path, repo: Path, env: dict[str, str]) -> None:
    (home / "work.inc").write_text("[user]\n\tname = Ada at Work\n\temail = ada@lab.example\n")
    with (home / ".gitconfig").open("a") as config:
        config.write(f'[includeIf "gitdir:{repo.parent}/"]\n\tpath = work.inc\n')


def _author_name_only(home: Path, repo: Path, env: dict[str, str]) -> None:
    env["GIT_AUTHOR_NAME"] = "Grace Solder"  # the e-mail still comes from the configuration


def _committer(home: Path, repo: Path, env: dict[str, str]) -> None:
    env["GIT_COMMITTER_NAME"] = "CI Bot"
    env["GIT_COMMITTER_EMAIL"] = "ci@example.org"


def _email_variable(home: Path, repo: Path, env: dict[str, str]) -> None:
    (home / ".gitconfig").write_text("[user]\n\tname = Ada Maker\n")
    env["EMAIL"] = "ada@from-email.example"


def _system_config(home: Path, repo: Path, env: dict[str, str]) -> None:
    system = home / "system.gitconfig"
    system.write_text("[user]\n\tname = Lab Machine\n\temail = lab@example.org\n")
    (home / ".gitconfig").write_text("")
    env["GIT_CONFIG_SYSTEM"] = str(system)
    env["GIT_CONFIG_NOSYSTEM"] = "0"


def _no_system_config(home: Path, repo: Path, env: dict[str, str]) -> None:
    _system_config(home, repo, env)
    env["GIT_CONFIG_NOSYSTEM"] = "1"  # as git: the system's file is not read
    (home / ".gitconfig").write_text("[user]\n\tname = Ada Maker\n\temail = ada@example.org\n")


def _use_config_only(home: Path, repo: Path, env: dict[str, str]) -> None:
    (home / ".gitconfig").write_text("[user]\n\tname = Ada Maker\n\tuseConfigOnly = true\n")


def _dated(home: Path, repo: Path, env: dict[str, str]) -> None:
    env["GIT_AUTHOR_DATE"] = "2024-05-01T12:00:00+02:00"
    env["GIT_COMMITTER_DATE"] = "@1714557600 +0000"


IDENTITY_CASES = [
    _use_other_global_config,
    _include,
    _include_if_gitdir,
    _author_name_only,
    _committer,
    _email_variable,
    _system_config,
    _no_system_config,
    _use_config_only,
    _dated,
]


def git_var(kind: str, repo: Path) -> tuple[str, str, str] | None:
    """Name, e-mail and date as ``git var GIT_<kind>_IDENT`` says, or None if git knows none."""
    done = subprocess.run(
        ["git", "var", f"GIT_{kind}_IDENT"], cwd=repo, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        return None
    name, rest = done.stdout.strip().split(" <", 1)
    email, date = rest.split("> ", 1)
    return name, email, date


@pytest.mark.parametrize("case", IDENTITY_CASES, ids=lambda case: case.__name__.strip("_"))
def test_the_identity_is_the_one_git_would_record(case, tmp_path, monkeypatch):
    from ohw.errors import OhwError
    from ohw.storage.vcs.repository import identity_or_error

    home = Path(os.environ["HOME"])
    repo = tmp_path / "projects" / "lamp"
    repo.mkdir(parents=True)
    git("init", "-q", cwd=repo)
    env: dict[str, str] = {}
    case(home, repo, env)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    author, committer = git_var("AUTHOR", repo), git_var("COMMITTER", repo)
    if author is None:
        with pytest.raises(OhwError, match="git does not know who you are"):
            identity_or_error(repo)
        return
    found = identity_or_error(repo)
    assert (found.name, found.email) == author[:2]
    assert committer is not None and found.committer is not None
    assert (found.committer.name, found.committer.email) == committer[:2]
    if "GIT_AUTHOR_DATE" in env:
        seconds, zone = author[2].split()
        assert found.when == (
            int(seconds),
            (1 if zone[0] == "+" else -1) * (int(zone[1:3]) * 60 + int(zone[3:])),
        )
    else:
        assert found.when is None  # the commit takes the time it is made


def test_merges_and_forks_are_made_by_whom_git_names_there(tmp_path, lamp):
    """A commit of ohw's has the author and committer git would give it: in the
    repository itself (conditional includes), and for a fork, in the new one."""
    home = Path(os.environ["HOME"])
    work = tmp_path / "work"
    (home / "work.inc").write_text("[user]\n\tname = Ada at Work\n\temail = ada@lab.example\n")
    with (home / ".gitconfig").open("a") as config:
        config.write(f'[includeIf "gitdir:{work}/"]\n\tpath = work.inc\n')
    work.mkdir()
    forked = run_ohw("fork", lamp, work / "lamp", cwd=tmp_path)  # run from outside work/
    assert forked.returncode == 0, forked.stderr
    made = git("log", "-1", "--format=%an <%ae> %cn <%ce>", cwd=work / "lamp")
    assert made == "Ada at Work <ada@lab.example> Ada at Work <ada@lab.example>\n"
    # a merge commit, in that repository, with the committer from the environment
    git("checkout", "-q", "-b", "side", cwd=work / "lamp")
    commit_in(work / "lamp", "notes.md", "side\n")
    git("checkout", "-q", "main", cwd=work / "lamp")
    commit_in(work / "lamp", "more.md", "main\n")
    merged = run_ohw("merge", "side", cwd=work / "lamp", env={"GIT_COMMITTER_NAME": "CI Bot"})
    assert merged.returncode == 0, merged.stdout + merged.stderr
    made = git("log", "-1", "--format=%an <%ae> %cn <%ce>", cwd=work / "lamp")
    assert made == "Ada at Work <ada@lab.example> CI Bot <ada@lab.example>\n"


def commit_in(repo: Path, name: str, text: str) -> None:
    (repo / name).write_text(text)
    git("add", name, cwd=repo)
    git("commit", "-qm", name, cwd=repo)


def test_without_git_the_identity_comes_from_libgit2(tmp_path, monkeypatch):
    from ohw.storage.vcs.repository import identity_or_error

    git("init", "-q", cwd=tmp_path)
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "ci@example.org")
    monkeypatch.setenv("PATH", str(tmp_path / "no-git-here"))
    found = identity_or_error(tmp_path)
    assert (found.name, found.email) == ("Ada Maker", "ada@example.org")
    assert found.committer is not None
    assert (found.committer.name, found.committer.email) == ("Ada Maker", "ci@example.org")
    other = tmp_path / "elsewhere.gitconfig"
    other.write_text("[user]\n\tname = Bo Filament\n[include]\n\tpath = email.inc\n")
    (tmp_path / "email.inc").write_text("[user]\n\temail = bo@example.org\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(other))
    found = identity_or_error(tmp_path)
    assert (found.name, found.email) == ("Bo Filament", "bo@example.org")
