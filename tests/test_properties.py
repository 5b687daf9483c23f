"""Property-based tests (hypothesis): for any input, the YAML loader, validation and the
Markdown sanitiser give a valid result or a located problem, never an unhandled exception,
and sanitised HTML never carries a script, an event handler or a dangerous URL.

(The translation merger's property tests belong to the i18n work, with the `.po` checks.)
"""

from __future__ import annotations

import copy
import re
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firstdoor.errors import ContentError, Problem
from firstdoor.prose import INLINE_TAGS, URL_SCHEMES, ProseRenderer, ShownBlock, split_blocks
from firstdoor.sources import find_site_files, load_yaml
from firstdoor.validate import validate_site
from tests.conftest import MINIMAL_SCHOOL, write_site

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

YAML_PIECES = [" ", "  ", "\n", "\r\n", "\t", ":", ": ", "- ", "-", "[", "]", "{", "}", ",", "'", '"', "#",
               "&a", "*a", "!", "!!str", "|", ">", "?", "%", "@", "`", "\\", "---", "...", "<<", "no", "yes",
               "1:30", "0x1F", "07:05", "2027-02-30", "1e3", "~", "null", "name", "themes", "é", "\ufeff",
               "\x00", "\x1b", "\u2028", "\U0001f600", "aaa", "0", "-1", ".5"]
FILE_LEVEL = ("this is ", "this file expands", "the file is ", "not valid YAML")
"""Problems about a whole file, which have no line to point at."""


def _yaml_like() -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(YAML_PIECES), max_size=60).map("".join)


def _assert_located(problems: list[Problem] | tuple[Problem, ...], display: str | None = None) -> None:
    assert problems, "a failure must say why"
    for problem in problems:
        assert problem.message
        if display is not None:
            assert problem.file == display
        if problem.line is None:
            assert problem.message.startswith(FILE_LEVEL), problem
        else:
            assert problem.line >= 1 and (problem.column is None or problem.column >= 1), problem


def _load(data: bytes) -> tuple[Any, list[Problem]]:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        path = root / "school.yaml"
        path.write_bytes(data)
        return load_yaml(path, root)


@SETTINGS
@given(st.one_of(_yaml_like(), st.text(max_size=300)))
def test_yaml_loader_gives_a_document_or_located_problems(text: str) -> None:
    document, problems = _load(text.encode("utf-8", "surrogatepass"))
    if document is None:
        _assert_located(problems, "school.yaml")
    else:
        for problem in problems:  # duplicate keys, tags, merge keys: located at the key
            assert problem.line is not None and problem.line >= 1


@SETTINGS
@given(st.binary(max_size=300))
def test_yaml_loader_never_fails_on_bytes(data: bytes) -> None:
    document, problems = _load(data)
    assert document is not None or problems


@settings(max_examples=20, deadline=None)
@given(st.integers(min_value=41, max_value=200_000), st.sampled_from(["[", "{a: ", "- "]))
def test_deep_nesting_is_refused_not_crashed(depth: int, opener: str) -> None:
    text = opener * depth if opener != "- " else "".join("  " * i + "- \n" for i in range(min(depth, 3000)))
    document, problems = _load(("a: " + text + "\n").encode())
    assert document is None
    assert problems


# --- whole-file validation: a school whose values are replaced by anything ----------------

_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                     st.text(max_size=20), st.sampled_from(["no", "1:30", "2027-02-30", "K-5", "javascript:x",
                                                            "+1 555 0100", "12-3", "<script>"]))
_values = st.recursive(_scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                         st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                       max_leaves=8)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += _paths(value, (*prefix, i))
    return found


SCHOOL_PATHS = _paths(MINIMAL_SCHOOL) + [("events",), ("hours",), ("images",), ("aliases",), ("location",),
                                         ("application",), ("website",), ("phone",), ("bogus",)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SCHOOL_PATHS), _values)
def test_validation_gives_a_site_or_located_problems(path: tuple[Any, ...], value: Any) -> None:
    school = copy.deepcopy(MINIMAL_SCHOOL)
    target: Any = school
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    with tempfile.TemporaryDirectory() as folder:
        site = write_site(Path(folder), schools={"lincoln": yaml.safe_dump(school, allow_unicode=True)})
        files, problems = find_site_files(site)
        assert files is not None and not problems
        try:
            validate_site(files)
        except ContentError as error:
            errors = [p for p in error.problems if p.severity == "error"]
            _assert_located(errors, "content/schools/lincoln.yaml")


# --- the Markdown sanitiser -----------------------------------------------------------------

HTML_PIECES = ["<", ">", "</", "/>", "script", "SCRIPT", "a", "img", "svg", "iframe", "style", "span", "p",
               " href=", " src=", " onclick=", " onerror=", " style=", " lang=", "=", '"', "'", "javascript:",
               "JaVaScRiPt:", "java\tscript:", "data:text/html,", "vbscript:", "&#106;", "&#x6A;", "&colon;",
               "[", "]", "(", ")", "!", "*", "_", "`", "#", "# ", "- ", "1. ", "\n", "\n\n", " ", "&", ";",
               "<!--", "-->", "<![CDATA[", "]]>", "x", "https://ok.example/", "mailto:a@b.c", "tel:+1",
               "\x00", "\u2028", "alert(1)", "//evil.example", "\\"]
ALLOWED_TAGS = INLINE_TAGS | {"p", "ul", "ol", "li", "h3", "h4", "h5", "h6"}
ALLOWED_ATTRIBUTES = {"href", "title", "lang", "dir", "rel"}


class _Audit(HTMLParser):
    """Collects every tag and attribute of rendered HTML, as a browser would read them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [(name, value or "") for name, value in attrs]

    handle_startendtag = handle_starttag


def audit_html(html: str) -> list[str]:
    """Everything in `html` that could run code in a browser (empty when safe)."""
    parser = _Audit()
    parser.feed(html)
    parser.close()
    found = [f"tag <{tag}>" for tag in parser.tags if tag not in ALLOWED_TAGS]
    for name, value in parser.attributes:
        if name not in ALLOWED_ATTRIBUTES or name.startswith("on"):
            found.append(f"attribute {name}")
        if name == "href":
            compact = re.sub(r"[\x00-\x20]", "", value).lower()
            scheme = re.match(r"^([a-z][a-z0-9+.-]*):", compact)
            if scheme and scheme.group(1) not in URL_SCHEMES:
                found.append(f"URL {value!r}")
    if re.search(r"<\s*script", html, re.I):
        found.append("<script")
    return found


@SETTINGS
@given(st.lists(st.sampled_from(HTML_PIECES), max_size=40).map("".join))
def test_sanitised_markdown_never_carries_script(source: str) -> None:
    renderer = ProseRenderer()
    html = renderer.blocks([ShownBlock(block, block.text) for block in split_blocks(source)])
    assert audit_html(str(html)) == []
    assert audit_html(str(renderer.text(source))) == []


@SETTINGS
@given(st.text(max_size=200))
def test_sanitiser_accepts_any_text(source: str) -> None:
    renderer = ProseRenderer()
    html = renderer.blocks([ShownBlock(block, block.text, "en") for block in split_blocks(source)])
    assert audit_html(str(html)) == []


def test_audit_catches_what_it_should() -> None:
    """The audit itself: each of these must be reported."""
    for bad in ['<script>x</script>', '<a href="javascript:x">', '<a href=" java&#x09;script:x">',
                '<span onclick="x">', '<img src=x>', '<a style="x">', '<a href="data:text/html,x">']:
        assert audit_html(bad), bad
    assert audit_html('<p><a href="https://x.example/" rel="noopener">x</a> <a href="../x/">y</a></p>') == []
