"""Each office's notice rule for cancelling and moving: in time, the usual steps; later, the
person is asked to phone the office, can still cancel where the office allows it, and the case
manager is told the cancellation was late (also in the digest)."""

from __future__ import annotations

from bot.appointments.setup import set_booking_rules
from bot.i18n import translator
from tests.support.booking import appointments, booked, staff_messages
from tests.support.common import actions, text

EN = translator("en")
# The conftest clock is Monday 10:00 in Berlin: Tuesday 09:00 is 23 hours away.


async def rules(db, **given) -> None:
    async with db.transaction() as session:
        await set_booking_rules(session, "kim-odenthal", {
            "cancel_notice_minutes": given.pop("notice", None)}, **given)


async def test_a_late_cancellation_asks_to_phone_and_may_still_cancel(booking_engine,
                                                                     sqlite_db):
    chat, appointment = await booked(booking_engine, sqlite_db, 801, "en")
    late = await chat.press(f"acancel:{appointment.id}")
    body = text(late)
    assert EN.ngettext("Your appointment is in less than {n} hour.",
                       "Your appointment is in less than {n} hours.", 24) in body
    assert EN._("It is too late to cancel it here.") in body
    # The Odenthal office has no phone in the catalogue: the KI team for Odenthal has.
    assert EN._("Please phone the KIM office: {phone}", phone="02202 13-0") in body
    assert actions(late)[:3] == [f"alate:{appointment.id}", "write", "appointments"]
    assert "acancelok" not in " ".join(actions(late))

    done = await chat.press(f"alate:{appointment.id}")
    assert EN._("Your appointment on {date} at {time} is cancelled.",
                date=EN.date(appointment.starts_at), time=EN.time(appointment.starts_at)) in (
        text(done))
    [cancelled] = await appointments(sqlite_db)
    assert (cancelled.status, cancelled.late_notice) == ("cancelled", True)
    told = (await staff_messages(sqlite_db))[-1]
    assert told.startswith("❌ Termin abgesagt (von der Person, kurzfristig, 23 Std. vor Beginn)")


async def test_moving_late_is_not_offered_the_office_is_named_instead(booking_engine,
                                                                    sqlite_db):
    chat, appointment = await booked(booking_engine, sqlite_db, 802, "en")
    late = await chat.press(f"amove:{appointment.id}")
    assert EN._("It is too late to choose another time here.") in text(late)
    assert not any(a.startswith(("bday:", "btime:")) for a in actions(late))
    assert f"alate:{appointment.id}" in actions(late)
    [unchanged] = await appointments(sqlite_db)
    assert unchanged.status == "booked"


async def test_an_office_that_takes_no_late_cancellations_only_names_its_phone(booking_engine,
                                                                             sqlite_db):
    await rules(sqlite_db, late_cancel=False)
    chat, appointment = await booked(booking_engine, sqlite_db, 803, "en")
    late = await chat.press(f"acancel:{appointment.id}")
    assert actions(late)[:2] == ["write", "appointments"]  # write to KIM or keep it
    assert not any(a.startswith("alate:") for a in actions(late))
    forged = await chat.press(f"alate:{appointment.id}")
    assert "does not work any more" in text(forged)
    old = await chat.press(f"acancelok:{appointment.id}")
    assert "does not work any more" in text(old)
    [unchanged] = await appointments(sqlite_db)
    assert unchanged.status == "booked"


async def test_with_enough_notice_cancelling_and_moving_work_as_before(booking_engine,
                                                                     sqlite_db):
    await rules(sqlite_db, notice=120)
    chat, appointment = await booked(booking_engine, sqlite_db, 804, "en")
    moving = await chat.press(f"amove:{appointment.id}")
    assert any(a.startswith("bday:") for a in actions(moving))
    asked = await chat.press(f"acancel:{appointment.id}")
    assert f"acancelok:{appointment.id}" in actions(asked)
    await chat.press(f"acancelok:{appointment.id}")
    [cancelled] = await appointments(sqlite_db)
    assert (cancelled.status, cancelled.late_notice) == ("cancelled", False)
    assert (await staff_messages(sqlite_db))[-1].startswith("❌ Termin abgesagt (von der Person)\n")


async def test_the_reminders_buttons_follow_the_same_rule(booking_engine, sqlite_db):
    from bot.flows.client.appointments.reminders import reminder

    chat, appointment = await booked(booking_engine, sqlite_db, 805, "ar")
    async with sqlite_db.transaction() as session:
        from storage.models import Client

        client = await session.get(Client, appointment.client_id)
        message = reminder(client, appointment, None, appointment.starts_at, "Europe/Berlin")
    cancel = next(b.action for row in message.buttons for b in row
                  if b.action.startswith("acancel:"))
    late = await chat.press(cancel)
    assert f"alate:{appointment.id}" in actions(late)
