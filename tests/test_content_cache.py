"""Validation and advice kept per content file between builds (`caches.ContentCache`).

Each test validates and advises a generated district once (keeping the results as a
build state would), edits it, then checks that the second run read only what changed
and reported exactly what a run without any cache reports: same problems, same files,
lines, columns, messages, same order.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from bench.generate import generate
from firstdoor import validate
from firstdoor.advice import AdviceOptions, advise
from firstdoor.caches import CONTENT_DIR, ContentCache
from firstdoor.errors import ContentError, Problem
from firstdoor.options import BuildOptions
from firstdoor.pipeline import build, load_site
from firstdoor.report import Finding
from tests.conftest import TODAY


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated district whose schools also hold warnings found by each kind of check."""
    site = tmp_path_factory.mktemp("generated") / "site"
    generate(site, schools=6, languages=2, seed=5)
    first, second = school_files(site)[:2]
    edit(first, lambda d: d.update(description="See [the apply page](/en/aply/) and <script>x</script>.",
                                   website="http://example.org/"))
    edit(second, lambda d: d.update(transportation={"bus": "none", "zip_codes": ["55104"]}, events=[]))
    return site


@pytest.fixture
def site(generated: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "site"
    shutil.copytree(generated, copy)
    return copy


def school_files(site: Path) -> list[Path]:
    return sorted((site / "content" / "schools").glob("*.yaml"))


def edit(path: Path, change: Any) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def check(site: Path, cache: ContentCache | None) -> tuple[list[Problem], list[Finding]]:
    """What validation and advice report: the problems (warnings, or every problem when invalid), the advice."""
    try:
        validated = load_site(site, cache)
    except ContentError as error:
        return list(error.problems), []
    return list(validated.warnings), advise(validated, AdviceOptions(today=TODAY), {}, cache)


def keep(cache: ContentCache, state: Path) -> Path:
    """Write what the cache would leave in a new build state (as `incremental.write_state` does)."""
    for name, blob in cache.keep.items():
        (state / name).parent.mkdir(parents=True, exist_ok=True)
        (state / name).write_bytes(blob if isinstance(blob, bytes) else blob.read_bytes())
    return state


def warm(site: Path, tmp_path: Path) -> Path:
    """Validate and advise once, keeping the results in a state folder; return it."""
    cache = ContentCache()
    problems, advice = check(site, cache)
    assert (cache.computed["school"], cache.computed["advice"]) == (6, 6)
    assert advice and not any(p.severity == "error" for p in problems)
    return keep(cache, tmp_path / "state")


def test_an_edited_school_is_the_only_file_read_again(site: Path, tmp_path: Path) -> None:
    state = warm(site, tmp_path)
    edited = school_files(site)[2]
    edit(edited, lambda d: d.update(description="Our teachers build robots every day. See "
                                    "[the missing page](/en/nowhere/).", events=[]))
    cache = ContentCache((state,))
    problems, advice = check(site, cache)
    assert cache.computed == {"school": 1, "advice": 1}
    assert (problems, advice) == check(site, None)
    files = {f.problem.file for f in advice} | {p.file for p in problems}
    assert {f"content/schools/{path.name}" for path in school_files(site)[:3]} <= files
    assert any(f.rule == "broken-link" and f.problem.file.endswith(edited.name) for f in advice)
    assert any(p.message.startswith("ZIP codes are listed") for p in problems)  # from an unchanged school


def test_an_error_is_reported_the_same_from_cold_and_warm(site: Path, tmp_path: Path) -> None:
    state = warm(site, tmp_path)
    edited = school_files(site)[3]
    text = edited.read_text(encoding="utf-8")
    edited.write_text(re.sub(r"^seats: .*$", "seats: many", text, count=1, flags=re.M), encoding="utf-8")
    cold = check(site, None)
    cache = ContentCache((state,))
    assert check(site, cache) == cold
    assert cache.computed == {"school": 1}
    assert [p.file for p in cold[0] if p.severity == "error"] == [f"content/schools/{edited.name}"]
    assert check(site, ContentCache((keep(cache, tmp_path / "again"),))) == cold  # an invalid file stays invalid


def test_district_checks_place_problems_in_unchanged_schools(site: Path, tmp_path: Path) -> None:
    """A theme removed from the district is an error in the (unchanged, cached) schools that use it."""
    state = warm(site, tmp_path)
    district = site / "content" / "district.yaml"
    edit(district, lambda d: d["themes"].pop("arts"))
    cold = check(site, None)
    cache = ContentCache((state,))
    assert check(site, cache) == cold
    assert cache.computed == {}
    errors = [p for p in cold[0] if p.severity == "error"]
    assert errors and all(p.line and p.column and "'arts' is not one of" in p.message for p in errors)


def test_a_damaged_cache_is_ignored(site: Path, tmp_path: Path) -> None:
    state = warm(site, tmp_path)
    cached = sorted((state / CONTENT_DIR).iterdir())
    cached[0].write_bytes(b"garbage")
    cached[1].write_bytes(cached[1].read_bytes()[:40])
    cached[2].write_bytes(cached[3].read_bytes())  # another file's result under this name
    cache = ContentCache((state,))
    assert check(site, cache) == check(site, None)
    assert sum(cache.computed.values()) == 3


def test_a_cache_of_another_firstdoor_version_is_not_used(site: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    state = warm(site, tmp_path)
    monkeypatch.setattr(validate, "tool_fingerprint", lambda: "another version")
    cache = ContentCache((state,))
    assert check(site, cache) == check(site, None)
    assert cache.computed == {"school": 6, "advice": 6, "language": 2}


def test_a_rebuild_after_one_school_edit_validates_that_file_and_reports_as_a_clean_build(site: Path) -> None:
    options = BuildOptions(out=site / "_site", today=TODAY, pdf=False, jobs=1)
    assert build(site, options).validated == 6
    edit(school_files(site)[4], lambda d: d.update(description="A new description, written on 12/01."))
    again = build(site, options)
    clean = build(site, BuildOptions(out=site / "clean", today=TODAY, pdf=False, jobs=1, clean=True))
    assert (again.validated, clean.validated) == (1, 6)
    assert (again.warnings, again.advice) == (clean.warnings, clean.advice)
    assert any(f.rule == "date-in-prose" for f in again.advice)
