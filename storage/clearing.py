"""Clearing: who gets a new intake. Callers own the transaction.

In this order (the first that applies decides):
1. the person booked a first interview: its case manager, who meets them first;
2. the Kreis's rule for the town (`kimbot clearing set-rule`): a case manager; an office as a
   team, unambiguous only while exactly one active member works there; or always the queue;
3. without a rule: the town's only active case manager (role case_manager, working for the
   town by their towns or a workplace);
4. anything else goes to the coordination queue of the town's Kreis.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    OPEN_STATUSES,
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    AssignmentReason,
    CaseManagerWorkplace,
    ClearingRule,
    ClearingTarget,
    Intake,
    IntakeStatus,
    StaffMember,
    StaffRole,
)

# Who can take a case: KI teams do case management too, some registered as coordination.
CASE_ROLES = frozenset({StaffRole.CASE_MANAGER.value, StaffRole.COORDINATION.value,
                        StaffRole.ADMIN.value})


@dataclass(frozen=True)
class Decision:
    staff_member_id: int | None  # None: the coordination queue
    reason: AssignmentReason


def takes_cases(member: StaffMember | None) -> bool:
    return member is not None and member.active and member.role in CASE_ROLES


async def decide(session: AsyncSession, intake: Intake, now: datetime) -> Decision:
    booked = await first_interview_staff(session, intake.client_id, now)
    if booked is not None:
        return Decision(booked, AssignmentReason.FIRST_INTERVIEW)
    rule = await session.get(ClearingRule, intake.town) if intake.town else None
    if rule is not None:
        return await _by_rule(session, rule)
    case_managers = [member for member in await working_for_town(session, intake.town)
                     if member.role == StaffRole.CASE_MANAGER.value]
    if len(case_managers) == 1:
        return Decision(case_managers[0].id, AssignmentReason.ONLY_CASE_MANAGER)
    return Decision(None, AssignmentReason.QUEUE)


async def decide_for_person(session: AsyncSession, client_id: int, town: str | None,
                            now: datetime) -> Decision:
    """Who answers a person who writes to KIM, in the order intakes use: the case manager who
    already has them (their assigned intake, their next appointment, their last attended
    one), then the town's rule or its only case manager, then the coordination queue."""
    own = await _own_case_manager(session, client_id, now)
    if own is not None:
        return Decision(own, AssignmentReason.FIRST_INTERVIEW)
    rule = await session.get(ClearingRule, town) if town else None
    if rule is not None:
        return await _by_rule(session, rule)
    case_managers = [member for member in await working_for_town(session, town)
                     if member.role == StaffRole.CASE_MANAGER.value]
    if len(case_managers) == 1:
        return Decision(case_managers[0].id, AssignmentReason.ONLY_CASE_MANAGER)
    return Decision(None, AssignmentReason.QUEUE)


async def _own_case_manager(session: AsyncSession, client_id: int, now: datetime) -> int | None:
    assigned = await session.scalar(
        select(Intake.assigned_staff_id).where(
            Intake.client_id == client_id, Intake.status == IntakeStatus.ASSIGNED.value)
        .order_by(Intake.id.desc()).limit(1))
    upcoming = await session.scalar(
        select(Appointment.staff_member_id).where(
            Appointment.client_id == client_id, Appointment.status.in_(OPEN_STATUSES),
            Appointment.ends_at > now).order_by(Appointment.starts_at).limit(1))
    attended = await session.scalar(
        select(Appointment.staff_member_id).where(
            Appointment.client_id == client_id,
            Appointment.status == AppointmentStatus.ATTENDED.value)
        .order_by(Appointment.starts_at.desc()).limit(1))
    for staff_id in (assigned, upcoming, attended):
        if staff_id is not None and takes_cases(await session.get(StaffMember, staff_id)):
            return staff_id
    return None


async def _by_rule(session: AsyncSession, rule: ClearingRule) -> Decision:
    if rule.target == ClearingTarget.STAFF.value:
        member = await session.get(StaffMember, rule.staff_member_id)
        # A rule naming someone who left sends to the queue rather than into a void.
        if takes_cases(member):
            assert member is not None
            return Decision(member.id, AssignmentReason.RULE)
    elif rule.target == ClearingTarget.OFFICE.value:
        team = await office_team(session, rule.office_id or "")
        if len(team) == 1:
            return Decision(team[0].id, AssignmentReason.TEAM)
    return Decision(None, AssignmentReason.QUEUE)


async def first_interview_staff(session: AsyncSession, client_id: int,
                                now: datetime) -> int | None:
    """The case manager of the person's next open first interview, if they still take cases."""
    found = await session.execute(
        select(Appointment.staff_member_id).where(
            Appointment.client_id == client_id,
            Appointment.kind == AppointmentKind.FIRST_INTERVIEW.value,
            Appointment.status.in_(OPEN_STATUSES), Appointment.ends_at > now)
        .order_by(Appointment.starts_at).limit(1))
    staff_id = found.scalar()
    if staff_id is None or not takes_cases(await session.get(StaffMember, staff_id)):
        return None
    return staff_id


async def working_for_town(session: AsyncSession, town: str | None) -> list[StaffMember]:
    """Active members who take cases and work for the town: by their towns or a workplace."""
    if not town:
        return []
    members = await session.scalars(
        select(StaffMember).where(StaffMember.active.is_(True),
                                  StaffMember.role.in_(CASE_ROLES))
        .order_by(StaffMember.display_name, StaffMember.id))
    places = await session.execute(select(CaseManagerWorkplace.staff_member_id,
                                          CaseManagerWorkplace.towns))
    by_workplace = {staff_id for staff_id, towns in places if town in (towns or [])}
    return [m for m in members if town in (m.towns or []) or m.id in by_workplace]


async def office_team(session: AsyncSession, office_id: str) -> list[StaffMember]:
    """Active members who take cases and have a workplace at the office."""
    return list(await session.scalars(
        select(StaffMember)
        .join(CaseManagerWorkplace, CaseManagerWorkplace.staff_member_id == StaffMember.id)
        .where(CaseManagerWorkplace.office_id == office_id, StaffMember.active.is_(True),
               StaffMember.role.in_(CASE_ROLES))
        .order_by(StaffMember.display_name, StaffMember.id)))


@dataclass(frozen=True)
class Candidates:
    """Whom coordination can assign an intake to: those the town or its rule points at first,
    then the other case managers of the Kreis."""

    local: list[StaffMember]
    others: list[StaffMember]

    def __contains__(self, member_id: int) -> bool:
        return any(m.id == member_id for m in (*self.local, *self.others))


async def candidates(session: AsyncSession, intake: Intake) -> Candidates:
    local = await working_for_town(session, intake.town)
    rule = await session.get(ClearingRule, intake.town) if intake.town else None
    if rule is not None and rule.target == ClearingTarget.OFFICE.value:
        local += await office_team(session, rule.office_id or "")
    elif rule is not None and rule.target == ClearingTarget.STAFF.value:
        named = await session.get(StaffMember, rule.staff_member_id)
        if takes_cases(named):
            assert named is not None
            local.insert(0, named)
    local = list({m.id: m for m in local}.values())
    query = select(StaffMember).where(StaffMember.active.is_(True),
                                      StaffMember.role == StaffRole.CASE_MANAGER.value)
    if intake.region_id is not None:
        query = query.where(or_(StaffMember.region_id == intake.region_id,
                                StaffMember.region_id.is_(None)))
    seen = {m.id for m in local}
    others = [m for m in await session.scalars(
        query.order_by(StaffMember.display_name, StaffMember.id)) if m.id not in seen]
    return Candidates(local, others)


# --- rules -------------------------------------------------------------------------------

async def set_rule(session: AsyncSession, *, town_id: str, region_id: str,
                   target: ClearingTarget, now: datetime, staff_member_id: int | None = None,
                   office_id: str | None = None) -> ClearingRule:
    """Create or replace the town's rule."""
    rule = await session.get(ClearingRule, town_id)
    if rule is None:
        rule = ClearingRule(town_id=town_id)
        session.add(rule)
    rule.region_id, rule.target, rule.updated_at = region_id, target.value, now
    rule.staff_member_id = staff_member_id if target is ClearingTarget.STAFF else None
    rule.office_id = office_id if target is ClearingTarget.OFFICE else None
    await session.flush()
    return rule


async def remove_rule(session: AsyncSession, town_id: str) -> bool:
    result = await session.execute(delete(ClearingRule).where(ClearingRule.town_id == town_id))
    return bool(result.rowcount)


async def rules(session: AsyncSession, region_id: str | None = None) -> list[ClearingRule]:
    query = select(ClearingRule).order_by(ClearingRule.region_id, ClearingRule.town_id)
    if region_id is not None:
        query = query.where(ClearingRule.region_id == region_id)
    return list(await session.scalars(query))
