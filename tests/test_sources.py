"""Reading YAML: positions, duplicate keys, syntax errors, YAML 1.1 traps, hostile files."""

from __future__ import annotations

from pathlib import Path

import pytest

from firstdoor.sources import find_site_files, load_yaml


def load(tmp_path: Path, text: str | bytes):  # type: ignore[no-untyped-def]
    path = tmp_path / "school.yaml"
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return load_yaml(path, tmp_path)


def messages(tmp_path: Path, text: str | bytes) -> list[str]:
    return [str(p) for p in load(tmp_path, text)[1]]


def test_values_keep_their_line_and_column(tmp_path: Path) -> None:
    doc, problems = load(tmp_path, "name: Lincoln\nadmission:\n  method: lottery\n")
    assert not problems
    assert doc.mark(("admission", "method")).line == 3
    assert doc.mark(("admission", "method")).column == 11


def test_duplicate_key_is_an_error_not_silently_dropped(tmp_path: Path) -> None:
    assert messages(tmp_path, "name: A\nseats: 3\nname: B\n") == [
        "school.yaml:3:1: the key 'name' is written twice (first on line 1) "
        "(keep one of them: YAML would silently drop the first)"]


@pytest.mark.parametrize("text, expected", [
    ("languages: [en, no]", ["en", "no"]),            # Norwegian stays "no", not False
    ("time: 07:05", "07:05"),                          # never sexagesimal 425
    ("time: 1:30", "1:30"),
    ("zip: 02134", "02134"),                           # digits as written (via .written)
    ("on: yes", "yes"),
])
def test_yaml_11_traps_keep_what_was_meant(tmp_path: Path, text: str, expected: object) -> None:
    doc, problems = load(tmp_path, text + "\n")
    value = next(iter(doc.data.values()))
    assert not problems
    assert getattr(value, "written", value) == expected


def test_tab_indentation_is_explained(tmp_path: Path) -> None:
    assert messages(tmp_path, "a: 1\n\tb: 2\n") == [
        "school.yaml:2:1: YAML syntax error: a tab character is used for indentation (indent with spaces only)"]


def test_unclosed_quote_is_located(tmp_path: Path) -> None:
    [message] = messages(tmp_path, 'name: "Lincoln\nseats: 3\n')
    assert message.startswith("school.yaml:1:7: YAML syntax error")  # where the quote opens, not the file's end
    assert "quote was opened and never closed" in message


def test_alias_bomb_fails_fast(tmp_path: Path) -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i, name in enumerate("bcdefgh"):
        prev = "abcdefgh"[i]
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    assert "too many values" in messages(tmp_path, "\n".join(lines) + "\n")[0]


def test_bom_and_crlf_are_accepted(tmp_path: Path) -> None:
    doc, problems = load(tmp_path, "\ufeffname: Lincoln\r\nseats: 3\r\n".encode("utf-8"))
    assert not problems and doc.data == {"name": "Lincoln", "seats": 3}


@pytest.mark.parametrize("data, fragment", [
    (b"", "the file is empty"),
    (b"# just a comment\n", "the file has only comments, no keys"),
    (b"name: caf\xe9\n", "not UTF-8"),
    (b"\x00\x01binary", "binary file"),
])
def test_unreadable_files_are_explained(tmp_path: Path, data: bytes, fragment: str) -> None:
    assert fragment in messages(tmp_path, data)[0]


def test_oversized_file_is_refused(tmp_path: Path) -> None:
    assert "the limit is" in messages(tmp_path, "a: " + "x" * 1_100_000)[0]


def test_python_tags_are_refused(tmp_path: Path) -> None:
    assert "not supported" in messages(tmp_path, "name: !!python/object:os.system x\n")[0]


def test_bad_school_file_names_are_reported(tmp_path: Path) -> None:
    (tmp_path / "content" / "schools").mkdir(parents=True)
    (tmp_path / "content" / "district.yaml").write_text("name: x\n")
    (tmp_path / "content" / "schools" / "Lincoln STEM.yaml").write_text("name: x\n")
    (tmp_path / "content" / "schools" / "east.yml").write_text("name: x\n")
    files, problems = find_site_files(tmp_path)
    assert files is not None and files.schools == ()
    assert [str(p) for p in problems] == [
        "content/schools/Lincoln STEM.yaml: 'Lincoln STEM' is not a valid school id: the file name becomes "
        "the web address (use lowercase letters, digits and single dashes, e.g. lincoln-stem.yaml)",
        "content/schools/east.yml: school files must end in .yaml; this file is not read (rename it to east.yaml)",
    ]
