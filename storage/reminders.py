"""Reminder rows: written with each booking, handled once when due. Callers own the transaction.

A reminder is "handled" by a conditional UPDATE on `handled_at IS NULL`: of two instances that
see the same due reminder, one turns it into an outbox message and the other finds nothing to
do. A moved appointment is a new appointment row, so it gets reminders of its own, and the old
one's reminders are skipped because the old appointment is cancelled.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Appointment, Client, OfficeBookingRules, Reminder

DEFAULT_MINUTES: tuple[int, ...] = (1440, 120)  # a day before and two hours before
# A reminder due this soon after the booking would repeat the confirmation the person just read.
MIN_NOTICE = timedelta(minutes=30)


@dataclass(frozen=True)
class QuietHours:
    """Local hours without reminders: `start` in the evening to `end` in the morning."""

    start: int  # minutes after midnight, e.g. 21:00 -> 1260
    end: int  # e.g. 07:00 -> 420

    @classmethod
    def parse(cls, text: str) -> QuietHours | None:
        """"21:00-07:00"; empty for none. Raises ValueError for anything else."""
        if not text.strip():
            return None
        try:
            start_text, end_text = text.split("-")
            start, end = (_minutes(part) for part in (start_text, end_text))
        except ValueError:
            raise ValueError(f"quiet hours must look like 21:00-07:00, not {text!r}") from None
        if start == end:
            raise ValueError("quiet hours need different start and end times")
        return cls(start, end)

    def contains(self, minute_of_day: int) -> bool:
        if self.start < self.end:
            return self.start <= minute_of_day < self.end
        return minute_of_day >= self.start or minute_of_day < self.end


def _minutes(text: str) -> int:
    hours, minutes = text.strip().split(":")
    value = int(hours) * 60 + int(minutes)
    if not (0 <= int(hours) < 24 and 0 <= int(minutes) < 60):
        raise ValueError(text)
    return value


def quiet_until(quiet: QuietHours | None, now: datetime, timezone: str) -> datetime | None:
    """The end of the quiet hours `now` lies in, or None outside them."""
    if quiet is None:
        return None
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    if not quiet.contains(local.hour * 60 + local.minute):
        return None
    # The end as a wall-clock time (today's, or tomorrow's if that has passed), so a night
    # with a clock change still ends at 07:00 local time.
    day = local.date() if local.hour * 60 + local.minute < quiet.end \
        else local.date() + timedelta(days=1)
    end = datetime.combine(day, time(quiet.end // 60, quiet.end % 60), tzinfo=zone)
    return end.astimezone(now.tzinfo)


LocalTime = Callable[[datetime], datetime]  # a UTC instant as local wall-clock time


@dataclass(frozen=True)
class ReminderPolicy:
    """The installation's quiet hours and time zone (settings); offices choose the offsets."""

    quiet: QuietHours | None = QuietHours(21 * 60, 7 * 60)
    timezone: str = "Europe/Berlin"

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(ZoneInfo(self.timezone))


DEFAULT_POLICY = ReminderPolicy()


def due_time(starts_at: datetime, minutes_before: int, quiet: QuietHours | None,
             local: LocalTime) -> datetime:
    """When to remind: `minutes_before` the start, moved out of the quiet hours - to their end
    if that is still well before the start, else to their beginning the evening before."""
    due = starts_at - timedelta(minutes=minutes_before)
    if quiet is None:
        return due
    wall = local(due)
    minute = wall.hour * 60 + wall.minute
    if not quiet.contains(minute):
        return due
    after = (quiet.end - minute) % 1440
    morning = due + timedelta(minutes=after)
    if morning <= starts_at - MIN_NOTICE:
        return morning
    before = (minute - quiet.start) % 1440 + 1
    return due - timedelta(minutes=before)


async def office_minutes(session: AsyncSession, office_id: str) -> Sequence[int]:
    rules = await session.get(OfficeBookingRules, office_id)
    return rules.reminder_minutes if rules is not None else DEFAULT_MINUTES


async def schedule(session: AsyncSession, appointment: Appointment, now: datetime,
                   policy: ReminderPolicy) -> list[Reminder]:
    """Write the office's reminders for a new appointment; none that would come too soon."""
    seen: set[datetime] = set()
    created = []
    for minutes in sorted(set(await office_minutes(session, appointment.office_id)),
                          reverse=True):
        due = due_time(appointment.starts_at, minutes, policy.quiet, policy.local)
        if due < now + MIN_NOTICE or due in seen or due >= appointment.starts_at:
            continue
        seen.add(due)
        created.append(Reminder(appointment_id=appointment.id, minutes_before=minutes,
                                due_at=due))
    session.add_all(created)
    return created


async def due(session: AsyncSession, now: datetime,
              limit: int) -> list[tuple[Reminder, Appointment, Client]]:
    """Unhandled reminders that are due, oldest first, with their appointment and person."""
    rows = await session.execute(
        select(Reminder, Appointment, Client)
        .join(Appointment, Appointment.id == Reminder.appointment_id)
        .join(Client, Client.id == Appointment.client_id)
        .where(Reminder.handled_at.is_(None), Reminder.due_at <= now)
        .order_by(Reminder.due_at, Reminder.id).limit(limit))
    return [(reminder, appointment, client) for reminder, appointment, client in rows]


async def latest_due(session: AsyncSession, appointment_ids: Iterable[int],
                     now: datetime) -> dict[int, datetime]:
    """Per appointment, the due time of its latest reminder that is due: an earlier one is
    out of date (the process was down) and only the latest is sent."""
    ids = list(appointment_ids)
    if not ids:
        return {}
    rows = await session.execute(
        select(Reminder.appointment_id, func.max(Reminder.due_at))
        .where(Reminder.appointment_id.in_(ids), Reminder.due_at <= now)
        .group_by(Reminder.appointment_id))
    return {appointment_id: latest for appointment_id, latest in rows}


async def handle(session: AsyncSession, reminder_ids: Sequence[int], now: datetime,
                 outcome: str) -> set[int]:
    """Mark reminders handled; returns those this call handled (another instance may have
    handled some first)."""
    if not reminder_ids:
        return set()
    handled = await session.scalars(
        update(Reminder).where(Reminder.id.in_(list(reminder_ids)), Reminder.handled_at.is_(None))
        .values(handled_at=now, outcome=outcome).returning(Reminder.id)
        .execution_options(synchronize_session=False))
    return set(handled)
