"""Content images resized at build time (Pillow) to a few widths, for `srcset` and `width`/`height`.

A cheap phone on slow data downloads the 320-pixel copy, a desktop the larger ones; the
browser picks. Every copy is re-encoded without metadata (no camera EXIF or GPS position
leaks from a district's photo), and the same input always gives the same bytes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable

from PIL import Image, ImageOps, UnidentifiedImageError

from firstdoor.errors import ContentError, Problem
from firstdoor.model import Site

WIDTHS: tuple[int, ...] = (320, 640, 960)
"""The widths made when the original is wider; the original width is the largest copy (at most 1280)."""
MAX_WIDTH = 1280
_FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}


@dataclass(frozen=True)
class ImageVariant:
    """One resized copy: where it is written and its size in pixels."""

    path: str
    width: int
    height: int


@dataclass(frozen=True)
class ResponsiveImage:
    """The copies of one content image, smallest first; templates build `srcset` from them."""

    variants: tuple[ImageVariant, ...]

    @property
    def default(self) -> ImageVariant:
        """The copy for `src`: the one nearest 640 pixels, a phone's width at 2x density."""
        return min(self.variants, key=lambda v: abs(v.width - 640))

    @property
    def largest(self) -> ImageVariant:
        """The biggest copy (for Open Graph previews)."""
        return self.variants[-1]


def resize_images(site: Site, images_dir: Path,
                  resize: Callable[[str, Path], tuple[ResponsiveImage, dict[str, bytes]]] | None = None,
                  ) -> tuple[dict[str, ResponsiveImage], dict[str, bytes]]:
    """Resize every image the content uses; return each image's copies and the files to write.

    Animated GIFs are kept as they are (with their measured size); a file Pillow cannot
    read is a content error naming it. `resize` replaces `resize_image` (a build passes
    one that keeps the copies of unchanged images, see `caches.py`).
    """
    resize = resize or resize_image
    used = sorted({image.src for school in site.schools.values() for image in school.images})
    images: dict[str, ResponsiveImage] = {}
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    for src in used:
        try:
            images[src], made = resize(src, images_dir / src)
        except (UnidentifiedImageError, OSError) as exc:
            problems.append(Problem(file=f"content/images/{src}", message=f"this image cannot be read: {exc}",
                                    hint="save it again as JPEG or PNG"))
            continue
        files.update(made)
    if problems:
        raise ContentError(problems)
    return images, files


def resize_image(src: str, source: Path) -> tuple[ResponsiveImage, dict[str, bytes]]:
    """The copies of one image (`src` under content/images/) and their files."""
    suffix = PurePosixPath(src).suffix.lower()
    with Image.open(source) as opened:
        opened.load()
        if suffix not in _FORMATS:  # GIF: animation would be lost, keep the original file
            return ResponsiveImage((ImageVariant(f"images/{src}", *opened.size),)), {}
        image = ImageOps.exif_transpose(opened)
    widths = sorted({w for w in WIDTHS if w < image.width} | {min(image.width, MAX_WIDTH)})
    stem = PurePosixPath(src).with_suffix("")
    variants, files = [], {}
    for width in widths:
        height = max(1, round(image.height * width / image.width))
        copy = image if width == image.width else image.resize((width, height), Image.Resampling.LANCZOS)
        path = f"images/{stem}-{width}w{suffix}"
        files[path] = _encode(copy, _FORMATS[suffix])
        variants.append(ImageVariant(path, width, height))
    return ResponsiveImage(tuple(variants)), files


def _encode(image: Image.Image, fmt: str) -> bytes:
    """Encode without metadata; JPEG in RGB, progressive, quality 80 (small, and good enough)."""
    out = io.BytesIO()
    if fmt == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=80, optimize=True, progressive=True)
    elif fmt == "PNG":
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, fmt, quality=80)
    return out.getvalue()
