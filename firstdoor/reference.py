"""`docs/content-reference.md`, generated from the content model so it cannot drift.

Every table row comes from a field of `model.py`: its key, its type, whether it is
required, its docstring, and the example that `firstdoor new` also writes. Regenerate
after changing the model:

    python -m firstdoor.reference --write

A test fails when the committed file differs from what this module generates.
"""

from __future__ import annotations

import datetime as dt
import sys
import types
import typing
from pathlib import Path
from typing import Annotated, Any, Literal, Sequence

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from firstdoor import examples, values
from firstdoor.advice import RULES
from firstdoor.model import District, School
from firstdoor.scaffold import _dated, core_type, help_line, item_model

TARGET = Path(__file__).resolve().parent.parent / "docs" / "content-reference.md"
EXAMPLE_DAY = dt.date(2026, 11, 1)
"""The day `{today+N}` examples count from in the reference (fixed, so the file is stable)."""

_NAMED_TYPES: list[tuple[Any, str]] = [
    (values.Date, "date `YYYY-MM-DD`"),
    (values.DateTime, "date and time `YYYY-MM-DDTHH:MM` (district time)"),
    (values.DateOrDateTime, "date, or date and time"),
    (values.Time, "time `\"HH:MM\"` (24-hour, in quotes)"),
    (values.Url, "web address"),
    (values.SiteUrl, "web address (no `?` or `#` part)"),
    (values.SchoolId, "school id (lowercase letters, digits, dashes)"),
    (values.Email, "e-mail address"),
    (values.Phone, "phone number (in quotes)"),
    (values.ZipCode, "ZIP code (in quotes)"),
    (values.NcesId, "NCES id (digits in quotes)"),
    (values.LanguageTag, "language tag (BCP 47)"),
    (values.VocabularyKey, "key (lowercase letters, digits, dashes)"),
]


def type_name(annotation: Any, metadata: Sequence[Any] = ()) -> str:
    """A field's type in words a communications officer knows."""
    if metadata:
        annotation = Annotated[(annotation, *metadata)]
    for alias, name in _NAMED_TYPES:
        if annotation == alias:
            return name
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is Annotated:
        return type_name(args[0])  # a constraint such as a length: the docstring says it
    if origin in (typing.Union, types.UnionType):
        return type_name(next(a for a in args if a is not type(None)))
    if origin is Literal:
        return "one of " + ", ".join(f"`{a}`" for a in args)
    if origin is list:
        return f"list of: {type_name(args[0])}"
    if origin is dict:
        return f"{type_name(args[1])}, under each {type_name(args[0])}"
    return _simple_name(annotation)


def _simple_name(annotation: Any) -> str:
    if annotation is values.Text:
        return "text (translated)"
    if annotation is values.Markdown:
        return "Markdown (translated)"
    if annotation is values.Grades:
        return "grades"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "group of keys"
    return {bool: "`true` or `false`", int: "whole number", float: "number", str: "text (not translated)"}.get(
        annotation, str(annotation))


def _row(path: str, info: FieldInfo, example_table: dict[str, str]) -> str:
    core = core_type(info.annotation)
    nested = item_model(info.annotation)
    kind = type_name(info.annotation, info.metadata)
    if nested or (isinstance(core, type) and issubclass(core, BaseModel)):
        kind = f"[{kind}](#{_anchor(path + ('[]' if nested and nested[0] == 'list' else ''))})"
    example = example_table.get(path, "")
    example = _dated(example, EXAMPLE_DAY).replace("\n\n", " ¶ ").replace("|", "\\|")
    shown = f"`{example}`" if example and len(example) <= 60 else (f"`{example[:57]}…`" if example else "")
    required = "**required**" if info.is_required() else "optional"
    return f"| `{path.rsplit('.', 1)[-1]}` | {kind} | {required} | {help_line(info)} | {shown} |"


def _anchor(path: str) -> str:
    return "".join(c for c in path.lower().replace(".", "-") if c.isalnum() or c in "-_")


def _sections(model: type[BaseModel], path: str, title: str, example_table: dict[str, str]) -> list[str]:
    """A table for `model`, then one section for each group of keys inside it."""
    anchor = [f'<a id="{_anchor(path)}"></a>', ""] if path else []
    lines = [*anchor, f"### {title.replace('`school.', '`')}", "",
             (model.__doc__ or "").strip().splitlines()[0], "",
             "| Key | Type | Required | What it is | Example |", "| --- | --- | --- | --- | --- |"]
    below: list[str] = []
    for name, info in model.model_fields.items():
        key = f"{path}.{name}" if path else name
        lines.append(_row(key, info, example_table))
        nested = item_model(info.annotation)
        core = core_type(info.annotation)
        if nested:
            inner_path = key + ("[]" if nested[0] == "list" else "{}")
            label = f"`{key}` (each item of the list)" if nested[0] == "list" else f"`{key}.<tag>`"
            below += _sections(nested[1], inner_path, label, example_table)
        elif isinstance(core, type) and issubclass(core, BaseModel):
            below += _sections(core, key, f"`{key}`", example_table)
    return lines + [""] + below


def render_reference() -> str:
    """The whole content reference, as Markdown."""
    lines = [
        "# Content reference",
        "",
        "<!-- Generated from firstdoor/model.py by `python -m firstdoor.reference --write`. "
        "Do not edit by hand: a test fails when this file and the model disagree. -->",
        "",
        "Every key firstdoor reads, generated from its content model. Keys not listed here are errors",
        "(with a \"did you mean\" hint). *Translated* values are prose: translators see them in the",
        "`.po` catalogs. Everything else is data, formatted for each language when the site is built,",
        "so never write a date, a time or a phone number inside prose.",
        "",
        "`firstdoor new school \"Name\"` writes a school file with every key below; required values",
        "are `<<FILL IN: ...>>` placeholders that stop the build until they are replaced.",
        "",
        "## content/district.yaml",
        "",
        *_sections(District, "", "The district file", examples.DISTRICT),
        "## content/schools/&lt;id&gt;.yaml",
        "",
        "One file per school. The file name is the school's id and web address: lowercase letters,",
        "digits and dashes (`lincoln-stem.yaml` → `/en/schools/lincoln-stem/`).",
        "",
        *_sections(School, "school", "A school file", {f"school.{k}": v for k, v in examples.SCHOOL.items()}),
        "## What `firstdoor check` adds",
        "",
        "Validation stops the build on errors. `firstdoor check` also warns about what a valid site",
        "can still get wrong for families (`--strict` makes warnings fail, for CI):",
        "",
        "| Rule | Looks for |",
        "| --- | --- |",
        *[f"| `{rule}` | {text} |" for rule, text in RULES.items()],
        "",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the reference; `--write` saves it to docs/; `--check` exits 1 when the saved one is stale."""
    args = list(sys.argv[1:] if argv is None else argv)
    text = render_reference()
    if "--write" in args:
        TARGET.parent.mkdir(parents=True, exist_ok=True)
        TARGET.write_text(text, encoding="utf-8")
        print(f"wrote {TARGET}")
        return 0
    if "--check" in args:
        current = TARGET.read_text(encoding="utf-8") if TARGET.is_file() else ""
        if current != text:
            print(f"{TARGET} is out of date: run python -m firstdoor.reference --write", file=sys.stderr)
            return 1
        return 0
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
