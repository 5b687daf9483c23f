"""Render many PDFs: from the cache when their inputs did not change, else in parallel worker processes.

Jobs are independent and each result is keyed by its output path, so the bytes written do
not depend on how many workers ran or in which order they finished: `--jobs 1` and
`--jobs 8` publish identical files.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from importlib import metadata
from typing import Callable, Iterator

from firstdoor import __version__, parallel
from firstdoor.cache import FlyerCache, cache_key
from firstdoor.errors import Problem
from firstdoor.outputs.pdf import PDF_OPTIONS, PdfEngine, PdfJob, PdfResult, engine_problem, render_job

@dataclass
class BatchReport:
    """What rendering the PDFs did."""

    results: list[PdfResult] = field(default_factory=list)
    rendered: int = 0
    """How many were rendered (the rest came from the cache)."""
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def default_workers() -> int:
    """All the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def tool_versions() -> str:
    """The versions of everything that shapes a PDF besides its HTML, for the cache key."""
    versions = [f"firstdoor {__version__}", repr(sorted(PDF_OPTIONS.items()))]
    for package in ("weasyprint", "pydyf", "tinycss2", "tinyhtml5", "fonttools", "segno"):
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package} -")
    return "\n".join(versions)


def job_key(job: PdfJob, salt: str) -> str:
    """The cache key of a job: its HTML, every variant of every part, and the salt (fonts, versions)."""
    parts: list[str] = [salt, job.document, job.stylesheet]
    for part in job.parts:
        parts += [part.fit, str(len(part.variants)), *part.variants]
    return cache_key(*parts)


def render_pdfs(jobs: list[PdfJob], cache: FlyerCache, salt: str, workers: int,
                advance: Callable[[], None] = lambda: None) -> BatchReport:
    """Every job's PDF, in the order of `jobs`: cached ones read back, the others rendered.

    `advance` is called once per PDF ready, for the progress bar (`flyers 37/112`).
    """
    report = BatchReport()
    done: dict[str, PdfResult] = {}
    keys = {job.path: job_key(job, salt) for job in jobs}
    todo: list[PdfJob] = []
    for job in jobs:
        hit = cache.get(keys[job.path])
        if hit is None:
            todo.append(job)
            continue
        done[job.path] = PdfResult(job.path, hit.data, int(hit.info.get("pages", 0)),
                                   tuple(hit.info.get("choice", ())), (), tuple(hit.info.get("warnings", ())))
        advance()
    problem = engine_problem() if todo else None
    if problem:
        report.problems.append(problem)
        return report
    for result in _render(todo, workers):
        done[result.path] = result
        if not result.problems:
            cache.put(keys[result.path], result.data, {"pages": result.pages, "choice": list(result.choice),
                                                      "warnings": list(result.warnings), "path": result.path})
        advance()
    report.rendered = len(todo)
    report.results = [done[job.path] for job in jobs]
    for result in report.results:
        report.problems += result.problems
        report.warnings += result.warnings
    return report


def _render(todo: list[PdfJob], workers: int) -> Iterator[PdfResult]:
    """Results as they finish: in this process when one worker suffices, else in worker processes.

    Each process renders with one `PdfEngine` (fonts loaded and stylesheets parsed once).
    """
    if workers <= 1 or len(todo) <= 1:
        engine = _new_engine() if todo else None
        yield from (_safe_render(engine, job) for job in todo)
        return
    # spawn, not fork: each worker starts clean, the same on Linux, macOS and Windows.
    context = multiprocessing.get_context("spawn")
    biggest_first = sorted(todo, key=lambda job: -len(job.parts))  # the guides, so no worker idles at the end
    with ProcessPoolExecutor(max_workers=min(workers, len(todo)), mp_context=context,
                             initializer=_start_worker, initargs=(os.getpid(),)) as pool:
        futures = [pool.submit(parallel.run_in_worker, job) for job in biggest_first]
        for future in as_completed(futures):
            yield future.result()


def _start_worker(parent: int) -> None:
    """In a new worker: watch the parent, and make the engine every job of this worker renders with."""
    _exit_with_parent(parent)
    parallel.start_worker(_new_engine, (), _safe_render)


def _new_engine() -> PdfEngine | None:
    """The worker's engine, or None when WeasyPrint cannot start (each job then reports why)."""
    try:
        return PdfEngine()
    except Exception:  # noqa: BLE001 - the same failure is reported per flyer by `_safe_render`
        return None


def _exit_with_parent(parent: int) -> None:
    """In a worker: stop when the build that started it is gone (killed with SIGKILL, say).

    A killed parent cannot shut its pool down, and the workers would otherwise wait forever.
    """
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="firstdoor-parent-watch", daemon=True).start()


def _safe_render(engine: PdfEngine | None, job: PdfJob) -> PdfResult:
    """Render a job; an unexpected failure of the PDF engine becomes a problem naming the flyer."""
    try:
        return render_job(job, engine)
    except Exception as error:  # noqa: BLE001 - reported to the user with the flyer's name
        return PdfResult(job.path, problems=(Problem(
            file=job.path, message=f"{job.label}: the PDF engine failed: {type(error).__name__}: {error}",
            hint="please report this with the content that triggers it"),))
