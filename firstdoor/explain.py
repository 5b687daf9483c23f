"""Pydantic's validation errors explained in words a communications officer can act on.

Each error becomes a `Problem` at the line and column where the offending value (or
key) was written, with a hint: the allowed values and a "did you mean", the field's
own docstring for a missing key, quoting advice for a number where text goes.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from typing import Any

from pydantic import BaseModel

from firstdoor.checks import describe_range, shorten
from firstdoor.errors import Problem
from firstdoor.sources import Document, Path_


def describe_error(model: type[BaseModel], doc: Document, error: Any) -> Problem:
    """Turn one pydantic error into a `Problem` a communications officer can act on."""
    path: Path_ = tuple(error["loc"])
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    hint = None
    mark = doc.mark(path)
    field = dotted(path)
    if kind == "missing":
        parent = path[:-1]
        mark = doc.key_mark(parent) if parent else doc.values.get(())
        message = f"the required key '{path[-1]}' is missing"
        hint = f"add `{path[-1]}:`" + _describe_field(model, path)
    elif kind == "extra_forbidden":
        mark = doc.key_mark(path)
        allowed = field_names(model, path[:-1])
        close = difflib.get_close_matches(str(path[-1]), allowed, n=1, cutoff=0.6)
        message = f"unknown key '{path[-1]}'"
        hint = f"did you mean '{close[0]}'?" if close else f"the keys allowed here are: {', '.join(allowed)}"
    elif kind in ("literal_error", "enum"):
        options = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        close = difflib.get_close_matches(str(value), options, n=1, cutoff=0.5)
        message = f"'{value}' is not one of {', '.join(options)}"
        hint = f"did you mean '{close[0]}'?" if close else None
    elif kind == "string_type":
        message = f"expected text, got {_kind_of(value)}"
        hint = "put the text in quotes" if isinstance(value, (int, float, bool)) else None
    elif kind in ("model_type", "dict_type", "model_attributes_type"):
        message = f"expected a group of `key: value` lines, got {_kind_of(value)}"
        hint = "indent the keys under this one" + _describe_field(model, path)
    elif kind == "list_type":
        message = f"expected a list, got {_kind_of(value)}"
        hint = "write it as [a, b] or as lines starting with '- '"
    elif kind in ("int_parsing", "int_type", "int_from_float"):
        message = f"expected a whole number, got {_kind_of(value)}"
    elif kind in ("bool_parsing", "bool_type"):
        message = f"expected true or false, got {_kind_of(value)}"
    elif kind in ("float_parsing", "float_type"):
        message = f"expected a number, got {_kind_of(value)}"
    elif kind in ("too_short", "too_long") and "actual_length" in ctx:
        message = f"{describe_range(kind, ctx)}; this has {ctx.get('actual_length')}"
    elif describe_range(kind, ctx):
        message = f"{describe_range(kind, ctx)}, not {getattr(value, 'written', value)}"
    else:
        message = str(error["msg"]).removeprefix("Value error, ")
        if isinstance(ctx.get("value"), str):  # never echo a whole pasted page back
            message = message.replace(ctx["value"], shorten(ctx["value"]))
        message = message[0].lower() + message[1:] if message[:2] != message[:2].upper() else message
    return Problem(file=doc.display, line=mark.line if mark else None,
                   column=mark.column if mark else None, field=field or None,
                   message=message, hint=hint)


def dotted(path: Path_) -> str:
    """`('events', 0, 'start')` -> `events[0].start`, the way errors name a field."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _kind_of(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"'{str(value).lower()}'"
    if isinstance(value, (int, float)):
        return f"the number {getattr(value, 'written', value)}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a group of keys"
    return f"'{value}'"


def model_at(model: type[BaseModel], path: Path_) -> type[BaseModel] | None:
    """The model class that describes the mapping at `path` inside `model`."""
    current: Any = model
    for part in path:
        if isinstance(part, int):
            current = _unwrap(current, list)
            continue
        if isinstance(current, type) and issubclass(current, BaseModel):
            info = current.model_fields.get(str(part))
            if info is None:
                return None
            current = info.annotation
        else:
            current = _unwrap(current, dict)
        current = _unwrap(current, None)
    current = _unwrap(current, None)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any, container: type | None) -> Any:
    """Strip Optional/Annotated, and step into list or dict item types."""
    while True:
        origin = typing.get_origin(annotation)
        args = typing.get_args(annotation)
        if origin is typing.Annotated:
            annotation = args[0]
        elif origin in (typing.Union, types.UnionType):
            annotation = next(a for a in args if a is not type(None))
        elif container is list and origin is list:
            return args[0]
        elif container is dict and origin is dict:
            return args[1]
        else:
            return annotation


def field_names(model: type[BaseModel], path: Path_) -> list[str]:
    """The keys allowed in the mapping at `path`."""
    found = model_at(model, path)
    return list(found.model_fields) if found else []


def _describe_field(model: type[BaseModel], path: Path_) -> str:
    parent = model_at(model, path[:-1])
    if parent is None or not isinstance(path[-1], str):
        return ""
    info = parent.model_fields.get(path[-1])
    return f" — {info.description}" if info and info.description else ""
