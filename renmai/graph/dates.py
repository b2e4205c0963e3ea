"""Partial ISO dates — ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` — read in one place.

Records keep dates as the text they were given: "2015" says less than
"2015-06-01", and writing it as a day would invent precision. Everything that
checks, orders or measures such dates reads them here.

>>> check_date("2015-06")
'2015-06'
>>> year_of("2015"), year_start("2015")
(2015.5, 2015.0)
>>> latest(["2015-06", "2014", "2015-09-30"])
'2015-09-30'
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def parts(value: str) -> tuple[int, int | None, int | None]:
    """Year, month and day of a partial date (None where it stops), or ``ValueError``.

    >>> parts("2015-06")
    (2015, 6, None)
    """
    match = _DATE.match(value)
    if not match:
        raise ValueError(f"{value!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
    year = int(match[1])
    month, day = (int(p) if p else None for p in match.groups()[1:])
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:
        raise ValueError(f"{value!r} is not a real date") from None
    return year, month, day


#: Dates as people write them in lists: 2003年5月1日, 2001.3, 2001/3/5, 1998-5.
_WRITTEN = re.compile(
    r"^(\d{4})\s*(?:"
    r"年\s*(?:(\d{1,2})\s*月\s*(?:(\d{1,2})\s*[日号]?)?)?"  # 2003年, 2003年5月, 2003年5月1日
    r"|([./-])(\d{1,2})(?:\4(\d{1,2}))?"  # 2001.3, 2001/3/5, 1998-05 (one separator)
    r")$"
)


def read_date(value: object) -> str | None:
    """A date as people write it, as a partial ISO date; None for an empty one.

    A date cell, a year (``1867``, ``2003年``), a month (``2003年5月``, ``2001.3``,
    ``1998-05``) or a day (``2003年5月1日``, ``2001/3/5``). What cannot be read is a
    ``ValueError``, never a guess — nor is a number such as 2001.1, which a
    spreadsheet keeps for both 2001.1 and 2001.10.

    >>> [read_date(v) for v in ("2003年", "2003年5月", "2003年5月1日", "2001.3", "2001/3/5")]
    ['2003', '2003-05', '2003-05-01', '2001-03', '2001-03-05']
    >>> read_date(dt.datetime(2015, 12, 1)), read_date(1867), read_date(2001.12)
    ('2015-12-01', '1867', '2001-12')
    """
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a date")
    if isinstance(value, int):
        return check_date(str(value))
    if isinstance(value, float):
        return _read_number(value)
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a date")
    return _read_text(value)


@lru_cache(maxsize=8192)  # a load's dates repeat: a few thousand distinct ones
def _read_text(value: str) -> str | None:
    text = unicodedata.normalize("NFKC", value).strip()
    if not text:
        return None
    if _DATE.match(text):
        return check_date(text)
    match = _WRITTEN.match(text)
    if not match:
        raise ValueError(f"{value!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = match[1], match[2] or match[5], match[3] or match[6]
    iso = year + (f"-{int(month):02d}" if month else "") + (f"-{int(day):02d}" if day else "")
    try:
        return check_date(iso)
    except ValueError:
        raise ValueError(f"{value!r} is not a real date") from None


def _read_number(value: float) -> str:
    """A year or year.month that a spreadsheet stored as a number."""
    if value.is_integer():
        return check_date(str(int(value)))
    text = repr(value)
    year, _, month = text.partition(".")
    if month == "1":
        raise ValueError(
            f"{value!r} could be January or October {year}: write {year}-01 or {year}-10"
        )
    if len(year) != 4 or len(month) > 2:
        raise ValueError(f"{value!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
    try:
        return check_date(f"{year}-{int(month):02d}")
    except ValueError:
        raise ValueError(f"{value!r} is not a real date") from None


def check_date(value: str) -> str:
    """``value`` itself when it is a partial date of a real day, else ``ValueError``.

    Partial dates sort correctly as strings, which is why they stay strings.
    """
    parts(value)
    return value


def _fraction(year: int, month: int | None, day: int | None, within: float) -> float:
    """The year plus the part of it before ``within`` (0: the start, 0.5: the
    middle) of the period the date names."""
    if month is None:
        return year + within
    if day is None:
        return year + (month - 1 + within) / 12
    days = 366 if calendar.isleap(year) else 365
    return year + (dt.date(year, month, day).timetuple().tm_yday - 1 + within) / days


@lru_cache(maxsize=8192)  # a few hundred distinct dates, parsed per relationship walked
def year_of(date: str) -> float:
    """A partial date as a fractional year, at the middle of the period it names.

    >>> year_of("2015"), round(year_of("2015-06"), 4), round(year_of("2015-01-01"), 4)
    (2015.5, 2015.4583, 2015.0014)
    """
    return _fraction(*parts(date), within=0.5)


def year_start(date: str) -> float:
    """The first instant of a partial date, as a fractional year (``since`` bounds).

    >>> year_start("2015-07")
    2015.5
    """
    return _fraction(*parts(date), within=0.0)


def latest(dates: Iterable[str]) -> str | None:
    """The latest of partial dates by :func:`year_of` (a tie goes to the text that
    sorts last, so the answer does not depend on order); malformed ones are skipped.

    >>> latest(["2015", "2015-07"]), latest(["not a date"])
    ('2015-07', None)
    """
    best: tuple[float, str] | None = None
    for date in dates:
        try:
            key = (year_of(date), date)
        except ValueError:
            continue
        if best is None or key > best:
            best = key
    return None if best is None else best[1]
