"""What the fuzz suite (tests/fuzz/) shares: its Hypothesis profiles and how many
examples a property gets under each, ohw run under a memory limit, what a run
may and may not print, and a fingerprint of the files it must leave alone.

The profile is chosen by ``HYPOTHESIS_PROFILE``: ``ci`` (the default) keeps the
whole suite to about a minute on two cores; ``release`` runs every property
twenty times as long, on larger inputs (``largest``), before a release."""

from __future__ import annotations

import hashlib
import os
import resource
import subprocess
from pathlib import Path

from hypothesis import HealthCheck, settings

from support import OHW

CI, RELEASE = "ci", "release"
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", CI)
# How many times the release run tries each property, against CI.
RELEASE_FACTOR = 20
# The memory any run of ohw must live within, whatever it is given (issue 21).
MEMORY_LIMIT = 2 << 30
# A guard against a hang, never a measure: a run that takes this long is stuck.
HANG_GUARD_SECONDS = 600


def register_profiles() -> None:
    """The profiles, and the one HYPOTHESIS_PROFILE names loaded (tests/conftest.py).
    No example database: a failure is kept as an @example in the test, not in a
    folder of the working tree."""
    common = {
        "database": None,
        "deadline": None,
        "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
    }
    settings.register_profile(CI, max_examples=100, **common)
    settings.register_profile(RELEASE, max_examples=100 * RELEASE_FACTOR, **common)
    settings.load_profile(PROFILE)


def fuzzing(examples: int) -> settings:
    """The settings of a property tried ``examples`` times in CI, and twenty
    times as often in the release run."""
    return settings(max_examples=examples * (RELEASE_FACTOR if PROFILE == RELEASE else 1))


def largest(ci: int, release: int) -> int:
    """The largest input a strategy makes: ``ci`` in CI, where time is short,
    ``release`` in the release run."""
    return release if PROFILE == RELEASE else ci


def _limited() -> None:
    """In the child, before ohw starts: no more address space than MEMORY_LIMIT."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_limited(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The installed ohw run as a user runs it, within MEMORY_LIMIT of memory and
    HANG_GUARD_SECONDS of time (past which the test fails with TimeoutExpired)."""
    return subprocess.run(
        [str(OHW), *map(str, args)],
        cwd=cwd,
        env={**os.environ, "OHW_CACHE_DIR": str(cwd.parent / f"{cwd.name}-cache")},
        preexec_fn=_limited,  # only setrlimit between fork and exec: safe in a threaded parent
        capture_output=True,
        text=True,
        check=False,
        timeout=HANG_GUARD_SECONDS,
    )


# The documented exit codes a run on hostile input may end with: 0 ok, 1 findings,
# 2 a usage or input error. 3 is ohw's own failure, a bug.
DOCUMENTED = (0, 1, 2)


def assert_no_bug(
    done: subprocess.CompletedProcess[str], codes: tuple[int, ...] = DOCUMENTED
) -> None:
    """The run ended with one of ``codes`` and said nothing of a bug."""
    said = done.stdout + done.stderr
    assert done.returncode in codes, f"exit {done.returncode}:\n{said[-3000:]}"
    assert "internal error" not in said, said[-3000:]
    assert "Traceback" not in said, said[-3000:]


def fingerprint(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` but git's own (path: SHA-256 of its bytes), and
    for a repository its HEAD and ``git status --porcelain``: what a command
    that only reads must leave as it found it."""
    found = {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(folder).parts
    }
    if (folder / ".git").exists():
        for name, command in (
            ("HEAD", ["rev-parse", "HEAD"]),
            ("status", ["status", "--porcelain"]),
        ):
            found[f"git {name}"] = subprocess.run(
                ["git", *command], cwd=folder, capture_output=True, text=True, check=True
            ).stdout
    return found
