"""Recycling the output before the current one: what it holds beyond the new site is found from
its listing (`publish.Listing`) where that can be trusted, by listing its folders where not.

Each test publishes a few generations through `Staging` directly and requires the published
folder to hold exactly what the last one wrote, whatever happened to the folders in between.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from firstdoor import publish as publish_module
from firstdoor.publish import MARKER, Staging
from tests.conftest import gone_soon

SITE = {"index.html": "top", "en/index.html": "en", "en/schools/a/index.html": "a",
        "en/schools/a/photo.jpg": "a photo", "en/schools/b/index.html": "b", "es/index.html": "es"}


def files_in(folder: Path) -> dict[str, str]:
    """Every file below `folder` (its marker left out) with its text; folders end with a slash."""
    found = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if path.is_dir() and not path.is_symlink():
            found[relative + "/"] = ""
        elif relative != MARKER:
            found[relative] = path.read_text(encoding="utf-8")
    return found


def folders_of(files: dict[str, str]) -> dict[str, str]:
    """The folders a set of files needs, as `files_in` shows them."""
    return {"/".join(path.split("/")[:i]) + "/": "" for path in files for i in range(1, path.count("/") + 1)}


def publish(tmp_path: Path, files: dict[str, str], settle: bool = True) -> Staging:
    """Publish `files` into tmp_path/_site as a build does, recycling the output before the current one.

    `settle`: as if the listing was written a moment after the folders were last changed
    (a fast test changes them in the clock tick the listing is written in, and those are
    rightly not trusted).
    """
    build = tmp_path / "._site.firstdoor-build"
    with Staging(tmp_path / "_site", build / "previous", build / "listings") as stage:
        for relative, text in files.items():
            stage.write(relative, text)
    if settle:
        time.sleep(0.05)
        for listing in (build / "listings").iterdir():
            os.utime(listing)
    assert files_in(tmp_path / "_site") == {**folders_of(files), **files}
    return stage


def generations(tmp_path: Path) -> None:
    """Two outputs published: the current one and the one kept for recycling, both with listings."""
    publish(tmp_path, SITE)
    publish(tmp_path, {**SITE, "es/index.html": "es 2"})


def test_an_untouched_recycled_folder_is_pruned_from_its_listing(tmp_path: Path) -> None:
    generations(tmp_path)
    changed = {k: v for k, v in SITE.items() if k != "en/schools/a/photo.jpg"} | {"en/schools/c/index.html": "c"}
    stage = publish(tmp_path, changed)
    assert stage.scanned == 2  # the top folder, and en/schools/c/ which this build made
    assert len(list((tmp_path / "._site.firstdoor-build" / "listings").iterdir())) == 2


def test_a_file_dropped_into_the_published_site_is_gone_after_the_next_build_but_one(tmp_path: Path) -> None:
    generations(tmp_path)
    (tmp_path / "_site" / "en" / "schools" / "a" / "notes.txt").write_text("mine", encoding="utf-8")
    (tmp_path / "_site" / "en" / "drafts").mkdir()
    (tmp_path / "_site" / "en" / "drafts" / "x.html").write_text("mine", encoding="utf-8")
    publish(tmp_path, SITE)  # recycles the output before the one the files were dropped into
    stage = publish(tmp_path, SITE)  # recycles that one
    assert 2 < stage.scanned < 5


def test_a_recycled_folder_without_a_listing_is_walked(tmp_path: Path) -> None:
    generations(tmp_path)
    for listing in (tmp_path / "._site.firstdoor-build" / "listings").iterdir():
        listing.unlink()
    (tmp_path / "._site.firstdoor-build" / "previous" / "en" / "stray.txt").write_text("x", encoding="utf-8")
    stage = publish(tmp_path, SITE)
    assert stage.scanned == len(folders_of(SITE)) + 1


@pytest.mark.parametrize("damage", [b"", b"not json", b'{"format": 1}', b'{"format": 1, "folders": {"": 3}}',
                                    b'{"format": 99, "folders": {}}'])
def test_a_damaged_listing_means_a_walk(tmp_path: Path, damage: bytes) -> None:
    generations(tmp_path)
    (tmp_path / "_site" / "en" / "stray.txt").write_text("x", encoding="utf-8")
    publish(tmp_path, SITE)
    for listing in (tmp_path / "._site.firstdoor-build" / "listings").iterdir():
        listing.write_bytes(damage)
    stage = publish(tmp_path, SITE)
    assert stage.scanned == len(folders_of(SITE)) + 1


def test_a_half_written_staging_folder_kept_after_a_failure_is_walked(tmp_path: Path) -> None:
    build = tmp_path / "._site.firstdoor-build"
    publish(tmp_path, SITE)
    with pytest.raises(RuntimeError):
        with Staging(tmp_path / "_site", build / "previous", build / "listings") as stage:
            stage.write("en/schools/z/index.html", "half")
            raise RuntimeError("a failed build")
    assert (build / "previous" / "en" / "schools" / "z" / "index.html").is_file()
    stage = publish(tmp_path, SITE)
    assert stage.scanned == len(folders_of(SITE)) + 1


def test_files_and_folders_replaced_by_each_other(tmp_path: Path) -> None:
    generations(tmp_path)
    site = tmp_path / "_site"
    (site / "en" / "schools" / "b" / "index.html").unlink()
    (site / "en" / "schools" / "b" / "index.html").mkdir()
    (site / "en" / "schools" / "b" / "index.html" / "x").write_text("x", encoding="utf-8")
    for path in (site / "en" / "schools" / "a").iterdir():
        path.unlink()
    (site / "en" / "schools" / "a").rmdir()
    (site / "en" / "schools" / "a").write_text("a file", encoding="utf-8")
    publish(tmp_path, SITE)
    publish(tmp_path, SITE)
    # the build itself: a file where a folder was, a folder where a file was
    publish(tmp_path, {"index.html": "top", "en/schools": "now a file", "es/index.html/deep.html": "deep"})
    publish(tmp_path, SITE)
    publish(tmp_path, {"index.html": "top", "en/schools": "now a file", "es/index.html/deep.html": "deep"})


def test_folders_swapped_by_hand_are_not_trusted_even_with_equal_times(tmp_path: Path) -> None:
    """A folder renamed keeps its time: the listing records which folder (inode) it was."""
    generations(tmp_path)
    site, listings = tmp_path / "_site", tmp_path / "._site.firstdoor-build" / "listings"
    a, b = site / "en" / "schools" / "a", site / "en" / "schools" / "b"
    os.utime(b, ns=(os.stat(a).st_atime_ns, os.stat(a).st_mtime_ns))
    for path in listings.iterdir():  # record b with a's time, as if both were made in the same clock tick
        data = json.loads(path.read_text(encoding="utf-8"))
        if "en/schools/b" in data["folders"] and data["folders"]["en/schools/b"][0] == os.stat(b).st_ino:
            data["folders"]["en/schools/b"][1] = os.stat(a).st_mtime_ns
            stamp = os.stat(path).st_mtime_ns
            path.write_text(json.dumps(data), encoding="utf-8")
            os.utime(path, ns=(stamp, stamp))
    os.rename(a, site / "en" / "schools" / "t")
    os.rename(b, a)
    os.rename(site / "en" / "schools" / "t", b)
    publish(tmp_path, SITE)
    publish(tmp_path, SITE)  # en/schools/a/ holds b's files, minus photo.jpg: found and put right


def test_a_folder_changed_in_the_tick_its_listing_was_written_is_not_trusted(tmp_path: Path) -> None:
    publish(tmp_path, SITE, settle=False)
    listing = next((tmp_path / "._site.firstdoor-build" / "listings").iterdir())
    folder = tmp_path / "._site.firstdoor-build" / "listings" / listing.name
    data = json.loads(folder.read_text(encoding="utf-8"))
    stamp = os.stat(folder).st_mtime_ns
    publish(tmp_path, SITE, settle=False)
    # en/schools/a/ was changed by hand at the very time the listing was written
    (tmp_path / "._site.firstdoor-build" / "previous" / "en" / "schools" / "a" / "x.txt").write_text("x")
    a = tmp_path / "._site.firstdoor-build" / "previous" / "en" / "schools" / "a"
    os.utime(a, ns=(stamp, stamp))
    data["folders"]["en/schools/a"][1] = stamp
    folder.write_text(json.dumps(data), encoding="utf-8")
    os.utime(folder, ns=(stamp, stamp))
    publish(tmp_path, SITE)


def republish(tmp_path: Path) -> dict[str, int]:
    """Publish the current site again, every file linked from it as an unchanged unit's; its files' inodes."""
    build, site = tmp_path / "._site.firstdoor-build", tmp_path / "_site"
    current = {relative: (site / relative).read_text(encoding="utf-8") for relative in SITE}
    with Staging(site, build / "previous", build / "listings") as stage:
        for relative in SITE:
            stage.link(relative, os.path.join(site, relative))
    time.sleep(0.05)
    for listing in (build / "listings").iterdir():
        os.utime(listing)
    assert files_in(site) == {**folders_of(SITE), **current}
    return {relative: os.stat(site / relative).st_ino for relative in SITE}


def test_recycled_files_and_folders_the_listing_vouches_for_are_not_looked_up(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    generations(tmp_path)
    first = republish(tmp_path)  # the recycled folder has other files: all linked again
    looked: list[str] = []
    inode = publish_module._inode
    monkeypatch.setattr(publish_module, "_inode", lambda path, device: looked.append(path) or inode(path, device))
    made: list[str] = []
    makedirs = os.makedirs
    monkeypatch.setattr(os, "makedirs", lambda path, exist_ok: made.append(path) or makedirs(path, exist_ok=exist_ok))
    assert republish(tmp_path) == first  # the recycled folder has these very files: nothing to do
    assert [path.split(os.sep, 1)[1] for path in map(relative_to_staging, made)] == [""]  # only the top folder
    # the top folder is never vouched for (the swap renames it)
    assert [path.split(os.sep, 1)[1] for path in map(relative_to_staging, looked)] == ["index.html"]
    (tmp_path / "._site.firstdoor-build" / "previous" / "en" / "schools" / "b" / "index.html").unlink()
    looked.clear()
    assert republish(tmp_path) == first
    assert [path.split(os.sep, 1)[1] for path in map(relative_to_staging, looked)] == [
        "index.html", "en/schools/b/index.html"]


def relative_to_staging(path: str) -> str:
    """`.firstdoor-staging-_site-xxxx/en/index.html` from a full path."""
    return path[path.index(".firstdoor-staging-"):]


def test_a_kept_output_sharing_few_files_is_thrown_away_not_recycled(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """After a build that wrote every file anew, the kept output shares nothing: removing its files one
    by one would cost more than the build. The next build starts empty and the kept folder is deleted
    by a process of its own."""
    monkeypatch.setattr(publish_module, "RECYCLE_FROM", 1)
    generations(tmp_path)  # two generations, every file written anew: none shared
    build = tmp_path / "._site.firstdoor-build"
    kept = {relative: os.stat(build / "previous" / relative).st_ino for relative in SITE}
    stage = publish(tmp_path, {**SITE, "es/index.html": "es 3"})
    assert stage.discarded is not None and stage.scanned == 0  # nothing recycled, so nothing to prune
    assert gone_soon(stage.discarded)
    assert not list(build.glob(".firstdoor-trash-*"))
    assert {relative: os.stat(build / "previous" / relative).st_ino for relative in SITE} != kept


def test_a_kept_output_sharing_its_files_is_recycled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(publish_module, "RECYCLE_FROM", 1)
    generations(tmp_path)
    republish(tmp_path)  # links every file: the output kept next shares them with the current one
    build, site = tmp_path / "._site.firstdoor-build", tmp_path / "_site"
    with Staging(site, build / "previous", build / "listings") as stage:
        for relative in SITE:
            stage.link(relative, os.path.join(site, relative))
    assert stage.discarded is None
    assert files_in(site) == {**folders_of(SITE), **{r: (site / r).read_text(encoding="utf-8") for r in SITE}}


def test_a_small_kept_output_is_always_recycled(tmp_path: Path) -> None:
    generations(tmp_path)  # nothing shared, but six files cost nothing to remove
    assert publish(tmp_path, SITE).discarded is None


def test_what_a_killed_build_threw_away_is_deleted_by_the_next_build(tmp_path: Path) -> None:
    generations(tmp_path)
    build = tmp_path / "._site.firstdoor-build"
    leftover, emptied, foreign = (build / f".firstdoor-trash-{name}" for name in ("0123", "4567", "89ab"))
    for folder in (leftover, foreign):
        (folder / "en").mkdir(parents=True)
        (folder / "en" / "index.html").write_text("old", encoding="utf-8")
    (leftover / MARKER).write_text("firstdoor", encoding="utf-8")  # a thrown-away output has its marker
    emptied.mkdir()  # a deletion killed after the marker, before the folder itself
    publish(tmp_path, SITE)
    assert gone_soon(leftover) and not emptied.exists()
    assert (foreign / "en" / "index.html").is_file()  # no marker: not firstdoor's to delete


def test_a_folder_being_thrown_away_does_not_hold_the_build_lock(tmp_path: Path) -> None:
    """The deleting process must not inherit the lock the build holds while it throws a folder away."""
    out = tmp_path / "_site"
    trash = tmp_path / ".firstdoor-trash-big"
    for i in range(50):
        (trash / str(i)).mkdir(parents=True)
        for j in range(100):
            (trash / str(i) / f"{j}.html").write_bytes(b"x")
    (trash / MARKER).write_text("firstdoor", encoding="utf-8")
    with publish_module.output_lock(out):
        publish_module.discard(trash)
    with publish_module.output_lock(out):  # a usage error if the deleting process held the lock
        pass
    assert gone_soon(trash)
