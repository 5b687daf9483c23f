"""`firstdoor check`: validation plus content advice, as text for people or JSON for tools."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from firstdoor.advice import AdviceOptions, advise
from firstdoor.coverage import translation_coverage
from firstdoor.errors import ContentError
from firstdoor.options import today_in
from firstdoor.pipeline import load_site, translation_folders
from firstdoor.report import Finding


@dataclass(frozen=True)
class CheckReport:
    """Everything `check` found: validation problems and advice, each with its rule."""

    findings: tuple[Finding, ...]

    @property
    def errors(self) -> int:
        """How many findings are errors (the site cannot be built)."""
        return sum(1 for f in self.findings if f.problem.severity == "error")

    @property
    def warnings(self) -> int:
        """How many findings are warnings (the site builds, but should be fixed)."""
        return len(self.findings) - self.errors

    def exit_code(self, strict: bool) -> int:
        """0 clean, 1 errors; with `strict`, 1 on warnings too."""
        return 1 if self.errors or (strict and self.warnings) else 0


def check_site(site_dir: Path, today: dt.date | None = None, max_grade: float = 8.0,
               min_translated: float = 80.0) -> CheckReport:
    """Validate the site and, when it is valid, run every advice rule on it."""
    try:
        validated = load_site(site_dir)
    except ContentError as error:
        return CheckReport(tuple(Finding("validation", p) for p in error.problems))
    day = today_in(ZoneInfo(validated.site.district.timezone), today)
    try:
        advice = advise(validated, AdviceOptions(today=day, max_grade=max_grade, min_translated=min_translated),
                        translation_coverage(validated, translation_folders(validated)))
    except ContentError as error:  # a broken translation catalog
        return CheckReport(tuple(Finding("validation", p) for p in error.problems))
    warnings = [Finding("validation", p) for p in validated.warnings]
    return CheckReport(tuple(warnings + advice))


def as_json(report: CheckReport) -> str:
    """The report as JSON: a summary and one object per finding."""
    items = [{"rule": f.rule, "severity": f.problem.severity, "file": f.problem.file, "line": f.problem.line,
              "column": f.problem.column, "field": f.problem.field, "message": f.problem.message,
              "hint": f.problem.hint} for f in report.findings]
    return json.dumps({"errors": report.errors, "warnings": report.warnings, "findings": items},
                      ensure_ascii=False, indent=2)


def summary_line(report: CheckReport) -> str:
    """One line: how many errors and warnings, or that all is well."""
    if not report.findings:
        return "no problems found"
    return f"{_count(report.errors, 'error')}, {_count(report.warnings, 'warning')}"


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
