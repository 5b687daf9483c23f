"""The one error type of firstdoor: a located problem the CLI knows how to print.

Every stage collects `Problem`s (file, line, column, field, message, hint) and raises a
single `ContentError` holding all of them, so a user sees every mistake of a run at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a warning) in what the user wrote."""

    file: str
    line: int | None = None
    column: int | None = None
    field: str | None = None
    message: str = ""
    hint: str | None = None
    severity: Severity = "error"

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Order problems by file, then position, so reports read top to bottom."""
        return (self.file, self.line or 0, self.column or 0, self.field or "", self.message)

    def location(self) -> str:
        """`file:line:column`, leaving out what is unknown."""
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        text = f"{self.location()}: "
        if self.severity == "warning":
            text += "warning: "
        if self.field:
            text += f"{self.field}: "
        text += self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


class FirstdoorError(Exception):
    """Base class of every error firstdoor reports to a user without a traceback."""

    exit_code = 1

    def __init__(self, problems: Iterable[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(file="firstdoor", message=problems)]
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ContentError(FirstdoorError):
    """The site folder (content, translations, templates) has one or more errors."""

    exit_code = 1


class UsageError(FirstdoorError):
    """The command line asks for something firstdoor refuses to do (exit code 2)."""

    exit_code = 2


class ProblemList:
    """Collects problems during a stage and raises them together at the end."""

    def __init__(self) -> None:
        self._problems: list[Problem] = []

    def add(self, problem: Problem) -> None:
        """Record one problem."""
        self._problems.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        """Record several problems."""
        self._problems.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        """The problems of severity `error`, in a stable order."""
        return sorted((p for p in self._problems if p.severity == "error"), key=Problem.sort_key)

    @property
    def warnings(self) -> list[Problem]:
        """The problems of severity `warning`, in a stable order."""
        return sorted((p for p in self._problems if p.severity == "warning"), key=Problem.sort_key)

    def raise_if_errors(self) -> None:
        """Raise one `ContentError` with every error (and warning) collected, if any error."""
        if self.errors:
            raise ContentError(self.errors + self.warnings)
