"""Flyers without rendering: font coverage, the cache, paths, options and their errors."""

from __future__ import annotations

from pathlib import Path

from firstdoor.cache import FlyerCache, cache_key
from firstdoor.fonts import FontInventory, characters_by_language, language_script, plan_fonts
from firstdoor.languages import resolve_language
from firstdoor.outputs.flyers import zip_flyers
from firstdoor.outputs.qr import short_url
from firstdoor.plan import flyer_path
from tests.conftest import build_site

LISTING = (
    "/f/NotoSans-Regular.ttf\t2.0\tNoto Sans\t20-7e a0-17f 1ea0-1ef9\n"
    "/f/NotoSansArabic-Regular.ttf\t2.0\tNoto Sans Arabic\t20-21 600-6ff\n"
    "/f/NotoSansMyanmar-Regular.ttf\t2.0\tNoto Sans Myanmar\t1000-109f\n"
)
LANGUAGES = {tag: resolve_language(tag) for tag in ("en", "ar", "zh-Hans", "vi", "hmn", "so")}


def test_each_script_gets_its_noto_family() -> None:
    assert language_script(LANGUAGES["hmn"]) == "Latn"  # RPA, not CLDR's Pahawh Hmong
    assert language_script(LANGUAGES["ar"]) == "Arab"
    assert language_script(LANGUAGES["zh-Hans"]) == "Hans"
    assert language_script(resolve_language("zh-Hant")) == "Hant"
    inventory = FontInventory.from_listing(LISTING)
    plan, problems = plan_fonts({"ar": {"ب"}, "vi": {"ệ"}}, LANGUAGES, inventory)
    assert problems == []
    assert plan.stacks["ar"] == ("Noto Sans Arabic", "Noto Sans")
    assert ':lang(ar) { font-family: "Noto Sans Arabic", "Noto Sans", sans-serif; }' in plan.css()


def test_uncovered_character_pulls_in_an_installed_family() -> None:
    plan, problems = plan_fonts({"en": {"A", "က"}}, LANGUAGES, FontInventory.from_listing(LISTING))
    assert problems == []
    assert plan.stacks["en"] == ("Noto Sans", "Noto Sans Myanmar")


def test_missing_font_names_language_and_debian_package() -> None:
    _, problems = plan_fonts({"zh-Hans": {"学", "校"}, "en": {"\U0001F68C"}}, LANGUAGES,
                             FontInventory.from_listing(LISTING))
    messages = sorted(str(p) for p in problems)
    assert len(messages) == 2
    assert "flyers: Chinese (Simplified), zh-Hans: no installed font prints 2 characters" in messages[0]
    assert "install the Debian package fonts-noto-cjk (Noto Sans CJK SC)" in messages[0]
    assert "English, en:" in messages[1] and "fonts-noto-color-emoji" in messages[1]


def test_characters_follow_lang_attributes_and_alt_text() -> None:
    html = '<html lang="ar"><style>a{}</style><p>ب<span lang="en">Hi</span></p><img alt="Q"></html>'
    assert characters_by_language(html, "ar") == {"ar": {"ب", "Q"}, "en": {"H", "i"}}


def test_cache_round_trip_and_damaged_entry_is_rendered_again(tmp_path: Path) -> None:
    cache = FlyerCache(tmp_path / "cache")
    key = cache_key("html", "css")
    assert cache.get(key) is None
    cache.put(key, b"%PDF-1.7 data", {"pages": 1})
    assert cache.get(key).data == b"%PDF-1.7 data"  # type: ignore[union-attr]
    (tmp_path / "cache" / f"{key}.pdf").write_bytes(b"%PDF-1.7 dat")  # truncated by a killed build
    assert cache.get(key) is None
    assert not (tmp_path / "cache" / f"{key}.json").exists()
    assert cache_key("ab", "c") != cache_key("a", "bc")


def test_cache_that_cannot_be_written_is_skipped(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    cache = FlyerCache(blocked / "cache")
    cache.put("key", b"%PDF", {})
    assert cache.get("key") is None and cache.prune() == 0


def test_cache_prune_keeps_only_used_entries(tmp_path: Path) -> None:
    cache = FlyerCache(tmp_path)
    cache.put("old", b"1", {})
    fresh = FlyerCache(tmp_path)
    fresh.put("new", b"2", {})
    assert fresh.prune() == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.json", "new.pdf"]


def test_flyer_paths_and_short_url() -> None:
    assert flyer_path("school", "es", "lincoln") == "es/flyers/lincoln.pdf"
    assert flyer_path("pair", "en", "lincoln", "zh-Hans") == "en/flyers/lincoln.zh-hans.pdf"
    assert flyer_path("guide", "ar") == "ar/flyers/guide.pdf"
    assert short_url("https://choice.example.org/es/") == "choice.example.org/es/"


def test_zip_of_flyers_is_byte_identical() -> None:
    files = [("es/flyers/a.pdf", b"A"), ("es/flyers/b.pdf", b"B")]
    assert zip_flyers("es", files) == zip_flyers("es", list(files))


def test_no_pdf_builds_no_flyers_and_no_links(make_site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    site = make_site()
    result = build_site(site, tmp_path / "out")  # without pdf=True: --no-pdf
    assert result.exit_code == 0, result.output
    assert not list((tmp_path / "out").rglob("*.pdf"))
    assert not (tmp_path / "out" / "en" / "flyers").exists()
    assert "flyers/" not in (tmp_path / "out" / "en" / "schools" / "lincoln" / "index.html").read_text()
    assert not (site / ".firstdoor-cache").exists()


def test_pair_must_name_site_languages(make_site, district) -> None:  # type: ignore[no-untyped-def]
    district["print"] = {"pair": ["en", "fr"]}
    result = build_site(make_site(district=district))
    assert result.exit_code == 1
    assert "content/district.yaml:" in result.output
    assert "print.pair[1]: 'fr' is not in `languages`" in result.output


def test_pair_and_paper_options_are_checked(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site()
    assert build_site(site, None, "--pair", "en").exit_code == 2
    assert build_site(site, None, "--paper", "legal").exit_code == 2
    result = build_site(site, None, "--pair", "en,fr")
    assert result.exit_code == 2
    assert "--pair: en,fr: both must be languages of this site" in result.output



def test_without_fontconfig_the_check_is_left_to_the_renderer() -> None:
    plan, problems = plan_fonts({"zh-Hans": {"学"}}, LANGUAGES, FontInventory())
    assert problems == [] and plan.stacks["zh-Hans"] == ("Noto Sans CJK SC", "Noto Sans")
