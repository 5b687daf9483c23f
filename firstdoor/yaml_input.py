"""Guarding the YAML parser: what a content file's bytes must be before YAML sees them,
and YAML's own error messages rewritten in words a communications officer can act on.

Everything here answers with a located `Problem` rather than an exception, and keeps
hostile input cheap: binary files and control characters are refused before parsing,
and nesting depth is measured on libyaml's (iterative) event stream before composing,
because libyaml's composer recurses and a few hundred kilobytes of `[[[[...` crash it.
"""

from __future__ import annotations

import re

import yaml

from firstdoor.errors import Problem

try:  # libyaml's C parser is much faster; fall back to pure Python where it is missing.
    from yaml import CSafeLoader as Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as Loader  # type: ignore[assignment]

__all__ = ["Loader", "MAX_DEPTH", "decode_text", "explain_syntax_error", "too_deep"]

MAX_DEPTH = 40
"""Deepest nesting of lists and groups accepted; the content contract needs five."""

_BINARY_SIGNATURES = {
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a Word, Excel or ZIP file",
    b"\xd0\xcf\x11\xe0": "an old Word or Excel file",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"{\\rtf": "an RTF document",
}
_NOT_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def decode_text(raw: bytes, display: str) -> str | Problem:
    """The file's text (UTF-8, with or without a byte-order mark), or why it is not text."""
    kind = next((name for magic, name in _BINARY_SIGNATURES.items() if raw.startswith(magic)), None)
    if kind is not None or b"\x00" in raw[:8192]:
        return Problem(file=display, message=f"this is {kind or 'a binary file'}, not YAML text",
                       hint="content files are plain text; copy the text into a .yaml file instead")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return Problem(file=display, line=line,
                       message=f"this file is not UTF-8 text (byte 0x{raw[exc.start]:02X} on this line)",
                       hint="save it again as UTF-8 (in most editors: File > Save with encoding > UTF-8)")
    bad = _NOT_PRINTABLE.search(text)
    if bad is not None:
        line, column = _line_column(text, bad.start())
        return Problem(file=display, line=line, column=column,
                       message=f"an invisible control character (U+{ord(bad.group()):04X}) is in the text",
                       hint="delete it; it often comes with text copied from another program")
    return text


def too_deep(text: str, display: str) -> Problem | None:
    """A problem when lists and groups nest deeper than `MAX_DEPTH`; None otherwise.

    Syntax errors are left for the composer to report, so this never raises.
    """
    depth = 0
    try:
        for event in yaml.parse(text, Loader=Loader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                mark = event.start_mark
                if depth > MAX_DEPTH and mark is not None:
                    return Problem(file=display, line=mark.line + 1, column=mark.column + 1,
                                   message=f"lists and groups are nested more than {MAX_DEPTH} deep here",
                                   hint="check the indentation and the brackets")
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return None
    return None


def _line_column(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def explain_syntax_error(exc: yaml.MarkedYAMLError, text: str, display: str) -> Problem:
    """Explain a YAML syntax error in words a non-programmer can act on, at the right place."""
    mark = exc.problem_mark or exc.context_mark
    problem = (exc.problem or "").strip()
    context = (exc.context or "").strip()
    found = _char_at(text, mark)
    opened = exc.context_mark
    opened_line = opened.line + 1 if opened else None
    message = f"YAML syntax error: {problem or exc}"
    hint = "check the indentation and the quotes on this line and the one above"
    quote = _unclosed_quote(text, mark.line if mark else 0)
    if quote is not None and not ("end of stream" in problem and "quoted scalar" in context):
        line, column, char = quote
        return Problem(file=display, line=line + 1, column=column + 1,
                       message=f"YAML syntax error: the quote {char} that starts this value is not closed "
                       "on this line",
                       hint=f"end the value with {char}; YAML read on to line {mark.line + 1 if mark else '?'} "
                       "looking for it")
    if found == "\t" or "tab" in problem:
        message, hint = "a tab character is used for indentation", "indent with spaces only"
    elif "cannot start any token" in problem and found:
        message = f"a value cannot start with the character {found}"
        hint = "put the whole value in quotes"
    elif "end of stream" in problem and "quoted scalar" in context and opened is not None:
        mark = opened
        message = "a quote was opened and never closed"
        hint = "end the text with the same quote mark it starts with"
    elif "escape" in problem:
        message = "a backslash inside double quotes starts an escape code that does not exist"
        hint = "write \\\\ for a backslash, or use single quotes"
    elif "flow sequence" in context:
        message = f"the list opened with [ on line {opened_line} is not closed with ]"
        hint = "separate items with commas and end the list with ]"
    elif "flow mapping" in context:
        message = f"the group opened with {{ on line {opened_line} is not closed with }}"
        hint = "separate keys with commas and end the group with }"
    elif "single document" in context:
        message = "the file holds a second YAML document (a line with only ---)"
        hint = "delete the --- line; each school is its own file"
    elif "undefined alias" in problem:
        message = "a value starting with * refers to an anchor (&name) that does not exist"
        hint = "put the value in quotes"
    elif "expected '-' indicator" in problem or "<block end>" in problem:
        message = f"this line does not fit the list that starts on line {opened_line}"
        hint = "list items start with '- ' at the same indentation; other keys go less indented"
    elif "did not find expected key" in problem:
        message = "this line is indented differently from the lines above it"
        hint = "keys of one group start in the same column; line them up with spaces"
    elif "could not find expected ':'" in problem:
        hint = "every key needs a colon and a space after it, e.g. `name: Lincoln`; check the indentation"
    elif "mapping values are not allowed" in problem:
        message = "a colon followed by a space is not allowed here"
        hint = "put a value that contains ': ' in quotes, or fix the indentation of this line"
    if not message.startswith("YAML syntax error: "):
        message = "YAML syntax error: " + message
    return Problem(file=display, line=mark.line + 1 if mark else None,
                   column=mark.column + 1 if mark else None, message=message, hint=hint)


_QUOTED_VALUE = re.compile(r"""^\s*(?:-\s+)?(?:[^\s"'#][^:#]*:\s+)?(["'])""")


def _unclosed_quote(text: str, before: int) -> tuple[int, int, str] | None:
    """(line, column, quote) of the first value before line `before` whose opening quote is not
    closed on its own line: YAML reads on across lines, so the error shows up far below."""
    for number, line in enumerate(text.splitlines()[:before]):
        match = _QUOTED_VALUE.match(line)
        if match is None:
            continue
        if not _closes(line[match.end():], match.group(1)):
            return number, match.start(1), match.group(1)
    return None


def _closes(rest: str, quote: str) -> bool:
    """Whether `rest` (the text after an opening quote) holds the closing quote."""
    i = 0
    while i < len(rest):
        if quote == '"' and rest[i] == "\\":
            i += 2
            continue
        if rest[i] == quote:
            if quote == "'" and rest[i + 1:i + 2] == "'":  # '' is an escaped ' inside single quotes
                i += 2
                continue
            return True
        i += 1
    return False


def _char_at(text: str, mark: yaml.Mark | None) -> str:
    """The character at a YAML mark (libyaml's `index` counts bytes, so walk lines instead)."""
    if mark is None:
        return ""
    lines = text.splitlines()
    if mark.line >= len(lines) or mark.column >= len(lines[mark.line]):
        return ""
    return lines[mark.line][mark.column]
