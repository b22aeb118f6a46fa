"""Booking in the client bot: town, day, time, name, interpreter, confirm; my appointments with
cancel and another time; the case manager told through the outbox; forged and stale buttons."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.flows.context import FlowSettings
from bot.flows.engine import FlowEngine
from bot.flows.events import Outcome
from storage.models import CaseManagerWorkplace, StaffRole
from storage.repositories import Staff
from tests.support.booking import (
    TUESDAY,
    TUESDAY_NINE,
    appointments,
    book_button,
    book_tuesday,
    booked,
    consented,
    move_to,
    short_notice,
    staff_messages,
    to_time,
)
from tests.support.chat import Chat
from tests.support.common import actions, text


def times(outcome: Outcome) -> list[str]:
    return [a for a in actions(outcome) if a.startswith("btime:")]


async def to_check(chat: Chat, day: str = TUESDAY, minutes: int = TUESDAY_NINE) -> Outcome:
    """From "Book" to the check screen: Odenthal, `day`, `minutes`, no name, no interpreter."""
    await to_time(chat, day, minutes)
    return await chat.press_each("bnoname", "binterp:no")


async def test_booking_in_arabic_confirms_with_a_calendar_file_and_tells_the_case_manager(
        booking_engine, sqlite_db):
    chat = await consented(booking_engine, 501)
    town = await chat.press("book")
    assert "btown:odenthal" in actions(town)
    days = await chat.press("btown:odenthal")
    assert f"bday:{TUESDAY}" in actions(days) and "bday:20261126" in actions(days)
    assert "bday:20261123" not in actions(days)  # Monday: no working hours
    slots = await chat.press(f"bday:{TUESDAY}")
    # A first interview lasts 60 minutes: 09:00 ... 11:00 on a 30-minute grid.
    assert len(times(slots)) == 5 and times(slots)[0] == f"btime:{TUESDAY_NINE}"
    name = await chat.press(f"btime:{TUESDAY_NINE}")
    assert "bnoname" in actions(name)
    interpreter = await chat.send("Amal")
    assert actions(interpreter)[:3] == ["binterp:ar", "binterp:other", "binterp:no"]
    check = await chat.press("binterp:ar")
    assert "\u2068٠٩:٠٠\u2069" in text(check) or "09:00" in text(check)
    done = await chat.press(book_button(check))

    confirmation, calendar = done.replies[0], done.replies[1]
    assert confirmation.rtl and "KIM" in confirmation.text
    assert "openstreetmap.org" in confirmation.text
    assert calendar.document is not None and calendar.document.filename.endswith(".ics")
    ics = calendar.document.content.decode()
    assert "DTSTART:20261124T080000Z" in ics and "DTEND:20261124T090000Z" in ics
    [appointment] = await appointments(sqlite_db)
    assert (appointment.kind, appointment.channel, appointment.interpreter_language) == (
        "first_interview", "in_person", "ar")
    [message] = await staff_messages(sqlite_db)
    assert message.startswith("📅 Neuer Termin")
    for part in ("Di 24.11.2026, 09:00–10:00 Uhr", "Amal", "Erstgespräch, persönlich",
                 "Sprache: Arabisch", "Dolmetschung: ja, Arabisch", "KIM"):
        assert part in message


async def test_booking_asks_for_consent_first_and_then_goes_on(booking_engine, sqlite_db):
    chat = Chat(booking_engine, 502, "en")
    await chat.send("/start")
    await chat.press("lang:en")
    refused = await chat.press("consent:no")
    assert "book" in actions(refused)
    asked = await chat.press("book")
    assert "consent:yes" in actions(asked) and "save" in text(asked)
    assert await appointments(sqlite_db) == []
    agreed = await chat.press("consent:yes")
    assert "btown:odenthal" in actions(agreed)  # straight on to the booking


async def test_a_german_speaker_is_not_asked_about_an_interpreter(booking_engine, sqlite_db):
    chat = await consented(booking_engine, 503, "de")
    await to_time(chat)
    check = await chat.send("Jonas")
    assert not any(a.startswith("binterp") for a in actions(check))
    await chat.press(book_button(check))
    [appointment] = await appointments(sqlite_db)
    assert appointment.interpreter_language is None


async def test_the_limit_of_open_appointments_is_kept(booking_engine, sqlite_db, clock):
    limited = FlowEngine(sqlite_db, clock, FlowSettings(max_open_appointments=1))
    chat = await consented(limited, 504, "en")
    await book_tuesday(chat)
    second = await chat.press("book")
    assert "You already have 1 appointment" in text(second)
    assert "appointments" in actions(second)
    assert len(await appointments(sqlite_db)) == 1


async def test_a_second_first_meeting_is_not_offered(booking_engine, sqlite_db):
    chat = await consented(booking_engine, 521, "en")
    await book_tuesday(chat)
    again = await chat.press("book")
    assert "already have a first meeting" in text(again)
    assert len(await appointments(sqlite_db)) == 1


async def test_two_people_choosing_the_same_time_get_one_appointment(booking_engine,
                                                                     sqlite_db):
    first = await consented(booking_engine, 505, "en")
    second = await consented(booking_engine, 506, "en")
    checks = [await to_check(chat) for chat in (first, second)]
    await first.press(book_button(checks[0]))
    lost = await second.press(book_button(checks[1]))
    assert "someone else just booked this time" in text(lost)
    assert f"btime:{TUESDAY_NINE}" not in times(lost) and times(lost)  # fresh times
    assert [a.client_id for a in await appointments(sqlite_db)] == [
        (await appointments(sqlite_db))[0].client_id]


async def test_pressing_book_twice_books_once(booking_engine, sqlite_db):
    chat = await consented(booking_engine, 507, "en")
    await book_tuesday(chat)
    again = await chat.press(f"bok:{TUESDAY_NINE}-0")
    assert "does not work any more" in text(again)
    assert len(await appointments(sqlite_db)) == 1


async def test_cancel_from_my_appointments_frees_the_time_and_tells_the_case_manager(
        booking_engine, sqlite_db):
    await short_notice(sqlite_db)
    chat, appointment = await booked(booking_engine, sqlite_db, 508)
    listing = await chat.press("appointments")
    assert f"acancel:{appointment.id}" in actions(listing)
    assert f"amove:{appointment.id}" in actions(listing)
    asked = await chat.press(f"acancel:{appointment.id}")
    assert "really" in text(asked)
    done = await chat.press(f"acancelok:{appointment.id}")
    assert "is cancelled" in text(done)
    [cancelled] = await appointments(sqlite_db)
    assert (cancelled.status, cancelled.cancelled_by) == ("cancelled", "client")
    assert (await staff_messages(sqlite_db))[-1].startswith("❌ Termin abgesagt (von der Person)")
    # The time is free again for the next person.
    other = await consented(booking_engine, 509, "en")
    await other.press("book")
    await other.press("btown:odenthal")
    assert f"btime:{TUESDAY_NINE}" in times(await other.press(f"bday:{TUESDAY}"))


async def test_another_time_moves_the_appointment_in_one_step(booking_engine, sqlite_db):
    await short_notice(sqlite_db)
    chat, old = await booked(booking_engine, sqlite_db, 510)
    check = await move_to(chat, old, TUESDAY_NINE + 120)
    await chat.press(book_button(check))  # name and interpreter are kept: straight to check
    old_now, new = await appointments(sqlite_db)
    assert old_now.status == "cancelled" and new.status == "booked"
    assert new.interpreter_language == "ar"
    assert new.starts_at == datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    assert (await staff_messages(sqlite_db))[-1].startswith("🔁 Termin verschoben")


async def test_someone_elses_appointment_id_changes_nothing(booking_engine, sqlite_db):
    owner = await consented(booking_engine, 511, "en")
    await book_tuesday(owner)
    [appointment] = await appointments(sqlite_db)
    intruder = await consented(booking_engine, 512, "en")
    for forged in (f"acancel:{appointment.id}", f"acancelok:{appointment.id}",
                   f"amove:{appointment.id}", "acancel:99999", "amove:abc"):
        answer = await intruder.press(forged)
        assert "not in your list" in text(answer) or "does not work" in text(answer), forged
    [untouched] = await appointments(sqlite_db)
    assert untouched.status == "booked"
    assert len(await staff_messages(sqlite_db)) == 1  # only the booking itself


async def test_bad_input_during_booking_changes_nothing(booking_engine, sqlite_db):
    chat = await consented(booking_engine, 513, "en")
    await to_time(chat)
    too_long = await chat.send("A" * 61)
    assert "at most 60" in text(too_long) and "bnoname" in actions(too_long)
    photo = await chat.send_unsupported("photo")
    assert "only read text" in text(photo)
    forged_time = await chat.press("btime:123")
    assert "does not work any more" in text(forged_time)
    forged_day = await chat.press("bday:20261399")
    assert "does not work any more" in text(forged_day)
    named = await chat.send("Sam")
    assert "binterp:no" in actions(named)  # still at the same booking, name taken now
    assert await appointments(sqlite_db) == []


async def test_a_time_taken_meanwhile_is_not_confirmed(booking_engine, sqlite_db, clock):
    chat = await consented(booking_engine, 514, "en")
    await chat.press("book")
    await chat.press("btown:odenthal")
    await chat.press(f"bday:{TUESDAY}")
    # Someone else books 09:00 between showing the times and pressing one.
    other = await consented(booking_engine, 515, "en")
    await book_tuesday(other, interpreter="no")
    answer = await chat.press(f"btime:{TUESDAY_NINE}")
    assert "not free any more" in text(answer)
    assert f"btime:{TUESDAY_NINE}" not in times(answer)


async def test_the_finder_offers_booking_where_kim_is_the_right_place(booking_engine):
    chat = await consented(booking_engine, 516, "en")
    await chat.press("finder")
    await chat.press("topic:letters")
    kim = await chat.press("town:odenthal")
    if "age:27" in actions(kim):
        kim = await chat.press("age:27")
    assert "KIM" in text(kim) and "book" in actions(kim)
    legal = await chat.press("finder")
    legal = await chat.press("topic:legal_advice")
    assert "book" not in actions(legal)
    # The town chosen in the finder is the booking's town.
    assert any(a.startswith("bday:") for a in actions(await chat.press("book")))


async def test_erasure_tells_the_case_manager_and_removes_the_appointments(booking_engine,
                                                                           sqlite_db):
    chat = await consented(booking_engine, 517, "en")
    await book_tuesday(chat)
    await chat.send("/delete")
    await chat.press("delete:yes")
    assert await appointments(sqlite_db) == []
    assert (await staff_messages(sqlite_db))[-1].startswith(
        "❌ Termin abgesagt (Person hat ihre Daten gelöscht)")


async def test_an_old_book_button_does_not_book_another_time(booking_engine, sqlite_db):
    chat = await consented(booking_engine, 518, "en")
    old_check = await to_check(chat)
    await chat.press("bdays")
    await chat.press("bday:20261126")
    await chat.press(f"btime:{TUESDAY_NINE + 2 * 24 * 60}")
    await chat.press("bnoname")
    thursday = await chat.press("binterp:no")
    assert book_button(thursday) != book_button(old_check)
    stale = await chat.press(book_button(old_check))
    assert "does not work any more" in text(stale)
    assert await appointments(sqlite_db) == []


async def test_the_booking_lands_with_the_case_manager_and_office_shown(booking_engine,
                                                                        sqlite_db, clock):
    """Two case managers serve the town; a booking elsewhere changes who is less busy, but
    the person still gets the one their check screen showed, or fresh times."""
    async with sqlite_db.transaction() as session:
        second = await Staff(session).add(9002, "Herr Zwei", StaffRole.CASE_MANAGER,
                                          clock.now())
        session.add(CaseManagerWorkplace(staff_member_id=second.id,
                                         office_id="kim-bergisch-gladbach", towns=["odenthal"],
                                         working_hours="Tu,Th 09:00-12:00"))
    chat = await consented(booking_engine, 519, "en")
    check = await to_check(chat)
    shown = "Odenthal" if "Odenthal" in text(check) else "Bergisch Gladbach"
    # Someone else books Thursday with the case manager shown, making them the busier one.
    other = await consented(booking_engine, 520, "en")
    await other.press(book_button(await to_check(other, "20261126",
                                                 TUESDAY_NINE + 2 * 24 * 60)))
    done = await chat.press(book_button(check))
    assert shown in done.replies[0].text


def test_names_and_phone_numbers_are_isolated_in_the_german_staff_message():
    """Arabic and Latin names alike, and phone numbers, so a line starting with an Arabic name
    neither turns right-to-left nor shows the number reversed."""
    from bot.flows.appointment_notices import person_de
    from bot.i18n import FSI, PDI
    from storage.models import Client

    assert person_de(Client(id=3, alias="أمل", telegram_id=1)) == f"{FSI}أمل{PDI} (über den Chat)"
    assert person_de(Client(id=3, alias="Amal", telegram_id=1)) == f"{FSI}Amal{PDI} (über den Chat)"
    assert person_de(Client(id=3, alias="أمل", phone="0171 2345678")) == (
        f"{FSI}أمل{PDI} (per Telefon gebucht, Tel. {FSI}0171 2345678{PDI})")
