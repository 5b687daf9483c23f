"""Nothing lost: the --out refusals, the output marker, failed builds, interrupted swaps,
concurrent builds. (The SIGKILL test with real processes is in test_sigkill.py.)
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from firstdoor import publish
from firstdoor.publish import MARKER, recover_output
from tests.conftest import build_site

fcntl = pytest.importorskip("fcntl")


def snapshot(folder: Path) -> dict[str, str]:
    """Every file below `folder` (links not followed) with the hash of its bytes."""
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file() and not path.is_symlink()}


@pytest.fixture
def site(make_site):  # type: ignore[no-untyped-def]
    """A small valid site."""
    return make_site()


@pytest.mark.parametrize("where", ["site", "content", "templates", "translations", "parent", "in-content",
                                   "root", "home"])
def test_out_folders_that_hold_the_users_files_are_refused(site: Path, where: str) -> None:
    (site / "templates").mkdir(exist_ok=True)
    (site / "translations").mkdir(exist_ok=True)
    out = {"site": site, "content": site / "content", "templates": site / "templates",
           "translations": site / "translations", "parent": site.parent, "in-content": site / "content" / "out",
           "root": Path("/"), "home": Path.home()}[where]
    before = snapshot(site)
    result = build_site(site, out)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("--out: ")
    assert "Traceback" not in result.output
    assert snapshot(site) == before


def test_out_that_is_a_file_is_refused(site: Path, tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("mine", encoding="utf-8")
    result = build_site(site, target)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == f"--out: {target} is a file, not a folder (choose a folder name)"
    assert target.read_text(encoding="utf-8") == "mine"


def test_folder_with_other_files_is_refused_then_moved_aside_with_force(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "www"
    out.mkdir()
    (out / "report.docx").write_bytes(b"the user's own file")
    result = build_site(site, out)
    assert result.exit_code == 2
    assert "holds files firstdoor did not write" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["report.docx"]
    assert build_site(site, out, "--force").exit_code == 0
    assert (tmp_path / "www.backup-1" / "report.docx").read_bytes() == b"the user's own file"
    assert (out / MARKER).is_file()
    (out / MARKER).unlink()  # a folder that lost its marker is not ours any more
    assert build_site(site, out).exit_code == 2
    assert build_site(site, out, "--force").exit_code == 0
    assert (tmp_path / "www.backup-2" / "en" / "index.html").is_file()
    assert (tmp_path / "www.backup-1" / "report.docx").is_file()


def test_marked_output_is_replaced_entirely(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "_site"
    assert build_site(site, out).exit_code == 0
    assert (out / MARKER).read_text(encoding="utf-8").startswith("This folder was written by firstdoor")
    (out / "stale.html").write_text("from an old build", encoding="utf-8")
    assert build_site(site, out).exit_code == 0
    assert not (out / "stale.html").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".firstdoor")] == []


def test_failed_build_leaves_previous_output_unchanged(make_site, school, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "_site"
    assert build_site(make_site(), out).exit_code == 0
    before = snapshot(out)
    school["grades"] = "5-K"
    result = build_site(make_site(schools={"lincoln": school}), out)
    assert result.exit_code == 1
    assert snapshot(out) == before


def _interrupted_between_renames(out: Path) -> Path:
    """The state a kill leaves between the two renames of the fallback swap."""
    previous = out.with_name(".firstdoor-previous-" + out.name)
    os.rename(out, previous)
    return previous


def test_swap_killed_between_renames_is_recovered_even_by_a_failing_build(make_site, school,  # type: ignore[no-untyped-def]
                                                                         tmp_path: Path) -> None:
    out = tmp_path / "_site"
    assert build_site(make_site(), out).exit_code == 0
    before = snapshot(out)
    previous = _interrupted_between_renames(out)
    school["grades"] = "5-K"
    assert build_site(make_site(schools={"lincoln": school}), out).exit_code == 1
    assert snapshot(out) == before
    assert not previous.exists()


def test_swap_killed_after_renames_keeps_the_new_site(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "_site"
    assert build_site(site, out).exit_code == 0
    previous = out.with_name(".firstdoor-previous-_site")
    (previous / "en").mkdir(parents=True)
    (previous / MARKER).write_text(publish.MARKER_TEXT, encoding="utf-8")
    before = snapshot(out)
    recover_output(out)
    assert snapshot(out) == before
    assert not previous.exists()


def test_fallback_swap_without_rename_exchange(site: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Systems without an atomic folder exchange (macOS, some network file systems)."""
    monkeypatch.setattr(publish, "_exchange", lambda a, b: False)
    out = tmp_path / "_site"
    assert build_site(site, out).exit_code == 0
    (out / "stale.html").write_text("old", encoding="utf-8")
    assert build_site(site, out).exit_code == 0
    assert not (out / "stale.html").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_site", site.name]


def test_half_deleted_staging_folder_is_cleaned_up(site: Path, tmp_path: Path) -> None:
    """A kill while deleting a staging folder leaves its marker (deleted last): the next build finishes."""
    stale = tmp_path / ".firstdoor-staging-_site-killed"
    (stale / "en").mkdir(parents=True)
    (stale / MARKER).write_text(publish.MARKER_TEXT, encoding="utf-8")
    mine = tmp_path / ".firstdoor-staging-_site-not-ours"
    mine.mkdir()  # no marker: never deleted
    assert build_site(site, tmp_path / "_site").exit_code == 0
    assert not stale.exists()
    assert mine.is_dir()


def test_a_second_build_at_the_same_time_is_refused(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "_site"
    assert build_site(site, out).exit_code == 0
    before = snapshot(out)
    fd = os.open(tmp_path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # what a running build holds
        result = build_site(site, out)
    finally:
        os.close(fd)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"--out: another firstdoor build is writing next to {out.resolve()}")
    assert snapshot(out) == before
    assert build_site(site, out).exit_code == 0


def test_no_cache_to_delete_yet() -> None:
    """Issue 7 asks that a cache be deletable and a corrupt entry rebuilt; firstdoor has no cache yet.

    This test fails as soon as one appears, so its tests get written with it.
    """
    package = Path(publish.__file__).parent
    assert not (package / "cache.py").exists()
