"""QR codes for print: vector SVG from segno, so they stay sharp at any size and printer."""

from __future__ import annotations

import segno


def qr_svg_data_uri(url: str) -> str:
    """A QR code for `url` as an SVG data URI, for an `<img>` that carries the alternative text.

    Error correction M (15 %) survives a smudged or folded flyer; the 4-module quiet zone is
    the minimum scanners expect. The size is left to the flyer's CSS.
    """
    code = segno.make(url, error="m", micro=False, boost_error=False)
    return str(code.svg_data_uri(border=4, omitsize=True, xmldecl=False))


def short_url(url: str) -> str:
    """The address as printed under a QR code: without `https://`, easy to type."""
    for prefix in ("https://", "http://"):
        if url.startswith(prefix):
            return url[len(prefix):]
    return url
