"""`firstdoor serve`: build, serve the output on this computer, rebuild on every change.

A watcher thread (watchfiles: the operating system's file events, not polling) waits
for changes under content/, templates/ and translations/, runs the normal build, and
tells the open browser tabs to reload. A content error never stops the server: the
terminal prints it, the browser shows it until it is fixed, and the last good site
stays on disk (the build only swaps in a complete new one).
"""

from __future__ import annotations

import ipaddress
import signal
import threading
import time
import traceback
from pathlib import Path
from typing import Callable

import click
import watchfiles

from firstdoor.console import echo_problems, plural, progress_for
from firstdoor.errors import ContentError, Problem, UsageError
from firstdoor.options import BuildOptions
from firstdoor.pipeline import build
from firstdoor.preview import BuildState, PreviewServer
from firstdoor.publish import check_output_folder

WATCHED = ("content", "templates", "translations")


class Preview:
    """Builds the site for the preview and records each outcome in a `BuildState`."""

    def __init__(self, site: Path, options: BuildOptions, quiet: bool) -> None:
        self.site = site
        self.options = options
        self.quiet = quiet
        self.state = BuildState()

    def rebuild(self) -> bool:
        """Build once; print the outcome; True when the site was built."""
        start = time.perf_counter()
        try:
            report = build(self.site, self.options, progress_for(self.quiet))
        except UsageError:
            raise
        except ContentError as error:
            echo_problems(error.problems)
            errors = tuple(p for p in error.problems if p.severity == "error")
            click.echo(f"{plural(len(errors), 'error')}: the browser shows them until they are fixed", err=True)
            self.state.publish(errors)
            return False
        except Exception as error:  # a bug must not stop the preview: report it, keep serving
            traceback.print_exc()
            self.state.publish((Problem(file="firstdoor", message=f"internal error: {error!r}",
                                        hint="the terminal shows the details; please report this bug"),))
            return False
        self.state.publish(())
        if not self.quiet:
            warnings = len(report.warnings) + len(report.advice)
            click.echo(f"built {plural(report.pages, 'page')} in {time.perf_counter() - start:.1f} s; "
                       f"{plural(warnings, 'warning')}" + (" (see `firstdoor check`)" if warnings else ""))
        return True

    def watched_folders(self) -> list[Path]:
        """The folders to watch that exist."""
        return [self.site / name for name in WATCHED if (self.site / name).is_dir()]

    def watch(self, stop: threading.Event, debounce_ms: int = 300) -> None:
        """Rebuild after every batch of changes until `stop` is set."""
        folders = self.watched_folders()
        if not folders:
            return
        for changes in watchfiles.watch(*folders, stop_event=stop, debounce=1600, step=debounce_ms,
                                        watch_filter=watchfiles.DefaultFilter(), raise_interrupt=False):
            if not self.quiet:
                names = sorted({_relative(Path(path), self.site) for _, path in changes if Path(path).exists()})
                shown = ", ".join(names[:5]) + (" …" if len(names) > 5 else "") if names else "files removed"
                click.echo(f"changed: {shown}")
            try:
                self.rebuild()
            except UsageError as error:  # e.g. someone put their own files in the output folder
                echo_problems(error.problems)
                self.state.publish(tuple(error.problems))


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def open_server(host: str, port: int, out: Path, state: BuildState, quiet: bool) -> PreviewServer:
    """Bind the preview server, or explain why it cannot."""
    try:
        return PreviewServer((host, port), out, state, log=not quiet)
    except OSError as error:
        raise UsageError([Problem(file="--port", message=f"cannot listen on {host}:{port}: {error.strerror}",
                                  hint="another program uses this port: try --port 8001")]) from None


def serve(site: Path, options: BuildOptions, host: str = "127.0.0.1", port: int = 8000, quiet: bool = False,
          ready: Callable[[PreviewServer], None] | None = None) -> None:
    """Build, then serve `options.out` and rebuild on changes until interrupted (Ctrl+C)."""
    check_output_folder(options.out, site, options.force)
    preview = Preview(site, options, quiet)
    preview.rebuild()
    server = open_server(host, port, options.out, preview.state, quiet)
    stop = threading.Event()
    watcher = threading.Thread(target=preview.watch, args=(stop,), name="firstdoor-watch", daemon=True)
    watcher.start()
    bound_host, bound_port = (str(part) for part in server.server_address[:2])
    shown = f"[{bound_host}]" if ":" in str(bound_host) else bound_host
    click.echo(f"serving http://{shown}:{bound_port}/ — watching "
               f"{', '.join(p.name + '/' for p in preview.watched_folders()) or 'nothing'}; Ctrl+C to stop",
               err=False)
    if not _is_loopback(host):
        click.echo(f"warning: --host {host} lets other computers on your network see this preview", err=True)
    if ready:
        ready(server)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)  # stop as cleanly on `kill` as on Ctrl+C
    try:
        server.serve_forever(poll_interval=0.25)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        preview.state.close()
        server.server_close()
        watcher.join(timeout=5)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"
