"""The waiting list: joining when nothing (or nothing that suits) is free; offers when a
cancellation, new hours or a removed absence free a time, never of times the person saw; the
first press books and the others stay on the list; quiet hours, one offer an hour, 30 days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.catalogue.cache import CatalogueCache
from bot.flows.context import FlowSettings
from bot.flows.events import BotKind
from bot.i18n import translator
from scheduler.clock import FixedClock
from scheduler.waitlist import offer_freed_times
from storage.models import Absence, Appointment, WaitlistEntry, WaitlistOffer
from storage.staff_agenda import add_absence
from tests.support.booking import (
    TUESDAY,
    TUESDAY_NINE,
    book_button,
    book_tuesday,
    consented,
    short_notice,
)
from tests.support.chat import Chat
from tests.support.common import actions, rows_of, text
from tests.support.digest import messages_to

EN, AR = translator("en"), translator("ar")


async def run_job(db, clock) -> int:
    return await offer_freed_times(db, clock, CatalogueCache(), FlowSettings())


async def entries(db) -> list[WaitlistEntry]:
    return await rows_of(db, WaitlistEntry)


async def wait_for_another_time(chat: Chat) -> None:
    """Book, Odenthal, "None of these times", "Tell me when a time becomes free"."""
    days = await chat.press("book")
    if "btown:odenthal" in actions(days):
        days = await chat.press("btown:odenthal")
    assert "bnone" in actions(days)
    asked = await chat.press("bnone")
    assert "wl_join" in actions(asked)
    joined = await chat.press("wl_join")
    if "wl_interp:no" in actions(joined):
        joined = await chat.press("wl_interp:no")
    assert "wl_leave" in actions(joined), text(joined)


async def book_offered(chat: Chat, take: str, name: str = "Sam"):
    """An offered time, then the booking's remaining steps: the name if asked, and Book on the
    check screen (tests/flows/client/test_waitlist_booking_steps.py has the steps)."""
    outcome = await chat.press(take)
    if "bnoname" in actions(outcome):
        outcome = await chat.send(name)
    return await chat.press(book_button(outcome))


def take_buttons(message) -> list[str]:
    return [data for row in message.buttons for _, data in row if data.startswith("wl_take:")]


@pytest.fixture
async def taken(booking_engine, sqlite_db):
    """Someone holds Tuesday 09:00; the others see the rest and wait for another time."""
    await short_notice(sqlite_db)
    holder = await consented(booking_engine, 1100, "en")
    await book_tuesday(holder)
    return holder


async def cancel_tuesday(holder: Chat, db) -> None:
    async with db.transaction() as session:
        [appointment] = list(await session.scalars(select(Appointment).where(
            Appointment.status == "booked")))
    await holder.press(f"acancel:{appointment.id}")
    await holder.press(f"acancelok:{appointment.id}")


async def test_nothing_free_the_person_can_wait_and_is_told_how(booking_engine, sqlite_db, clock):
    async with sqlite_db.transaction() as session:
        await add_absence(session, 1, clock.now(), clock.now() + timedelta(days=30), clock.now())
    chat = await consented(booking_engine, 1101, "ar")
    await chat.press("book")
    nothing = await chat.press("btown:odenthal")
    assert "wl_join" in actions(nothing)
    interpreter = await chat.press("wl_join")
    assert actions(interpreter)[:3] == ["wl_interp:ar", "wl_interp:other", "wl_interp:no"]
    joined = await chat.press("wl_interp:ar")
    assert AR._("You are on the waiting list for {town}.", town="Odenthal") in text(joined)
    [entry] = await entries(sqlite_db)
    assert (entry.town, entry.workplace_id, entry.kind, entry.interpreter_language, entry.seen) \
        == ("odenthal", None, "first_interview", "ar", [])
    assert entry.expires_at == clock.now() + timedelta(days=30)
    mine = await chat.press("appointments")
    assert "wl_leave" in actions(mine)
    assert AR._("You are on the waiting list for {town} until {date}.", town="Odenthal",
                date=AR.date(entry.expires_at)) in text(await chat.send("/mydata"))

    # The absence goes: the time is bookable again and the person is offered it.
    staff = Chat(booking_engine, 9001, "de", BotKind.STAFF)
    await staff.send("/abwesend")
    async with sqlite_db.transaction() as session:
        [absence] = list(await session.scalars(select(Absence)))
    await staff.press(f"absence_del:{absence.id}")
    assert await run_job(sqlite_db, clock) == 1
    [offer] = await messages_to(sqlite_db, 1101, bot="client")
    assert offer.text.startswith("\u200f🔔 " + AR._("Good news: a time became free in {town}.",
                                                   town="Odenthal"))
    assert len(take_buttons(offer)) == 3  # the three earliest
    booked = await book_offered(chat, take_buttons(offer)[0])
    assert AR._("Your appointment is booked.") in text(booked)
    async with sqlite_db.transaction() as session:
        [appointment] = list(await session.scalars(select(Appointment)))
    assert (appointment.interpreter_language, appointment.starts_at) == (
        "ar", datetime(2026, 11, 24, 8, 0, tzinfo=UTC))
    [ended] = await entries(sqlite_db)
    assert ended.end_reason == "booked"


async def test_an_offer_never_names_a_time_the_person_saw(taken, booking_engine, sqlite_db,
                                                         clock):
    waiting = await consented(booking_engine, 1102, "en")
    await wait_for_another_time(waiting)
    [entry] = await entries(sqlite_db)
    assert TUESDAY_NINE not in entry.seen and TUESDAY_NINE + 90 in entry.seen
    assert await run_job(sqlite_db, clock) == 0  # nothing freed yet
    await cancel_tuesday(taken, sqlite_db)
    assert await run_job(sqlite_db, clock) == 1
    [offer] = await messages_to(sqlite_db, 1102, bot="client")
    async with sqlite_db.transaction() as session:
        rows = list(await session.scalars(select(WaitlistOffer).order_by(WaitlistOffer.id)))
    # 09:00 and what its buffer blocked (09:30, 10:00) are new; 10:30 and later were seen.
    assert [int(r.starts_at.timestamp()) // 60 - TUESDAY_NINE for r in rows] == [0, 30, 60]
    assert not {int(r.starts_at.timestamp()) // 60 for r in rows} & set(entry.seen)
    assert take_buttons(offer) == [f"wl_take:{r.id}" for r in rows]
    assert offer.not_after == rows[-1].starts_at
    assert await run_job(sqlite_db, clock) == 0  # offered once


async def test_the_first_press_wins_and_the_other_stays_on_the_list(taken, booking_engine,
                                                                   sqlite_db, clock):
    first = await consented(booking_engine, 1103, "en")
    second = await consented(booking_engine, 1104, "uk")
    for chat in (first, second):
        await wait_for_another_time(chat)
    await cancel_tuesday(taken, sqlite_db)
    assert await run_job(sqlite_db, clock) == 2
    [to_first] = await messages_to(sqlite_db, 1103, bot="client")
    [to_second] = await messages_to(sqlite_db, 1104, bot="client")
    won = await book_offered(first, take_buttons(to_first)[0])
    assert EN._("Your appointment is booked.") in text(won)
    assert EN._("You are no longer on the waiting list.") in text(won)
    lost = await second.press(take_buttons(to_second)[0])
    uk = translator("uk")
    assert uk._("Sorry, someone else was faster: this time has gone. You stay on the waiting "
                "list, and we write to you when the next time becomes free.") in text(lost)
    by_client = {e.client_id: e for e in await entries(sqlite_db)}
    assert sorted((e.end_reason or "active") for e in by_client.values()) == ["active", "booked"]
    async with sqlite_db.transaction() as session:
        booked = list(await session.scalars(select(Appointment).where(
            Appointment.status == "booked")))
    assert len(booked) == 1
    again = await first.press(take_buttons(to_first)[0])
    assert EN._("This offer is no longer valid.") in text(again)


async def test_someone_elses_offer_changes_nothing(taken, booking_engine, sqlite_db, clock):
    waiting = await consented(booking_engine, 1105, "en")
    await wait_for_another_time(waiting)
    await cancel_tuesday(taken, sqlite_db)
    await run_job(sqlite_db, clock)
    [offer] = await messages_to(sqlite_db, 1105, bot="client")
    intruder = await consented(booking_engine, 1106, "en")
    for forged in (take_buttons(offer)[0], "wl_take:999", "wl_take:abc"):
        assert "does not work any more" in text(await intruder.press(forged)), forged
    async with sqlite_db.transaction() as session:
        assert not list(await session.scalars(select(Appointment).where(
            Appointment.status == "booked")))


async def test_offers_wait_for_the_end_of_the_quiet_hours(taken, booking_engine, sqlite_db):
    waiting = await consented(booking_engine, 1107, "en")
    await wait_for_another_time(waiting)
    await cancel_tuesday(taken, sqlite_db)
    night = FixedClock(datetime(2026, 11, 23, 22, 30, tzinfo=UTC))  # 23:30 in Berlin
    assert await run_job(sqlite_db, night) == 0
    assert await messages_to(sqlite_db, 1107, bot="client") == []
    morning = FixedClock(datetime(2026, 11, 24, 6, 0, tzinfo=UTC))  # 07:00 in Berlin
    assert await run_job(sqlite_db, morning) == 1


async def test_at_most_one_offer_an_hour_and_later_times_come_together(booking_engine,
                                                                      sqlite_db, clock):
    await short_notice(sqlite_db)
    holders = [await consented(booking_engine, 1110 + n, "en") for n in range(2)]
    await book_tuesday(holders[0])
    await book_tuesday(holders[1], minutes=TUESDAY_NINE + 120)
    waiting = await consented(booking_engine, 1112, "en")
    await wait_for_another_time(waiting)
    async with sqlite_db.transaction() as session:
        first, second = list(await session.scalars(select(Appointment).order_by(
            Appointment.id)))
    await holders[0].press(f"acancel:{first.id}")
    await holders[0].press(f"acancelok:{first.id}")
    assert await run_job(sqlite_db, clock) == 1
    await holders[1].press(f"acancel:{second.id}")
    await holders[1].press(f"acancelok:{second.id}")
    assert await run_job(sqlite_db, clock) == 0  # within the hour: it waits
    later = FixedClock(clock.now() + timedelta(hours=1))
    assert await run_job(sqlite_db, later) == 1
    messages = await messages_to(sqlite_db, 1112, bot="client")
    assert len(messages) == 2 and len(take_buttons(messages[1])) >= 1


async def test_the_entry_ends_after_thirty_days_and_the_person_is_told(booking_engine,
                                                                      sqlite_db, clock):
    chat = await consented(booking_engine, 1113, "en")
    await wait_for_another_time(chat)
    assert await run_job(sqlite_db, FixedClock(clock.now() + timedelta(days=29))) == 0
    assert (await entries(sqlite_db))[0].ended_at is None
    # Day 30 comes at 10:00 in Berlin: told at once.
    await run_job(sqlite_db, FixedClock(clock.now() + timedelta(days=30)))
    [entry] = await entries(sqlite_db)
    assert entry.end_reason == "expired"
    [told] = await messages_to(sqlite_db, 1113, bot="client")
    assert told.text == EN._("Your place on the waiting list has ended after 30 days. If you "
                             "still need an appointment, you can book one or join the list "
                             "again.")
    assert [data for row in told.buttons for _, data in row] == ["book"]


async def test_leaving_and_booking_end_the_entry(booking_engine, sqlite_db):
    chat = await consented(booking_engine, 1114, "en")
    await wait_for_another_time(chat)
    left = await chat.press("wl_leave")
    assert EN._("You left the waiting list.") in text(left)
    assert EN._("You are not on the waiting list.") in text(await chat.press("wl_leave"))
    await wait_for_another_time(chat)
    done = await book_tuesday(chat)
    assert EN._("You are no longer on the waiting list.") in text(done)
    assert [e.end_reason for e in await entries(sqlite_db)] == ["left", "booked"]


async def test_a_move_offers_no_waiting_list(booking_engine, sqlite_db):
    await short_notice(sqlite_db)
    chat = await consented(booking_engine, 1115, "en")
    await book_tuesday(chat)
    async with sqlite_db.transaction() as session:
        [appointment] = list(await session.scalars(select(Appointment)))
    days = await chat.press(f"amove:{appointment.id}")
    assert "bnone" not in actions(days)
    times = await chat.press(f"bday:{TUESDAY}")
    assert "bnone" not in actions(times)
