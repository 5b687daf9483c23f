"""Building at scale: the synthetic district, parallel rendering, shards and merge.

No test here asserts a time; the benchmark (`bench/run.py`) measures those.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bench.generate import generate
from firstdoor.errors import UsageError
from firstdoor.render import relative_url
from firstdoor.options import Shard, parse_shard
from tests.conftest import REPO, TODAY, build_site, run_cli


def snapshot(folder: Path) -> dict[str, str]:
    """Every file below `folder` with its hash."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small generated district: 8 schools, 4 languages (Arabic and Hmong among them)."""
    site = tmp_path_factory.mktemp("synthetic")
    generate(site, schools=8, languages=4, seed=3)
    return site


def test_generator_is_deterministic(tmp_path: Path) -> None:
    generate(tmp_path / "a", schools=5, languages=5, seed=7)
    generate(tmp_path / "b", schools=5, languages=5, seed=7)
    generate(tmp_path / "c", schools=5, languages=5, seed=8)
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")
    assert snapshot(tmp_path / "a") != snapshot(tmp_path / "c")


def test_generator_rerun_replaces_its_own_folder_only(tmp_path: Path) -> None:
    generate(tmp_path / "a", schools=3, languages=3, seed=1)
    generate(tmp_path / "a", schools=2, languages=3, seed=1)
    assert len(list((tmp_path / "a" / "content" / "schools").iterdir())) == 2
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep")
    with pytest.raises(SystemExit):
        generate(tmp_path / "mine", schools=2, languages=3, seed=1)
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep"


def test_generated_site_builds_fully_translated(synthetic: Path, tmp_path: Path) -> None:
    result = build_site(synthetic, tmp_path / "out", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert re.search(r"built \d+ pages in 4 languages in", result.output)
    assert "shown in the source language" not in result.output  # every lookup found a translation
    page = (tmp_path / "out" / "ar" / "index.html").read_text(encoding="utf-8")
    assert 'dir="rtl"' in page and "مترجم" in page


def test_jobs_1_and_jobs_2_write_identical_sites(synthetic: Path, tmp_path: Path) -> None:
    assert build_site(synthetic, tmp_path / "one", "--jobs", "1").exit_code == 0
    assert build_site(synthetic, tmp_path / "two", "--jobs", "2").exit_code == 0
    assert build_site(synthetic, tmp_path / "three", "--jobs", "3").exit_code == 0
    one = snapshot(tmp_path / "one")
    assert one == snapshot(tmp_path / "two") == snapshot(tmp_path / "three")


def test_sample_jobs_1_and_2_identical(sample_build: Path, tmp_path: Path) -> None:
    assert build_site(REPO, tmp_path / "two", "--jobs", "2", "--clean").exit_code == 0
    assert snapshot(sample_build) == snapshot(tmp_path / "two")


def test_shards_merged_equal_a_single_build(synthetic: Path, tmp_path: Path) -> None:
    assert build_site(synthetic, tmp_path / "single", "--jobs", "1").exit_code == 0
    shards = [tmp_path / f"shard{k}" for k in (1, 2, 3)]
    for k, folder in enumerate(shards, start=1):
        result = build_site(synthetic, folder, "--shard", f"{k}/3", "--jobs", "1")
        assert result.exit_code == 0, result.output
    owned = [{p for p in snapshot(folder) if "/schools/" in p} for folder in shards]
    assert all(owned) and not owned[0] & owned[1]  # each shard did its own share
    # artifacts travel between machines without their modification times
    downloaded = [shutil.copytree(folder, tmp_path / "downloaded" / folder.name, copy_function=shutil.copy)
                  for folder in shards]
    result = run_cli("merge", "--site", synthetic, "--out", tmp_path / "merged", "--today", TODAY.isoformat(), "--no-pdf",
                     *downloaded)
    assert result.exit_code == 0, result.output
    assert snapshot(tmp_path / "merged") == snapshot(tmp_path / "single")
    page = next(p for p in (downloaded[1]).rglob("index.html") if "/schools/" in p.as_posix())
    page.write_text("tampered", encoding="utf-8")
    result = run_cli("merge", "--site", synthetic, "--out", tmp_path / "merged", "--today", TODAY.isoformat(), "--no-pdf",
                     *downloaded)
    assert result.exit_code == 2 and "missing from the shards or differ" in result.output


def test_merge_refuses_missing_or_foreign_shards(synthetic: Path, tmp_path: Path) -> None:
    for k in (1, 2):
        assert build_site(synthetic, tmp_path / f"s{k}", "--shard", f"{k}/2", "--jobs", "1").exit_code == 0
    result = run_cli("merge", "--site", synthetic, "--out", tmp_path / "m", "--today", TODAY.isoformat(), "--no-pdf",
                     tmp_path / "s1")
    assert result.exit_code == 2 and "shard 2/2 missing" in result.output
    result = run_cli("merge", "--site", synthetic, "--out", tmp_path / "m", "--today", "2026-12-01", "--no-pdf",
                     tmp_path / "s1", tmp_path / "s2")
    assert result.exit_code == 2 and f"was built for {TODAY.isoformat()}, this merge for 2026-12-01" in result.output
    assert "with the same --today" in result.output
    result = run_cli("merge", "--site", synthetic, "--out", tmp_path / "m", "--today", TODAY.isoformat(), "--no-pdf",
                     "--lang", "en", tmp_path / "s1", tmp_path / "s2")
    assert result.exit_code == 2 and "built from other content" in result.output
    assert not (tmp_path / "m").exists()


def test_shard_option_is_checked() -> None:
    assert parse_shard("2/4") == Shard(2, 4)
    for bad in ("0/4", "5/4", "x", "1/0"):
        with pytest.raises(UsageError):
            parse_shard(bad)
    assert run_cli("build", "--shard", "3/2").exit_code == 2


def test_shards_split_every_school_exactly_once() -> None:
    keys = [f"school-{i}" for i in range(200)]
    owners = [[k for k in keys if Shard(i, 4).owns(k)] for i in range(1, 5)]
    assert sorted(sum(owners, [])) == sorted(keys)
    assert all(30 < len(part) < 70 for part in owners)


def test_template_error_in_a_worker_is_a_clean_error(synthetic: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    generate(site, schools=3, languages=3, seed=1)
    (site / "templates").mkdir()
    broken = (REPO / "templates" / "school.html").read_text(encoding="utf-8").replace(
        "{{ school.name|t }}", "{{ school.nosuch.x }}", 1)
    (site / "templates" / "school.html").write_text(broken, encoding="utf-8")
    result = build_site(site, tmp_path / "out", "--jobs", "2")
    assert result.exit_code == 1
    assert "template error while rendering" in result.output and "Traceback" not in result.output


_SEGMENT = st.sampled_from(["es", "schools", "lincoln", "zip", "index.html", "site.css?v=1", ".", "..", "", "a.b"])
_PATH = st.builds(lambda parts, slash: "/".join(parts) + slash, st.lists(_SEGMENT, max_size=4), st.sampled_from(["", "/"]))


@given(_PATH, _PATH)
def test_fast_relative_url_matches_posixpath(from_page: str, target: str) -> None:
    """`relative_url` skips `posixpath.relpath` for clean paths; it must give the same links."""
    base = posixpath.dirname(from_page.rstrip("/") + "/x") if from_page.endswith("/") else posixpath.dirname(from_page)
    try:
        expected = posixpath.relpath("/" + target, "/" + base) if target else posixpath.relpath("/", "/" + base)
    except ValueError:
        return
    if target.endswith("/") or target == "":
        expected = "./" if expected.rstrip("/") + "/" == "./" else expected.rstrip("/") + "/"
    assert relative_url(from_page, target) == expected


def test_benchmark_quick_run_reports_cold_and_no_change(tmp_path: Path) -> None:
    """`bench/run.py --quick` runs the real CLI on a tiny district and reports its two steps as JSON."""
    from bench.run import main as bench_main

    report = tmp_path / "bench.json"
    bench_main(["--schools", "3", "--languages", "2", "--jobs", "1", "--quick", "--work", str(tmp_path / "work"),
                "--json", str(report)])
    results = json.loads(report.read_text(encoding="utf-8"))["results"]
    assert [(r["step"], r["ok"]) for r in results] == [("cold", True), ("no-change", True)]
    assert results[0]["pages"] > 0 and results[0]["peak_pss_mb"] > 0


@pytest.mark.pdf
def test_benchmark_measures_cpu_per_flyer_and_a_rebuild_from_the_flyer_cache(tmp_path: Path) -> None:
    """With `--flyer-schools`, the benchmark reports the flyers' CPU and a rebuild whose flyers all come from the cache."""
    from bench.run import main as bench_main

    report = tmp_path / "bench.json"
    bench_main(["--schools", "2", "--languages", "2", "--jobs", "1", "--quick", "--flyer-schools", "2",
                "--work", str(tmp_path / "work"), "--json", str(report)])
    data = json.loads(report.read_text(encoding="utf-8"))
    steps = [(r["step"], r["ok"]) for r in data["results"]]
    assert steps[2:] == [("flyers-base", True), ("flyers-cold", True), ("flyers-no-change", True),
                         ("flyers-cached", True)]
    assert data["flyer_pdfs"] > 0 and data["flyer_cpu"]["per_flyer"] > 0


def test_benchmark_memory_sampler_survives_a_process_that_just_ended(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker ending while the sampler walks the tree stopped the sampler thread (and its peak)."""
    from bench import memory

    def vanished(self: Path, pattern: str) -> list[Path]:
        raise FileNotFoundError(f"{self}: the process ended")  # as os.scandir does in that race

    monkeypatch.setattr(Path, "glob", vanished)
    assert memory._children(1) == []
