"""A deterministic synthetic district, in the content contract's format, for benchmarks.

    python bench/generate.py --schools 1000 --languages 10 --seed 1 /tmp/district

writes `content/district.yaml`, `content/schools/*.yaml`, a few small images, and a
complete `.po` catalog pair (`messages.po`, `content.po`) for every language but the
source, so a build exercises translation lookups rather than fallbacks. The languages
always include a right-to-left one (Arabic) and languages CLDR lacks (Hmong, built into
firstdoor, and from 12 languages Karen, described by a `language_overrides` entry).
The same arguments always write the same bytes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import struct
import sys
import zlib
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout without installing

from bench import prose_words as words  # noqa: E402
from bench.po_writer import write_catalogs  # noqa: E402

MARKER = ".firstdoor-bench"
"""Marks a folder this generator wrote, so a rerun may replace it."""

LANGUAGE_POOL = ("en", "ar", "hmn", "es", "zh-Hans", "vi", "so", "ht", "ru", "ko", "ur", "kar",
                 "tl", "fr", "pt", "ja", "prs", "am", "ne", "uk")
"""In the order languages are added: the source, then RTL and CLDR-less ones first."""

KAREN_OVERRIDE = {"name": "ကညီကျိာ်", "english_name": "Karen", "direction": "ltr", "formats_like": "en",
                  "plural_forms": "nplurals=1; plural=0;"}
GRADES = ("PK-5", "K-5", "K-8", "6-8", "9-12", "6-12")
OPENS, DEADLINE, RESULTS = dt.date(2026, 11, 1), dt.datetime(2027, 1, 31, 17, 0), dt.date(2027, 3, 15)


class _Dumper(yaml.SafeDumper):
    """Writes multi-line prose as `|` blocks, the way a person writes it."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def to_yaml(data: dict[str, Any]) -> str:
    """YAML text as a communications officer would write it (key order kept)."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)


def stamp(moment: dt.date) -> str:
    """A date or local date-time as the contract writes it (no offset)."""
    return moment.strftime("%Y-%m-%dT%H:%M") if isinstance(moment, dt.datetime) else moment.isoformat()


def pick_languages(count: int) -> list[str]:
    """The first `count` languages of the pool (English is the source)."""
    if not 1 <= count <= len(LANGUAGE_POOL):
        raise SystemExit(f"--languages must be between 1 and {len(LANGUAGE_POOL)}")
    return list(LANGUAGE_POOL[:count])


def district(rng: random.Random, languages: list[str], schools: int) -> dict[str, Any]:
    """The district file: languages, application window, help sessions, vocabularies."""
    helpers = [tag for tag in languages if tag != "en"]
    sessions = []
    for i in range(max(3, min(12, schools // 100 + 3))):
        day = OPENS + dt.timedelta(days=5 + 7 * i)
        start = dt.datetime.combine(day, dt.time(17 + i % 2, 30 * (i % 2)))
        sessions.append({"title": rng.choice(("Application help night", "Saturday application help",
                                              "Help in your language")),
                         "start": stamp(start), "end": stamp(start + dt.timedelta(hours=2)),
                         "place": f"{rng.choice(words.PLACES)} Public Library, {100 + i} Main St",
                         "languages": sorted(rng.sample(helpers, min(len(helpers), 3)))})
    data: dict[str, Any] = {
        "name": "Synthetic State Magnet Schools",
        "short_name": "State Magnets",
        "base_url": "https://choice.state.example.org/",
        "timezone": "America/Chicago",
        "default_language": "en",
        "languages": languages,
    }
    if "kar" in languages:
        data["language_overrides"] = {"kar": KAREN_OVERRIDE}
    data.update({
        "intro": "\n\n".join([words.paragraph(rng, 60), *(f"- {words.sentence(rng)}" for _ in range(4)),
                              words.paragraph(rng, 40)]) + "\n",
        "contact": {"phone": "+1 651 555 0100", "email": "choice@state.example.org",
                    "address": "100 Capitol Ave, Saint Paul, MN 55101", "hours": "Monday to Friday, 8 am to 5 pm",
                    "languages": languages[: min(len(languages), 5)], "interpreter": True},
        "application": {
            "opens": stamp(OPENS), "deadline": stamp(DEADLINE), "results": stamp(RESULTS),
            "apply_url": "https://apply.state.example.org/", "max_choices": 5,
            "how_it_works": "\n\n".join(words.paragraph(rng, 70) for _ in range(5)) + "\n",
            "paper": words.paragraph(rng, 40) + "\n\n- the Family Welcome Center\n- any school office\n",
            "steps": [{"title": title, "details": words.paragraph(rng, 30) + "\n", "date": stamp(when)}
                      for title, when in (("Explore schools", OPENS), ("Visit schools", dt.date(2026, 12, 1)),
                                          ("Apply", DEADLINE), ("Get your results", RESULTS))],
            "help_sessions": sessions,
        },
        "transportation": "\n\n".join(words.paragraph(rng, 50) for _ in range(4)) + "\n",
        "themes": words.THEMES,
        "priorities": words.PRIORITIES,
        "services": words.SERVICES,
    })
    return data


def school(rng: random.Random, number: int, languages: list[str], zips: list[str]) -> tuple[str, dict[str, Any]]:
    """One school: id and data, with every optional section most schools fill in."""
    theme = rng.choice(sorted(words.THEMES))
    name = f"{rng.choice(words.PLACES)} {words.THEME_WORDS[theme]} {rng.choice(words.KINDS)}"
    school_id = "-".join(name.lower().split()) + f"-{number:05d}"
    others = [tag for tag in languages if tag != "en"]
    events = []
    for _ in range(rng.randint(2, 3)):
        start = dt.datetime.combine(OPENS + dt.timedelta(days=rng.randint(1, 85)), dt.time(rng.choice((9, 10, 17, 18))))
        events.append({"title": rng.choice(words.EVENT_TITLES), "start": stamp(start),
                       "end": stamp(start + dt.timedelta(hours=rng.choice((1, 2)))),
                       "place": words.inside_place(rng), "languages": sorted(rng.sample(others, min(2, len(others)))),
                       "details": words.paragraph(rng, rng.randint(20, 40)) + "\n"})
    bus = rng.choices(("free", "limited", "none"), weights=(6, 3, 1))[0]
    transportation: dict[str, Any] = {"bus": bus, "details": words.paragraph(rng, 35) + "\n"}
    if bus != "none":
        transportation["stops"] = [{"place": f"{rng.choice(words.PLACES)} Community Center",
                                    "time": f"07:{10 + 10 * i:02d}"} for i in range(rng.randint(2, 4))]
        transportation["zip_codes"] = sorted(rng.sample(zips, rng.randint(2, 6)))
    transportation["transit"] = words.paragraph(rng, 20, markup=False) + "\n"
    transportation["interdistrict"] = rng.random() < 0.3
    data: dict[str, Any] = {
        "name": name, "themes": sorted({theme, rng.choice(sorted(words.THEMES))}),
        "tagline": words.sentence(rng)[:118], "description": words.description(rng),
        "grades": rng.choice(GRADES), "model": rng.choice(("whole-school", "program-within-school")),
        "seats": rng.randrange(20, 200), "address": f"{rng.randrange(100, 9999)} {rng.choice(words.PLACES)} Ave, "
        f"Saint Paul, MN {rng.choice(zips)}",
        "location": {"lat": round(44 + rng.random(), 4), "lon": round(-94 + rng.random(), 4)},
        "phone": f"+1 651 555 {rng.randrange(1000, 9999)}", "email": f"office@{school_id}.example.org",
        "website": f"https://{school_id}.example.org/", "nces_id": f"27{number:010d}",
        "hours": {"start": "07:50", "end": "14:20"},
        "care": {"before": True, "after": rng.random() < 0.7, "details": words.paragraph(rng, 25) + "\n"},
        "languages": {"staff": sorted(rng.sample(others, min(2, len(others))))},
        "services": sorted(rng.sample(sorted(words.SERVICES), rng.randint(1, 4))),
        "accessibility": {"level": rng.choice(("full", "partial")), "details": words.paragraph(rng, 20) + "\n"},
        "highlights": rng.sample(words.HIGHLIGHTS, rng.randint(2, 5)),
        "admission": {"method": rng.choices(("lottery", "weighted-lottery", "audition", "interview"),
                                            weights=(6, 2, 1, 1))[0],
                      "priorities": rng.sample(sorted(words.PRIORITIES), rng.randint(1, 3)),
                      "last_year": {"applicants": rng.randrange(50, 900), "offers": rng.randrange(20, 200)}},
        "transportation": transportation,
    }
    if rng.random() < 0.1:
        data["application"] = {"deadline": stamp(dt.datetime(2027, 1, 15, 17, 0))}
    data["events"] = events
    if number % 5 == 0:
        data["images"] = [{"src": f"{school_id}/photo.png", "alt": words.sentence(rng)}]
    return school_id, data


def png(rng: random.Random, size: int = 24) -> bytes:
    """A small one-colour PNG, so image copying is part of the work."""
    colour = bytes(rng.randrange(256) for _ in range(3))
    raw = b"".join(b"\x00" + colour * size for _ in range(size))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def prepare(dest: Path) -> None:
    """Make `dest` ready: empty, or a folder this generator wrote before (replaced)."""
    if dest.exists() and any(dest.iterdir()):
        if not (dest / MARKER).is_file():
            raise SystemExit(f"{dest} is not empty and was not written by bench/generate.py")
        for name in ("content", "translations"):
            shutil.rmtree(dest / name, ignore_errors=True)
    dest.mkdir(parents=True, exist_ok=True)
    (dest / MARKER).write_text("written by bench/generate.py; rerunning it replaces content/ and translations/\n")


def generate(dest: Path, schools: int, languages: int, seed: int) -> None:
    """Write the whole synthetic site into `dest`."""
    prepare(dest)
    rng = random.Random(seed)
    tags = pick_languages(languages)
    zips = [f"{55001 + i:05d}" for i in range(max(20, schools // 4))]
    content = dest / "content"
    (content / "schools").mkdir(parents=True)
    (content / "district.yaml").write_text(to_yaml(district(rng, tags, schools)), encoding="utf-8")
    for number in range(1, schools + 1):
        school_id, data = school(rng, number, tags, zips)
        (content / "schools" / f"{school_id}.yaml").write_text(to_yaml(data), encoding="utf-8")
        for image in data.get("images", []):
            target = content / "images" / image["src"]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(png(rng))
    write_catalogs(dest)


def main(argv: list[str] | None = None) -> None:
    """Command line: `generate.py --schools N --languages M --seed S DIR`."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schools", type=int, default=100, help="how many schools (default 100)")
    parser.add_argument("--languages", type=int, default=10, help="how many languages, English included")
    parser.add_argument("--seed", type=int, default=1, help="the random seed (same seed, same bytes)")
    parser.add_argument("dest", type=Path, help="the site folder to write")
    args = parser.parse_args(argv)
    generate(args.dest, args.schools, args.languages, args.seed)
    print(f"wrote {args.schools} schools in {args.languages} languages to {args.dest}")


if __name__ == "__main__":
    main()
