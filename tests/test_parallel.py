"""The worker pool: results in task order, and workers that never inherit another thread's lock.

`firstdoor serve` rebuilds in a thread while its web server's threads run. A worker forked
then inherits every lock exactly as it was, so a lock another thread held at that moment
stays held in the worker for ever, and the rebuild hangs (CI saw the preview stop after
"changed: …"). These tests hold such a lock on purpose.
"""

from __future__ import annotations

import gc
import multiprocessing
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, Callable

from firstdoor import collector, parallel
from tests.conftest import build_site

REPO = Path(__file__).resolve().parent.parent

HELD_BY_ANOTHER_THREAD = threading.Lock()
"""Stands for any lock a server thread may hold: the one on stderr while it logs a request."""


def square_under_lock(_state: None, number: int) -> int:
    """A task that needs the lock, as writing a warning to stderr does."""
    with HELD_BY_ANOTHER_THREAD:
        return number * number


def test_results_come_back_in_task_order_for_any_number_of_workers() -> None:
    for jobs in (1, 2, 3):
        assert parallel.map_ordered(square_under_lock, list(range(20)), jobs, parallel.no_state) == [
            n * n for n in range(20)]


def test_a_single_threaded_process_forks_its_workers() -> None:
    """Forking shares the validated site with workers without pickling it: keep it for the CLI.

    Asked in a fresh process: the test runner's own threads would make this one use a fork server.
    """
    asked = subprocess.run([sys.executable, "-c", "from firstdoor import parallel; print(parallel.start_method())"],
                           capture_output=True, text=True, check=True, cwd=REPO)
    assert asked.stdout.strip() == "fork"


def test_workers_started_while_another_thread_holds_a_lock_do_not_hang() -> None:
    release = threading.Event()
    locked = threading.Event()

    def hold() -> None:
        with HELD_BY_ANOTHER_THREAD:
            locked.set()
            release.wait(60)

    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    locked.wait(10)
    results: list[Any] = []
    build = threading.Thread(target=lambda: results.append(
        parallel.map_ordered(square_under_lock, [1, 2, 3, 4], 2, parallel.no_state)), daemon=True)
    try:
        assert parallel.start_method() != "fork"
        build.start()
        build.join(5)  # the workers' lock is their own: they finish while the holder still holds this one
        assert not build.is_alive(), "the workers wait for a lock that only the parent's thread can release"
        assert results == [[1, 4, 9, 16]]
    finally:
        release.set()
        holder.join(10)
        for child in multiprocessing.active_children():
            child.terminate()


def collector_thresholds(_state: None, _task: int) -> tuple[int, int, int]:
    """A task that tells how often its process's cycle collector runs."""
    return gc.get_threshold()


def test_during_a_build_the_parent_collects_less_often_and_workers_as_usual() -> None:
    before = gc.get_threshold()
    with collector.collector_relaxed():
        assert gc.get_threshold() == collector.BUILD_THRESHOLDS
        in_workers = set(parallel.map_ordered(collector_thresholds, list(range(4)), 2, parallel.no_state))
        assert gc.get_threshold() == collector.BUILD_THRESHOLDS
    assert gc.get_threshold() == before
    assert in_workers == {collector.STARTED_WITH}


def test_a_build_leaves_the_collector_as_it_found_it(make_site: Callable[..., Path], tmp_path: Path) -> None:
    before, enabled = gc.get_threshold(), gc.isenabled()
    assert build_site(make_site(), tmp_path / "out").exit_code == 0
    assert (gc.get_threshold(), gc.isenabled()) == (before, enabled)
