"""Commands killed half-way (SIGKILL, no chance to clean up) during a fetch, a
merge or a remix: git must still accept the repository, `git status` must tell the truth,
and ohw must be able to go on or go back."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support import OHW
from support.designs import (
    commit_edit,
    desk_lamp_repository,
    files_in,
    init_and_commit,
    push_to_bare,
)
from support.run import git, run_ohw
from support.servers import smart_http

# A slow network: 16 KiB every 20 ms, about 800 KB/s.
TRICKLE = (16 * 1024, 0.02)


def start_ohw(*args: str | Path, cwd: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(OHW), *map(str, args)], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def kill(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


def kill_once(process: subprocess.Popen[bytes], arrived, what: str) -> None:
    """SIGKILL ``process`` as soon as ``arrived()`` is true (the transfer is
    under way); fail if it ended first."""
    deadline = time.monotonic() + 60
    while not arrived():
        assert process.poll() is None, f"{what} ended before it could be killed"
        assert time.monotonic() < deadline, f"{what} never got under way"
        time.sleep(0.01)
    kill(process)


def incoming_pack(git_dir: Path, name: str = "pack_git2_*") -> bool:
    """Whether part of a pack (more than 64 KiB) is being received into ``git_dir``
    (libgit2 writes it as objects/pack/pack_git2_*, git as tmp_pack_*, renamed
    when complete)."""
    for partial in (git_dir / "objects" / "pack").glob(name):
        with contextlib.suppress(FileNotFoundError):  # complete, and renamed, meanwhile
            if partial.stat().st_size > 65536:
                return True
    return False


def heavy_commit(folder: Path, name: str, size: int = 2_000_000) -> None:
    """Commit ``size`` bytes that do not compress, so that fetching them takes a while."""
    (folder / "parts" / name).write_bytes(os.urandom(size))
    git("add", f"parts/{name}", cwd=folder)
    git("commit", "-qm", f"a heavy {name}", cwd=folder)


@pytest.fixture
def heavy_served(tmp_path: Path) -> Path:
    """Ada's desk lamp with a heavy file, in a bare repository under tmp_path/srv."""
    work = desk_lamp_repository(tmp_path / "ada")
    heavy_commit(work, "scan.bin")
    return push_to_bare(work, tmp_path / "srv")


def leftovers(parent: Path, name: str) -> list[Path]:
    return sorted(parent.glob(f".{name}.ohw-incomplete-*"))


@pytest.mark.parametrize("command", ["clone", "fork"])
def test_a_clone_or_fork_killed_mid_fetch_leaves_no_half_design(
    heavy_served: Path, tmp_path: Path, command: str
):
    with smart_http(heavy_served, trickle=TRICKLE) as slow_url:
        process = start_ohw(command, f"{slow_url}/lamp.git", "mine", cwd=tmp_path)

        def arrived() -> bool:
            return any(incoming_pack(p / ".git") for p in leftovers(tmp_path, "mine"))

        kill_once(process, arrived, f"ohw {command}")
    # nothing at the destination that looks like a design; the half-made clone
    # is hidden beside it, named for what it was meant to be
    assert not (tmp_path / "mine").exists()
    assert len(leftovers(tmp_path, "mine")) == 1

    with smart_http(heavy_served) as url:
        again = run_ohw(command, f"{url}/lamp.git", "mine", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "left by a clone or fork that was killed" in again.stderr
    assert leftovers(tmp_path, "mine") == []
    mine = tmp_path / "mine"
    git("fsck", "--strict", cwd=mine)
    assert git("status", "--porcelain", cwd=mine) == ""
    assert (mine / "parts" / "scan.bin").read_bytes() == (
        tmp_path / "ada" / "parts" / "scan.bin"
    ).read_bytes()


def test_a_clone_in_progress_is_not_taken_for_a_killed_one(heavy_served: Path, tmp_path: Path):
    with smart_http(heavy_served, trickle=TRICKLE) as slow_url, smart_http(heavy_served) as url:
        first = start_ohw("clone", f"{slow_url}/lamp.git", "mine", cwd=tmp_path)
        try:
            deadline = time.monotonic() + 30
            while not leftovers(tmp_path, "mine") and time.monotonic() < deadline:
                time.sleep(0.01)
            second = run_ohw("clone", f"{url}/lamp.git", "mine", cwd=tmp_path)
        finally:
            kill(first)
    # the second clone finished; the first one's folder was left alone while it ran
    assert second.returncode == 0, second.stderr
    assert "killed" not in second.stderr
    assert len(leftovers(tmp_path, "mine")) == 1


def test_a_pull_killed_mid_fetch_leaves_a_sound_repository_and_runs_again(
    heavy_served: Path, tmp_path: Path
):
    ada = tmp_path / "ada"
    with smart_http(heavy_served) as url:
        assert run_ohw("clone", f"{url}/lamp.git", "mine", cwd=tmp_path).returncode == 0
    mine = tmp_path / "mine"
    heavy_commit(ada, "second-scan.bin")
    git("push", "-q", "origin", "main", cwd=ada)
    before = git("rev-parse", "HEAD", "origin/main", cwd=mine)
    with smart_http(heavy_served, trickle=TRICKLE) as slow_url:
        git("remote", "set-url", "origin", f"{slow_url}/lamp.git", cwd=mine)
        process = start_ohw("pull", cwd=mine)
        kill_once(process, lambda: incoming_pack(mine / ".git"), "ohw pull")
    git("fsck", "--strict", cwd=mine)
    # nothing arrived as far as git is concerned: same commits, clean work tree
    assert git("rev-parse", "HEAD", "origin/main", cwd=mine) == before
    assert git("status", "--porcelain", cwd=mine) == ""
    assert "Your branch is up to date with 'origin/main'" in git("status", cwd=mine)
    (partial,) = (mine / ".git" / "objects" / "pack").glob("pack_git2_*")  # git's "garbage"

    with smart_http(heavy_served) as url:
        git("remote", "set-url", "origin", f"{url}/lamp.git", cwd=mine)
        again = run_ohw("pull", cwd=mine)
        assert again.returncode == 0, again.stdout + again.stderr
        git("fsck", "--strict", cwd=mine)
        assert git("rev-parse", "HEAD", cwd=mine) == git("rev-parse", "HEAD", cwd=ada)
        assert git("status", "--porcelain", cwd=mine) == ""
        # the half-received pack is kept while it could be another fetch's, and
        # removed by the next fetch once it is old
        assert_an_old_partial_pack_is_removed(partial, mine)


# --- killed during a merge -----------------------------------------------------------


def generated_design(folder: Path, parts: int = 600, items: int = 1200) -> Path:
    """A design with many parts (each a source file) and a long BOM, on main,
    with a branch 'fork'; both branches edit the BOM and the manifest, and the
    fork rewrites every part's source, so that a merge has much to do."""
    folder.mkdir()
    (folder / "parts").mkdir()

    def write(part_names: dict[int, str], quantities: dict[int, int], source: str) -> None:
        lines = ["ohw: 1", "name: big", "title: Big", "license:", "  hardware: CERN-OHL-S-2.0"]
        lines.append("parts:")
        for n in range(parts):
            lines += [f"  - id: p{n}", f"    name: {part_names.get(n, f'Part {n}')}"]
            lines.append(f"    source: parts/p{n}.scad")
            (folder / "parts" / f"p{n}.scad").write_text(f"// {source}\ncube({n});\n")
        lines.append("bom: bom.yaml")
        (folder / "ohw.yaml").write_text("\n".join(lines) + "\n")
        bom = ["items:"]
        for n in range(items):
            bom += [f"  - id: i{n}", f"    name: Item {n}", f"    quantity: {quantities.get(n, 1)}"]
        (folder / "bom.yaml").write_text("\n".join(bom) + "\n")

    write({}, {}, "first")
    init_and_commit(folder, "the design")
    git("branch", "fork", cwd=folder)
    git("checkout", "-q", "fork", cwd=folder)
    write({n: f"Fork part {n}" for n in range(0, parts, 7)}, {3: 5}, "fork")
    git("commit", "-qam", "fork edits", cwd=folder)
    git("checkout", "-q", "main", cwd=folder)
    write({1: "Main part 1"}, dict.fromkeys(range(10, items, 11), 9), "first")
    git("commit", "-qam", "main edits", cwd=folder)
    return folder


def lock_files(folder: Path) -> list[Path]:
    git_dir = folder / ".git"
    return sorted([*git_dir.glob("*.lock"), *(git_dir / "refs").rglob("*.lock")])


def test_a_merge_killed_at_any_point_can_be_aborted_or_done_again(tmp_path: Path):
    design = generated_design(tmp_path / "big")
    (design / "notes.txt").write_text("mine, never committed\n")
    start = git("rev-parse", "HEAD", cwd=design).strip()
    before = files_in(design, skip_git=True)
    began = time.monotonic()
    done = run_ohw("merge", "fork", cwd=design)
    whole = time.monotonic() - began
    assert done.returncode == 0, done.stdout + done.stderr
    merged_tree = git("rev-parse", "HEAD^{tree}", cwd=design)
    git("reset", "-q", "--hard", start, cwd=design)

    seen = set()
    # Kill points spread over the time a whole merge takes on this machine.
    for fraction in (0.15, 0.3, 0.45, 0.6, 0.7, 0.8, 0.9, 1.0):
        process = start_ohw("merge", "fork", cwd=design)
        time.sleep(whole * fraction)
        kill(process)
        git("fsck", "--strict", cwd=design)
        status = git("status", cwd=design)  # git reads what was left
        head = git("rev-parse", "HEAD", cwd=design).strip()
        merging = (design / ".git" / "MERGE_HEAD").exists()
        locks = lock_files(design)
        if locks:  # killed while holding a lock: ohw says which, as git does
            seen.add("lock left")
            said = run_ohw("merge", "--abort" if merging else "fork", cwd=design)
            assert said.returncode == 2, said.stderr
            assert "exists: another git command is using this repository" in said.stderr
            assert all(str(lock.relative_to(design)) in said.stderr for lock in locks)
            for lock in locks:  # what the hint says to do
                lock.unlink()
        if merging:
            seen.add("merging")
            assert "You have unmerged paths" in status or "still merging" in status
            aborted = run_ohw("merge", "--abort", cwd=design)
            assert aborted.returncode == 0, aborted.stderr
        elif head != start:
            seen.add("merged")
            assert git("rev-parse", "HEAD^1", "HEAD^2", cwd=design).split() == [
                start,
                git("rev-parse", "fork", cwd=design).strip(),
            ]
            assert git("rev-parse", "HEAD^{tree}", cwd=design) == merged_tree
            assert git("status", "--porcelain", cwd=design) == "?? notes.txt\n"
            git("reset", "-q", "--hard", start, cwd=design)
        else:
            seen.add("not begun")
        # back where it began, exactly, untracked notes included
        assert git("rev-parse", "HEAD", cwd=design).strip() == start
        assert git("status", "--porcelain", cwd=design) == "?? notes.txt\n"
        assert files_in(design, skip_git=True) == before
    # and the merge, run again, gives what an uninterrupted one gives
    again = run_ohw("merge", "fork", cwd=design)
    assert again.returncode == 0, again.stdout + again.stderr
    assert git("rev-parse", "HEAD^{tree}", cwd=design) == merged_tree
    git("fsck", "--strict", cwd=design)
    print("states left by the kills:", sorted(seen))


@pytest.fixture
def conflicted_lamp(forked_lamp: Path) -> Path:
    """The desk lamp on main and a branch 'fork', with conflicting BOM edits."""
    commit_edit(forked_lamp, "bom.yaml", "quantity: 0.3", "quantity: 0.4", "fork", "fork")
    commit_edit(forked_lamp, "bom.yaml", "quantity: 0.3", "quantity: 0.6", "main", "main")
    return forked_lamp


def test_a_lock_a_killed_command_left_is_named_and_nothing_changes(conflicted_lamp: Path):
    lock = conflicted_lamp / ".git" / "index.lock"
    lock.write_bytes(b"")  # what git or ohw leaves when killed while writing the index
    head = git("rev-parse", "HEAD", cwd=conflicted_lamp)
    refused = run_ohw("merge", "fork", cwd=conflicted_lamp)
    assert refused.returncode == 2, refused.stderr
    assert ".git/index.lock exists: another git command is using this repository" in (
        refused.stderr.replace("\n", " ")
    )
    assert "remove .git/index.lock" in refused.stderr
    assert git("rev-parse", "HEAD", cwd=conflicted_lamp) == head
    assert not (conflicted_lamp / ".git" / "MERGE_HEAD").exists()
    lock.unlink()
    assert run_ohw("merge", "fork", cwd=conflicted_lamp).returncode == 1  # the conflict
    lock.write_bytes(b"")
    refused = run_ohw("merge", "--abort", cwd=conflicted_lamp)
    assert refused.returncode == 2 and "index.lock" in refused.stderr
    assert (conflicted_lamp / ".git" / "MERGE_HEAD").exists()
    lock.unlink()
    assert run_ohw("merge", "--abort", cwd=conflicted_lamp).returncode == 0
    assert git("status", "--porcelain", cwd=conflicted_lamp) == ""


def merged_but_still_merging(lamp: Path) -> str:
    """Merge the lamp's fork, with no conflict, and leave git's merge state as
    a merge killed between its commit and clearing that state leaves it;
    return the merge commit."""
    git("checkout", "-q", "fork", cwd=lamp)
    bom = lamp / "bom.yaml"
    bom.write_text(bom.read_text().replace("quantity: 0.4", "quantity: 0.3", 1))
    git("commit", "-qam", "fork: no conflict after all", cwd=lamp)
    git("checkout", "-q", "main", cwd=lamp)
    assert run_ohw("merge", "fork", cwd=lamp).returncode == 0
    (lamp / ".git" / "MERGE_HEAD").write_text(git("rev-parse", "fork", cwd=lamp))
    return git("rev-parse", "HEAD", cwd=lamp)


def test_a_merge_killed_after_its_commit_is_finished_by_continue(conflicted_lamp: Path):
    merge_commit = merged_but_still_merging(conflicted_lamp)
    assert "All conflicts fixed but you are still merging" in git("status", cwd=conflicted_lamp)
    refused = run_ohw("merge", "fork", cwd=conflicted_lamp)
    assert refused.returncode == 2 and "ohw merge --continue" in refused.stderr
    done = run_ohw("merge", "--continue", cwd=conflicted_lamp)
    assert done.returncode == 0, done.stderr
    assert git("rev-parse", "HEAD", cwd=conflicted_lamp) == merge_commit  # no second commit
    assert not (conflicted_lamp / ".git" / "MERGE_HEAD").exists()
    assert git("status", "--porcelain", cwd=conflicted_lamp) == ""
    git("fsck", "--strict", cwd=conflicted_lamp)


def test_abort_after_a_merge_killed_after_its_commit_undoes_the_commit(conflicted_lamp: Path):
    start = git("rev-parse", "HEAD", cwd=conflicted_lamp).strip()
    merged_but_still_merging(conflicted_lamp)
    aborted = run_ohw("merge", "--abort", cwd=conflicted_lamp)
    assert aborted.returncode == 0, aborted.stderr
    assert git("rev-parse", "HEAD", cwd=conflicted_lamp).strip() == start
    assert not (conflicted_lamp / ".git" / "MERGE_HEAD").exists()
    assert git("status", "--porcelain", cwd=conflicted_lamp) == ""
    git("fsck", "--strict", cwd=conflicted_lamp)


def test_abort_keeps_a_commit_made_after_the_merge_commit(conflicted_lamp: Path):
    """HEAD moved on from the merge commit while the merge state stayed (a
    person committed with a git that does not look at it): abort undoes no commit."""
    merged_but_still_merging(conflicted_lamp)
    merge_head = conflicted_lamp / ".git" / "MERGE_HEAD"
    left = merge_head.read_bytes()
    merge_head.unlink()
    (conflicted_lamp / "notes.md").write_text("later\n")
    git("add", "notes.md", cwd=conflicted_lamp)
    git("commit", "-qm", "later work", cwd=conflicted_lamp)
    merge_head.write_bytes(left)
    later = git("rev-parse", "HEAD", cwd=conflicted_lamp)
    assert run_ohw("merge", "--abort", cwd=conflicted_lamp).returncode == 0
    assert git("rev-parse", "HEAD", cwd=conflicted_lamp) == later


def test_abort_removes_the_temporary_files_a_killed_merge_was_writing(conflicted_lamp: Path):
    assert run_ohw("merge", "fork", cwd=conflicted_lamp).returncode == 1  # the conflict
    # what a merge killed inside write_atomically leaves beside the file
    left = [conflicted_lamp / ".ohw-k2x9_a0q.tmp", conflicted_lamp / "parts" / ".ohw-zz00aa11.tmp"]
    for path in left:
        path.write_text("half a bom\n")
    mine = conflicted_lamp / ".ohw-notes.tmp"  # not a name ohw makes
    mine.write_text("mine\n")
    assert run_ohw("merge", "--abort", cwd=conflicted_lamp).returncode == 0
    assert not any(path.exists() for path in left)
    assert git("status", "--porcelain", cwd=conflicted_lamp) == "?? .ohw-notes.tmp\n"


def test_abort_after_a_merge_killed_mid_checkout_restores_the_files_it_wrote(
    conflicted_lamp: Path,
):
    # What a merge killed while checking out leaves: the merge state written,
    # some files already as the merge makes them, the index not yet.
    git("checkout", "-q", "fork", cwd=conflicted_lamp)
    (conflicted_lamp / "parts" / "new.txt").write_text("only in the fork\n")
    readme = conflicted_lamp / "README.md"
    readme.write_text(readme.read_text() + "Changed in the fork.\n")
    git("add", "-A", cwd=conflicted_lamp)
    git("commit", "-qm", "fork: more", cwd=conflicted_lamp)
    git("checkout", "-q", "main", cwd=conflicted_lamp)
    before = files_in(conflicted_lamp, skip_git=True)
    head = git("rev-parse", "HEAD", cwd=conflicted_lamp).strip()
    git_dir = conflicted_lamp / ".git"
    (git_dir / "MERGE_HEAD").write_text(git("rev-parse", "fork", cwd=conflicted_lamp))
    (git_dir / "ORIG_HEAD").write_text(head + "\n")
    (git_dir / "MERGE_MSG").write_text("Merge branch 'fork'\n")
    readme.write_text(git("show", "fork:README.md", cwd=conflicted_lamp))
    (conflicted_lamp / "parts" / "new.txt").write_text("only in the fork\n")
    # and one change of the maker's own, to a file the merge does not touch
    (conflicted_lamp / "LICENSE").write_text("my licence notes\n")
    aborted = run_ohw("merge", "--abort", cwd=conflicted_lamp)
    assert aborted.returncode == 0, aborted.stderr
    assert "kept your changes to LICENSE" in aborted.stdout
    assert "README.md" not in aborted.stdout
    after = files_in(conflicted_lamp, skip_git=True)
    assert after.pop("LICENSE") == b"my licence notes\n"
    before.pop("LICENSE")
    assert after == before  # README.md as it was, parts/new.txt gone
    assert git("status", "--porcelain", cwd=conflicted_lamp) == " M LICENSE\n"


# --- killed during a fetch from a repository on this machine (git's upload-pack) -----


@pytest.fixture
def slow_upload_pack(tmp_path: Path) -> None:
    """git's upload-pack, on this machine, sending its pack at TRICKLE's pace:
    the user's configuration may name a command that makes the pack
    (uploadpack.packObjectsHook), and here it passes the pack on slowly."""
    size, pause = TRICKLE
    script = tmp_path / "slow-pack"
    script.write_text(
        f'#!/bin/sh\n"$@" | {sys.executable} -c \''
        "import sys, time\n"
        f"while chunk := sys.stdin.buffer.read({size}):\n"
        f"    sys.stdout.buffer.write(chunk); sys.stdout.buffer.flush(); time.sleep({pause})\n'\n"
    )
    script.chmod(0o755)
    with (Path(os.environ["HOME"]) / ".gitconfig").open("a") as config:
        config.write(f"[uploadpack]\n\tpackObjectsHook = {script}\n")


def processes_naming(text: str) -> list[str]:
    """The command lines of this machine's processes that hold ``text``."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        with contextlib.suppress(OSError):
            line = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if text in line:
                found.append(line)
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the processes from /proc")
@pytest.mark.parametrize("command", ["clone", "fork"])
def test_a_local_clone_killed_mid_fetch_stops_git_too(
    heavy_served: Path, tmp_path: Path, command: str, slow_upload_pack: None
):
    url = (heavy_served / "lamp.git").as_uri()
    process = start_ohw(command, url, "mine", cwd=tmp_path)

    def arrived() -> bool:
        return any(incoming_pack(p / ".git", "tmp_pack_*") for p in leftovers(tmp_path, "mine"))

    kill_once(process, arrived, f"ohw {command}")
    (leftover,) = leftovers(tmp_path, "mine")
    deadline = time.monotonic() + 10
    while processes_naming(leftover.name) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert processes_naming(leftover.name) == []  # git's clone died with ohw
    assert not (tmp_path / "mine").exists()
    again = run_ohw(command, url, "mine", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "left by a clone or fork that was killed" in again.stderr
    assert leftovers(tmp_path, "mine") == []
    git("fsck", "--strict", cwd=tmp_path / "mine")
    assert git("status", "--porcelain", cwd=tmp_path / "mine") == ""


def test_a_local_pull_killed_mid_fetch_leaves_a_sound_repository(
    heavy_served: Path, tmp_path: Path, slow_upload_pack: None
):
    ada, url = tmp_path / "ada", (heavy_served / "lamp.git").as_uri()
    # git keeps what it fetches as a pack, as it does for a pull of a hundred
    # objects or more (fewer, it unpacks them)
    with (Path(os.environ["HOME"]) / ".gitconfig").open("a") as config:
        config.write("[fetch]\n\tunpackLimit = 1\n")
    git("clone", "-q", url, tmp_path / "mine", cwd=tmp_path)
    mine = tmp_path / "mine"
    heavy_commit(ada, "second-scan.bin")
    git("push", "-q", "origin", "main", cwd=ada)
    before = git("rev-parse", "HEAD", "origin/main", cwd=mine)
    process = start_ohw("pull", cwd=mine)
    kill_once(process, lambda: incoming_pack(mine / ".git", "tmp_pack_*"), "ohw pull")
    git("fsck", "--strict", cwd=mine)
    time.sleep(0.5)  # long enough for a fetch left running to move origin/main
    assert git("rev-parse", "HEAD", "origin/main", cwd=mine) == before
    assert git("status", "--porcelain", cwd=mine) == ""
    (partial,) = (mine / ".git" / "objects" / "pack").glob("tmp_pack_*")
    again = run_ohw("pull", cwd=mine)
    assert again.returncode == 0, again.stdout + again.stderr
    assert git("rev-parse", "HEAD", cwd=mine) == git("rev-parse", "HEAD", cwd=ada)
    # the half-received pack is removed by the fetch after it is ten minutes old
    assert_an_old_partial_pack_is_removed(partial, mine)


def assert_an_old_partial_pack_is_removed(partial: Path, clone: Path) -> None:
    """A half-received pack a killed fetch left is still there, and the next
    ``ohw pull`` removes it once it is older than git's ten minutes."""
    assert partial.exists()
    an_hour_ago = time.time() - 3600
    os.utime(partial, (an_hour_ago, an_hour_ago))
    assert run_ohw("pull", cwd=clone).returncode == 0
    assert not partial.exists()
    assert "garbage: 0" in git("count-objects", "-v", cwd=clone)


# --- killed during a remix ---------------------------------------------------------------


def test_a_remix_killed_at_any_moment_never_leaves_head_ahead_of_index_and_files(
    tmp_path: Path,
):
    """Killed anywhere, a remix leaves either its commit with the index and
    files that commit has (a plain `git commit` changes nothing), or HEAD as it
    was; and then `ohw remix` again gives what an uninterrupted remix gives."""
    ada = desk_lamp_repository(tmp_path / "ada")
    assert run_ohw("init", "mine", cwd=tmp_path).returncode == 0
    mine = tmp_path / "mine"
    start = git("rev-parse", "HEAD", cwd=mine).strip()
    remix = ("remix", ada, "--part", "arm", "--part", "base", "--with-bom")
    began = time.monotonic()
    done = run_ohw(*remix, cwd=mine)
    whole = time.monotonic() - began
    assert done.returncode == 0, done.stderr
    remixed_tree = git("rev-parse", "HEAD^{tree}", cwd=mine)

    def back_to_start() -> None:
        git("reset", "-q", "--hard", start, cwd=mine)
        git("clean", "-qfd", cwd=mine)

    back_to_start()
    seen = set()
    for fraction in (0.3, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0):
        process = start_ohw(*remix, cwd=mine)
        time.sleep(whole * fraction)
        kill(process)
        git("fsck", "--strict", cwd=mine)
        if git("rev-parse", "HEAD", cwd=mine).strip() != start:
            seen.add("committed")
            assert git("rev-parse", "HEAD^", cwd=mine).strip() == start
            assert git("rev-parse", "HEAD^{tree}", cwd=mine) == remixed_tree
            assert git("status", "--porcelain", cwd=mine) == ""
        else:
            seen.add("written" if git("status", "--porcelain", cwd=mine) else "not begun")
            again = run_ohw(*remix, cwd=mine)
            assert again.returncode == 0, again.stderr
            assert git("rev-parse", "HEAD^{tree}", cwd=mine) == remixed_tree
            assert git("status", "--porcelain", cwd=mine) == ""
        back_to_start()
    print("states left by the kills:", sorted(seen))
