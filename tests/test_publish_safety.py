"""Nothing lost, beyond test_publish.py: an --out that is a file, a folder that lost its
marker, swaps interrupted half way, half-deleted staging folders, two builds at once.
(Real processes killed with SIGKILL: test_sigkill.py.)
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from firstdoor import publish
from firstdoor.publish import MARKER, recover_output
from tests.conftest import build_site
from tests.test_publish import snapshot

fcntl = pytest.importorskip("fcntl")


@pytest.fixture
def site(make_site):  # type: ignore[no-untyped-def]
    """A small valid site."""
    return make_site()


def test_out_that_is_a_file_is_refused(site: Path, tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("mine", encoding="utf-8")
    result = build_site(site, target)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == f"--out: {target} is a file, not a folder (choose a folder name)"
    assert target.read_text(encoding="utf-8") == "mine"


def test_a_folder_that_lost_its_marker_is_not_ours_any_more(site: Path, tmp_path: Path) -> None:
    """Refused like any folder of the user's; --force moves it aside next to earlier backups."""
    out = tmp_path / "www"
    (tmp_path / "www.backup-1").mkdir()
    assert build_site(site, out).exit_code == 0
    (out / MARKER).unlink()
    result = build_site(site, out)
    assert result.exit_code == 2
    assert "holds files firstdoor did not write" in result.stderr
    assert build_site(site, out, "--force").exit_code == 0
    assert (tmp_path / "www.backup-2" / "en" / "index.html").is_file()
    assert (out / MARKER).is_file()


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
    # beside the site only the build state (incremental builds) is left, in one folder
    assert sorted(p.name for p in tmp_path.iterdir()) == ["._site.firstdoor-build", "_site", site.name]


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
    assert f"\n--out: another firstdoor build is writing next to {out.resolve()} right now" in "\n" + result.stderr
    assert snapshot(out) == before
    assert build_site(site, out).exit_code == 0
