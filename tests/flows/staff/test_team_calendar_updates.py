"""When the team cancels or moves an appointment, the person's calendar follows (issue 18,
point 8): after the notice comes a calendar file with METHOD:CANCEL for the very event the
booking's file created (same UID, a higher SEQUENCE), through the outbox, so it survives a
crash, keeps the rate limits and waits for the end of the quiet hours. After a move, the
new time the person books comes with its own file. (Through both real bots:
tests/end_to_end/test_team_calendar_updates.py.)"""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar
from sqlalchemy import select

from bot.flows.events import BotKind, Document, Outcome
from bot.i18n import translator
from storage.models import Appointment
from tests.support.booking import MANAGER_CHAT, book_tuesday, consented
from tests.support.chat import Chat
from tests.support.common import actions, text
from tests.support.outbox import Recorder, dispatcher_for
from tests.support.staff import add_appointment, add_client, local, outbox

AR = translator("ar")
PERSON = 4242


def calendar(document: Document | None) -> tuple[Calendar, dict]:
    """The calendar and its one event."""
    assert document is not None and document.mime_type == "text/calendar"
    parsed = Calendar.from_ical(document.content)
    [event] = parsed.walk("VEVENT")
    return parsed, event


def calendar_files(outcome: Outcome) -> list[Document]:
    return [reply.document for reply in outcome.replies if reply.document is not None]


async def booked(engine, db) -> tuple[Chat, Appointment, Document]:
    """A person who booked Tuesday 09:00 in Odenthal through the client bot, with the
    calendar file the booking gave them."""
    person = await consented(engine, PERSON, "ar")
    [publish] = calendar_files(await book_tuesday(person))
    async with db.transaction() as session:
        [appointment] = list(await session.scalars(select(Appointment)))
    return person, appointment, publish


def manager(engine) -> Chat:
    return Chat(engine, MANAGER_CHAT, "de", BotKind.STAFF)


async def deliver(db, clock) -> list:
    """Run the outbox once; what the client chat received."""
    client = Recorder()
    await dispatcher_for(db, clock, {"client": client, "staff": Recorder()}).run_once()
    return [reply for chat_id, reply in client.sent if chat_id == PERSON]


async def test_a_cancellation_by_the_team_removes_the_event_from_the_calendar(
        booking_engine, sqlite_db, clock):
    _, appointment, publish = await booked(booking_engine, sqlite_db)
    await deliver(sqlite_db, clock)  # the booking's notice to the case manager
    staff = manager(booking_engine)
    assert f"cancel_yes:{appointment.id}" in actions(
        await staff.press(f"cancel:{appointment.id}"))
    done = await staff.press(f"cancel_yes:{appointment.id}")
    assert "im Chat benachrichtigt" in text(done)

    notice, removal = await deliver(sqlite_db, clock)
    assert notice.text == AR._("Sorry, the KIM team had to cancel your appointment on "
                               "{date} at {time}. Please choose a new time.",
                               date=AR.date(appointment.starts_at),
                               time=AR.time(appointment.starts_at))
    assert notice.document is None and notice.buttons[0][0].action == "book"
    assert removal.text == AR._("To remove it from your calendar") and removal.rtl
    assert removal.document.filename == f"kim-appointment-{appointment.id}-cancelled.ics"
    cancelled, event = calendar(removal.document)
    original, booked_event = calendar(publish)
    assert (original["METHOD"], cancelled["METHOD"]) == ("PUBLISH", "CANCEL")
    assert event["UID"] == booked_event["UID"]  # the same event ...
    assert event["SEQUENCE"] > booked_event["SEQUENCE"]  # ... in a newer version
    assert event["STATUS"] == "CANCELLED"
    assert event.decoded("DTSTART") == booked_event.decoded("DTSTART") == local(24, 9)
    assert "Odenthal" in str(event["LOCATION"])
    assert await outbox(sqlite_db) == []  # sent once, then gone


async def test_cancelling_from_the_absence_clash_list_sends_the_file_too(
        booking_engine, sqlite_db, clock):
    _, appointment, _ = await booked(booking_engine, sqlite_db)
    await deliver(sqlite_db, clock)
    staff = manager(booking_engine)
    await staff.send("/abwesend")
    clash = await staff.send("24.11.")
    assert f"cancel:{appointment.id}" in actions(clash)
    await staff.press(f"cancel:{appointment.id}")
    await staff.press(f"cancel_yes:{appointment.id}")
    _, removal = await deliver(sqlite_db, clock)
    assert calendar(removal.document)[0]["METHOD"] == "CANCEL"


async def test_at_night_the_notice_and_its_file_wait_for_the_morning(
        booking_engine, sqlite_db, clock):
    _, appointment, _ = await booked(booking_engine, sqlite_db)
    await deliver(sqlite_db, clock)
    clock.set(local(23, 22, 30))  # Monday evening, inside the quiet hours 21:00-07:00
    staff = manager(booking_engine)
    await staff.press(f"cancel_yes:{appointment.id}")
    waiting = await outbox(sqlite_db)
    assert [row.next_attempt_at for row in waiting] == [local(24, 7)] * 2
    assert await deliver(sqlite_db, clock) == []  # nothing in the night
    clock.set(local(24, 7))
    notice, removal = await deliver(sqlite_db, clock)
    assert notice.document is None and removal.document is not None  # in their order


async def test_a_move_cancels_the_old_event_and_the_new_time_brings_its_own(
        booking_engine, sqlite_db, clock):
    person, appointment, publish = await booked(booking_engine, sqlite_db)
    await deliver(sqlite_db, clock)
    clock.set(local(24, 9, 5))  # the appointment has begun: the question after it
    staff = manager(booking_engine)
    moved = await staff.press(f"oc_move:{appointment.id}")
    assert "verschoben" in text(moved)
    notice, removal = await deliver(sqlite_db, clock)
    assert notice.text == AR._(
        "Your appointment on {date} at {time} is moved. Please choose a new time.",
        date=AR.date(appointment.starts_at), time=AR.time(appointment.starts_at))
    _, old_event = calendar(removal.document)
    assert old_event["UID"] == calendar(publish)[1]["UID"]
    assert calendar(removal.document)[0]["METHOD"] == "CANCEL"

    # "Book an appointment" under the notice: the new time comes with a new event.
    await person.press("book")
    await person.press("bday:20261126")
    minutes = int(local(26, 9).timestamp()) // 60
    await person.press(f"btime:{minutes}")
    check = await person.press("binterp:ar")
    confirmed = await person.press(next(a for a in actions(check) if a.startswith("bok:")))
    [new_file] = calendar_files(confirmed)
    new_calendar, new_event = calendar(new_file)
    assert new_calendar["METHOD"] == "PUBLISH"
    assert new_event["UID"] != old_event["UID"]
    assert new_event.decoded("DTSTART") == local(26, 9)


async def test_a_person_without_the_chat_gets_no_file(chat_factory, sqlite_db):
    from tests.support.staff import add_member

    me = await add_member(sqlite_db, 700, "Frau Kaya")
    caller = await add_client(sqlite_db, alias="Herr D.", phone="0171 2345678")
    later = await add_appointment(sqlite_db, caller, me, local(23, 15))
    staff = chat_factory(user_id=700, language_code="de", bot=BotKind.STAFF)
    done = await staff.press(f"cancel_yes:{later}")
    assert "bitte rufen Sie sie an" in text(done)
    assert await outbox(sqlite_db) == []


async def test_the_file_is_dropped_with_everything_else_when_the_person_erases(
        booking_engine, sqlite_db, clock):
    person, appointment, _ = await booked(booking_engine, sqlite_db)
    await deliver(sqlite_db, clock)
    clock.set(local(23, 22, 30))  # the notices wait for the morning ...
    await manager(booking_engine).press(f"cancel_yes:{appointment.id}")
    assert len(await outbox(sqlite_db)) == 2
    clock.advance(timedelta(minutes=5))
    await person.send("/delete")  # ... and the person erases their data meanwhile
    await person.press("delete:yes")
    assert [row for row in await outbox(sqlite_db) if row.bot == "client"] == []
