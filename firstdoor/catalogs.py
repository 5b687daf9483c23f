"""Reading gettext catalogs strictly: every `.po` problem named with its file and line.

Babel's and polib's readers both skip a malformed entry silently (an unclosed quote
just loses that translation), so each `.po` file is first checked line by line here;
Babel then reads it. Fuzzy (outdated) entries are never loaded for display.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from firstdoor.errors import Problem
from firstdoor.sources import display_path

_KEYWORD = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr|msgstr\[\d+\])\s+(".*)$')
_STRING = re.compile(r'^"(?:[^"\\]|\\[\\"abfnrtv0-7x])*"\s*$')


def check_po_syntax(text: str, display: str) -> list[Problem]:
    """Find lines of a `.po` file that gettext tools would reject."""
    problems: list[Problem] = []
    last_keyword: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            if not stripped:
                last_keyword = None
            continue
        match = _KEYWORD.match(stripped)
        string = match.group(2) if match else stripped
        if match:
            keyword = match.group(1)
            follows = ("msgid", "msgid_plural", "msgstr") if keyword.startswith("msgstr[") else ("msgid",)
            if keyword.startswith("msgstr") and last_keyword not in follows:
                problems.append(Problem(file=display, line=number, message=f"{keyword} has no msgid before it",
                                        hint="each entry is msgid \"...\" then msgstr \"...\""))
            last_keyword = keyword.split("[")[0]
        elif not stripped.startswith('"') or last_keyword is None:
            problems.append(Problem(file=display, line=number,
                                    message=f"unexpected text in the catalog: {stripped[:40]!r}",
                                    hint="every line is a comment (#), a keyword such as msgstr, or a "
                                    "quoted string"))
            continue
        if not _STRING.match(string):
            problems.append(Problem(file=display, line=number, message="this quoted string is not closed "
                                    "or has a bad escape", hint='end it with " and write \\" for a quote'))
    return problems


@dataclass
class LoadedCatalog:
    """The shown translations of one `.po` file: fuzzy and empty entries left out."""

    path: Path
    display: str
    catalog: Catalog
    messages: dict[tuple[str | None, str], str | tuple[str, ...]] = field(default_factory=dict)
    lines: dict[tuple[str | None, str], int] = field(default_factory=dict)
    plural_counts: dict[int, int] = field(default_factory=dict)
    """Line of each plural entry's msgid -> how many msgstr[N] lines it really has."""


def load_catalog(path: Path, root: Path) -> tuple[LoadedCatalog | None, list[Problem]]:
    """Read a `.po` file strictly; return its non-fuzzy translations keyed by (context, msgid)."""
    display = display_path(path, root)
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [Problem(file=display, message="the catalog is not UTF-8 text",
                              hint="save it as UTF-8 in your translation tool")]
    except OSError as exc:
        return None, [Problem(file=display, message=f"cannot read the catalog: {exc.strerror}")]
    problems = check_po_syntax(text, display)
    if problems:
        return None, problems
    try:
        catalog = read_po(raw.splitlines(keepends=True).__iter__(), abort_invalid=True)
    except Exception as exc:  # Babel raises several types for broken headers
        return None, [Problem(file=display, message=f"the catalog cannot be read: {exc}")]
    loaded = LoadedCatalog(path=path, display=display, catalog=catalog, plural_counts=_plural_counts(text))
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        msgid = message.id[0] if isinstance(message.id, (tuple, list)) else message.id
        strings = message.string
        if isinstance(strings, (tuple, list)):
            if not all(strings):
                continue
            value: str | tuple[str, ...] = tuple(strings)
        elif not strings:
            continue
        else:
            value = strings
        key = (message.context, msgid)
        loaded.messages[key] = value
        loaded.lines[key] = message.lineno or 0
    return loaded, []


def _plural_counts(text: str) -> dict[int, int]:
    """Count the msgstr[N] lines of every plural entry (Babel pads missing ones silently)."""
    counts: dict[int, int] = {}
    msgid_line = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("msgid "):
            msgid_line = number
        elif line.startswith("msgstr["):
            counts[msgid_line] = counts.get(msgid_line, 0) + 1
    return counts
