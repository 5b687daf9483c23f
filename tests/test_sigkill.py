"""A real `firstdoor build` process killed with SIGKILL, many times: the published folder is
always one complete build (the previous one, or the new one when the kill came after the
swap), never a mixture, never missing.

Two ways of choosing the moment: random delays (FIRSTDOOR_SIGKILL_RUNS kills, default 12;
the seed is printed, replay with FIRSTDOOR_SIGKILL_SEED), and the process killing itself at
chosen steps (after the n-th file written, at each step of the swap), so the short moments
that matter most are always hit.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from firstdoor.publish import recover_output
from tests.conftest import MINIMAL_SCHOOL, REPO, TODAY, write_site
from tests.test_publish import snapshot

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

WITHOUT_EXCHANGE = "import firstdoor.publish as p; p._exchange = lambda a, b: False\n"


def copy_sample(target: Path, tagline: str | None = None) -> Path:
    """The sample site (content, templates, translations), optionally with one school's tagline changed."""
    for name in ("content", "templates", "translations"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, target / name)
    if tagline is not None:
        school = target / "content" / "schools" / "lincoln-stem.yaml"
        lines = school.read_text(encoding="utf-8").splitlines(keepends=True)
        lines = [f"tagline: {tagline}\n" if line.startswith("tagline:") else line for line in lines]
        school.write_text("".join(lines), encoding="utf-8")
    return target


def start_build(site: Path, out: Path, without_exchange: bool = False, before: str = "") -> subprocess.Popen[bytes]:
    """Start `firstdoor build` as its own process (running the Python code `before` first)."""
    code = (WITHOUT_EXCHANGE if without_exchange else "") + before + "from firstdoor.cli import main\nmain()\n"
    # --no-pdf keeps each build short; tests/test_flyers.py kills a build while its PDF workers run.
    return subprocess.Popen([sys.executable, "-c", code, "build", "--site", str(site), "--out", str(out),
                             "--no-pdf", "--today", TODAY.isoformat()], cwd=REPO, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(REPO)})


def finished_build(site: Path, out: Path, without_exchange: bool = False) -> float:
    """Run a build to its end; return how long it took."""
    began = time.monotonic()
    process = start_build(site, out, without_exchange)
    _, errors = process.communicate(timeout=300)
    assert process.returncode == 0, errors.decode()
    return time.monotonic() - began


@pytest.mark.parametrize("without_exchange", [False, True], ids=["rename-exchange", "two-renames"])
def test_sigkill_at_random_moments_never_damages_the_published_site(tmp_path: Path,
                                                                    without_exchange: bool) -> None:
    runs = int(os.environ.get("FIRSTDOOR_SIGKILL_RUNS", "12")) // (4 if without_exchange else 1)
    seed = int(os.environ.get("FIRSTDOOR_SIGKILL_SEED", str(random.SystemRandom().randrange(10**6))))
    print(f"FIRSTDOOR_SIGKILL_SEED={seed}")
    chance = random.Random(seed)
    sites = [copy_sample(tmp_path / "a"), copy_sample(tmp_path / "b", "Killed builds never show this.")]
    reference = tmp_path / "reference"
    duration = finished_build(sites[1], reference / "b", without_exchange)
    out = tmp_path / "www" / "_site"
    duration = min(duration, finished_build(sites[0], out, without_exchange))
    complete = [snapshot(out), snapshot(reference / "b")]
    assert complete[0] != complete[1]
    outcomes = {"previous": 0, "new": 0}
    for _ in range(runs):
        current = complete.index(snapshot(out))
        process = start_build(sites[1 - current], out, without_exchange)
        # half the kills anywhere, half near the end where files are written and swapped
        delay = chance.uniform(0, duration) if chance.random() < 0.5 else chance.uniform(0.6, 1.1) * duration
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=300)
        if not out.exists():  # only between the two renames of the fallback swap
            assert without_exchange
            recover_output(out)
        state = snapshot(out)
        assert state in complete, "the published folder is a mixture of two builds"
        outcomes["previous" if complete.index(state) == current else "new"] += 1
    print(f"after {runs} kills (build takes {duration:.2f} s): {outcomes}")
    finished_build(sites[0], out, without_exchange)
    assert snapshot(out) == complete[0]
    # only the build state beside the site (incremental builds: docs/performance.md)
    assert sorted(p.name for p in out.parent.iterdir()) == ["._site.firstdoor-build", "_site"], \
        "a staging folder was left behind"


KILL = "import os, signal\ndef die(*args, **kwargs):\n    os.kill(os.getpid(), signal.SIGKILL)\n"
KILL_POINTS = {
    "after 1 file": "import firstdoor.publish as p\nw = p.Staging.write\nn = [0]\n"
                    "def write(self, *a):\n    n[0] += 1\n    w(self, *a)\n    n[0] == {n} and die()\n"
                    "p.Staging.write = write\n",
    "before the swap": "import firstdoor.publish as p\np._swap_in = die\n",
    "after the exchange": "import firstdoor.publish as p\nx = p._exchange\n"
                          "p._exchange = lambda a, b: x(a, b) and die()\n",
    # the old site is kept for the next build to recycle (or deleted): die while that happens
    "while retiring the old site": "import firstdoor.publish as p\nr = p._retire\n"
                                   "p._retire = lambda *a: (r(*a), die())\n",
}


SWAPPED = ("after the exchange", "while retiring the old site")


@pytest.mark.skipif(sys.platform != "linux", reason="the atomic exchange is Linux's renameat2")
@pytest.mark.parametrize("point", ["after 1 files", "after 9 files"] + list(KILL_POINTS)[1:])
def test_sigkill_at_each_step_of_writing_and_swapping(tmp_path: Path, point: str) -> None:
    changed = {**MINIMAL_SCHOOL, "tagline": "Killed builds never show this."}
    sites = [write_site(tmp_path / "a"), write_site(tmp_path / "b", schools={"lincoln": changed})]
    out = tmp_path / "_site"
    finished_build(sites[0], out)
    previous = snapshot(out)
    if point.endswith(" files"):
        before = KILL + KILL_POINTS["after 1 file"].replace("{n}", point.split()[1])
    else:
        before = KILL + KILL_POINTS[point]
    process = start_build(sites[1], out, before=before)
    _, errors = process.communicate(timeout=300)
    assert process.returncode == -signal.SIGKILL, errors.decode()
    after = snapshot(out)
    if point in SWAPPED:
        finished_build(sites[1], tmp_path / "reference")
        assert after == snapshot(tmp_path / "reference"), "the swap happened, so the new site is complete"
    else:
        assert after == previous
    finished_build(sites[0], out)
    assert snapshot(out) == previous
    expected = {"_site", "._site.firstdoor-build", "a", "b"} | \
        ({"reference", ".reference.firstdoor-build"} if point in SWAPPED else set())
    assert {p.name for p in tmp_path.iterdir()} == expected, "leftovers beside the site"
