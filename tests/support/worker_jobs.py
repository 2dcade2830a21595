"""Jobs for the worker processes in tests/mesh/test_workers.py: functions of an importable
module, as a job's function goes to its worker by name."""

from __future__ import annotations

import os
import signal
import threading
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Named:
    """Stands for a mesh source: a job's first argument with a name."""

    name: str


def pid_after(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def die(source: Named) -> None:
    """End this worker as the kernel ends a process out of memory."""
    os.kill(os.getpid(), signal.SIGKILL)


def refuse(value: int) -> None:
    raise ValueError(f"no {value}")


def a_lock() -> threading.Lock:
    return threading.Lock()  # it does not pickle


def fail_to_start() -> None:
    raise ImportError("no numpy here")


def nothing() -> None:
    return None


def size_of(data: bytes) -> int:
    return len(data)


def echo(data: bytes) -> bytes:
    return data
