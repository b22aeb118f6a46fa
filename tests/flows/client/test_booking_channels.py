"""How a follow-up takes place, where the office allows more than in person: in person, by
phone (then a number is needed) or by video call. The first interview is always in person."""

from __future__ import annotations

from sqlalchemy import select

from bot.appointments.setup import set_booking_rules
from bot.i18n import FSI, PDI, translator
from storage import appointments as store
from storage.models import Appointment, AppointmentStatus, Client, OutboxMessage
from tests.support.booking import MANAGER_CHAT, TUESDAY, TUESDAY_NINE, book_button, consented
from tests.support.common import actions, text

EN = translator("en")


async def allow(db, channels: list[str]) -> None:
    async with db.transaction() as session:
        await set_booking_rules(session, "kim-odenthal", {}, channels=channels)


async def after_a_first_meeting(db, clock, chat) -> None:
    """The person had their first interview: what they book now is a follow-up."""
    await chat.press("book")
    await chat.press("btown:odenthal")
    await chat.press(f"bday:{TUESDAY}")
    await chat.press(f"btime:{TUESDAY_NINE}")
    await chat.send("Amal")
    check = await chat.press("binterp:no")
    await chat.press(book_button(check))
    async with db.transaction() as session:
        [first] = list(await session.scalars(select(Appointment)))
        await store.close(session, first, AppointmentStatus.ATTENDED, clock.now())


async def to_times(chat):
    await chat.press("book")
    await chat.press("btown:odenthal")
    return await chat.press("bday:20261126")


async def test_a_follow_up_by_phone_asks_for_the_number_and_says_so(booking_engine, sqlite_db,
                                                                    clock):
    await allow(sqlite_db, ["in_person", "phone", "video"])
    chat = await consented(booking_engine, 901, "en")
    await after_a_first_meeting(sqlite_db, clock, chat)
    await to_times(chat)
    thursday = TUESDAY_NINE + 2 * 24 * 60
    asked = await chat.press(f"btime:{thursday}")
    assert EN._("How do you want to meet?") in text(asked)
    assert actions(asked)[:3] == ["bchan:in_person", "bchan:phone", "bchan:video"]
    phone = await chat.press("bchan:phone")
    assert EN._("Please write your phone number, so the case manager can call you.") in text(
        phone)
    again = await chat.send("call me")
    assert "does not look like a phone number" in text(again)
    interpreter = await chat.send("0176 1234567")
    assert "binterp:no" in actions(interpreter)
    check = await chat.press("binterp:no")
    assert EN._("By phone: the case manager calls you.") in text(check)
    assert "📍" not in text(check)  # no address for a call
    done = await chat.press(book_button(check))
    assert EN._("By phone: the case manager calls you.") in done.replies[0].text
    async with sqlite_db.transaction() as session:
        follow_up = (await session.scalars(select(Appointment).order_by(Appointment.id))).all()[-1]
        client = await session.get(Client, follow_up.client_id)
        told = (await session.scalars(select(OutboxMessage.text).where(
            OutboxMessage.chat_id == MANAGER_CHAT).order_by(OutboxMessage.id))).all()[-1]
    assert (follow_up.kind, follow_up.channel, client.phone) == (
        "follow_up", "phone", "0176 1234567")
    assert "Folgetermin, Telefon" in told and f"Tel. {FSI}0176 1234567{PDI}" in told


async def test_a_video_call_needs_no_number_and_the_calendar_says_so(booking_engine, sqlite_db,
                                                                     clock):
    await allow(sqlite_db, ["in_person", "video"])
    chat = await consented(booking_engine, 902, "en")
    await after_a_first_meeting(sqlite_db, clock, chat)
    await to_times(chat)
    asked = await chat.press(f"btime:{TUESDAY_NINE + 2 * 24 * 60}")
    assert actions(asked)[:2] == ["bchan:in_person", "bchan:video"]
    assert "bchan:phone" not in actions(asked)
    forged = await chat.press("bchan:phone")  # not offered by this office
    assert "does not work any more" in text(forged)
    await chat.press(f"btime:{TUESDAY_NINE + 2 * 24 * 60}")
    check = await chat.press("bchan:video")
    check = await chat.press("binterp:no") if "binterp:no" in actions(check) else check
    done = await chat.press(book_button(check))
    ics = done.replies[1].document.content.decode()
    assert "LOCATION:Video call" in ics


async def test_the_first_interview_is_always_in_person(booking_engine, sqlite_db):
    await allow(sqlite_db, ["in_person", "phone", "video"])
    chat = await consented(booking_engine, 903, "en")
    await chat.press("book")
    await chat.press("btown:odenthal")
    await chat.press(f"bday:{TUESDAY}")
    name = await chat.press(f"btime:{TUESDAY_NINE}")
    assert not any(a.startswith("bchan:") for a in actions(name))
    stale = await chat.press("bchan:phone")
    assert "does not work any more" in text(stale)


async def test_an_office_without_other_ways_asks_nothing(booking_engine, sqlite_db, clock):
    chat = await consented(booking_engine, 904, "en")
    await after_a_first_meeting(sqlite_db, clock, chat)
    await to_times(chat)
    asked = await chat.press(f"btime:{TUESDAY_NINE + 2 * 24 * 60}")
    assert not any(a.startswith("bchan:") for a in actions(asked))


async def test_a_way_to_meet_the_office_stopped_offering_is_asked_again_on_booking(
        booking_engine, sqlite_db, clock):
    await allow(sqlite_db, ["in_person", "video"])
    chat = await consented(booking_engine, 905, "en")
    await after_a_first_meeting(sqlite_db, clock, chat)
    await to_times(chat)
    await chat.press(f"btime:{TUESDAY_NINE + 2 * 24 * 60}")
    check = await chat.press("bchan:video")
    check = await chat.press("binterp:no") if "binterp:no" in actions(check) else check
    await allow(sqlite_db, ["in_person", "phone"])  # the office changes its rules meanwhile

    asked = await chat.press(book_button(check))
    assert EN._("How do you want to meet?") in text(asked)
    assert actions(asked)[:2] == ["bchan:in_person", "bchan:phone"]
    async with sqlite_db.transaction() as session:
        booked = list(await session.scalars(select(Appointment).where(
            Appointment.status == "booked")))
    assert booked == []  # nothing booked by video
    check = await chat.press("bchan:in_person")
    done = await chat.press(book_button(check))
    assert EN._("Your appointment is booked.") in text(done)
