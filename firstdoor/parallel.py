"""A small, generic process pool: one function over a list of tasks, results in task order.

Worker processes (not threads: rendering is pure Python and holds the GIL) each build
their own state once (`setup(*setup_args)`: a Jinja environment, translators...) and
then run `function(state, task)` for chunks of tasks. Tasks are split into chunks in
their given order and results come back in that same order, so what a build writes
never depends on how many workers there are or which one was fastest.

Used for pages and catalogs; flyers can use it the same way. With `jobs == 1` nothing
is forked: the same calls run in this process, which keeps tracebacks and profiles simple.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
from typing import Any, Callable, Iterable, Iterator, Sequence, TypeVar

from firstdoor.collector import collector_as_started

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")

_worker_state: dict[str, Any] = {}
"""Per worker process: the state `setup` built and the function to run. Never set in the parent."""


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


def chunk_size(count: int, jobs: int) -> int:
    """Chunks small enough to balance the load, big enough that shipping them costs little."""
    return max(1, min(64, count // (jobs * 8) or 1))


def start_worker(setup: Callable[..., Any], setup_args: tuple[Any, ...], function: Callable[[Any, Any], Any]) -> None:
    """In a worker process: build its state once (`setup(*setup_args)`) for `run_in_worker`.

    Our own pools start their workers with it; so can a pool made elsewhere (`concurrent.futures`).
    """
    _worker_state["state"] = setup(*setup_args)
    _worker_state["function"] = function


def run_in_worker(task: Any) -> Any:
    """In a worker started with `start_worker`: `function(state, task)` with that worker's state."""
    return _worker_state["function"](_worker_state["state"], task)


class Results(Iterator[R]):
    """Results in task order, as workers finish them; use as a context manager (it owns the workers).

    The workers start at once, so the caller can do other work (such as linking
    unchanged files) before reading the first result.
    """

    def __init__(self, results: Iterator[R], pool: Any = None) -> None:
        self._results, self._pool = results, pool

    def __next__(self) -> R:
        return next(self._results)

    def __enter__(self) -> "Results[R]":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the workers (all results read, or an error)."""
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
            gc.unfreeze()


def imap_ordered(function: Callable[[S, T], R], tasks: Sequence[T], jobs: int,
                 setup: Callable[..., S], setup_args: tuple[Any, ...] = ()) -> Results[R]:
    """`function(state, task)` for every task, in task order as they are ready.

    `setup(*setup_args)` runs once per worker. On Linux workers are forked, so
    `setup_args` (the validated site, loaded catalogs) are shared, not copied or pickled.
    Results must be picklable. An exception in a task is raised here, in the parent.
    """
    if jobs <= 1 or len(tasks) <= 1:
        return Results(_serial(function, tasks, setup, setup_args))
    context = multiprocessing.get_context(start_method())
    if context.get_start_method() == "forkserver":
        context.set_forkserver_preload([function.__module__, setup.__module__])
    workers = min(jobs, len(tasks))
    gc.freeze()  # forked workers then share the parent's objects instead of copying them when GC scans
    try:
        with collector_as_started():
            pool = context.Pool(workers, initializer=start_worker, initargs=(setup, setup_args, function))
    except BaseException:
        gc.unfreeze()
        raise
    return Results(pool.imap(run_in_worker, tasks, chunksize=chunk_size(len(tasks), workers)), pool)


def start_method() -> str:
    """How to start workers: fork when this process runs no other thread, else forkserver.

    Forking shares the parent's objects for free, but a child forked while another thread
    holds a lock (the preview server writing a log line, say) inherits that lock held and
    can wait for it forever. The preview rebuilds while its server threads run, so there
    workers come from a fork server instead, and get their setup arguments pickled.
    """
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def _serial(function: Callable[[S, T], R], tasks: Sequence[T], setup: Callable[..., S],
            setup_args: tuple[Any, ...]) -> Iterator[R]:
    state = setup(*setup_args)
    for task in tasks:
        yield function(state, task)


def map_ordered(function: Callable[[S, T], R], tasks: Sequence[T], jobs: int,
                setup: Callable[..., S], setup_args: tuple[Any, ...] = ()) -> list[R]:
    """`imap_ordered`, collected into a list."""
    with imap_ordered(function, tasks, jobs, setup, setup_args) as results:
        return list(results)


def no_state(*_: Any) -> None:
    """A `setup` for functions that need no per-worker state."""
    return None


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of at most `size` items, in order."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
