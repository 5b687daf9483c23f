"""docs/content-reference.md is generated from the model: it fails here when the two drift apart."""

from __future__ import annotations

from firstdoor.model import District, School
from firstdoor.reference import TARGET, main, render_reference
from tests.test_scaffold import model_keys


def test_committed_reference_matches_the_model() -> None:
    assert TARGET.read_text(encoding="utf-8") == render_reference(), \
        "docs/content-reference.md is out of date: run `python -m firstdoor.reference --write` and commit it"


def test_every_key_is_documented_with_help() -> None:
    text = render_reference()
    for key in set(model_keys(District)) | set(model_keys(School)):
        assert f"| `{key}` |" in text, key
    rows = [line for line in text.splitlines() if line.startswith("| `") and "| **required** |" in line
            or "| optional |" in line]
    assert rows and all(line.split(" | ")[3].strip() for line in rows), "a field has no docstring"


def test_check_mode_exit_codes(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert main(["--check"]) == 0
    monkeypatch.setattr("firstdoor.reference.TARGET", tmp_path / "stale.md")
    assert main(["--check"]) == 1


def test_publishing_examples_are_valid() -> None:
    import tomllib

    import yaml

    docs = TARGET.parent
    workflow = yaml.safe_load((docs / "publish" / "github-pages.yml").read_text(encoding="utf-8"))
    steps = [step.get("run", "") for step in workflow["jobs"]["build"]["steps"]]
    assert "firstdoor check" in steps and "firstdoor build --out _site" in steps
    netlify = tomllib.loads((docs / "publish" / "netlify.toml").read_text(encoding="utf-8"))
    assert netlify["build"]["publish"] == "_site"
    guide = (docs / "staff-guide.md").read_text(encoding="utf-8")
    for link in ("publish/github-pages.yml", "publish/netlify.toml", "content-reference.md", "translators.md"):
        assert f"({link})" in guide
