"""Reading an absence period typed in German notation, in the configured time zone.

Accepted (the year is optional everywhere):
- `24.12.` or `24.12.2026`: the whole day, local midnight to the next local midnight;
- `24.12.-31.12.` (also with `–` or `bis`): whole days, both included;
- `24.12. 13:00-16:00` (also `13.00`): a time range on one day.

Without a year a date means this year's, unless that lies more than a month back: then next
year's (so `05.01.` typed in December is January). An end date without a year is the first such
date on or after the start.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.flows.staff.local_days import day_bounds, local_date, local_moment

MAX_LENGTH = 60
MAX_DAYS_AHEAD = 365
_PAST_GRACE = timedelta(days=31)
_DATE = r"(\d{1,2})\.(\d{1,2})(?:\.(\d{4})?)?"
_TIME = r"(\d{1,2})[:.](\d{2})"
_DASH = r"\s*(?:-|–|bis)\s*"
_DAYS = re.compile(_DATE + _DASH + _DATE)
_TIMES = re.compile(_DATE + r"\s+" + _TIME + _DASH + _TIME + r"(?:\s*uhr)?")
_DAY = re.compile(_DATE)

TOO_LONG = f"Das ist zu lang für einen Zeitraum (höchstens {MAX_LENGTH} Zeichen)."
UNREADABLE = "Diesen Zeitraum kann ich nicht lesen."
NO_SUCH_DATE = "Das Datum {value} gibt es nicht."
NO_SUCH_TIME = "Die Uhrzeit {value} gibt es nicht."
END_BEFORE_START = "Das Ende liegt vor dem Beginn."
TOO_FAR = f"Abwesenheiten lassen sich höchstens {MAX_DAYS_AHEAD} Tage im Voraus eintragen."
IN_THE_PAST = "Dieser Zeitraum liegt ganz in der Vergangenheit."


class PeriodError(ValueError):
    """The text is no usable period; the message says why, in German."""


@dataclass(frozen=True)
class Period:
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC, exclusive
    first_day: date
    last_day: date
    times: tuple[time, time] | None = None  # None: whole days


def parse_period(text: str, now: datetime, timezone: str) -> Period:
    """The period `text` names, or PeriodError with a German explanation."""
    if len(text) > MAX_LENGTH:
        raise PeriodError(TOO_LONG)
    cleaned = text.strip().lower()
    today = local_date(now, timezone)
    if match := _DAYS.fullmatch(cleaned):
        first = _date(match.groups()[0:3], today)
        last = _date(match.groups()[3:6], today, after=first)
        period = _whole_days(first, last, timezone)
    elif match := _TIMES.fullmatch(cleaned):
        day = _date(match.groups()[0:3], today)
        start, end = _time(match.groups()[3:5]), _time(match.groups()[5:7])
        if end <= start:
            raise PeriodError(END_BEFORE_START)
        period = Period(local_moment(day, start, timezone), local_moment(day, end, timezone),
                        day, day, (start, end))
    elif match := _DAY.fullmatch(cleaned):
        day = _date(match.groups(), today)
        period = _whole_days(day, day, timezone)
    else:
        raise PeriodError(UNREADABLE)
    _check_bounds(period, today, now)
    return period


def _whole_days(first: date, last: date, timezone: str) -> Period:
    if last < first:
        raise PeriodError(END_BEFORE_START)
    return Period(day_bounds(first, timezone)[0], day_bounds(last, timezone)[1], first, last)


def _check_bounds(period: Period, today: date, now: datetime) -> None:
    if period.last_day > today + timedelta(days=MAX_DAYS_AHEAD):
        raise PeriodError(TOO_FAR)
    if period.ends_at <= now:
        raise PeriodError(IN_THE_PAST)


def _date(parts: tuple[str | None, ...], today: date, after: date | None = None) -> date:
    day, month, year = parts
    assert day is not None and month is not None
    shown = f"{day}.{month}." + (year or "")
    try:
        if year is not None:
            return date(int(year), int(month), int(day))
        reference = after or today
        found = date(reference.year, int(month), int(day))
    except ValueError:
        raise PeriodError(NO_SUCH_DATE.format(value=shown)) from None
    too_early = found < after if after is not None else found < today - _PAST_GRACE
    return _next_year(found, shown) if too_early else found


def _next_year(found: date, shown: str) -> date:
    try:
        return found.replace(year=found.year + 1)
    except ValueError:  # 29.02. in a leap year, next year has none
        raise PeriodError(NO_SUCH_DATE.format(value=shown)) from None


def _time(parts: tuple[str | None, ...]) -> time:
    hour, minute = parts
    assert hour is not None and minute is not None
    try:
        return time(int(hour), int(minute))
    except ValueError:
        raise PeriodError(NO_SUCH_TIME.format(value=f"{hour}:{minute}")) from None
