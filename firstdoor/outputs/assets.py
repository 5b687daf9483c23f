"""Static assets: the stylesheet and scripts (with a content hash in their query string) and content images."""

from __future__ import annotations

import hashlib
from pathlib import Path

from firstdoor.model import Site
from firstdoor.defaults import builtin_dir

SCRIPTS = ("finder.js", "copy.js")
"""The scripts of `templates/static/`: the finder (home and compare pages) and the kit's copy buttons.
Every page works without them."""


def stylesheet(site_templates: Path) -> tuple[str, bytes]:
    """The site's CSS (the district's `templates/static/site.css` if any) and its URL."""
    return static_asset(site_templates, "site.css")


def scripts(site_templates: Path) -> dict[str, tuple[str, bytes]]:
    """Every script of `SCRIPTS`, by name: its URL under `assets/` (with the hash) and its content."""
    return {name: static_asset(site_templates, name) for name in SCRIPTS}


def static_asset(site_templates: Path, name: str) -> tuple[str, bytes]:
    """A file of `templates/static/` (the district's copy first) and its URL under `assets/`.

    The URL carries a hash of the content, so browsers may cache it for ever.
    """
    for folder in (site_templates, builtin_dir("templates")):
        path = folder / "static" / name
        if path.is_file():
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()[:10]
            return f"assets/{name}?v={digest}", data
    raise FileNotFoundError(f"templates/static/{name}")


def content_images(site: Site, images_dir: Path) -> list[tuple[str, Path]]:
    """Every image the content uses, as (output path, source file), sorted and unique."""
    used = {image.src for school in site.schools.values() for image in school.images}
    return [(f"images/{src}", images_dir / src) for src in sorted(used)]
