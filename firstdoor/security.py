"""What keeps a district's content from turning the site against its visitors.

Every page carries the same strict Content-Security-Policy (only the site's own styles,
images and scripts; no inline script, no plugins, no foreign forms). Content reaches HTML
only escaped by Jinja or sanitised by an allow-list (`prose.py`); data placed inside a
`<script>` element (JSON-LD) goes through `json_for_script`, which cannot end the element.
"""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

CONTENT_SECURITY_POLICY = ("default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; "
                           "base-uri 'none'; form-action 'self'")
"""The policy of every page, as a `<meta http-equiv>` (templates write `{{ csp }}`)."""

_SCRIPT_SAFE = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026",
                0x2028: "\\u2028", 0x2029: "\\u2029"}


def json_for_script(data: Any) -> Markup:
    """JSON for inside `<script type="application/ld+json">`: `</script>` and `<!--` cannot occur.

    `<`, `>` and `&` become JSON escapes, which parse back to the same characters.
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return Markup(text.translate(_SCRIPT_SAFE))
