"""Running a build's units: reuse what is unchanged, render the rest in workers, write through staging.

The parent process decides, unit by unit in plan order, whether a previous build (or a
shard) already holds the unit's files for exactly these inputs (`incremental.py`);
everything else is rendered by worker processes (`parallel.py`) and written, as results
arrive in plan order, into the staging folder. Outputs that need every unit's results
or the whole site (a language's outreach page and kit zip, the site-wide files) and
plain file copies (images) are "parent units": the same reuse rule, made in this process.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from firstdoor import incremental, parallel
from firstdoor.incremental import Inputs, Manifest, UnitRecord
from firstdoor.model import Site
from firstdoor.options import Shard
from firstdoor.publish import MARKER, Staging
from firstdoor.report import Misses
from firstdoor.shard import check_complete, read_shards
from firstdoor.state import STATE_DIR, state_beside
from firstdoor.tracking import Uses
from firstdoor.units import Unit, kits_digests, render_unit, with_kits_of, worker_renderer

Files = list[tuple[str, bytes]]


@dataclass
class Outcome:
    """What running the units produced: a record per unit, the kits, and how much was rendered."""

    records: dict[str, UnitRecord] = field(default_factory=dict)
    kits: dict[str, Any] = field(default_factory=dict)
    """Unit id of a kit -> its items."""
    rendered: int = 0
    reused: int = 0
    for_merge: bool = False
    """Record content digests of written files (a shard's, which travel between machines)."""


@dataclass(frozen=True)
class ParentUnit:
    """A unit made by the parent process."""

    id: str
    language: str | None
    """Its language; None when it uses every language (the language chooser, the sitemap)."""
    uses: Uses
    make: Callable[[Outcome], Files]
    digest: str | None = None
    """A fixed digest, for units that depend on something other than schools (image files)."""
    shard_key: str | None = None

    def expected(self, inputs: Inputs) -> Callable[[Uses], str]:
        """How to compute this unit's digest from the current inputs."""
        return lambda _: self.digest or inputs.unit_digest(self.language, self.uses)


def expected(unit: Unit, inputs: Inputs) -> Callable[[Uses], str]:
    """A worker unit's digest for the schools a previous render recorded."""
    return lambda uses: inputs.unit_digest(unit.language, uses)


def previous_builds(out: Path, merge_from: tuple[Path, ...], clean: bool, inputs: Inputs,
                    units: tuple[list[Unit], list[Unit]], parents: list[ParentUnit]) -> list[Manifest]:
    """Where unchanged units can be taken from: the shards being merged, then the previous output."""
    found: list[Manifest] = []
    if merge_from:
        found = read_shards(merge_from, inputs)
        checks = [(u.id, expected(u, inputs)) for u in units[0] + units[1] if u.shard_key is not None]
        checks += [(p.id, p.expected(inputs)) for p in parents if p.shard_key is not None]
        check_complete(checks, found)
    previous = None if clean else incremental.read_manifest(state_beside(out), out.resolve(), inputs)
    if previous is not None and previous.shard is None:
        found.append(previous)
    return found


def for_shard(units: tuple[list[Unit], list[Unit]], parents: list[ParentUnit], shard: Shard | None,
              ) -> tuple[tuple[list[Unit], list[Unit]], list[ParentUnit]]:
    """The units a shard makes (per-school work in its share), or all of them."""
    if shard is None:
        return units, parents
    mine = [u for u in units[0] + units[1] if u.shard_key is not None and shard.owns(u.shard_key)]
    return (mine, []), [p for p in parents if p.shard_key is not None and shard.owns(p.shard_key)]


def run_units(units: tuple[list[Unit], list[Unit]], parents: list[ParentUnit], previous: list[Manifest],
              inputs: Inputs, stage: Staging, jobs: int, setup_args: tuple[Any, ...], site: Site,
              for_merge: bool = False, advance: Callable[[], None] = lambda: None) -> Outcome:
    """Reuse or render every unit: both passes of worker units (`plan_units`), then the parent units.

    `for_merge`: a shard's files are recorded with their content digests (see `UnitRecord.files`);
    `advance` is called after each page (a progress bar).
    """
    outcome = Outcome(for_merge=for_merge)
    first, second = units
    _run_pass(first, previous, inputs, stage, jobs, setup_args, outcome, advance)
    second = [with_kits_of(unit, outcome.kits, site) for unit in second]
    inputs.groups.update(kits_digests(second))
    _run_pass(second, previous, inputs, stage, jobs, setup_args, outcome, advance)
    for parent in parents:
        record = incremental.reusable(previous, parent.id, parent.expected(inputs))
        if record is not None:
            outcome.records[parent.id] = incremental.reuse(stage, record)
            outcome.reused += 1
            continue
        value = parent.expected(inputs)(parent.uses)
        outcome.records[parent.id] = incremental.written(stage, parent.make(outcome), value, parent.uses, Misses(),
                                                         outcome.for_merge)
        outcome.rendered += 1
    return outcome


def _run_pass(units: list[Unit], previous: list[Manifest], inputs: Inputs, stage: Staging, jobs: int,
              setup_args: tuple[Any, ...], outcome: Outcome, advance: Callable[[], None]) -> None:
    """Render what changed in workers while this process links what did not; write results in plan order."""
    reused: list[tuple[Unit, UnitRecord, Any]] = []
    stale: list[Unit] = []
    for unit in units:
        record = incremental.reusable(previous, unit.id, expected(unit, inputs), unit.language)
        kit = next((m.kits[unit.id] for m in previous if unit.id in m.kits), None) if record and unit.kit else None
        if record is None or (unit.kit is not None and kit is None):  # a kit's items may be lost with the state
            stale.append(unit)
        else:
            reused.append((unit, record, kit))
    stale.sort(key=lambda unit: unit.language)  # language by language: a worker holds one or two at a time
    with parallel.imap_ordered(render_unit, stale, jobs, worker_renderer, setup_args) as results:
        for unit, record, kit in reused:
            outcome.records[unit.id] = incremental.reuse(stage, record)
            if kit is not None:
                outcome.kits[unit.id] = kit
            outcome.reused += 1
            if unit.page is not None:
                advance()
        for result in results:
            uses = result.uses.shared()
            outcome.records[result.unit_id] = incremental.written(
                stage, result.files, inputs.unit_digest(result.language, uses), uses, result.misses, outcome.for_merge)
            if result.kit_items is not None:
                outcome.kits[result.unit_id] = result.kit_items
            outcome.rendered += 1
            if result.unit_id.startswith("page:"):
                advance()


def nothing_changed(out: Path, passes: tuple[list[Unit], list[Unit]], parents: list[ParentUnit],
                    previous: list[Manifest], inputs: Inputs, site: Site) -> bool:
    """True when the output holds exactly these units, all unchanged, and nothing else: there is nothing to do.

    Every digest is checked before any file, those of the units that used a changed
    school first: after an edit, the first one usually answers, without computing the
    digests of the lists or looking at the 100,000 files of the other units.
    """
    units = passes[0] + passes[1]
    if len(previous) != 1 or previous[0].shard is not None or not (out / MARKER).is_file():
        return False
    manifest = previous[0]
    if set(manifest.units) != {u.id for u in units} | {p.id for p in parents}:
        return False
    changes = manifest.changes
    first = sorted(passes[0], key=lambda u: changes is None or not changes.names_a_changed_school(manifest.units[u.id]))
    records: list[UnitRecord | None] = []
    for unit in first:
        records.append(incremental.current(manifest, unit.id, expected(unit, inputs), unit.language))
        if records[-1] is None:
            return False
    try:  # every kit is unchanged: the outreach pages would get the previous build's kits
        inputs.groups.update(kits_digests([with_kits_of(u, manifest.kits, site) for u in passes[1]]))
    except KeyError:
        return False
    records += [incremental.current(manifest, u.id, expected(u, inputs), u.language) for u in passes[1]]
    records += [incremental.current(manifest, p.id, p.expected(inputs)) for p in parents]
    if not all(record is not None and record.intact() for record in records):
        return False
    return incremental.holds_only(out, {path for record in manifest.units.values() for path, *_ in record.files})


def state_folders(out: Path, merge_from: tuple[Path, ...]) -> tuple[Path, ...]:
    """The build states a build may reuse from: its output's, then the shards'."""
    return (state_beside(out), *(shard / STATE_DIR for shard in merge_from))


def save_state(stage: Staging, outcome: Outcome, inputs: Inputs, shard: Shard | None,
               extra: dict[str, bytes | Path]) -> Path | None:
    """Save the build state; call last inside the staging block.

    A shard's state goes inside its folder. An output's goes beside it: written to a
    new folder now, the old one removed before the swap (so it never describes a newer
    output), and the new one put in place by `replace_state` after the swap.
    """
    manifest = Manifest(incremental.Sources.of(inputs), outcome.records, lambda: outcome.kits,
                        str(shard) if shard else None)
    if shard is not None:
        incremental.write_state(stage.path / STATE_DIR, manifest, extra)
        return None
    state = state_beside(stage.out)
    new = state.with_name(state.name + ".new")
    incremental.write_state(new, manifest, extra)
    shutil.rmtree(state, ignore_errors=True)
    return new


def misses_by_language(records: dict[str, UnitRecord], passes: tuple[list[Unit], list[Unit]]) -> dict[str, Misses]:
    """What the pages of each language showed untranslated."""
    found: dict[str, Misses] = {}
    for unit in passes[0] + passes[1]:
        record = records.get(unit.id)
        if record is not None:
            found.setdefault(unit.language, Misses()).update(record.misses)
    return found


def files_of(records: dict[str, UnitRecord]) -> int:
    """How many files the units wrote."""
    return sum(len(record.files) for record in records.values())
