"""`firstdoor serve` against the real server on loopback: rebuild and reload, errors, path safety."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from firstdoor.errors import Problem
from firstdoor.preview import allow_self, error_page, safe_path, with_reload
from tests.conftest import REPO, TODAY, write_site

MakeSite = Callable[..., Path]
SECRET = "TOP-SECRET-OUTSIDE-THE-OUTPUT"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "chromium"


class Server:
    """A `firstdoor serve` process, its address and everything it printed."""

    def __init__(self, site: Path, *args: str) -> None:
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "firstdoor", "serve", "--site", str(site), "--port", "0",
             "--today", TODAY.isoformat(), *args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=REPO)
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        found = self.wait_for(r"serving http://([\d.]+):(\d+)/", 60)
        self.host, self.port = found.group(1), int(found.group(2))

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, pattern: str, timeout: float, start: int = 0) -> re.Match[str]:
        """The first printed line (from index `start`) matching `pattern`, waiting for it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines[start:]:
                match = re.search(pattern, line)
                if match:
                    return match
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"never printed {pattern!r}; printed:\n" + "\n".join(self.lines))

    def request(self, target: str, timeout: float = 10) -> tuple[int, str]:
        """Send `GET target` exactly as written (no client-side normalising); status and body."""
        with socket.create_connection((self.host, self.port), timeout=timeout) as conn:
            conn.sendall(f"GET {target} HTTP/1.1\r\nHost: {self.host}\r\nConnection: close\r\n\r\n".encode("latin-1"))
            data = b""
            while chunk := conn.recv(65536):
                data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        return int(head.split()[1]), body.decode("utf-8", errors="replace")

    def reload_signal(self, since: int) -> Iterator[str]:
        """Open the live-reload event stream; yields once the server sends an event."""
        conn = socket.create_connection((self.host, self.port), timeout=30)
        conn.sendall(f"GET /__firstdoor__/events?since={since} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        data = b""
        try:
            while b"data:" not in data:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                data += chunk
            yield data.decode()
        finally:
            conn.close()

    def stop(self) -> None:
        """Stop the server as Ctrl+C (SIGINT) or `kill` (SIGTERM) would."""
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)
        self._reader.join(timeout=5)


@pytest.fixture
def server_for(make_site: MakeSite) -> Iterator[Callable[..., Server]]:
    """Start `firstdoor serve` on a small site; always stopped afterwards."""
    servers: list[Server] = []

    def start(**site: Any) -> Server:
        folder = make_site(**site)
        (folder / "secret.txt").write_text(SECRET, encoding="utf-8")
        servers.append(Server(folder))
        servers[-1].site = folder  # type: ignore[attr-defined]
        return servers[-1]
    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server for the read-only tests, started once."""
    folder = write_site(tmp_path_factory.mktemp("serve") / "site")
    (folder / "secret.txt").write_text(SECRET, encoding="utf-8")
    server = Server(folder)
    server.site = folder  # type: ignore[attr-defined]
    yield server
    server.stop()


def generation(page: str) -> int:
    """The build a served page came from (the reload script carries it)."""
    match = re.search(r"/__firstdoor__/reload\.js\?build=(\d+)", page)
    assert match, "the served page has no reload script"
    return int(match.group(1))


def test_serve_rebuilds_after_a_change_and_reloads_the_tab(server_for: Callable[..., Server]) -> None:
    server = server_for()
    site: Path = server.site  # type: ignore[attr-defined]
    assert server.host == "127.0.0.1"  # loopback unless asked otherwise
    status, page = server.request("/en/schools/lincoln/")
    assert status == 200 and "Build, test and invent every day." in page
    built = generation(page)
    on_disk = (site / "_site/en/schools/lincoln/index.html").read_text(encoding="utf-8")
    assert "__firstdoor__" not in on_disk and "EventSource" not in on_disk  # never in the built output
    assert "connect-src" not in on_disk

    school = site / "content/schools/lincoln.yaml"
    signal = server.reload_signal(built)
    school.write_text(school.read_text(encoding="utf-8").replace("Build, test and invent every day.",
                                                                  "Plant, grow and share every day."),
                      encoding="utf-8")
    assert "data:" in next(signal)
    status, page = server.request("/en/schools/lincoln/")
    assert status == 200 and "Plant, grow and share every day." in page
    assert generation(page) > built
    status, script = server.request("/__firstdoor__/reload.js")
    assert status == 200 and "location.reload()" in script


def test_a_content_error_is_shown_until_fixed_and_the_server_keeps_running(server_for: Callable[..., Server]) -> None:
    server = server_for()
    site: Path = server.site  # type: ignore[attr-defined]
    school = site / "content/schools/lincoln.yaml"
    good = school.read_text(encoding="utf-8")
    _, page = server.request("/en/")
    printed = len(server.lines)
    signal = server.reload_signal(generation(page))
    school.write_text(good.replace("method: lottery", "method: lotery"), encoding="utf-8")
    next(signal)
    line = next(n for n, text in enumerate(school.read_text(encoding="utf-8").splitlines(), 1) if "lotery" in text)
    status, page = server.request("/en/")
    assert status == 500
    assert f"content/schools/lincoln.yaml:{line}:" in page and "did you mean &#x27;lottery&#x27;?" in page
    assert "/__firstdoor__/reload.js" in page  # reloads itself once fixed
    server.wait_for(rf"content/schools/lincoln\.yaml:{line}:\d+: admission\.method: 'lotery'", 10, printed)
    assert (site / "_site/en/index.html").is_file()  # the last good site is still there

    signal = server.reload_signal(generation(page))
    school.write_text(good, encoding="utf-8")
    next(signal)
    status, page = server.request("/en/")
    assert status == 200 and "content error" not in page
    assert server.process.poll() is None


@pytest.mark.parametrize("target", [
    "/../secret.txt", "/en/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/%2e%2e%2fsecret.txt",
    "/en/%2e%2e/%2e%2e/secret.txt", "/..%2fsecret.txt", "/..%5csecret.txt", "/..\\secret.txt", "/%252e%252e/secret.txt",
    "/en/..%2F..%2Fsecret.txt", "//../secret.txt", "/./../secret.txt", "/%00/../secret.txt", "/%c0%ae%c0%ae/secret.txt",
    "http://127.0.0.1/../secret.txt",
])
def test_serve_never_serves_outside_the_output_folder(shared_server: Server, target: str) -> None:
    status, body = shared_server.request(target)
    assert status in (403, 404), (target, status)
    assert SECRET not in body


def test_serve_does_not_follow_links_out_of_the_output_folder(shared_server: Server) -> None:
    server = shared_server
    site: Path = server.site  # type: ignore[attr-defined]
    (site / "_site" / "leak.txt").symlink_to(site / "secret.txt")
    status, body = server.request("/leak.txt")
    assert status == 403 and SECRET not in body
    assert server.request("/en")[0] == 301
    assert server.request("/assets/nothing.css")[0] == 404


def test_safe_path(tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    assert safe_path(tmp_path, "/en/") == (tmp_path / "en").resolve()
    assert safe_path(tmp_path, "/") == tmp_path.resolve()
    for bad in ("/../x", "/%2e%2e/x", "/a/..%2f..%2fx", "/a\\..\\x", "/%00"):
        assert safe_path(tmp_path, bad) is None, bad


def test_reload_is_allowed_by_the_page_policy() -> None:
    csp = "default-src 'none'; style-src 'self'; script-src 'self'"
    assert allow_self(csp, "connect-src") == csp + "; connect-src 'self'"
    assert allow_self("default-src 'none'; script-src 'none'", "script-src") == "default-src 'none'; script-src 'self'"
    assert allow_self("img-src 'self'", "connect-src") == "img-src 'self'"  # nothing restricts connections
    page = with_reload(b'<html><head><meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;">'
                       b"</head><body></body></html>", 7)
    assert b"connect-src &#x27;self&#x27;" in page and b"reload.js?build=7" in page
    shown = error_page((Problem(file="content/x.yaml", line=3, column=5, field="name", message="<b>bad</b>"),), 2)
    assert b"content/x.yaml:3:5" in shown and b"&lt;b&gt;bad&lt;/b&gt;" in shown


def save(path: Path, text: str) -> None:
    """Save a file as editors do (a new file renamed over the old), so no build ever reads it half-written."""
    temporary = path.with_name(f".{path.name}.saving")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


@pytest.mark.browser
def test_a_real_browser_tab_reloads_and_shows_errors(server_for: Callable[..., Server]) -> None:
    """Headless Chromium: the page's own security policy lets the reload script connect back."""
    sync_api = pytest.importorskip("playwright.sync_api")
    server = server_for()
    site: Path = server.site  # type: ignore[attr-defined]
    school = site / "content/schools/lincoln.yaml"
    good = school.read_text(encoding="utf-8")
    blocked: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            page.on("console", lambda message: blocked.append(message.text)
                    if "Content Security Policy" in message.text else None)
            page.goto(f"http://{server.host}:{server.port}/en/schools/lincoln/")
            page.get_by_text("Build, test and invent every day.").first.wait_for(timeout=10_000)
            time.sleep(0.5)  # let the event stream connect
            save(school, good.replace("Build, test and invent every day.", "Plant, grow and share."))
            page.get_by_text("Plant, grow and share.").first.wait_for(timeout=30_000)
            save(school, good.replace("method: lottery", "method: lotery"))
            page.get_by_text("content error").first.wait_for(timeout=30_000)
            assert "did you mean 'lottery'?" in page.inner_text("body")
            save(school, good)
            page.get_by_text("Build, test and invent every day.").first.wait_for(timeout=30_000)
        except sync_api.TimeoutError as error:
            raise AssertionError(f"{error}\nthe server printed:\n" + "\n".join(server.lines)) from None
        finally:
            browser.close()
    assert blocked == []
