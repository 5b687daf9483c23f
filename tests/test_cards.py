"""Share cards: real PNGs of the right size, not blank, in right-to-left and CJK scripts; og:image."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from firstdoor.outputs.cards import card_path, rasterise
from firstdoor.outputs.pdf import Part, PdfJob, render_job
from tests.conftest import REPO, build_site

pytestmark = pytest.mark.pdf

LANGUAGES = {"en": "en", "ar": "ar", "zh-Hans": "zh-hans"}
"""Tag: slug of the languages built here: a Latin, a right-to-left and a CJK script."""
BACKGROUND = (11, 61, 110)
"""The card's field colour (#0b3d6e)."""


@pytest.fixture(scope="module")
def card_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample district in three languages, built with its flyers and cards."""
    site = tmp_path_factory.mktemp("cards-sample")
    shutil.copytree(REPO / "content", site / "content")
    out = site / "_site"
    languages = [arg for tag in LANGUAGES for arg in ("--lang", tag)]
    result = build_site(site, out, "--jobs", "2", *languages, pdf=True)
    assert result.exit_code == 0, result.output
    return out


def ink_share(path: Path) -> float:
    """The share of pixels that are not the card's background (text, rule, deadline box)."""
    image = Image.open(path).convert("RGB")
    difference = ImageChops.difference(image, Image.new("RGB", image.size, BACKGROUND)).convert("L")
    marked = difference.point(lambda value: 255 if value > 40 else 0).histogram()[255]
    return marked / (image.width * image.height)


@pytest.mark.parametrize("tag", ["ar", "zh-Hans"])
@pytest.mark.parametrize("key", ["district", "lincoln-stem"])
def test_cards_have_their_size_and_are_not_blank(card_site: Path, tag: str, key: str) -> None:
    slug = LANGUAGES[tag]
    for shape, size in (("wide", (1200, 630)), ("square", (1080, 1080))):
        path = card_site / card_path(slug, key, shape)
        assert Image.open(path).size == size, path
        assert Image.open(path).format == "PNG"
        share = ink_share(path)
        assert 0.04 < share < 0.6, f"{path}: {share:.1%} of the pixels are not background"


def test_every_school_has_cards_in_every_language(card_site: Path) -> None:
    schools = sorted(p.name for p in (card_site / "en" / "schools").iterdir() if p.is_dir())
    for slug in LANGUAGES.values():
        for key in ["district", *schools]:
            assert (card_site / card_path(slug, key)).is_file()
            assert (card_site / card_path(slug, key, "square")).is_file()


@pytest.mark.parametrize("page", ["ar/schools/lincoln-stem/index.html", "zh-hans/index.html", "en/index.html"])
def test_og_image_points_at_an_existing_card(card_site: Path, page: str) -> None:
    html = (card_site / page).read_text(encoding="utf-8")
    meta = dict(re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)"', html))
    base = "https://choice.riverside.example.org/"
    image = meta["og:image"]
    assert image.startswith(base) and (card_site / image.removeprefix(base)).is_file()
    assert meta["twitter:image"] == image
    assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "630")
    assert meta["og:image:alt"] == meta["twitter:image:alt"]
    assert "2027" in meta["og:image:alt"]  # the deadline is in the text alternative
    if "lincoln-stem" in page:
        assert "Lincoln STEM Academy" in meta["og:image:alt"]


def test_kit_page_shows_the_cards_and_the_zip_holds_them(card_site: Path) -> None:
    page = (card_site / "ar" / "outreach" / "index.html").read_text(encoding="utf-8")
    assert 'src="../cards/lincoln-stem.png"' in page and 'href="../cards/lincoln-stem-square.png"' in page
    alt = re.search(r'<img src="../cards/lincoln-stem.png" alt="([^"]+)"', page)
    assert alt
    shown = f'<pre class="copy" id="kit-lincoln-stem-card-alt-1" tabindex="0" lang="ar" dir="rtl">{alt.group(1)}</pre>'
    assert shown in page, "the alt text, to copy where the card is posted"
    assert 'id="kit-lincoln-stem-card-alt-1-title"' in page and "card-alt-2" not in page  # one text for both shapes
    with zipfile.ZipFile(card_site / "ar" / "outreach" / "outreach-kit-ar.zip") as archive:
        names = archive.namelist()
        assert "cards/lincoln-stem.png" in names and "cards/district-square.png" in names
        assert archive.read("cards/district.png") == (card_site / "ar" / "cards" / "district.png").read_bytes()


def test_no_pdf_builds_no_cards(sample_build: Path) -> None:
    assert not (sample_build / "en" / "cards").exists()
    assert "og:image:alt" not in (sample_build / "en" / "index.html").read_text(encoding="utf-8")


def test_rasterising_is_deterministic() -> None:
    document = ('<!doctype html><html lang="en"><head><title>t</title><style>@page { size: 120px 63px; margin: 0 }'
                "body { margin: 0; background: #0b3d6e; color: white }</style></head><body>"
                "<!--firstdoor:parts--></body></html>")
    result = render_job(PdfJob("t.pdf", "t", document, (Part(("<p>Hi</p>",)),), ("en",)))
    first, second = rasterise(result.data, 120, 63), rasterise(result.data, 120, 63)
    assert first == second and Image.open(io.BytesIO(first)).size == (120, 63)
    assert b"tIME" not in first and b"tEXt" not in first


def test_a_long_name_gets_smaller_type_and_still_one_card(make_site, school, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    long_school = {**school, "name": "The Extraordinarily Long-Named International Academy of Sciences, "
                                     "Engineering, Arts and Global Citizenship"}
    site = make_site(schools={"lincoln": long_school})
    result = build_site(site, tmp_path / "out", "--lang", "en", "--jobs", "1", pdf=True)
    assert result.exit_code == 0, result.output
    for shape, size in (("wide", (1200, 630)), ("square", (1080, 1080))):
        path = tmp_path / "out" / card_path("en", "lincoln", shape)
        assert Image.open(path).size == size
        assert ink_share(path) > 0.04
    assert sorted(p.name for p in (site / ".firstdoor-cache" / "cards").glob("*.pdf"))  # cached apart from flyers


def test_a_card_is_rasterised_once_then_read_from_the_png_cache(monkeypatch: pytest.MonkeyPatch,
                                                                tmp_path: Path) -> None:
    """Every build that plans the cards used to rasterise all of them again, their PDFs cached or not."""
    from firstdoor.cache import FlyerCache
    from firstdoor.outputs import cards

    document = ('<!doctype html><html lang="en"><head><title>t</title><style>@page { size: 120px 63px; margin: 0 }'
                "</style></head><body><!--firstdoor:parts--></body></html>")
    pdf = render_job(PdfJob("t.pdf", "t", document, (Part(("<p>Hi</p>",)),), ("en",))).data
    spec = cards.CardSpec("en", "en", "district", "wide")
    calls: list[int] = []
    monkeypatch.setattr(cards, "rasterise", lambda data, width, height: calls.append(width) or rasterise(data, 120, 63))
    cache = FlyerCache(tmp_path / "png", suffix=".png")
    first = cards.card_png(cache, pdf, spec, "v1")
    again = cards.card_png(FlyerCache(tmp_path / "png", suffix=".png"), pdf, spec, "v1")
    assert first == again and calls == [1200]
    cards.card_png(FlyerCache(tmp_path / "png", suffix=".png"), pdf, spec, "v2")  # another rasteriser: again
    assert calls == [1200, 1200]
    assert sorted(p.suffix for p in (tmp_path / "png").iterdir()) == [".json", ".json", ".png", ".png"]
