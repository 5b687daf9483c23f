"""Validation checks that look across fields or files: timezone names, date order that
involves both a school and the district, school id aliases, and the tidying of pydantic's
errors into one clear problem per mistake. `validate.py` calls these.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
from pathlib import Path
from typing import Any, Iterable, Iterator
from zoneinfo import ZoneInfo, available_timezones

from pydantic import BaseModel

from firstdoor.errors import Problem
from firstdoor.model import District, School
from firstdoor.prose import INLINE_TAGS, URL_SCHEMES
from firstdoor.sources import SiteFiles
from firstdoor.values import Markdown

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif")

_ABBREVIATIONS = {
    "EST": "America/New_York", "EDT": "America/New_York", "EST5EDT": "America/New_York",
    "CST": "America/Chicago", "CDT": "America/Chicago", "CST6CDT": "America/Chicago",
    "MST": "America/Denver", "MDT": "America/Denver", "MST7MDT": "America/Denver",
    "Navajo": "America/Denver", "PST": "America/Los_Angeles", "PDT": "America/Los_Angeles",
    "PST8PDT": "America/Los_Angeles", "AKST": "America/Anchorage", "AKDT": "America/Anchorage",
    "HST": "Pacific/Honolulu", "GMT": "UTC", "UCT": "UTC", "Universal": "UTC", "Zulu": "UTC",
}


@functools.cache
def _zone_names() -> frozenset[str]:
    """IANA zone names a district may use: Area/City names and UTC, never the machine's `localtime`."""
    return frozenset(name for name in available_timezones()
                     if "/" in name and not name.startswith(("posix/", "right/"))) | {"UTC"}


def parse_timezone(name: str) -> ZoneInfo | tuple[str, str]:
    """The zone named `name`, or (message, hint) saying why it cannot be used.

    Only names in the IANA list are opened, so a name such as `America` (a folder of the
    zone database) or a very long string cannot make the lookup itself fail.
    """
    names = _zone_names()
    if name in names:
        return ZoneInfo(name)
    suggestion = _ABBREVIATIONS.get(name.upper()) or _ABBREVIATIONS.get(name)
    if suggestion is None:
        folded = {zone.casefold(): zone for zone in names}
        suggestion = folded.get(name.strip().casefold())
    if suggestion is None:
        city = name.strip().replace(" ", "_").casefold()
        suggestion = next((z for z in sorted(names) if z.casefold().endswith("/" + city)), None)
    if suggestion is None and len(name) <= 60:
        close = difflib.get_close_matches(name, sorted(names), n=1, cutoff=0.6)
        suggestion = close[0] if close else None
    if name.upper() in _ABBREVIATIONS or name in _ABBREVIATIONS:
        message = f"'{name}' is an abbreviation, not an IANA timezone (it may ignore daylight saving time)"
    else:
        message = f"'{shorten(name)}' is not an IANA timezone"
    hint = f"did you mean '{suggestion}'?" if suggestion else "e.g. America/Chicago, America/New_York"
    inside = sorted(zone for zone in names if zone.startswith(name + "/"))
    if inside:  # an area such as `America` alone
        example = "America/Chicago" if name == "America" else inside[0]
        hint = f"write the area and a city, e.g. {example}"
    return message, hint


def shorten(text: str, limit: int = 60) -> str:
    """`text`, cut to `limit` characters for an error message."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def merge_typos(problems: list[Problem]) -> list[Problem]:
    """Drop "required key X is missing" when the same mapping has an unknown key close to X.

    `tranportation:` then gives one problem ("did you mean 'transportation'?"), not two.
    """
    typos = [p for p in problems if p.message.startswith("unknown key '")]
    kept = []
    for problem in problems:
        if problem.message.startswith("the required key '") and problem.field:
            missing = problem.field.rsplit(".", 1)[-1]
            parent = problem.field[: -len(missing)].rstrip(".")
            if any(t.hint == f"did you mean '{missing}'?" and _parent(t.field) == parent for t in typos):
                continue
        kept.append(problem)
    return kept


def _parent(field: str | None) -> str:
    return (field or "").rpartition(".")[0]


def as_date(value: dt.date) -> dt.date:
    """The day of a date or a date-time."""
    return value.date() if isinstance(value, dt.datetime) else value


def school_deadline_problem(school: School, district: District) -> str | None:
    """Why a school's own deadline cannot be right, or None."""
    own = school.application.deadline if school.application else None
    if own is None:
        return None
    app = district.application
    if as_date(own) < app.opens:
        return f"the school's deadline is before applications open ({app.opens.isoformat()})"
    if as_date(own) > app.results:
        return f"the school's deadline is after results are sent ({app.results.isoformat()})"
    return None


def alias_problems(schools: dict[str, School]) -> Iterable[tuple[str, int, str, str]]:
    """(school id, alias index, message, hint) for each alias that cannot become a redirect.

    An alias keeps an old web address (printed in QR codes) working, so it must not be the
    address of a school that exists now, nor be claimed by two schools.
    """
    claimed: dict[str, str] = {}
    for school_id, school in schools.items():
        for i, alias in enumerate(school.aliases):
            if alias == school_id:
                yield school_id, i, f"'{alias}' is this school's own id", "remove it from aliases"
            elif alias in schools:
                yield (school_id, i, f"'{alias}' is the id of another school, content/schools/{alias}.yaml",
                       "an alias is an old id that no school uses any more")
            elif alias in claimed:
                yield (school_id, i, f"'{alias}' is also an alias of {claimed[alias]}",
                       "an old address can lead to one school only")
            else:
                claimed[alias] = school_id


def describe_range(kind: str, ctx: dict[str, Any]) -> str | None:
    """Plain words for pydantic's number-range and list-length errors."""
    if kind in ("too_short", "too_long"):
        if "actual_length" not in ctx:  # a custom error of the same name (prose too long)
            return None
        limit = ctx.get("min_length") if kind == "too_short" else ctx.get("max_length")
        verb = "needs at least" if kind == "too_short" else "takes at most"
        return f"{verb} {limit} item{'' if limit == 1 else 's'}"
    words = {"greater_than_equal": ("at least", "ge"), "less_than_equal": ("at most", "le"),
             "greater_than": ("more than", "gt"), "less_than": ("less than", "lt")}
    if kind not in words:
        return None
    phrase, key = words[kind]
    return f"must be {phrase} {ctx.get(key)}"


def image_problem(src: str, files: SiteFiles) -> tuple[str, str] | None:
    """(message, hint) when an image path is not a picture inside content/images/, else None.

    Web addresses, absolute paths, `..` and links that lead out of the site are refused: the
    file is copied into the published site, so it must be the district's own.
    """
    relative = Path(src)
    if "://" in src or src.startswith(("data:", "//")):
        return (f"'{shorten(src)}' is a web address; images must be files in content/images/",
                "download the picture into content/images/ and write its path")
    if relative.is_absolute() or ".." in relative.parts or "\\" in src or re.match(r"^[A-Za-z]:", src):
        return f"'{shorten(src)}' must be a path inside content/images/", "write it like school-id/photo.jpg"
    if relative.suffix.lower() not in IMAGE_SUFFIXES:
        return f"'{shorten(src)}' is not a supported image", f"use one of {', '.join(IMAGE_SUFFIXES)}"
    target = files.images_dir / relative
    if not target.is_file():
        return f"the image content/images/{src} does not exist", "check the spelling and the folder"
    try:
        target.resolve().relative_to(files.root.resolve())
    except ValueError:
        return (f"content/images/{src} links to a file outside the site folder",
                "copy the image into content/images/ instead of linking it")
    return None


_HTML_TAG = re.compile(r"<\s*([A-Za-z][A-Za-z0-9-]*)(?=[\s/>])")
_LINK_URL = re.compile(r"\]\(\s*<?((?:[^()\s>]|\([^()\s]*\))*)")


def unsafe_markup(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str, str]]:
    """(path, message, hint) for each piece of Markdown prose holding HTML or a link the sanitiser
    removes (`<script>`, `<img>`, `javascript:`): the page will not show what the author wrote."""
    if isinstance(node, Markdown):
        dropped = sorted({tag.lower() for tag in _HTML_TAG.findall(node.text)} - INLINE_TAGS)
        if dropped:
            yield (path, f"the HTML <{'>, <'.join(dropped)}> is removed when the page is built",
                   "write Markdown instead: **bold**, [a link](https://...), lists with '- '")
        for url in _LINK_URL.findall(node.text):
            scheme = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):", url)
            if scheme and scheme.group(1).lower() not in URL_SCHEMES:
                yield (path, f"the link to '{shorten(url, 40)}' is removed when the page is built",
                       "links may lead only to https:, http:, mailto: or tel: addresses")
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from unsafe_markup(getattr(node, name), (*path, name))
    elif isinstance(node, (list, tuple)):
        for i, item in enumerate(node):
            yield from unsafe_markup(item, (*path, i))
    elif isinstance(node, dict):
        for key, item in node.items():
            yield from unsafe_markup(item, (*path, key))
