"""The worker processes that analyse meshes (ohw.mesh.workers): forked from a
first worker that loaded what they need, fed one job at a time, and ending
with nothing left behind, however they end."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import pytest
import trimesh
from support import TESTS
from support.meshes import binary_stl, cube_stl
from support.run import cannot_fork
from support.worker_jobs import (
    Named,
    a_lock,
    die,
    echo,
    fail_to_start,
    nothing,
    pid_after,
    refuse,
    size_of,
)

from ohw.mesh.batch import analyse_sources
from ohw.mesh.source import MeshSource, analyse_source, load_analyser
from ohw.mesh.workers import ForkedWorkers, WorkerLost, WorkerProcesses, worker_processes


def fed(count: int, initializer=nothing) -> ForkedWorkers:
    return ForkedWorkers(WorkerProcesses(count, initializer))


def gone(pid: int, within: float = 10.0) -> bool:
    """Whether process ``pid`` has ended (a zombie left for init to reap counts)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return True
        if state == "Z":
            return True
        time.sleep(0.02)
    return False


def test_jobs_are_shared_among_the_workers_forked_from_the_first():
    workers = fed(2, nothing)
    futures = [workers.submit(pid_after, 0.02) for _ in range(20)]
    pids = {future.result(timeout=30) for future in futures}
    workers.shutdown()
    assert len(pids) == 2 and os.getpid() not in pids
    # The first worker waited for the other; this process waited for the first.
    assert all(not Path(f"/proc/{pid}").exists() for pid in pids)


def test_jobs_and_answers_larger_than_a_pipe_pass_whole():
    sizes = [10, 3 << 20, 3 << 20, 20, 100 << 10, 30]
    with fed(2, nothing) as workers:
        counted = [workers.submit(size_of, bytes(size)) for size in sizes]
        echoed = [workers.submit(echo, bytes(size)) for size in sizes]
        assert [future.result(timeout=60) for future in counted] == sizes
        assert [len(future.result(timeout=60)) for future in echoed] == sizes


def test_a_job_that_raises_gives_its_exception_and_the_worker_goes_on():
    with fed(1, nothing) as workers:
        failed = workers.submit(refuse, 7)
        with pytest.raises(ValueError, match="no 7"):
            failed.result(timeout=30)
        assert workers.submit(pid_after, 0).result(timeout=30) != os.getpid()


def test_an_answer_that_cannot_be_sent_back_says_so():
    with (
        fed(1, nothing) as workers,
        pytest.raises(RuntimeError, match="could not be sent back"),
    ):
        workers.submit(a_lock).result(timeout=30)


def test_a_worker_that_dies_fails_its_job_and_leaves_the_rest_to_the_others():
    with fed(2, nothing) as workers:
        dying = workers.submit(die, Named("parts/huge.stl"))
        others = [workers.submit(pid_after, 0.01) for _ in range(10)]
        with pytest.raises(WorkerLost, match=r"ended unexpectedly while analysing parts/huge\.stl"):
            dying.result(timeout=30)
        assert len({future.result(timeout=30) for future in others}) == 1


def test_when_every_worker_is_gone_every_job_fails_at_once():
    with fed(1, nothing) as workers:
        dying = workers.submit(die, Named("a.stl"))
        queued = workers.submit(pid_after, 0)
        for future in as_completed([dying, queued], timeout=30):
            assert isinstance(future.exception(), WorkerLost)
        later = workers.submit(pid_after, 0)
        assert later.done() and isinstance(later.exception(), WorkerLost)


def test_workers_that_cannot_start_tell_each_job_why():
    with (
        fed(2, fail_to_start) as workers,
        pytest.raises(ImportError, match="no numpy here"),
    ):
        workers.submit(pid_after, 0).result(timeout=30)


def test_shutting_down_with_jobs_under_way_ends_them_at_once():
    workers = fed(2, nothing)
    pids = {workers.submit(pid_after, 0).result(timeout=30) for _ in range(2)}
    long = [workers.submit(pid_after, 60) for _ in range(4)]
    time.sleep(0.2)
    began = time.monotonic()
    workers.shutdown(cancel_futures=True)
    assert time.monotonic() - began < 10
    assert all(gone(pid) for pid in pids | {workers._lead})
    assert sum(future.cancelled() for future in long) >= 2  # those not begun


def test_a_pool_started_later_holds_no_pipe_of_an_earlier_one_open():
    first = fed(1, nothing)
    second = fed(1, nothing)
    assert first.submit(pid_after, 0).result(timeout=30)
    assert second.submit(pid_after, 0).result(timeout=30)
    # Were the second's workers to hold the first's jobs open, its workers
    # would never see the end of their jobs, and this would wait for ever.
    ending = threading.Thread(target=first.shutdown)
    ending.start()
    ending.join(timeout=20)
    assert not ending.is_alive()
    second.shutdown()


def test_no_job_is_taken_after_shutdown():
    workers = fed(1, nothing)
    workers.shutdown()
    with pytest.raises(RuntimeError, match="shut down"):
        workers.submit(pid_after, 0)


def test_a_worker_ends_without_running_what_its_parent_runs_at_exit(tmp_path):
    # A worker ending as a Python program ends would say it a second time.
    script = (
        "import atexit, sys\n"
        "from ohw.mesh.workers import ForkedWorkers, WorkerProcesses\n"
        "from support.worker_jobs import pid_after, nothing\n"
        "atexit.register(sys.stdout.write, 'once')\n"
        "workers = ForkedWorkers(WorkerProcesses(2, nothing))\n"
        "[workers.submit(pid_after, 0).result() for _ in range(4)]\n"
        "workers.shutdown()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(TESTS)},
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "once", "")


def test_ctrl_c_ends_the_workers_quietly(tmp_path):
    # As in a terminal: Ctrl-C raises KeyboardInterrupt, even where this test
    # runs with it ignored (pytest-xdist's workers, a shell's background jobs).
    script = (
        "import signal, sys, time\n"
        "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "from ohw.mesh.workers import ForkedWorkers, WorkerProcesses\n"
        "from support.worker_jobs import pid_after, nothing\n"
        "workers = ForkedWorkers(WorkerProcesses(2, nothing))\n"
        "try:\n"
        "    print(*{workers.submit(pid_after, 0.05).result() for _ in range(6)}, flush=True)\n"
        "    [workers.submit(pid_after, 60) for _ in range(2)]\n"
        # In short sleeps: a signal that comes just before a sleep begins is
        # noticed only when it ends (Python's own race, not the workers').
        "    for _ in range(600): time.sleep(0.1)\n"
        "except KeyboardInterrupt:\n"
        "    workers.shutdown(cancel_futures=True)\n"
        "    sys.exit(130)\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(TESTS)},
        start_new_session=True,
    )
    assert child.stdout is not None and child.stderr is not None
    pids = [int(word) for word in child.stdout.readline().split()]
    os.killpg(child.pid, signal.SIGINT)  # as a terminal sends it: to the whole group
    assert child.wait(timeout=30) == 130
    assert all(gone(pid) for pid in pids)
    assert child.stderr.read() == ""


def test_where_the_system_cannot_fork_spawned_processes_do_the_work(monkeypatch, tmp_path):
    (tmp_path / "cube.stl").write_bytes(cube_stl())
    monkeypatch.delattr(os, "fork")
    pool = worker_processes(1, load_analyser)
    assert isinstance(pool, ProcessPoolExecutor)
    with pool:
        outcome = pool.submit(analyse_source, MeshSource("cube.stl", path=tmp_path / "cube.stl"))
        assert outcome.result(timeout=120)["report"]["facets"] == 12


def open_descriptors() -> set[str]:
    return {entry.name for entry in Path("/proc/self/fd").iterdir()}


def test_where_no_process_can_be_forked_nothing_is_left_open(monkeypatch):
    before = open_descriptors()
    cannot_fork(monkeypatch)
    with pytest.raises(OSError):
        WorkerProcesses(2, nothing)
    assert open_descriptors() == before


def test_where_no_process_can_be_forked_meshes_are_analysed_here(monkeypatch, tmp_path):
    big = [tmp_path / f"ball {n}.stl" for n in range(2)]
    for path in big:  # more than 4 MB in all: worth worker processes
        path.write_bytes(binary_stl(trimesh.creation.icosphere(subdivisions=6).triangles.tolist()))

    cannot_fork(monkeypatch)
    results = analyse_sources([MeshSource(path.name, path=path) for path in big], None)
    assert [result.report.facets for result in results if result.report] == [81920, 81920]


def test_the_workers_analyse_as_a_process_pool_does(tmp_path):
    """ohw's workers stand in for concurrent.futures' ProcessPoolExecutor (numpy
    loaded once, before the fork, where the pool loads it in every process):
    the same jobs give the same answers, in the same order."""
    meshes = []
    for number, subdivisions in enumerate((1, 2, 3, 4)):
        sphere = trimesh.creation.icosphere(subdivisions=subdivisions, radius=5 + number)
        path = tmp_path / f"sphere-{number}.stl"
        path.write_bytes(binary_stl(sphere.vertices[sphere.faces]))
        meshes.append(MeshSource(path.name, path=path))
    meshes.append(MeshSource("broken.stl", data=b"solid nothing\n"))
    with fed(2, load_analyser) as ours:
        by_ohw = [ours.submit(analyse_source, mesh).result() for mesh in meshes]
    with ProcessPoolExecutor(2, initializer=load_analyser) as pool:
        by_pool = list(pool.map(analyse_source, meshes))
    assert by_ohw == by_pool
    assert "error" in by_ohw[-1] and all("report" in found for found in by_ohw[:-1])
