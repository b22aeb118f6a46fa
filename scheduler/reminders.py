"""Turns due reminder rows into outbox messages, or skips those that became pointless.

Runs every minute. Each reminder is handled once (a conditional UPDATE), in the same transaction
as its outbox message, so a crash either leaves both undone or both done: never a reminder
marked sent without its message, never a message twice.
"""

from __future__ import annotations

import logging
from collections import Counter

from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogue.cache import CatalogueCache
from bot.flows.client.reminders import reminder
from bot.flows.events import BotKind
from scheduler.clock import Clock
from storage import outbox, reminders
from storage.db import Database
from storage.models import OPEN_STATUSES, Appointment, Client, Reminder

log = logging.getLogger(__name__)
BATCH = 500  # reminders per transaction; the job loops until none is due


async def queue_due_reminders(db: Database, clock: Clock, catalogue: CatalogueCache,
                              timezone: str) -> int:
    """Queue every due reminder; returns how many messages were queued."""
    outcomes: Counter[str] = Counter()
    while True:
        async with db.transaction() as session:
            due = await reminders.due(session, clock.now(), BATCH)
            for item in due:
                outcome = await _decide(session, item, clock)
                if not await reminders.handle(session, item, clock.now(), outcome):
                    continue  # another instance handled it
                outcomes[outcome] += 1
                if outcome == "queued":
                    await _queue(session, item, clock, catalogue, timezone)
        if len(due) < BATCH:
            break
    if outcomes:
        log.info("reminders: %s", ", ".join(f"{n} {what}" for what, n in outcomes.items()))
    return outcomes["queued"]


async def _decide(session: AsyncSession, item: Reminder, clock: Clock) -> str:
    """"queued", or why not: the person gets one timely reminder for an appointment that is
    still theirs and still ahead, in a chat they have not blocked."""
    now = clock.now()
    appointment = await session.get(Appointment, item.appointment_id)
    if appointment is None or appointment.status not in OPEN_STATUSES \
            or appointment.starts_at <= now:
        return "pointless"
    client = await session.get(Client, appointment.client_id)
    if client is None or client.telegram_id is None:
        return "no_chat"  # booked by phone: the case manager reminds them by phone
    if client.unreachable_at is not None:
        return "blocked"
    if await reminders.newer_due(session, item, now):
        return "outdated"  # the process was down; only the latest reminder goes out
    return "queued"


async def _queue(session: AsyncSession, item: Reminder, clock: Clock,
                 catalogue: CatalogueCache, timezone: str) -> None:
    appointment = await session.get(Appointment, item.appointment_id)
    assert appointment is not None
    client = await session.get(Client, appointment.client_id)
    assert client is not None and client.telegram_id is not None
    index = await catalogue.index(session)
    message = reminder(client, appointment, index.offices.get(appointment.office_id),
                       clock.now(), timezone)
    outbox.add(session, bot=BotKind.CLIENT.value, chat_id=client.telegram_id,
               text=message.text, buttons=[[(b.label, b.action) for b in row]
                                           for row in message.buttons],
               rtl=message.rtl, now=clock.now(), appointment_id=appointment.id,
               not_after=appointment.starts_at)
