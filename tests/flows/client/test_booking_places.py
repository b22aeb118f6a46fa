"""The place before the time: the day list, the time list and the check screen name the same
place (office and street, and a bus from another town); a town with several places lets the
person pick one or "any place"; a move is confirmed with the old and the new time; calendar
files carry what to bring, the address and a reminder, and a cancellation or a move removes the
old event; /termin books exactly what its check showed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from bot.flows.events import BotKind, Outcome
from bot.i18n import translator
from storage.appointments import book as store_book
from storage.models import AppointmentKind, CaseManagerWorkplace, Channel, StaffRole
from storage.repositories import Clients, Staff
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
)
from tests.support.chat import Chat
from tests.support.common import actions, text

EN = translator("en")
SECOND_CHAT = 9002
BUS = "This place is in {city}, not in {town}. You may need to take a bus or a train."


@pytest.fixture
async def two_places(booking_engine, sqlite_db, clock):
    """Odenthal is served at its own office (Frau Case) and from the Stadthaus in Bergisch
    Gladbach (Herr Zwei, 10:00-13:00), both on Tuesday and Thursday."""
    async with sqlite_db.transaction() as session:
        second = await Staff(session).add(SECOND_CHAT, "Herr Zwei", StaffRole.CASE_MANAGER,
                                          clock.now())
        session.add(CaseManagerWorkplace(staff_member_id=second.id,
                                         office_id="kim-bergisch-gladbach", towns=["odenthal"],
                                         working_hours="Tu,Th 10:00-13:00"))
    return booking_engine


def place_buttons(outcome: Outcome) -> list[str]:
    return [a for a in actions(outcome) if a.startswith("bplace:")]


def calendar(reply) -> Calendar:
    assert reply.document is not None and reply.document.mime_type == "text/calendar"
    return Calendar.from_ical(reply.document.content)


async def test_one_place_the_day_list_names_it(booking_engine):
    chat = await consented(booking_engine, 701, "en")
    await chat.press("book")
    days = await chat.press("btown:odenthal")
    assert not place_buttons(days) and f"bday:{TUESDAY}" in actions(days)
    assert "KIM Case Management Gemeinde Odenthal (Team Integration)" in text(days)
    assert EN._("Address: {address}", address="Odenthal") in text(days)
    assert "bus" not in text(days)  # the office is in the person's own town
    times = await chat.press(f"bday:{TUESDAY}")
    assert "KIM Case Management Gemeinde Odenthal" in text(times)


async def test_several_places_the_person_picks_one_and_every_screen_names_it(two_places,
                                                                             sqlite_db):
    chat = await consented(two_places, 702, "en")
    await chat.press("book")
    choice = await chat.press("btown:odenthal")
    assert len(place_buttons(choice)) == 3 and "bplace:any" in place_buttons(choice)
    body = text(choice)
    assert "KIM Case Management Bergisch Gladbach (Stadthaus)" in body
    assert "KIM Case Management Gemeinde Odenthal (Team Integration)" in body
    assert EN._("Address: {address}", address="An der Gohrsmühle, Bergisch Gladbach") in body
    bus = EN._(BUS, city="Bergisch Gladbach", town="Odenthal")
    assert bus in body

    stadthaus = next(a for a, b in zip(actions(choice), [b.label for r in choice.replies[0]
                                                          .buttons for b in r], strict=True)
                     if a.startswith("bplace:") and "Bergisch Gladbach" in b)
    days = await chat.press(stadthaus)
    assert "KIM Case Management Bergisch Gladbach (Stadthaus)" in text(days)
    assert "An der Gohrsmühle" in text(days) and bus in text(days)
    assert "Odenthal (Team Integration)" not in text(days)
    assert "bplaces" in actions(days)  # another place
    times = await chat.press(f"bday:{TUESDAY}")
    assert "KIM Case Management Bergisch Gladbach (Stadthaus)" in text(times)
    # Herr Zwei starts at 10:00: the Odenthal office's 09:00 is not on this list.
    assert f"btime:{TUESDAY_NINE}" not in actions(times)
    await chat.press(f"btime:{TUESDAY_NINE + 60}")
    await chat.press("bnoname")
    check = await chat.press("binterp:no")
    assert "KIM Case Management Bergisch Gladbach (Stadthaus)" in text(check)
    assert bus in text(check)
    done = await chat.press(book_button(check))
    assert "KIM Case Management Bergisch Gladbach (Stadthaus)" in done.replies[0].text
    [booked] = await appointments(sqlite_db)
    assert booked.office_id == "kim-bergisch-gladbach"


async def test_any_place_marks_each_time_with_its_place(two_places, sqlite_db):
    chat = await consented(two_places, 703, "en")
    await chat.press("book")
    await chat.press("btown:odenthal")
    days = await chat.press("bplace:any")
    assert EN._("At one of these places in {town}:", town="Odenthal") in text(days)
    times = await chat.press(f"bday:{TUESDAY}")
    labels = {b.action: b.label for r in times.replies[0].buttons for b in r}
    # 09:00 only at the Odenthal office, 12:00 only at the Stadthaus: each button says where.
    nine, noon = f"btime:{TUESDAY_NINE}", f"btime:{TUESDAY_NINE + 180}"
    assert labels[nine][-1] in "①②" and labels[noon][-1] in "①②"
    assert labels[nine][-1] != labels[noon][-1]
    legend = {line[0]: line for line in text(times).splitlines() if line[:1] in ("①", "②")}
    assert "Odenthal (Team Integration)" in legend[labels[nine][-1]]
    assert "Bergisch Gladbach (Stadthaus)" in legend[labels[noon][-1]]
    await chat.press(nine)
    await chat.press("bnoname")
    check = await chat.press("binterp:no")
    assert "KIM Case Management Gemeinde Odenthal (Team Integration)" in text(check)
    await chat.press(book_button(check))
    [booked] = await appointments(sqlite_db)
    assert booked.office_id == "kim-odenthal"


async def test_a_forged_place_changes_nothing(two_places):
    chat = await consented(two_places, 704, "en")
    await chat.press("book")
    await chat.press("btown:odenthal")
    for forged in ("bplace:99999", "bplace:-1", "bplace:every"):
        answer = await chat.press(forged)
        assert not any(a.startswith("btime:") for a in actions(answer)), forged
    gone = await chat.press("bplace:99999")
    assert EN._("Sorry, there are no more free times at this place.") in text(gone) or \
        "does not work" in text(gone)


async def test_a_move_is_confirmed_with_the_old_and_the_new_time(booking_engine, sqlite_db):
    await short_notice(sqlite_db)
    chat, old = await booked(booking_engine, sqlite_db, 705)
    # The old appointment still holds 09:00-10:00 and its buffer until the new one is safe.
    check = await move_to(chat, old, TUESDAY_NINE + 120)
    done = await chat.press(book_button(check))
    confirmation, cancel_file, new_file = done.replies[:3]
    assert EN._("Your appointment is moved.") in confirmation.text
    assert EN._("Before: {date} at {time}", date=EN.date(old.starts_at),
                time=EN.time(old.starts_at)) in confirmation.text
    assert EN._("Time: {start} to {end}", start="11:00", end="12:00") in confirmation.text
    assert EN._("Your appointment is booked.") not in confirmation.text

    removed = calendar(cancel_file)
    assert removed["METHOD"] == "CANCEL"
    [gone] = removed.walk("VEVENT")
    assert str(gone["UID"]) == f"appointment-{old.id}@kimbot" and gone["STATUS"] == "CANCELLED"
    assert int(gone["SEQUENCE"]) == 1 and "ORGANIZER" in gone
    added = calendar(new_file)
    assert added["METHOD"] == "PUBLISH"
    [event] = added.walk("VEVENT")
    assert event.decoded("DTSTART") == datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


async def test_the_calendar_file_says_what_to_bring_where_and_reminds_a_day_before(
        booking_engine):
    chat = await consented(booking_engine, 706, "uk")
    done = await book_tuesday(chat, interpreter="no")
    uk = translator("uk")
    [event] = calendar(done.replies[1]).walk("VEVENT")
    description = str(event["DESCRIPTION"])
    assert uk._("Please bring: your passport or ID card, your residence papers and recent "
                "letters from offices.") in description
    assert "/appointments" in description
    assert str(event["LOCATION"]) == "KIM Case Management Gemeinde Odenthal (Team Integration), " \
                                     "Odenthal"
    [alarm] = event.walk("VALARM")
    assert alarm["ACTION"] == "DISPLAY" and str(alarm["TRIGGER"].to_ical(), "ascii") == "-P1D"


async def test_cancelling_sends_a_calendar_cancellation(booking_engine, sqlite_db):
    await short_notice(sqlite_db)
    chat, appointment = await booked(booking_engine, sqlite_db, 707)
    await chat.press(f"acancel:{appointment.id}")
    done = await chat.press(f"acancelok:{appointment.id}")
    files = [reply for reply in done.replies if reply.document is not None]
    assert len(files) == 1
    cancelled = calendar(files[0])
    assert cancelled["METHOD"] == "CANCEL"
    [event] = cancelled.walk("VEVENT")
    assert str(event["UID"]) == f"appointment-{appointment.id}@kimbot"


async def test_termin_books_exactly_the_case_manager_and_office_it_showed(two_places,
                                                                         sqlite_db, clock):
    async with sqlite_db.transaction() as session:
        coordinator = await Staff(session).add(9100, "Frau Koordination",
                                               StaffRole.COORDINATION, clock.now())
    assert coordinator is not None
    staff = Chat(two_places, 9100, "de", BotKind.STAFF)
    await staff.send("/termin")
    await staff.send("Amal")
    await staff.press("no_phone")
    await staff.press("pb_language:de")
    await staff.press("pb_town:odenthal")
    await staff.press("pb_kind:first_interview")
    await staff.press("pb_place:any")  # two places: either (the times say which)
    await staff.press("pb_day:20261124")
    ten = str(int(datetime(2026, 11, 24, 9, 0, tzinfo=UTC).timestamp()))
    check = await staff.press(f"pb_time:{ten}")
    shown = ("kim-bergisch-gladbach" if "Bergisch Gladbach (Stadthaus)" in text(check)
             else "kim-odenthal")
    # Someone books Thursday with the case manager shown: now the other one is less busy, and
    # computing the times afresh would give 10:00 on Tuesday to the other.
    async with sqlite_db.transaction() as session:
        workplace = await session.scalar(select(CaseManagerWorkplace).where(
            CaseManagerWorkplace.office_id == shown))
        client = await Clients(session).record_consent(708, "en", "v1", clock.now())
        await store_book(session, client_id=client.id, staff_member_id=workplace.staff_member_id,
                         office_id=shown, kind=AppointmentKind.FOLLOW_UP,
                         channel=Channel.IN_PERSON,
                         starts_at=datetime(2026, 11, 26, 9, 0, tzinfo=UTC),
                         duration=timedelta(minutes=30), now=clock.now())
    done = await staff.press("pb_book")
    assert text(done).startswith("✅ Gebucht.")
    booked = [a for a in await appointments(sqlite_db) if a.booked_by_staff_id is not None]
    assert [(a.office_id, a.staff_member_id) for a in booked] == [
        (shown, workplace.staff_member_id)]
