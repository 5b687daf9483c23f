"""The outreach kit: ready-to-use material for every channel, per school and language.

Text messages (counted as networks count them), 15- and 30-second radio and TV scripts
(with an estimate of the time they take to read), an e-mail fragment and its plain-text
twin, and social posts of three lengths, all rendered from `templates/outreach/` with
the same facts and translations as the site. Written as files under
`/<lang>/outreach/<school-id|district>/` and as one zip per language.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from firstdoor.model import School, Site
from firstdoor.plan import page_url
from firstdoor.render import render_template
from firstdoor.sms import SmsCount, count_sms, gsm_friendly

if TYPE_CHECKING:  # the page renderer uses this module for the kit page
    from firstdoor.outputs.html import PageRenderer

WORDS_PER_SECOND = 2.5
"""A calm announcer's pace in English, used for every language written with spaces."""
SYLLABLES_PER_SECOND = 4.0
"""Chinese and Japanese characters are read at about four a second."""
SOCIAL_LIMITS = {"short": 280, "medium": 500, "long": 2200}
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_TOKEN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|\d|"
                    r"(?:(?![\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])[^\W\d_])+")
"""A spoken unit: one CJK character, one digit, or one word of letters (punctuation is silent)."""
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class KitItem:
    """One ready-to-use piece of the kit."""

    name: str
    """The file name, e.g. `sms.txt`."""
    kind: str
    """sms, sms-2, radio-15, radio-30, email-html, email-text, social-short..."""
    text: str
    sms: SmsCount | None = None
    seconds: float | None = None
    limit: int | None = None
    """Seconds for scripts, characters for social posts."""

    @property
    def too_long(self) -> bool:
        """True when the item is over its limit (a script or a post)."""
        if self.limit is None:
            return False
        if self.sms is not None:
            return self.sms.segments > self.limit
        measure = self.seconds if self.seconds is not None else len(self.text)
        return measure > self.limit


@dataclass(frozen=True)
class Kit:
    """The kit of the district or of one school, in one language."""

    key: str
    """The school id, or `district`."""
    school: School | None
    items: tuple[KitItem, ...]


def spoken_seconds(text: str) -> float:
    """How long a script takes to read: words (each digit counts as one) and CJK characters."""
    seconds = 0.0
    for token in _TOKEN.findall(text):
        seconds += 1 / SYLLABLES_PER_SECOND if _CJK.match(token) else 1 / WORDS_PER_SECOND
    return round(seconds, 1)


def phone_spoken(phone: str) -> str:
    """A phone number as an announcer reads it: digit by digit, in groups ("6 5 1, 5 5 5, 0 1 0 0")."""
    groups = re.findall(r"\d+", phone)
    if phone.strip().startswith("+1") and groups and groups[0] == "1":
        groups = groups[1:]  # families in the US dial without the country code
    return ", ".join(" ".join(group) for group in groups)


def short_url(url: str) -> str:
    """A page address without `https://` and the final slash, for print and messages."""
    return re.sub(r"^https?://", "", url).rstrip("/")


def build_kits(renderer: "PageRenderer", tag: str) -> list[Kit]:
    """The district's kit, then every school's, in one language."""
    return [build_kit(renderer, tag, key) for key in kit_keys(renderer.site)]


def kit_keys(site: Site) -> list[str]:
    """The kits of a language, in order: the district's, then every school's by id."""
    return ["district", *site.schools]


def build_kit(renderer: "PageRenderer", tag: str, key: str) -> Kit:
    """One kit in one language: the district's (`key` "district") or a school's."""
    translator = renderer.translators[tag].for_page()
    slug = translator.language.slug
    school = renderer.site.schools[key] if key != "district" else None
    context = renderer.context_for(f"{slug}/outreach/", translator, tag)
    target = page_url("school", slug, key) if school else page_url("home", slug)
    link = renderer.base_url + target
    context.update(school=school, school_id=key if school else None, page_link=link,
                   short_url=short_url(link), phone_spoken=phone_spoken(renderer.site.district.contact.phone),
                   deadline=renderer.site.deadline_for(school) if school
                   else renderer.site.district.application.deadline)
    return Kit(key, school, tuple(_items(renderer, context, key)))


def _render(renderer: "PageRenderer", name: str, context: dict[str, Any], label: str) -> str:
    return render_template(renderer.env, f"outreach/{name}", context, label).strip()


def _items(renderer: "PageRenderer", context: dict[str, Any], key: str) -> list[KitItem]:
    label = f"outreach kit {key} ({context['lang'].tag})"
    variants = [gsm_friendly(line.strip())
                for line in _render(renderer, "sms.txt", context, label).splitlines() if line.strip()]
    counted = [(text, count_sms(text)) for text in variants]
    single = next(((t, c) for t, c in counted if c.segments == 1), None)
    double = next(((t, c) for t, c in counted if c.segments <= 2), None)
    main = single or double or counted[-1]
    items = [KitItem("sms.txt", "sms" if main[1].segments == 1 else "sms-2", main[0], sms=main[1],
                     limit=2 if main[1].segments > 2 else None)]
    if double and double[0] != main[0]:
        items.append(KitItem("sms-2-parts.txt", "sms-2", double[0], sms=double[1]))
    for seconds in (15, 30):
        scripts = [" ".join(line.split()) for line in
                   _render(renderer, "radio.txt", dict(context, seconds=seconds), label).splitlines() if line.strip()]
        text = next((t for t in scripts if spoken_seconds(t) <= seconds), scripts[-1])
        items.append(KitItem(f"radio-{seconds}.txt", f"radio-{seconds}", text, seconds=spoken_seconds(text),
                             limit=seconds))
    items.append(KitItem("email.html", "email-html", _render(renderer, "email.html", context, label)))
    items.append(KitItem("email.txt", "email-text", _render(renderer, "email.txt", context, label)))
    posts = [part.strip() for part in _render(renderer, "social.txt", context, label).split("\n---\n")]
    for size, text in zip(SOCIAL_LIMITS, posts):
        items.append(KitItem(f"social-{size}.txt", f"social-{size}", re.sub(r"\n{3,}", "\n\n", text),
                             limit=SOCIAL_LIMITS[size]))
    return items


def kit_item_files(kit: Kit, slug: str) -> list[tuple[str, bytes]]:
    """The files of one kit's items, under `/<lang>/outreach/<key>/`."""
    return [(f"{slug}/outreach/{kit.key}/{item.name}", (item.text + "\n").encode("utf-8")) for item in kit.items]


def kit_zip(kits: list[Kit], slug: str, extras: list[tuple[str, bytes]] | None = None) -> tuple[str, bytes]:
    """The zip of every kit of a language (the last file of `kit_files`)."""
    return kit_files(kits, slug, extras)[-1]


def kit_files(kits: list[Kit], slug: str, extras: list[tuple[str, bytes]] | None = None,
              ) -> list[tuple[str, bytes]]:
    """Every item as a file under `/<lang>/outreach/`, plus the zip of them all.

    `extras` are files published elsewhere that the zip also holds (the share cards under
    `<lang>/cards/`, zipped as `cards/...`).
    """
    files = [file for kit in kits for file in kit_item_files(kit, slug)]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, data in sorted(files):
            info = zipfile.ZipInfo(path.split("/outreach/", 1)[1], date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
        for path, data in sorted(extras or []):
            info = zipfile.ZipInfo(path.split("/", 1)[1], date_time=_ZIP_DATE)
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)  # PNGs are compressed already: stored as they are
    return files + [(f"{slug}/outreach/outreach-kit-{slug}.zip", buffer.getvalue())]
