"""Content cannot attack visitors: every page carries the strict Content-Security-Policy, and
hostile text in any content field or translation reaches the page escaped or sanitised.
"""

from __future__ import annotations

import csv
import json
import re
from html.parser import HTMLParser
from pathlib import Path

from firstdoor.security import CONTENT_SECURITY_POLICY, json_for_script
from tests.conftest import REPO, build_site

ATTACK = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
MARKDOWN_ATTACK = (f"Learn {ATTACK} [by doing](javascript:alert(3)) <a href=\"data:text/html,x\">d</a>\n\n"
                   "- <iframe src=https://evil.example></iframe>item\n- <style>body{display:none}</style>two")


class PageAudit(HTMLParser):
    """What in a whole page could run code, load from elsewhere or restyle it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.policies: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "content-security-policy":
            self.policies.append(values.get("content") or "")
        if tag in ("script", "iframe", "object", "embed", "style", "form", "base"):
            own_script = tag == "script" and (values.get("src") or "").startswith(("../", "assets/"))
            # JSON-LD is data, not code (its text is checked in handle_data); the finder's form
            # only ever goes to its own page (and the policy's form-action is 'self').
            data = tag == "script" and values.get("type") == "application/ld+json" and not values.get("src")
            own_form = tag == "form" and (values.get("action") or "").startswith("./")
            if not (own_script or data or own_form):
                self.found.append(f"<{tag}>")
            self._in_script = data
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(f"{tag}[{name}]")
            if name in ("href", "src", "action") and value is not None:
                compact = re.sub(r"[\x00-\x20]", "", value).lower()
                if re.match(r"^(javascript|data|vbscript):", compact):
                    self.found.append(f"{tag}[{name}={value!r}]")

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        if self._in_script and ("<" in data or not isinstance(json.loads(data), dict)):
            self.found.append("JSON-LD that is not escaped JSON")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False


def audit_page(html: str) -> tuple[list[str], list[str]]:
    """(dangerous things found, Content-Security-Policy values) of one page."""
    parser = PageAudit()
    parser.feed(html)
    parser.close()
    return parser.found, parser.policies


def audit_site(out: Path) -> None:
    """Every HTML file: nothing executable. Every page (a whole document, not an e-mail fragment
    of the outreach kit): the policy, before anything it governs, and no inline style."""
    files = sorted(out.rglob("*.html"))
    assert files
    for file in files:
        html = file.read_text(encoding="utf-8")
        found, policies = audit_page(html)
        relative = file.relative_to(out)
        if not html.lstrip().lower().startswith("<!doctype html"):
            assert [item for item in found if not item.endswith("[style]")] == [], relative
            continue
        assert found == [], relative
        assert policies == [CONTENT_SECURITY_POLICY], f"{relative} lacks the Content-Security-Policy"
        head = html[: html.index("</head>")]
        assert head.index("Content-Security-Policy") < min(
            (head.index(tag) for tag in ("<link", "<script", "<style") if tag in head), default=len(head)), \
            f"{relative}: the policy must come before anything it governs"


def test_every_page_of_the_sample_is_clean(sample_build: Path) -> None:
    audit_site(sample_build)


def po(entries: list[tuple[str | None, str, str]]) -> str:
    """A small `.po` file."""
    lines = ['msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"', ""]
    for context, msgid, msgstr in entries:
        if context:
            lines.append(f"msgctxt {json.dumps(context)}")
        lines += [f"msgid {json.dumps(msgid, ensure_ascii=False)}", f"msgstr {json.dumps(msgstr, ensure_ascii=False)}", ""]
    return "\n".join(lines)


def test_hostile_content_and_translations_are_neutralised(make_site, district, school, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    district["name"] = f"District {ATTACK}"
    district["intro"] = MARKDOWN_ATTACK
    district["contact"]["hours"] = ATTACK
    district["contact"]["address"] = ATTACK
    district["language_overrides"] = {"es": {"name": f"Español {ATTACK}"}}
    district["themes"]["stem"] = ATTACK
    school.update(name=f"Lincoln {ATTACK}", tagline="Build, test and invent every day.",
                  description=MARKDOWN_ATTACK, highlights=[ATTACK], address=ATTACK,
                  events=[{"title": ATTACK, "start": "2026-12-05T10:00", "place": ATTACK,
                           "details": MARKDOWN_ATTACK}])
    content_po = po([("schools/lincoln: tagline", "Build, test and invent every day.", f"Construir {ATTACK}"),
                     ("schools/lincoln: description", "<style>body{display:none}</style>two",
                      "<script>alert(4)</script>**dos**")])
    messages_po = po([(None, "Schools", f"Escuelas {ATTACK}"),
                      (None, "Grades %(grades)s", f"Grados %(grades)s {ATTACK}")])
    site = make_site(district=district, schools={"lincoln": school},
                     files={"translations/es/LC_MESSAGES/content.po": content_po,
                            "translations/es/LC_MESSAGES/messages.po": messages_po})
    out = tmp_path / "out"
    result = build_site(site, out)
    assert result.exit_code == 0, result.output
    audit_site(out)
    spanish = (out / "es" / "schools" / "lincoln" / "index.html").read_text(encoding="utf-8")
    assert '<p class="lead">Construir "&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;</p>' \
        in spanish
    assert re.search(r"<li>\s*<strong>dos</strong></li>", spanish)
    assert "Escuelas" in spanish


def test_json_for_script_cannot_close_the_script_element() -> None:
    data = {"name": "</script><script>alert(1)</script><!--", "line": "a\u2028b", "amp": "&"}
    text = str(json_for_script(data))
    assert "</" not in text and "<!--" not in text and "\u2028" not in text
    assert json.loads(text) == data


def test_templates_use_safe_only_on_the_notice_slot() -> None:
    """`|safe` would print content unescaped; the only use is firstdoor's own placeholder comment."""
    uses = []
    for template in sorted((REPO / "templates").rglob("*.html")):
        uses += [(template.name, m) for m in re.findall(r"[\w.]+\s*\|\s*safe", template.read_text(encoding="utf-8"))]
    assert uses == [("base.html", "notice_slot|safe")]


def test_open_data_csv_cannot_run_formulas_in_a_spreadsheet(make_site, school, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    school.update(name='=HYPERLINK("https://evil.example/","Apply here")', tagline="@SUM(1+1)",
                  address="-2+3+cmd|' /C calc'!A0", phone="+1 555 0142")
    out = tmp_path / "out"
    assert build_site(make_site(schools={"lincoln": school}), out).exit_code == 0
    [row] = list(csv.DictReader((out / "schools.csv").open(encoding="utf-8")))
    assert row["name"] == '\'=HYPERLINK("https://evil.example/","Apply here")'
    assert row["tagline"] == "'@SUM(1+1)"
    assert row["address"] == "'-2+3+cmd|' /C calc'!A0"
    assert row["phone"] == "+1 555 0142"
    assert row["longitude"] == "" and row["seats"] == ""


def test_markdown_the_sanitiser_would_change_is_a_warning(make_site, school, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    school["description"] = ("See <https://lincoln.example.org/> or write <office@lincoln.example.org>.\n\n"
                             "<iframe src=https://x.example></iframe> [Apply](vbscript:x) [Call](tel:+15550100)")
    result = build_site(make_site(schools={"lincoln": school}), tmp_path / "out")
    assert result.exit_code == 0
    warnings = [line.split(": warning: ", 1)[1] for line in result.stderr.splitlines() if ": warning: " in line]
    assert warnings == [
        "description: the HTML <iframe> is removed when the page is built "
        "(write Markdown instead: **bold**, [a link](https://...), lists with '- ')",
        "description: the link to 'vbscript:x' is removed when the page is built "
        "(links may lead only to https:, http:, mailto: or tel: addresses)"]
