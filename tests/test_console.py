"""What the command line prints: progress on a terminal or in a log, -q, colour only on a terminal."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any, Callable

import pytest

from firstdoor.console import BarProgress, LineProgress, format_problem, progress_for, use_colour
from firstdoor.errors import Problem
from firstdoor.progress import NoProgress
from tests.conftest import build_site

MakeSite = Callable[..., Path]


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_progress_kinds() -> None:
    assert isinstance(progress_for(quiet=True, stream=Terminal()), NoProgress)
    assert isinstance(progress_for(quiet=False, stream=Terminal()), BarProgress)
    assert isinstance(progress_for(quiet=False, stream=io.StringIO()), LineProgress)


def test_bar_on_a_terminal_and_plain_lines_elsewhere() -> None:
    terminal, log = Terminal(), io.StringIO()
    for progress in (BarProgress(terminal), LineProgress(log)):
        with progress.stage("pages", 50) as advance:
            for _ in range(50):
                advance()
    assert "pages" in terminal.getvalue() and "50/50" in terminal.getvalue()
    assert re.fullmatch(r"pages: 50 in \d+\.\d s\n", log.getvalue())


def test_build_summary_and_quiet(make_site: MakeSite, school: dict[str, Any]) -> None:
    school["transportation"]["details"] = "A free bus comes from the ZIP codes below."
    school["events"] = [{"title": "Open house", "start": "2026-12-05T10:00"}]
    site = make_site(schools={"lincoln": school})
    result = build_site(site)
    assert result.exit_code == 0, result.output
    stage = re.search(r"^pages: (\d+) in \d+\.\d s$", result.output, re.M)  # not a terminal: plain lines
    assert stage
    assert re.search(rf"^built {stage.group(1)} pages in 2 languages in \d+\.\d s; 0 warnings$", result.output, re.M)
    assert "\x1b[" not in result.output  # no colour when not on a terminal
    quiet = build_site(site, None, "-q")
    assert quiet.exit_code == 0 and quiet.output == ""


def test_quiet_still_prints_errors(make_site: MakeSite, school: dict[str, Any]) -> None:
    school["model"] = "whole"
    result = build_site(make_site(schools={"lincoln": school}), None, "-q")
    assert result.exit_code == 1 and "model: 'whole' is not one of" in result.output


def test_colour_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    warning = Problem(file="content/x.yaml", line=2, field="name", message="hmm", severity="warning")
    assert format_problem(warning, colour=False) == str(warning)
    coloured = format_problem(warning, colour=True)
    assert "\x1b[" in coloured and re.sub(r"\x1b\[[0-9;]*m", "", coloured) == str(warning)
    error = Problem(file="content/x.yaml", line=2, message="bad")
    assert re.sub(r"\x1b\[[0-9;]*m", "", format_problem(error, colour=True)) == "content/x.yaml:2: error: bad"
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert use_colour(Terminal()) and not use_colour(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_colour(Terminal())
