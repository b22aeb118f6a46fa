"""Local calendar days in the configured zone, as UTC instants: a day runs from local
midnight to the next local midnight, so it has 23 or 25 hours on the days the clocks change."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.flows.appointment_notices import WEEKDAYS


def local_date(moment: datetime, timezone: str) -> date:
    """The local calendar day of an instant."""
    return moment.astimezone(ZoneInfo(timezone)).date()


def local_moment(day: date, at: time, timezone: str) -> datetime:
    """The UTC instant of a wall-clock time on a local day."""
    return datetime.combine(day, at, tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def day_bounds(day: date, timezone: str) -> tuple[datetime, datetime]:
    """[local midnight, next local midnight) of `day`, in UTC."""
    return (local_moment(day, time(0), timezone),
            local_moment(day + timedelta(days=1), time(0), timezone))


def hhmm(moment: datetime, timezone: str) -> str:
    """The local wall-clock time of an instant, "13:00"."""
    return moment.astimezone(ZoneInfo(timezone)).strftime("%H:%M")


def day_de(day: date) -> str:
    """"Mo 23.11.2026"."""
    return f"{WEEKDAYS[day.weekday()]} {day:%d.%m.%Y}"
