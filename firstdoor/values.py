"""Typed values of the content contract: prose, dates in the district's timezone, grades,
phone numbers, URLs, ZIP codes. Each is a pydantic-compatible type with its own messages.

Prose is never a plain string: a `Prose` object can only reach a page through the
translation function (rendering it directly raises), so no prose field can bypass
translation or the missing-translation fallback.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BeforeValidator, GetCoreSchemaHandler, ValidationInfo
from pydantic_core import PydanticCustomError, core_schema

from firstdoor.sources import SourceFloat, SourceInt

ProseKind = Literal["text", "markdown"]


class Prose:
    """A piece of translatable prose, with where it came from (set after validation)."""

    __slots__ = ("text", "kind", "context", "file", "line")
    kind_name: ProseKind = "text"

    def __init__(self, text: str, kind: ProseKind | None = None) -> None:
        self.text = text
        self.kind: ProseKind = kind or self.kind_name
        self.context = ""
        self.file = ""
        self.line = 0

    def bind(self, context: str, file: str, line: int) -> None:
        """Record the translation context and source position (done once, by validation)."""
        self.context, self.file, self.line = context, file, line

    def __html__(self) -> str:
        raise TypeError(f"prose '{self.context}' must pass through the translation filter |t")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Prose) and (self.text, self.kind) == (other.text, other.kind)

    def __hash__(self) -> int:
        return hash((self.text, self.kind))

    @classmethod
    def _validate(cls, value: str) -> "Prose":
        text = value.strip()
        if not text:
            raise PydanticCustomError("empty_text", "this text is empty")
        return cls(text)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> Any:
        return core_schema.no_info_after_validator_function(cls._validate, core_schema.str_schema())


class Text(Prose):
    """Plain translatable text (a title, a tagline, a label)."""

    kind_name: ProseKind = "text"


class Markdown(Prose):
    """Translatable Markdown prose (paragraphs and lists), split into blocks for translators."""

    kind_name: ProseKind = "markdown"


def max_chars(limit: int) -> Any:
    """A validator refusing source prose longer than `limit` characters."""

    def check(value: Prose) -> Prose:
        if len(value.text) > limit:
            raise PydanticCustomError(
                "too_long", "{length} characters is too long; the limit is {limit}",
                {"length": len(value.text), "limit": limit})
        return value

    from pydantic import AfterValidator
    return AfterValidator(check)


def _as_written(value: Any) -> Any:
    """Numbers the user did not quote become the text exactly as written."""
    if isinstance(value, (SourceInt, SourceFloat)):
        return value.written
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def _check_key(value: Any) -> Any:
    value = _as_written(value)
    if isinstance(value, str) and not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", value):
        raise PydanticCustomError(
            "bad_key", "'{value}' is not a valid key: use lowercase letters, digits and dashes",
            {"value": value})
    return value


VocabularyKey = Annotated[str, BeforeValidator(_check_key)]
"""A key of a district vocabulary (themes, priorities, services): it appears in web addresses."""


def _check_school_id(value: Any) -> Any:
    value = _as_written(value)
    if isinstance(value, str) and not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", value):
        raise PydanticCustomError(
            "bad_school_id", "'{value}' is not a school id: use lowercase letters, digits and single "
            "dashes, as in the file name", {"value": value})
    return value


SchoolId = Annotated[str, BeforeValidator(_check_school_id)]
"""A school id, the stem of its file name and part of its web address."""

_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|[0-9]{3}))?(?:-[A-Za-z0-9]{5,8})*$")


def _check_language_tag(value: Any) -> Any:
    value = _as_written(value)
    if isinstance(value, str) and not _TAG.match(value):
        raise PydanticCustomError(
            "bad_language_tag",
            "'{value}' is not a language tag; write a BCP 47 tag such as es, zh-Hans, hmn or pt-BR",
            {"value": value})
    return value


LanguageTag = Annotated[str, BeforeValidator(_check_language_tag)]


_URL = re.compile(r"^https?://[^\s/$.?#<>\"`{}|\\^\x00-\x1f\x7f][^\s<>\"`{}|\\^\x00-\x1f\x7f]*$")
"""http(s) only; no characters that could end an attribute or an XML element (`<>"`...)."""


def _check_url(value: Any) -> Any:
    if isinstance(value, str) and not _URL.match(value):
        raise PydanticCustomError(
            "bad_url", "'{value}' is not a web address; write it in full, starting with https://",
            {"value": value})
    return value


Url = Annotated[str, BeforeValidator(_check_url)]
"""A web address (https: or http:); javascript:, data: and other schemes are refused."""


def _check_site_url(value: Any) -> Any:
    value = _check_url(value)
    if isinstance(value, str) and ("?" in value or "#" in value):
        raise PydanticCustomError(
            "bad_url", "'{value}' is the site's address: it cannot have a ? or # part",
            {"value": value})
    return value


SiteUrl = Annotated[str, BeforeValidator(_check_site_url)]
"""The site's own public address, to which page paths are appended."""


def _check_email(value: Any) -> Any:
    if isinstance(value, str) and not re.fullmatch(r"[^@\s<>\"]+@[^@\s<>\"]+\.[A-Za-z]{2,}", value):
        raise PydanticCustomError(
            "bad_email", "'{value}' is not an e-mail address, e.g. choice@district.example.org",
            {"value": value})
    return value


Email = Annotated[str, BeforeValidator(_check_email)]


def _check_phone(value: Any) -> Any:
    value = _as_written(value)
    if isinstance(value, str):
        if not re.fullmatch(r"[+0-9()./\s-]+(?:\s*(?:ext\.?|x)\s*[0-9]+)?", value, re.I) \
                or len(re.sub(r"\D", "", value)) < 3:
            raise PydanticCustomError(
                "bad_phone", "'{value}' is not a phone number; write digits, spaces, dashes "
                "and an optional leading +, e.g. \"+1 555 0100\"", {"value": value})
    return value


Phone = Annotated[str, BeforeValidator(_check_phone)]


def _check_zip(value: Any) -> Any:
    value = _as_written(value)
    if isinstance(value, str) and not re.fullmatch(r"[0-9]{5}(?:-[0-9]{4})?", value):
        raise PydanticCustomError(
            "bad_zip", "'{value}' is not a ZIP code; write five digits in quotes, e.g. \"55104\"",
            {"value": value})
    return value


ZipCode = Annotated[str, BeforeValidator(_check_zip)]


def _check_nces(value: Any) -> Any:
    value = _as_written(value)
    if isinstance(value, str) and not re.fullmatch(r"[0-9]{7,12}", value):
        raise PydanticCustomError(
            "bad_nces", "'{value}' is not an NCES id: write its 12 digits in quotes", {"value": value})
    return value


NcesId = Annotated[str, BeforeValidator(_check_nces)]


# --- dates and times -------------------------------------------------------------------

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{1,2}:\d{2}(?::\d{2})?)([+-]\d{2}:?\d{2}|Z)?$")


def _timezone(info: ValidationInfo) -> ZoneInfo:
    context = info.context or {}
    return context.get("timezone") or ZoneInfo("UTC")


def _parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise PydanticCustomError(
            "bad_date", "{value} is not a real date ({reason}); write YYYY-MM-DD, e.g. 2027-01-31",
            {"value": text, "reason": "no such day in that month" if _DATE.match(text) else "wrong format"})


def _parse_datetime(text: str, tz: ZoneInfo) -> dt.datetime:
    match = _DATETIME.match(text)
    if not match:
        raise PydanticCustomError(
            "bad_datetime", "'{value}' is not a date and time; write YYYY-MM-DDTHH:MM, "
            "e.g. 2027-01-31T17:00 (24-hour clock, district time)", {"value": text})
    day = _parse_date(match.group(1))
    clock = _parse_clock(match.group(2))
    moment = dt.datetime.combine(day, clock)
    if match.group(3):
        return dt.datetime.fromisoformat(text.replace(" ", "T").replace("Z", "+00:00")).astimezone(tz)
    return moment.replace(tzinfo=tz)


def _parse_clock(text: str) -> dt.time:
    parts = text.split(":")
    try:
        hour, minute = int(parts[0]), int(parts[1])
        second = int(parts[2]) if len(parts) > 2 else 0
        return dt.time(hour, minute, second)
    except (ValueError, IndexError):
        raise PydanticCustomError(
            "bad_time", "'{value}' is not a time of day; write HH:MM on the 24-hour clock, "
            "in quotes, e.g. \"14:20\"", {"value": text})


def _to_text(value: Any) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise PydanticCustomError("date_type", "expected a date such as 2027-01-31")
    return str(_as_written(value)).strip()


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) and not isinstance(value, dt.datetime) \
        else _parse_date(_to_text(value))


def _datetime(value: Any, info: ValidationInfo) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return _parse_datetime(_to_text(value), _timezone(info))


def _date_or_datetime(value: Any, info: ValidationInfo) -> dt.date:
    if isinstance(value, dt.date):
        return value
    text = _to_text(value)
    if _DATE.match(text):
        return _parse_date(text)
    return _parse_datetime(text, _timezone(info))


def _time(value: Any) -> dt.time:
    if isinstance(value, dt.time):
        return value
    if isinstance(value, SourceInt) and not isinstance(value, bool):
        raise PydanticCustomError(
            "bad_time", "{value} is not a time of day; write HH:MM in quotes, e.g. \"07:05\"",
            {"value": value.written})
    return _parse_clock(_to_text(value))


class _Parsed:
    """A pydantic type built from a parse function (date, date-time, time)."""

    def __init__(self, parse: Any, with_info: bool) -> None:
        self.parse, self.with_info = parse, with_info

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> Any:
        if self.with_info:
            return core_schema.with_info_plain_validator_function(self.parse)
        return core_schema.no_info_plain_validator_function(self.parse)


Date = Annotated[dt.date, _Parsed(_date, False)]
"""A calendar day, YYYY-MM-DD."""
DateTime = Annotated[dt.datetime, _Parsed(_datetime, True)]
"""A moment, YYYY-MM-DDTHH:MM, in the district's timezone unless an offset is written."""
DateOrDateTime = Annotated[dt.date, _Parsed(_date_or_datetime, True)]
"""Either a whole day or a moment in the district's timezone."""
Time = Annotated[dt.time, _Parsed(_time, False)]
"""A time of day, "HH:MM" on the 24-hour clock."""


# --- grades ----------------------------------------------------------------------------

GRADE_ORDER: tuple[str, ...] = ("PK", "TK", "K", *(str(n) for n in range(1, 13)))


@dataclass(frozen=True)
class Grades:
    """The grades a school serves, normalised and ordered (PK, TK, K, 1 ... 12)."""

    levels: tuple[str, ...]

    @property
    def first(self) -> str:
        return self.levels[0]

    @property
    def last(self) -> str:
        return self.levels[-1]

    def is_range(self) -> bool:
        """True when the grades run without a gap from first to last."""
        i, j = GRADE_ORDER.index(self.first), GRADE_ORDER.index(self.last)
        return list(self.levels) == list(GRADE_ORDER[i:j + 1])

    def numbers(self) -> tuple[int, ...]:
        """Grades as numbers for range tests: PK=-2, TK=-1, K=0, then 1..12."""
        return tuple(GRADE_ORDER.index(level) - 2 for level in self.levels)

    def __str__(self) -> str:
        if len(self.levels) == 1:
            return self.first
        if self.is_range():
            return f"{self.first}–{self.last}"
        return ", ".join(self.levels)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> Any:
        return core_schema.no_info_plain_validator_function(parse_grades)


def _grade(item: Any) -> str:
    text = str(_as_written(item)).strip().upper()
    text = {"PRE-K": "PK", "PREK": "PK", "KG": "K", "00": "K", "0": "K"}.get(text, text).lstrip("0") or "K"
    if text not in GRADE_ORDER:
        raise PydanticCustomError(
            "bad_grade", "'{value}' is not a grade; use PK, TK, K or 1 to 12", {"value": str(item)})
    return text


def parse_grades(value: Any) -> Grades:
    """Read `K-5`, `PK-5`, `6-8`, `9`, or a list such as `[K, 1, 2]` into `Grades`."""
    if isinstance(value, Grades):
        return value
    if isinstance(value, list):
        if not value:
            raise PydanticCustomError("bad_grade", "the list of grades is empty")
        levels = {_grade(item) for item in value}
    elif isinstance(value, (str, int)) and not isinstance(value, bool):
        text = str(_as_written(value)).replace("–", "-").replace("—", "-").strip()
        if "-" in text and not text.upper().startswith("PRE-K"):
            first, _, last = text.partition("-")
            a, b = GRADE_ORDER.index(_grade(first)), GRADE_ORDER.index(_grade(last))
            if a > b:
                raise PydanticCustomError(
                    "bad_grade", "'{value}' runs backwards; write the lowest grade first, e.g. K-5",
                    {"value": text})
            levels = set(GRADE_ORDER[a:b + 1])
        else:
            levels = {_grade(text)}
    else:
        raise PydanticCustomError(
            "bad_grade", "grades are a range such as \"K-5\" or a list such as [K, 1, 2]")
    return Grades(tuple(level for level in GRADE_ORDER if level in levels))
