"""After each appointment, one question to the case manager: was the person there? A job the
scheduler runs every minute.

Due work is the appointments themselves: open, ended within the last ASK_WITHIN, and
`outcome_asked_at` still empty. Setting that column (a conditional UPDATE) and writing the
question into the outbox happen in one transaction, so each appointment is asked about once,
whatever crashes or however many instances run.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession

from bot.flows.events import BotKind
from bot.flows.staff.outcomes.question import question_buttons, question_text
from scheduler.clock import Clock
from scheduler.one_by_one import each_alone
from storage import audit, outbox
from storage.db import Database
from storage.models import Appointment, Client, StaffMember
from storage.outcome_questions import ended_unasked, mark_asked

log = logging.getLogger(__name__)
ASK_WITHIN = timedelta(days=7)
ACCESS_ACTION = "appointment.question"


async def ask_after_appointments(db: Database, clock: Clock, timezone: str) -> int:
    """Write the question for every appointment that ended and was not asked about; returns
    how many were written."""
    now = clock.now()
    async with db.transaction() as session:
        due = await ended_unasked(session, now, ASK_WITHIN)
    return await each_alone(db, due, partial(_ask, now=now, timezone=timezone), log,
                            "question after appointment %d failed")


async def _ask(session: AsyncSession, appointment_id: int, now: datetime,
               timezone: str) -> int:
    if not await mark_asked(session, appointment_id, now):
        return 0  # another instance asked, or it was answered from /heute meanwhile
    appointment = await session.get(Appointment, appointment_id)
    assert appointment is not None  # the UPDATE above just matched it
    member = await session.get(StaffMember, appointment.staff_member_id)
    client = await session.get(Client, appointment.client_id)
    if member is None or client is None or member.telegram_id is None or not member.active:
        return 0  # nobody to ask; the mark stays, so nobody is asked next minute either
    buttons = question_buttons(appointment)
    outbox.add(session, bot=BotKind.STAFF.value, chat_id=member.telegram_id,
               text=question_text(appointment, client, now, timezone),
               buttons=[[(b.label, b.action) for b in row] for row in buttons], now=now)
    audit.record(session, staff_member_id=member.id, client_ids=[client.id],
                 action=ACCESS_ACTION, now=now)
    return 1
