"""What every benchmark shares: timing whole processes, medians, and targets
printed as met or MISSED."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent

NONE = "-"  # shown for a value that was not measured


@dataclass(frozen=True)
class Run:
    """One finished process: wall time, peak resident memory, exit code, and the
    processor time (user and system) it and what it waited for used."""

    seconds: float
    peak_bytes: int | None
    returncode: int
    cpu_seconds: float | None = None


@dataclass
class Series:
    """Repeated runs of one command."""

    label: str
    runs: list[Run] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def peak_bytes(self) -> float | None:
        peaks = [r.peak_bytes for r in self.runs if r.peak_bytes is not None]
        return statistics.median(peaks) if peaks else None


@dataclass(frozen=True)
class Target:
    what: str
    value: float | None  # None: not measured
    goal: float
    unit: str  # "x" for a ratio, "s" for seconds
    below: bool  # the value must be at most the goal (else at least)
    strict: bool = False  # ... and not equal to it

    def met(self) -> bool | None:
        if self.value is None:
            return None
        if self.strict and self.value == self.goal:
            return False
        return self.value <= self.goal if self.below else self.value >= self.goal

    def row(self, width: int) -> str:
        value = NONE if self.value is None else f"{self.value:.2f}{self.unit}"
        relation = "<" if self.below else ">"
        goal = f"{relation}{'' if self.strict else '='} {self.goal:g}{self.unit}"
        met = {True: "met", False: "MISSED", None: "not measured"}[self.met()]
        return f"   {self.what:{width}}  {value:>8}  {goal:>8}  {met}"


def run(
    command: Sequence[str | Path], env: dict[str, str] | None = None, cwd: Path | None = None
) -> Run:
    """Run ``command`` to its end, its output thrown away; its wall time and peak
    resident memory (the kernel's ru_maxrss of that child and what it waited for)."""
    start = time.perf_counter()
    with subprocess.Popen(
        [str(c) for c in command],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=cwd,
    ) as process:
        if not hasattr(os, "wait4"):
            returncode = process.wait()
            return Run(time.perf_counter() - start, None, returncode)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        scale = 1 if sys.platform == "darwin" else 1024  # macOS counts bytes, Linux KiB
        cpu = usage.ru_utime + usage.ru_stime
        return Run(seconds, usage.ru_maxrss * scale, process.returncode, cpu)


def output_of(
    command: Sequence[str | Path], env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``command`` untimed and keep what it prints."""
    return subprocess.run(
        [str(c) for c in command], env=env, cwd=cwd, capture_output=True, text=True, check=False
    )


def ohw_command() -> list[str]:
    """``ohw`` as installed beside this Python, else on PATH, else ``python -m ohw``."""
    beside = Path(sys.executable).parent / "ohw"
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("ohw")
    return [found] if found else [sys.executable, "-m", "ohw"]


def fresh_folder(parent: Path, prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix, dir=parent))


def expect(series: Series, allowed: set[int]) -> None:
    """Say so when a process ended in a way the benchmark did not expect."""
    codes = sorted({r.returncode for r in series.runs} - allowed)
    if codes:
        print(f"   ! {series.label}: unexpected exit code(s) {codes}")


def megabytes(value: float) -> str:
    return f"{value / 1e6:,.1f} MB"


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or denominator is None or denominator <= 0:
        return None
    return numerator / denominator


def print_times(rows: list[Series]) -> None:
    print(f"   {'':46} {'median':>8}  {'min .. max':>15}  runs")
    for series in rows:
        times = [r.seconds for r in series.runs]
        spread = f"{min(times):.2f} .. {max(times):.2f}s"
        print(f"   {series.label:46} {series.seconds:7.2f}s  {spread:>15}  {len(times):4}")


def print_cpu_times(rows: list[Series]) -> None:
    """The processor time of each command, median: on a busy machine, where
    other work stretches the wall times, the steadier measure."""
    print(f"   {'processor time (user + system)':46} {'median':>8}")
    for series in rows:
        cpu = [r.cpu_seconds for r in series.runs if r.cpu_seconds is not None]
        if cpu:
            print(f"   {series.label:46} {statistics.median(cpu):7.2f}s")


def print_skip(reason: str) -> None:
    print(f"   skipped: {reason}")


def describe_ohw(ohw: list[str], env: dict[str, str]) -> str:
    """ohw's version, and where the ohw that runs comes from: this checkout (at
    which commit), or a copy installed elsewhere (whose commit it cannot tell)."""
    version = output_of([*ohw, "--version"], env).stdout.strip() or "ohw"
    beside = Path(ohw[0]).parent / "python"
    python = beside if beside.is_file() else Path(sys.executable)
    # Run from / so that this checkout is not on the path unless installed so.
    found = output_of([python, "-c", "import ohw; print(ohw.__file__)"], env, Path("/"))
    package = Path(found.stdout.strip()).parent if found.returncode == 0 else None
    commit = output_of(["git", "rev-parse", "--short", "HEAD"], env, PROJECT).stdout.strip()
    changed = output_of(["git", "status", "--porcelain", "--", "ohw"], env, PROJECT).stdout
    at = f"{commit}{' with uncommitted changes' if changed else ''}" if commit else "?"
    if package is None or package.is_relative_to(PROJECT):
        return f"{version} from this checkout at {at}"
    return f"{version} installed at {package} (this checkout is at {at})"


def print_targets(targets: list[Target]) -> None:
    print("\nTargets")
    width = max(len(t.what) for t in targets)
    for target in targets:
        print(target.row(width))


def as_installed(env: dict[str, str]) -> dict[str, str]:
    """``env`` for ohw as an installed copy runs: its modules compiled once (pip
    compiles them as it installs), not again at every start as they are from a
    source checkout with PYTHONDONTWRITEBYTECODE set (a third of a second)."""
    return {name: value for name, value in env.items() if name != "PYTHONDONTWRITEBYTECODE"}
