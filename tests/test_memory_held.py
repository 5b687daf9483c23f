"""What a build holds in memory: a few languages at a time, kits packed, translations on disk.

At 1000 schools in 10 languages these decide whether a build stays under 1 GB (see
docs/performance.md); no test measures memory, these check the behaviour behind it.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

import pytest

from bench.generate import generate
from firstdoor import parallel, runner
from firstdoor.caches import LazyCatalogs, LoadedLanguage, load_languages
from firstdoor.i18n import LanguageCatalogs, Translators
from firstdoor.state import build_folder, state_beside
from firstdoor.languages import resolve_language
from firstdoor.outputs.calendar import CalendarCache
from firstdoor.outputs.outreach import KitItem
from firstdoor.pipeline import load_site, translation_folders
from firstdoor.units import Unit, kits_digests, pack_kit, unpack_kit
from tests.conftest import build_site
from tests.test_incremental import snapshot


class CountingCatalogs(Mapping[str, LanguageCatalogs]):
    """Catalogs that count how often each language is read."""

    def __init__(self, tags: list[str]) -> None:
        self.reads: dict[str, int] = {tag: 0 for tag in tags}

    def __getitem__(self, tag: str) -> LanguageCatalogs:
        self.reads[tag] += 1
        return LanguageCatalogs(resolve_language(tag), {(None, "Apply"): f"Apply ({tag})"}, {})

    def __iter__(self) -> Iterator[str]:
        return iter(self.reads)

    def __len__(self) -> int:
        return len(self.reads)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small generated district in three languages."""
    site = tmp_path_factory.mktemp("held") / "site"
    generate(site, schools=4, languages=3, seed=5)
    return site


def test_translators_hold_only_the_languages_used_last() -> None:
    catalogs = CountingCatalogs(["es", "vi", "so"])
    translators = Translators(catalogs, resolve_language("en"), keep=2)
    spanish = translators["es"]
    assert translators["vi"] is translators["vi"] and translators["es"] is spanish
    assert catalogs.reads == {"es": 1, "vi": 1, "so": 0}
    somali = translators["so"]  # Vietnamese was used longest ago: it goes
    assert translators["es"] is spanish and catalogs.reads["es"] == 1
    assert translators["vi"] is not None and catalogs.reads["vi"] == 2  # Somali goes
    assert somali.for_page().gettext("Apply") == "Apply (so)"  # one handed out keeps its catalogs
    assert translators["so"] is not somali and catalogs.reads["so"] == 2
    assert list(translators) == ["es", "vi", "so"] and len(translators) == 3
    assert "so" in translators and "fr" not in translators


def test_lazy_catalogs_read_a_language_each_time_it_is_asked_for() -> None:
    calls: list[str] = []

    def load() -> LanguageCatalogs:
        calls.append("es")
        return LanguageCatalogs(resolve_language("es"), {}, {})

    catalogs = LazyCatalogs({"es": LoadedLanguage((), None, load)})  # type: ignore[arg-type]
    assert catalogs["es"] is not catalogs["es"] and calls == ["es", "es"]
    assert list(catalogs) == ["es"] and len(catalogs) == 1


def test_translations_read_afresh_are_written_to_the_spill_folder(generated: Path, tmp_path: Path) -> None:
    validated = load_site(generated)
    languages = validated.languages
    folders = translation_folders(validated)
    in_memory, kept = load_languages(languages, folders, validated.files.root, 1, [])
    spilled, kept_on_disk = load_languages(languages, folders, validated.files.root, 1, [], tmp_path / "spill")
    assert kept.keys() == kept_on_disk.keys()
    full = [name for name in kept_on_disk if not name.endswith(".meta.pickle")]
    assert full and all(isinstance(kept_on_disk[name], Path) for name in full)
    for name in full:
        path = kept_on_disk[name]
        assert isinstance(path, Path) and path.is_relative_to(tmp_path / "spill")
        assert path.read_bytes() == kept[name]
    for lang in languages:
        assert spilled[lang.tag].read() == in_memory[lang.tag].read()


def test_a_build_keeps_its_translations_in_its_state_and_leaves_no_spill(generated: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(generated, site)
    out = tmp_path / "out"
    result = build_site(site, out, "--jobs", "2")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in build_folder(out).iterdir()) == ["listings", "state"]
    catalogs = sorted((state_beside(out) / "catalogs").iterdir())
    assert len([p for p in catalogs if not p.name.endswith(".meta.pickle")]) == 3
    school = next((site / "content" / "schools").glob("*.yaml"))
    school.write_text(school.read_text(encoding="utf-8").replace("tagline:", "tagline: Now", 1), encoding="utf-8")
    again = build_site(site, out, "--jobs", "2")  # its translations come from the state
    assert again.exit_code == 0, again.output
    assert build_site(site, tmp_path / "clean", "--clean").exit_code == 0
    assert snapshot(out) == snapshot(tmp_path / "clean")


def test_a_first_build_with_a_broken_catalog_leaves_nothing_beside_the_output(generated: Path,
                                                                                tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(generated, site)
    po = next((site / "translations").rglob("content.po"))
    po.write_text(po.read_text(encoding="utf-8") + '\nmsgid "unterminated\n', encoding="utf-8")
    result = build_site(site, tmp_path / "out")
    assert result.exit_code != 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_units_are_rendered_language_by_language(generated: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker then holds one or two languages' catalogs at a time, not all of them."""
    seen: list[list[str]] = []
    real = parallel.imap_ordered

    def recording(function: Callable[..., Any], tasks: list[Unit], *args: Any) -> Any:
        if tasks and isinstance(tasks[0], Unit):
            seen.append([unit.language for unit in tasks])
        return real(function, tasks, *args)

    monkeypatch.setattr(runner.parallel, "imap_ordered", recording)
    assert build_site(generated, tmp_path / "out", "--jobs", "1").exit_code == 0
    first = seen[0]
    assert len(set(first)) == 3
    assert first == sorted(first)  # each language's units together


def test_a_worker_lets_go_of_kits_and_other_languages_events(generated: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    renderers: list[Any] = []
    real = runner.worker_renderer

    def keep(*args: Any) -> Any:
        renderers.append(real(*args))
        return renderers[-1]

    monkeypatch.setattr(runner, "worker_renderer", keep)
    assert build_site(generated, tmp_path / "out", "--jobs", "1").exit_code == 0
    first, second = renderers
    assert second.kits == {}  # the outreach pages are made; their kits are not held
    cache: CalendarCache = first.calendars
    slug = cache.language
    assert cache.events and all(item.page.startswith(f"{slug}/") for _, _, item in cache.events)


def test_a_packed_kit_round_trips_and_its_digest_follows_its_items() -> None:
    items = (KitItem("sms.txt", "sms", "Bus gratis. Lotería: 31 de enero."),
             KitItem("radio-15.txt", "radio-15", "Escuela Lincoln STEM", seconds=14.5, limit=15))
    assert unpack_kit(pack_kit(items)) == items
    edited = (dataclasses.replace(items[0], text="Bus gratis. Lotería: 1 de febrero."), items[1])

    def outreach(kit: tuple[KitItem, ...]) -> Unit:
        return Unit("page:es/outreach/", "es", kits=(("lincoln", pack_kit(kit)),))

    assert kits_digests([outreach(items)]) == kits_digests([outreach(items)])
    assert kits_digests([outreach(items)]) != kits_digests([outreach(edited)])
