"""Content images: resized at build time to a few widths, with srcset, width and height."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from PIL import Image

from tests.conftest import build_site


def _jpeg(width: int, height: int, exif: bool = False) -> bytes:
    image = Image.new("RGB", (width, height), (200, 80, 40))
    out = io.BytesIO()
    if exif:
        tags = Image.Exif()
        tags[0x010F] = "CameraMaker"  # Make
        tags[0x8825] = {1: "N", 2: (44.0, 57.0, 13.0)}  # GPS position
        image.save(out, "JPEG", exif=tags)
    else:
        image.save(out, "JPEG")
    return out.getvalue()


def test_sample_images_have_srcset_size_and_lazy_loading(sample_build: Path) -> None:
    html = (sample_build / "en" / "schools" / "lincoln-stem" / "index.html").read_text(encoding="utf-8")
    img = re.search(r'<img src="([^"]+)" srcset="([^"]+)" sizes="[^"]+" width="(\d+)" height="(\d+)" '
                    r'alt="[^"]+" loading="lazy"', html)
    assert img, "every content image has srcset, sizes, width, height and loading=lazy"
    src, srcset, width, height = img.groups()
    assert src == "../../../images/lincoln-stem/robot-640w.jpg" and (width, height) == ("640", "400")
    copies = [part.split() for part in srcset.split(", ")]
    assert [w for _, w in copies] == ["320w", "640w", "800w"]
    for url, w in copies:
        with Image.open((sample_build / "en" / "schools" / "lincoln-stem" / url).resolve()) as made:
            assert made.width == int(w[:-1])


def test_copies_drop_camera_metadata(make_site: Any, school: dict[str, Any]) -> None:
    school["images"] = [{"src": "lincoln/photo.jpg", "alt": "The school garden"}]
    site = make_site(schools={"lincoln": school},
                     files={"content/images/lincoln/photo.jpg": _jpeg(1600, 1000, exif=True)})
    result = build_site(site)
    assert result.exit_code == 0, result.output
    made = sorted(p.name for p in (site / "_site" / "images" / "lincoln").glob("photo-*"))
    assert made == ["photo-1280w.jpg", "photo-320w.jpg", "photo-640w.jpg", "photo-960w.jpg"]
    for name in made:
        with Image.open(site / "_site" / "images" / "lincoln" / name) as copy:
            assert not copy.getexif()


def test_an_unreadable_image_is_a_located_content_error(make_site: Any, school: dict[str, Any]) -> None:
    school["images"] = [{"src": "lincoln/broken.jpg", "alt": "A photo"}]
    site = make_site(schools={"lincoln": school}, files={"content/images/lincoln/broken.jpg": b"not a jpeg"})
    result = build_site(site)
    assert result.exit_code == 1
    assert "content/images/lincoln/broken.jpg: this image cannot be read" in result.output
    assert "Traceback" not in result.output


def test_a_small_image_is_not_enlarged(make_site: Any, school: dict[str, Any]) -> None:
    school["images"] = [{"src": "lincoln/small.jpg", "alt": "A small photo"}]
    site = make_site(schools={"lincoln": school}, files={"content/images/lincoln/small.jpg": _jpeg(300, 200)})
    assert build_site(site).exit_code == 0
    html = (site / "_site" / "en" / "schools" / "lincoln" / "index.html").read_text(encoding="utf-8")
    assert 'srcset="../../../images/lincoln/small-300w.jpg 300w"' in html
    assert 'width="300" height="200"' in html
