"""Open data and feeds: `schools.json` validates against its schema; the Atom feeds parse."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import feedparser
import jsonschema


def test_schools_json_validates_against_its_schema(sample_build: Path) -> None:
    data = json.loads((sample_build / "schools.json").read_text())
    schema = json.loads((sample_build / "schools.schema.json").read_text())
    jsonschema.validate(data, schema)
    lincoln = next(s for s in data["schools"] if s["id"] == "lincoln-stem")
    assert lincoln["urls"]["zh-Hans"] == "https://choice.riverside.example.org/zh-hans/schools/lincoln-stem/"
    assert lincoln["deadline"] == "2027-01-31T17:00:00-06:00"
    assert [s["id"] for s in data["schools"]] == sorted(
        (s["id"] for s in data["schools"]), key=lambda i: next(x["name"] for x in data["schools"] if x["id"] == i).casefold())


def test_schema_rejects_a_wrong_record(sample_build: Path) -> None:
    schema = json.loads((sample_build / "schools.schema.json").read_text())
    data = json.loads((sample_build / "schools.json").read_text())
    data["schools"][0]["bus"] = "sometimes"
    try:
        jsonschema.validate(data, schema)
    except jsonschema.ValidationError:
        return
    raise AssertionError("an invalid bus value passed the schema")


def test_schools_csv_has_a_row_per_school_and_a_url_per_language(sample_build: Path) -> None:
    rows = list(csv.DictReader((sample_build / "schools.csv").open(encoding="utf-8")))
    assert len(rows) == len(json.loads((sample_build / "schools.json").read_text())["schools"])
    assert rows[0]["url_ar"].startswith("https://choice.riverside.example.org/ar/schools/")
    assert all(";" not in r["name"] for r in rows)


def test_atom_feed_parses_with_upcoming_dates(sample_build: Path) -> None:
    feed = feedparser.parse((sample_build / "es" / "feed.atom").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.language == "es" or feed.feed.get("language") in (None, "es")
    titles = [e.title for e in feed.entries]
    assert any("Deadline" in t or "Fecha" in t or "plazo" in t.lower() for t in titles)
    updated = [e.updated_parsed for e in feed.entries]
    assert updated == sorted(updated)
    assert all(e.link.startswith("https://choice.riverside.example.org/es/") for e in feed.entries)
    assert "<span" not in (sample_build / "es" / "feed.atom").read_text()


def test_every_language_has_a_feed(sample_build: Path) -> None:
    for slug in ("en", "es", "zh-hans", "vi", "ar", "hmn", "so"):
        assert not feedparser.parse((sample_build / slug / "feed.atom").read_bytes()).bozo
