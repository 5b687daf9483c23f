"""The command line: version, help, exit codes, the build.py entry point."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from firstdoor import __version__
from tests.conftest import REPO, build_site, run_cli


def test_version() -> None:
    result = run_cli("--version")
    assert result.exit_code == 0
    assert __version__ in result.output


def test_every_command_has_help_with_examples() -> None:
    for args in (["--help"], ["build", "--help"]):
        result = run_cli(*args)
        assert result.exit_code == 0
        assert "Examples" in result.output


def test_unknown_option_is_a_usage_error() -> None:
    assert run_cli("build", "--bogus").exit_code == 2


def test_content_error_exits_1_without_traceback(make_site, school) -> None:  # type: ignore[no-untyped-def]
    school["admission"]["method"] = "lotery"
    site = make_site(schools={"lincoln": school})
    result = build_site(site)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "nothing was published" in result.output


def test_build_py_is_firstdoor_build(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, str(REPO / "build.py"), "--site", str(REPO), "--out", str(out),
                           "--lang", "en", "--today", "2026-11-23", "--no-pdf"], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert (out / "en" / "index.html").is_file()


def test_building_only_a_language_other_than_the_source(tmp_path: Path) -> None:
    """Regression: the chooser and 404 pages assumed the source language was built."""
    result = build_site(REPO, tmp_path / "out", "--lang", "ar")
    assert result.exit_code == 0, result.output
    assert 'lang="ar"' in (tmp_path / "out" / "index.html").read_text()
