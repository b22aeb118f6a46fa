"""Through both real bots against the local Bot API-compatible server: the case manager cancels
in the staff bot (aiogram), and the person's client chat receives, through the outbox and
the Bot API's sendDocument, the calendar file with METHOD:CANCEL for the event their booking
created (issue 18, point 8)."""

from __future__ import annotations

from icalendar import Calendar

from bot.app import SANDBOX_ADMIN_ID, SANDBOX_CLIENT_TOKEN, SANDBOX_OFFICE, SANDBOX_STAFF_TOKEN
from bot.i18n import translator
from bot.sandbox.state import SimUser
from tests.support.booking import short_notice
from tests.support.sandbox import agree, book_first_free_time, button_data, press, say

CLIENT, STAFF = SANDBOX_CLIENT_TOKEN, SANDBOX_STAFF_TOKEN
UK = translator("uk")


def event_of(server, message: dict) -> tuple[Calendar, dict]:
    assert message["kind"] == "document"
    assert message["document"]["mime_type"] == "text/calendar"
    parsed = Calendar.from_ical(server.file(message["document"]["file_id"]).data)
    [event] = parsed.walk("VEVENT")
    return parsed, event


async def test_a_cancellation_in_the_staff_bot_reaches_the_client_as_a_cancel_file(system):
    server = system.sandbox
    manager = SimUser(SANDBOX_ADMIN_ID, "Demo Admin", "de")
    await say(server, STAFF, manager, "/start")
    await short_notice(system.db, SANDBOX_OFFICE)
    olena = SimUser(100060, "Olena", "uk")
    menu = await agree(server, CLIENT, olena, "uk")
    await book_first_free_time(server, CLIENT, olena, menu)
    [interpreter] = await say(server, CLIENT, olena, "Olena")
    [check] = await press(server, CLIENT, olena, interpreter["message_id"], "binterp:no")
    book = next(d for d in button_data(check) if d.startswith("bok:"))
    _, booked_file, _ = await press(server, CLIENT, olena, check["message_id"], book, count=3)
    _, booked_event = event_of(server, booked_file)
    await server.wait_for(STAFF, manager.id, timeout=10)  # the booking notice

    # The case manager finds it in today's or tomorrow's list and cancels it.
    [day] = await say(server, STAFF, manager, "/heute")
    if not any(d.startswith("cancel:") for d in button_data(day)):
        [day] = await press(server, STAFF, manager, day["message_id"], "day:1")
    cancel = next(d for d in button_data(day) if d.startswith("cancel:"))
    [sure] = await press(server, STAFF, manager, day["message_id"], cancel)
    yes = next(d for d in button_data(sure) if d.startswith("cancel_yes:"))
    [done] = await press(server, STAFF, manager, sure["message_id"], yes)
    assert "Die Person wurde im Chat benachrichtigt." in done["text"]

    notice, removal = await server.wait_for(CLIENT, olena.id, count=2, timeout=10)
    start = booked_event.decoded("DTSTART")
    assert notice["text"] == UK._("Sorry, the KIM team had to cancel your appointment on "
                                  "{date} at {time}. Please choose a new time.",
                                  date=UK.date(start), time=UK.time(start))
    assert "book" in button_data(notice)
    assert removal["text"] == UK._("To remove it from your calendar")  # the caption
    assert removal["document"]["file_name"].endswith("-cancelled.ics")
    cancelled, event = event_of(server, removal)
    assert cancelled["METHOD"] == "CANCEL" and event["STATUS"] == "CANCELLED"
    assert event["UID"] == booked_event["UID"]
    assert event["SEQUENCE"] > booked_event["SEQUENCE"]
    assert event.decoded("DTSTART") == booked_event.decoded("DTSTART")
