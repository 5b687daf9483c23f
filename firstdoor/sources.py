"""Finding a site's content files and reading YAML while keeping where every value was written.

YAML is composed into nodes (which carry line and column) and turned into plain Python
values with our own, deliberately small scalar rules, so the classic YAML 1.1 traps
cannot change what a district meant: `no` stays the text "no" (Norwegian), `07:05` stays
a time and is never read as the sexagesimal number 425, and a number written without
quotes (`phone: 5550100`, `zip_codes: [02134]`) keeps the digits exactly as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from firstdoor.errors import Problem
from firstdoor.yaml_input import Loader as _Loader
from firstdoor.yaml_input import decode_text, explain_syntax_error, too_deep


MAX_FILE_BYTES = 1_000_000
"""Content files larger than this are refused (a school file is a few kilobytes)."""

MAX_NODES = 200_000
"""Bound on values produced from one file, so alias bombs ("billion laughs") fail fast."""

SCHOOL_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

Path_ = tuple[str | int, ...]
"""Where a value sits in a document: keys and list indices from the top."""


class SourceInt(int):
    """An integer that remembers the digits the user wrote (`02134` keeps its zero)."""

    written: str

    def __new__(cls, value: int, written: str) -> "SourceInt":
        obj = super().__new__(cls, value)
        obj.written = written
        return obj


class SourceFloat(float):
    """A float that remembers the text the user wrote (`44.9500` keeps its zeros)."""

    written: str

    def __new__(cls, value: float, written: str) -> "SourceFloat":
        obj = super().__new__(cls, value)
        obj.written = written
        return obj


@dataclass(frozen=True)
class Mark:
    """A 1-based line and column in a source file."""

    line: int
    column: int


@dataclass
class Document:
    """One parsed YAML file: its data and the position of every key and value in it."""

    path: Path
    display: str
    data: Any
    values: dict[Path_, Mark] = field(default_factory=dict)
    keys: dict[Path_, Mark] = field(default_factory=dict)

    def mark(self, path: Path_) -> Mark | None:
        """Where the value at `path` was written, or its nearest written parent."""
        for end in range(len(path), -1, -1):
            found = self.values.get(path[:end])
            if found is not None:
                return found
        return None

    def key_mark(self, path: Path_) -> Mark | None:
        """Where the key of `path` was written (for unknown-key errors), else the value's mark."""
        return self.keys.get(path) or self.mark(path)


@dataclass(frozen=True)
class SiteFiles:
    """The content files of one site folder, in a stable order."""

    root: Path
    district: Path
    schools: tuple[Path, ...]
    images_dir: Path
    templates_dir: Path
    translations_dir: Path


def find_site_files(root: Path) -> tuple[SiteFiles | None, list[Problem]]:
    """Locate `content/district.yaml` and every `content/schools/*.yaml` under `root`."""
    problems: list[Problem] = []
    content = root / "content"
    district = content / "district.yaml"
    if not district.is_file():
        problems.append(Problem(
            file=display_path(district, root),
            message="the district file is missing",
            hint=f"create it, or point --site at the folder that holds content/ (now: {root})",
        ))
        return None, problems
    schools_dir = content / "schools"
    schools: list[Path] = []
    if schools_dir.is_dir():
        for path in sorted(schools_dir.iterdir()):
            if path.name.startswith(".") or path.is_dir():
                continue
            if path.suffix in (".yml", ".json", ".txt") or (path.suffix != ".yaml" and path.suffix):
                problems.append(Problem(
                    file=display_path(path, root),
                    message="school files must end in .yaml; this file is not read",
                    hint=f"rename it to {path.stem}.yaml",
                ))
                continue
            if path.suffix != ".yaml":
                continue
            if not SCHOOL_ID.match(path.stem):
                problems.append(Problem(
                    file=display_path(path, root),
                    message=f"'{path.stem}' is not a valid school id: the file name becomes the web address",
                    hint="use lowercase letters, digits and single dashes, e.g. "
                    f"{suggest_id(path.stem)}.yaml",
                ))
                continue
            schools.append(path)
    return SiteFiles(
        root=root,
        district=district,
        schools=tuple(schools),
        images_dir=content / "images",
        templates_dir=root / "templates",
        translations_dir=root / "translations",
    ), problems


def suggest_id(text: str) -> str:
    """Turn a name into a valid id: `Lincoln STEM Academy` -> `lincoln-stem-academy`."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "school"


def display_path(path: Path, root: Path) -> str:
    """A path as the user should see it: relative to the site folder when inside it."""
    try:  # the folder is resolved, not the file: a linked file is shown where the user put it
        return (path.parent.resolve() / path.name).relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def load_yaml(path: Path, root: Path) -> tuple[Document | None, list[Problem]]:
    """Read one YAML file into a `Document`, or explain precisely why it cannot be read."""
    display = display_path(path, root)
    raw = _read_bytes(path, root, display)
    if isinstance(raw, Problem):
        return None, [raw]
    text = decode_text(raw, display)
    if isinstance(text, Problem):
        return None, [text]
    if not text.strip():
        return None, [Problem(file=display, line=1, message="the file is empty",
                              hint="write the keys the content reference lists, or delete the file")]
    deep = too_deep(text, display)
    if deep is not None:
        return None, [deep]
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        return None, [explain_syntax_error(exc, text, display)]
    except yaml.YAMLError as exc:
        return None, [Problem(file=display, message=f"not valid YAML: {exc}")]
    if node is None:
        return None, [Problem(file=display, line=1, message="the file has only comments, no keys",
                              hint="write the keys the content reference lists, or delete the file")]
    document = Document(path=path, display=display, data=None)
    builder = _Builder(document)
    try:
        document.data = builder.build(node, ())
    except _TooLarge:
        return None, [Problem(file=display, message="this file expands to too many values "
                              "(aliases repeated inside aliases?)",
                              hint="write the values out instead of nesting YAML aliases")]
    return document, builder.problems


def _read_bytes(path: Path, root: Path, display: str) -> bytes | Problem:
    """Read a file's bytes with the size limit and without following links out of the site."""
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return Problem(file=display, message="this file is a link to a place outside the site folder",
                       hint="copy the file into the site folder instead of linking to it")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return Problem(file=display, message=f"the file is {size:,} bytes; the limit is "
                           f"{MAX_FILE_BYTES:,}", hint="a content file should be a few kilobytes")
        return path.read_bytes()
    except OSError as exc:
        return Problem(file=display, message=f"cannot read the file: {exc.strerror}")


def _tag_name(tag: str) -> str:
    """A YAML tag as it was written: `tag:yaml.org,2002:binary` -> `!!binary`."""
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag


class _TooLarge(Exception):
    pass


_NULLS = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$")


class _Builder:
    """Turns composed YAML nodes into Python values, recording marks and duplicate keys."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.problems: list[Problem] = []
        self.count = 0

    def build(self, node: yaml.Node, path: Path_) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooLarge()
        self.document.values[path] = Mark(node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            self._check_tag(node, "tag:yaml.org,2002:map")
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            self._check_tag(node, "tag:yaml.org,2002:seq")
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        return self._scalar(node)

    def _check_tag(self, node: yaml.Node, default: str) -> None:
        """`!!python/object` and other tags on a list or group: refused like on a value."""
        if node.tag != default:
            self._problem(node, f"YAML tags such as {_tag_name(node.tag)} are not supported", "remove the tag")

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self._problem(key_node, "YAML merge keys (<<) are not supported",
                              "write the keys out in full")
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self._problem(key_node, "a key must be a simple word", "e.g. `name:`")
                continue
            key = str(key_node.value)
            if key in result:
                first = self.document.keys[(*path, key)]
                self._problem(key_node, f"the key '{key}' is written twice (first on line {first.line})",
                              "keep one of them: YAML would silently drop the first")
                continue
            self.document.keys[(*path, key)] = Mark(key_node.start_mark.line + 1,
                                                    key_node.start_mark.column + 1)
            result[key] = self.build(value_node, (*path, key))
        return result

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        text = node.value
        if node.style:  # quoted or block scalar: always text, exactly as written
            return text
        if node.tag not in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:null", "tag:yaml.org,2002:bool",
                            "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
                            "tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:value"):
            self._problem(node, f"YAML tags such as {_tag_name(node.tag)} are not supported", "remove the tag")
            return text
        if text in _NULLS:
            return None
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        if _INT.match(text):
            return SourceInt(int(text), text)
        if _FLOAT.match(text):
            return SourceFloat(float(text), text)
        return text

    def _problem(self, node: yaml.Node, message: str, hint: str) -> None:
        self.problems.append(Problem(
            file=self.document.display,
            line=node.start_mark.line + 1,
            column=node.start_mark.column + 1,
            message=message,
            hint=hint,
        ))
