"""Redirect pages that keep old school addresses working after a school's id changes.

A school's `aliases: [old-id]` gives, in every language, a small page at the old address
(`/<lang>/schools/<old-id>/`) that sends the reader to the school's page. Printed flyers'
QR codes live for years, so an address once published keeps leading somewhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from firstdoor.languages import Language
from firstdoor.model import Site
from firstdoor.plan import page_url


@dataclass(frozen=True)
class Redirect:
    """One old address of a school, in one language, and where it now leads."""

    language: str
    """The language tag (`zh-Hans`)."""
    school_id: str
    old_url: str
    """The old address below the site root (`es/schools/old-id/`)."""
    new_url: str

    @property
    def path(self) -> str:
        """The file the redirect page is written to, relative to the output folder."""
        return self.old_url + "index.html"


def alias_redirects(site: Site, languages: tuple[Language, ...]) -> list[Redirect]:
    """Every redirect page of the site, by language then old id (validation made ids unique)."""
    redirects = []
    for language in languages:
        for school_id, school in site.schools.items():
            for alias in sorted(school.aliases):
                redirects.append(Redirect(language.tag, school_id, page_url("school", language.slug, alias),
                                          page_url("school", language.slug, school_id)))
    return sorted(redirects, key=lambda r: (r.language, r.old_url))
