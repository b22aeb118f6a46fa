"""Booking, cancelling and listing appointments. Callers own the transaction.

No double booking is a database guarantee: an open appointment claims every 5-minute unit of
its time in `appointment_slots`, whose primary key is (case manager, unit). Two people choosing
the same slot at the same moment, or one person pressing twice, insert the same unit; the
database lets one through and the other gets `SlotTaken`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage import reminders
from storage.models import (
    OPEN_STATUSES,
    Absence,
    Appointment,
    AppointmentKind,
    AppointmentOutcome,
    AppointmentSlot,
    AppointmentStatus,
    Channel,
)

UNIT = timedelta(minutes=5)
LONGEST_APPOINTMENT = timedelta(hours=12)


class SlotTaken(Exception):
    """Someone else booked (part of) this time first."""


class TooManyAppointments(Exception):
    """The person already holds the allowed number of open appointments."""


def units(start: datetime, end: datetime) -> list[datetime]:
    """The 5-minute units covering [start, end), aligned to the unit grid."""
    epoch = start.timestamp()
    first = start - timedelta(seconds=epoch % UNIT.total_seconds())
    found, unit = [], first
    while unit < end:
        found.append(unit)
        unit += UNIT
    return found


async def open_count(session: AsyncSession, client_id: int, now: datetime) -> int:
    return await session.scalar(
        select(func.count(Appointment.id)).where(
            Appointment.client_id == client_id, Appointment.status.in_(OPEN_STATUSES),
            Appointment.ends_at > now)) or 0


async def book(session: AsyncSession, *, client_id: int, staff_member_id: int, office_id: str,
               kind: AppointmentKind, channel: Channel, starts_at: datetime,
               duration: timedelta, now: datetime, interpreter_language: str | None = None,
               max_open: int = 2, buffer: timedelta = timedelta(0),
               booked_by_staff_id: int | None = None,
               reminder_policy: reminders.ReminderPolicy = reminders.DEFAULT_POLICY
               ) -> Appointment:
    """Book the time or raise SlotTaken / TooManyAppointments; the session stays usable.

    `booked_by_staff_id`: the staff member who booked on the person's behalf (a phone call).

    The claimed units include `buffer` after the end, so the database also keeps the office's
    buffer between two appointments booked at the same moment.
    """
    if kind is AppointmentKind.FIRST_INTERVIEW and channel is not Channel.IN_PERSON:
        raise ValueError("the first interview is always in person")
    if not timedelta(0) < duration <= LONGEST_APPOINTMENT:
        raise ValueError(f"an appointment lasts more than 0 and at most {LONGEST_APPOINTMENT}")
    if await open_count(session, client_id, now) >= max_open:
        raise TooManyAppointments
    appointment = Appointment(
        client_id=client_id, staff_member_id=staff_member_id, office_id=office_id,
        kind=kind.value, channel=channel.value, starts_at=starts_at,
        ends_at=starts_at + duration, status=AppointmentStatus.BOOKED.value,
        interpreter_language=interpreter_language, booked_by_staff_id=booked_by_staff_id,
        created_at=now, updated_at=now)
    try:
        # A savepoint: losing the race rolls back only this booking, not the caller's work.
        async with session.begin_nested():
            session.add(appointment)
            await session.flush()
            session.add_all(AppointmentSlot(staff_member_id=staff_member_id, unit_start=unit,
                                            appointment_id=appointment.id)
                            for unit in units(starts_at, appointment.ends_at + buffer))
            await session.flush()
    except IntegrityError as exc:
        raise SlotTaken from exc
    await reminders.schedule(session, appointment, now, reminder_policy)
    return appointment


async def owned(session: AsyncSession, appointment_id: int,
                client_id: int) -> Appointment | None:
    """The appointment if it belongs to this client; None for anyone else's (forged ids)."""
    appointment = await session.get(Appointment, appointment_id)
    if appointment is None or appointment.client_id != client_id:
        return None
    return appointment


class NotCancellable(Exception):
    """Already cancelled, attended, missed or over: an old button must not rewrite history."""


async def cancel(session: AsyncSession, appointment: Appointment, by: str,
                 now: datetime, late: bool = False) -> None:
    """Cancel and free the time at once; the row stays for the case manager's overview.
    `late`: with less notice than the office asks for (the case manager is told so)."""
    if appointment.status not in OPEN_STATUSES or appointment.ends_at <= now:
        raise NotCancellable
    if not await close(session, appointment, AppointmentStatus.CANCELLED, now, cancelled_by=by,
                       late=late):
        raise NotCancellable


async def close(session: AsyncSession, appointment: Appointment, status: AppointmentStatus,
                now: datetime, cancelled_by: str | None = None, late: bool = False) -> bool:
    """Move an open appointment to `status` and release its time; False if it was no longer
    open in the database (a colleague or another instance got there first).

    The status check is part of the UPDATE, so two concurrent changes cannot both win and the
    later one cannot silently overwrite the earlier (an "attended" by a cancel, say).

    Attended and missed also add an anonymous row to `appointment_outcomes`, here and only
    here, in the same transaction, so each outcome is written exactly once and outlives the
    person's data (an erasure deletes the appointment, not its outcome).
    """
    result = await session.execute(
        update(Appointment)
        .where(Appointment.id == appointment.id, Appointment.status.in_(OPEN_STATUSES))
        .values(status=status.value, cancelled_by=cancelled_by, updated_at=now,
                late_notice=late)
        .execution_options(synchronize_session=False))
    if not result.rowcount:
        await session.refresh(appointment)
        return False
    appointment.status, appointment.cancelled_by, appointment.updated_at = (
        status.value, cancelled_by, now)
    appointment.late_notice = late
    if status in (AppointmentStatus.ATTENDED, AppointmentStatus.MISSED):
        session.add(AppointmentOutcome(staff_member_id=appointment.staff_member_id,
                                       office_id=appointment.office_id, kind=appointment.kind,
                                       outcome=status.value, starts_at=appointment.starts_at))
    await session.execute(delete(AppointmentSlot).where(
        AppointmentSlot.appointment_id == appointment.id))
    return True


async def confirm(session: AsyncSession, appointment: Appointment, now: datetime) -> bool:
    """The person said they will come; False if it was already confirmed (or closed)."""
    result = await session.execute(
        update(Appointment)
        .where(Appointment.id == appointment.id,
               Appointment.status == AppointmentStatus.BOOKED.value)
        .values(status=AppointmentStatus.CONFIRMED.value, updated_at=now)
        .execution_options(synchronize_session=False))
    if not result.rowcount:
        return False
    appointment.status, appointment.updated_at = AppointmentStatus.CONFIRMED.value, now
    return True


async def upcoming_for_client(session: AsyncSession, client_id: int,
                              now: datetime) -> list[Appointment]:
    result = await session.scalars(
        select(Appointment).where(Appointment.client_id == client_id,
                                  Appointment.status.in_(OPEN_STATUSES),
                                  Appointment.ends_at > now)
        .order_by(Appointment.starts_at))
    return list(result)


async def busy_ranges(session: AsyncSession, staff_ids: Iterable[int], start: datetime,
                      end: datetime) -> dict[int, list[tuple[datetime, datetime]]]:
    """Open appointments per case manager overlapping [start, end), sorted by start."""
    ids = list(staff_ids)
    found: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    if not ids:
        return found
    rows = await session.execute(
        select(Appointment.staff_member_id, Appointment.starts_at, Appointment.ends_at)
        .where(Appointment.staff_member_id.in_(ids), Appointment.status.in_(OPEN_STATUSES),
               # The lower bound on starts_at keeps the index scan to the window instead of
               # every appointment ever booked; no appointment is longer than a working day.
               Appointment.starts_at > start - LONGEST_APPOINTMENT,
               Appointment.starts_at < end, Appointment.ends_at > start)
        .order_by(Appointment.staff_member_id, Appointment.starts_at))
    for staff_id, starts_at, ends_at in rows:
        found[staff_id].append((starts_at, ends_at))
    return found


async def absence_ranges(session: AsyncSession, staff_ids: Sequence[int], start: datetime,
                         end: datetime) -> dict[int, list[tuple[datetime, datetime]]]:
    found: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    if not staff_ids:
        return found
    rows = await session.execute(
        select(Absence.staff_member_id, Absence.starts_at, Absence.ends_at)
        .where(Absence.staff_member_id.in_(list(staff_ids)), Absence.starts_at < end,
               Absence.ends_at > start)
        .order_by(Absence.staff_member_id, Absence.starts_at))
    for staff_id, starts_at, ends_at in rows:
        found[staff_id].append((starts_at, ends_at))
    return found


async def last_attended_staff(session: AsyncSession, client_id: int) -> int | None:
    """The case manager of the person's latest attended appointment: after a first interview
    every further appointment is a follow-up, with the same case manager where possible."""
    return await session.scalar(
        select(Appointment.staff_member_id)
        .where(Appointment.client_id == client_id,
               Appointment.status == AppointmentStatus.ATTENDED.value)
        .order_by(Appointment.starts_at.desc()).limit(1))


async def has_open_first_interview(session: AsyncSession, client_id: int,
                                   now: datetime) -> bool:
    return bool(await session.scalar(
        select(func.count(Appointment.id)).where(
            Appointment.client_id == client_id,
            Appointment.kind == AppointmentKind.FIRST_INTERVIEW.value,
            Appointment.status.in_(OPEN_STATUSES), Appointment.ends_at > now)))
