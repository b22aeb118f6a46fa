"""The outbox: messages to other chats survive crashes, are sent once they are due, retried
with back-off, dropped when the messenger refuses for good, and never held by two senders."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.flows.events import Button, Reply
from scheduler.clock import FixedClock
from scheduler.outbox import Undeliverable
from storage import outbox
from storage.migrate import downgrade, upgrade_async
from storage.models import Appointment, OutboxMessage
from storage.repositories import Clients, Staff
from tests.support.outbox import Recorder, dispatcher_for

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


async def queue(db, text: str = "📅 Neuer Termin", buttons=()) -> None:
    async with db.transaction() as session:
        outbox.add(session, bot="staff", chat_id=4711, text=text, buttons=buttons, now=NOW)


async def remaining(db) -> list[OutboxMessage]:
    async with db.transaction() as session:
        return list(await session.scalars(select(OutboxMessage)))


async def test_a_queued_message_is_sent_with_its_buttons_and_then_deleted(db):
    await queue(db, buttons=[[("Erschienen", "att:1")]])
    staff = Recorder()
    dispatcher = dispatcher_for(db, FixedClock(NOW), {"staff": staff})
    assert await dispatcher.run_once() == 1
    assert staff.sent == [(4711, Reply("📅 Neuer Termin", ((Button("Erschienen", "att:1"),),)))]
    assert await remaining(db) == []


async def test_a_rolled_back_change_leaves_no_message(db):
    try:
        async with db.transaction() as session:
            outbox.add(session, bot="staff", chat_id=1, text="x", now=NOW)
            raise RuntimeError("the booking failed")
    except RuntimeError:
        pass
    assert await remaining(db) == []


async def test_a_failed_send_is_retried_later_and_not_before(db):
    await queue(db)
    clock = FixedClock(NOW)
    broken = Recorder(fail=ConnectionError("network down"))
    dispatcher = dispatcher_for(db, clock, {"staff": broken})
    assert await dispatcher.run_once() == 0
    [message] = await remaining(db)
    assert message.attempts == 1 and message.next_attempt_at > NOW
    broken.fail = None
    assert await dispatcher.run_once() == 0  # not due yet
    clock.advance(timedelta(minutes=1))
    assert await dispatcher.run_once() == 1
    assert len(broken.sent) == 1 and await remaining(db) == []


async def test_a_permanent_refusal_drops_the_message(db):
    await queue(db)
    dispatcher = dispatcher_for(db, FixedClock(NOW),
                                {"staff": Recorder(fail=Undeliverable("Forbidden"))})
    assert await dispatcher.run_once() == 0
    assert await remaining(db) == []


async def test_a_sender_that_died_releases_its_claim_when_the_claim_expires(db):
    await queue(db)
    async with db.transaction() as session:
        assert len(await outbox.claim_due(session, NOW, timedelta(minutes=2), "dead")) == 1
    staff = Recorder()
    clock = FixedClock(NOW + timedelta(minutes=1))
    dispatcher = dispatcher_for(db, clock, {"staff": staff})
    assert await dispatcher.run_once() == 0  # still held by the dead sender
    clock.advance(timedelta(minutes=2))
    assert await dispatcher.run_once() == 1


async def test_two_senders_at_once_send_each_message_once(db):
    for n in range(10):
        await queue(db, text=f"Nachricht {n}")
    staff = Recorder()
    first = dispatcher_for(db, FixedClock(NOW), {"staff": staff})
    second = dispatcher_for(db, FixedClock(NOW), {"staff": staff})
    await asyncio.gather(first.run_once(), second.run_once())
    assert sorted(reply.text for _, reply in staff.sent) == [f"Nachricht {n}" for n in range(10)]


async def test_wake_sends_without_waiting_for_the_schedule(db):
    await queue(db)
    staff = Recorder()
    dispatcher = dispatcher_for(db, FixedClock(NOW), {"staff": staff})
    dispatcher.wake()
    await dispatcher.idle()
    assert len(staff.sent) == 1


async def test_upgrading_to_0004_keeps_clients_and_their_appointments(tmp_path):
    from storage.db import Database
    from storage.models import AppointmentKind, Channel, StaffRole

    url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    await upgrade_async(url)
    await asyncio.to_thread(downgrade, url, "0003")
    db = Database(url)
    try:
        from sqlalchemy import text

        async with db.transaction() as session:
            await session.execute(text(
                "INSERT INTO staff_members (id, telegram_id, display_name, role, active, "
                "created_at) VALUES (1, 9, 'Frau Case', 'case_manager', 1, '2026-11-01')"))
            await session.execute(text(
                "INSERT INTO clients (id, telegram_id, language, consent_at, consent_version, "
                "created_at, last_seen_at) VALUES (1, 5, 'ar', '2026-11-01', 'v1', "
                "'2026-11-01', '2026-11-01')"))
            await session.execute(text(
                "INSERT INTO appointments (id, client_id, staff_member_id, office_id, kind, "
                "channel, starts_at, ends_at, status, created_at, updated_at) VALUES (1, 1, 1, "
                "'kim-odenthal', 'first_interview', 'in_person', '2026-11-24 09:00:00', "
                "'2026-11-24 10:00:00', 'booked', '2026-11-01', '2026-11-01')"))
        await db.dispose()
        await upgrade_async(url)
        db = Database(url)
        async with db.transaction() as session:
            [appointment] = list(await session.scalars(select(Appointment)))
            assert appointment.client_id == 1
            client = await Clients(session).by_telegram_id(5)
            assert client is not None and client.origin == "telegram" and client.alias is None
            # A person booked by phone has no Telegram account.
            member = await Staff(session).by_telegram_id(9)
            assert member is not None and member.role == StaffRole.CASE_MANAGER
            phone_client = await Clients(session).add_by_phone(
                "Herr K.", "0170 1234567", "ru", "v1", NOW)
            assert phone_client.telegram_id is None
            assert AppointmentKind.FOLLOW_UP and Channel.PHONE
    finally:
        await db.dispose()


async def test_a_slow_sender_whose_claim_ran_out_neither_sends_nor_deletes(db):
    await queue(db)
    async with db.transaction() as session:
        [message] = await outbox.claim_due(session, NOW, timedelta(minutes=2), "slow")
    later = NOW + timedelta(minutes=3)
    async with db.transaction() as session:  # another sender takes over the expired claim
        assert len(await outbox.claim_due(session, later, timedelta(minutes=2), "fast")) == 1
    async with db.transaction() as session:
        assert await outbox.start_sending(session, [message], "slow", later,
                                          timedelta(minutes=2)) == {
            message.id: outbox.Start.LOST}
        await outbox.done(session, message.id, "slow")
    assert len(await remaining(db)) == 1  # still there for the sender that holds it


async def test_erasing_a_client_drops_messages_waiting_for_their_chat(db):
    from storage.repositories import Clients

    async with db.transaction() as session:
        await Clients(session).record_consent(5151, "ar", "v1", NOW)
        outbox.add(session, bot="client", chat_id=5151, text="Termin abgesagt", now=NOW)
        outbox.add(session, bot="staff", chat_id=5151, text="staff chat", now=NOW)
    async with db.transaction() as session:
        await Clients(session).erase(5151)
    assert [m.bot for m in await remaining(db)] == ["staff"]


async def test_downgrading_0004_removes_phone_bookings_without_leaving_orphans(tmp_path):
    from storage.db import Database
    from storage.models import AppointmentKind, Channel, StaffRole
    from storage.repositories import Clients, Staff

    url = f"sqlite+aiosqlite:///{tmp_path / 'down.db'}"
    await upgrade_async(url)
    db = Database(url)
    try:
        from storage.appointments import book

        async with db.transaction() as session:
            member = await Staff(session).add(9, "Frau Case", StaffRole.CASE_MANAGER, NOW)
            caller = await Clients(session).add_by_phone("Herr K.", "0170 1234567", "ru", "v1",
                                                         NOW)
            await book(session, client_id=caller.id, staff_member_id=member.id,
                       office_id="kim-odenthal", kind=AppointmentKind.FOLLOW_UP,
                       channel=Channel.PHONE, starts_at=NOW + timedelta(days=1),
                       duration=timedelta(minutes=30), now=NOW)
    finally:
        await db.dispose()
    await asyncio.to_thread(downgrade, url, "0003")  # raises if a reference were left broken
    db = Database(url)
    try:
        from sqlalchemy import text

        async with db.transaction() as session:
            for table in ("clients", "appointments", "appointment_slots"):
                count = await session.scalar(text(f"SELECT count(*) FROM {table}"))
                assert count == 0, table
    finally:
        await db.dispose()
