"""The same input builds byte-identical output: two real `firstdoor build` processes, in
different folders, with different TZ, LANG, LC_ALL and PYTHONHASHSEED.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, TODAY
from tests.test_publish import snapshot
from tests.test_sigkill import copy_sample

ENVIRONMENTS = [
    {"TZ": "Pacific/Kiritimati", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "PYTHONHASHSEED": "1"},
    {"TZ": "America/Adak", "LANG": "de_DE.UTF-8", "LC_ALL": "", "LANGUAGE": "fr", "PYTHONHASHSEED": "4242"},
]


def build_in(site: Path, out: Path, overrides: dict[str, str]) -> None:
    """One build in its own process, run from inside the site folder."""
    env = {**os.environ, **overrides, "PYTHONPATH": str(REPO)}
    # --no-pdf: the flyers' own determinism test (tests/test_flyers.py) renders a small site;
    # rendering the sample's 84 PDFs twice here would add minutes.
    done = subprocess.run([sys.executable, "-m", "firstdoor", "build", "--out", str(out), "--no-pdf",
                           "--today", TODAY.isoformat()], cwd=site, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr


def test_two_builds_in_different_places_and_environments_are_byte_identical(tmp_path: Path) -> None:
    first = copy_sample(tmp_path / "one" / "district")
    second = copy_sample(tmp_path / "two" / "elsewhere" / "site")
    build_in(first, first / "_site", ENVIRONMENTS[0])
    build_in(second, tmp_path / "published", ENVIRONMENTS[1])
    one, two = snapshot(first / "_site"), snapshot(tmp_path / "published")
    assert len(one) > 50
    assert sorted(one) == sorted(two)
    different = [path for path in one if one[path] != two[path]]
    assert different == []
    for path in ("one", "two", "elsewhere"):
        page = (first / "_site" / "en" / "index.html").read_text(encoding="utf-8")
        assert f"/{path}/" not in page, "a build folder leaked into the output"
