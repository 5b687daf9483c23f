"""Placeholders left by `firstdoor new`: `<<FILL IN: what to write>>`, an error until replaced.

A scaffolded school file holds placeholders for every required value, so a half-written
school can never be published by accident. Validation reports each one in plain words
(instead of, say, "'<<FILL IN: ...>>' is not a grade") at its line and column.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from firstdoor.sources import Path_

MARKER = re.compile(r"<<\s*FILL IN\b:?\s*([^<>]*?)\s*>>")
"""A placeholder; its text says what to write instead."""


def placeholder(what: str) -> str:
    """The placeholder text for a value described by `what`."""
    return f"<<FILL IN: {what}>>"


def find_placeholders(data: Any) -> dict[Path_, tuple[str, str]]:
    """Every value that still holds a placeholder: its path, and (message, hint) to report."""
    found: dict[Path_, tuple[str, str]] = {}
    for path, text in _strings(data, ()):
        match = MARKER.search(text)
        if match is not None:
            what = match.group(1) or "the real value"
            found[path] = (f"the placeholder {match.group(0)} is still here",
                           f"replace it with {what}; nothing is published until every <<FILL IN>> is replaced")
    return found


def _strings(node: Any, path: Path_) -> Iterator[tuple[Path_, str]]:
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _strings(value, (*path, i))
