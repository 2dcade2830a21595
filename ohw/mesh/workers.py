"""Worker processes that do ohw's heavy work (mesh analysis) beside the
process that asks.

Where the system can fork, one worker is forked, loads what every worker needs
(numpy and the analyser), and only then forks the others: numpy is loaded once,
in a process of its own, while the caller goes on. (Loading numpy costs a tenth
of a second of processor time in every process that loads it; on two cores a
cold check of a whole design spent that time twice.) Forking is kept apart
from feeding: ``WorkerProcesses`` forks and needs nothing but ``os``, so that a
check can fork before it loads anything else, and ``ForkedWorkers`` feeds them
later. A thread of the caller's feeds each worker one job at a time from one
queue, the next to whichever worker is free; a worker that dies fails its own
job, and leaves the rest to the others. Where the system cannot fork, a
ProcessPoolExecutor of spawned processes does the same work.
"""

from __future__ import annotations

import os

from ohw.errors import OhwError

# typing costs 3 ms to load, and this module is loaded before a check forks.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import queue
    from collections.abc import Callable
    from concurrent.futures import Executor, Future
    from typing import Any

    _Job = tuple[Future[Any], Callable[..., Any], tuple[Any, ...]]

_LENGTH = 8  # bytes of the length before each message
# Below this much input, worker processes cost more than they save.
_WORTH_BYTES = 4 << 20
# A worker's pipes: (jobs read end, jobs write end, results read end, results write end).
_Channel = tuple[int, int, int, int]
# The ends of the pipes of every pool of this process: a worker forked later
# closes them all, so that no pool waits on a pipe a worker of another holds open.
_pipe_ends: set[int] = set()


class WorkerLost(OhwError):
    """A worker process ended while it had a job: killed, or out of memory."""


def worth_workers(sizes: list[int]) -> bool:
    """Whether jobs on inputs of ``sizes`` bytes are worth worker processes:
    two or more, over 4 MB in all, with two cores or more to share them."""
    return len(sizes) >= 2 and sum(sizes) > _WORTH_BYTES and (os.cpu_count() or 1) >= 2


def worker_processes(count: int, initializer: Callable[[], None]) -> Executor | ForkedWorkers:
    """An executor of ``count`` processes, each having run ``initializer``."""
    if hasattr(os, "fork"):
        return ForkedWorkers(WorkerProcesses(count, initializer))
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(
        max_workers=count, mp_context=multiprocessing.get_context("spawn"), initializer=initializer
    )


class WorkerProcesses:
    """``count`` worker processes, forked at once from the first, which runs
    ``initializer`` before it forks the others; they wait for jobs from a
    ``ForkedWorkers``. Only where ``os.fork`` exists; OSError where the system
    cannot give the processes or their pipes."""

    def __init__(self, count: int, initializer: Callable[[], None]) -> None:
        channels: list[_Channel] = []
        try:
            for _ in range(count):
                channels.append((*os.pipe(), *os.pipe()))
            _pipe_ends.update(end for channel in channels for end in channel)
            self.lead = os.fork()
        except OSError:  # out of processes or files: no worker, and nothing left open
            for channel in channels:
                for end in channel:
                    _pipe_ends.discard(end)
                    os.close(end)
            raise
        if self.lead == 0:
            _lead(channels, initializer)
        for channel in channels:
            for end in _worker_ends(channel):
                _pipe_ends.discard(end)
                os.close(end)
        # Per worker, this process's ends: the jobs it writes, the results it reads.
        self.ends = [(channel[1], channel[2]) for channel in channels]
        self.taken = False

    def stop(self) -> None:
        """End the workers, never fed: the first at once, the others as their jobs end."""
        _kill(self.lead)
        for pair in self.ends:
            for end in pair:
                _pipe_ends.discard(end)
                os.close(end)
        _reap(self.lead)


class ForkedWorkers:
    """An executor (submit, shutdown) feeding ``processes``. A job's function and
    arguments go to its worker pickled (a function by its name), and so does
    its result."""

    def __init__(self, processes: WorkerProcesses) -> None:
        import queue
        import threading

        assert not processes.taken, "the processes are fed by one ForkedWorkers only"
        processes.taken = True
        self._lead = processes.lead
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._feeding = len(processes.ends)  # feeders whose worker has not been lost
        self._closed = False
        self._pids: list[int] = []
        self._failure: Exception | None = None  # why the workers could not start
        self._feeders = [
            threading.Thread(target=self._feed, args=pair, daemon=True) for pair in processes.ends
        ]
        for feeder in self._feeders:
            feeder.start()

    def __enter__(self) -> ForkedWorkers:
        return self

    def __exit__(self, *exception: object) -> None:
        self.shutdown()

    def submit(self, fn: Callable[..., Any], /, *args: Any) -> Future[Any]:
        from concurrent.futures import Future

        future: Future[Any] = Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("cannot submit a job to workers shut down")
            if self._feeding:
                self._jobs.put((future, fn, args))
            else:
                future.set_exception(self._lost(args))
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            if cancel_futures:
                for future, _, _ in _drain(self._jobs):
                    future.cancel()
            for _ in self._feeders:
                self._jobs.put(None)
            pids = [*self._pids, self._lead]
        if cancel_futures:  # a job under way is not wanted either, and a worker keeps nothing
            for pid in pids:
                _kill(pid)
        if wait:
            for feeder in self._feeders:
                feeder.join()
            _reap(self._lead)

    def _feed(self, jobs: int, results: int) -> None:
        """Hand the worker at ``jobs`` and ``results`` one job after another."""
        import signal

        # Ctrl-C is for the main thread, to raise KeyboardInterrupt in: delivered
        # to this one, blocked in a read, it would wake no one.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            if self._started(_receive(results)):
                while (job := self._jobs.get()) is not None:
                    future, fn, args = job
                    if not future.set_running_or_notify_cancel():
                        continue
                    answer = _exchange(jobs, results, (fn, args))
                    if answer is None:
                        future.set_exception(self._lost(args))
                        break
                    succeeded, value = answer
                    if succeeded:
                        future.set_result(value)
                    else:
                        future.set_exception(value)
                else:
                    return
            self._worker_lost()
        finally:
            for end in (jobs, results):
                _pipe_ends.discard(end)
                os.close(end)

    def _started(self, first: Any) -> bool:
        """Whether a worker's first word says it is ready; else remember why not."""
        if first is None:
            return False
        ready, value = first
        with self._lock:
            if ready:
                self._pids.append(value)
            else:
                self._failure = value
        return bool(ready)

    def _worker_lost(self) -> None:
        """The last feeder to lose its worker fails the jobs no one is left to do."""
        with self._lock:
            self._feeding -= 1
            if self._feeding:
                return
            for future, _, args in _drain(self._jobs):
                if future.set_running_or_notify_cancel():
                    future.set_exception(self._lost(args))

    def _lost(self, args: tuple[Any, ...]) -> Exception:
        if self._failure is not None:
            return self._failure
        named = getattr(args[0], "name", None) if args else None
        return WorkerLost(
            "a worker process of ohw ended unexpectedly"
            + (f" while analysing {named}" if named else ""),
            "it may have run out of memory: check the file alone with `ohw mesh FILE`",
        )


def _exchange(jobs: int, results: int, job: Any) -> Any:
    """Send a job, and return its answer, or None if the worker is gone."""
    try:
        _send(jobs, job)
    except OSError:  # the worker closed its end: it is gone
        return None
    return _receive(results)


def _drain(jobs: queue.SimpleQueue[_Job | None]) -> list[_Job]:
    import queue

    drained: list[_Job] = []
    while True:
        try:
            job = jobs.get_nowait()
        except queue.Empty:
            return drained
        if job is not None:
            drained.append(job)


def _kill(pid: int) -> None:
    import contextlib
    import signal

    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _reap(pid: int) -> None:
    import contextlib

    # Reaped already, where a caller waits for any child.
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def _lead(channels: list[_Channel], initializer: Callable[[], None]) -> None:
    """The first worker: load what every worker needs, fork the others, serve,
    and wait for the others to end."""
    code = 1
    try:
        import signal

        # Ctrl-C: end quietly, as ohw does; unless started where Ctrl-C is ignored
        # (in the background), as the caller is.
        if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
            signal.signal(signal.SIGINT, signal.SIG_DFL)
        _keep_only({end for channel in channels for end in _worker_ends(channel)})
        try:
            initializer()
        except Exception as error:  # every worker would fail alike: each job is told why
            for channel in channels:
                _send(_worker_ends(channel)[1], (False, error))
            raise
        siblings = []
        for channel in channels[1:]:
            pid = os.fork()
            if pid == 0:
                _keep_only(set(_worker_ends(channel)))
                _serve(channel)
                os._exit(0)
            siblings.append(pid)
            for end in _worker_ends(channel):
                os.close(end)
        _serve(channels[0])
        for pid in siblings:
            os.waitpid(pid, 0)
        code = 0
    finally:
        os._exit(code)  # never the caller's code: no cleanup, no flushing its output again


def _worker_ends(channel: _Channel) -> tuple[int, int]:
    """The ends a worker keeps: the jobs it reads, the results it writes."""
    return channel[0], channel[3]


def _keep_only(keep: set[int]) -> None:
    """Close every pipe end of every pool in this process but ``keep``."""
    for end in _pipe_ends - keep:
        os.close(end)
    _pipe_ends.intersection_update(keep)


def _serve(channel: _Channel) -> None:
    """Do each job read from ``channel``, and answer it, until the jobs end."""
    jobs, results = _worker_ends(channel)
    _send(results, (True, os.getpid()))
    while (job := _receive(jobs)) is not None:
        fn, args = job
        try:
            answer: tuple[bool, Any] = (True, fn(*args))
        except Exception as error:
            answer = (False, error)
        _send(results, answer)


def _send(end: int, message: Any) -> None:
    import pickle

    try:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as error:  # an answer that does not pickle: say what it was
        failure = RuntimeError(f"a worker's answer could not be sent back: {error}")
        data = pickle.dumps((False, failure))
    view = memoryview(len(data).to_bytes(_LENGTH, "little") + data)
    while view:
        view = view[os.write(end, view) :]


def _receive(end: int) -> Any:
    """The next message, or None where the pipe ends first."""
    import pickle

    head = _read_exactly(end, _LENGTH)
    if head is None:
        return None
    data = _read_exactly(end, int.from_bytes(head, "little"))
    return None if data is None else pickle.loads(data)


def _read_exactly(end: int, size: int) -> bytes | None:
    pieces, left = [], size
    while left:
        piece = os.read(end, min(left, 1 << 20))
        if not piece:
            return None
        pieces.append(piece)
        left -= len(piece)
    return b"".join(pieces)
