"""The waiting list's job, every minute: offers for people whose town had a time freed, and the
end of entries after 30 days.

Due work lives in the database: a cancellation or new working hours mark the entries of the
towns concerned as pending (storage/waitlist.py). For each pending entry the job computes the
times free now for the entry's town and place and offers the earliest ones the person has
neither seen when joining nor been offered before, in one message with a button per time,
written to the outbox in the transaction that claims the entry (a conditional UPDATE, so two
instances never offer twice).

Offers respect quiet hours (none are made then; the entries stay pending until the morning,
when the times still free are offered) and a rate limit per person (at most one offer message
per OFFER_INTERVAL; later freed times wait and come together). The outbox keeps Telegram's
rate limits. An entry ends after 30 days; the person is told, outside quiet hours.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession

from bot.appointments.availability import free_options, workplaces_for_town
from bot.catalogue.cache import CatalogueCache
from bot.flows.client.waitlist import messages
from bot.flows.context import FlowSettings
from bot.flows.events import BotKind, Reply
from scheduler.clock import Clock
from scheduler.one_by_one import each_alone
from storage import outbox, waitlist
from storage.db import Database
from storage.models import AppointmentKind, Client, WaitlistEntry
from storage.reminders import quiet_until

log = logging.getLogger(__name__)
OFFER_INTERVAL = timedelta(hours=1)  # at most one offer message per person in this time
MAX_TIMES = 3  # times in one offer, the earliest first

__all__ = ["offer_freed_times", "quiet_until"]


async def offer_freed_times(db: Database, clock: Clock, catalogue: CatalogueCache,
                            settings: FlowSettings) -> int:
    """End old entries and make the offers due now; returns how many offer messages."""
    now = clock.now()
    quiet = quiet_until(settings.reminder_policy.quiet, now, settings.timezone)
    async with db.transaction() as session:
        for _entry, client in await waitlist.expire(session, now):
            _send(session, client, messages.ended(client, settings.timezone), now,
                  later=quiet)
    if quiet is not None:
        return 0
    async with db.transaction() as session:
        due = [entry.id for entry in await waitlist.due_for_offers(session, now, OFFER_INTERVAL)]
    offered = await each_alone(
        db, due, partial(_offer, now=now, catalogue=catalogue, settings=settings), log,
        "waiting-list offer for entry %d failed")
    if offered:
        log.info("waiting list: %d offer(s)", offered)
    return offered


async def _offer(session: AsyncSession, entry_id: int, now: datetime, catalogue: CatalogueCache,
                 settings: FlowSettings) -> int:
    entry = await session.get(WaitlistEntry, entry_id)
    if entry is None or entry.pending_since is None or not await waitlist.claim(session, entry,
                                                                                 now):
        return 0  # another instance took it, or it ended meanwhile
    client = await session.get(Client, entry.client_id)
    if client is None or client.telegram_id is None or client.unreachable_at is not None:
        return 0
    workplaces = await workplaces_for_town(session, entry.town)
    if entry.workplace_id is not None:
        workplaces = [w for w in workplaces if w.id == entry.workplace_id]
    free = await free_options(session, workplaces, AppointmentKind(entry.kind), now,
                              days=settings.booking_days, timezone=settings.timezone)
    seen = set(entry.seen or ())
    before = await waitlist.offered_starts(session, entry.id)
    fresh = [o for o in free if int(o.starts_at.timestamp()) // 60 not in seen
             and o.starts_at not in before][:MAX_TIMES]
    if not fresh:
        return 0
    rows = [waitlist.add_offer(session, entry, staff_member_id=o.staff_member_id,
                               office_id=o.office_id, starts_at=o.starts_at, now=now)
            for o in fresh]
    await session.flush()
    index = await catalogue.index(session)
    reply = messages.offer(client, entry.town, list(zip(rows, fresh, strict=True)), index,
                           settings.timezone)
    # Pointless once the last time offered has begun.
    _send(session, client, reply, now, not_after=fresh[-1].starts_at)
    return 1


def _send(session: AsyncSession, client: Client, reply: Reply, now: datetime,
          later: datetime | None = None, not_after: datetime | None = None) -> None:
    if client.telegram_id is None:
        return
    message = outbox.add(session, bot=BotKind.CLIENT.value, chat_id=client.telegram_id,
                         text=reply.text, buttons=[[(b.label, b.action) for b in row]
                                                   for row in reply.buttons],
                         rtl=reply.rtl, now=now, not_after=not_after)
    if later is not None:
        message.next_attempt_at = later  # not in the quiet hours
