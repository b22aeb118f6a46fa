"""The nightly retention job: personal data of people inactive for the configured time goes,
everyone with recent contact or an appointment stays, anonymous statistics stay."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from scheduler.retention import apply_retention
from storage import appointments as store
from storage import outbox
from storage.models import (
    AccessLog,
    AppointmentKind,
    AppointmentOutcome,
    Channel,
    Client,
    OutboxMessage,
    Reminder,
    ShortConsultation,
    StaffRole,
)
from storage.repositories import Clients, Staff
from storage.retention import RetentionPolicy

POLICY = RetentionPolicy(inactive=timedelta(days=180), access_log=timedelta(days=730))


async def count(db, model) -> int:
    async with db.transaction() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


async def person(db, clock, telegram_id: int | None, last_seen_days: int,
                 appointment_days: int | None = None) -> int:
    """A client last seen `last_seen_days` ago, with an appointment `appointment_days` from
    now (negative: in the past) if given."""
    seen = clock.now() - timedelta(days=last_seen_days)
    async with db.transaction() as session:
        staff = Staff(session)
        member = await staff.by_telegram_id(9001) or await staff.add(
            9001, "Frau Case", StaffRole.CASE_MANAGER, seen)
        clients = Clients(session)
        if telegram_id is None:
            client = await clients.add_by_phone("Herr K.", "0170 1234567", "ru", "v1", seen)
        else:
            client = await clients.record_consent(telegram_id, "ar", "v1", seen)
        client.last_seen_at = seen
        if appointment_days is not None:
            starts = clock.now() + timedelta(days=appointment_days)
            await store.book(session, client_id=client.id, staff_member_id=member.id,
                             office_id="kim-odenthal", kind=AppointmentKind.FOLLOW_UP,
                             channel=Channel.PHONE, starts_at=starts,
                             duration=timedelta(minutes=30),
                             now=min(seen, starts - timedelta(days=2)), max_open=9)
        return client.id


async def remaining_clients(db) -> set[int]:
    async with db.transaction() as session:
        return set(await session.scalars(select(Client.id)))


async def test_inactive_people_are_deleted_and_everyone_else_stays(db, clock):
    recent = await person(db, clock, 1, last_seen_days=10)
    coming_up = await person(db, clock, 2, last_seen_days=400, appointment_days=3)
    lately = await person(db, clock, 3, last_seen_days=400, appointment_days=-100)
    gone = await person(db, clock, 4, last_seen_days=200, appointment_days=-190)
    silent = await person(db, clock, 5, last_seen_days=181)
    by_phone = await person(db, clock, None, last_seen_days=365, appointment_days=-300)
    removed = await apply_retention(db, clock, POLICY)
    assert removed.clients == 3
    assert await remaining_clients(db) == {recent, coming_up, lately}
    assert {gone, silent, by_phone}.isdisjoint(await remaining_clients(db))


async def test_deleted_people_take_their_appointments_reminders_and_messages_along(db, clock):
    await person(db, clock, 4, last_seen_days=400, appointment_days=-200)
    async with db.transaction() as session:
        outbox.add(session, bot="client", chat_id=4, text="x", now=clock.now())
        outbox.add(session, bot="staff", chat_id=9001, text="y", now=clock.now())
    await apply_retention(db, clock, POLICY)
    async with db.transaction() as session:
        assert await session.scalar(select(func.count(store.Appointment.id))) == 0
        assert await session.scalar(select(func.count(Reminder.id))) == 0
        assert list(await session.scalars(select(OutboxMessage.bot))) == ["staff"]


async def test_anonymous_statistics_and_recent_audit_entries_stay(db, clock):
    await person(db, clock, 4, last_seen_days=400, appointment_days=-200)
    async with db.transaction() as session:
        member = await Staff(session).by_telegram_id(9001)
        assert member is not None
        session.add(AppointmentOutcome(staff_member_id=member.id, office_id="kim-odenthal",
                                       kind="follow_up", outcome="attended",
                                       starts_at=clock.now() - timedelta(days=200)))
        session.add(ShortConsultation(staff_member_id=member.id, town="odenthal",
                                      topic="housing", channel="phone",
                                      created_at=clock.now() - timedelta(days=300)))
        session.add_all([
            AccessLog(at=clock.now() - timedelta(days=731), staff_member_id=member.id,
                      client_id=1, action="appointments.day"),
            AccessLog(at=clock.now() - timedelta(days=20), staff_member_id=member.id,
                      client_id=1, action="appointments.day")])
    removed = await apply_retention(db, clock, POLICY)
    assert removed.clients == 1 and removed.access_log == 1
    assert await count(db, AppointmentOutcome) == 1
    assert await count(db, ShortConsultation) == 1
    assert await count(db, AccessLog) == 1


async def test_handled_reminders_are_kept_a_month_then_deleted(db, clock):
    await person(db, clock, 6, last_seen_days=1, appointment_days=-45)
    async with db.transaction() as session:
        for reminder in await session.scalars(select(Reminder)):
            reminder.handled_at, reminder.outcome = reminder.due_at, "queued"
    before = await count(db, Reminder)
    assert before > 0
    await apply_retention(db, clock, POLICY)
    assert await count(db, Reminder) == 0


async def test_messages_go_their_set_days_after_the_conversation_was_closed(db, clock):
    from storage import kim_messages
    from storage.models import KimConversation, KimMessage

    client_id = await person(db, clock, 555, last_seen_days=1)
    async with db.transaction() as session:
        client = await session.get(Client, client_id)
        for closed_days_ago in (91, 89, None):
            conversation = kim_messages.start(session, client, None, None,
                                              clock.now() - timedelta(days=100))
            await session.flush()
            await kim_messages.add_from_client(session, conversation, "Hallo", None,
                                               clock.now() - timedelta(days=100))
            if closed_days_ago is not None:
                kim_messages.close(conversation, clock.now() - timedelta(days=closed_days_ago))
    removed = await apply_retention(db, clock, POLICY)
    assert removed.conversations == 1
    assert await count(db, KimConversation) == 2 and await count(db, KimMessage) == 2
    assert await remaining_clients(db) == {client_id}
