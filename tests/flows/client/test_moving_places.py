"""Moving an appointment to another place of the town (issue 18, points 2 and 8): the calendar
file that removes the old event names the old place, the new one the new place; a move keeps
how the appointment takes place unless the new place does not offer it, and then the person
gets what that office allows (never a phone call at an office that takes people in person
only)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from bot.appointments.setup import set_booking_rules
from bot.i18n import translator
from storage import appointments as store
from storage.models import (
    Appointment,
    AppointmentKind,
    CaseManagerWorkplace,
    Channel,
    StaffRole,
)
from storage.repositories import Staff
from tests.support.booking import (
    attended_first_interview,
    book_button,
    booked_appointments,
    consented,
)
from tests.support.chat import Chat
from tests.support.common import actions, text
from tests.support.staff import local

EN = translator("en")
STADTHAUS = "kim-bergisch-gladbach"


@pytest.fixture
async def two_places(booking_engine, sqlite_db, clock):
    """Odenthal: its own office (Frau Case, in person only) and the Stadthaus in Bergisch
    Gladbach (Herr Zwei, in person or by phone), both Tuesdays and Thursdays."""
    async with sqlite_db.transaction() as session:
        second = await Staff(session).add(9003, "Herr Zwei", StaffRole.CASE_MANAGER,
                                          clock.now())
        session.add(CaseManagerWorkplace(staff_member_id=second.id, office_id=STADTHAUS,
                                         towns=["odenthal"], working_hours="Tu,Th 10:00-13:00"))
        await set_booking_rules(session, STADTHAUS, {}, channels=["in_person", "phone"])
    return booking_engine


async def holding(engine, db, clock, channel: Channel) -> tuple[Chat, Appointment]:
    """A person after their first interview with a follow-up at the Stadthaus on Thursday."""
    chat = await consented(engine, 707, "en")
    async with db.transaction() as session:
        client = await attended_first_interview(session, clock, 707)
        client.alias, client.town, client.phone = "Sam", "odenthal", "0176 1234567"
        zwei = await session.scalar(select(CaseManagerWorkplace.staff_member_id).where(
            CaseManagerWorkplace.office_id == STADTHAUS))
        moving = await store.book(
            session, client_id=client.id, staff_member_id=zwei, office_id=STADTHAUS,
            kind=AppointmentKind.FOLLOW_UP, channel=channel, starts_at=local(26, 11),
            duration=timedelta(minutes=30), now=clock.now())
    return chat, moving


async def place_of(db, office: str) -> str:
    async with db.transaction() as session:
        return str(await session.scalar(select(CaseManagerWorkplace.id).where(
            CaseManagerWorkplace.office_id == office)))


async def move_to(chat: Chat, db, moving: Appointment, office: str, day: int, hour: int):
    """"Another time", the place, the day and the time: the next screen."""
    places = await chat.press(f"amove:{moving.id}")
    place = await place_of(db, office)
    assert f"bplace:{place}" in actions(places), text(places)
    await chat.press(f"bplace:{place}")
    await chat.press(f"bday:202611{day}")
    return await chat.press(f"btime:{int(local(day, hour).timestamp()) // 60}")


def calendar(reply) -> dict:
    assert reply.document is not None
    [event] = Calendar.from_ical(reply.document.content).walk("VEVENT")
    return event



async def test_the_removed_event_names_the_old_place_and_the_new_one_the_new(
        two_places, sqlite_db, clock):
    chat, moving = await holding(two_places, sqlite_db, clock, Channel.IN_PERSON)
    check = await move_to(chat, sqlite_db, moving, "kim-odenthal", 24, 9)
    done = await chat.press(book_button(check))
    _, removal, added = done.replies[:3]
    old, new = calendar(removal), calendar(added)
    assert "Bergisch Gladbach" in str(old["LOCATION"]) and "Odenthal" not in str(old["LOCATION"])
    assert "Odenthal" in str(new["LOCATION"])
    assert str(old["UID"]) == f"appointment-{moving.id}@kimbot"


async def test_a_phone_appointment_moved_to_an_office_without_calls_is_in_person(
        two_places, sqlite_db, clock):
    chat, moving = await holding(two_places, sqlite_db, clock, Channel.PHONE)
    check = await move_to(chat, sqlite_db, moving, "kim-odenthal", 24, 9)
    assert EN._("Please check your appointment:") in text(check)  # nothing else to ask
    assert EN._("By phone: the case manager calls you.") not in text(check)
    assert "Odenthal" in text(check)
    await chat.press(book_button(check))
    [moved] = await booked_appointments(sqlite_db)
    assert (moved.office_id, moved.channel) == ("kim-odenthal", "in_person")


async def test_a_phone_appointment_moved_within_its_office_stays_a_call(
        two_places, sqlite_db, clock):
    chat, moving = await holding(two_places, sqlite_db, clock, Channel.PHONE)
    check = await move_to(chat, sqlite_db, moving, STADTHAUS, 24, 10)
    assert not any(a.startswith("bchan:") for a in actions(check))  # not asked again
    assert EN._("By phone: the case manager calls you.") in text(check)
    await chat.press(book_button(check))
    [moved] = await booked_appointments(sqlite_db)
    assert (moved.office_id, moved.channel, moved.starts_at) == (STADTHAUS, "phone",
                                                                 local(24, 10))
