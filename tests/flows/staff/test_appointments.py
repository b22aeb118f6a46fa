"""Staff bot: /heute and /morgen, attended/missed, cancelling, roles and forged buttons."""

from __future__ import annotations

import pytest

from bot.flows.events import BotKind
from bot.flows.staff import texts
from bot.flows.staff.appointments.actions import (
    ALREADY,
    ASK_CANCEL,
    KEPT,
    NOT_STARTED,
    NOT_YOURS,
    STARTED,
)
from bot.i18n import FSI, PDI
from storage.appointments import cancel
from storage.models import Appointment, AppointmentKind, Channel, StaffRole
from tests.support.common import actions, text
from tests.support.staff import (
    add_appointment,
    add_client,
    add_member,
    appointment,
    local,
    outbox,
)


@pytest.fixture
async def day(sqlite_db):
    """A case manager (Telegram 700) with three appointments today, one tomorrow, and a
    colleague (701) with one today. Now is Monday 23.11.2026, 10:00 in Berlin."""
    me = await add_member(sqlite_db, 700, "Frau Kaya")
    colleague = await add_member(sqlite_db, 701, "Herr Lenz")
    amal = await add_client(sqlite_db, telegram_id=9001, alias="Amal")
    nameless = await add_client(sqlite_db, telegram_id=9002, alias=None, language="uk")
    caller = await add_client(sqlite_db, alias="Herr D.", phone="0171 2345678", language="fa")
    ids = {
        "started": await add_appointment(sqlite_db, amal, me, local(23, 9, 30),
                                         interpreter="ar"),
        "later": await add_appointment(sqlite_db, nameless, me, local(23, 14),
                                       kind=AppointmentKind.FIRST_INTERVIEW,
                                       channel=Channel.IN_PERSON, minutes=60),
        "cancelled": await add_appointment(sqlite_db, caller, me, local(23, 12)),
        "caller": await add_appointment(sqlite_db, caller, me, local(23, 15)),
        "tomorrow": await add_appointment(sqlite_db, amal, me, local(24, 8)),
        "colleague": await add_appointment(sqlite_db, amal, colleague, local(23, 11)),
    }
    async with sqlite_db.transaction() as session:
        row = await session.get(Appointment, ids["cancelled"])
        await cancel(session, row, by="client", now=local(23, 8))
    return {"me": me, "colleague": colleague, "nameless": nameless, **ids}


def staff_chat(chat_factory, user_id: int = 700):
    return chat_factory(user_id=user_id, language_code="de", bot=BotKind.STAFF)


async def test_today_lists_only_my_appointments_of_the_local_day_in_order(chat_factory, day):
    shown = await staff_chat(chat_factory).send("/heute")
    body = text(shown)
    assert body.startswith("Ihre Termine heute, Mo 23.11.2026:")
    lines = body.splitlines()
    starts = [line.split()[1] for line in lines if line.startswith(("•", "❌"))]
    assert starts == ["09:30–10:00", "12:00–12:30", "14:00–15:00", "15:00–15:30"]
    assert f"{FSI}Amal{PDI} (über den Chat)" in body
    assert f"Person Nr. {day['nameless']} (über den Chat)" in body
    assert f"{FSI}Herr D.{PDI} (per Telefon gebucht, Tel. {FSI}0171 2345678{PDI})" in body
    assert "Folgetermin, Telefon · Arabisch, Dolmetschung Arabisch · gebucht" in body
    assert "Erstgespräch, persönlich · Ukrainisch, ohne Dolmetschung · gebucht" in body
    # A cancelled appointment stays visible, marked, so the case manager sees the free time.
    assert f"❌ 12:00–12:30 {FSI}Herr D.{PDI}" in body and "abgesagt (von der Person)" in body
    assert "11:00" not in body  # the colleague's appointment
    assert "08:00" not in body  # tomorrow's
    assert actions(shown) == [
        f"attended:{day['started']}", f"missed:{day['started']}",
        f"cancel:{day['later']}", f"cancel:{day['caller']}", "day:0", "day:1"]


async def test_tomorrow_and_the_day_buttons(chat_factory, day):
    chat = staff_chat(chat_factory)
    tomorrow = await chat.send("/morgen")
    assert text(tomorrow).startswith("Ihre Termine morgen, Di 24.11.2026:")
    assert f"08:00–08:30 {FSI}Amal{PDI}" in text(tomorrow)
    switched = await chat.press("day:0")
    assert switched.replies[0].edit and "Ihre Termine heute" in text(switched)
    assert "nicht mehr gültig" in text(await chat.press("day:7"))


async def test_an_empty_day_says_so(chat_factory, sqlite_db):
    await add_member(sqlite_db, 702)
    shown = await staff_chat(chat_factory, 702).send("/heute")
    assert text(shown) == "Ihre Termine heute, Mo 23.11.2026: keine."


async def test_marking_attended_once_and_a_second_press_changes_nothing(chat_factory, sqlite_db,
                                                                        day):
    chat = staff_chat(chat_factory)
    marked = await chat.press(f"attended:{day['started']}")
    assert marked.notice == "Vermerkt: erschienen."
    assert marked.replies[0].edit and "Dolmetschung Arabisch · erschienen" in text(marked)
    assert f"attended:{day['started']}" not in actions(marked)
    assert (await appointment(sqlite_db, day["started"])).status == "attended"
    again = await chat.press(f"missed:{day['started']}")
    assert text(again) == ALREADY.format(status="erschienen")
    assert (await appointment(sqlite_db, day["started"])).status == "attended"


async def test_missed_and_not_before_the_start(chat_factory, sqlite_db, day, clock):
    chat = staff_chat(chat_factory)
    assert text(await chat.press(f"missed:{day['later']}")) == NOT_STARTED
    assert (await appointment(sqlite_db, day["later"])).status == "booked"
    clock.set(local(23, 14, 5))
    assert (await chat.press(f"missed:{day['later']}")).notice == "Vermerkt: nicht erschienen."
    assert (await appointment(sqlite_db, day["later"])).status == "missed"
    assert text(await chat.press(f"attended:{day['cancelled']}")) == ALREADY.format(
        status="abgesagt (von der Person)")


async def test_forged_appointment_ids_change_nothing(chat_factory, sqlite_db, day):
    chat = staff_chat(chat_factory)
    colleague = day["colleague"]
    for data in (f"attended:{colleague}", f"missed:{colleague}", f"cancel:{colleague}",
                 f"cancel_yes:{colleague}", f"cancel_no:{colleague}", "cancel_yes:999999",
                 "attended:abc", "missed:-1"):
        assert text(await chat.press(data)) == NOT_YOURS, data
    assert (await appointment(sqlite_db, colleague)).status == "booked"
    assert await outbox(sqlite_db) == []
    assert text(await chat.press("attended:1:2")) == texts.STALE_BUTTON
    assert text(await chat.press("explode:1")) == texts.STALE_BUTTON


async def test_cancel_asks_first_then_tells_the_client_in_their_language(chat_factory,
                                                                          sqlite_db, day):
    chat = staff_chat(chat_factory)
    asked = await chat.press(f"cancel:{day['later']}")
    assert text(asked).startswith(ASK_CANCEL.split("\n")[0])
    assert "Mo 23.11.2026, 14:00–15:00 Uhr" in text(asked)
    assert actions(asked) == [f"cancel_yes:{day['later']}", f"cancel_no:{day['later']}"]
    assert (await appointment(sqlite_db, day["later"])).status == "booked"
    done = await chat.press(f"cancel_yes:{day['later']}")
    assert "Termin abgesagt: Mo 23.11.2026, 14:00–15:00 Uhr" in text(done)
    assert "im Chat benachrichtigt" in text(done)
    row = await appointment(sqlite_db, day["later"])
    assert (row.status, row.cancelled_by) == ("cancelled", "staff")
    # The notice, then the calendar file that removes the event (tests/flows/staff/
    # test_team_calendar_updates.py looks at the file).
    message, removal = await outbox(sqlite_db)
    assert (message.bot, message.chat_id) == ("client", 9002)
    assert "14:00" in message.text and "23 листопада 2026" in message.text  # Ukrainian date
    assert (removal.chat_id, removal.document["file_name"]) == (
        9002, f"kim-appointment-{day['later']}-cancelled.ics")
    again = await chat.press(f"cancel_yes:{day['later']}")
    assert text(again) == ALREADY.format(status="abgesagt (vom Team)")
    assert len(await outbox(sqlite_db)) == 2


async def test_cancelling_for_a_caller_asks_to_phone_them(chat_factory, sqlite_db, day):
    chat = staff_chat(chat_factory)
    done = await chat.press(f"cancel_yes:{day['caller']}")
    assert f"bitte rufen Sie sie an: Tel. {FSI}0171 2345678{PDI}" in text(done)
    assert await outbox(sqlite_db) == []  # no chat to write to


async def test_keeping_and_no_cancel_once_started(chat_factory, sqlite_db, day):
    chat = staff_chat(chat_factory)
    assert text(await chat.press(f"cancel_no:{day['later']}")) == KEPT
    assert text(await chat.press(f"cancel_yes:{day['started']}")) == STARTED
    assert (await appointment(sqlite_db, day["started"])).status == "booked"
    assert (await appointment(sqlite_db, day["later"])).status == "booked"


@pytest.mark.parametrize("role", [StaffRole.VOLUNTEER, StaffRole.PARTNER])
async def test_volunteers_and_partners_get_a_polite_no(chat_factory, sqlite_db, day, role):
    await add_member(sqlite_db, 710, "Frau Ehrenamt", role)
    chat = staff_chat(chat_factory, 710)
    label = texts.ROLE_LABELS[role.value]
    for command in ("/heute", "/morgen", "/abwesend", "/termin"):
        assert text(await chat.send(command)) == texts.NOT_FOR_ROLE.format(role=label)
    assert text(await chat.press(f"cancel_yes:{day['later']}")) == texts.NOT_FOR_ROLE.format(
        role=label)
    assert (await appointment(sqlite_db, day["later"])).status == "booked"
    help_text = text(await chat.send("/hilfe"))
    assert "/ich" in help_text and "/heute" not in help_text and "/termin" not in help_text


@pytest.mark.parametrize("role", [StaffRole.CASE_MANAGER, StaffRole.COORDINATION,
                                  StaffRole.ADMIN])
async def test_help_lists_the_appointment_commands_for_these_roles(chat_factory, sqlite_db,
                                                                    role):
    await add_member(sqlite_db, 711, "X", role)
    help_text = text(await staff_chat(chat_factory, 711).send("/hilfe"))
    for command in ("/heute", "/morgen", "/abwesend", "/termin", "/abbrechen"):
        assert command in help_text


async def test_bad_input_gets_a_clear_answer(chat_factory, day):
    chat = staff_chat(chat_factory)
    assert text(await chat.send_unsupported("photo")) == texts.UNSUPPORTED
    assert text(await chat.send("x" * 4000)) == texts.TOO_LONG.format(limit=1000)
    assert text(await chat.send("/abbrechen")) == texts.NOTHING_TO_CANCEL


def test_every_command_is_in_the_menu():
    names = {name for name, _ in texts.COMMANDS}
    assert names >= texts.APPOINTMENT_COMMANDS and "abbrechen" in names


async def test_marking_cancelling_and_forged_ids_on_both_databases(db, clock):
    from bot.flows.context import FlowSettings
    from bot.flows.engine import FlowEngine
    from tests.support.chat import Chat

    me = await add_member(db, 720, "Frau Kaya")
    colleague = await add_member(db, 721, "Herr Lenz")
    client = await add_client(db, telegram_id=9200, alias="Amal")
    started = await add_appointment(db, client, me, local(23, 9, 30))
    later = await add_appointment(db, client, me, local(23, 14))
    theirs = await add_appointment(db, client, colleague, local(23, 15))
    chat = Chat(FlowEngine(db, clock, FlowSettings()), 720, "de", BotKind.STAFF)
    assert (await chat.press(f"attended:{started}")).notice == "Vermerkt: erschienen."
    assert "abgesagt" in text(await chat.press(f"cancel_yes:{later}"))
    assert text(await chat.press(f"cancel_yes:{theirs}")) == NOT_YOURS
    statuses = [(await appointment(db, i)).status for i in (started, later, theirs)]
    assert statuses == ["attended", "cancelled", "booked"]
    assert [m.chat_id for m in await outbox(db)] == [9200, 9200]  # notice and calendar file




async def test_every_look_at_a_clients_appointment_is_logged(chat_factory, day, sqlite_db):
    """The day list writes one access-log row per client shown, and nothing about others."""
    from storage.audit import entries

    await staff_chat(chat_factory).send("/morgen")
    async with sqlite_db.transaction() as session:
        logged = [(e.staff_member_id, e.client_id, e.action) for e in await entries(session)]
    tomorrow = await appointment(sqlite_db, day["tomorrow"])
    assert logged == [(day["me"], tomorrow.client_id, "appointments.day")]
