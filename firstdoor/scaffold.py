"""`firstdoor new`: a school file with every key of the contract, and a new site that builds.

The files are written from the content model itself: every field appears, with the
one-line help of its docstring, so a scaffold can never miss a key the model gained.
Required values are `<<FILL IN: ...>>` placeholders that fail validation until they
are replaced (a half-written school is never published); optional keys are commented
out with an example value, ready to be switched on by deleting the `# `.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import types
import typing
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from firstdoor import examples
from firstdoor.errors import Problem, UsageError
from firstdoor.extract import extract
from firstdoor.model import District, School
from firstdoor.pipeline import load_site
from firstdoor.placeholders import placeholder
from firstdoor.sources import SCHOOL_ID, load_yaml, suggest_id
from firstdoor.values import Markdown

NEW_SITE_SCHOOL = "Example Magnet School"
SHOWN_IN_NEW_SITE = {
    District: frozenset({"short_name", "contact.email", "contact.hours", "contact.languages", "contact.interpreter",
                         "application.max_choices", "application.help_sessions", "priorities", "services"}),
    School: frozenset({"seats", "phone", "hours", "admission.priorities", "transportation.details",
                       "transportation.zip_codes", "events"}),
}
"""Optional keys a new site fills in, so its first build shows a realistic page."""


@dataclass(frozen=True)
class Recipe:
    """How to write one scaffold: example values, which required ones are placeholders."""

    examples: dict[str, str]
    placeholders: dict[str, str] = field(default_factory=dict)
    """Required paths written as `<<FILL IN: ...>>` (what to write) instead of an example."""
    shown: frozenset[str] = frozenset()
    """Optional paths written as active lines instead of comments."""
    today: dt.date = dt.date(2026, 1, 1)


def core_type(annotation: Any) -> Any:
    """Strip Optional and Annotated from a field's type."""
    while True:
        origin, args = typing.get_origin(annotation), typing.get_args(annotation)
        if origin is typing.Annotated:
            annotation = args[0]
        elif origin in (typing.Union, types.UnionType):
            annotation = next(a for a in args if a is not type(None))
        else:
            return annotation


def item_model(annotation: Any) -> tuple[str, type[BaseModel]] | None:
    """("list" | "dict", model) when a field holds a list or mapping of groups of keys."""
    core = core_type(annotation)
    origin, args = typing.get_origin(core), typing.get_args(core)
    inner = core_type(args[-1]) if args else None
    if origin in (list, dict) and isinstance(inner, type) and issubclass(inner, BaseModel):
        return ("list" if origin is list else "dict"), inner
    return None


def help_line(info: FieldInfo) -> str:
    """The first line of a field's docstring, the help written beside it."""
    return (info.description or "").strip().splitlines()[0] if info.description else ""


def render_model(model: type[BaseModel], recipe: Recipe, prefix: str = "", indent: int = 0,
                 commented: bool = False) -> list[str]:
    """The YAML lines for every field of `model`; optional ones commented out."""
    lines: list[str] = []
    for name, info in model.model_fields.items():
        path = f"{prefix}.{name}" if prefix else name
        optional = not info.is_required() and path not in recipe.shown
        # Inside a commented or a shown optional group, every key is written active.
        block = _render_field(name, info, path, recipe, indent, commented or not info.is_required())
        if optional and not commented:
            block = [line[:indent] + "# " + line[indent:] for line in block]
        core = core_type(info.annotation)
        grouped = item_model(info.annotation) or (isinstance(core, type) and issubclass(core, BaseModel))
        if indent == 0 and grouped and lines and lines[-1]:
            lines.append("")
        lines += block
    return lines


def _render_field(name: str, info: FieldInfo, path: str, recipe: Recipe, indent: int,
                  commented: bool) -> list[str]:
    pad = " " * indent
    note = f"  # {help_line(info)}" if help_line(info) else ""
    nested = item_model(info.annotation)
    core = core_type(info.annotation)
    if path in recipe.placeholders:
        value = json.dumps(placeholder(recipe.placeholders[path]), ensure_ascii=False)
        if typing.get_origin(core) is list:
            value = f"[{value}]"
        if core is Markdown:
            return [f"{pad}{name}: |{note}", f"{pad}  {placeholder(recipe.placeholders[path])}"]
        return [f"{pad}{name}: {value}{note}"]
    if path in recipe.examples:
        value = _dated(recipe.examples[path], recipe.today)
        if core is Markdown:
            body = [f"{pad}  {line}" if line else "" for line in value.split("\n")]
            return [f"{pad}{name}: |{note}", *body]
        return [f"{pad}{name}: {value}{note}"]
    if nested is not None:
        kind, inner = nested
        if kind == "list":
            item = render_model(inner, recipe, f"{path}[]", indent + 4, commented)
            item[0] = item[0][:indent + 2] + "- " + item[0][indent + 4:]
            return [f"{pad}{name}:{note}", *item]
        key = examples.DICT_KEYS[path]
        return [f"{pad}{name}:{note}", f"{pad}  {key}:",
                *render_model(inner, recipe, f"{path}{{}}", indent + 4, commented)]
    if isinstance(core, type) and issubclass(core, BaseModel):
        return [f"{pad}{name}:{note}", *render_model(core, recipe, path, indent + 2, commented)]
    raise KeyError(f"examples.py has no example for `{path}`")


def _dated(value: str, today: dt.date) -> str:
    return re.sub(r"\{today\+(\d+)\}", lambda m: (today + dt.timedelta(days=int(m.group(1)))).isoformat(), value)


def yaml_scalar(text: str) -> str:
    """Text as a YAML value: bare when that is unambiguous, else double-quoted."""
    if re.fullmatch(r"[A-Za-z\u00C0-\uFFFF][^:#\n\"'{}\[\],&*!|>%@`]*", text) and not text.endswith(" ") \
            and text.lower() not in {"true", "false", "yes", "no", "on", "off", "null"}:
        return text
    return json.dumps(text, ensure_ascii=False)


def school_id_for(name: str) -> str:
    """A school id from its name, accents folded: `Escuela Bilingüe` -> `escuela-bilingue`."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return suggest_id(folded)


def school_scaffold(name: str, school_id: str, today: dt.date, vocabularies: dict[str, list[str]]) -> str:
    """The text of a new school file: placeholders for required values, optional ones commented."""
    recipe_examples = dict(examples.SCHOOL, name=yaml_scalar(name))
    recipe_examples["images[].src"] = f"{school_id}/photo.jpg"
    for key, path in (("priorities", "admission.priorities"), ("services", "services")):
        if vocabularies.get(key):
            recipe_examples[path] = "[" + ", ".join(vocabularies[key][:2]) + "]"
    wanted = dict(examples.SCHOOL_PLACEHOLDERS)
    if vocabularies.get("themes"):
        wanted["themes"] = f"one or more of {', '.join(vocabularies['themes'])}"
    header = [f"# {name}: one magnet school or program. This file's name, {school_id}.yaml, is its web address.",
              "# 1. Replace every <<FILL IN: ...>>. The site is not published until all are replaced.",
              "# 2. Lines starting with \"# \" are optional. To use one, delete the \"# \" and write your value.",
              "# 3. Run `firstdoor check` to see what is left to do. docs/content-reference.md explains every key.",
              ""]
    lines = render_model(School, Recipe(recipe_examples, wanted, today=today))
    return "\n".join(header + lines) + "\n"


def district_vocabularies(site_dir: Path) -> dict[str, list[str]]:
    """The district's theme, priority and service keys, when its file can be read (else empty)."""
    doc, _ = load_yaml(site_dir / "content" / "district.yaml", site_dir)
    data = doc.data if doc is not None and isinstance(doc.data, dict) else {}
    return {key: [str(k) for k in data[key]] for key in ("themes", "priorities", "services")
            if isinstance(data.get(key), dict)}


def new_school(site_dir: Path, name: str, today: dt.date, school_id: str | None = None) -> Path:
    """Write `content/schools/<id>.yaml` for a new school; refuse to overwrite anything."""
    school_id = school_id or school_id_for(name)
    if not SCHOOL_ID.match(school_id):
        raise _usage("--id", f"'{school_id}' is not a valid school id",
                     f"use lowercase letters, digits and dashes, e.g. {suggest_id(school_id)}")
    if not (site_dir / "content" / "district.yaml").is_file():
        raise _usage("--site", f"{site_dir} has no content/district.yaml",
                     "run this in your site folder, or create a site with `firstdoor new site DIR`")
    target = site_dir / "content" / "schools" / f"{school_id}.yaml"
    text = school_scaffold(name, school_id, today, district_vocabularies(site_dir))
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with target.open("x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
            handle.write(text)
    except FileExistsError:
        raise _usage(str(target), "this school file already exists; nothing was changed",
                     "edit it, or choose another name or --id") from None
    return target


def new_site(folder: Path, today: dt.date) -> list[Path]:
    """Create a site folder whose first build succeeds: district, one school, empty catalogs."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise _usage(str(folder), "this folder already exists and is not empty; nothing was changed",
                     "choose a new folder name")
    district = render_model(District, Recipe(examples.DISTRICT, shown=SHOWN_IN_NEW_SITE[District], today=today))
    school_id = school_id_for(NEW_SITE_SCHOOL)
    school_examples = dict(examples.SCHOOL, name=NEW_SITE_SCHOOL)
    school_examples["images[].src"] = f"{school_id}/photo.jpg"
    school = render_model(School, Recipe(school_examples, shown=SHOWN_IN_NEW_SITE[School], today=today))
    files = {
        "content/district.yaml": ["# The district: its languages, the application window, help for families.",
                                  "# Lines starting with \"# \" are optional. docs/content-reference.md explains "
                                  "every key.", "", *district],
        f"content/schools/{school_id}.yaml": ["# An example school: edit it, or add yours with "
                                             "`firstdoor new school \"Name\"`.", "", *school],
        "content/images/.gitkeep": [],
        ".gitignore": ["/_site/", "/_site.backup-*", "/.firstdoor-staging-*"],
    }
    written = []
    for relative, lines in files.items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("\n".join(lines) + ("\n" if lines else ""), encoding="utf-8")
        written.append(target)
    validated = load_site(folder)
    report = extract(validated, validated.languages)  # empty catalogs, ready for translators
    return written + sorted(report.templates + report.catalogs)


def _usage(file: str, message: str, hint: str) -> UsageError:
    return UsageError([Problem(file=file, message=message, hint=hint)])
