"""Safe output: failed builds publish nothing, builds are deterministic, --out is guarded."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Callable

import pytest

from firstdoor.publish import MARKER
from tests.conftest import build_site


def snapshot(folder: Path) -> dict[str, str]:
    """Every file below `folder` with its hash."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_failed_build_leaves_previous_output_byte_identical(make_site: Callable[..., Path],
                                                             school: dict[str, Any]) -> None:
    site = make_site(schools={"lincoln": school})
    assert build_site(site).exit_code == 0
    before = snapshot(site / "_site")
    broken = dict(school, grades="Z-5")
    make_site  # the same folder: rewrite the school file in place
    import yaml
    (site / "content" / "schools" / "lincoln.yaml").write_text(yaml.safe_dump(broken))
    assert build_site(site).exit_code == 1
    assert snapshot(site / "_site") == before
    assert not list(site.glob(".firstdoor-staging-*"))


def test_two_builds_are_byte_identical(make_site: Callable[..., Path], tmp_path: Path) -> None:
    site = make_site()
    assert build_site(site, tmp_path / "a").exit_code == 0
    assert build_site(site, tmp_path / "b").exit_code == 0
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")


def test_rebuild_replaces_output_and_keeps_marker(make_site: Callable[..., Path]) -> None:
    site = make_site()
    assert build_site(site).exit_code == 0
    (site / "_site" / "stale.html").write_text("old")
    assert build_site(site).exit_code == 0
    assert not (site / "_site" / "stale.html").exists()
    assert (site / "_site" / MARKER).is_file()


@pytest.mark.parametrize("out", [".", "content", "templates", "translations", "content/schools", ".."])
def test_out_refuses_site_folders(make_site: Callable[..., Path], out: str) -> None:
    site = make_site()
    (site / "templates").mkdir(exist_ok=True)
    result = build_site(site, site / out)
    assert result.exit_code == 2
    assert "--out:" in result.output


def test_out_refuses_root_and_home(make_site: Callable[..., Path]) -> None:
    site = make_site()
    for out in (Path("/"), Path.home()):
        result = build_site(site, out)
        assert result.exit_code == 2, out


def test_out_with_foreign_files_needs_force_and_nothing_is_deleted(make_site: Callable[..., Path],
                                                                    tmp_path: Path) -> None:
    site = make_site()
    out = tmp_path / "www"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    result = build_site(site, out)
    assert result.exit_code == 2
    assert "holds files firstdoor did not write" in result.output
    assert (out / "notes.txt").read_text() == "mine"
    assert build_site(site, out, "--force").exit_code == 0
    assert (tmp_path / "www.backup-1" / "notes.txt").read_text() == "mine"
    assert (out / MARKER).is_file()
