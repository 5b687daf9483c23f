"""The sample site in a real browser: headless Chromium (Debian's) driven by Playwright.

axe-core audits every page kind in a left-to-right and a right-to-left language at a phone
and a desktop width; the Nu Html Checker validates every page; the filter script is checked
against the pages that work without it. Tools come from `make test` (tests/node); nothing is
installed here. Set FIRSTDOOR_SCREENSHOTS=<folder> to keep a screenshot of every audited page.
"""

from __future__ import annotations

import functools
import json
import math
import os
import re
import subprocess
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.conftest import REPO
from tests.pages import card_ids, html_files

pytestmark = pytest.mark.browser

NODE_TOOLS = REPO / "tests" / "node" / "node_modules"
AXE = NODE_TOOLS / "axe-core" / "axe.min.js"
VNU = NODE_TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROMIUM = Path("/usr/bin/chromium")
BASE = "https://choice.riverside.example.org/"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
PAGE_KINDS = {
    "home": "{lang}/", "school": "{lang}/schools/lincoln-stem/", "apply": "{lang}/apply/",
    "transportation": "{lang}/transportation/", "events": "{lang}/events/", "compare": "{lang}/compare/",
    "theme": "{lang}/themes/stem/", "grades": "{lang}/grades/6-8/", "zips": "{lang}/zip/",
    "zip": "{lang}/zip/55104/", "area": "{lang}/area/east-side/", "outreach": "{lang}/outreach/",
}
SINGLE_PAGES = {"chooser": "index.html", "not-found": BASE + "404.html"}
"""Pages that exist once, not per language: audited with the left-to-right run. The 404 page
links its stylesheet absolutely (it is shown at any address), so it is opened at the site's
own address, served from the build, where its `style-src 'self'` policy lets the CSS load."""


def _require(present: bool, what: str) -> None:
    """Skip (fail in CI) when a tool `make test` installs is missing: tests never install."""
    if not present:
        message = f"{what} is missing: run `make test`, which installs the browser test tools"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="session")
def site_url(sample_build: Path) -> Iterator[str]:
    """The sample build served on the loopback interface."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(sample_build)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, through Playwright (which downloads no browser here).

    Module scope: Playwright's sync API runs an event loop while it is open, and other test
    modules (test_serve) start their own.
    """
    _require(CHROMIUM.is_file(), "/usr/bin/chromium (Debian package chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _require(False, "Playwright for Python")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                              args=["--no-sandbox", "--disable-gpu"])
        yield chromium
        chromium.close()


class Visit:
    """A browser context on the served site that records errors and foreign requests."""

    def __init__(self, browser: Any, site_url: str, sample_build: Path, **options: Any) -> None:
        self.site_url, self.out = site_url, sample_build
        self.context = browser.new_context(**options)
        self.foreign: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", self._console)

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(self.site_url):
            route.continue_()
        elif url.startswith(BASE):  # the 404 page links home absolutely: serve it from the build
            path = urlsplit(url).path.lstrip("/")
            route.fulfill(path=str(self.out / (path + "index.html" if path.endswith("/") or not path else path)))
        else:
            self.foreign.append(url)
            route.abort()

    def _console(self, message: Any) -> None:
        if message.type == "error" and not message.location.get("url", "").endswith("favicon.ico"):
            self.errors.append(message.text)

    def open(self, path: str) -> Any:
        """Load a page of the site and wait until it is idle."""
        self.page.goto(path if path.startswith(BASE) else self.site_url + path, wait_until="load")
        return self.page

    def visible_cards(self) -> list[str]:
        """Ids of the school cards the home page shows, in their shown order."""
        ids = self.page.eval_on_selector_all("#school-list > li:not([hidden])", "els => els.map(e => e.id)")
        return [i.removeprefix("school-") for i in ids]

    def close(self) -> None:
        """Close the context; fail on any script error or request to another host."""
        self.context.close()
        assert not self.foreign, f"requests to other hosts: {self.foreign}"
        assert not self.errors, f"errors in the browser console: {self.errors}"


@pytest.fixture
def visit(browser: Any, site_url: str, sample_build: Path) -> Iterator[Any]:
    """Open browser contexts on the served sample; each is checked when the test ends."""
    opened: list[Visit] = []

    def make(**options: Any) -> Visit:
        opened.append(Visit(browser, site_url, sample_build, **options))
        return opened[-1]
    yield make
    for one in opened:
        one.close()


def _axe(page: Any) -> list[str]:
    """Run axe-core on the page; return one line per violating node."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    violations = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
                               ".then(r => r.violations)", AXE_TAGS)
    return [f"{v['id']} ({v['impact']}): {v['help']} at {' '.join(n['target'])}"
            for v in violations for n in v["nodes"]]


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_axe_finds_no_violation_on_any_page_kind(visit: Any, lang: str, width: int) -> None:
    _require(AXE.is_file(), "axe-core (tests/node)")
    session = visit(viewport={"width": width, "height": 900})
    pages = {kind: path.format(lang=lang) for kind, path in PAGE_KINDS.items()}
    if lang == "en":
        pages.update(SINGLE_PAGES)
    shots = os.environ.get("FIRSTDOOR_SCREENSHOTS")
    problems = []
    for kind, path in pages.items():
        page = session.open(path)
        problems += [f"{path}: {line}" for line in _axe(page)]
        overflow = page.evaluate("document.documentElement.scrollWidth") - width
        if overflow > 0:
            problems.append(f"{path}: {overflow}px wider than the {width}px screen")
        if shots:
            page.screenshot(path=str(Path(shots) / f"{lang}-{width}-{kind}.png"), full_page=True)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_every_page_kind_reflows_at_320px_and_200_percent_zoom(visit: Any, lang: str) -> None:
    """WCAG 1.4.10 and 1.4.4: 320 CSS pixels wide, and a 1280px screen zoomed to 200 % (640)."""
    problems = []
    for width in (320, 640):
        session = visit(viewport={"width": width, "height": 800})
        for path in PAGE_KINDS.values():
            page = session.open(path.format(lang=lang))
            overflow = page.evaluate("document.documentElement.scrollWidth") - width
            if overflow > 0:
                problems.append(f"{path.format(lang=lang)} at {width}px: {overflow}px too wide")
    assert not problems, "\n".join(problems)


def test_every_page_is_valid_html(sample_build: Path) -> None:
    _require(VNU.is_file(), "vnu-jar (tests/node)")
    files = [str(path) for path in html_files(sample_build)]
    done = subprocess.run(["java", "-Xss1m", "-jar", str(VNU), "--errors-only", "--format", "json",
                           "--exit-zero-always", *files], capture_output=True, text=True, timeout=240)
    messages = json.loads(done.stderr or done.stdout)["messages"]
    errors = [f"{m.get('url', '').rsplit(str(sample_build), 1)[-1]}:{m.get('lastLine')}: {m['message']}"
              for m in messages if m["type"] in ("error", "non-document-error")]
    assert not errors, "\n".join(errors[:30])
    assert len(files) > 100


def _band_of(grade: int) -> str:
    return "pk-k" if grade <= 0 else "1-5" if grade <= 5 else "6-8" if grade <= 8 else "9-12"


def test_the_filter_agrees_with_the_pages_that_work_without_javascript(visit: Any, sample_build: Path) -> None:
    session = visit(viewport={"width": 1280, "height": 900})
    page = session.open("en/")
    themes = page.eval_on_selector_all("#f-theme option", "os => os.map(o => o.value).filter(Boolean)")
    values = page.eval_on_selector_all("#f-grade option", "os => os.map(o => o.value)")
    grades = [int(value) for value in values if value]
    for theme in themes:
        session.open(f"en/?theme={theme}")
        expected = card_ids((sample_build / "en" / "themes" / theme / "index.html").read_text(encoding="utf-8"))
        assert session.visible_cards() == expected, theme
    by_band: dict[str, set[str]] = {}
    for grade in grades:
        session.open(f"en/?grade={grade}")
        by_band.setdefault(_band_of(grade), set()).update(session.visible_cards())
    for band, seen in by_band.items():
        expected = card_ids((sample_build / "en" / "grades" / band / "index.html").read_text(encoding="utf-8"))
        assert seen == set(expected), band


def test_filter_controls_update_the_list_the_address_and_the_announcement(visit: Any) -> None:
    session = visit(viewport={"width": 360, "height": 800})
    page = session.open("ar/")
    page.select_option("#f-theme", "arts")
    page.check("#f-bus")
    shown = session.visible_cards()
    assert shown == ["eastside-arts"]
    assert "theme=arts" in page.url and "bus=free" in page.url
    assert page.inner_text("#f-count") == "مدرسة واحدة مناسبة"  # Arabic's "one" plural form, from the catalog
    assert page.get_attribute("#f-count", "role") == "status"
    shared = session.open(page.url.split("/", 3)[3])  # the address alone restores the filter
    assert session.visible_cards() == ["eastside-arts"] and shared.is_checked("#f-bus")
    page.click("button[type=reset]")
    page.wait_for_url(re.compile(r"/ar/$"))  # (wait_for_function would need eval, which the CSP forbids)
    assert len(session.visible_cards()) == 10


def test_zip_box_marks_the_schools_whose_bus_serves_it(visit: Any, sample_build: Path) -> None:
    table = (sample_build / "en" / "transportation" / "index.html").read_text(encoding="utf-8")
    row = re.search(r'<tr id="zip-55104">(.*?)</tr>', table, re.S)
    assert row
    served = re.findall(r"schools/([a-z0-9-]+)/", row.group(1))
    session = visit(viewport={"width": 1280, "height": 900})
    page = session.open("en/")
    page.fill("#f-zip", "55104")
    marked = page.eval_on_selector_all("#school-list > li.served", "els => els.map(e => e.id.slice(7))")
    assert sorted(marked) == sorted(served)
    assert page.inner_text(f"#school-{served[0]} .js-note") == "A school bus comes from 55104"
    unserved = next(i for i in session.visible_cards() if i not in served)
    assert page.inner_text(f"#school-{unserved} .js-note") == "No school bus from 55104"
    assert "zip=55104" in page.url


def _miles(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 7917.5 * math.asin(math.sqrt(h))


def test_sort_by_distance_happens_on_the_device_after_consent(visit: Any) -> None:
    here = (44.9350, -93.1650)  # next to Willow Montessori
    session = visit(viewport={"width": 360, "height": 800}, geolocation={"latitude": here[0],
                    "longitude": here[1]}, permissions=["geolocation"])
    page = session.open("en/")
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.click("#f-near")
    page.wait_for_selector("#school-willow-montessori .js-note:not([hidden])")
    assert page.inner_text("#order-note").startswith("Sorted by distance")
    located = page.eval_on_selector_all(
        "#school-list > li", "els => els.map(e => [e.id.slice(7), +e.dataset.lat, +e.dataset.lon])")
    distances = [_miles(here, (lat, lon)) for _, lat, lon in located]
    assert located[0][0] == "willow-montessori" and distances == sorted(distances)
    assert "miles away" in page.inner_text("#school-willow-montessori .js-note")
    assert requests == [], "the location never leaves the device"


def test_compare_up_to_three_chosen_schools(visit: Any) -> None:
    session = visit(viewport={"width": 360, "height": 800})
    page = session.open("en/")
    for school_id in ("lincoln-stem", "eastside-arts", "central-ib"):
        page.check(f"#school-{school_id} input[name=compare]")
    assert page.is_disabled("#school-willow-montessori input[name=compare]")
    assert page.inner_text("#compare-link") == "Compare the schools you chose (3)"
    problems = _axe(page)
    assert not problems, problems
    page.click("#compare-link")
    page.wait_for_url(re.compile(r"/compare/\?schools="))
    rows = page.eval_on_selector_all("#compare tbody tr:not([hidden])", "rows => rows.map(r => r.id)")
    assert rows == ["central-ib", "eastside-arts", "lincoln-stem"]
    assert page.is_visible("#compare-note")


def test_without_javascript_everything_is_listed_and_the_form_stays_hidden(visit: Any) -> None:
    session = visit(viewport={"width": 360, "height": 800}, java_script_enabled=False)
    page = session.open("en/?theme=arts")
    assert not page.is_visible("#filter")
    assert len(session.visible_cards()) == 10
    assert not page.is_visible(".pick")
    assert page.is_visible("a[href='themes/arts/']")
    page = session.open("en/compare/?schools=lincoln-stem")
    assert page.eval_on_selector_all("#compare tbody tr:not([hidden])", "rows => rows.length") == 10


def test_keyboard_users_see_the_skip_link_and_focus(visit: Any) -> None:
    session = visit(viewport={"width": 360, "height": 800})
    page = session.open("ar/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    box = page.locator(".skip").bounding_box()
    assert box and box["y"] >= 0 and box["x"] >= 0 and box["x"] + box["width"] <= 360
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def _kit_text(out: Path, lang: str, key: str, name: str) -> str:
    """An item of the outreach kit exactly as its file holds it (written with a final newline)."""
    return (out / lang / "outreach" / key / name).read_text(encoding="utf-8").removesuffix("\n")


COPY_PERMISSIONS = ["clipboard-read", "clipboard-write"]


def test_copy_buttons_copy_exactly_their_text_and_say_so(visit: Any, sample_build: Path) -> None:
    from playwright.sync_api import expect
    session = visit(viewport={"width": 360, "height": 800}, permissions=COPY_PERMISSIONS)
    page = session.open("ar/outreach/")
    assert page.locator("button.copy-button").count() == page.locator("pre.copy").count() > 50
    for name in ("sms.txt", "email.html", "email.txt"):
        item = f"kit-lincoln-stem-{name.replace('.', '-')}"
        heading = page.inner_text(f"#{item}-title") + " " + page.inner_text("#kit-lincoln-stem-title")
        button = page.get_by_role("button", name=f"نسخ {heading}", exact=True)
        button.click()
        expect(page.locator(f"#{item} + .kit-actions .copy-note")).to_have_text("تم النسخ.")
        assert page.evaluate("navigator.clipboard.readText()") == _kit_text(sample_build, "ar", "lincoln-stem", name)
    assert page.locator(".copy-note:not(:empty)").count() == 1, "only the last copy is announced"
    assert page.get_attribute(".copy-note", "role") == "status"
    # by keyboard, with a visible focus and a target of at least 24 x 24 pixels
    page.focus("#kit-district-radio-30-txt-copy")
    page.keyboard.press("Enter")
    expect(page.locator("#kit-district-radio-30-txt + .kit-actions .copy-note")).to_have_text("تم النسخ.")
    assert page.evaluate("navigator.clipboard.readText()") == _kit_text(sample_build, "ar", "district", "radio-30.txt")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    box = page.locator("#kit-district-radio-30-txt-copy").bounding_box()
    assert box and box["width"] >= 24 and box["height"] >= 24


@pytest.mark.parametrize("copies", [True, False])
def test_without_the_clipboard_api_the_text_is_selected(visit: Any, sample_build: Path, copies: bool) -> None:
    """An http page or an old browser: the script selects the text and copies it if the browser
    still allows `execCommand('copy')`, else says how to copy the selection."""
    from playwright.sync_api import expect
    session = visit(viewport={"width": 1280, "height": 900}, permissions=COPY_PERMISSIONS)
    page = session.page
    page.add_init_script("delete Navigator.prototype.clipboard;" +
                         ("" if copies else "Document.prototype.execCommand = function () { return false; };"))
    session.open("en/outreach/")
    assert page.evaluate("navigator.clipboard") is None
    page.click("#kit-central-ib-social-long-txt-copy")
    expected = _kit_text(sample_build, "en", "central-ib", "social-long.txt")
    note = page.locator("#kit-central-ib-social-long-txt + .kit-actions .copy-note")
    expect(note).to_have_text("Copied." if copies else
                              "The text is selected: press Ctrl+C (or ⌘+C on a Mac) to copy it.")
    assert page.evaluate("String(getSelection())") == expected
    if copies:  # read back in a page of the site that still has the Clipboard API
        reader = session.context.new_page()
        reader.goto(session.site_url + "en/")
        assert reader.evaluate("navigator.clipboard.readText()") == expected


def test_without_javascript_the_kit_is_plain_selectable_text(visit: Any, sample_build: Path) -> None:
    session = visit(viewport={"width": 360, "height": 800}, java_script_enabled=False)
    page = session.open("ar/outreach/")
    assert page.locator("button").count() == 0
    assert page.inner_text("#kit-lincoln-stem-email-txt") == _kit_text(sample_build, "ar", "lincoln-stem", "email.txt")
    assert page.is_visible("#kit-lincoln-stem-sms-txt")
