"""Calendar months for /stats, /export and `kimbot stats export`: parsing "2026-10", the
neighbours of a month, and its bounds in the configured zone (a month starts at local
midnight of its first day, so an entry at 00:30 on 1 December in Berlin is December's)."""

from __future__ import annotations

import re
from datetime import date, datetime

from bot.flows.staff.local_days import day_bounds

MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
          "Oktober", "November", "Dezember")
_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")


def parse_month(text: str) -> date | None:
    """The first day of the month "YYYY-MM" names, or None for anything else."""
    found = _MONTH.fullmatch(text.strip())
    return date(int(found.group(1)), int(found.group(2)), 1) if found else None


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def previous_month(month: date) -> date:
    return date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


def month_bounds(month: date, timezone: str) -> tuple[datetime, datetime]:
    """[local midnight of the 1st, local midnight of the next month's 1st), in UTC."""
    return day_bounds(month, timezone)[0], day_bounds(next_month(month), timezone)[0]


def month_title(month: date) -> str:
    """"Oktober 2026"."""
    return f"{MONTHS[month.month - 1]} {month.year}"
