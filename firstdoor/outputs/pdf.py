"""PDF rendering with WeasyPrint: tagged PDF/UA-1, parts fitted to their pages, warnings made errors.

A `PdfJob` is plain, picklable data (HTML strings), so it can run in a worker process. Its
document holds one or more parts (a school's sheet, the guide's cover...); each part lists
variants from the fullest to the most compact. A part that must fit one page is rendered
with its next variant until it does: fewer highlights, smaller type, then a "more on the
web" line. Nothing is ever cut: a part that does not fit even in its last variant is an error.

Each process renders through one `PdfEngine`, which keeps what WeasyPrint would otherwise
build again for every PDF: its font configuration (fontconfig's fonts and Pango's loaded
faces) and the parsed stylesheets, the same for every flyer of a build.

WeasyPrint only logs when a glyph is missing (".notdef glyph rendered") or an image lacks
its alternative text; those records are captured and turned into build errors.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Literal

from firstdoor.errors import Problem
from firstdoor.fonts import debian_package, family_suggestion

Fit = Literal["one-page", "prefer-one-page", "flow"]
"""one-page: must fit one page; prefer-one-page: the most compact variant may flow on; flow: any length."""

PARTS_SLOT = "<!--firstdoor:parts-->"
"""Where a job's document receives its parts."""

PDF_OPTIONS: dict[str, Any] = {"pdf_variant": "pdf/ua-1", "uncompressed_pdf": False}
"""PDF/UA-1: tagged, with document language and title. WeasyPrint writes no creation date
unless the HTML asks for one (`dcterms.created`), so the same input gives the same bytes."""

_PART_CSS = ".fd-part + .fd-part { break-before: page; }"


@dataclass(frozen=True)
class Part:
    """One section of a PDF with its variants, fullest first."""

    variants: tuple[str, ...]
    fit: Fit = "one-page"


@dataclass(frozen=True)
class PdfJob:
    """Everything needed to render one PDF, with no reference to the content model."""

    path: str
    label: str
    """What the PDF is, for messages: "Lincoln STEM Academy, flyer (es)"."""
    document: str
    """The whole HTML document, with `PARTS_SLOT` where the parts go."""
    parts: tuple[Part, ...]
    languages: tuple[str, ...]
    """The languages printed in it, for messages about missing glyphs."""
    stylesheet: str = ""
    """The document's CSS, shared by every job of a build: kept out of the HTML so that a
    worker parses it once (`PdfEngine.stylesheet`), applied before the parts' own rule."""

    def html(self, choice: tuple[int, ...], only: tuple[int, ...] | None = None) -> str:
        """The document with each part (or `only` those) in its chosen variant, each wrapped to find its pages."""
        shown = range(len(self.parts)) if only is None else only
        parts = "".join(f'<div class="fd-part" id="fd-part-{i}">{self.parts[i].variants[choice[i]]}</div>'
                        for i in shown)
        return self.document.replace(PARTS_SLOT, parts)


@dataclass(frozen=True)
class PdfResult:
    """A rendered PDF, or the problems that stopped it."""

    path: str
    data: bytes = b""
    pages: int = 0
    choice: tuple[int, ...] = ()
    """The variant each part was printed in (0 = fullest)."""
    problems: tuple[Problem, ...] = ()
    warnings: tuple[str, ...] = field(default=())


class _Capture(logging.Handler):
    """Collects WeasyPrint's log records while one document renders."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def engine_problem() -> Problem | None:
    """Why WeasyPrint cannot start here (Pango missing, on macOS or Windows), or None."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as error:
        return Problem(file="flyers", message=f"the PDF engine (WeasyPrint) cannot start: {error}",
                       hint="install Pango and the Noto fonts (README, \"Quick start\"), "
                            "or build without PDFs: firstdoor build --no-pdf")
    return None


class PdfEngine:
    """What one process reuses across the PDFs it renders (make one per process, never share it).

    A new `FontConfiguration` per document made WeasyPrint load fontconfig's configuration and
    every font face again (the CJK collections are tens of MB); a stylesheet given as a string
    was parsed again for every document. Neither changes a PDF's bytes.
    """

    def __init__(self) -> None:
        from weasyprint.text.fonts import FontConfiguration
        from weasyprint.urls import URLFetcher

        self.font_config = FontConfiguration()
        self.fetcher = URLFetcher(allowed_protocols={"data"})  # a flyer never reads files or the network
        self._stylesheets: dict[str, Any] = {}
        self.parsed = 0
        """How many stylesheets this engine parsed (one per distinct CSS text)."""

    def stylesheet(self, css: str) -> Any:
        """`css` as a WeasyPrint `CSS` object, parsed the first time only (they are read-only once made)."""
        from weasyprint import CSS

        found = self._stylesheets.get(css)
        if found is None:
            found = CSS(string=css, url_fetcher=self.fetcher, font_config=self.font_config)
            self._stylesheets[css] = found
            self.parsed += 1
        return found


def render_job(job: PdfJob, engine: PdfEngine | None = None) -> PdfResult:
    """Render one job, fitting each part to its pages; run in a worker process or in-process.

    Pass the process's `engine` when rendering many jobs; without one a new engine is made.
    """
    from weasyprint import HTML

    engine = engine or PdfEngine()
    logger = logging.getLogger("weasyprint")
    capture = _Capture()
    logger.addHandler(capture)
    try:
        stylesheets = [engine.stylesheet(css) for css in (job.stylesheet, _PART_CSS) if css]
        choice = [0] * len(job.parts)
        every = tuple(range(len(job.parts)))
        shown = every
        while True:
            capture.records.clear()
            document = HTML(string=job.html(tuple(choice), shown), url_fetcher=engine.fetcher).render(
                font_config=engine.font_config, stylesheets=stylesheets, **PDF_OPTIONS)
            too_long = _overflowing(job, document, choice, shown)
            if not too_long:
                if shown == every:
                    break
                shown = every  # each part fits alone: now the whole document, checked once more
                continue
            stuck = [i for i in too_long if choice[i] + 1 >= len(job.parts[i].variants)]
            if stuck:
                return PdfResult(job.path, problems=(Problem(
                    file=job.path, message=f"{job.label} does not fit on one page, even in its most compact form",
                    hint="shorten the school's name, tagline or theme names in this language"),))
            for i in too_long:
                choice[i] += 1
            # Each part starts a page, so a part's length does not depend on the others: the next
            # try renders only the parts that were too long (a guide's few sheets, not its 100 pages).
            shown = tuple(too_long)
        data = document.write_pdf(**PDF_OPTIONS)
        problems, warnings = _judge(job, capture.records)
    finally:
        logger.removeHandler(capture)
    return PdfResult(job.path, data if not problems else b"", len(document.pages), tuple(choice),
                     tuple(problems), tuple(warnings))


def _overflowing(job: PdfJob, document: Any, choice: list[int], shown: tuple[int, ...]) -> list[int]:
    """Indexes of the `shown` parts that must fit one page (or prefer to, with variants left) but take more."""
    starts: dict[int, int] = {}
    for number, page in enumerate(document.pages):
        for anchor in page.anchors:
            if anchor.startswith("fd-part-"):
                starts.setdefault(int(anchor.removeprefix("fd-part-")), number)
    over = []
    for k, i in enumerate(shown):
        end = starts.get(shown[k + 1], len(document.pages)) if k + 1 < len(shown) else len(document.pages)
        part = job.parts[i]
        pages = end - starts.get(i, 0)
        limited = part.fit == "one-page" or (part.fit == "prefer-one-page" and choice[i] + 1 < len(part.variants))
        if pages > 1 and limited:
            over.append(i)
    return over


def _judge(job: PdfJob, records: list[logging.LogRecord]) -> tuple[list[Problem], list[str]]:
    """Missing glyphs and errors (an image without alt text, a refused URL) fail the build."""
    problems: list[Problem] = []
    warnings: list[str] = []
    missing: dict[str, str] = {}
    for record in records:
        message = record.getMessage()
        args = record.args if isinstance(record.args, tuple) else ()
        if ".notdef" in message and args:
            missing.setdefault(str(args[0])[:1], message)
        elif record.levelno >= logging.ERROR:
            problems.append(Problem(file=job.path, message=f"{job.label}: {message}"))
        else:
            warnings.append(f"{job.path}: {message}")
    if missing:
        chars = sorted(missing)
        family = family_suggestion(chars[0])
        sample = " ".join(f"{c} (U+{ord(c):04X})" for c in chars[:5])
        problems.append(Problem(
            file=job.path, field="/".join(job.languages),
            message=f"{job.label}: the PDF would show empty boxes for {sample}: no installed font has them",
            hint=f"install the Debian package {debian_package(family)} ({family})"))
    return problems, sorted(set(warnings))
