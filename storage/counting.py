"""Anonymous counts of case managers' work: Kurzberatungen and KIM case management cases.
No row here points at a client. Callers own the transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import CaseManagerWorkplace, CmCase, ShortConsultation, StaffMember


async def default_town(session: AsyncSession, member: StaffMember) -> str | None:
    """The member's first town; failing that, the first town of their first workplace."""
    towns = await member_towns(session, member)
    return towns[0] if towns else None


async def member_towns(session: AsyncSession, member: StaffMember) -> list[str]:
    """The towns a member works for, default first: their own list if they have one, else
    the towns of their workplaces in the order they were set up."""
    if member.towns:
        return list(member.towns)
    found = await session.scalars(
        select(CaseManagerWorkplace.towns)
        .where(CaseManagerWorkplace.staff_member_id == member.id)
        .order_by(CaseManagerWorkplace.id))
    return list(dict.fromkeys(town for towns in found for town in towns or ()))


async def add_short_consultation(session: AsyncSession, member: StaffMember, town: str | None,
                                 topics: tuple[str, ...], channel: str, language: str | None,
                                 now: datetime) -> ShortConsultation:
    entry = ShortConsultation(staff_member_id=member.id, town=town, topic=topics[0],
                              second_topic=topics[1] if len(topics) > 1 else None,
                              channel=channel, language=language, created_at=now)
    session.add(entry)
    await session.flush()
    return entry


async def own_short_consultation(session: AsyncSession, entry_id: int,
                                 member: StaffMember) -> ShortConsultation | None:
    return await session.scalar(select(ShortConsultation).where(
        ShortConsultation.id == entry_id, ShortConsultation.staff_member_id == member.id))


async def delete_short_consultation(session: AsyncSession, entry_id: int, member: StaffMember,
                                    not_before: datetime) -> bool:
    """Delete the member's own entry if it was made at or after `not_before`."""
    result = await session.execute(delete(ShortConsultation).where(
        ShortConsultation.id == entry_id, ShortConsultation.staff_member_id == member.id,
        ShortConsultation.created_at >= not_before))
    return bool(result.rowcount)


async def open_case(session: AsyncSession, member: StaffMember, town: str | None,
                    now: datetime) -> CmCase:
    case = CmCase(staff_member_id=member.id, town=town, opened_at=now)
    session.add(case)
    await session.flush()
    return case


async def open_cases(session: AsyncSession, member: StaffMember) -> list[CmCase]:
    return list(await session.scalars(
        select(CmCase).where(CmCase.staff_member_id == member.id, CmCase.closed_at.is_(None))
        .order_by(CmCase.opened_at, CmCase.id)))


async def close_case(session: AsyncSession, case_id: int, member: StaffMember, reason: str,
                     now: datetime) -> bool:
    """Close the member's own open case; False if it is not theirs or already closed."""
    result = await session.execute(
        update(CmCase)
        .where(CmCase.id == case_id, CmCase.staff_member_id == member.id,
               CmCase.closed_at.is_(None))
        .values(closed_at=now, close_reason=reason)
        .execution_options(synchronize_session=False))
    return bool(result.rowcount)
