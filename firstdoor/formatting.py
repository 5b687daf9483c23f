"""Facts formatted per language: dates, times, numbers, lists, language names.

Facts are data: a deadline is a `datetime`, and only this module turns it into words,
using CLDR patterns (Babel) and, for languages CLDR lacks or gets wrong, the month and
day names of `language_data.py` or the district's overrides. Translators never type a
date, so no translation can show a wrong one.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from babel import dates as babel_dates
from babel import numbers as babel_numbers
from babel import units as babel_units
from babel.lists import format_list

from firstdoor.languages import Language, language_name

_PATTERN_PART = re.compile(r"'(?:[^']|'')*'|([A-Za-z])\1*|[^A-Za-z']+")


def _memoized(method: Callable[..., str]) -> Callable[..., str]:
    """Remember a formatting method's results: every page formats the same few deadlines."""
    name = method.__name__

    @functools.wraps(method)
    def remembered(self: "Formatter", *args: Any) -> str:
        # the type and timezone are part of the key: equal instants in two zones print differently
        key = (name, *((arg, type(arg), getattr(arg, "tzinfo", None)) for arg in args))
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = method(self, *args)
            return value
        except TypeError:  # an unhashable argument (a list): just format it
            return method(self, *args)
    return remembered


@dataclass(frozen=True)
class Formatter:
    """Formats facts for one language. Cheap to create; its only state is a memo of its own results."""

    language: Language
    languages: dict[str, Language]
    _memo: dict[tuple[Any, ...], str] = field(default_factory=dict, init=False, repr=False, compare=False)

    # -- dates -------------------------------------------------------------------------

    @_memoized
    def date(self, value: dt.date) -> str:
        """A long date without weekday: "January 31, 2027", "31 de enero de 2027"."""
        pattern = self.language.date_format or self.language.locale.date_formats["long"].pattern
        return self._format_date(value, pattern)

    @_memoized
    def date_with_weekday(self, value: dt.date) -> str:
        """A full date: "Sunday, January 31, 2027"."""
        pattern = self.language.locale.date_formats["full"].pattern
        if self.language.date_format and self.language.days:
            pattern = "EEEE, " + self.language.date_format
        return self._format_date(value, pattern)

    def day_month(self, value: dt.date) -> str:
        """Day and month without the year, for short spoken spots: "January 31", "31 de enero"."""
        if self.language.date_format:  # the language's own order, without the year
            pattern = re.sub(r"[,\s]*\by+\b[.,\s]*", " ", self.language.date_format).strip()
        else:
            pattern = self.language.locale.datetime_skeletons["MMMMd"].pattern
        return self._format_date(value, pattern)

    @_memoized
    def time(self, value: dt.time | dt.datetime) -> str:
        """A time of day in the language's clock: "5:00 PM", "17:00", "下午5:00"."""
        clock = value.timetz() if isinstance(value, dt.datetime) else value
        return babel_dates.format_time(clock, "short", locale=self.language.locale)

    @_memoized
    def moment(self, value: dt.date) -> str:
        """A date, or a date and time with the timezone: "Sunday, January 31, 2027, 5:00 PM CST"."""
        if not isinstance(value, dt.datetime):
            return self.date_with_weekday(value)
        return self._date_and_time(self.date_with_weekday(value), f"{self.time(value)} {value.tzname()}")

    def _date_and_time(self, date_text: str, time_text: str) -> str:
        """Join a formatted date and time with the language's own date-time pattern."""
        pattern = str(self.language.locale.datetime_formats["long"])
        return pattern.replace("'", "").replace("{1}", date_text).replace("{0}", time_text)

    @_memoized
    def time_range(self, start: dt.datetime, end: dt.datetime | None) -> str:
        """Start to end on one day: "6:00 – 8:00 PM CST"."""
        if end is None or end.date() != start.date():
            return f"{self.time(start)} {start.tzname()}"
        skeleton = "Hm" if "H" in self.language.locale.time_formats["short"].pattern else "hm"
        text = babel_dates.format_interval(start.timetz(), end.timetz(), skeleton,
                                           locale=self.language.locale)
        return f"{text} {start.tzname()}"

    @_memoized
    def event_when(self, start: dt.datetime, end: dt.datetime | None) -> str:
        """When an event happens: its day, then its hours."""
        if end is not None and end.date() != start.date():
            return f"{self.moment(start)} – {self.moment(end)}"
        return self._date_and_time(self.date_with_weekday(start), self.time_range(start, end))

    def _format_date(self, value: dt.date, pattern: str) -> str:
        pattern = self._localise_names(pattern, value)
        return babel_dates.format_date(value, pattern, locale=self.language.locale)

    def _localise_names(self, pattern: str, value: dt.date) -> str:
        """Replace month and weekday fields by the language's own names, as quoted literals."""
        months, days = self.language.months, self.language.days
        if not months and not days:
            return pattern
        parts = []
        for match in _PATTERN_PART.finditer(pattern):
            token = match.group(0)
            letter = match.group(1)
            if months and letter in ("M", "L") and len(token) >= 3:
                token = _quote(months[value.month - 1])
            elif days and letter in ("E", "c") and len(token) >= 3:
                token = _quote(days[value.weekday()])
            parts.append(token)
        return "".join(parts)

    # -- numbers and lists ---------------------------------------------------------------

    @_memoized
    def number(self, value: int | float) -> str:
        """A number with the language's digits and grouping: "1,200", "1.200", "١٬٢٠٠"."""
        return babel_numbers.format_decimal(value, locale=self.language.locale)

    def file_size(self, size: int) -> str:
        """A file size in kilobytes or megabytes, the language's way: "180 kB", "1,2 MB"."""
        if size >= 1_000_000:
            return babel_units.format_unit(round(size / 1_000_000, 1), "digital-megabyte", "short",
                                           locale=self.language.locale)
        return babel_units.format_unit(max(1, round(size / 1000)), "digital-kilobyte", "short",
                                       locale=self.language.locale)

    def list(self, items: Iterable[str]) -> str:
        """A list joined the language's way: "English, Spanish and Hmong"."""
        values = [str(item) for item in items]
        if len(values) < 2:
            return "".join(values)
        if self.language.list_two and len(values) == 2:
            return self.language.list_two.format(*values)
        if self.language.list_end:
            return self.language.list_end.format(", ".join(values[:-1]), values[-1])
        return format_list(values, locale=self.language.locale)

    @_memoized
    def language_name(self, tag: str) -> str:
        """The name of a language in this language ("español" -> "Spanish" on English pages)."""
        return language_name(tag, self.language, self.languages)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
