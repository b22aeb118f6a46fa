"""Gathers what one member's digest shows. The scheduled digest (scheduler/digests.py) and
/digest (command.py) both call `compose`, so the two never differ.

Which parts a member gets: case managers the case manager part; coordination the clearing
part, and the case manager part too if they take appointments themselves (a workplace), like
an admin who does case management. /digest always shows something: an admin without a
workplace sees the (empty) case manager part.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.flows.staff.digest.schedule import opens_the_week
from bot.flows.staff.digest.text import (
    Booking,
    CaseManagerDigest,
    CoordinationDigest,
    case_manager_blocks,
    coordination_blocks,
    messages_block,
    pack,
)
from bot.flows.staff.local_days import day_bounds, local_date
from bot.flows.staff.towns import town_names
from bot.talk.days import ANSWER_WITHIN, working_days_back
from storage import digests as store
from storage import kim_messages, undelivered
from storage.models import AppointmentStatus, StaffMember, StaffRole
from storage.staff_agenda import appointments_between

# The first digest ever looks back this far for cancellations and new bookings.
FIRST_LOOKBACK = timedelta(hours=24)


@dataclass(frozen=True)
class Digest:
    messages: list[str]
    client_ids: frozenset[int]  # everyone shown, for the access log


def since_of(member: StaffMember, now: datetime) -> datetime:
    """Where "new since the last digest" starts."""
    return member.last_digest_at or now - FIRST_LOOKBACK


async def gets_scheduled(session: AsyncSession, member: StaffMember) -> bool:
    """Whether the scheduled digest has anything for the member's role."""
    return (member.role in (StaffRole.CASE_MANAGER.value, StaffRole.COORDINATION.value)
            or await store.takes_appointments(session, member.id))


async def compose(session: AsyncSession, member: StaffMember, *, since: datetime,
                  now: datetime, timezone: str, on_demand: bool) -> Digest:
    """The member's digest of the local day of `now`; no messages if nothing applies to them
    (only possible when not `on_demand`)."""
    day = local_date(now, timezone)
    coordination = member.role == StaffRole.COORDINATION.value
    appointments = (member.role == StaffRole.CASE_MANAGER.value
                    or await store.takes_appointments(session, member.id)
                    or (on_demand and not coordination))
    blocks: list[str] = []
    shown: set[int] = set()
    if appointments:
        content = await _case_manager_part(session, member, day, since, now, timezone)
        blocks += case_manager_blocks(content, timezone)
        shown |= _client_ids(content)
    if coordination:
        waiting = await _coordination_part(session, member, day, since)
        blocks += coordination_blocks(waiting, timezone)
        shown |= {case.client_id for case in waiting.waiting if case.client_id is not None}
    blocks += await _messages_part(session, member, day, timezone, coordination)
    return Digest(pack(blocks), frozenset(shown))


async def _messages_part(session: AsyncSession, member: StaffMember, day: date, timezone: str,
                         coordination: bool) -> list[str]:
    """Conversations whose oldest unanswered message is more than two working days old."""
    cutoff = day_bounds(working_days_back(day, ANSWER_WITHIN), timezone)[0]
    own = await kim_messages.waiting_longer_than(session, member.id, None, cutoff)
    queue = (await kim_messages.waiting_longer_than(session, None, member.region_id, cutoff)
             if coordination else 0)
    return [messages_block(own, queue)] if own or queue else []


async def _case_manager_part(session: AsyncSession, member: StaffMember, day: date,
                             since: datetime, now: datetime,
                             timezone: str) -> CaseManagerDigest:
    start, end = day_bounds(day, timezone)
    today = [(a, c) for a, c in await appointments_between(session, member.id, start, end)
             if a.status != AppointmentStatus.CANCELLED.value]
    booked = await store.booked_between(session, member.id, since, now, start)
    assigned = await store.assigned_since(session, member.id, since)
    return CaseManagerDigest(
        day=day, since=since, today=today,
        cancelled=await store.cancelled_between(session, member.id, since, now, start),
        missed=await store.missed_between(session, member.id, since, now),
        # Today's new bookings are marked in the day's list instead of repeated here.
        booked=[(a, c) for a, c in booked if a.starts_at >= end],
        new_ids={a.id for a, _ in booked if a.starts_at < end},
        unreachable=await store.unreachable_between(session, member.id, since, now),
        assigned=assigned,
        topics=await store.topics_for_clients(session, sorted({c.id for _, c in today})),
        week=await _rest_of_week(session, member, day, timezone) if opens_the_week(day)
        else None,
        town_names=await town_names(session, (case.town for case in assigned)))


async def _rest_of_week(session: AsyncSession, member: StaffMember, day: date,
                        timezone: str) -> list[tuple[date, list[Booking]]]:
    """The open appointments of the days after `day` up to Sunday, grouped by day."""
    days = [day + timedelta(days=n) for n in range(1, 7 - day.weekday())]
    if not days:
        return []
    start, end = day_bounds(days[0], timezone)[0], day_bounds(days[-1], timezone)[1]
    by_day: dict[date, list[Booking]] = defaultdict(list)
    for appointment, client in await appointments_between(session, member.id, start, end,
                                                          open_only=True):
        by_day[local_date(appointment.starts_at, timezone)].append((appointment, client))
    return [(d, by_day[d]) for d in days]


async def _coordination_part(session: AsyncSession, member: StaffMember, day: date,
                             since: datetime) -> CoordinationDigest:
    waiting = await store.waiting_for_clearing(session, member.region_id)
    refused = await undelivered.since(session, since, bot="staff", region_id=member.region_id)
    return CoordinationDigest(day=day, since=since, waiting=waiting,
                              town_names=await town_names(session,
                                                          (case.town for case in waiting)),
                              refused=refused)


def _client_ids(content: CaseManagerDigest) -> set[int]:
    ids = {c.id for _, c in content.today} | {c.id for _, c in content.cancelled}
    ids |= {c.id for _, c in content.missed}
    ids |= {c.id for _, c in content.booked} | {c.id for c, _ in content.unreachable}
    ids |= {case.client_id for case in content.assigned}
    for _, bookings in content.week or []:
        ids |= {c.id for _, c in bookings}
    return ids
