"""`firstdoor new school` and `firstdoor new site`: every key, placeholders that block publishing."""

from __future__ import annotations

import datetime as dt
import re
import typing
from pathlib import Path
from typing import Any, Callable, Iterator

import yaml
from pydantic import BaseModel

from firstdoor.model import District, School
from firstdoor.placeholders import MARKER
from firstdoor.scaffold import core_type, item_model, school_id_for, school_scaffold
from tests.conftest import TODAY, build_site, run_cli, tiny_jpeg

MakeSite = Callable[..., Path]
FILLED = {"themes": "[stem]", "tagline": "Build, test and invent every day.", "grades": "K-5",
          "model": "whole-school", "address": "1200 Lincoln Ave, Riverside, MN 55104",
          "admission.method": "lottery", "transportation.bus": "free"}


def model_keys(model: type[BaseModel]) -> Iterator[str]:
    """Every key name the model accepts, at any depth."""
    for name, info in model.model_fields.items():
        yield name
        nested = item_model(info.annotation)
        core = core_type(info.annotation)
        inner = nested[1] if nested else core if isinstance(core, type) and issubclass(core, BaseModel) else None
        if inner is not None:
            yield from model_keys(inner)


def uncomment(text: str) -> str:
    """Switch on every optional key of a scaffold (delete the `# ` before keys and their lines)."""
    return re.sub(r"(?m)^(\s*)# (?=\s*(?:- )?[a-z_]+:|\s{2,}\S)", r"\1", text)


def replace_placeholders(text: str) -> str:
    """Fill the placeholders the way a user would."""
    text = text.replace("description: |  #", "description: |\n  Children learn by doing.\n#", 1)
    text = re.sub(r"(?m)^  <<FILL IN:.*>>\n", "", text)
    for key, value in FILLED.items():
        name = key.split(".")[-1]
        text = re.sub(rf'(?m)^(\s*{name}: )(\[?"<<FILL IN:[^>]*>>"\]?)', lambda m: m.group(1) + value, text, count=1)
    return text


def test_new_school_writes_every_key_with_help(make_site: MakeSite) -> None:
    site = make_site()
    result = run_cli("new", "school", "Lincoln STEM Academy", "--site", site)
    assert result.exit_code == 0, result.output
    text = (site / "content/schools/lincoln-stem-academy.yaml").read_text(encoding="utf-8")
    written = set(re.findall(r"(?m)^\s*(?:#\s*)?(?:- )?([a-z_]+):", text)) | set(re.findall(r"[{,] ?([a-z_]+):", text))
    assert set(model_keys(School)) - written == set()
    for line in text.splitlines():
        if re.match(r"^\s*(# )?\s*(- )?[a-z_]+:", line):
            assert "  # " in line, f"no help on: {line}"
    assert "one or more of stem, arts" in text  # the district's own theme keys


def test_new_school_fails_until_placeholders_are_replaced(make_site: MakeSite) -> None:
    site = make_site()
    run_cli("new", "school", "Lincoln STEM Academy", "--site", site)
    path = site / "content/schools/lincoln-stem-academy.yaml"
    result = build_site(site)
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if "lincoln-stem-academy.yaml" in line]
    assert len(errors) == len(FILLED) + 1  # description too
    assert all("the placeholder <<FILL IN: " in line and "is still here" in line for line in errors)
    assert any(re.search(r"lincoln-stem-academy\.yaml:\d+:\d+: model: the placeholder <<FILL IN: whole-school "
                         r"or program-within-school>> is still here \(replace it with whole-school or "
                         r"program-within-school; nothing is published", line) for line in errors)
    assert not any("is not one of" in line for line in errors)  # one plain message per placeholder
    path.write_text(replace_placeholders(path.read_text(encoding="utf-8")), encoding="utf-8")
    assert MARKER.search(str(yaml.safe_load(path.read_text(encoding="utf-8")))) is None
    result = build_site(site)
    assert result.exit_code == 0, result.output


def test_one_placeholder_left_is_still_an_error(make_site: MakeSite) -> None:
    site = make_site()
    run_cli("new", "school", "Lincoln STEM Academy", "--site", site)
    path = site / "content/schools/lincoln-stem-academy.yaml"
    text = replace_placeholders(path.read_text(encoding="utf-8"))
    path.write_text(text.replace("tagline: Build, test and invent every day.",
                                 'tagline: "Build things. <<FILL IN: a second sentence>>"'), encoding="utf-8")
    result = build_site(site)
    assert result.exit_code == 1
    assert "tagline: the placeholder <<FILL IN: a second sentence>> is still here" in result.output


def test_every_optional_key_of_the_scaffold_is_valid_once_switched_on(make_site: MakeSite,
                                                                     district: dict[str, Any]) -> None:
    district["priorities"] = {"sibling": "Sibling", "neighborhood": "Nearby"}
    district["services"] = {"special-education": "Special education", "english-learners": "English learners"}
    site = make_site(district=district, schools={},
                     files={"content/images/lincoln-stem-academy/photo.jpg": tiny_jpeg()})
    run_cli("new", "school", "Lincoln STEM Academy", "--site", site)
    path = site / "content/schools/lincoln-stem-academy.yaml"
    path.write_text(uncomment(replace_placeholders(path.read_text(encoding="utf-8"))), encoding="utf-8")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert {"events", "images", "care", "accessibility", "application"} <= set(data)
    result = build_site(site)
    assert result.exit_code == 0, result.output


def test_new_school_refuses_to_overwrite(make_site: MakeSite) -> None:
    site = make_site()  # it has content/schools/lincoln.yaml
    path = site / "content/schools/lincoln.yaml"
    before = path.read_bytes()
    for args in (["Lincoln"], ["Lincoln Elementary", "--id", "lincoln"]):
        result = run_cli("new", "school", *args, "--site", site)
        assert result.exit_code == 2
        assert "lincoln.yaml: this school file already exists; nothing was changed" in result.output
    assert path.read_bytes() == before


def test_new_school_ids() -> None:
    assert school_id_for("Lincoln STEM Academy") == "lincoln-stem-academy"
    assert school_id_for("Escuela Puente Bilingüe") == "escuela-puente-bilingue"
    assert school_id_for("  St. Mary's  ") == "st-mary-s"


def test_new_school_rejects_a_bad_id_and_a_missing_site(tmp_path: Path, make_site: MakeSite) -> None:
    result = run_cli("new", "school", "X", "--site", make_site(), "--id", "Bad Id")
    assert result.exit_code == 2 and "is not a valid school id" in result.output
    result = run_cli("new", "school", "X", "--site", tmp_path)
    assert result.exit_code == 2 and "has no content/district.yaml" in result.output


def test_quoted_names_stay_valid_yaml() -> None:
    text = school_scaffold('Dr. "Ada" Lovelace: Academy #1', "ada", dt.date(2026, 1, 1), {})
    assert yaml.safe_load(text)["name"] == 'Dr. "Ada" Lovelace: Academy #1'


def test_new_site_builds_straight_away(tmp_path: Path) -> None:
    folder = tmp_path / "district"
    result = run_cli("new", "site", folder)
    assert result.exit_code == 0, result.output
    built = build_site(folder)
    assert built.exit_code == 0, built.output
    assert (folder / "_site/en/schools/example-magnet-school/index.html").is_file()
    assert (folder / "_site/es/index.html").is_file()
    assert (folder / "translations/es/LC_MESSAGES/content.po").is_file()  # empty, ready for a translator
    assert (folder / "translations/content.pot").is_file()
    again = run_cli("new", "site", folder)
    assert again.exit_code == 2 and "not empty" in again.output


def test_new_site_district_has_every_key_and_is_valid_switched_on(tmp_path: Path) -> None:
    folder = tmp_path / "district"
    run_cli("new", "site", folder)
    path = folder / "content/district.yaml"
    text = path.read_text(encoding="utf-8")
    written = set(re.findall(r"(?m)^\s*(?:#\s*)?(?:- )?([a-z_]+):", text)) | set(re.findall(r"[{,] ?([a-z_]+):", text))
    assert set(model_keys(District)) - written == set()
    path.write_text(uncomment(text), encoding="utf-8")
    result = build_site(folder)
    assert result.exit_code == 0, result.output


def test_new_site_check_asks_only_for_translations(tmp_path: Path) -> None:
    folder = tmp_path / "district"
    run_cli("new", "site", folder)
    result = run_cli("check", "--site", folder)
    assert result.exit_code == 0
    assert "0 errors, 1 warning" in result.output and "only 0 % of es is translated" in result.output


def test_scaffold_types_are_understood() -> None:
    assert item_model(typing.Optional[list[int]]) is None  # noqa: UP007 (the form a model may use)
    assert TODAY.year == 2026
