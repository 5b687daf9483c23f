"""Links written inside prose: which point into the site, and whether their target exists.

A link is internal when it has no scheme (`/en/apply/`, `../apply/`) or starts with the
site's `base_url`. Relative links are resolved from the page where the field is mainly
shown (a school's fields on its profile page, the district's `application` on the apply
page); the staff guide recommends addresses from the site root, which work everywhere.
"""

from __future__ import annotations

import difflib
import posixpath
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from firstdoor.plan import page_url, plan_pages
from firstdoor.sources import Path_
from firstdoor.validate import ValidatedSite

_LINK = re.compile(r"\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'][^\"']*[\"'])?\s*\)|<((?:https?|mailto|tel):[^>\s]+)>")
_ROOT_FILES = frozenset({"", "index.html", "404.html", "sitemap.xml", "robots.txt"})
_DISTRICT_PAGES = {"application": "apply", "transportation": "transportation"}


def markdown_links(text: str) -> list[str]:
    """The targets of Markdown links (`[text](target)`) and autolinks (`<https://...>`), in order."""
    return [m.group(1) or m.group(2) for m in _LINK.finditer(text)]


@dataclass(frozen=True)
class LinkTargets:
    """What a link inside the site may point to."""

    base_url: str
    base_path: str
    source_slug: str
    pages: frozenset[str]
    school_pages: tuple[str, ...]
    images: frozenset[str]

    @classmethod
    def of(cls, validated: ValidatedSite) -> "LinkTargets":
        """The pages and files of a site, as the plan lays them out."""
        base = validated.site.district.base_url.rstrip("/") + "/"
        pages = frozenset(spec.url for spec in plan_pages(validated, validated.languages))
        images_dir = validated.files.images_dir
        images = frozenset("images/" + p.relative_to(images_dir).as_posix()
                           for p in images_dir.rglob("*") if p.is_file()) if images_dir.is_dir() else frozenset()
        return cls(base_url=base, base_path=urlsplit(base).path or "/",
                   source_slug=validated.source_language.slug, pages=pages,
                   school_pages=tuple(sorted(p for p in pages if "/schools/" in p)), images=images)

    def is_internal(self, href: str) -> bool:
        """True for links into this site (no scheme, or the site's own address)."""
        if href.startswith(self.base_url) or href.startswith(self.base_url.replace("https://", "http://", 1)):
            return True
        return not re.match(r"^[a-z][a-z0-9+.-]*:|^//|^#", href, re.I)

    def page_of(self, path: Path_, school_id: str) -> str:
        """The page where a field at `path` is mainly shown, in the source language."""
        if school_id:
            return page_url("school", self.source_slug, school_id)
        kind = _DISTRICT_PAGES.get(str(path[0]) if path else "", "home")
        return page_url(kind, self.source_slug)  # type: ignore[arg-type]

    def check(self, href: str, from_page: str) -> tuple[str, str] | None:
        """None when the link works, else (what is wrong, what to do)."""
        target = href.split("#", 1)[0].split("?", 1)[0]
        for prefix in (self.base_url, self.base_url.replace("https://", "http://", 1)):
            if target.startswith(prefix):
                target = "/" + target[len(prefix):]
                target = self.base_path + target[1:]
        if target.startswith("/"):
            if not target.startswith(self.base_path):
                return ("is outside the site's address", f"the site lives under {self.base_path}; "
                        f"write e.g. {self.base_path}{self.source_slug}/apply/")
            resolved = posixpath.normpath(target[len(self.base_path):] or ".")
        elif target == "":
            return None
        else:
            resolved = posixpath.normpath(posixpath.join(from_page, target))
        if resolved.startswith(".."):
            return ("leads outside the site", f"write the address from the site root, e.g. "
                    f"{self.base_path}{self.source_slug}/apply/")
        resolved = "" if resolved == "." else resolved
        if self._exists(resolved):
            return None
        close = difflib.get_close_matches(resolved + "/", sorted(self.pages | self.images), n=1, cutoff=0.6)
        hint = f"did you mean {self.base_path}{close[0]}?" if close else \
            f"link to a page of the site, e.g. {self.base_path}{self.source_slug}/apply/"
        return ("points to a page that does not exist", hint)

    def _exists(self, resolved: str) -> bool:
        bare = resolved.removesuffix("index.html").rstrip("/")
        if resolved in _ROOT_FILES or bare == "" or resolved in self.images or resolved.startswith("assets/"):
            return True
        if bare + "/" in self.pages:
            return True
        return any(resolved.startswith(page) for page in self.school_pages)  # files beside a school page
