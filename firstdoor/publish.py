"""Safe output: build into a staging folder beside `--out`, then swap it in atomically.

A failed or killed build leaves the previously published site untouched. firstdoor only
ever replaces or deletes a folder that carries its marker file; it refuses output folders
that would put the user's own files at risk.
"""

from __future__ import annotations

import contextlib
import ctypes
import itertools
import json
import os
import secrets
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Iterator

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory locks, builds are not serialised
    fcntl = None  # type: ignore[assignment]

from firstdoor.collector import collector_paused
from firstdoor.errors import Problem, UsageError

MARKER = ".firstdoor-output"
MARKER_TEXT = ("This folder was written by firstdoor (`firstdoor build`). It is replaced\n"
               "entirely by every build: do not keep your own files here.\n")
_STAGING_PREFIX = ".firstdoor-staging-"
_PREVIOUS_PREFIX = ".firstdoor-previous-"
_TRASH_PREFIX = ".firstdoor-trash-"
RECYCLE_FROM = 2_000
"""Files a kept output must hold before it can be thrown away instead of recycled (`Staging`):
below that, recycling it costs little whatever it shares."""
_SAMPLE = 64
"""How many of a kept output's files are looked at to tell whether it shares them with the current one."""


def _refuse(message: str, hint: str) -> UsageError:
    return UsageError([Problem(file="--out", message=message, hint=hint)])


def check_output_folder(out: Path, site: Path, force: bool) -> None:
    """Refuse an output folder whose replacement could delete something the user wrote."""
    out_r, site_r = out.resolve(), site.resolve()
    protected = {Path("/"), Path.home().resolve(), site_r, site_r / "content", site_r / "templates",
                 site_r / "translations"}
    if out_r in protected:
        raise _refuse(f"firstdoor will not write its output into {out}", "choose an empty folder such "
                      "as _site/ (the default)")
    if out_r in site_r.parents:
        raise _refuse(f"{out} contains the site folder", "choose a folder such as _site/ inside it")
    for folder in ("content", "templates", "translations"):
        if (site_r / folder) in out_r.parents:
            raise _refuse(f"{out} is inside the site's {folder}/ folder", "choose a folder such as _site/")
    if out_r.exists() and not out_r.is_dir():
        raise _refuse(f"{out} is a file, not a folder", "choose a folder name")
    if out_r.is_dir() and any(out_r.iterdir()) and not (out_r / MARKER).is_file() and not force:
        raise _refuse(f"{out} holds files firstdoor did not write",
                      "choose another folder, or pass --force to move them aside to "
                      f"{out.name}.backup-N (nothing is deleted)")


class Staging:
    """A staging folder that becomes the output folder only when the build succeeds.

    With `keep`, the staging folder starts as the output before the current one (kept
    there by the previous build), and only what differs is changed: a state-wide
    site has tens of thousands of folders, and creating them all again is the slowest
    part of a small rebuild. The published site is never touched: a file is replaced by
    removing its name first (files are shared by hard links between the two folders),
    and whatever the new site does not have is removed before the swap.

    With `listings`, what each published output holds is recorded there (a `Listing`),
    so that what the new site does not have is found from the record instead of by
    listing every folder of the recycled one.

    A kept output that shares few files with the current one (the build before re-rendered
    everything: a template or firstdoor itself changed) is not recycled: every file of it
    would be removed one by one, and on some disks freeing 130,000 files takes 20 s. It is
    thrown away instead (`discard`: deleted by a process of its own that the build does
    not wait for) and the build starts from an empty folder.
    """

    def __init__(self, out: Path, keep: Path | None = None, listings: Path | None = None) -> None:
        self.out = out.resolve()
        self.path = Path("")
        self.keep = keep
        """Where the previous output is kept for the next build to recycle; None: deleted."""
        self.listings = listings
        """Where the listings of published outputs are kept (`Listing`); None: none are."""
        self._recycled = False
        self._listing: Listing | None = None
        """What the recycled folder held when it was published, if that is known."""
        self._unchanged: set[str] = set()
        """Its folders that hold exactly what its listing says (as far as anyone but this build goes)."""
        self.scanned = 0
        """How many folders the prune listed (all of them without a listing): for tests."""
        self._present: dict[str, int] = {}
        """Inodes of the recycled folder's files, where its listing vouches for them."""
        self._inodes: dict[str, int] = {}
        """Inodes of the files this build put in place (0: not known), for its listing."""
        self._device = 0
        self._root = ""
        """The staging folder's path and a separator."""
        self._written: set[str] = set()
        self._folders: set[str] = set()
        self._lock = contextlib.ExitStack()
        self.discarded: Path | None = None
        """Where the kept output went when it was thrown away instead of recycled."""

    def __enter__(self) -> "Staging":
        self.out.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.ExitStack() as on_failure:
            on_failure.enter_context(_exclusive(self.out.parent, self.out))
            recover_interrupted_swap(self.out)
            _remove_stale_staging(self.out.parent)
            self.path = Path(tempfile.mkdtemp(prefix=_STAGING_PREFIX + self.out.name + "-",
                                              dir=self.out.parent))
            if self.keep is not None:
                self.keep.parent.mkdir(parents=True, exist_ok=True)
                _remove_stale_staging(self.keep.parent)
                discard_leftovers(self.keep.parent)
                if self.keep.is_dir() and (self.keep / MARKER).is_file():
                    self._recycle(self.keep)
            self._device = os.stat(self.path).st_dev
            self._root = os.fspath(self.path) + os.sep
            _remove(self.path / MARKER)  # a new marker: the listing of the recycled folder never fits it again
            (self.path / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
            self._lock = on_failure.pop_all()  # keep the lock until __exit__
        return self

    def _recycle(self, kept: Path) -> None:
        """Start from the kept output (it becomes the staging folder), or throw it away if it shares few files."""
        listing = Listing.read(self.listings, kept) if self.listings is not None else None
        if listing is not None and not self._shares_files(listing, kept):
            self.discarded = kept.with_name(_TRASH_PREFIX + secrets.token_hex(8))
            os.rename(kept, self.discarded)  # deleted once the new site is published
            return
        os.rename(kept, self.path)  # replaces the empty folder mkdtemp made
        self._recycled = True
        self._listing = listing
        if listing is not None:
            self._unchanged = listing.unchanged(self.path)
            self._present = listing.inodes(self._unchanged)

    def _shares_files(self, listing: "Listing", kept: Path) -> bool:
        """Whether the kept output shares at least half of its files with the published one (a sample of them).

        Its listing tells each file's inode; a file the published output reused from it is
        the same inode there. A small output is always worth recycling.
        """
        total = sum(len(inodes) for _, _, _, inodes in listing.folders.values())
        if total < RECYCLE_FROM:
            return True
        files = ((f"{folder}/{name}" if folder else name, inode)
                 for folder, (_, _, names, inodes) in listing.folders.items() for name, inode in zip(names, inodes))
        every = max(1, total // _SAMPLE)
        sample = [(relative, inode) for relative, inode in itertools.islice(files, 0, None, every) if inode]
        device = os.stat(kept).st_dev
        shared = sum(1 for relative, inode in sample if _inode(os.path.join(self.out, relative), device) == inode)
        return 2 * shared >= len(sample)

    def write(self, relative: str, data: bytes | str) -> None:
        """Write one output file; writing the same path twice is a bug and raises."""
        target = self._target(relative)
        if self._recycled:
            _remove(Path(target))  # never write into a file the published site shares
        with open(target, "wb") as file:
            file.write(data.encode("utf-8") if isinstance(data, str) else data)
            self._inodes[relative] = os.fstat(file.fileno()).st_ino

    def link(self, relative: str, source: str | Path, found: tuple[int, int] | None = None) -> None:
        """Reuse an unchanged file of a previous build: a hard link (a copy across file systems).

        `found`: the source's device and inode, when the caller just looked (a state-wide
        site has 100,000 files to link: looking twice shows).
        """
        target = self._target(relative)
        inode = 0
        if self._recycled or self.listings is not None:  # the listing records it
            with contextlib.suppress(OSError):
                if found is None:
                    stat = os.stat(source)
                    found = (stat.st_dev, stat.st_ino)
                inode = found[1] if found[0] == self._device else 0
        if self._recycled:
            if inode and inode == (self._present.get(relative) or _inode(target, self._device)):
                self._inodes[relative] = inode
                return  # the recycled folder already has this very file
            _remove(Path(target))
        try:
            os.link(source, target)
            self._inodes[relative] = inode
        except OSError:
            shutil.copy2(source, target)

    def link_unchanged(self, paths: list[str], folder: str, device: int, inodes: list[int]) -> None:
        """`link` each of `paths` from `folder` (a string ending with a separator), their device and inodes known.

        The files a recycled folder already holds cost a look-up each: a state-wide site has
        100,000 of them to reuse after an edit.
        """
        present = self._present if self._recycled and device == self._device else {}
        for relative, inode in zip(paths, inodes):
            if inode and present.get(relative) == inode:
                self._target(relative)
                self._inodes[relative] = inode
            else:
                self.link(relative, folder + relative, (device, inode) if inode else None)

    def _target(self, relative: str) -> str:
        """Claim a path of the output (once) and make its folder; strings, as a site has 100,000 files."""
        if relative in self._written:
            raise RuntimeError(f"two outputs want the same path: {relative}")
        if relative.startswith("/") or (".." in relative and ".." in relative.split("/")):
            raise RuntimeError(f"output path escapes the output folder: {relative}")
        self._written.add(relative)
        folder = relative.rpartition("/")[0]
        if folder not in self._folders:
            if folder not in self._unchanged:  # else the recycled folder has it: the listing vouches for it
                try:
                    os.makedirs(os.path.join(self.path, folder), exist_ok=True)
                except (FileExistsError, NotADirectoryError):  # a recycled file stands where a folder goes
                    _clear_path(self.path, folder)
                    os.makedirs(os.path.join(self.path, folder), exist_ok=True)
            self._folders.add(folder)
        return self._root + relative

    def _all_folders(self) -> set[str]:
        """Every folder of the output ("" for its top), parents included."""
        return {""} | {"/".join(f.split("/")[:i]) for f in self._folders if f for i in range(1, f.count("/") + 2)}

    def _prune(self, folders: set[str]) -> None:
        """Remove from a recycled folder everything this build did not write (`folders`: `_all_folders`).

        A folder its listing vouches for loses the listed files this build did not write,
        and its listed subfolders this build has no use for; every other folder is listed
        (it changed since it was published, or this build made it, or there is no listing).
        """
        needed = {MARKER} | self._written
        if self._listing is not None:
            for folder in self._listing.folders:
                parent = folder.rpartition("/")[0]
                if folder not in folders and parent in folders:
                    _remove_folder(os.path.join(self.path, folder))
            for folder in self._unchanged & folders:
                for name in self._listing.folders[folder][2]:
                    relative = f"{folder}/{name}" if folder else name
                    if relative not in needed and relative not in folders:
                        _remove(Path(self.path, relative))
        for folder in sorted(folders - self._unchanged):
            self.scanned += 1
            with os.scandir(os.path.join(self.path, folder)) as entries:
                for entry in entries:
                    relative = f"{folder}/{entry.name}" if folder else entry.name
                    if entry.is_dir(follow_symlinks=False):
                        if relative not in folders:
                            shutil.rmtree(entry.path)
                    elif relative not in needed:
                        os.unlink(entry.path)

    def copy(self, relative: str, source: Path) -> None:
        """Copy a file (an image) into the output."""
        self.write(relative, source.read_bytes())

    @property
    def written(self) -> frozenset[str]:
        """The paths written so far."""
        return frozenset(self._written)

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        with self._lock:
            try:
                self._finish(kind is None)
            finally:
                if self.discarded is not None:
                    discard(self.discarded)

    def _finish(self, succeeded: bool) -> None:
        """Swap the staging folder in; after a failure, keep it for the next build to recycle (or delete it)."""
        if not succeeded:
            if self.keep is not None and not self.keep.exists():
                os.rename(self.path, self.keep)  # whatever it holds now, the next build can recycle it
            else:
                remove_output_tree(self.path)
            return
        folders = self._all_folders()
        if self._recycled:
            self._prune(folders)
        if self.listings is not None:
            Listing.write(self.listings, self.path, folders,
                          {relative: self._inodes.get(relative, 0) for relative in self._written})
        _swap_in(self.path, self.out, self.keep)
        if self.listings is not None:
            Listing.tidy(self.listings, [self.out, *([self.keep] if self.keep else [])])


class Listing:
    """What a published output folder holds: its folders, each with its modification time and files.

    Found by the folder's marker file (each staging folder writes a new one, so a listing
    never describes a folder a later build has touched), and trusted folder by folder: a
    folder that is still the same folder (inode) with the recorded modification time has
    had no name added, removed or renamed in it since. A folder modified in the same clock
    tick as the listing was written might be modified again without its time changing, so
    it is never trusted (git's "racy" entries); nor is the top folder, which the swap renames.
    """

    FORMAT = 2

    def __init__(self, folders: dict[str, tuple[int, int, list[str], list[int]]], stamp: int) -> None:
        self.folders = folders
        """Folder ("" for the top) -> (inode, modification time in ns, names of its files, their inodes or 0)."""
        self.stamp = stamp
        """When the listing was written (its file's modification time, by the same clock)."""

    @staticmethod
    def key(folder: Path) -> str | None:
        """The name of the listing of `folder`: from its marker file's identity; None without one."""
        try:
            found = os.stat(folder / MARKER, follow_symlinks=False)
        except OSError:
            return None
        return f"{found.st_dev}-{found.st_ino}-{found.st_mtime_ns}-{found.st_ctime_ns}.json"

    @classmethod
    def read(cls, listings: Path, folder: Path) -> "Listing | None":
        """The listing of `folder`; None when there is none or it is unusable."""
        key = cls.key(folder)
        if key is None:
            return None
        try:
            with open(listings / key, "rb") as file, collector_paused():
                stamp = os.fstat(file.fileno()).st_mtime_ns
                data = json.loads(file.read())
                if data["format"] != cls.FORMAT:
                    return None
                folders = {str(name): (int(inode), int(mtime), [str(f) for f in files], [int(i) for i in inodes])
                           for name, (inode, mtime, files, inodes) in data["folders"].items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        if "" not in folders or any(len(files) != len(inodes) for _, _, files, inodes in folders.values()):
            return None
        return cls(folders, stamp)

    def unchanged(self, root: Path) -> set[str]:
        """The folders of `root` below its top that hold just what this listing says."""
        found = set()
        for folder, (inode, mtime, _, _) in self.folders.items():
            if not folder or mtime >= self.stamp:
                continue
            try:
                now = os.stat(os.path.join(root, folder), follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISDIR(now.st_mode) and (now.st_ino, now.st_mtime_ns) == (inode, mtime):
                found.add(folder)
        return found

    def inodes(self, folders: set[str]) -> dict[str, int]:
        """Path -> inode of the files known in `folders`."""
        found = {}
        for folder in folders:
            _, _, names, inodes = self.folders[folder]
            for name, inode in zip(names, inodes):
                if inode:
                    found[f"{folder}/{name}" if folder else name] = inode
        return found

    @classmethod
    def write(cls, listings: Path, root: Path, folders: set[str], files: dict[str, int]) -> None:
        """Record that `root` holds exactly `folders` (parents included) and `files` (-> inode or 0)
        besides its marker."""
        key = cls.key(root)
        if key is None:
            return
        names: dict[str, list[tuple[str, int]]] = {folder: [] for folder in folders}
        names[""].append((MARKER, 0))
        for relative, inode in files.items():
            folder, _, name = relative.rpartition("/")
            names[folder].append((name, inode))
        found = {folder: os.stat(os.path.join(root, folder)) for folder in sorted(folders)}
        data = {"format": cls.FORMAT,
                "folders": {folder: [now.st_ino, now.st_mtime_ns, *map(list, zip(*sorted(names[folder])))]
                            if names[folder] else [now.st_ino, now.st_mtime_ns, [], []]
                            for folder, now in found.items()}}
        listings.mkdir(parents=True, exist_ok=True)
        new = listings / (key + ".new")
        new.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
        os.replace(new, listings / key)  # its modification time is after every folder's

    @classmethod
    def tidy(cls, listings: Path, keep: list[Path]) -> None:
        """Delete the listings of folders other than `keep` (they are gone, or were changed by a build)."""
        wanted = {cls.key(folder) for folder in keep}
        with contextlib.suppress(OSError):
            for entry in os.scandir(listings):
                if entry.name not in wanted:
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)


@contextlib.contextmanager
def _exclusive(parent: Path, out: Path) -> Iterator[None]:
    """Hold an advisory lock on the output's parent folder, so two builds never share staging.

    The kernel releases the lock when the process dies, even by SIGKILL.
    """
    if fcntl is None:  # pragma: no cover - Windows
        yield
        return
    fd = os.open(parent, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise _refuse(f"another firstdoor build is writing next to {out} right now",
                          "wait for it to finish, then build again") from None
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def recover_output(out: Path) -> None:
    """Put back a previous site that a killed build left beside `out` (see `recover_interrupted_swap`).

    Done first thing in a build, so even a build that then fails on content errors restores it.
    A build running at the same moment holds the lock and finishes its own swap: skip then.
    """
    out = out.resolve()
    if not out.parent.is_dir() or not (out.with_name(_PREVIOUS_PREFIX + out.name) / MARKER).is_file():
        return
    try:
        with _exclusive(out.parent, out):
            recover_interrupted_swap(out)
    except UsageError:
        pass


def recover_interrupted_swap(out: Path) -> None:
    """Finish a swap that a killed build left half done.

    Only the fallback swap (two renames, where the system cannot exchange folders atomically)
    can be interrupted: between its renames the previous site waits beside `out` under a
    name of its own, and is put back here; after them it is just deleted.
    """
    previous = out.with_name(_PREVIOUS_PREFIX + out.name)
    if not (previous / MARKER).is_file():
        return
    if out.exists():
        remove_output_tree(previous)
    else:
        os.rename(previous, out)


@contextlib.contextmanager
def output_lock(out: Path) -> Iterator[None]:
    """Hold the lock builds into `out` take (a usage error when another build holds it)."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive(out.parent, out):
        _remove_stale_staging(out.parent)  # no build holds the lock, so no staging folder is in use
        yield


def remove_output_tree(path: Path) -> None:
    """Delete a folder firstdoor wrote, its marker last, so an interrupted delete is finished later."""
    if not path.is_dir():
        return
    for child in path.iterdir():
        if child.name == MARKER:
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)
    (path / MARKER).unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        path.rmdir()


_DISCARD = """
import os, shutil, sys
if os.fork():
    os._exit(0)  # the build waits for this first process only; its child deletes on its own
os.setsid()
folder, marker = sys.argv[1], sys.argv[2]
try:
    import fcntl
    fcntl.flock(os.open(folder, os.O_RDONLY), fcntl.LOCK_EX | fcntl.LOCK_NB)
except OSError:
    sys.exit(0)  # another process is deleting it
for entry in os.scandir(folder):
    if entry.name != marker:
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            os.unlink(entry.path)
os.unlink(os.path.join(folder, marker))
os.rmdir(folder)
"""
"""Deletes a folder (argv[1]) firstdoor wrote, its marker (argv[2]) last as `remove_output_tree` does,
in a process the build does not wait for, holding a lock on the folder meanwhile."""


def discard(folder: Path) -> None:
    """Delete a folder firstdoor threw away (`.firstdoor-trash-*`) without waiting for it.

    Freeing a state-wide output's files can take longer than the build that replaced it:
    a process of its own does it while the staff look at the new site. Where processes
    cannot be forked (Windows), the folder is deleted here.
    """
    if not hasattr(os, "fork"):  # pragma: no cover - Windows
        remove_output_tree(folder)
        return
    try:
        subprocess.run([sys.executable, "-I", "-S", "-c", _DISCARD, os.fspath(folder), MARKER], check=True,
                       timeout=60, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        remove_output_tree(folder)


def discard_leftovers(folder: Path) -> None:
    """Finish deleting what a killed build threw away in `folder` (a deletion still going on is left to it)."""
    for leftover in sorted(folder.glob(_TRASH_PREFIX + "*")):
        if (leftover / MARKER).is_file():
            discard(leftover)
        elif leftover.is_dir():
            with contextlib.suppress(OSError):
                leftover.rmdir()  # only if empty: deleted but for the folder itself


def _remove_stale_staging(parent: Path) -> None:
    """Delete staging folders left by killed builds (each carries our marker)."""
    for stale in sorted(parent.glob(_STAGING_PREFIX + "*")):
        if stale.is_dir() and (stale / MARKER).is_file():
            remove_output_tree(stale)



def _swap_in(staging: Path, out: Path, keep: Path | None = None) -> None:
    """Make `staging` the output folder in one step; keep anything not ours.

    The previous output is kept as `keep` for the next build to recycle, or deleted.
    """
    if out.exists() and not (out / MARKER).is_file() and any(out.iterdir()):
        backup = _free_backup_name(out)
        os.rename(out, backup)  # --force: the user's files are moved aside, never deleted
    if not out.exists():
        os.rename(staging, out)
        return
    if _exchange(staging, out):
        previous = staging  # now holds the previous output, which carries our marker
    else:
        previous = out.with_name(_PREVIOUS_PREFIX + out.name)
        os.rename(out, previous)  # a kill from here to the next rename is undone by recover_interrupted_swap
        os.rename(staging, out)
    _retire(previous, keep)


def _retire(previous: Path, keep: Path | None) -> None:
    """The previous output, once replaced: kept for the next build to recycle, or deleted."""
    if keep is not None and not keep.exists():
        os.rename(previous, keep)
    else:
        remove_output_tree(previous)


def _remove(path: Path) -> None:
    """Remove a file or folder if it is there."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except (IsADirectoryError, PermissionError):
        shutil.rmtree(path)


def _inode(path: str, device: int) -> int:
    """The inode of a file on `device` (0: none there, or not a plain file)."""
    try:
        found = os.stat(path, follow_symlinks=False)
    except OSError:
        return 0
    return found.st_ino if found.st_dev == device and stat.S_ISREG(found.st_mode) else 0


def _remove_folder(path: str) -> None:
    """Remove a folder (not a file or a link standing in its place) if it is there."""
    try:
        if stat.S_ISDIR(os.stat(path, follow_symlinks=False).st_mode):
            shutil.rmtree(path)
    except FileNotFoundError:
        pass


def _clear_path(root: Path, folder: str) -> None:
    """Remove files standing where the folders of `folder` must go."""
    current = root
    for part in folder.split("/"):
        current = current / part
        if current.exists() and not current.is_dir():
            os.unlink(current)


def _free_backup_name(out: Path) -> Path:
    n = 1
    while out.with_name(f"{out.name}.backup-{n}").exists():
        n += 1
    return out.with_name(f"{out.name}.backup-{n}")


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two folders with Linux's renameat2(RENAME_EXCHANGE); False if unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return bool(result == 0)
