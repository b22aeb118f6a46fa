"""When a staff member's digest is due: working days (Monday to Friday, no NRW public holiday)
at their own local time, 07:30 unless they chose another or switched it off.

`staff_members.digest_time` holds "HH:MM", None for the default, or OFF.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from bot.catalogue.schedule import is_public_holiday
from bot.flows.staff.local_days import local_moment
from storage.models import StaffMember

DEFAULT_TIME = time(7, 30)
OFF = "aus"
# A digest lists the day ahead: before 05:00 nobody reads it, after 20:00 the day is over.
# The bounds also keep it clear of the hour that does not exist when the clocks go forward.
EARLIEST = time(5, 0)
LATEST = time(20, 0)
_TYPED_TIME = re.compile(r"(\d{1,2})(?:[:.](\d{2}))?(?:\s*uhr)?", re.IGNORECASE)


class BadTime(ValueError):
    """Not a time of day, or outside EARLIEST..LATEST; the message says which, in German."""


def parse_time(text: str) -> time:
    """A typed time ("7:30", "07.30", "8", "8 Uhr") as a time of day, or BadTime."""
    match = _TYPED_TIME.fullmatch(text.strip())
    if match is None:
        raise BadTime(f"„{text.strip()}“ ist keine Uhrzeit.")
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour > 23 or minute > 59:
        raise BadTime(f"„{text.strip()}“ ist keine Uhrzeit.")
    chosen = time(hour, minute)
    if not EARLIEST <= chosen <= LATEST:
        raise BadTime(f"Bitte eine Zeit zwischen {EARLIEST:%H:%M} und {LATEST:%H:%M} Uhr.")
    return chosen


def time_of(member: StaffMember) -> time | None:
    """The member's digest time, None if they switched it off. A stored value this code would
    not have written (edited by hand) counts as the default rather than silencing them."""
    if member.digest_time == OFF:
        return None
    if member.digest_time:
        try:
            return parse_time(member.digest_time)
        except BadTime:
            pass
    return DEFAULT_TIME


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not is_public_holiday(day)


def opens_the_week(day: date) -> bool:
    """The first working day of its week: Monday, or Tuesday after Easter Monday. The digest
    on that day also shows the rest of the week."""
    if not is_working_day(day):
        return False
    monday = day - timedelta(days=day.weekday())
    return not any(is_working_day(monday + timedelta(days=n)) for n in range(day.weekday()))


def due_moment(member: StaffMember, day: date, timezone: str) -> datetime | None:
    """The instant the member's digest of `day` is due, or None: no digest that day."""
    at = time_of(member)
    if at is None or not is_working_day(day):
        return None
    return local_moment(day, at, timezone)
