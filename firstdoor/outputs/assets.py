"""Static assets: the stylesheet (with a content hash in its query string) and content images."""

from __future__ import annotations

import hashlib
from pathlib import Path

from firstdoor.model import Site
from firstdoor.render import builtin_dir


def stylesheet(site_templates: Path) -> tuple[str, bytes]:
    """The site's CSS (the district's `templates/static/site.css` if any) and its URL."""
    for folder in (site_templates, builtin_dir("templates")):
        path = folder / "static" / "site.css"
        if path.is_file():
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()[:10]
            return f"assets/site.css?v={digest}", data
    raise FileNotFoundError("templates/static/site.css")


def content_images(site: Site, images_dir: Path) -> list[tuple[str, Path]]:
    """Every image the content uses, as (output path, source file), sorted and unique."""
    used = {image.src for school in site.schools.values() for image in school.images}
    return [(f"images/{src}", images_dir / src) for src in sorted(used)]
