"""Reminders before appointments: when they are due, which are skipped, that each is queued
once, and the person's one-tap answers. The clock is a FixedClock throughout."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.catalogue.cache import CatalogueCache
from bot.i18n import translator
from scheduler.clock import FixedClock
from scheduler.outbox import OutboxDispatcher
from scheduler.reminders import queue_due_reminders
from scheduler.send_errors import Blocked
from storage import appointments as store
from storage import reminders
from storage.models import (
    AppointmentKind,
    AppointmentStatus,
    Channel,
    Client,
    OfficeBookingRules,
    OutboxMessage,
    Reminder,
    StaffRole,
)
from storage.repositories import Clients, Staff
from tests.support.booking import (
    MANAGER_CHAT,
    TUESDAY,
    book_button,
    book_tuesday,
    consented,
    short_notice,
)
from tests.support.common import VirtualTime, actions, text

AR = translator("ar")
BERLIN = reminders.ReminderPolicy()


def berlin(day: int, hour: int, minute: int = 0) -> datetime:
    """A November 2026 wall-clock time in Berlin (UTC+1) as UTC."""
    return datetime(2026, 11, day, hour - 1, minute, tzinfo=UTC)


async def book_directly(db, clock, starts_at: datetime, telegram_id: int | None = 5151,
                        office: str = "kim-odenthal") -> int:
    async with db.transaction() as session:
        staff = Staff(session)
        member = await staff.by_telegram_id(MANAGER_CHAT) or await staff.add(
            MANAGER_CHAT, "Frau Case", StaffRole.CASE_MANAGER, clock.now())
        clients = Clients(session)
        if telegram_id is None:
            client = await clients.add_by_phone("Herr K.", "0170 1234567", "uk", "v1",
                                                clock.now())
        else:
            client = await clients.by_telegram_id(telegram_id) or await clients.record_consent(
                telegram_id, "ar", "v1", clock.now())
        appointment = await store.book(
            session, client_id=client.id, staff_member_id=member.id, office_id=office,
            kind=AppointmentKind.FOLLOW_UP, channel=Channel.IN_PERSON, starts_at=starts_at,
            duration=timedelta(minutes=30), now=clock.now(), max_open=5)
        return appointment.id


async def reminder_rows(db) -> list[Reminder]:
    async with db.transaction() as session:
        return list(await session.scalars(select(Reminder).order_by(Reminder.due_at)))


async def queued(db) -> list[OutboxMessage]:
    async with db.transaction() as session:
        return list(await session.scalars(
            select(OutboxMessage).where(OutboxMessage.bot == "client")
            .order_by(OutboxMessage.id)))


async def run_job(db, clock) -> int:
    return await queue_due_reminders(db, clock, CatalogueCache(), "Europe/Berlin")


# ------------------------------------------------------------------ when reminders are due

async def test_a_booking_gets_reminders_a_day_and_two_hours_before(db, clock):
    starts = berlin(26, 10)  # Thursday 10:00; now is Monday 10:00
    await book_directly(db, clock, starts)
    assert [(r.minutes_before, r.due_at) for r in await reminder_rows(db)] == [
        (1440, berlin(25, 10)), (120, berlin(26, 8))]


async def test_a_reminder_that_would_come_right_after_booking_is_not_written(db, clock):
    await book_directly(db, clock, berlin(24, 9))  # tomorrow 09:00: the day-before is past
    assert [r.minutes_before for r in await reminder_rows(db)] == [120]


async def test_an_office_chooses_its_own_reminder_times(db, clock):
    async with db.transaction() as session:
        session.add(OfficeBookingRules(office_id="kim-odenthal", reminder_minutes=[180]))
    await book_directly(db, clock, berlin(26, 14))
    assert [(r.minutes_before, r.due_at) for r in await reminder_rows(db)] == [
        (180, berlin(26, 11))]


@pytest.mark.parametrize(("starts", "expected"), [
    (berlin(26, 8), berlin(26, 7)),  # 06:00 is quiet: at 07:00, still an hour before
    (berlin(26, 7, 20), berlin(25, 20, 59)),  # 07:00 is too close: the evening before
    (berlin(26, 12), berlin(26, 10)),  # not in the quiet hours: unchanged
])
def test_quiet_hours_move_a_reminder_to_a_sensible_time(starts, expected):
    assert reminders.due_time(starts, 120, BERLIN.quiet, BERLIN.local) == expected


def test_quiet_hours_are_parsed_strictly():
    assert reminders.QuietHours.parse("") is None
    assert reminders.QuietHours.parse("22:00-06:30") == reminders.QuietHours(1320, 390)
    for bad in ("22-6", "25:00-06:00", "07:00-07:00", "abends"):
        with pytest.raises(ValueError):
            reminders.QuietHours.parse(bad)


# ------------------------------------------------------------------ the job

async def test_a_due_reminder_is_queued_once_in_the_persons_language(db, clock):
    appointment_id = await book_directly(db, clock, berlin(26, 10))
    assert await run_job(db, clock) == 0  # nothing due yet
    clock.set(berlin(25, 10))
    assert await run_job(db, clock) == 1
    assert await run_job(db, clock) == 0  # handled: never queued twice
    [message] = await queued(db)
    assert message.chat_id == 5151 and message.rtl
    assert AR._("Reminder: your KIM appointment is tomorrow at {time}.",
                time=AR.time(berlin(26, 10))) in message.text
    assert [action for row in message.buttons for _, action in row] == [
        f"rcome:{appointment_id}", f"acancel:{appointment_id}", f"amove:{appointment_id}"]
    assert message.appointment_id == appointment_id and message.not_after == berlin(26, 10)


async def test_two_instances_running_the_job_at_once_queue_each_reminder_once(db, clock):
    for hour in (9, 10, 11):
        await book_directly(db, clock, berlin(26, hour), telegram_id=5150 + hour)
    clock.set(berlin(26, 9, 30))
    counts = await asyncio.gather(run_job(db, clock), run_job(db, clock))
    assert sum(counts) == 2  # 09:00 has begun; 10:00 and 11:00 are reminded
    assert sorted(m.chat_id for m in await queued(db)) == [5160, 5161]


async def test_a_cancelled_appointment_gets_no_reminder(db, clock):
    appointment_id = await book_directly(db, clock, berlin(26, 10))
    async with db.transaction() as session:
        appointment = await session.get(store.Appointment, appointment_id)
        await store.cancel(session, appointment, by="client", now=clock.now())
    clock.set(berlin(26, 9))
    assert await run_job(db, clock) == 0
    assert {r.outcome for r in await reminder_rows(db)} == {"pointless"}


async def test_after_downtime_only_the_latest_reminder_goes_out(db, clock):
    await book_directly(db, clock, berlin(26, 10))
    clock.set(berlin(26, 9))  # both the day-before and the two-hour reminder are due
    assert await run_job(db, clock) == 1
    assert [r.outcome for r in await reminder_rows(db)] == ["outdated", "queued"]
    assert AR._("Reminder: your KIM appointment is today at {time}.",
                time=AR.time(berlin(26, 10))) in (await queued(db))[0].text


async def test_a_person_booked_by_phone_is_not_reminded_through_the_bot(db, clock):
    await book_directly(db, clock, berlin(26, 10), telegram_id=None)
    clock.set(berlin(26, 9))
    assert await run_job(db, clock) == 0
    assert {r.outcome for r in await reminder_rows(db)} == {"no_chat"}


async def test_a_moved_appointment_gets_fresh_reminders_and_the_old_ones_are_skipped(
        booking_engine, sqlite_db, clock):
    await short_notice(sqlite_db)
    chat = await consented(booking_engine, 5151)
    await book_tuesday(chat)  # Tuesday 09:00 Berlin
    [old] = await reminder_rows(sqlite_db)
    appointment_id = old.appointment_id
    await chat.press(f"amove:{appointment_id}")
    await chat.press(f"bday:{TUESDAY}")
    check = await chat.press(f"btime:{int(berlin(24, 11).timestamp()) // 60}")
    moved = await chat.press(book_button(check))
    assert AR._("Your appointment is moved.") in text(moved)
    rows = await reminder_rows(sqlite_db)
    new_id = next(r.appointment_id for r in rows if r.appointment_id != appointment_id)
    assert sorted((r.appointment_id, r.minutes_before) for r in rows) == sorted(
        [(appointment_id, 120), (new_id, 1440), (new_id, 120)])
    clock.set(berlin(24, 9, 30))
    assert await run_job(sqlite_db, clock) == 1
    [message] = await queued_client(sqlite_db)
    assert message.appointment_id == new_id
    assert {(r.appointment_id, r.minutes_before): r.outcome
            for r in await reminder_rows(sqlite_db)} == {
        (appointment_id, 120): "pointless", (new_id, 1440): "outdated",
        (new_id, 120): "queued"}


async def queued_client(db) -> list[OutboxMessage]:
    return [m for m in await queued(db) if m.text.startswith(("⏰", "\u200f⏰"))]


# ------------------------------------------------------------------ sending and answers

class Recorder:
    def __init__(self) -> None:
        self.sent: list[int] = []
        self.blocked: set[int] = set()

    async def __call__(self, chat_id: int, reply) -> None:
        if chat_id in self.blocked:
            raise Blocked("Forbidden: bot was blocked by the user")
        self.sent.append(chat_id)


def dispatcher(db, clock: FixedClock, recorder: Recorder) -> OutboxDispatcher:
    time = VirtualTime(clock)
    return OutboxDispatcher(db, clock, {"client": recorder, "staff": recorder},
                            monotonic=time.monotonic, sleep=time.sleep)


async def test_a_queued_reminder_is_dropped_if_the_appointment_is_cancelled_meanwhile(db, clock):
    appointment_id = await book_directly(db, clock, berlin(26, 10))
    clock.set(berlin(26, 8))
    assert await run_job(db, clock) == 1
    async with db.transaction() as session:
        appointment = await session.get(store.Appointment, appointment_id)
        await store.cancel(session, appointment, by="staff", now=clock.now())
    recorder = Recorder()
    assert await dispatcher(db, clock, recorder).run_once() == 0
    assert recorder.sent == [] and await queued(db) == []


async def test_a_person_who_blocked_the_bot_is_marked_and_not_reminded_again(db, clock):
    await book_directly(db, clock, berlin(26, 10))
    await book_directly(db, clock, berlin(27, 10))
    clock.set(berlin(25, 10))
    assert await run_job(db, clock) == 1
    recorder = Recorder()
    recorder.blocked.add(5151)
    assert await dispatcher(db, clock, recorder).run_once() == 0
    async with db.transaction() as session:
        client = await Clients(session).by_telegram_id(5151)
        assert client is not None and client.unreachable_at == berlin(25, 10)
    clock.set(berlin(26, 10))
    assert await run_job(db, clock) == 0
    assert "blocked" in {r.outcome for r in await reminder_rows(db)}


async def test_writing_again_makes_the_person_reachable(booking_engine, sqlite_db, clock):
    chat = await consented(booking_engine, 5151)
    async with sqlite_db.transaction() as session:
        client = await Clients(session).by_telegram_id(5151)
        assert client is not None
        client.unreachable_at = clock.now()
    await chat.send("/menu")
    async with sqlite_db.transaction() as session:
        client = await session.scalar(select(Client).where(Client.telegram_id == 5151))
        assert client is not None and client.unreachable_at is None


async def test_i_will_come_confirms_once_and_tells_the_case_manager_once(
        booking_engine, sqlite_db, clock):
    chat = await consented(booking_engine, 5151)
    await book_tuesday(chat)
    [row] = await reminder_rows(sqlite_db)
    staff_before = await staff_messages(sqlite_db)
    thanks = await chat.press(f"rcome:{row.appointment_id}")
    assert AR._("Thank you! See you on {date} at {time}.", date=AR.date(berlin(24, 9)),
                time=AR.time(berlin(24, 9))) in text(thanks)
    again = await chat.press(f"rcome:{row.appointment_id}")
    assert text(again) == text(thanks)
    notices = (await staff_messages(sqlite_db))[len(staff_before):]
    assert len(notices) == 1 and notices[0].startswith("✅ Termin bestätigt")
    async with sqlite_db.transaction() as session:
        appointment = await session.get(store.Appointment, row.appointment_id)
        assert appointment.status == AppointmentStatus.CONFIRMED.value


async def test_a_forged_or_foreign_reminder_answer_changes_nothing(
        booking_engine, sqlite_db, clock):
    owner = await consented(booking_engine, 5151)
    await book_tuesday(owner)
    [row] = await reminder_rows(sqlite_db)
    stranger = await consented(booking_engine, 5252)
    for forged in (f"rcome:{row.appointment_id}", "rcome:99999", "rcome:x1", "rcome:"):
        outcome = await stranger.press(forged)
        assert "rcome" not in " ".join(actions(outcome))
    async with sqlite_db.transaction() as session:
        appointment = await session.get(store.Appointment, row.appointment_id)
        assert appointment.status == AppointmentStatus.BOOKED.value


async def test_cancel_from_a_reminder_asks_and_then_cancels(booking_engine, sqlite_db, clock):
    await short_notice(sqlite_db)
    chat = await consented(booking_engine, 5151)
    await book_tuesday(chat)
    [row] = await reminder_rows(sqlite_db)
    ask = await chat.press(f"acancel:{row.appointment_id}")
    assert f"acancelok:{row.appointment_id}" in actions(ask)
    await chat.press(f"acancelok:{row.appointment_id}")
    async with sqlite_db.transaction() as session:
        appointment = await session.get(store.Appointment, row.appointment_id)
        assert appointment.status == AppointmentStatus.CANCELLED.value


async def staff_messages(db) -> list[str]:
    async with db.transaction() as session:
        return list(await session.scalars(
            select(OutboxMessage.text).where(OutboxMessage.bot == "staff")
            .order_by(OutboxMessage.id)))
