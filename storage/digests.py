"""What the working-day digests read, and the mark that makes each one go out once a day.
Callers own the transaction.

Three functions at the end read the intakes (storage/intakes.py) in the shape the digests
show; referrals by volunteers and partner services are intakes too, marked by their source.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import intakes
from storage.models import (
    OPEN_STATUSES,
    Absence,
    Appointment,
    AppointmentStatus,
    CaseManagerWorkplace,
    Client,
    IntakeSource,
    Referral,
    StaffMember,
    StaffRole,
)

# Who gets a digest at all: the roles that see appointments (access.APPOINTMENT_ROLES).
DIGEST_ROLES = (StaffRole.CASE_MANAGER.value, StaffRole.COORDINATION.value,
                StaffRole.ADMIN.value)


def _not_yet_since(day_start: datetime) -> ColumnElement[bool]:
    return or_(StaffMember.last_digest_at.is_(None), StaffMember.last_digest_at < day_start)


async def members_without_digest(session: AsyncSession, day_start: datetime,
                                 off: str) -> list[StaffMember]:
    """Active members with a chat whose digest of the day starting at `day_start` has not been
    written, and who have not switched it off (`off`); whether it is due yet is theirs to say."""
    return list(await session.scalars(
        select(StaffMember)
        .where(StaffMember.active.is_(True), StaffMember.telegram_id.is_not(None),
               StaffMember.role.in_(DIGEST_ROLES), _not_yet_since(day_start),
               or_(StaffMember.digest_time.is_(None), StaffMember.digest_time != off))
        .order_by(StaffMember.id)))


async def claim_digest(session: AsyncSession, member_id: int, day_start: datetime,
                       now: datetime) -> bool:
    """Mark today's digest as written; False if someone (another instance) already did.

    A conditional UPDATE: of two instances claiming the same member at once, the database lets
    one match the row; the other's condition no longer holds and it writes nothing.
    """
    result = await session.execute(
        update(StaffMember).where(StaffMember.id == member_id, _not_yet_since(day_start))
        .values(last_digest_at=now).execution_options(synchronize_session=False))
    return bool(result.rowcount)


async def set_digest_time(session: AsyncSession, member: StaffMember, value: str | None) -> None:
    member.digest_time = value
    await session.flush()


async def takes_appointments(session: AsyncSession, member_id: int) -> bool:
    """Has a workplace: coordination and admin who also do case management."""
    return bool(await session.scalar(select(exists().where(
        CaseManagerWorkplace.staff_member_id == member_id))))


async def absent_all_day(session: AsyncSession, member_id: int, start: datetime,
                         end: datetime) -> bool:
    """An absence covers all of [start, end): leave or illness, no digest that day."""
    return bool(await session.scalar(select(exists().where(
        Absence.staff_member_id == member_id, Absence.starts_at <= start,
        Absence.ends_at >= end))))


async def cancelled_between(session: AsyncSession, member_id: int, since: datetime,
                            until: datetime, starting_from: datetime,
                            ) -> list[tuple[Appointment, Client]]:
    """The member's appointments cancelled in [since, until) that would have started at or
    after `starting_from` (a cancelled past appointment changes nobody's plans), by start."""
    rows = await session.execute(
        select(Appointment, Client).join(Client, Client.id == Appointment.client_id)
        .where(Appointment.staff_member_id == member_id,
               Appointment.status == AppointmentStatus.CANCELLED.value,
               Appointment.updated_at >= since, Appointment.updated_at < until,
               Appointment.starts_at >= starting_from)
        .order_by(Appointment.starts_at, Appointment.id))
    return [(appointment, client) for appointment, client in rows]


async def missed_between(session: AsyncSession, member_id: int, since: datetime,
                         until: datetime) -> list[tuple[Appointment, Client]]:
    """The member's appointments marked missed in [since, until), by start: the person got a
    kind message with a button to book again (or has no chat and may be phoned)."""
    rows = await session.execute(
        select(Appointment, Client).join(Client, Client.id == Appointment.client_id)
        .where(Appointment.staff_member_id == member_id,
               Appointment.status == AppointmentStatus.MISSED.value,
               Appointment.updated_at >= since, Appointment.updated_at < until)
        .order_by(Appointment.starts_at, Appointment.id))
    return [(appointment, client) for appointment, client in rows]


async def booked_between(session: AsyncSession, member_id: int, since: datetime,
                         until: datetime, starting_from: datetime,
                         ) -> list[tuple[Appointment, Client]]:
    """The member's appointments booked in [since, until), still open, starting at or after
    `starting_from`, by start."""
    rows = await session.execute(
        select(Appointment, Client).join(Client, Client.id == Appointment.client_id)
        .where(Appointment.staff_member_id == member_id,
               Appointment.status.in_(OPEN_STATUSES),
               Appointment.created_at >= since, Appointment.created_at < until,
               Appointment.starts_at >= starting_from)
        .order_by(Appointment.starts_at, Appointment.id))
    return [(appointment, client) for appointment, client in rows]


async def unreachable_between(session: AsyncSession, member_id: int, since: datetime,
                              until: datetime) -> list[tuple[Client, Appointment | None]]:
    """People with an appointment (of any time) with the member who blocked the bot in
    [since, until), each with their next open appointment with the member, if any; in the
    order they became unreachable."""
    clients = list(await session.scalars(
        select(Client)
        .where(Client.unreachable_at >= since, Client.unreachable_at < until,
               exists().where(Appointment.client_id == Client.id,
                              Appointment.staff_member_id == member_id))
        .order_by(Client.unreachable_at, Client.id)))
    if not clients:
        return []
    upcoming: dict[int, Appointment] = {}
    for appointment in await session.scalars(
            select(Appointment)
            .where(Appointment.client_id.in_([c.id for c in clients]),
                   Appointment.staff_member_id == member_id,
                   Appointment.status.in_(OPEN_STATUSES), Appointment.ends_at > until)
            .order_by(Appointment.starts_at.desc())):
        upcoming[appointment.client_id] = appointment  # descending: the soonest stays
    return [(client, upcoming.get(client.id)) for client in clients]


# --- what the intakes add: topics, assigned cases, the clearing queue ----------------------

@dataclass(frozen=True)
class AssignedCase:
    """A person coordination assigned to the case manager (clearing, weekly team meeting)."""

    client_id: int
    name: str | None  # alias or first name; None shows as "Person Nr. <client_id>"
    town: str | None  # catalogue town id
    assigned_at: datetime


@dataclass(frozen=True)
class WaitingCase:
    """An intake or a referral that coordination has not cleared yet."""

    kind: str  # "intake" (the person wrote in) or "referral" (a volunteer or partner sent them)
    client_id: int | None
    name: str | None
    town: str | None
    waiting_since: datetime
    referred_by: str | None = None  # the referring service or volunteer, for referrals


async def topics_for_clients(session: AsyncSession,
                             client_ids: Iterable[int]) -> dict[int, list[str]]:
    """Topic codes each person named in their sent intake."""
    return await intakes.topics_for_clients(session, client_ids)


async def assigned_since(session: AsyncSession, staff_member_id: int,
                         since: datetime) -> list[AssignedCase]:
    """Intakes assigned to the member since `since`, oldest first, with the person's name."""
    rows = await intakes.assigned_since(session, staff_member_id, since)
    names = await _names(session, [row.client_id for row in rows])
    return [AssignedCase(row.client_id, names.get(row.client_id), row.town,
                         row.assigned_at or since) for row in rows]


async def waiting_for_clearing(session: AsyncSession,
                               region_id: str | None) -> list[WaitingCase]:
    """Intakes and referrals of the Kreis still waiting for clearing, longest waiting first
    (all Kreise for a member without one)."""
    rows = await intakes.waiting_for_clearing(session, region_id)
    names = await _names(session, [row.client_id for row in rows])
    referrers = await _referrers(session, [row.id for row in rows
                                           if row.source != IntakeSource.CLIENT.value])
    return [WaitingCase("intake" if row.source == IntakeSource.CLIENT.value else "referral",
                        row.client_id, names.get(row.client_id), row.town,
                        row.submitted_at or datetime.min.replace(tzinfo=UTC),
                        referrers.get(row.id))
            for row in rows]


async def _referrers(session: AsyncSession, intake_ids: list[int]) -> dict[int, str]:
    """Who referred each intake: the referring volunteer's or service's display name."""
    if not intake_ids:
        return {}
    rows = await session.execute(
        select(Referral.intake_id, StaffMember.display_name)
        .join(StaffMember, StaffMember.id == Referral.referred_by_staff_id)
        .where(Referral.intake_id.in_(intake_ids)))
    return {intake_id: name for intake_id, name in rows if intake_id is not None}


async def _names(session: AsyncSession, client_ids: list[int]) -> dict[int, str | None]:
    if not client_ids:
        return {}
    rows = await session.execute(select(Client.id, Client.alias)
                                 .where(Client.id.in_(client_ids)))
    return {client_id: alias for client_id, alias in rows}
