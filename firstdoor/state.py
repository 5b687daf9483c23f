"""Where a build keeps what the next build needs, and how that is pickled safely.

Beside the output folder (`_site` -> `._site.firstdoor-build/`) are the build state
(`incremental.py`), the previous output kept for recycling and the outputs' listings
(`publish.py`). This module only names those places and reads and writes pickles: the
quickest rebuild (`unchanged.py`) needs nothing more, so it stays quick to import.
"""

from __future__ import annotations

import io
import pickle
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from firstdoor.collector import collector_paused

STATE_DIR = ".firstdoor-build"
"""The build state (manifest, kits, catalog cache) inside a shard's folder."""


def build_folder(out: Path) -> Path:
    """Beside an output folder, what firstdoor keeps for the next build (`_site` -> `._site.firstdoor-build/`):
    the build state, and the previous output for the next build to recycle (`publish.Staging`)."""
    out = out.resolve()
    return out.parent / f".{out.name}{STATE_DIR}"


def state_beside(out: Path) -> Path:
    """The build state of an output folder: beside it, so the site itself stays reproducible."""
    return build_folder(out) / "state"


def kept_output(out: Path) -> Path:
    """Where the output before the current one is kept, for the next build to recycle."""
    return build_folder(out) / "previous"


def output_listings(out: Path) -> Path:
    """Where the listings of the current and the kept output are (`publish.Listing`)."""
    return build_folder(out) / "listings"


class _SafeUnpickler(pickle.Unpickler):
    """Unpickles only firstdoor's own data classes, dates, paths and plain containers, never arbitrary code."""

    _ALLOWED = {"builtins": {"set", "frozenset", "tuple", "list", "dict", "str", "int", "float", "bool", "bytes"},
                "datetime": {"date", "datetime", "time", "timedelta"},
                "pathlib": {"PosixPath", "WindowsPath", "PurePosixPath", "PureWindowsPath"}}

    def find_class(self, module: str, name: str) -> Any:
        if module.startswith("firstdoor.") or name in self._ALLOWED.get(module, ()):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in firstdoor's build state")

    def persistent_load(self, pid: Any) -> Any:
        if isinstance(pid, tuple) and len(pid) == 2 and pid[0] == "zoneinfo":  # state written before `zone`
            return ZoneInfo(str(pid[1]))
        raise pickle.UnpicklingError("unknown persistent id in firstdoor's build state")


def zone(key: str) -> ZoneInfo:
    """A timezone by name: how build state stores one (its own pickling goes through `getattr`, which
    the reader refuses)."""
    return ZoneInfo(key)


class _StatePickler(pickle.Pickler):
    """Pickles timezones by name.

    `reducer_override`, unlike `persistent_id`, is not called for plain strings, numbers and
    containers, which are nearly all of a state-wide manifest's millions of objects.
    """

    def reducer_override(self, obj: Any) -> Any:
        return (zone, (obj.key,)) if isinstance(obj, ZoneInfo) else NotImplemented


def safe_dumps(value: Any) -> bytes:
    """Pickle build state so that `safe_loads` can read it."""
    buffer = io.BytesIO()
    with collector_paused():
        _StatePickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return buffer.getvalue()


def safe_loads(data: bytes) -> Any:
    """Read a pickle of firstdoor's build state (see `_SafeUnpickler`)."""
    with collector_paused():
        return _SafeUnpickler(io.BytesIO(data)).load()
