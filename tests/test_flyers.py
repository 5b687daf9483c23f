"""Printed flyers, rendered for real with WeasyPrint and read back with poppler and zbar.

The sample district is built once (cold, two workers) and every school's flyer is checked
in every language; the slower checks (QR decoding, fonts) use a few flyers per script.
"""

from __future__ import annotations

import re
import shutil
import signal
import os
import subprocess
import sys
import time
import unicodedata
import zlib
from pathlib import Path
from contextlib import contextmanager
from typing import Any, Callable, Iterator

import pytest

from firstdoor.errors import ContentError
from firstdoor.formatting import Formatter
from firstdoor.i18n import Translator
from firstdoor.outputs.pdf import Part, PdfJob, render_job
from firstdoor.options import BuildOptions
from firstdoor.pipeline import build
from firstdoor.prose import ProseRenderer
from tests.conftest import REPO, TODAY, build_site
from tests.test_determinism import ENVIRONMENTS

pytestmark = pytest.mark.pdf

BIDI_CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
LAM_ALEF = re.compile("ل[اأإآ]")


def pdf_text(path: Path, first: int | None = None) -> str:
    """The text of a PDF (or one page), bidi controls removed and whitespace collapsed."""
    pages = ["-f", str(first), "-l", str(first)] if first else []
    text = subprocess.run(["pdftotext", *pages, str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return " ".join(text.translate(BIDI_CONTROLS).split())


def pdf_info(path: Path) -> dict[str, str]:
    """pdfinfo's fields."""
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def pdf_objects(path: Path) -> bytes:
    """The PDF's bytes with every Flate stream (object streams too) decompressed, to look for keys."""
    data = path.read_bytes()
    parts = [data]
    for match in re.finditer(rb"stream\r?\n", data):
        end = data.find(b"endstream", match.end())
        try:
            parts.append(zlib.decompress(data[match.end():end].rstrip(b"\r\n")))
        except zlib.error:
            pass
    return b"\n".join(parts)


def appears(expected: str, text: str) -> bool:
    """True when `expected` is in the extracted text. Right-to-left text comes out of pdftotext in
    visual order, with lam-alef ligatures reversed (a poppler limitation), so for Arabic script each
    word is looked for on its own, leaving out words with that ligature."""
    expected = " ".join(expected.split())
    if not any(unicodedata.bidirectional(c) in ("R", "AL") for c in expected):
        return expected in text
    words = [w.strip("،,") for w in expected.split() if not LAM_ALEF.search(w)]
    return all(w in text for w in words if w)


def school_flyers(sample: dict[str, Any]) -> list[tuple[Any, str, Path]]:
    validated = sample["validated"]
    return [(language, school_id, sample["out"] / language.slug / "flyers" / f"{school_id}.pdf")
            for language in validated.languages for school_id in validated.site.schools]


def test_every_school_flyer_is_one_page_in_every_language(sample_pdf: dict[str, Any]) -> None:
    flyers = school_flyers(sample_pdf)
    assert len(flyers) == 70
    pages = {str(path.relative_to(sample_pdf["out"])): pdf_info(path)["Pages"] for _, _, path in flyers}
    assert set(pages.values()) == {"1"}, pages


def test_flyer_shows_name_and_deadline_in_the_language_format(sample_pdf: dict[str, Any]) -> None:
    validated, catalogs = sample_pdf["validated"], sample_pdf["catalogs"]
    for language, school_id, path in school_flyers(sample_pdf):
        school = validated.site.schools[school_id]
        translator = Translator(catalogs[language.tag], validated.source_language, ProseRenderer())
        name = translator.plain(school.name)
        deadline = Formatter(language, validated.known_languages).moment(validated.site.deadline_for(school))
        text = pdf_text(path)
        assert appears(name, text), (path, name)
        assert appears(deadline, text), (path, deadline, text)


def test_every_font_is_embedded(sample_pdf: dict[str, Any]) -> None:
    out = sample_pdf["out"]
    for slug in ("en", "vi", "ar", "zh-hans", "hmn", "so"):
        for name in ("lincoln-stem.pdf", "district.pdf", "guide.pdf"):
            listing = subprocess.run(["pdffonts", str(out / slug / "flyers" / name)], capture_output=True,
                                     text=True, check=True).stdout.splitlines()[2:]
            assert listing
            for row in listing:
                columns = row.split()
                assert columns[-5] == "yes", (slug, name, row)  # emb
    fonts = subprocess.run(["pdffonts", str(out / "zh-hans" / "flyers" / "lincoln-stem.pdf")],
                           capture_output=True, text=True, check=True).stdout
    assert "Noto-Sans-CJK-SC" in fonts
    fonts = subprocess.run(["pdffonts", str(out / "ar" / "flyers" / "lincoln-stem.pdf")],
                           capture_output=True, text=True, check=True).stdout
    assert "Noto-Sans-Arabic" in fonts


def test_pdfs_are_tagged_with_language_and_title(sample_pdf: dict[str, Any]) -> None:
    out = sample_pdf["out"]
    for slug, tag in (("en", "en"), ("ar", "ar"), ("zh-hans", "zh-Hans"), ("hmn", "hmn")):
        for name in ("lincoln-stem.pdf", "guide.pdf"):
            path = out / slug / "flyers" / name
            info = pdf_info(path)
            assert info["Tagged"] == "yes"
            assert " · " in info["Title"]  # what it is · the district's (translated) short name
            objects = pdf_objects(path)
            assert f"/Lang ({tag})".encode() in objects
            # The QR code's alternative text: a literal string, or a UTF-16 hex string once translated.
            assert b"/StructTreeRoot" in objects and re.search(rb"/Alt\s*[(<]", objects)
            assert b"pdfuaid" in objects  # PDF/UA-1 identification in the XMP metadata
    titles = {name: pdf_info(out / "en" / "flyers" / name)["Title"] for name in ("lincoln-stem.pdf", "guide.pdf")}
    assert titles == {"lincoln-stem.pdf": "Lincoln STEM Academy: flyer · Riverside USD",
                      "guide.pdf": "Magnet schools: guide for families · Riverside USD"}


def test_arabic_flyer_text_reads_as_arabic(sample_pdf: dict[str, Any]) -> None:
    text = pdf_text(sample_pdf["out"] / "ar" / "flyers" / "lincoln-stem.pdf")
    assert "يناير" in text  # January, shaped and extractable
    assert "الصومالية" in text  # Somali, in the help line's language list


def test_qr_codes_open_the_same_page_in_the_same_language(sample_pdf: dict[str, Any], tmp_path: Path) -> None:
    out = sample_pdf["out"]
    cases = [("en", "lincoln-stem"), ("ar", "willow-montessori"), ("zh-hans", "central-ib"), ("so", None)]
    for slug, school_id in cases:
        name = f"{school_id}.pdf" if school_id else "district.pdf"
        image = tmp_path / f"{slug}-{name}"
        subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(out / slug / "flyers" / name),
                        str(image)], check=True)
        decoded = subprocess.run(["zbarimg", "-q", "--raw", str(image) + ".png"], capture_output=True,
                                 text=True).stdout.strip()
        page = f"{slug}/schools/{school_id}/" if school_id else f"{slug}/"
        assert decoded == f"https://choice.riverside.example.org/{page}"


def test_guide_has_one_page_per_school_in_order(sample_pdf: dict[str, Any]) -> None:
    validated = sample_pdf["validated"]
    guide = sample_pdf["out"] / "es" / "flyers" / "guide.pdf"
    pages = int(pdf_info(guide)["Pages"])
    names = sorted((s.name.text for s in validated.site.schools.values()), key=str.casefold)
    assert pages > len(names) + 1
    for offset, name in enumerate(names):
        assert name in pdf_text(guide, pages - len(names) + 1 + offset)


def test_second_build_renders_nothing_and_writes_the_same_bytes(sample_pdf: dict[str, Any], tmp_path: Path) -> None:
    first = re.search(r"(\d+) flyers \((\d+) rendered, 0 from the cache\)", sample_pdf["output"])
    assert first is not None and first.group(1) == first.group(2)
    out = tmp_path / "again"
    result = build_site(sample_pdf["site"], out, "--jobs", "2", pdf=True)
    assert result.exit_code == 0, result.output
    assert f"{first.group(1)} flyers (0 rendered, {first.group(1)} from the cache)" in result.output
    for path in sorted(sample_pdf["out"].rglob("*.pdf")):
        assert path.read_bytes() == (out / path.relative_to(sample_pdf["out"])).read_bytes(), path


def test_deleting_the_cache_is_harmless_and_a_damaged_entry_is_rendered_again(make_site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    site = make_site()
    outputs = []
    for run in range(3):
        out = tmp_path / f"out{run}"
        result = build_site(site, out, "--lang", "en", "--jobs", "1", pdf=True)
        assert result.exit_code == 0, result.output
        outputs.append((result.output, {p.name: p.read_bytes() for p in sorted(out.rglob("*.pdf"))}))
        entries = sorted((site / ".firstdoor-cache").glob("*.pdf"))
        if run == 0:
            entries[0].write_bytes(entries[0].read_bytes()[:-100])  # a damaged entry
        elif run == 1:
            shutil.rmtree(site / ".firstdoor-cache")  # deleted between builds
    assert "3 flyers (3 rendered, 0 from the cache)" in outputs[0][0]
    assert "3 flyers (1 rendered, 2 from the cache)" in outputs[1][0]
    assert "3 flyers (3 rendered, 0 from the cache)" in outputs[2][0]
    assert outputs[0][1] == outputs[1][1] == outputs[2][1]


def test_staff_page_and_links(sample_pdf: dict[str, Any]) -> None:
    out = sample_pdf["out"]
    staff = (out / "es" / "flyers" / "index.html").read_text(encoding="utf-8")
    for slug in ("en", "es", "zh-hans", "vi", "ar", "hmn", "so"):
        for name in ("guide.pdf", "district.pdf", "lincoln-stem.pdf", f"flyers-{slug}.zip"):
            assert f'{slug}/flyers/{name}"' in staff or (slug == "es" and f'href="{name}"' in staff)
    assert re.search(r"\(PDF, \d+ kB\)", staff)
    school = (out / "ar" / "schools" / "lincoln-stem" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../flyers/lincoln-stem.pdf"' in school
    assert 'href="../../../es/flyers/lincoln-stem.pdf" type="application/pdf" lang="es"' in school
    home = (out / "vi" / "index.html").read_text(encoding="utf-8")
    assert 'href="flyers/district.pdf"' in home and 'href="flyers/guide.pdf"' in home


LONG = "Every child learns to read, write and think through long projects that last a whole season"


def long_school(school: dict[str, Any]) -> dict[str, Any]:
    """A school with far more than fits on one page."""
    school["tagline"] = ("A very long tagline that goes on and on to fill the whole line and more, "
                         "so the sheet has less room left.")[:120]
    school["highlights"] = [f"{LONG} ({n})" for n in range(9)]
    school["events"] = [{"title": f"Open house number {n} with a long title for the families",
                         "start": f"2026-12-{n + 1:02d}T10:00", "end": f"2026-12-{n + 1:02d}T12:00",
                         "place": "The school gymnasium, at the back of the main building", "languages": ["es"]}
                        for n in range(8)]
    school["transportation"]["stops"] = [{"place": f"Community center number {n} on the long avenue",
                                          "time": f"07:{n:02d}"} for n in range(14)]
    school["transportation"]["zip_codes"] = [f"551{n:02d}" for n in range(30)]
    return school


def test_over_long_school_degrades_to_one_page(make_site, school, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    site = make_site(schools={"lincoln": long_school(school)})
    result = build_site(site, tmp_path / "out", "--jobs", "1", "--pair", "en,es", pdf=True)
    assert result.exit_code == 0, result.output
    flyer = tmp_path / "out" / "es" / "flyers" / "lincoln.pdf"
    assert pdf_info(flyer)["Pages"] == "1"
    text = pdf_text(flyer)
    assert "Lincoln STEM Academy" in text and "viernes, 29 de enero de 2027, 17:00 CST" in text
    assert "Hay más sobre esta escuela en internet" in text  # the Spanish "more on the web" line
    assert f"{LONG} (0)" not in text or f"{LONG} (2)" not in text  # highlights were dropped, none cut
    assert pdf_info(tmp_path / "out" / "en" / "flyers" / "lincoln.es.pdf")["Pages"] == "2"


def test_a_school_that_cannot_fit_fails_clearly(make_site, school) -> None:  # type: ignore[no-untyped-def]
    school["name"] = " ".join(["Extraordinarily"] * 400)
    result = build_site(make_site(schools={"lincoln": school}), None, "--lang", "en", "--jobs", "1", pdf=True)
    assert result.exit_code == 1
    assert "en/flyers/lincoln.pdf: en/flyers/lincoln.pdf (English) does not fit on one page" in result.output
    assert "Traceback" not in result.output


def test_a4_paper(make_site, district) -> None:  # type: ignore[no-untyped-def]
    district["print"] = {"paper_size": "a4"}
    site = make_site(district=district)
    assert build_site(site, site / "out", "--lang", "en", "--jobs", "1", pdf=True).exit_code == 0
    assert pdf_info(site / "out" / "en" / "flyers" / "lincoln.pdf")["Page size"].startswith("595.276 x 841.89")


def test_output_is_the_same_for_any_number_of_jobs_and_any_environment(make_site, district, school,  # type: ignore[no-untyped-def]
                                                                       tmp_path: Path) -> None:
    district["languages"] = ["en", "ar"]
    schools = {"lincoln": school, "willow": {**school, "name": "Willow School"}}
    one = make_site(district=district, schools=schools)
    two = make_site(district=district, schools=schools)
    assert build_site(one, tmp_path / "one", "--jobs", "1", pdf=True).exit_code == 0
    env = {**os.environ, **ENVIRONMENTS[1], "PYTHONPATH": str(REPO)}  # other TZ, LANG, PYTHONHASHSEED
    done = subprocess.run([sys.executable, "-m", "firstdoor", "build", "--site", str(two), "--out",
                           str(tmp_path / "two"), "--today", TODAY.isoformat(), "--jobs", "2"],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    first = sorted((tmp_path / "one").rglob("*.pdf"))
    assert len(first) == 8
    for path in first:
        assert path.read_bytes() == (tmp_path / "two" / path.relative_to(tmp_path / "one")).read_bytes()


def test_killed_build_leaves_no_pdf_worker_behind(make_site, district, school, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    district["languages"] = ["en", "es", "ar"]
    site = make_site(district=district, schools={f"school-{n}": {**school, "name": f"School {n}"} for n in range(4)})
    build = subprocess.Popen([sys.executable, "-m", "firstdoor", "build", "--site", str(site), "--jobs", "2",
                              "--today", TODAY.isoformat()], env={**os.environ, "PYTHONPATH": str(REPO)},
                             stdout=subprocess.DEVNULL, stderr=(tmp_path / "stderr").open("w"))
    workers: list[str] = []
    deadline = time.monotonic() + 60
    while len(workers) < 2 and time.monotonic() < deadline and build.poll() is None:
        time.sleep(0.2)
        listing = subprocess.run(["ps", "-ww", "-o", "pid=,args=", "--ppid", str(build.pid)], capture_output=True, text=True)
        workers = [line.split()[0] for line in listing.stdout.splitlines() if "spawn_main" in line]
    assert len(workers) == 2, (tmp_path / "stderr").read_text()
    build.kill()
    build.wait()
    time.sleep(3)
    alive = subprocess.run(["ps", "-o", "pid=", "-p", ",".join(workers)], capture_output=True, text=True).stdout
    for pid in alive.split():  # do not leave them running when the test fails
        os.kill(int(pid), signal.SIGKILL)
    assert alive.split() == []
    assert not (site / "_site").exists()


def test_missing_font_is_reported_with_language_and_package(make_site, district, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    for source in Path("/usr/share/fonts/truetype/noto").glob("NotoSans-*.ttf"):
        (fonts / source.name).symlink_to(source)
    config = tmp_path / "fonts.conf"
    config.write_text(f'<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
                      f"<dir>{fonts}</dir><cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>")
    district["languages"] = ["en", "zh-Hans"]
    district["contact"]["languages"] = ["en", "zh-Hans"]  # the help line names 中文 on every flyer
    site = make_site(district=district)
    done = subprocess.run([sys.executable, str(REPO / "build.py"), "--site", str(site), "--out", str(site / "out"),
                           "--today", TODAY.isoformat(), "--jobs", "1"], capture_output=True, text=True,
                          env={"FONTCONFIG_FILE": str(config), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert done.returncode == 1, done.stderr
    assert "Chinese (Simplified), zh-Hans: no installed font prints" in done.stderr
    assert "install the Debian package fonts-noto-cjk (Noto Sans CJK SC)" in done.stderr
    assert "Traceback" not in done.stderr


def test_missing_glyph_while_rendering_is_an_error() -> None:
    document = '<html lang="en"><head><title>T</title></head><body><!--firstdoor:parts--></body></html>'
    job = PdfJob("en/flyers/x.pdf", "x (English)", document, (Part(("<p>Box: \ue000</p>",)),), ("en",))
    result = render_job(job)
    assert result.data == b""
    assert len(result.problems) == 1
    assert "would show empty boxes for \ue000 (U+E000)" in result.problems[0].message
    assert result.problems[0].hint and "Debian package" in result.problems[0].hint


def test_template_cannot_make_a_flyer_read_files(tmp_path: Path) -> None:
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"x")
    document = '<html lang="en"><head><title>T</title></head><body><!--firstdoor:parts--></body></html>'
    job = PdfJob("en/flyers/x.pdf", "x", document, (Part((f'<img src="file://{secret}" alt="s">',)),), ("en",))
    result = render_job(job)
    assert result.problems and "disallowed protocol" in result.problems[0].message
    assert isinstance(ContentError(result.problems), ContentError)


def test_a_worker_loads_fonts_and_parses_the_stylesheet_once_and_bytes_do_not_change(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """One font configuration and one parse per stylesheet for all the PDFs a process renders; a PDF
    rendered after others in a shared engine is the same as rendered alone."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    from firstdoor.cache import FlyerCache
    from firstdoor.outputs.pdf_batch import render_pdfs

    document = '<html lang="en"><head><title>T</title></head><body><!--firstdoor:parts--></body></html>'
    css = "@page { size: A6; } h1 { color: #0b3d6e; font-family: 'Noto Sans'; }"
    jobs = [PdfJob(f"en/flyers/{n}.pdf", n, document, (Part((f"<h1>{n}</h1><p>Grades K-5</p>",)),), ("en",), css)
            for n in ("a", "b", "c")]
    alone = render_job(jobs[2]).data
    counts = {"fonts": 0, "css": 0}
    original_fonts, original_css = FontConfiguration.__init__, weasyprint.CSS.__init__

    def counting(name: str, original: Callable[..., None]) -> Callable[..., None]:
        def init(self: Any, *args: Any, **kwargs: Any) -> None:
            counts[name] += 1
            original(self, *args, **kwargs)
        return init

    monkeypatch.setattr(FontConfiguration, "__init__", counting("fonts", original_fonts))
    monkeypatch.setattr(weasyprint.CSS, "__init__", counting("css", original_css))
    report = render_pdfs(jobs, FlyerCache(tmp_path / "cache"), "salt", workers=1)
    assert report.rendered == 3 and not report.problems
    assert counts == {"fonts": 1, "css": 2}  # the job's stylesheet and the parts' rule
    assert report.results[2].data == alone


def test_a_retry_renders_only_the_parts_that_did_not_fit(monkeypatch: pytest.MonkeyPatch) -> None:
    """A guide whose one sheet is too long tries that sheet's next variant alone, not the whole guide again."""
    import weasyprint

    document = ('<html lang="en"><head><title>T</title></head><body><!--firstdoor:parts--></body></html>')
    long = "<h1>Long</h1>" + "<p>Line</p>" * 80
    parts = (Part(("<h1>Cover</h1>",), "prefer-one-page"), Part((long, "<h1>Short</h1>")), Part(("<h1>Last</h1>",)))
    job = PdfJob("en/flyers/guide.pdf", "guide", document, parts, ("en",), "@page { size: A6; }")
    shown: list[list[str]] = []
    original = weasyprint.HTML

    def recording(*args: Any, **kwargs: Any) -> Any:
        shown.append(re.findall(r'id="(fd-part-\d+)"', kwargs["string"]))
        return original(*args, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", recording)
    result = render_job(job)
    assert not result.problems and result.choice == (0, 1, 0) and result.pages == 3
    assert shown == [["fd-part-0", "fd-part-1", "fd-part-2"], ["fd-part-1"], ["fd-part-0", "fd-part-1", "fd-part-2"]]


class RecordingProgress:
    """Records each stage's label, total and items done."""

    def __init__(self) -> None:
        self.stages: dict[str, list[int]] = {}

    @contextmanager
    def stage(self, label: str, total: int) -> Iterator[Callable[[], None]]:
        record = self.stages.setdefault(label, [total, 0])
        yield lambda: record.__setitem__(1, record[1] + 1)


def test_flyers_report_their_progress(make_site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    progress = RecordingProgress()
    options = BuildOptions(out=tmp_path / "out", languages=("en",), today=TODAY, jobs=1)
    report = build(make_site(), options, progress)
    assert progress.stages["flyers"] == [3, 3]  # guide, district flyer, one school
    assert (report.flyers, report.flyers_rendered) == (3, 3)
