"""How much of each language is translated, for `firstdoor check`: the i18n status report's figure.

The percentage is the one `firstdoor i18n status` prints and `--fail-under` tests
(interface and content entries translated and current), so the two never disagree.
"""

from __future__ import annotations

from pathlib import Path

from firstdoor.status import translation_status
from firstdoor.validate import ValidatedSite


def translation_coverage(validated: ValidatedSite, folders: list[Path]) -> dict[str, float]:
    """Percentage translated per site language that needs translating, from the catalogs in `folders`."""
    report = translation_status(validated, validated.languages, folders)
    return {status.tag: status.percent for status in report
            if status.interface.total + status.content.total > 0}
