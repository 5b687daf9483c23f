"""The corpus of bad inputs, each built through the real command line.

Every folder under `tests/bad_inputs/` is one case: files laid over the minimal test site
(`content/...`; a `*.gz` file is unpacked first, symbolic links stay links) and
`expected.txt`, the exact lines `firstdoor build` must print on standard error (progress
lines and the summary of writing advice left out). A case
whose lines end with "nothing was published" must exit 1 and write nothing; any other
case must build (exit 0). `expect_in_output.txt` optionally lists `path: text` lines the
built site must contain (`path: !text`: must not contain).

After a deliberate change of wording, regenerate and review every expected file with
`FIRSTDOOR_BLESS=1 python3 -m pytest tests/test_bad_inputs.py`, then `git diff tests/bad_inputs`.
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from firstdoor.cli import cli
from tests.conftest import REPO, TODAY, write_site

CASES_DIR = Path(__file__).resolve().parent / "bad_inputs"
CASES = sorted(path for path in CASES_DIR.iterdir() if path.is_dir())
CASE_FILES = {"expected.txt", "expect_in_output.txt"}
FAILED = "nothing was published; the previous site is unchanged."


def lay_over(case: Path, site: Path) -> None:
    """Copy a case's files over a site: links as links, `.gz` files unpacked."""
    for source in sorted(case.rglob("*")):
        relative = source.relative_to(case)
        if relative.as_posix() in CASE_FILES or (source.is_dir() and not source.is_symlink()):
            continue
        target = site / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            target.unlink(missing_ok=True)
            os.symlink(os.readlink(source), target)
        elif source.suffix == ".gz":
            target.with_suffix("").write_bytes(gzip.decompress(source.read_bytes()))
        else:
            shutil.copyfile(source, target)


def make_case_site(case: Path, tmp_path: Path) -> Path:
    """The minimal site with the case laid over it, and files outside it for links to point at."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text("name: Not part of the site\n", encoding="utf-8")
    (outside / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a photo")
    site = write_site(tmp_path / "site")
    lay_over(case, site)
    return site


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_input(case: Path, tmp_path: Path) -> None:
    site = make_case_site(case, tmp_path)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", "--site", str(site), "--out", str(out),
                                      "--today", TODAY.isoformat()], catch_exceptions=False)
    lines = messages(result.stderr)
    expected_file = case / "expected.txt"
    if os.environ.get("FIRSTDOOR_BLESS"):
        expected_file.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    expected = expected_file.read_text(encoding="utf-8").strip("\n").splitlines()
    assert lines == expected
    if expected and expected[-1].endswith(FAILED):
        assert result.exit_code == 1
        assert not out.exists()
    else:
        assert result.exit_code == 0, result.output
        assert "Traceback" not in result.output
        _check_output(case, out)


PROGRESS = re.compile(r"^[\w ]+: \d+ in \d+(\.\d+)? s$")
ADVICE = re.compile(r"^\d+ content warnings? \(.*\): run `firstdoor check` to see them$")


def messages(stderr: str) -> list[str]:
    """What the build said about the content: without its progress lines (their times vary) and
    without the one-line summary of writing advice (another concern, `firstdoor check`)."""
    return [line for line in stderr.strip("\n").splitlines()
            if not PROGRESS.match(line) and not ADVICE.match(line)]


def _check_output(case: Path, out: Path) -> None:
    wanted = case / "expect_in_output.txt"
    if not wanted.is_file():
        return
    for line in wanted.read_text(encoding="utf-8").splitlines():
        relative, _, text = line.partition(": ")
        page = (out / relative).read_text(encoding="utf-8")
        if text.startswith("!"):
            assert text[1:] not in page, f"{relative} must not contain {text[1:]!r}"
        else:
            assert text in page, f"{relative} must contain {text!r}"


def test_every_case_has_its_expected_messages() -> None:
    for case in CASES:
        assert (case / "expected.txt").is_file(), case.name


def test_deep_nesting_in_a_real_process(tmp_path: Path) -> None:
    """libyaml's composer recursed until the process crashed (SIGSEGV): no traceback, no output."""
    site = make_case_site(CASES_DIR / "deep-nesting", tmp_path)
    done = subprocess.run([sys.executable, "-m", "firstdoor", "build", "--site", str(site)],
                          capture_output=True, text=True, cwd=REPO, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "nested more than" in done.stderr
