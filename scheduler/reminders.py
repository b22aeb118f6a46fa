"""Turns due reminder rows into outbox messages, or skips those that became pointless.

Runs every minute. Each reminder is handled once (a conditional UPDATE), in the same transaction
as its outbox message, so a crash either leaves both undone or both done: never a reminder
marked sent without its message, never a message twice.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogue.cache import CatalogueCache
from bot.flows.client.appointments.reminders import reminder
from bot.flows.events import BotKind
from scheduler.clock import Clock
from storage import outbox, reminders
from storage.db import Database
from storage.locks import try_lock_job
from storage.models import OPEN_STATUSES, Appointment, Client, Reminder

log = logging.getLogger(__name__)
BATCH = 500  # reminders per transaction; the job loops until none is due


async def queue_due_reminders(db: Database, clock: Clock, catalogue: CatalogueCache,
                              timezone: str) -> int:
    """Queue every due reminder; returns how many messages were queued."""
    outcomes: Counter[str] = Counter()
    while True:
        async with db.transaction() as session:
            # The conditional UPDATE alone queues each reminder once; the job lock spares a
            # second instance the same work and the lock waits on the same rows.
            if not await try_lock_job(session, "reminders"):
                break
            now = clock.now()
            due = await reminders.due(session, now, BATCH)
            latest = await reminders.latest_due(session, {a.id for _, a, _ in due}, now)
            decided: dict[str, list[tuple[Reminder, Appointment, Client]]] = defaultdict(list)
            for item in due:
                decided[_decide(*item, latest, now)].append(item)
            for outcome, items in decided.items():
                handled = await reminders.handle(session, [r.id for r, _, _ in items], now,
                                                 outcome)
                outcomes[outcome] += len(handled)
                if outcome == "queued":
                    await _queue(session, [i for i in items if i[0].id in handled], now,
                                 catalogue, timezone)
        if len(due) < BATCH:
            break
    if outcomes:
        log.info("reminders: %s", ", ".join(f"{n} {what}" for what, n in outcomes.items()))
    return outcomes["queued"]


def _decide(item: Reminder, appointment: Appointment, client: Client,
            latest: dict[int, datetime], now: datetime) -> str:
    """"queued", or why not: the person gets one timely reminder for an appointment that is
    still theirs and still ahead, in a chat they have not blocked."""
    if appointment.status not in OPEN_STATUSES or appointment.starts_at <= now:
        return "pointless"
    if client.telegram_id is None:
        return "no_chat"  # booked by phone: the case manager reminds them by phone
    if client.unreachable_at is not None:
        return "blocked"
    if latest.get(appointment.id, item.due_at) > item.due_at:
        return "outdated"  # the process was down; only the latest reminder goes out
    return "queued"


async def _queue(session: AsyncSession, items: list[tuple[Reminder, Appointment, Client]],
                 now: datetime, catalogue: CatalogueCache, timezone: str) -> None:
    if not items:
        return
    index = await catalogue.index(session)
    for _, appointment, client in items:
        assert client.telegram_id is not None
        message = reminder(client, appointment, index.offices.get(appointment.office_id),
                           now, timezone)
        outbox.add(session, bot=BotKind.CLIENT.value, chat_id=client.telegram_id,
                   text=message.text, buttons=[[(b.label, b.action) for b in row]
                                               for row in message.buttons],
                   rtl=message.rtl, now=now, appointment_id=appointment.id,
                   not_after=appointment.starts_at)
