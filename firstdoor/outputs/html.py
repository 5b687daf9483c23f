"""HTML pages: the render context of each page, and the pages themselves per language."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Mapping

from jinja2 import Environment

from firstdoor import views
from firstdoor.formatting import Formatter
from firstdoor.i18n import LanguageCatalogs, Translator, Translators
from firstdoor.languages import Language
from firstdoor.outputs.finder import finder_context
from firstdoor.outputs.images import ResponsiveImage
from firstdoor.outputs.outreach import Kit, build_kits
from firstdoor.outputs.redirects import Redirect
from firstdoor.plan import LANGUAGE_PAGES, PageSpec, page_url
from firstdoor.render import relative_url, render_template
from firstdoor.report import Misses
from firstdoor.validate import ValidatedSite

NOTICE_SLOT = "<!--firstdoor:translation-notice-->"
"""Replaced after rendering by the "not yet translated" notice when the page fell back."""


@dataclass(frozen=True)
class Alternate:
    """The same page in another language, for the language switcher and hreflang links."""

    language: Language
    url: str


class PageRenderer:
    """Renders the pages of a site; holds the compiled templates and one translator per language."""

    def __init__(self, validated: ValidatedSite, catalogs: Mapping[str, LanguageCatalogs],
                 env: Environment, languages: tuple[Language, ...], today: dt.date,
                 asset_urls: dict[str, str], images: dict[str, ResponsiveImage] | None = None,
                 flyers: Any = None, cards: Any = None) -> None:
        self.validated = validated
        self.site = validated.site
        self.env = env
        self.languages = languages
        self.today = today
        self.asset_urls = asset_urls
        self.images = images or {}
        self.flyers = flyers
        """The built flyers (`outputs.flyers.FlyerIndex`) pages link to, or None without PDFs."""
        self.cards = cards
        """The share cards (`outputs.cards.CardIndex`), or None without PDFs."""
        self.translators = Translators(catalogs, validated.source_language)
        self.formatters = {lang.tag: Formatter(lang, validated.known_languages) for lang in languages}
        self.base_url = self.site.district.base_url.rstrip("/") + "/"
        self.kits: dict[str, list[Kit]] = {}
        """Outreach kits per language, built once for the kit page and its files."""
        self.views = views.SiteViews(self.site, today)

    def page(self, spec: PageSpec) -> tuple[str, Misses]:
        """Render one page; return its HTML and what it showed untranslated."""
        translator = self.translators[spec.language].for_page()
        context = self.context_for(spec.url, translator, spec.language)
        context.update(page=spec, alternates=self._alternates(spec), key=spec.key)
        if spec.school_id is not None:
            school = self.site.schools[spec.school_id]
            context.update(school_id=spec.school_id, school=school,
                           school_timeline=views.timeline(self.site, school),
                           school_deadline=self.site.deadline_for(school))
        if spec.kind in ("zip", "area") and spec.key is not None:
            context.update(place=self.listed(self.views.neighborhood_by_key[(spec.kind, spec.key)]),
                           area=self.site.district.areas.get(spec.key) if spec.kind == "area" else None,
                           page_url_home=page_url("home", translator.language.slug),
                           lottery_summary=translator.markdown_summary(self.site.district.application.how_it_works))
        if self.cards is not None and spec.kind in ("home", "school"):
            context["share_card"] = self.cards.find(spec.language, spec.school_id or "district")
        if spec.kind == "outreach":
            if spec.language not in self.kits:  # a parallel build fills them in beforehand
                self.kits[spec.language] = build_kits(self, spec.language)
            context["kits"] = self.kits[spec.language]
        html = render_template(self.env, spec.template, context, f"{spec.url} ({spec.language})")
        notice = ""
        if translator.misses:
            notice = render_template(self.env, "notice.html", context, f"notice ({spec.language})")
        return html.replace(NOTICE_SLOT, notice.strip()), translator.misses

    def listed(self, value: Any) -> Any:
        """A page's own list of schools (a neighborhood's), as its template gets it (see `units.TrackingRenderer`)."""
        return value

    def _root_language(self) -> Language:
        """The language of the root pages: the source language, or the first one built (`--lang`)."""
        source = self.validated.source_language
        return source if source.tag in self.translators else self.languages[0]

    def redirect(self, redirect: Redirect) -> tuple[str, Misses]:
        """The page at a school's old address, sending the reader to its page (see `redirects.py`)."""
        translator = self.translators[redirect.language].for_page()
        context = self.context_for(redirect.old_url, translator, redirect.language)
        context.update(target=redirect.new_url, school=self.site.schools[redirect.school_id])
        return render_template(self.env, "redirect.html", context, redirect.old_url), translator.misses

    def root_pages(self) -> tuple[str, str]:
        """The language chooser at the site root and the 404 page: every language by its own name,
        a short message in each, with links home (absolute on the 404 page).

        Both are rendered from one look-up of every language's translations: at state scale
        a language's catalogs take a while to read, and only one or two are held at a time.
        """
        source = self._root_language()  # a language built
        translators = {lang.tag: self.translators[lang.tag] for lang in self.languages}
        pages = []
        for here, template, base in (("", "chooser.html", ""), ("404.html", "404.html", self.base_url)):
            context = self.context_for(here, translators[source.tag].for_page(), source.tag)
            context["choices"] = [(lang, base + page_url("home", lang.slug), translators[lang.tag])
                                  for lang in self.languages]
            pages.append(render_template(self.env, template, context, template if here else "index.html"))
        return pages[0], pages[1]

    def _alternates(self, spec: PageSpec) -> list[Alternate]:
        return [Alternate(lang, page_url(spec.kind, lang.slug, spec.school_id or spec.key))
                for lang in self.languages]

    def context_for(self, here: str, translator: Translator, tag: str) -> dict[str, Any]:
        """What every template of one language can use, with links relative to the page at `here`."""
        site = self.site
        language = translator.language
        shared = self.views
        upcoming, past = shared.events

        def url(target: str) -> str:
            return relative_url(here, target)

        def link(kind: str, key: str | None = None) -> str:
            return url(page_url(kind, language.slug, key))  # type: ignore[arg-type]

        extras = finder_context(site, translator, language.slug, url, self.base_url, self.images,
                                self.validated.source_language.tag, shared)
        return extras | {
            "here": here,
            "absolute": lambda target: self.base_url + target,
            "url": url,
            "link": link,
            "asset": lambda name: url(self.asset_urls[name]),
            "lang": language,
            "languages": self.languages,
            "translator": translator,
            "vocab": lambda keys, vocabulary: [translator.text(vocabulary[key]) for key in keys],
            "fmt": self.formatters.get(tag) or Formatter(language, self.validated.known_languages),
            "gettext": translator.gettext,
            "_": translator.gettext,
            "ngettext": translator.ngettext,
            "pgettext": translator.pgettext,
            "N_": lambda message: message,
            "site": site,
            "district": site.district,
            "schools": shared.schools_in_order,
            "timeline": shared.timeline,
            "upcoming_events": upcoming,
            "past_events": past,
            "bus_by_zip": shared.bus_by_zip,
            "neighborhoods": shared.neighborhoods,
            "next_help_session": shared.next_help_session,
            "entry_level": views.entry_level,
            "has_own_deadline": lambda school: views.has_own_deadline(site, school),
            "deadline_for": site.deadline_for,
            "today": self.today,
            "days_left": shared.days_left,
            "page_kinds": LANGUAGE_PAGES,
            "notice_slot": NOTICE_SLOT,
            "flyers": self.flyers,
            "cards": self.cards,
        }
