"""The quickest rebuild: nothing changed, so nothing is done.

A communications officer runs the build again and again while previewing. When no
input changed at all (one digest over everything, `whole_digest`) and the published
site is exactly as the last build left it, the build stops before planning a single
page. "Exactly as left": every file has the size and modification time recorded right
after it was published, and every folder the modification time it had then, which
changes whenever a file or folder is added to it or removed from it. Anything else
goes through the normal incremental build (`runner.py`).

Quicker still: when no input file was even touched (`input_stamp`: every file's name,
size, times and inode, with firstdoor itself, the options and today) since the build
that published the site, the build stops before reading or validating the content
(`first_look`). That rebuild is the one a communications officer waits for most often,
so this module imports none of the engine: the `firstdoor` command looks first and
imports the rest of the build only when an input changed.
"""

from __future__ import annotations

import os
import pickle
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from firstdoor.defaults import builtin_dir
from firstdoor.fingerprint import digest, tool_fingerprint
from firstdoor.options import BuildOptions, today_in
from firstdoor.publish import check_output_folder, output_lock, recover_output
from firstdoor.report import BuildReport, Misses
from firstdoor.state import safe_dumps, safe_loads, state_beside

if TYPE_CHECKING:  # the engine's modules: this one is imported without them (see the module's docstring)
    from firstdoor.incremental import Inputs, UnitRecord

SUMMARY = "summary.pickle"


@dataclass(frozen=True)
class Summary:
    """What the published site was built from and what it holds, recorded right after publishing."""

    whole: str
    files: list[tuple[str, int, int]]
    """(path, size, modification time in ns) of every file, the marker included."""
    folders: list[tuple[str, int]]
    """(path, modification time in ns) of every folder, the output folder itself as ""."""
    misses: dict[str, tuple[list[str], list[tuple[str, str]]]]
    """Language -> what its pages showed untranslated (interface, content)."""
    extra: dict[str, Any]
    """More of the build's report (advice, warnings...), shown again as it was."""


def whole_digest(inputs: Inputs) -> str:
    """One digest of every input: the build-wide ones, every school, template, translation and image."""
    catalogs = [f"{tag}={c.interface},{c.content},{c.owner('district')}" for tag, c in sorted(inputs.catalogs.items())]
    images = [f"{school}={value}" for school, value in sorted(inputs.images.items())]
    return digest(inputs.build, inputs.day, inputs.all_schools, inputs.every_template, *catalogs, *images)


def write_summary(state: Path, out: Path, records: dict[str, UnitRecord], inputs: Inputs,
                  misses: dict[str, Misses], marker: str, extra: dict[str, Any]) -> None:
    """Record the published site; call right after it was swapped in."""
    root = os.fspath(out.resolve())
    marker_stat = os.stat(os.path.join(root, marker))
    files = sorted([(path, size, mtime) for record in records.values() for path, size, mtime, _ in record.files]
                   + [(marker, marker_stat.st_size, marker_stat.st_mtime_ns)])  # as recorded: renames keep them
    folders = sorted({parent for folder in {path.rpartition("/")[0] for path, _, _ in files}
                      for parent in _parents(folder)})
    dirs = [(folder, os.stat(os.path.join(root, folder)).st_mtime_ns) for folder in folders]
    summary = Summary(whole_digest(inputs), files, dirs,
                      {tag: (sorted(m.interface), sorted(m.content)) for tag, m in misses.items()}, extra)
    (state / SUMMARY).write_bytes(safe_dumps(summary))


def _parents(folder: str) -> list[str]:
    """`a/b/c` -> `a/b/c`, `a/b`, `a` and the root ``."""
    parts = folder.split("/") if folder else []
    return [""] + ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]


def read_summary(state: Path) -> Summary | None:
    """The summary the last build that published `state`'s output recorded, if readable."""
    try:
        summary = safe_loads((state / SUMMARY).read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError, TypeError):
        return None
    return summary if isinstance(summary, Summary) else None


def unchanged(summary: Summary | None, out: Path, inputs: Inputs) -> bool:
    """Whether nothing changed since the published site was built (`summary`: what the last build recorded)."""
    return summary is not None and summary.whole == whole_digest(inputs) and published_intact(summary, out)


def unchanged_files(summary: Summary | None, out: Path, stamp: str) -> bool:
    """Whether the published site was built from input files stamped `stamp` and is intact."""
    return summary is not None and summary.extra.get(STAMP) == stamp and published_intact(summary, out)


def restamp(state: Path, summary: Summary, stamp: str | None) -> None:
    """Record the input stamp of a build that found nothing changed, so the next one can stop sooner."""
    if stamp is not None and summary.extra.get(STAMP) != stamp:
        summary.extra[STAMP] = stamp
        (state / SUMMARY).write_bytes(safe_dumps(summary))


STAMP = "input-stamp"
"""The key of `input_stamp` in a summary's `extra`."""

RACY_NS = 2_000_000_000
"""Files changed this recently are not stamped: an edit in the same clock tick would not show."""


def input_stamp(folders: list[Path], settings: tuple[str, ...]) -> str | None:
    """A digest of every input file by name, size, times and inode (not contents), and of `settings`.

    Any write to a file changes its change time (ctime), which no tool can set back, so
    an equal stamp means no input file was touched. None when a file changed in the last
    two seconds (an edit in the same clock tick could leave the stamp unchanged) or a
    folder cannot be read: then the build goes the usual way.
    """
    now = time.time_ns()
    parts: list[str] = list(settings)
    try:
        for folder in folders:
            parts.append(os.fspath(folder))
            for root, dirs, files in os.walk(folder):
                dirs.sort()
                for name in sorted(files):
                    stat = os.stat(os.path.join(root, name))
                    if now - max(stat.st_mtime_ns, stat.st_ctime_ns) < RACY_NS:
                        return None
                    parts.append(f"{os.path.relpath(os.path.join(root, name), folder)}:{stat.st_size}:"
                                 f"{stat.st_mtime_ns}:{stat.st_ctime_ns}:{stat.st_ino}")
    except OSError:
        return None
    return digest(*parts)


def published_intact(summary: Summary, out: Path) -> bool:
    """True when every file and folder of the published site is as the summary recorded it."""
    root = os.fspath(out.resolve()) + os.sep
    try:
        for folder, mtime in summary.folders:
            if os.stat(root + folder).st_mtime_ns != mtime:
                return False
        for path, size, mtime in summary.files:
            stat = os.stat(root + path)
            if stat.st_size != size or stat.st_mtime_ns != mtime:
                return False
    except OSError:
        return False
    return True


def misses_of(summary: Summary) -> dict[str, Misses]:
    """The untranslated text the summary recorded, per language."""
    return {tag: Misses(set(interface), set(content)) for tag, (interface, content) in summary.misses.items()}


@dataclass(frozen=True)
class FirstLook:
    """What `first_look` worked out when the build must go on: the rest of the build uses it."""

    state: Path
    """The build state beside the output."""
    may_skip: bool
    """Whether the build may stop when it finds nothing changed (not `--clean`, a shard or a merge)."""
    stamp: str | None
    """The input files' stamp (`input_stamp`), None when it could not be taken."""
    summary: Summary | None = None
    """The last build's summary, when this look read it (the build compares it with the inputs later)."""


def first_look(site_dir: Path, options: BuildOptions) -> BuildReport | FirstLook:
    """The report of the published site if no input file was touched since it was built, else what the build needs.

    Also checks the output folder is one firstdoor may write (usage error otherwise) and
    puts back a previous output a killed build left aside.
    """
    check_output_folder(options.out, site_dir, options.force)
    recover_output(options.out)
    state = state_beside(options.out)
    may_skip = not (options.clean or options.shard or options.merge_from)
    settings = build_settings(site_dir, options) if may_skip else None
    stamp = None if settings is None else input_stamp(input_folders(site_dir), settings)
    summary = None
    if stamp is not None:
        with output_lock(options.out):
            summary = read_summary(state)
            untouched = unchanged_files(summary, options.out, stamp)
        if summary is not None and untouched:  # no input file was touched: not even validation is needed
            return summary_report(BuildReport(out=options.out, pages=summary.extra["pages"],
                                              languages=summary.extra["languages"],
                                              left_out=summary.extra["left_out"]), summary)
    return FirstLook(state, may_skip, stamp, summary)


def summary_report(report: BuildReport, summary: Summary) -> BuildReport:
    """The report of a build that found nothing changed, from the previous build's summary."""
    report.files = report.reused = len(summary.files) - 1
    report.misses = misses_of(summary)
    report.advice, report.flyers = summary.extra["advice"], summary.extra["flyers"]
    report.warnings = summary.extra["warnings"]
    return report


def summary_extra(report: BuildReport, stamp: str | None) -> dict[str, Any]:
    """What a build that finds nothing changed reports again without computing it, and the input files' stamp."""
    return {"advice": report.advice, "flyers": report.flyers, "warnings": report.warnings, "pages": report.pages,
            "languages": report.languages, "left_out": report.left_out, STAMP: stamp}


def input_folders(site_dir: Path) -> list[Path]:
    """Every folder a build reads files from: the site's content, templates and translations, firstdoor's defaults."""
    folders: list[Path] = []
    for folder in (site_dir / "content", site_dir / "templates", site_dir / "translations",
                   builtin_dir("templates"), builtin_dir("translations")):
        if folder.is_dir() and folder.resolve() not in folders:
            folders.append(folder.resolve())
    return folders


def build_settings(site_dir: Path, options: BuildOptions) -> tuple[str, ...] | None:
    """Everything besides input files that shapes the output: firstdoor itself, the folders, options, today.

    Today is in the district's timezone, read straight from `district.yaml` (validation
    comes later); without one (None), the build does not stop before validating.
    """
    today = options.today
    if today is None:
        try:
            data = yaml.load((site_dir / "content" / "district.yaml").read_bytes(), Loader=yaml.CSafeLoader)
            today = today_in(ZoneInfo(str(data["timezone"])), None)
        except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError, ZoneInfoNotFoundError):
            return None
    return (tool_fingerprint(), str(site_dir.resolve()), str(options.out.resolve()), today.isoformat(),
            repr((options.languages, options.keep_going, options.pdf, options.paper, options.pair, options.zip_sheets)))
