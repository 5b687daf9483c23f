"""The HTTP side of `firstdoor serve`: files of the output folder, live reload, the error page.

Only files inside the output folder are ever served: the request path is decoded once,
any `..` segment, backslash or NUL is refused, and the resolved path (symbolic links
followed) must lie inside the folder. The live-reload script is added to pages as they
are *served*; the built files on disk never contain it, so what is published is exactly
what `firstdoor build` writes.
"""

from __future__ import annotations

import html
import mimetypes
import re
import socket
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from firstdoor.errors import Problem

PREFIX = "/__firstdoor__/"
EVENTS_URL = PREFIX + "events"
SCRIPT_URL = PREFIX + "reload.js"
KEEPALIVE_SECONDS = 10.0

RELOAD_SCRIPT = b"""// firstdoor serve: reload this tab when the site has been rebuilt (never part of the built site)
(function () {
  var me = document.currentScript.src;
  var since = (me.match(/[?&]build=(\\d+)/) || [0, "0"])[1];
  var events = new EventSource("/__firstdoor__/events?since=" + since);
  events.onmessage = function () { events.close(); window.location.reload(); };
})();
"""

_CSP = re.compile(r'(<meta\s+http-equiv="Content-Security-Policy"\s+content=")([^"]*)(")', re.I)


class BuildState:
    """The outcome of the latest build, shared by the watcher thread and the request threads."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self.generation = 0
        self.problems: tuple[Problem, ...] = ()
        self.closed = False

    def publish(self, problems: tuple[Problem, ...]) -> None:
        """Record a finished build (its errors, if any) and wake every waiting browser tab."""
        with self._changed:
            self.generation += 1
            self.problems = problems
            self._changed.notify_all()

    def wait_after(self, generation: int, timeout: float) -> int:
        """Wait until a build newer than `generation` finished (or `timeout`); the latest generation."""
        with self._changed:
            self._changed.wait_for(lambda: self.generation > generation or self.closed, timeout)
            return self.generation

    def close(self) -> None:
        """Release every waiting request (the server is stopping)."""
        with self._changed:
            self.closed = True
            self._changed.notify_all()


def safe_path(root: Path, url_path: str) -> Path | None:
    """The file or folder under `root` that `url_path` names, or None when it would leave `root`."""
    decoded = unquote(url_path, errors="strict") if "%" in url_path else url_path
    if "\x00" in decoded or "\\" in decoded or "\\" in url_path:
        return None
    if any(part == ".." for part in decoded.split("/")):
        return None
    base = root.resolve()
    candidate = (base / decoded.lstrip("/")).resolve()
    if candidate != base and base not in candidate.parents:
        return None  # a symbolic link that leads out of the output folder
    return candidate


def allow_self(csp: str, directive: str) -> str:
    """A Content-Security-Policy that also allows `directive` from the page's own origin."""
    parts = [p.strip() for p in csp.split(";") if p.strip()]
    for i, part in enumerate(parts):
        name, _, sources = part.partition(" ")
        if name.lower() == directive:
            kept = [s for s in sources.split() if s != "'none'"]
            parts[i] = " ".join([name, *kept, *([] if "'self'" in kept else ["'self'"])])
            return "; ".join(parts)
    if any(p.split(" ")[0].lower() == "default-src" for p in parts):
        parts.append(f"{directive} 'self'")
    return "; ".join(parts)


def with_reload(page: bytes, generation: int) -> bytes:
    """A page as served: the reload script added, and its policy letting that script connect back."""
    text = page.decode("utf-8", errors="replace")
    text = _CSP.sub(lambda m: m.group(1) + html.escape(allow_self(allow_self(html.unescape(m.group(2)),
                                                                              "script-src"), "connect-src"))
                    + m.group(3), text, count=1)
    tag = f'<script src="{SCRIPT_URL}?build={generation}" defer></script>'
    if "</head>" in text:
        text = text.replace("</head>", tag + "\n</head>", 1)
    else:
        text += tag
    return text.encode("utf-8")


def error_page(problems: tuple[Problem, ...], generation: int) -> bytes:
    """The page shown instead of the site while the content has errors."""
    items = "\n".join(
        f"<li><code>{html.escape(p.location())}</code> {html.escape(p.field + ': ' if p.field else '')}"
        f"{html.escape(p.message)}{'<br><small>' + html.escape(p.hint) + '</small>' if p.hint else ''}</li>"
        for p in problems if p.severity == "error")
    count = sum(1 for p in problems if p.severity == "error")
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Content error · firstdoor</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;margin:0;background:#fff4f4;color:#1a1a1a}}
main{{max-width:60rem;margin:2rem auto;padding:1.5rem;background:#fff;border:3px solid #b00020;border-radius:8px}}
h1{{color:#b00020;margin-top:0}}code{{background:#f3f3f3;padding:0 .25em;font-weight:bold}}
li{{margin:.75rem 0}}small{{color:#444}}</style>
</head><body><main role="alert">
<h1>{count} content error{'s' if count != 1 else ''}: the preview is not up to date</h1>
<p>Fix {'these' if count != 1 else 'this'} in your files and save. This page reloads by itself.
Nothing is published while there are errors.</p>
<ol>
{items}
</ol>
</main></body></html>"""
    return with_reload(page.encode("utf-8"), generation)


class PreviewServer(ThreadingHTTPServer):
    """A threaded HTTP server for one output folder and its build state."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], out: Path, state: BuildState, log: bool) -> None:
        self.out = out
        self.state = state
        self.log = log
        if ":" in address[0]:
            self.address_family = socket.AF_INET6  # --host ::1
        super().__init__(address, PreviewHandler)


class PreviewHandler(BaseHTTPRequestHandler):
    """Serves GET and HEAD requests: files, the reload script and events, the error page."""

    server: PreviewServer
    protocol_version = "HTTP/1.0"

    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        """Answer one GET request."""
        self._answer(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        """Answer one HEAD request (headers only)."""
        self._answer(send_body=False)

    def _answer(self, send_body: bool) -> None:
        target = self.path
        if target.startswith(("http://", "https://")):
            target = urlsplit(target).path or "/"
        path, _, query = target.partition("?")
        path = path.split("#", 1)[0]
        state = self.server.state
        if path == EVENTS_URL:
            return self._events(query)
        if path == SCRIPT_URL:
            return self._send(HTTPStatus.OK, "text/javascript; charset=utf-8", RELOAD_SCRIPT, send_body)
        try:
            found = safe_path(self.server.out, path)
        except UnicodeDecodeError:
            found = None
        if found is None:
            return self._send(HTTPStatus.FORBIDDEN, "text/plain; charset=utf-8",
                              b"403: outside the site folder\n", send_body)
        if found.is_dir() and not path.endswith("/"):
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", path + "/" + (f"?{query}" if query else ""))
            self.send_header("Content-Length", "0")
            return self.end_headers()
        if found.is_dir():
            found = found / "index.html"
        is_page = found.suffix == ".html" or not found.suffix
        if state.problems and is_page:
            return self._send(HTTPStatus.INTERNAL_SERVER_ERROR, "text/html; charset=utf-8",
                              error_page(state.problems, state.generation), send_body)
        if not found.is_file():
            missing = self.server.out / "404.html"
            body = with_reload(missing.read_bytes(), state.generation) if missing.is_file() else b"404\n"
            return self._send(HTTPStatus.NOT_FOUND, "text/html; charset=utf-8", body, send_body)
        data = found.read_bytes()
        kind = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        if kind == "text/html":
            data = with_reload(data, state.generation)
        if kind.startswith("text/") or kind in ("application/xml", "application/javascript", "image/svg+xml"):
            kind += "; charset=utf-8"
        self._send(HTTPStatus.OK, kind, data, send_body)

    def _send(self, status: HTTPStatus, kind: str, body: bytes, send_body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _events(self, query: str) -> None:
        """Server-sent events: one `reload` message once a build newer than the page's finished."""
        state = self.server.state
        try:
            since = int(parse_qs(query).get("since", ["0"])[0])
        except ValueError:
            since = 0
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        try:
            while not state.closed:
                latest = state.wait_after(since, KEEPALIVE_SECONDS)
                if latest > since:
                    self.wfile.write(f"data: {latest}\n\n".encode("ascii"))
                    self.wfile.flush()
                    return
                self.wfile.write(b": still here\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return  # the tab was closed

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Log failed requests only (a missing page is worth knowing about; every image is not)."""
        if self.server.log and str(int(code) if isinstance(code, int) else code)[:1] in ("4", "5"):
            super().log_request(code, size)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (http.server's name)
        """Print http.server's messages unless the server is quiet."""
        if self.server.log:
            super().log_message(format, *args)
