"""Booking a time from a waiting-list offer goes through the same steps as any booking once
the time is chosen (issue 18, point 3): how to meet where the office allows it (the first
interview always in person), the phone number for a call, the name if it is not known, no
second interpreter question, then the check screen and the usual confirmation. The first to
tap gets the time, kept for them while they answer; whoever taps later is told at once that it
has gone and stays on the list; a time kept for someone who went away goes to the next tap."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.appointments.setup import set_booking_rules
from bot.catalogue.cache import CatalogueCache
from bot.flows.context import FlowSettings
from bot.i18n import translator
from scheduler.waitlist import offer_freed_times
from storage import waitlist
from storage.models import (
    Absence,
    Client,
    WaitlistEntry,
    WaitlistOffer,
)
from storage.staff_agenda import add_absence
from tests.support.booking import (
    MANAGER_CHAT,
    attended_first_interview,
    book_button,
    booked_appointments,
    consented,
)
from tests.support.chat import Chat
from tests.support.common import actions, text
from tests.support.digest import messages_to
from tests.support.staff import local

EN, UK = translator("en"), translator("uk")
GONE = ("Sorry, someone else was faster: this time has gone. You stay on the waiting list, and "
        "we write to you when the next time becomes free.")


async def allow(db, channels: list[str]) -> None:
    async with db.transaction() as session:
        await set_booking_rules(session, "kim-odenthal", {"cancel_notice_minutes": 60},
                                channels=channels)


async def had_a_first_meeting(db, clock, user_id: int) -> None:
    """The person came to a first interview last week: what they book now is a follow-up."""
    async with db.transaction() as session:
        await attended_first_interview(session, clock, user_id)


async def name(db, user_id: int, alias: str | None) -> None:
    async with db.transaction() as session:
        client = await session.scalar(select(Client).where(Client.telegram_id == user_id))
        client.alias = alias


async def waiting(engine, user_id: int, language: str, interpreter: str = "no",
                  chat: Chat | None = None) -> Chat:
    """Nothing free (an absence blocks everything): the person joins the list for Odenthal."""
    chat = chat or await consented(engine, user_id, language)
    await chat.press("book")
    nothing = await chat.press("btown:odenthal")
    assert "wl_join" in actions(nothing), text(nothing)
    joined = await chat.press("wl_join")
    if "wl_interp:no" in actions(joined):
        joined = await chat.press(f"wl_interp:{interpreter}")
    assert "wl_leave" in actions(joined), text(joined)
    return chat


async def block_everything(db, clock) -> None:
    async with db.transaction() as session:
        await add_absence(session, 1, clock.now(), clock.now() + timedelta(days=30), clock.now())


async def free_again(db, clock) -> int:
    """The absence goes and the job makes its offers."""
    async with db.transaction() as session:
        for absence in list(await session.scalars(select(Absence))):
            await session.delete(absence)
        await waitlist.staff_time_freed(session, 1, clock.now())
    return await offer_freed_times(db, clock, CatalogueCache(), FlowSettings())


async def first_offered_time(db, user_id: int) -> str:
    [offer] = await messages_to(db, user_id, bot="client")
    return next(data for row in offer.buttons for _, data in row if data.startswith("wl_take:"))



async def test_a_follow_up_from_an_offer_asks_how_to_meet_and_the_phone_number(
        booking_engine, sqlite_db, clock):
    await allow(sqlite_db, ["in_person", "phone", "video"])
    await block_everything(sqlite_db, clock)
    chat = await consented(booking_engine, 1201, "en")
    await had_a_first_meeting(sqlite_db, clock, 1201)
    await name(sqlite_db, 1201, "Sam")
    chat = await waiting(booking_engine, 1201, "en", interpreter="en", chat=chat)
    assert await free_again(sqlite_db, clock) == 1

    how = await chat.press(await first_offered_time(sqlite_db, 1201))
    assert EN._("How do you want to meet?") in text(how)
    assert actions(how)[:3] == ["bchan:in_person", "bchan:phone", "bchan:video"]
    phone = await chat.press("bchan:phone")
    assert EN._("Please write your phone number, so the case manager can call you.") in text(
        phone)
    check = await chat.send("0176 1234567")  # name known, interpreter asked on joining
    assert EN._("Please check your appointment:") in text(check)
    assert EN._("By phone: the case manager calls you.") in text(check)
    assert EN._("Interpreter: {language}", language="English") in text(check)
    booked = await chat.press(book_button(check))
    assert EN._("Your appointment is booked.") in text(booked)
    assert EN._("You are no longer on the waiting list.") in text(booked)
    [appointment] = await booked_appointments(sqlite_db)
    assert (appointment.kind, appointment.channel, appointment.interpreter_language,
            appointment.starts_at) == ("follow_up", "phone", "en", local(24, 9))
    [told] = await messages_to(sqlite_db, MANAGER_CHAT)
    assert told.text.startswith("📅 Neuer Termin") and "Folgetermin, Telefon" in told.text
    async with sqlite_db.transaction() as session:
        [entry] = list(await session.scalars(select(WaitlistEntry)))
        taken = list(await session.scalars(select(WaitlistOffer).where(
            WaitlistOffer.taken_at.is_not(None))))
    assert entry.end_reason == "booked" and [o.starts_at for o in taken] == [local(24, 9)]


async def test_a_first_interview_from_an_offer_is_in_person_and_asks_the_name_once(
        booking_engine, sqlite_db, clock):
    await allow(sqlite_db, ["in_person", "phone", "video"])
    await block_everything(sqlite_db, clock)
    chat = await waiting(booking_engine, 1202, "uk")
    await free_again(sqlite_db, clock)

    asked = await chat.press(await first_offered_time(sqlite_db, 1202))
    assert "bchan:phone" not in actions(asked)  # the first interview: in person only
    assert UK._("Which name should the case manager use for you? A first name is enough. "
                "Please write it.") in text(asked)
    check = await chat.send("Olena")
    assert "binterp:no" not in actions(check)  # asked when joining the list
    assert UK._("Interpreter: not needed") in text(check)
    booked = await chat.press(book_button(check))
    assert UK._("Your appointment is booked.") in text(booked)
    assert any(reply.document is not None for reply in booked.replies)  # the calendar file
    [appointment] = await booked_appointments(sqlite_db)
    assert (appointment.kind, appointment.channel) == ("first_interview", "in_person")
    async with sqlite_db.transaction() as session:
        client = await session.scalar(select(Client).where(Client.telegram_id == 1202))
    assert client.alias == "Olena"


async def two_waiting(engine, db, clock, first_id: int, second_id: int,
                      second_name: str) -> tuple[Chat, Chat]:
    """Two people wait for Odenthal (only the second has given a name), and a time comes
    free: both are offered it."""
    await block_everything(db, clock)
    first = await waiting(engine, first_id, "en")
    second = await waiting(engine, second_id, "en")
    await name(db, second_id, second_name)
    assert await free_again(db, clock) == 2
    return first, second


async def test_the_first_tap_gets_the_time_and_a_later_tap_is_told_at_once(
        booking_engine, sqlite_db, clock):
    first, second = await two_waiting(booking_engine, sqlite_db, clock, 1203, 1204, "Sam")
    first_take = await first_offered_time(sqlite_db, 1203)
    second_take = await first_offered_time(sqlite_db, 1204)

    asked = await first.press(first_take)  # the name question: the time is kept meanwhile
    assert "bnoname" in actions(asked)
    clock.advance(timedelta(minutes=5))
    lost = await second.press(second_take)  # name known, but tapped second
    assert EN._(GONE) in text(lost)
    assert "bok:" not in " ".join(actions(lost))

    check = await first.send("Olena")
    booked = await first.press(book_button(check))
    assert EN._("Your appointment is booked.") in text(booked)
    assert len(await booked_appointments(sqlite_db)) == 1
    async with sqlite_db.transaction() as session:
        entries = {e.client_id: e for e in await session.scalars(select(WaitlistEntry))}
        first_id = await session.scalar(select(Client.id).where(Client.telegram_id == 1203))
    assert entries[first_id].end_reason == "booked"
    assert sorted(e.end_reason or "waiting" for e in entries.values()) == ["booked", "waiting"]
    menu_again = await second.press("appointments")
    assert "wl_leave" in actions(menu_again)  # the second person is still waiting


async def test_a_time_kept_for_someone_who_went_away_goes_to_the_next_tap(
        booking_engine, sqlite_db, clock):
    first, second = await two_waiting(booking_engine, sqlite_db, clock, 1205, 1206, "Dawit")
    first_take = await first_offered_time(sqlite_db, 1205)

    await first.press(first_take)  # asked for the name, and then nothing for a while
    clock.advance(waitlist.HOLD + timedelta(minutes=1))
    check = await second.press(await first_offered_time(sqlite_db, 1206))
    assert EN._("Please check your appointment:") in text(check)
    lost = await first.send("Olena")  # back too late: the next tap has the time now
    assert EN._(GONE) in text(lost)
    booked = await second.press(book_button(check))
    assert EN._("Your appointment is booked.") in text(booked)
    async with sqlite_db.transaction() as session:
        winner = await session.scalar(select(Client.id).where(Client.telegram_id == 1206))
    assert [a.client_id for a in await booked_appointments(sqlite_db)] == [winner]
