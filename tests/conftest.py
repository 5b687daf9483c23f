"""Shared fixtures: the sample site, and small inline sites written into a temporary folder."""

from __future__ import annotations

import copy
import shutil
import time
import datetime as dt
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml
from click.testing import CliRunner, Result

from firstdoor import incremental
from firstdoor.cli import cli
from firstdoor.pipeline import load_catalogs, load_site

REPO = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 23)

MINIMAL_DISTRICT: dict[str, Any] = {
    "name": "Test District",
    "base_url": "https://choice.test.example.org/",
    "timezone": "America/Chicago",
    "default_language": "en",
    "languages": ["en", "es"],
    "intro": "Magnet schools are free public schools.\n\nAny family can apply.",
    "contact": {"phone": "+1 555 0100", "languages": ["en", "es"], "interpreter": True},
    "application": {
        "opens": "2026-11-01",
        "deadline": "2027-01-29T17:00",
        "results": "2027-03-15",
        "apply_url": "https://apply.test.example.org/",
        "how_it_works": "A computer picks names at random.",
    },
    "transportation": "The bus is free for most schools.",
    "themes": {"stem": "Science and math", "arts": "Arts"},
    "priorities": {"sibling": "A brother or sister attends"},
    "services": {"english-learners": "English learner support"},
}

MINIMAL_SCHOOL: dict[str, Any] = {
    "name": "Lincoln STEM Academy",
    "themes": ["stem"],
    "tagline": "Build, test and invent every day.",
    "description": "Children learn science by doing.\n\n- Robots\n- Gardens",
    "grades": "K-5",
    "model": "whole-school",
    "address": "1200 Lincoln Ave, Riverside, MN 55104",
    "admission": {"method": "lottery"},
    "transportation": {"bus": "free", "zip_codes": ["55104"]},
}


def write_site(root: Path, district: dict[str, Any] | None = None,
               schools: dict[str, dict[str, Any] | str] | None = None,
               files: dict[str, str | bytes] | None = None) -> Path:
    """Write a small site: YAML from dicts (or raw text), plus any extra files."""
    content = root / "content"
    (content / "schools").mkdir(parents=True, exist_ok=True)
    district_data = MINIMAL_DISTRICT if district is None else district
    (content / "district.yaml").write_text(yaml.safe_dump(district_data, allow_unicode=True, sort_keys=False),
                                           encoding="utf-8")
    for school_id, data in (schools if schools is not None else {"lincoln": MINIMAL_SCHOOL}).items():
        text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        (content / "schools" / f"{school_id}.yaml").write_text(text, encoding="utf-8")
    for relative, data in (files or {}).items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            target.write_bytes(data)
        else:
            target.write_text(data, encoding="utf-8")
    return root


@pytest.fixture(autouse=True)
def digests_double_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    """In every test, a unit a build did not compute the digest of (`incremental.Changes`) must have the digest
    of its record: every edit the tests make checks that shortcut against the full computation."""
    shortcut = incremental.current

    def checked(manifest: incremental.Manifest, unit_id: str, expected: Callable[[Any], str],
                language: str | None = None) -> incremental.UnitRecord | None:
        found = shortcut(manifest, unit_id, expected, language)
        computed = shortcut(manifest, unit_id, expected)
        assert found is computed, f"{unit_id}: unchanged by the changes since the last build: {found is not None}, " \
            f"by its digest: {computed is not None}"
        return found
    monkeypatch.setattr(incremental, "current", checked)


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[..., Path]:
    """Write an inline site into a fresh folder and return the folder."""
    counter = iter(range(1000))

    def make(**kwargs: Any) -> Path:
        return write_site(tmp_path / f"site{next(counter)}", **kwargs)
    return make


@pytest.fixture
def district() -> dict[str, Any]:
    """A deep copy of the minimal district, to modify in a test."""
    return copy.deepcopy(MINIMAL_DISTRICT)


@pytest.fixture
def school() -> dict[str, Any]:
    """A deep copy of the minimal school, to modify in a test."""
    return copy.deepcopy(MINIMAL_SCHOOL)


def gone_soon(folder: Path, seconds: float = 20.0) -> bool:
    """Whether `folder` disappears within `seconds` (it is deleted by a process of its own)."""
    deadline = time.monotonic() + seconds
    while folder.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return not folder.exists()


def run_cli(*args: str | Path) -> Result:
    """Run the `firstdoor` command in-process, as a user would type it."""
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def build_site(site: Path, out: Path | None = None, *extra: str, pdf: bool = False) -> Result:
    """Build a site with a fixed "today", so output does not depend on the test date.

    Flyers are left out (`--no-pdf`) unless `pdf=True`: rendering PDFs is slow, and only the
    tests marked `pdf` need them.
    """
    out = out or site / "_site"
    flags = () if pdf else ("--no-pdf",)
    return run_cli("build", "--site", site, "--out", out, "--today", TODAY.isoformat(), *flags, *extra)


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The embedded sample district built once per test session, without PDFs (see
    `tests/test_flyers.py` for the flyers); returns the output folder."""
    out = tmp_path_factory.mktemp("sample") / "_site"
    result = build_site(REPO, out)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="session")
def sample_pdf(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The sample district copied to a fresh folder (cold cache) and built with its flyers and
    neighborhood sheets (shared by test_flyers.py and test_sheets.py: one render of each PDF)."""
    site = tmp_path_factory.mktemp("pdf-sample")
    shutil.copytree(REPO / "content", site / "content")
    out = site / "_site"
    result = build_site(site, out, "--jobs", "2", pdf=True)
    assert result.exit_code == 0, result.output
    validated = load_site(site)
    return {"site": site, "out": out, "output": result.output, "validated": validated,
            "catalogs": load_catalogs(validated, validated.languages)[0]}


def tiny_jpeg(width: int = 8, height: int = 5) -> bytes:
    """A real (decodable) JPEG image, for content that references photos."""
    import io

    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (width, height), (40, 120, 200)).save(out, "JPEG")
    return out.getvalue()
