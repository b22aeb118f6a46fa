"""The working-day digests: a job the scheduler runs every minute.

What is due lives in the database: a member's digest of today is due once their local digest
time has passed and `last_digest_at` is still before today. Writing it into the outbox and
moving `last_digest_at` happen in one transaction behind a conditional UPDATE, so a digest is
written once however many instances run, and a process that was down at 07:30 writes it when
it comes back that day. Yesterday's is never sent late: only today's is ever due, and its
outbox row may not be sent after today (`not_after`).
"""

from __future__ import annotations

import logging
from datetime import datetime
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession

from bot.flows.events import BotKind
from bot.flows.staff.digest.content import compose, since_of
from bot.flows.staff.digest.schedule import OFF, due_moment, is_working_day
from bot.flows.staff.local_days import day_bounds, local_date
from scheduler.clock import Clock
from scheduler.one_by_one import each_alone
from storage import audit, outbox
from storage.db import Database
from storage.digests import absent_all_day, claim_digest, members_without_digest
from storage.models import StaffMember

log = logging.getLogger(__name__)
ACCESS_ACTION = "digest"


async def send_due_digests(db: Database, clock: Clock, timezone: str) -> int:
    """Write every digest that is due now; returns how many members got one."""
    now = clock.now()
    day = local_date(now, timezone)
    if not is_working_day(day):
        return 0
    day_start, _ = day_bounds(day, timezone)
    async with db.transaction() as session:
        waiting = await members_without_digest(session, day_start, OFF)
        due = [member.id for member in waiting
               if (moment := due_moment(member, day, timezone)) is not None and moment <= now]
    written = await each_alone(db, due, partial(_write, now=now, timezone=timezone), log,
                               "digest for staff member %d failed")
    if written:
        log.info("wrote %d digests", written)
    return written


async def _write(session: AsyncSession, member_id: int, now: datetime, timezone: str) -> int:
    member = await session.get(StaffMember, member_id)
    day = local_date(now, timezone)
    if (member is None or member.telegram_id is None or not member.active
            or (moment := due_moment(member, day, timezone)) is None or moment > now):
        return 0  # changed since the list was read: switched off, deactivated, a later time
    day_start, day_end = day_bounds(day, timezone)
    if await absent_all_day(session, member.id, day_start, day_end):
        # On leave: not claimed, so the digest after the leave covers the whole time away.
        return 0
    since = since_of(member, now)  # read before the claim moves it
    if not await claim_digest(session, member.id, day_start, now):
        return 0  # another instance wrote it
    digest = await compose(session, member, since=since, now=now, timezone=timezone,
                           on_demand=False)
    for text in digest.messages:
        message = outbox.add(session, bot=BotKind.STAFF.value, chat_id=member.telegram_id,
                             text=text, now=now)
        message.not_after = day_end  # a digest held up until tomorrow is stale: drop it
    audit.record(session, staff_member_id=member.id, client_ids=digest.client_ids,
                 action=ACCESS_ACTION, now=now)
    return 1 if digest.messages else 0
