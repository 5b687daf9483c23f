"""The outreach kit: text messages, scripts, e-mail and posts for every school and language."""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path

import pytest

from firstdoor.outputs.outreach import phone_spoken, short_url, spoken_seconds
from firstdoor.sms import count_sms, gsm_friendly
from tests.conftest import REPO
from tests.test_hostile_content import audit_page

LANGUAGES = ("en", "es", "zh-hans", "vi", "ar", "hmn", "so")


def kit_dirs(sample_build: Path, slug: str) -> list[Path]:
    return sorted(p for p in (sample_build / slug / "outreach").iterdir() if p.is_dir())


@pytest.mark.parametrize("slug", LANGUAGES)
def test_scripts_fit_their_spots_for_every_school(sample_build: Path, slug: str) -> None:
    for folder in kit_dirs(sample_build, slug):
        for seconds in (15, 30):
            text = (folder / f"radio-{seconds}.txt").read_text().strip()
            assert spoken_seconds(text) <= seconds, (folder.name, seconds, text)


@pytest.mark.parametrize("slug", LANGUAGES)
def test_text_messages_carry_the_facts_and_fit_one_or_two_parts(sample_build: Path, slug: str) -> None:
    for folder in kit_dirs(sample_build, slug):
        text = (folder / "sms.txt").read_text().strip()
        parts = count_sms(text).segments
        if slug == "en":
            assert parts == 1, (folder.name, text)
        if parts > 2:  # a long Latin name and its address in a 70-character alphabet: said, not hidden
            page = (sample_build / slug / "outreach" / "index.html").read_text()
            assert '<strong class="too-long">' in page
        assert "651 555 0100" in text
        assert "choice.riverside.example.org/" + slug in text


def test_english_messages_stay_gsm7(sample_build: Path) -> None:
    for folder in kit_dirs(sample_build, "en"):
        for name in ("sms.txt", "sms-2-parts.txt"):
            if (folder / name).exists():
                assert count_sms((folder / name).read_text().strip()).encoding == "GSM-7", folder.name


def test_email_fragment_has_no_external_resources(sample_build: Path) -> None:
    for slug in LANGUAGES:
        for folder in kit_dirs(sample_build, slug):
            html = (folder / "email.html").read_text()
            assert not re.search(r"\s(src|srcset|background)=|url\(|<link|<script|<img|@import", html)
            for href in re.findall(r'href="([^"]+)"', html):
                assert href.startswith(("https://choice.riverside.example.org/", "tel:")), href


def test_social_posts_respect_their_lengths(sample_build: Path) -> None:
    for slug in LANGUAGES:
        for folder in kit_dirs(sample_build, slug):
            for size, limit in (("short", 280), ("medium", 500), ("long", 2200)):
                assert len((folder / f"social-{size}.txt").read_text().strip()) <= limit, (slug, folder.name, size)


def test_kit_zip_holds_every_file(sample_build: Path) -> None:
    archive = zipfile.ZipFile(sample_build / "ar" / "outreach" / "outreach-kit-ar.zip")
    names = archive.namelist()
    assert "lincoln-stem/sms.txt" in names and "district/radio-30.txt" in names
    assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in archive.infolist())


def test_kit_page_lists_every_school(sample_build: Path) -> None:
    html = (sample_build / "es" / "outreach" / "index.html").read_text()
    assert html.count('<section class="kit"') == 11
    assert 'href="outreach-kit-es.zip"' in html


def test_kit_page_loads_the_copy_script_with_its_translated_strings(sample_build: Path) -> None:
    html = (sample_build / "es" / "outreach" / "index.html").read_text()
    script = (sample_build / "assets" / "copy.js").read_bytes()
    assert script == (REPO / "templates" / "static" / "copy.js").read_bytes()
    digest = hashlib.sha256(script).hexdigest()[:10]
    assert f'<script src="../../assets/copy.js?v={digest}" defer></script>' in html
    assert audit_page(html)[0] == []  # no inline script, no event handler attribute
    assert '<div id="kits" data-copy="Copiar" data-copied="Copiado."' in html
    assert 'data-copy-failed="El texto está seleccionado: pulse Ctrl+C' in html
    assert "<button" not in html, "the buttons are the script's: none without it"
    # every text the script gives a button has a label the button's name refers to
    ids = re.findall(r'<pre class="copy" id="([^"]+)"', html)
    items = [f"kit-{folder.name}-{item.name.replace('.', '-')}"
             for folder in kit_dirs(sample_build, "es") for item in sorted(folder.iterdir())]
    assert sorted(ids) == sorted(items) and html.count('<pre class="copy"') == len(items)
    assert all(f'id="{i}-title"' in html for i in ids) and len(set(ids)) == len(ids)


def test_only_the_kit_page_loads_the_copy_script(sample_build: Path) -> None:
    assert "copy.js" not in (sample_build / "en" / "index.html").read_text()


def test_phone_is_read_digit_by_digit() -> None:
    assert phone_spoken("+1 651 555 0100") == "6 5 1, 5 5 5, 0 1 0 0"
    assert phone_spoken("(612) 555-0142") == "6 1 2, 5 5 5, 0 1 4 2"


def test_spoken_seconds_counts_digits_and_cjk() -> None:
    assert spoken_seconds("Call 6 5 1") == 1.6
    assert spoken_seconds("2027") == 1.6
    assert spoken_seconds("学校学校") == 1.0


def test_short_url_and_typography() -> None:
    assert short_url("https://choice.example.org/es/schools/x/") == "choice.example.org/es/schools/x"
    assert gsm_friendly("5:00\u202fPM – 7:00\u202fPM “ok”") == '5:00 PM - 7:00 PM "ok"'
    assert gsm_friendly("día") == "día"  # accents are never stripped
