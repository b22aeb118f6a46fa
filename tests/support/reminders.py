"""Due reminders in the database, for tests of sending them (one process, several, a crash)."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.catalogue.samples import RBK
from storage import appointments as store
from storage.catalogue_io import import_catalogue
from storage.db import Database
from storage.models import AppointmentKind, Channel, StaffRole
from storage.reminders import ReminderPolicy
from storage.repositories import Clients, Staff


async def seed_due_reminders(db: Database, chats: list[int], now: datetime) -> None:
    """One appointment per chat, 90 minutes ahead, booked three hours ago: each has exactly
    one reminder (two hours before), due half an hour ago. One case manager per appointment,
    so they can all be at the same time. No quiet hours: these tests are about delivery, and
    `now` may be the real time of a `kimbot outbox send` process, at any hour."""
    await import_catalogue(db, [RBK], now)
    booked_at = now - timedelta(hours=3)
    async with db.transaction() as session:
        staff, clients = Staff(session), Clients(session)
        for chat_id in chats:
            member = await staff.add(chat_id + 100000, f"Case {chat_id}",
                                     StaffRole.CASE_MANAGER, booked_at)
            client = await clients.record_consent(chat_id, "ar", "v1", booked_at)
            await store.book(session, client_id=client.id, staff_member_id=member.id,
                             office_id="kim-odenthal", kind=AppointmentKind.FOLLOW_UP,
                             channel=Channel.PHONE, starts_at=now + timedelta(minutes=90),
                             duration=timedelta(minutes=30), now=booked_at,
                             reminder_policy=ReminderPolicy(quiet=None))
