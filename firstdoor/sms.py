"""Counting text messages the way phone networks do (GSM 03.38 / 3GPP TS 23.038).

A message that uses only the GSM-7 alphabet holds 160 characters in one part (153 per
part once split); the extension characters (^ { } \\ [ ] ~ | €) take two. Any other
character — Chinese, Arabic, an emoji, and also Spanish á í ó ú — switches the whole
message to UCS-2: 70 UTF-16 units in one part, 67 per part once split. firstdoor
reports this instead of silently stripping accents.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

Encoding = Literal["GSM-7", "UCS-2"]


@dataclass(frozen=True)
class SmsCount:
    """How a message travels: its encoding, length in that encoding's units, and parts."""

    encoding: Encoding
    units: int
    """Septets for GSM-7 (extension characters count two), UTF-16 code units for UCS-2."""
    segments: int
    non_gsm: tuple[str, ...]
    """The characters that forced UCS-2, in order of first appearance."""

    @property
    def single_limit(self) -> int:
        """Units that fit in a one-part message."""
        return 160 if self.encoding == "GSM-7" else 70


def count_sms(text: str) -> SmsCount:
    """Count a message's encoding, units and parts."""
    outside = tuple(dict.fromkeys(c for c in text if c not in GSM7_BASIC and c not in GSM7_EXTENSION))
    if not outside:
        units = sum(2 if c in GSM7_EXTENSION else 1 for c in text)
        return SmsCount("GSM-7", units, _segments(units, 160, 153), ())
    units = len(text.encode("utf-16-le")) // 2
    return SmsCount("UCS-2", units, _segments(units, 70, 67), outside)


def _segments(units: int, single: int, per_part: int) -> int:
    if units == 0:
        return 0
    return 1 if units <= single else math.ceil(units / per_part)


_TYPOGRAPHY = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2018": "'", "\u2019": "'",
                             "\u201c": '"', "\u201d": '"', "\u00a0": " ", "\u202f": " ", "\u2009": " ",
                             "\u2026": "...", "\u00b7": "-"})


def gsm_friendly(text: str) -> str:
    """Replace typographic punctuation and spaces by their plain equivalents.

    CLDR formats times with narrow no-break spaces and ranges with en dashes; either would
    push an English message into UCS-2 and double its cost. Letters are never touched.
    """
    return text.translate(_TYPOGRAPHY)
