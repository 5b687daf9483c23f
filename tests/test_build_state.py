"""The build state's pickles: timezones travel by name, and nothing but firstdoor's own data is ever loaded."""

from __future__ import annotations

import datetime as dt
import io
import os
import pickle
from zoneinfo import ZoneInfo

import pytest

from firstdoor.state import safe_dumps, safe_loads
from firstdoor.tracking import Uses


def test_zoned_times_and_plain_data_round_trip() -> None:
    value = {"deadline": dt.datetime(2027, 1, 31, 17, 0, tzinfo=ZoneInfo("America/Chicago")),
             "files": [("en/index.html", 120, 1, "")], "uses": {"lincoln"}}
    assert safe_loads(safe_dumps(value)) == value


class _Exploit:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.system, ("echo owned",)


def test_a_state_file_that_would_run_code_is_refused() -> None:
    with pytest.raises(pickle.UnpicklingError, match="not allowed"):
        safe_loads(pickle.dumps(_Exploit()))


def test_state_written_by_the_previous_version_still_reads() -> None:
    """Timezones used to be written as persistent ids; such caches stay readable."""
    class OldPickler(pickle.Pickler):
        def persistent_id(self, obj: object) -> object:
            return ("zoneinfo", obj.key) if isinstance(obj, ZoneInfo) else None

    buffer = io.BytesIO()
    OldPickler(buffer).dump([ZoneInfo("Asia/Kabul")])
    assert safe_loads(buffer.getvalue()) == [ZoneInfo("Asia/Kabul")]


def test_uses_from_workers_share_their_names() -> None:
    """Each unit's uses arrive unpickled on their own; shared, 33,000 units hold one copy of each name."""
    first, second = (pickle.loads(pickle.dumps(Uses({"lincoln"}, False, {("lincoln", "name")}, {"grades"},
                                                    {"ctx:schools"}, {"school.html"}))) for _ in range(2))
    assert next(iter(first.schools)) is not next(iter(second.schools))
    a, b = first.shared(), second.shared()
    assert a == first and b == second
    for pick in (lambda u: next(iter(u.schools)), lambda u: next(iter(u.fields))[1], lambda u: next(iter(u.all_fields)),
                 lambda u: next(iter(u.views)), lambda u: next(iter(u.templates))):
        assert pick(a) is pick(b)
    assert Uses(templates=None).shared().templates is None
