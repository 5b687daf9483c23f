"""Neighborhood sheets: one page per ZIP code or named area, listing the schools with a bus from there.

Rendered by the flyer pipeline (`flyers.FlyerRenderer`, `pdf_batch.render_pdfs`): this module
only decides the variants, from the fullest (one block per school) to the most compact (one
line per school, then "N more schools" with the web twin's address). The schools and their
grouping come from `views.neighborhood`, as on the web twin `/<lang>/zip/<zip>/`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from firstdoor import views
from firstdoor.views import Level, Neighborhood
from firstdoor.model import School


@dataclass(frozen=True)
class SheetVariant:
    """How a sheet lists its schools."""

    compact: bool
    """One line per school instead of a block."""
    limit: int | None
    """At most this many schools, then "N more schools"; None shows all."""
    step: int
    """Type size step, as for the flyers (0 normal, 3 smallest)."""


SHEET_VARIANTS = (
    SheetVariant(False, None, 0), SheetVariant(False, None, 1), SheetVariant(False, None, 2),
    SheetVariant(True, None, 0), SheetVariant(True, None, 2), SheetVariant(True, None, 3),
    *(SheetVariant(True, limit, 3) for limit in (40, 34, 30, 27, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4)),
)
"""Smaller type first, then one line per school, then fewer schools with "N more schools: <address>"."""

Groups = tuple[tuple[Level, tuple[tuple[str, School], ...]], ...]


def limited(place: Neighborhood, limit: int | None) -> tuple[Groups, int]:
    """The groups with at most `limit` schools in all, and how many were left out.

    Seats are dealt to the levels in turn, so every level keeps its first schools: a family
    with a middle schooler still sees middle schools when there are many elementary ones.
    """
    if limit is None or limit >= place.count:
        return place.groups, 0
    counts = [0] * len(place.groups)
    left = limit
    while left > 0:
        for i, (_, members) in enumerate(place.groups):
            if left > 0 and counts[i] < len(members):
                counts[i] += 1
                left -= 1
    shown = tuple((level, members[:n]) for (level, members), n in zip(place.groups, counts) if n)
    return shown, place.count - limit


def sheet_context(site: Any, kind: Literal["zip", "area"], key: str) -> dict[str, Any]:
    """What the sheet template needs besides the page context: the place, its area, `limited`."""
    area = site.district.areas[key] if kind == "area" else None
    codes = tuple(area.zip_codes) if area is not None else (key,)
    return {"place": views.neighborhood(site, kind, key, codes), "area": area, "limited": limited}
