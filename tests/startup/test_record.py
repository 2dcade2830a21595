"""A check's recorded report (ohw.startup.record): replayed, byte for byte, while
nothing the check depended on has changed; never when something has.

Every check runs in its own process, as CI runs it. The process says on its
standard error whether it loaded the checks ("checked") or answered from the
record without them ("replayed"): that is what tells the two apart, since
both must print the same report."""

from __future__ import annotations

import marshal
import os
import pty
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support.designs import defective_design
from support.meshes import binary_stl, box_facets
from support.run import git

# ohw's entry point, run as the console script runs it, then a word on whether
# the checks were loaded.
PROBE = (
    "import sys\n"
    "from ohw.cli.main import main\n"
    "code = main(sys.argv[1:])\n"
    "print('checked' if 'ohw.checks.run' in sys.modules else 'replayed', file=sys.stderr)\n"
    "sys.exit(code)\n"
)
RACY_SECONDS = 2.0  # what ohw.startup.record waits out (git's "racy" files)
TESTS_HERE = 26  # how many designs to settle at once; more are made when needed


class Checker:
    """Runs ``ohw check`` in the design's repository with a cache of its own."""

    def __init__(self, repository: Path, cache: Path) -> None:
        self.repository = repository
        self.env = {**os.environ, "OHW_CACHE_DIR": str(cache)}

    def run(self, *args: str | Path, env: dict[str, str] | None = None, stdout: int | None = None):
        return subprocess.run(
            [sys.executable, "-c", PROBE, "check", *map(str, args)],
            cwd=self.repository,
            env={**self.env, **(env or {})},
            stdout=subprocess.PIPE if stdout is None else stdout,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
            timeout=120,
        )

    def how(self, *args: str | Path, env: dict[str, str] | None = None) -> tuple[str, int, str]:
        """(checked or replayed, exit code, report)."""
        done = self.run(*args, env=env)
        assert "Traceback" not in done.stderr, done.stderr
        return done.stderr.strip().splitlines()[-1], done.returncode, done.stdout


def settle() -> None:
    """Wait until every file just written is old enough to be trusted by its stat."""
    time.sleep(RACY_SECONDS + 0.2)


class Settled:
    """Repositories holding the defective design in their folder ``hardware``,
    made together and settled with one wait (a wait per test would add a
    minute to the tests), each with a home folder of its own."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.ready: list[Path] = []

    def make(self, count: int) -> None:
        with pytest.MonkeyPatch.context() as patch:
            for name in ("AUTHOR", "COMMITTER"):
                patch.setenv(f"GIT_{name}_NAME", "Ada Maker")
                patch.setenv(f"GIT_{name}_EMAIL", "ada@example.org")
            for _ in range(count):
                repository = self.folder / f"repository-{len(list(self.folder.iterdir()))}"
                (repository / "home").mkdir(parents=True)
                defective_design(repository / "hardware", repository)
                self.ready.append(repository)
        settle()

    def take(self) -> Path:
        if not self.ready:
            self.make(1)
        return self.ready.pop()


@pytest.fixture(scope="module")
def settled(tmp_path_factory: pytest.TempPathFactory) -> Settled:
    made = Settled(tmp_path_factory.mktemp("settled"))
    made.make(TESTS_HERE)
    return made


@pytest.fixture
def checker(settled: Settled, tmp_path: Path) -> Checker:
    repository = settled.take()
    made = Checker(repository, tmp_path / "cache")
    home = repository / "home"
    made.env.update({"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")})
    return made


@pytest.mark.parametrize(
    "args",
    [
        ["hardware"],
        ["--format", "json", "hardware"],
        ["--format", "sarif", "hardware"],
        ["--format", "github", "hardware"],
        ["--format", "junit", "--strict", "hardware"],
        ["hardware/ohw.yaml"],
    ],
    ids=["text", "json", "sarif", "github", "junit-strict", "manifest"],
)
def test_an_unchanged_design_replays_its_report_byte_for_byte(
    checker: Checker, args: list[str]
) -> None:
    first = checker.how(*args)
    again = checker.how(*args)
    assert first[0] == "checked" and again[0] == "replayed"
    assert again[1:] == first[1:] == (1, first[2])
    assert "OHW302" in first[2]


def test_a_report_written_to_a_file_is_written_again(checker: Checker, tmp_path: Path) -> None:
    report = tmp_path / "report.sarif"
    assert checker.how("--format", "sarif", "-o", report, "hardware")[:2] == ("checked", 1)
    written = report.read_text()
    report.unlink()
    assert checker.how("--format", "sarif", "-o", report, "hardware") == ("replayed", 1, "")
    assert report.read_text() == written


def _edit_a_mesh(repository: Path) -> None:
    facets = box_facets()
    facets[0] = [facets[0][0], facets[0][0], facets[0][2]]  # same size, a degenerate facet
    (repository / "hardware" / "parts" / "base.stl").write_bytes(binary_stl(facets))


def _backdate_an_edit(repository: Path) -> None:
    """The same edit with the old time stamp put back, as tar and cp -p do."""
    mesh = repository / "hardware" / "parts" / "base.stl"
    before = mesh.stat()
    _edit_a_mesh(repository)
    os.utime(mesh, ns=(before.st_atime_ns, before.st_mtime_ns))


CHANGES = {
    "a mesh edited": (_edit_a_mesh, "OHW306"),
    "an edit back-dated": (_backdate_an_edit, "OHW306"),
    "a file added": (
        lambda r: (r / "hardware" / "parts" / "spare part.stl").write_bytes(b""),
        "spare part.stl",
    ),
    "a file removed": (lambda r: (r / "hardware" / "parts" / "notes:old.txt").unlink(), None),
    "a folder renamed": (
        lambda r: (r / "hardware" / "instructions").rename(r / "hardware" / "steps"),
        "OHW201",
    ),
    "settings written": (
        lambda r: (r / "hardware" / ".ohw.yaml").write_text("check:\n  strict: true\n"),
        '"strict": true',
    ),
    "a .gitignore above the design": (
        lambda r: (r / ".gitignore").write_text("notes:old.txt\n"),
        None,
    ),
    "git's exclude file": (
        lambda r: (r / ".git" / "info" / "exclude").write_text("notes:old.txt\n"),
        None,
    ),
    "a new repository around the design": (
        lambda r: git("init", "-q", "-b", "main", cwd=r / "hardware"),
        None,
    ),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_any_change_the_check_depends_on_checks_again(
    checker: Checker, change: str, tmp_path: Path
) -> None:
    make, shows = CHANGES[change]
    checker.how("--format", "json", "hardware")
    assert checker.how("--format", "json", "hardware")[0] == "replayed"
    make(checker.repository)
    how, _, report = checker.how("--format", "json", "hardware")
    assert how == "checked"
    if shows is not None:
        assert shows in report
    # What the check says now is what a check without any record says.
    fresh = Checker(checker.repository, tmp_path / "fresh-cache")
    fresh.env.update({k: checker.env[k] for k in ("HOME", "XDG_CONFIG_HOME")})
    assert (
        fresh.how("--format", "json", "hardware")[1:]
        == checker.how("--format", "json", "hardware")[1:]
    )


def test_a_branch_whose_configuration_ignores_a_file_checks_again(checker: Checker) -> None:
    """`git checkout -b feature` on the same commit, where configuration that
    git includes on that branch only adds ignore rules: no file changes, but
    what git ignores does."""
    repository = checker.repository
    excludes = repository / "feature.ignore"
    excludes.write_text("notes:old.txt\n")
    (repository / "feature.gitconfig").write_text(f"[core]\n\texcludesFile = {excludes}\n")
    git("config", "includeIf.onbranch:feature.path", repository / "feature.gitconfig",
        cwd=repository)  # fmt: skip
    settle()
    checker.how("--format", "json", "hardware")
    replayed, _, before = checker.how("--format", "json", "hardware")
    assert replayed == "replayed"
    git("checkout", "-q", "-b", "feature", cwd=repository)
    how, _, after = checker.how("--format", "json", "hardware")
    assert how == "checked"
    assert "notes:old.txt" in before and "notes:old.txt" not in after


def test_what_git_writes_in_its_own_folder_keeps_the_record(checker: Checker) -> None:
    """Commits, refs, the index and git's logs do not change what a check of the
    working tree finds."""
    first = checker.how("hardware")
    git("commit", "-q", "--allow-empty", "-m", "Nothing changed", cwd=checker.repository)
    git("status", "--porcelain", cwd=checker.repository)
    assert checker.how("hardware") == ("replayed", *first[1:])


def test_arguments_and_environment_have_records_of_their_own(checker: Checker) -> None:
    assert checker.how("hardware")[0] == "checked"
    assert checker.how("hardware")[0] == "replayed"
    assert checker.how("--strict", "hardware")[0] == "checked"
    how, _, report = checker.how("hardware", env={"GITHUB_ACTIONS": "true"})
    assert how == "checked" and report.startswith("::")
    assert checker.how("hardware", env={"GITHUB_ACTIONS": "true"})[0] == "replayed"
    assert checker.how("hardware")[0] == "replayed"


@pytest.mark.parametrize(
    "args",
    [
        ["--no-cache", "hardware"],
        ["--rev", "HEAD", "hardware"],
        ["--changed-since", "HEAD", "hardware"],
    ],
    ids=["no-cache", "rev", "changed-since"],
)
def test_checks_of_history_or_without_cache_are_not_recorded(
    checker: Checker, args: list[str]
) -> None:
    assert checker.how(*args)[0] == "checked"
    assert checker.how(*args)[0] == "checked"


def test_a_design_just_changed_is_not_recorded(checker: Checker) -> None:
    readme = checker.repository / "hardware" / "README.md"
    readme.write_text("# Just written\n")
    assert checker.how("hardware")[0] == "checked"
    os.utime(readme)  # just written again, however long the first check took on a busy machine
    assert checker.how("hardware")[0] == "checked"
    settle()
    assert checker.how("hardware")[0] == "checked"
    assert checker.how("hardware")[0] == "replayed"


def test_a_design_holding_a_symbolic_link_is_not_recorded(checker: Checker) -> None:
    (checker.repository / "hardware" / "parts" / "latest.stl").symlink_to("base.stl")
    settle()
    assert checker.how("hardware")[0] == "checked"
    assert checker.how("hardware")[0] == "checked"


def test_a_report_shown_on_a_terminal_is_not_recorded(checker: Checker) -> None:
    def on_terminal() -> str:
        main, terminal = pty.openpty()
        try:
            done = checker.run("hardware", stdout=terminal)
        finally:
            os.close(terminal)
            os.close(main)
        return done.stderr.strip().splitlines()[-1]

    assert on_terminal() == "checked"
    assert on_terminal() == "checked"


def test_a_damaged_record_is_checked_again(checker: Checker, tmp_path: Path) -> None:
    first = checker.how("hardware")
    (record,) = (tmp_path / "cache" / "check-records").rglob("*.marshal")
    record.write_bytes(record.read_bytes()[:40])
    assert checker.how("hardware") == ("checked", *first[1:])
    assert checker.how("hardware") == ("replayed", *first[1:])


def test_the_replay_is_what_the_record_holds(checker: Checker, tmp_path: Path) -> None:
    """The record, not a check, answers: a report changed in the record is the
    one printed (the only way to tell a replay by its output)."""
    checker.how("hardware")
    (record,) = (tmp_path / "cache" / "check-records").rglob("*.marshal")
    entry = marshal.loads(record.read_bytes())
    entry["output"], entry["exit_code"] = "as recorded\n", 0
    record.write_bytes(marshal.dumps(entry))
    assert checker.how("hardware") == ("replayed", 0, "as recorded\n")


def test_a_merge_in_progress_checks_again_and_is_not_recorded(checker: Checker) -> None:
    """A merge that leaves a mesh conflicted changes no file of the design (git
    keeps ours in the work tree): what changes is git's index and MERGE_HEAD."""
    repository = checker.repository
    mesh = repository / "hardware" / "parts" / "base.stl"
    git("checkout", "-q", "-b", "fork", cwd=repository)
    mesh.write_bytes(binary_stl(box_facets(high=(20, 20, 20))))
    git("commit", "-qam", "fork: a bigger base", cwd=repository)
    git("checkout", "-q", "main", cwd=repository)
    mesh.write_bytes(binary_stl(box_facets(high=(30, 30, 30))))
    git("commit", "-qam", "main: a bigger base still", cwd=repository)
    settle()
    checker.how("hardware")
    assert checker.how("hardware")[0] == "replayed"
    before = mesh.stat()
    merging = subprocess.run(
        ["git", "merge", "fork"], cwd=repository, capture_output=True, check=False
    )
    assert merging.returncode == 1 and mesh.stat().st_mtime_ns == before.st_mtime_ns
    how, code, report = checker.how("hardware")
    assert (how, code) == ("checked", 1)
    assert "parts/base.stl OHW211 error: parts/base.stl is still conflicted" in report
    assert checker.how("hardware")[0] == "checked"  # not recorded while the merge waits
    git("add", "parts/base.stl", cwd=repository / "hardware")  # settled: the file is as it was
    how, _, report = checker.how("hardware")
    assert how == "checked" and "OHW211" not in report
