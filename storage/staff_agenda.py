"""A case manager's own appointments and absences, for the staff bot. Callers own the
transaction.

Every lookup by id takes the staff member too: button data can be forged, so an id that
belongs to someone else is treated exactly like one that does not exist.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.appointments import close
from storage.models import (
    OPEN_STATUSES,
    Absence,
    Appointment,
    AppointmentStatus,
    Client,
)

OUTCOMES = (AppointmentStatus.ATTENDED, AppointmentStatus.MISSED)


class NotMarkable(Exception):
    """Not open any more, or not started yet: attended/missed would rewrite or invent history."""


async def appointments_between(session: AsyncSession, staff_id: int, start: datetime,
                               end: datetime, *, open_only: bool = False,
                               ) -> list[tuple[Appointment, Client]]:
    """The member's appointments starting in [start, end), with their clients, by start."""
    query = (select(Appointment, Client).join(Client, Client.id == Appointment.client_id)
             .where(Appointment.staff_member_id == staff_id, Appointment.starts_at >= start,
                    Appointment.starts_at < end)
             .order_by(Appointment.starts_at, Appointment.id))
    if open_only:
        query = query.where(Appointment.status.in_(OPEN_STATUSES))
    return [(appointment, client) for appointment, client in await session.execute(query)]


async def open_overlapping(session: AsyncSession, staff_id: int, start: datetime,
                           end: datetime) -> list[tuple[Appointment, Client]]:
    """Open appointments of the member that overlap [start, end) (a new absence)."""
    rows = await session.execute(
        select(Appointment, Client).join(Client, Client.id == Appointment.client_id)
        .where(Appointment.staff_member_id == staff_id, Appointment.status.in_(OPEN_STATUSES),
               Appointment.starts_at < end, Appointment.ends_at > start)
        .order_by(Appointment.starts_at, Appointment.id))
    return [(appointment, client) for appointment, client in rows]


async def owned_by_staff(session: AsyncSession, appointment_id: int,
                         staff_id: int) -> Appointment | None:
    """The appointment if the member holds it; None for anyone else's (forged ids)."""
    appointment = await session.get(Appointment, appointment_id)
    if appointment is None or appointment.staff_member_id != staff_id:
        return None
    return appointment


async def mark_outcome(session: AsyncSession, appointment: Appointment,
                       outcome: AppointmentStatus, now: datetime) -> None:
    """Record that the person came (attended) or not (missed); only for an open appointment
    that has started. The time's claim is released like on a cancel: only open
    appointments hold units."""
    if outcome not in OUTCOMES:
        raise ValueError(f"not an outcome: {outcome}")
    if appointment.status not in OPEN_STATUSES or appointment.starts_at > now:
        raise NotMarkable
    if not await close(session, appointment, outcome, now):
        raise NotMarkable


async def add_absence(session: AsyncSession, staff_id: int, start: datetime, end: datetime,
                      now: datetime) -> Absence:
    if end <= start:
        raise ValueError("an absence ends after it starts")
    absence = Absence(staff_member_id=staff_id, starts_at=start, ends_at=end, created_at=now)
    session.add(absence)
    await session.flush()
    return absence


async def upcoming_absences(session: AsyncSession, staff_id: int, now: datetime,
                            limit: int = 20) -> list[Absence]:
    """The member's absences that have not ended yet, soonest first."""
    return list(await session.scalars(
        select(Absence).where(Absence.staff_member_id == staff_id, Absence.ends_at > now)
        .order_by(Absence.starts_at, Absence.id).limit(limit)))


async def delete_absence(session: AsyncSession, absence_id: int, staff_id: int) -> bool:
    """Delete the member's own absence; False for an unknown or someone else's id."""
    result = await session.execute(delete(Absence).where(Absence.id == absence_id,
                                                         Absence.staff_member_id == staff_id))
    return bool(result.rowcount)
