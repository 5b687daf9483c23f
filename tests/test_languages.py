"""Languages: a date in every supported language, names, direction, plural rules."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from firstdoor.formatting import Formatter
from firstdoor.language_data import BUILTIN_LANGUAGES
from firstdoor.languages import UnknownLanguage, resolve_language

DEADLINE = dt.datetime(2027, 1, 31, 17, 0, tzinfo=ZoneInfo("America/Chicago"))

# (tag, long date of 2027-01-29, the deadline as pages show it, direction)
EXPECTED = [
    ("en", "January 29, 2027", "Sunday, January 31, 2027, 5:00 PM CST", "ltr"),
    ("es", "29 de enero de 2027", "domingo, 31 de enero de 2027, 17:00 CST", "ltr"),
    ("zh-Hans", "2027年1月29日", "2027年1月31日星期日 17:00 CST", "ltr"),
    ("vi", "29 tháng 1, 2027", "17:00 CST Chủ Nhật, 31 tháng 1, 2027", "ltr"),
    ("ar", "29 يناير 2027", "الأحد، 31 يناير 2027، 5:00 م CST", "rtl"),
    ("hmn", "29 Lub Ib Hlis 2027", "Hnub Xya, 31 Lub Ib Hlis 2027, 5:00 PM CST", "ltr"),
    ("so", "Janaayo 29, 2027", "Axad, Janaayo 31, 2027 5:00 GD CST", "ltr"),
    ("ht", "29 janvye 2027", "dimanch, 31 janvye 2027, 17:00 CST", "ltr"),
    ("prs", "29 جنوری 2027", "یکشنبه 31 جنوری 2027، ساعت 17:00 CST", "rtl"),
    ("ru", "29 января 2027 г.", "воскресенье, 31 января 2027 г., 17:00 CST", "ltr"),
    ("ko", "2027년 1월 29일", "2027년 1월 31일 일요일 PM 5:00 CST", "ltr"),
    ("tl", "Enero 29, 2027", "Linggo, Enero 31, 2027, 5:00 PM CST", "ltr"),
    ("ur", "29 جنوری، 2027", "اتوار، 31 جنوری، 2027 5:00 PM CST", "rtl"),
    ("fr", "29 janvier 2027", "dimanche 31 janvier 2027, 17:00 CST", "ltr"),
    ("pt", "29 de janeiro de 2027", "domingo, 31 de janeiro de 2027 17:00 CST", "ltr"),
    ("am", "29 ጃንዋሪ 2027", "እሑድ 31 ጃንዋሪ 2027 5:00 ከሰዓት CST", "ltr"),
    ("ne", "2027 जनवरी 29", "2027 जनवरी 31, आइतबार 17:00 CST", "ltr"),
    ("fa", "29 ژانویهٔ 2027", "یکشنبه 31 ژانویهٔ 2027، ساعت 17:00 CST", "rtl"),
    ("ps", "2027 جنوري 29", "يونۍ د 2027 د جنوري 31 17:00 CST", "rtl"),
    ("my", "2027 ဇန်နဝါရီ 29", "2027 ဇန်နဝါရီ 31 တနင်္ဂနွေ 17:00 CST", "ltr"),
    ("bn", "29 জানুয়ারী, 2027", "রবিবার, 31 জানুয়ারী, 2027 5:00 PM CST", "ltr"),
    ("uk", "29 січня 2027 р.", "неділя, 31 січня 2027 р., 17:00 CST", "ltr"),
    ("uz", "29-yanvar, 2027", "yakshanba, 31-yanvar, 2027, 17:00 CST", "ltr"),
    ("sq", "29 janar 2027", "e diel, 31 janar 2027, 5:00 m.d. CST", "ltr"),
]


def formatter(tag: str) -> Formatter:
    language = resolve_language(tag)
    return Formatter(language, {tag: language})


def plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\u2009", " ")


@pytest.mark.parametrize("tag, long_date, deadline, direction", EXPECTED, ids=[e[0] for e in EXPECTED])
def test_dates_in_every_supported_language(tag: str, long_date: str, deadline: str, direction: str) -> None:
    f = formatter(tag)
    assert plain(f.date(dt.date(2027, 1, 29))) == long_date
    assert plain(f.moment(DEADLINE)) == deadline
    assert f.language.direction == direction


@pytest.mark.parametrize("tag", sorted(BUILTIN_LANGUAGES))
def test_builtin_languages_never_print_another_languages_months(tag: str) -> None:
    f = formatter(tag)
    text = " ".join(f.date(dt.date(2027, month, 1)) for month in range(1, 13)).lower()
    for foreign in ("january", "janvier", "février", "march", "mars 2027", "august", "août", "december", "décembre"):
        assert foreign not in text, (tag, foreign)


def test_haitian_creole_reads_kreyol_not_french() -> None:
    f = formatter("ht")
    assert f.date(dt.date(2027, 1, 29)) == "29 janvye 2027"
    assert "vendredi" not in f.date_with_weekday(dt.date(2027, 1, 29))
    assert f.list(["angle", "panyòl"]) == "angle ak panyòl"


def test_hmong_is_not_cldr_hnj_and_keeps_its_tag() -> None:
    hmong = resolve_language("hmn")
    assert (hmong.tag, hmong.name, hmong.english_name, hmong.direction) == ("hmn", "Hmoob", "Hmong", "ltr")
    assert formatter("hmn").list(["a", "b", "c"]) == "a, b, thiab c"


def test_override_replaces_months_and_pattern() -> None:
    language = resolve_language("kar", {"name": "ကညီ", "english_name": "Karen", "formats_like": "en",
                                        "months": [f"M{i}" for i in range(1, 13)], "date_format": "d MMMM y"})
    assert Formatter(language, {}).date(dt.date(2027, 3, 9)) == "9 M3 2027"


def test_unknown_language_is_refused() -> None:
    with pytest.raises(UnknownLanguage):
        resolve_language("chk")


def test_language_names_in_the_readers_language() -> None:
    assert formatter("es").language_name("es") == "español"
    assert formatter("ar").language_name("es") == "الإسبانية"
    assert formatter("en").language_name("hmn") == "Hmong"
    # CLDR's ht names other languages in French: show their own names instead
    assert formatter("ht").language_name("es") == "Español"


def test_plural_rules() -> None:
    import gettext
    arabic = gettext.c2py(resolve_language("ar").plural_forms.split("plural=")[1].rstrip(";"))
    assert [arabic(n) for n in (0, 1, 2, 3, 10, 11, 99, 100, 102)] == [0, 1, 2, 3, 3, 4, 4, 5, 5]
    assert resolve_language("zh-Hans").plural_forms == "nplurals=1; plural=0;"
    assert resolve_language("hmn").nplurals == 1


SAMPLE_DEADLINES = {
    "en": "Sunday, January 31, 2027, 5:00 PM CST",
    "es": "domingo, 31 de enero de 2027, 17:00 CST",
    "zh-hans": "2027年1月31日星期日 17:00 CST",
    "vi": "17:00 CST Chủ Nhật, 31 tháng 1, 2027",
    "ar": "الأحد، 31 يناير 2027، 5:00 م CST",
    "hmn": "Hnub Xya, 31 Lub Ib Hlis 2027, 5:00 PM CST",
    "so": "Axad, Janaayo 31, 2027 5:00 GD CST",
}


@pytest.mark.parametrize("slug, deadline", SAMPLE_DEADLINES.items())
def test_sample_deadline_on_every_language_home_page(sample_build, slug: str, deadline: str) -> None:  # type: ignore[no-untyped-def]
    html = plain((sample_build / slug / "index.html").read_text(encoding="utf-8"))
    assert f'<time datetime="2027-01-31T17:00:00-06:00">{deadline}</time>' in html
