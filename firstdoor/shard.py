"""Builds too big for one machine: `build --shard K/N` on N machines, then `merge`.

Shard K of N renders the per-school work whose key (school id, ZIP code or area id)
falls in its share: school pages, outreach kits, school calendars, neighborhood pages
and images, in every language, into its own folder with a manifest. `firstdoor merge`
checks that the N shards were built from exactly the merging machine's inputs, takes
their files as they are, renders what needs the whole site (language pages, outreach
pages and zips, sitemap, feeds and the district calendars, open data) and publishes the
result, byte for byte the site a single `firstdoor build` writes. Any batch system runs the shards: see docs/performance.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from firstdoor.errors import Problem, UsageError
from firstdoor.incremental import Inputs, Manifest, read_manifest, reusable
from firstdoor.state import STATE_DIR
from firstdoor.tracking import Uses


def read_shards(folders: tuple[Path, ...], inputs: Inputs) -> list[Manifest]:
    """The manifests of N complete shards built from these inputs, or a usage error saying what is wrong."""
    manifests: list[Manifest] = []
    seen: dict[str, Path] = {}
    for folder in folders:
        manifest = read_manifest(folder / STATE_DIR, folder.resolve(), inputs)
        if manifest is None or manifest.shard is None:
            raise _refuse(f"{folder} is not a shard folder", "build it with `firstdoor build --shard K/N --out ...`")
        if manifest.sources.build != inputs.build:
            raise _refuse(f"shard {manifest.shard} in {folder} was built from other content, templates, "
                          "options or firstdoor version", "build every shard and the merge from the same "
                          "commit with the same --lang")
        if manifest.sources.day != inputs.day:
            raise _refuse(f"shard {manifest.shard} in {folder} was built for {manifest.sources.day}, this merge for "
                          f"{inputs.day}", "build every shard and the merge with the same --today")
        if manifest.shard in seen:
            raise _refuse(f"shard {manifest.shard} is given twice ({seen[manifest.shard]} and {folder})",
                          "give each shard folder once")
        seen[manifest.shard] = folder
        manifests.append(manifest)
    counts = {int(name.split("/")[1]) for name in seen}
    if len(counts) != 1:
        raise _refuse(f"the shards come from different splits: {', '.join(sorted(seen))}",
                      "build all shards with the same N")
    total = counts.pop()
    missing = [f"{k}/{total}" for k in range(1, total + 1) if f"{k}/{total}" not in seen]
    if missing:
        raise _refuse(f"shard{'s' if len(missing) > 1 else ''} {', '.join(missing)} missing",
                      "pass every shard folder to `firstdoor merge`")
    return manifests


def check_complete(checks: list[tuple[str, Callable[[Uses], str]]], shards: list[Manifest]) -> None:
    """Every per-school unit (id, how to compute its digest) must come unchanged from a shard."""
    stale = [unit_id for unit_id, expected in checks if reusable(shards, unit_id, expected) is None]
    if stale:
        raise _refuse(f"{len(stale)} outputs are missing from the shards or differ from these inputs, "
                      f"e.g. {stale[0]}", "rebuild the shards from the same content, then merge again")


def _refuse(message: str, hint: str) -> UsageError:
    return UsageError([Problem(file="merge", message=message, hint=hint)])
