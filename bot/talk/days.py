"""Working days in NRW: Monday to Friday, no public holiday. What "we usually answer within two
working days" counts, and the days a case manager can offer in an answer."""

from __future__ import annotations

from datetime import date, timedelta

from bot.catalogue.schedule import is_public_holiday

ANSWER_WITHIN = 2  # working days: what the person is told, and when the digest warns


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not is_public_holiday(day)


def working_days_after(day: date, count: int) -> list[date]:
    """The next `count` working days after `day`."""
    found: list[date] = []
    while len(found) < count:
        day += timedelta(days=1)
        if is_working_day(day):
            found.append(day)
    return found


def working_days_back(day: date, count: int) -> date:
    """The day `count` working days before `day` (for "waiting longer than two working
    days")."""
    while count > 0:
        day -= timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day
