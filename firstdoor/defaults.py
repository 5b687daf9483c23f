"""firstdoor's built-in defaults: where its templates and translations are, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent


def builtin_dir(name: str) -> Path:
    """A folder of firstdoor's defaults (`templates`, `translations`), installed or in a checkout."""
    installed = PACKAGE_ROOT / "_defaults" / name
    return installed if installed.is_dir() else PACKAGE_ROOT.parent / name
