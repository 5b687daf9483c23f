"""The SMS counter agrees with the GSM-7 rules on crafted cases."""

from __future__ import annotations

import pytest

from firstdoor.sms import count_sms


@pytest.mark.parametrize("text, encoding, units, segments", [
    ("a" * 160, "GSM-7", 160, 1),
    ("a" * 161, "GSM-7", 161, 2),
    ("a" * 306, "GSM-7", 306, 2),
    ("a" * 307, "GSM-7", 307, 3),
    ("{" * 80, "GSM-7", 160, 1),            # extension characters count two
    ("a" * 159 + "€", "GSM-7", 161, 2),
    ("é è ù ì ò Ç Ñ ü ß £ ¥ ¿ ¡", "GSM-7", 25, 1),   # these are in the basic alphabet
    ("Inscríbase", "UCS-2", 10, 1),          # Spanish í is not GSM-7
    ("a" * 69 + "😀", "UCS-2", 71, 2),        # one emoji: UCS-2, and it takes two units
    ("学" * 70, "UCS-2", 70, 1),
    ("学" * 71, "UCS-2", 71, 2),
    ("ب" * 134, "UCS-2", 134, 2),
    ("ب" * 135, "UCS-2", 135, 3),
    ("", "GSM-7", 0, 0),
])
def test_counts(text: str, encoding: str, units: int, segments: int) -> None:
    count = count_sms(text)
    assert (count.encoding, count.units, count.segments) == (encoding, units, segments)


def test_reports_which_characters_force_ucs2() -> None:
    assert count_sms("Solicite hasta el día 31. ¿Preguntas? Llámenos.").non_gsm == ("í", "á")
