"""Intakes: a person's draft, its submission, assignment and withdrawal, and the lists staff
see. Callers own the transaction.

Also the read functions the digests use (`topics_for_clients`, `waiting_for_clearing`,
`assigned_since`); they return plain rows, never the answers a digest has no business with.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Intake, IntakeAssignment, IntakeSource, IntakeStatus

SENT_STATUSES = (IntakeStatus.SUBMITTED.value, IntakeStatus.QUEUED.value,
                 IntakeStatus.ASSIGNED.value)
# Every answer column: cleared when the person withdraws, so only the bare record stays.
ANSWER_FIELDS = ("town", "topics", "household", "children", "age_group", "languages",
                 "german_level", "interpreter", "services", "services_helping", "letter",
                 "letter_deadline", "contact", "phone", "residence", "note", "note_language",
                 "referral_reasons", "legal_areas", "prefilled")


@dataclass(frozen=True)
class IntakeRow:
    """What a list or a digest shows of an intake: no answers beyond town and topics."""

    id: int
    client_id: int
    town: str | None
    region_id: str | None
    status: str
    submitted_at: datetime | None
    assigned_staff_id: int | None
    assigned_at: datetime | None
    topics: list[str]
    letter_deadline: date | None
    source: str = IntakeSource.CLIENT.value


def row(intake: Intake) -> IntakeRow:
    return IntakeRow(intake.id, intake.client_id, intake.town, intake.region_id, intake.status,
                     intake.submitted_at, intake.assigned_staff_id, intake.assigned_at,
                     list(intake.topics or []),
                     intake.letter_deadline if intake.letter == "yes" else None,
                     intake.source)


# --- the person's side -------------------------------------------------------------------

async def active_for_client(session: AsyncSession, client_id: int) -> Intake | None:
    """The person's own draft or sent intake; None if they have none (or withdrew it).
    Referrals by others are not theirs to edit here."""
    return await session.scalar(select(Intake).where(
        Intake.client_id == client_id, Intake.status != IntakeStatus.WITHDRAWN.value,
        Intake.source == IntakeSource.CLIENT.value))


async def referrals_for_client(session: AsyncSession, client_id: int) -> list[Intake]:
    """Referrals and hand-overs about the person that are still open, oldest first."""
    return list(await session.scalars(select(Intake).where(
        Intake.client_id == client_id, Intake.source != IntakeSource.CLIENT.value,
        Intake.status.in_(SENT_STATUSES)).order_by(Intake.submitted_at, Intake.id)))


async def start_draft(session: AsyncSession, client_id: int, now: datetime) -> Intake:
    """The person's active intake, or a new draft. The database allows one active intake per
    person, so of two instances starting one at once, the second gets the first one's."""
    found = await active_for_client(session, client_id)
    if found is not None:
        return found
    draft = Intake(client_id=client_id, status=IntakeStatus.DRAFT.value, created_at=now,
                   updated_at=now)
    try:
        async with session.begin_nested():
            session.add(draft)
            await session.flush()
    except IntegrityError:
        found = await active_for_client(session, client_id)
        if found is None:
            raise
        return found
    return draft


async def own_draft(session: AsyncSession, intake_id: object, client_id: int) -> Intake | None:
    """The draft named by conversation data, if it is still this person's draft."""
    if not isinstance(intake_id, int):
        return None
    intake = await session.get(Intake, intake_id)
    if intake is None or intake.client_id != client_id \
            or intake.status != IntakeStatus.DRAFT.value:
        return None
    return intake


def submit(intake: Intake, region_id: str | None, now: datetime) -> None:
    intake.status = IntakeStatus.SUBMITTED.value
    intake.region_id = region_id
    intake.submitted_at = intake.updated_at = now


def withdraw(intake: Intake, now: datetime) -> None:
    """Withdrawn by the person: the answers go, the record of the clearing stays (no content)."""
    for name in ANSWER_FIELDS:
        setattr(intake, name, None)
    intake.status = IntakeStatus.WITHDRAWN.value
    intake.updated_at = now


# --- clearing ----------------------------------------------------------------------------

def record_assignment(session: AsyncSession, intake: Intake, to_staff_id: int | None,
                      by_staff_id: int | None, reason: str, now: datetime) -> IntakeAssignment:
    """Give the intake to a case manager (or, with None, to the coordination queue) and log
    who did it and why."""
    entry = IntakeAssignment(intake_id=intake.id, at=now, from_staff_id=intake.assigned_staff_id,
                             to_staff_id=to_staff_id, by_staff_id=by_staff_id, reason=reason)
    session.add(entry)
    intake.assigned_staff_id = to_staff_id
    intake.assigned_at = now if to_staff_id is not None else None
    intake.status = (IntakeStatus.ASSIGNED if to_staff_id is not None
                     else IntakeStatus.QUEUED).value
    intake.updated_at = now
    return entry


async def history(session: AsyncSession, intake_id: int) -> list[IntakeAssignment]:
    return list(await session.scalars(
        select(IntakeAssignment).where(IntakeAssignment.intake_id == intake_id)
        .order_by(IntakeAssignment.at, IntakeAssignment.id)))


async def sent(session: AsyncSession, intake_id: int) -> Intake | None:
    """A sent intake (queued or assigned) by id, else None: drafts and withdrawn ones are
    nobody's to open on the staff side."""
    intake = await session.get(Intake, intake_id)
    if intake is None or intake.status not in SENT_STATUSES:
        return None
    return intake


async def queue(session: AsyncSession, region_id: str | None) -> list[Intake]:
    """Intakes waiting for coordination, oldest first; `region_id` None: every Kreis."""
    query = select(Intake).where(Intake.status == IntakeStatus.QUEUED.value)
    if region_id is not None:
        query = query.where(Intake.region_id == region_id)
    return list(await session.scalars(query.order_by(Intake.submitted_at, Intake.id)))


async def assigned_to(session: AsyncSession, staff_member_id: int) -> list[Intake]:
    """The intakes a case manager has now, newest assignment first."""
    return list(await session.scalars(
        select(Intake).where(Intake.assigned_staff_id == staff_member_id,
                             Intake.status == IntakeStatus.ASSIGNED.value)
        .order_by(Intake.assigned_at.desc(), Intake.id.desc())))


async def assigned_in_region(session: AsyncSession, region_id: str | None,
                             limit: int) -> list[Intake]:
    """The Kreis's most recently assigned intakes, for coordination to reassign."""
    query = select(Intake).where(Intake.status == IntakeStatus.ASSIGNED.value)
    if region_id is not None:
        query = query.where(Intake.region_id == region_id)
    return list(await session.scalars(
        query.order_by(Intake.assigned_at.desc(), Intake.id.desc()).limit(limit)))


async def open_counts(session: AsyncSession, staff_ids: Iterable[int]) -> dict[int, int]:
    """How many intakes each member has assigned now."""
    ids = list(staff_ids)
    counts = dict.fromkeys(ids, 0)
    if not ids:
        return counts
    found = await session.execute(
        select(Intake.assigned_staff_id, func.count(Intake.id))
        .where(Intake.assigned_staff_id.in_(ids), Intake.status == IntakeStatus.ASSIGNED.value)
        .group_by(Intake.assigned_staff_id))
    counts.update({staff_id: count for staff_id, count in found})
    return counts


# --- for the digests ---------------------------------------------------------------------

async def topics_for_clients(session: AsyncSession,
                             client_ids: Iterable[int]) -> dict[int, list[str]]:
    """Topic codes of each client's sent intakes (queued or assigned: their own and referrals
    by others), in the order first named. Clients without one are left out."""
    ids = list(set(client_ids))
    if not ids:
        return {}
    found = await session.execute(
        select(Intake.client_id, Intake.topics, Intake.submitted_at)
        .where(Intake.client_id.in_(ids), Intake.status.in_(SENT_STATUSES))
        .order_by(Intake.submitted_at))
    merged: dict[int, list[str]] = {}
    for client_id, topics, _ in found:
        known = merged.setdefault(client_id, [])
        known.extend(code for code in topics or [] if code not in known)
    return merged


async def waiting_for_clearing(session: AsyncSession, region_id: str | None) -> list[IntakeRow]:
    """Intakes in the coordination queue of a Kreis (None: every Kreis), oldest first."""
    return [row(intake) for intake in await queue(session, region_id)]


async def assigned_since(session: AsyncSession, staff_member_id: int,
                         since: datetime | None) -> list[IntakeRow]:
    """Intakes assigned to the member now whose assignment is at or after `since` (None: all),
    oldest assignment first."""
    query = select(Intake).where(Intake.assigned_staff_id == staff_member_id,
                                 Intake.status == IntakeStatus.ASSIGNED.value)
    if since is not None:
        query = query.where(Intake.assigned_at >= since)
    return [row(intake) for intake in
            await session.scalars(query.order_by(Intake.assigned_at, Intake.id))]
