"""/termin chooses the place before the way to meet, and offers only what that office allows
(issue 18, points 1 and 2): a follow-up at an office that takes appointments in person only is
not asked about phone or video; at an office that also takes calls and video calls, those are
offered; "any place" offers what at least one place allows and then shows only the times of
the places that allow the way chosen. The first interview is always in person."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.appointments.setup import set_booking_rules
from bot.catalogue.samples import RBK
from bot.flows.events import BotKind
from bot.flows.staff.phone_booking import book as phone_booking_book
from bot.flows.staff.phone_booking import flow as phone_booking
from storage.catalogue_io import import_catalogue
from storage.models import Appointment, CaseManagerWorkplace
from tests.support.common import actions, buttons, text
from tests.support.staff import add_member, add_workplace, local

ODENTHAL = "kim-odenthal"  # Frau Kaya, Tuesdays: follow-ups in person only
STADTHAUS = "kim-bergisch-gladbach"  # Herr Lenz, Thursdays: in person, by phone or video


def at(day: int, hour: int) -> str:
    return str(int(local(day, hour).timestamp()))


@pytest.fixture
async def places(sqlite_db, clock):
    """Odenthal served at its own office and from the Stadthaus in Bergisch Gladbach."""
    await import_catalogue(sqlite_db, [RBK], clock.now())
    kaya = await add_member(sqlite_db, 900, "Frau Kaya")
    lenz = await add_member(sqlite_db, 901, "Herr Lenz")
    await add_workplace(sqlite_db, kaya, office=ODENTHAL, hours="Tu 13:00-15:00")
    await add_workplace(sqlite_db, lenz, office=STADTHAUS, hours="Th 13:00-15:00")
    async with sqlite_db.transaction() as session:
        await set_booking_rules(session, STADTHAUS, {}, channels=["in_person", "phone", "video"])
        ids = {office: workplace_id for office, workplace_id in await session.execute(
            select(CaseManagerWorkplace.office_id, CaseManagerWorkplace.id))}
    return {"kaya": kaya, "lenz": lenz, ODENTHAL: str(ids[ODENTHAL]),
            STADTHAUS: str(ids[STADTHAUS])}


def staff(chat_factory):
    return chat_factory(user_id=900, language_code="de", bot=BotKind.STAFF)


async def to_place(chat, kind: str = "follow_up"):
    """/termin for Herr D. (German, no phone) in Odenthal: the place question."""
    await chat.send("/termin")
    await chat.send("Herr D.")
    await chat.press("no_phone")
    await chat.press("pb_language:de")
    await chat.press("pb_town:odenthal")
    return await chat.press(f"pb_kind:{kind}")


async def booked(db) -> list[Appointment]:
    async with db.transaction() as session:
        return list(await session.scalars(select(Appointment).order_by(Appointment.id)))


async def test_the_place_comes_first_and_names_each_office(chat_factory, places):
    asked = await to_place(staff(chat_factory))
    assert text(asked) == "Wo in Odenthal? (Folgetermin: Orte mit freien Zeiten)"
    assert actions(asked) == [f"pb_place:{places[STADTHAUS]}", f"pb_place:{places[ODENTHAL]}",
                              "pb_place:any", "abort"]
    labels = [b.label for b in buttons(asked)]
    assert "Bergisch Gladbach" in labels[0] and "Odenthal" in labels[1]
    assert "Herr Lenz" not in labels[0]  # one case manager per office: the office is enough


async def test_an_office_for_in_person_only_asks_no_way_to_meet(chat_factory, sqlite_db,
                                                                places):
    chat = staff(chat_factory)
    await to_place(chat)
    days = await chat.press(f"pb_place:{places[ODENTHAL]}")
    assert not any(a.startswith("pb_channel:") for a in actions(days))
    assert actions(days)[0] == "pb_day:20261124"  # Tuesday: Frau Kaya's day
    assert "pb_day:20261126" not in actions(days)  # not Herr Lenz's Thursday
    await chat.press("pb_day:20261124")
    check = await chat.press(f"pb_time:{at(24, 13)}")
    assert "📋 Folgetermin, persönlich" in text(check)
    await chat.press("pb_book")
    [appointment] = await booked(sqlite_db)
    assert (appointment.office_id, appointment.channel) == (ODENTHAL, "in_person")


async def test_an_office_with_calls_and_video_offers_exactly_those(chat_factory, sqlite_db,
                                                                  places):
    chat = staff(chat_factory)
    await to_place(chat)
    ways = await chat.press(f"pb_place:{places[STADTHAUS]}")
    assert text(ways).startswith("Wie findet der Folgetermin statt?")
    assert "Bergisch Gladbach" in text(ways)
    assert actions(ways) == ["pb_channel:in_person", "pb_channel:phone", "pb_channel:video",
                             "abort"]
    days = await chat.press("pb_channel:video")
    assert actions(days)[0] == "pb_day:20261126"
    await chat.press("pb_day:20261126")
    check = await chat.press(f"pb_time:{at(26, 13)}")
    assert "📋 Folgetermin, Video" in text(check)
    assert text(await chat.press("pb_book")).startswith(phone_booking_book.BOOKED)
    [appointment] = await booked(sqlite_db)
    assert (appointment.office_id, appointment.channel, appointment.staff_member_id) == (
        STADTHAUS, "video", places["lenz"])


async def test_any_place_shows_only_the_times_where_the_way_chosen_is_offered(
        chat_factory, places):
    chat = staff(chat_factory)
    await to_place(chat)
    ways = await chat.press("pb_place:any")
    assert "mindestens ein Ort in Odenthal" in text(ways)
    assert actions(ways)[:3] == ["pb_channel:in_person", "pb_channel:phone", "pb_channel:video"]
    by_phone = await chat.press("pb_channel:phone")
    assert actions(by_phone)[:2] == ["pb_day:20261126", "pb_day:20261203"]  # Thursdays only
    other = chat_factory(user_id=901, language_code="de", bot=BotKind.STAFF)
    await to_place(other)
    await other.press("pb_place:any")
    in_person = await other.press("pb_channel:in_person")
    assert actions(in_person)[:2] == ["pb_day:20261124", "pb_day:20261126"]  # both places


async def test_the_first_interview_is_in_person_wherever_it_is(chat_factory, sqlite_db,
                                                              places):
    chat = staff(chat_factory)
    await to_place(chat, kind="first_interview")
    days = await chat.press(f"pb_place:{places[STADTHAUS]}")
    assert actions(days)[0] == "pb_day:20261126"  # no question about the way to meet
    await chat.press("pb_day:20261126")
    check = await chat.press(f"pb_time:{at(26, 13)}")
    assert "📋 Erstgespräch, persönlich" in text(check)


async def test_a_town_with_one_place_asks_no_place(chat_factory, sqlite_db, clock):
    await import_catalogue(sqlite_db, [RBK], clock.now())
    kaya = await add_member(sqlite_db, 900, "Frau Kaya")
    await add_workplace(sqlite_db, kaya, office=ODENTHAL, hours="Tu 13:00-15:00")
    days = await to_place(staff(chat_factory), kind="follow_up")
    assert actions(days)[0] == "pb_day:20261124"


async def test_ways_the_place_does_not_offer_change_nothing(chat_factory, sqlite_db, places):
    chat = staff(chat_factory)
    await to_place(chat)
    days = await chat.press(f"pb_place:{places[ODENTHAL]}")  # in person only: no question
    assert text(await chat.press("pb_channel:video")) == phone_booking.WRONG_STEP
    assert actions(await chat.press("pb_day:20261124"))[0] == f"pb_time:{at(24, 13)}"
    other = chat_factory(user_id=901, language_code="de", bot=BotKind.STAFF)
    await to_place(other)
    await other.press("pb_place:any")
    assert text(await other.press("pb_channel:fax")) == phone_booking.WRONG_STEP
    assert await booked(sqlite_db) == [] and "pb_day:20261124" in actions(days)


async def test_a_way_to_meet_withdrawn_before_booking_is_not_booked(chat_factory, sqlite_db,
                                                                   places):
    chat = staff(chat_factory)
    await to_place(chat)
    await chat.press(f"pb_place:{places[STADTHAUS]}")
    await chat.press("pb_channel:video")
    await chat.press("pb_day:20261126")
    await chat.press(f"pb_time:{at(26, 13)}")
    async with sqlite_db.transaction() as session:
        await set_booking_rules(session, STADTHAUS, {}, channels=["in_person"])
    refused = await chat.press("pb_book")
    assert text(refused).startswith("Diese Zeit wurde eben vergeben.")
    assert await booked(sqlite_db) == []
