"""Monthly figures per case manager and per town, from the anonymous counts and the
appointment outcomes. Read only; callers own the transaction.

Definitions (DOMAIN.md): the caseload is the CM cases running in the month plus the month's
Kurzberatungen; the CM share is the running CM cases as a share of that caseload.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    AppointmentOutcome,
    AppointmentStatus,
    CmCase,
    ShortConsultation,
    StaffMember,
)


@dataclass
class Figures:
    short: int = 0
    by_topic: Counter[str] = field(default_factory=Counter)
    by_channel: Counter[str] = field(default_factory=Counter)
    cases_running: int = 0  # open at any time in the month
    cases_new: int = 0
    cases_closed: int = 0
    cases_open_at_end: int = 0
    kept: int = 0
    missed: int = 0

    @property
    def caseload(self) -> int:
        return self.cases_running + self.short

    @property
    def cm_share(self) -> float | None:
        return self.cases_running / self.caseload if self.caseload else None


@dataclass(frozen=True)
class MonthStats:
    per_member: dict[int, Figures]
    per_town: dict[str, Figures]  # "" for entries without a town
    total: Figures
    # Kurzberatungen and CM cases of one member in one town (the export's rows). Appointments
    # are not in here: they carry an office, not a town, so they count per member only.
    per_member_town: dict[tuple[int, str], Figures] = field(default_factory=dict)


async def month_stats(session: AsyncSession, members: Sequence[StaffMember], start: datetime,
                      end: datetime) -> MonthStats:
    ids = [m.id for m in members]
    per_member = {member_id: Figures() for member_id in ids}
    per_town: dict[str, Figures] = {}
    per_member_town: dict[tuple[int, str], Figures] = {}
    total = Figures()

    def targets(member_id: int, town: str | None) -> tuple[Figures, ...]:
        return (per_member[member_id], per_town.setdefault(town or "", Figures()),
                per_member_town.setdefault((member_id, town or ""), Figures()), total)

    shorts = await session.execute(
        select(ShortConsultation.staff_member_id, ShortConsultation.town, ShortConsultation.topic,
               ShortConsultation.second_topic, ShortConsultation.channel)
        .where(ShortConsultation.staff_member_id.in_(ids),
               ShortConsultation.created_at >= start, ShortConsultation.created_at < end))
    for member_id, town, topic, second, channel in shorts:
        for figures in targets(member_id, town):
            figures.short += 1
            figures.by_topic[topic] += 1
            if second:
                figures.by_topic[second] += 1
            figures.by_channel[channel] += 1

    cases = await session.execute(
        select(CmCase.staff_member_id, CmCase.town, CmCase.opened_at, CmCase.closed_at)
        .where(CmCase.staff_member_id.in_(ids), CmCase.opened_at < end,
               or_(CmCase.closed_at.is_(None), CmCase.closed_at >= start)))
    for member_id, town, opened_at, closed_at in cases:
        for figures in targets(member_id, town):
            figures.cases_running += 1
            figures.cases_new += int(opened_at >= start)
            figures.cases_closed += int(closed_at is not None and closed_at < end)
            figures.cases_open_at_end += int(closed_at is None or closed_at >= end)

    # The anonymous outcome rows, not the appointments: they stay when a person is erased.
    outcomes = await session.execute(
        select(AppointmentOutcome.staff_member_id, AppointmentOutcome.outcome)
        .where(AppointmentOutcome.staff_member_id.in_(ids),
               AppointmentOutcome.starts_at >= start, AppointmentOutcome.starts_at < end))
    for member_id, outcome in outcomes:
        for figures in (per_member[member_id], total):
            if outcome == AppointmentStatus.ATTENDED.value:
                figures.kept += 1
            else:
                figures.missed += 1
    return MonthStats(per_member, per_town, total, per_member_town)


async def counting_members(session: AsyncSession, region_id: str | None,
                           roles: frozenset[str]) -> list[StaffMember]:
    """Members whose figures coordination sees: of the Kreis (all if None), in `roles`,
    deactivated ones included (their month still counts)."""
    query = select(StaffMember).where(StaffMember.role.in_(roles))
    if region_id is not None:
        query = query.where(StaffMember.region_id == region_id)
    return list(await session.scalars(query.order_by(StaffMember.display_name, StaffMember.id)))
