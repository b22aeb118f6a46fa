"""Setting the Kreis's clearing rules, for `kimbot clearing`. Every check runs before anything
is written; a problem raises SetupError with a clear message.

A rule maps one town to one case manager (by Telegram id), to an office as a team (the case
managers with a workplace there), or to the coordination queue. `describe` shows, town by town,
where a new intake would go today, rule or not (storage.clearing explains the order).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.appointments.setup import SetupError
from storage import clearing
from storage.models import (
    CatalogueOffice,
    CatalogueTown,
    ClearingRule,
    ClearingTarget,
    StaffMember,
    StaffRole,
)
from storage.repositories import Staff


async def set_rule(session: AsyncSession, *, town_id: str, now: datetime,
                   staff_telegram_id: int | None = None, office_id: str | None = None,
                   queue: bool = False) -> str:
    """Create or replace the town's rule; returns a line describing it."""
    if sum((staff_telegram_id is not None, office_id is not None, queue)) != 1:
        raise SetupError("give exactly one of --staff-telegram-id, --office, --queue")
    town = await session.get(CatalogueTown, town_id)
    if town is None:
        raise SetupError(f"unknown town {town_id!r}: import the catalogue first "
                         "(kimbot offices import)")
    if staff_telegram_id is not None:
        member = await Staff(session).by_telegram_id(staff_telegram_id)
        if member is None:
            raise SetupError(f"no staff member with Telegram id {staff_telegram_id}")
        if not clearing.takes_cases(member):
            raise SetupError(f"{member.display_name} does not take cases (role {member.role}, "
                             f"{'active' if member.active else 'deactivated'})")
        await clearing.set_rule(session, town_id=town.id, region_id=town.region_id,
                                target=ClearingTarget.STAFF, now=now,
                                staff_member_id=member.id)
        return f"{town.name}: new intakes go to {member.display_name}."
    if office_id is not None:
        office = await session.get(CatalogueOffice, office_id)
        if office is None or office.region_id != town.region_id:
            raise SetupError(f"unknown office {office_id!r} in the Kreis of {town.name}")
        await clearing.set_rule(session, town_id=town.id, region_id=town.region_id,
                                target=ClearingTarget.OFFICE, now=now, office_id=office_id)
        team = await clearing.office_team(session, office_id)
        return (f"{town.name}: new intakes go to the team of {office_id} "
                f"({_team_effect(len(team))}).")
    await clearing.set_rule(session, town_id=town.id, region_id=town.region_id,
                            target=ClearingTarget.QUEUE, now=now)
    return f"{town.name}: new intakes always wait for coordination."


def _team_effect(size: int) -> str:
    if size == 1:
        return "1 member: assigned directly"
    return f"{size} members: the coordination queue decides, the team listed first"


async def remove_rule(session: AsyncSession, town_id: str) -> str:
    if not await clearing.remove_rule(session, town_id):
        raise SetupError(f"no clearing rule for {town_id!r}")
    return f"Rule for {town_id} removed; the town's case managers decide again."


async def describe(session: AsyncSession, region_id: str | None = None) -> list[str]:
    """One line per town of the catalogue: its rule, or what happens without one."""
    towns = select(CatalogueTown).order_by(CatalogueTown.region_id, CatalogueTown.position)
    if region_id is not None:
        towns = towns.where(CatalogueTown.region_id == region_id)
    rules = {rule.town_id: rule for rule in await clearing.rules(session, region_id)}
    lines = []
    for town in await session.scalars(towns):
        lines.append(f"{town.region_id}/{town.id}: {await _effect(session, town.id, rules)}")
    return lines


async def _effect(session: AsyncSession, town_id: str, rules: dict[str, ClearingRule]) -> str:
    rule = rules.get(town_id)
    if rule is not None and rule.target == ClearingTarget.STAFF.value:
        member = await session.get(StaffMember, rule.staff_member_id)
        name = member.display_name if member else "?"
        state = "" if clearing.takes_cases(member) else " (inactive: queue)"
        return f"rule -> {name}{state}"
    if rule is not None and rule.target == ClearingTarget.OFFICE.value:
        team = await clearing.office_team(session, rule.office_id or "")
        return f"rule -> team {rule.office_id} ({_team_effect(len(team))})"
    if rule is not None:
        return "rule -> coordination queue"
    case_managers = [m.display_name for m in await clearing.working_for_town(session, town_id)
                     if m.role == StaffRole.CASE_MANAGER.value]
    if len(case_managers) == 1:
        return f"no rule -> its only case manager {case_managers[0]}"
    return f"no rule -> coordination queue ({len(case_managers)} case managers)"
