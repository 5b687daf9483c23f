"""Peak memory of a whole process tree (the build and its worker processes), sampled from /proc.

`resource.getrusage` and `/usr/bin/time -v` report the largest single process, not the
tree; workers forked from the build share pages with it, so summing their RSS counts
shared pages several times. PSS (proportional set size, `/proc/<pid>/smaps_rollup`)
splits shared pages between the processes that share them, so its sum is the tree's
real footprint. Both sums are reported; on systems without /proc only the largest
process is known.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

PROC = Path("/proc")


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = list((PROC / str(pid) / "task").glob("*/children"))
    except OSError:  # the process ended while we looked: it has no children left
        return found
    for task in tasks:
        try:
            found += [int(child) for child in task.read_text().split()]
        except OSError:
            continue
    return found


def tree(pid: int) -> list[int]:
    """The process and every descendant still alive."""
    pids, stack = [], [pid]
    while stack:
        current = stack.pop()
        pids.append(current)
        stack += _children(current)
    return pids


def _kilobytes(path: Path, field: str) -> int:
    try:
        for line in path.read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


class TreeSampler:
    """Samples a process tree's total RSS and PSS until stopped; keeps the peaks (in MB)."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.pid, self.interval = pid, interval
        self.peak_rss_mb = 0.0
        self.peak_pss_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> "TreeSampler":
        """Begin sampling in a background thread."""
        if PROC.is_dir():
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop sampling (call after the process ended)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            pids = tree(self.pid)
            rss = sum(_kilobytes(PROC / str(p) / "status", "VmRSS:") for p in pids)
            pss = sum(_kilobytes(PROC / str(p) / "smaps_rollup", "Pss:") for p in pids)
            self.peak_rss_mb = max(self.peak_rss_mb, rss / 1024)
            self.peak_pss_mb = max(self.peak_pss_mb, pss / 1024)
            self._stop.wait(self.interval)


def available() -> bool:
    """True where the tree can be sampled (Linux)."""
    return PROC.is_dir() and os.path.exists(f"/proc/{os.getpid()}/smaps_rollup")
