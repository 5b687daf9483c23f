"""Fonts for printed output: which family prints each language, and a check that they cover the text.

WeasyPrint (through Pango) finds fonts with fontconfig, and when no font has a glyph it prints
an empty box and only logs a warning. So before anything renders, the text of every flyer is
checked against fontconfig's own record of what each installed font covers (`fc-list` with
`%{charset}`): the same database Pango will use, read in one fast call (fontconfig caches it),
rather than a second opinion from parsing font files with fontTools (the CJK collections alone
are 60 MB). A character no font covers fails the build with the language and the Debian
package to install.
"""

from __future__ import annotations

import bisect
import hashlib
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser

from babel.core import get_global

from firstdoor.errors import Problem
from firstdoor.languages import Language

BASE_FAMILY = "Noto Sans"
"""Latin, Greek and Cyrillic; the fallback after every script's own family."""

SCRIPT_FAMILIES: dict[str, str] = {
    "Latn": BASE_FAMILY, "Cyrl": BASE_FAMILY, "Grek": BASE_FAMILY,
    "Arab": "Noto Sans Arabic",
    "Hans": "Noto Sans CJK SC", "Hant": "Noto Sans CJK TC",
    "Jpan": "Noto Sans CJK JP", "Kore": "Noto Sans CJK KR",
    "Ethi": "Noto Sans Ethiopic", "Mymr": "Noto Sans Myanmar", "Beng": "Noto Sans Bengali",
    "Deva": "Noto Sans Devanagari", "Guru": "Noto Sans Gurmukhi", "Gujr": "Noto Sans Gujarati",
    "Taml": "Noto Sans Tamil", "Telu": "Noto Sans Telugu", "Knda": "Noto Sans Kannada",
    "Mlym": "Noto Sans Malayalam", "Sinh": "Noto Sans Sinhala", "Thai": "Noto Sans Thai",
    "Laoo": "Noto Sans Lao", "Khmr": "Noto Sans Khmer", "Hebr": "Noto Sans Hebrew",
    "Armn": "Noto Sans Armenian", "Geor": "Noto Sans Georgian", "Tibt": "Noto Serif Tibetan",
    "Thaa": "Noto Sans Thaana", "Adlm": "Noto Sans Adlam", "Cher": "Noto Sans Cherokee",
    "Hmng": "Noto Sans Pahawh Hmong", "Hmnp": "Noto Sans Nyiakeng Puachue Hmong",
}
"""The Noto family that prints each script (ISO 15924 code)."""

SCRIPT_OVERRIDES: dict[str, str] = {
    # US Hmong families read the Romanized Popular Alphabet; CLDR's likely script for `hmn` is
    # Pahawh Hmong. Somali and Haitian Creole are Latin in CLDR already; Dari is Arabic script.
    "hmn": "Latn",
    "prs": "Arab",
}

_CJK_WORDS = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "BOPOMOFO", "IDEOGRAPHIC", "FULLWIDTH")


def debian_package(family: str) -> str:
    """The Debian package that installs a Noto family."""
    if "CJK" in family:
        return "fonts-noto-cjk"
    if "Emoji" in family:
        return "fonts-noto-color-emoji"
    return "fonts-noto-core"


def language_script(language: Language) -> str:
    """The ISO 15924 script a language is printed in: from its tag, firstdoor's data, or CLDR."""
    parts = language.tag.replace("_", "-").split("-")
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            return part.title()
    base = parts[0].lower()
    if base in SCRIPT_OVERRIDES:
        return SCRIPT_OVERRIDES[base]
    likely = get_global("likely_subtags")
    for key in (language.tag.replace("-", "_"), base, language.formats_like.replace("-", "_")):
        subtags = str(likely.get(key, "")).split("_")
        if len(subtags) > 1 and len(subtags[1]) == 4:
            script = subtags[1]
            if script == "Hans" and base == "zh" and any(p.upper() in ("TW", "HK", "MO") for p in parts[1:]):
                return "Hant"
            return script
    return "Latn"


def _parse_charset(text: str) -> list[tuple[int, int]]:
    ranges = []
    for item in text.split():
        low, _, high = item.partition("-")
        ranges.append((int(low, 16), int(high or low, 16)))
    return ranges


@dataclass
class FontInventory:
    """What the installed fonts cover, per family, as fontconfig reports it."""

    coverage: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    fingerprint: str = ""
    """A hash of every installed font file, version and charset: part of each flyer's cache key."""

    @classmethod
    def from_fontconfig(cls) -> "FontInventory":
        """Read the installed fonts with `fc-list` (empty when fontconfig is not installed)."""
        if shutil.which("fc-list") is None:
            return cls()
        listing = subprocess.run(
            ["fc-list", "--format", "%{file}\t%{fontversion}\t%{family}\t%{charset}\n"],
            capture_output=True, text=True, check=False).stdout
        return cls.from_listing(listing)

    @classmethod
    def from_listing(cls, listing: str) -> "FontInventory":
        """Build the inventory from `fc-list --format '%{file}\\t%{fontversion}\\t%{family}\\t%{charset}\\n'`."""
        merged: dict[str, set[tuple[int, int]]] = {}
        lines = sorted(line for line in listing.splitlines() if line.count("\t") == 3)
        for line in lines:
            _, _, families, charset = line.split("\t")
            ranges = _parse_charset(charset)
            for family in families.split(","):
                merged.setdefault(family.strip(), set()).update(ranges)
        coverage = {family: _merge(sorted(ranges)) for family, ranges in sorted(merged.items())}
        return cls(coverage, hashlib.sha256("\n".join(lines).encode()).hexdigest())

    def installed(self, family: str) -> bool:
        """True when fontconfig knows a font of this family."""
        return family in self.coverage

    def covers(self, family: str, char: str) -> bool:
        """True when the family has a glyph for the character."""
        ranges = self.coverage.get(family)
        if not ranges:
            return False
        point = ord(char)
        index = bisect.bisect_right(ranges, (point, 0x10FFFF + 1)) - 1
        return index >= 0 and ranges[index][0] <= point <= ranges[index][1]

    def family_for(self, char: str) -> str | None:
        """An installed family covering the character, Noto Sans families first, in name order."""
        ranked = sorted(self.coverage, key=lambda f: (not f.startswith("Noto Sans"), not f.startswith("Noto"), f))
        return next((family for family in ranked if self.covers(family, char)), None)


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for low, high in ranges:
        if merged and low <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


class _TextByLanguage(HTMLParser):
    """Collects the characters of an HTML document per `lang` in effect (text and alt text)."""

    _VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}

    def __init__(self, default: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str]] = [("", default)]
        self.chars: dict[str, set[str]] = {}
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        lang = values.get("lang") or self.stack[-1][1]
        if values.get("alt"):
            self._add(lang, values["alt"] or "")
        if tag in ("style", "script"):
            self.skip += 1
        if tag not in self._VOID:
            self.stack.append((tag, lang))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self.skip = max(0, self.skip - 1)
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self._add(self.stack[-1][1], data)

    def _add(self, lang: str, text: str) -> None:
        chars = {c for c in text if not c.isspace() and unicodedata.category(c)[0] not in "CZ"}
        self.chars.setdefault(lang, set()).update(chars)


def characters_by_language(html: str, default: str) -> dict[str, set[str]]:
    """Every printed character of an HTML document, grouped by the `lang` it is shown in."""
    parser = _TextByLanguage(default)
    parser.feed(html)
    parser.close()
    return parser.chars


@dataclass(frozen=True)
class FontPlan:
    """The font stack of every language that appears in the printed documents."""

    stacks: dict[str, tuple[str, ...]]

    def css(self) -> str:
        """CSS naming each language's families, selected by `:lang()` (the flyer CSS appends it)."""
        rules = []
        for tag, stack in sorted(self.stacks.items()):
            families = ", ".join(f'"{family}"' for family in stack)
            rules.append(f':lang({tag}) {{ font-family: {families}, sans-serif; }}')
        return "\n".join(rules) + "\n"


def plan_fonts(texts: dict[str, set[str]], languages: dict[str, Language],
               inventory: FontInventory) -> tuple[FontPlan, list[Problem]]:
    """Choose each language's families and check they cover its characters.

    A character outside the script family's and Noto Sans' coverage pulls in another installed
    family that has it (named explicitly, so the print never depends on fontconfig's fallback
    order); a character no installed font has is a problem naming the language and the package.
    """
    stacks: dict[str, tuple[str, ...]] = {}
    problems: list[Problem] = []
    for tag in sorted(texts):
        language = languages.get(tag)
        primary = SCRIPT_FAMILIES.get(language_script(language), BASE_FAMILY) if language else BASE_FAMILY
        stack = list(dict.fromkeys([primary, BASE_FAMILY]))
        missing: dict[str, list[str]] = {}
        # Without fontconfig's `fc-list` nothing can be checked here; the renderer's own missing-glyph
        # warnings (pdf.py) still stop the build.
        for char in sorted(texts[tag]) if inventory.coverage else ():
            if any(inventory.covers(family, char) for family in stack):
                continue
            if not inventory.installed(primary):
                missing.setdefault(primary, []).append(char)
                continue
            extra = inventory.family_for(char)
            if extra is None:
                missing.setdefault(family_suggestion(char), []).append(char)
            else:
                stack.append(extra)
        stacks[tag] = tuple(stack)
        for family, chars in sorted(missing.items()):
            name = language.english_name if language else tag
            sample = " ".join(f"{c} (U+{ord(c):04X})" for c in chars[:5])
            problems.append(Problem(
                file="flyers",
                message=f"{name}, {tag}: no installed font prints {len(chars)} character"
                        f"{'s' if len(chars) != 1 else ''} of the text, e.g. {sample}",
                hint=f"install the Debian package {debian_package(family)} ({family}), "
                     "or build without PDFs: firstdoor build --no-pdf"))
    return FontPlan(stacks), problems


def family_suggestion(char: str) -> str:
    """The Noto family that would print a character no installed font has, from its Unicode name."""
    name = unicodedata.name(char, "")
    if any(word in name for word in _CJK_WORDS):
        return "Noto Sans CJK SC"
    if unicodedata.category(char) == "So" and ord(char) >= 0x1F000:
        return "Noto Color Emoji"
    word = name.split(" ")[0].title() if name else ""
    return f"Noto Sans {word}" if word else BASE_FAMILY
