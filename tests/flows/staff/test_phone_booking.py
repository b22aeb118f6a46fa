"""Staff bot: /termin, booking for a person who phoned."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.appointments.setup import set_booking_rules
from bot.catalogue.samples import RBK
from bot.flows.context import FlowSettings
from bot.flows.events import BotKind
from bot.flows.staff import texts
from bot.flows.staff.phone_booking import ask as phone_booking_ask
from bot.flows.staff.phone_booking import book as phone_booking_book
from bot.flows.staff.phone_booking import flow as phone_booking
from bot.flows.staff.phone_input import NAME_EMPTY, NAME_TOO_LONG, PHONE_CHARACTERS, PHONE_DIGITS
from bot.i18n import FSI, PDI
from storage.appointments import book
from storage.catalogue_io import import_catalogue
from storage.models import Appointment, AppointmentKind, Channel, Client, StaffRole
from tests.support.common import actions, buttons, text
from tests.support.staff import NOW, add_client, add_member, add_workplace, local, outbox

TUESDAY_1300 = str(int(local(24, 13).timestamp()))


@pytest.fixture
async def team(sqlite_db, clock):
    """Two case managers serving Odenthal on Tuesdays 13-15 (follow-ups there in person or
    by phone), a coordinator who serves no town, and the RBK catalogue."""
    await import_catalogue(sqlite_db, [RBK], clock.now())
    async with sqlite_db.transaction() as session:
        await set_booking_rules(session, "kim-odenthal", {}, channels=["in_person", "phone"])
    first = await add_member(sqlite_db, 900, "Frau Kaya")
    second = await add_member(sqlite_db, 901, "Herr Lenz")
    coordinator = await add_member(sqlite_db, 902, "Frau Koordination", StaffRole.COORDINATION)
    for member in (first, second):
        await add_workplace(sqlite_db, member, hours="Tu 13:00-15:00")
    return {"first": first, "second": second, "coordinator": coordinator}


def staff_chat(chat_factory, user_id: int):
    return chat_factory(user_id=user_id, language_code="de", bot=BotKind.STAFF)


async def walk(chat, *, name: str = "Amal K.", phone: str | None = "0171 234 5678",
               language: str = "ar", town: str = "odenthal", kind: str = "first_interview",
               place: str = "any", channel: str = "phone", interpreter: str | None = "yes"):
    """From /termin to the list of days, answering the place, channel and interpreter
    questions where they are asked; the last answer is returned."""
    await chat.send("/termin")
    await chat.send(name)
    if phone is None:
        await chat.press("no_phone")
    else:
        await chat.send(phone)
    await chat.press(f"pb_language:{language}")
    await chat.press(f"pb_town:{town}")
    answer = await chat.press(f"pb_kind:{kind}")
    if any(a.startswith("pb_place:") for a in actions(answer)):
        answer = await chat.press(f"pb_place:{place}")
    if any(a.startswith("pb_channel:") for a in actions(answer)):
        answer = await chat.press(f"pb_channel:{channel}")
    if interpreter is not None and any(a.startswith("pb_interpreter:") for a in actions(answer)):
        answer = await chat.press(f"pb_interpreter:{interpreter}")
    return answer


async def walk_to_times(chat, **choices):
    """Name, phone, Arabic, Odenthal, kind, interpreter yes, Tuesday 24.11."""
    await walk(chat, **choices)
    return await chat.press("pb_day:20261124")


async def stored(db) -> tuple[list[Client], list[Appointment]]:
    async with db.transaction() as session:
        return (list(await session.scalars(select(Client).order_by(Client.id))),
                list(await session.scalars(select(Appointment).order_by(Appointment.id))))


async def test_each_question_in_turn(chat_factory, team):
    chat = staff_chat(chat_factory, 902)
    assert text(await chat.send("/termin")) == phone_booking_ask.ASK_NAME
    asked_phone = await chat.send("  Amal   K. ")
    assert "Amal K. erreichbar" in text(asked_phone)
    assert actions(asked_phone) == ["no_phone", "abort"]
    languages = await chat.send("0171 / 234-5678")
    assert len(actions(languages)) == 15  # 14 languages and "Abbrechen"
    labels = [button.label for button in buttons(languages)]
    assert {"Arabisch", "Ukrainisch", "Türkisch", "Deutsch"} <= set(labels)
    towns = await chat.press("pb_language:ar")
    assert "pb_town:odenthal" in actions(towns) and len(actions(towns)) == 9
    kinds = await chat.press("pb_town:odenthal")
    assert [b.label for b in buttons(kinds)] == ["Erstgespräch", "Folgetermin", "Abbrechen"]
    places = await chat.press("pb_kind:first_interview")
    assert text(places) == "Wo in Odenthal? (Erstgespräch: Orte mit freien Zeiten)"
    office = "KIM Case Management Gemeinde Odenthal (Team Integration)"
    assert [b.label for b in buttons(places)] == [
        f"Frau Kaya – {office}"[:60], f"Herr Lenz – {office}"[:60], "Egal wo in Odenthal",
        "Abbrechen"]
    interpreter = await chat.press("pb_place:any")  # no channel question: a first interview
    assert text(interpreter) == "Wird eine Dolmetschung gebraucht? (Sprache: Arabisch)"
    days = await chat.press("pb_interpreter:yes")
    assert actions(days) == ["pb_day:20261124", "pb_day:20261201", "abort"]
    assert [b.label for b in buttons(days)][:2] == ["Di 24.11.", "Di 01.12."]
    times = await chat.press("pb_day:20261124")
    assert [b.label for b in buttons(times)] == ["13:00", "13:30", "14:00", "Anderer Tag",
                                                 "Abbrechen"]
    confirm = await chat.press(f"pb_time:{TUESDAY_1300}")
    body = text(confirm)
    assert "👤 Amal K., Tel. 0171 / 234-5678" in body
    assert "🗣 Sprache: Arabisch · Dolmetschung: ja" in body
    assert "📋 Erstgespräch, persönlich" in body
    assert "🕒 Di 24.11.2026, 13:00–14:00 Uhr" in body
    assert "Odenthal" in body
    assert "Die Person hat am Telefon der Datenschutzerklärung zugestimmt" in body
    assert actions(confirm) == ["pb_book", "pb_other_time", "abort"]


async def test_booking_creates_the_person_and_tells_the_colleague(chat_factory, sqlite_db,
                                                                  team):
    chat = staff_chat(chat_factory, 902)  # the coordinator serves no town herself
    await walk_to_times(chat)
    await chat.press(f"pb_time:{TUESDAY_1300}")
    done = await chat.press("pb_book")
    assert text(done).startswith(phone_booking_book.BOOKED)
    assert f"{FSI}Amal K.{PDI} (per Telefon gebucht, Tel. {FSI}0171 234 5678{PDI})" in text(done)
    [client], [appointment] = await stored(sqlite_db)
    assert (client.telegram_id, client.alias, client.phone, client.language, client.origin,
            client.consent_version) == (None, "Amal K.", "0171 234 5678", "ar", "phone",
                                        FlowSettings().privacy_notice_version)
    assert (appointment.client_id, appointment.starts_at, appointment.kind,
            appointment.channel, appointment.interpreter_language, appointment.status,
            appointment.booked_by_staff_id) == (
        client.id, local(24, 13), "first_interview", "in_person", "ar", "booked",
        team["coordinator"])
    assert appointment.staff_member_id in (team["first"], team["second"])
    colleague = {team["first"]: 900, team["second"]: 901}[appointment.staff_member_id]
    [message] = await outbox(sqlite_db)
    assert (message.bot, message.chat_id) == ("staff", colleague)
    assert message.text.startswith("📅 Neuer Termin")
    assert "Dolmetschung: ja, Arabisch" in message.text
    assert "Telefonisch gebucht von: Frau Koordination" in message.text
    assert "im Staff-Bot benachrichtigt" in text(done)
    # The input is over: a second press books nothing.
    assert text(await chat.press("pb_book")) == phone_booking.WRONG_STEP
    assert len((await stored(sqlite_db))[1]) == 1


async def test_booking_for_oneself_sends_no_message(chat_factory, sqlite_db, team):
    # Only the first case manager serves Kürten: the appointment lands with her.
    await add_workplace(sqlite_db, team["first"], office="kim-kuerten", towns=("kuerten",),
                        hours="We 09:00-10:00")
    async with sqlite_db.transaction() as session:
        await set_booking_rules(session, "kim-kuerten", {}, channels=["in_person", "video"])
    chat = staff_chat(chat_factory, 900)
    days = await walk(chat, name="Herr D.", phone=None, language="de", town="kuerten",
                      kind="follow_up", channel="video", interpreter=None)  # German: none
    assert actions(days)[0] == "pb_day:20261125"
    await chat.press("pb_day:20261125")
    await chat.press(f"pb_time:{int(local(25, 9).timestamp())}")
    done = await chat.press("pb_book")
    assert f"{FSI}Herr D.{PDI} (per Telefon gebucht)" in text(done)
    [client], [appointment] = await stored(sqlite_db)
    assert client.phone is None
    assert (appointment.staff_member_id, appointment.channel, appointment.kind,
            appointment.interpreter_language, appointment.ends_at) == (
        team["first"], "video", "follow_up", None, local(25, 9, 30))
    assert await outbox(sqlite_db) == []


async def test_a_time_taken_meanwhile_shows_fresh_times_and_keeps_no_person(
        chat_factory, sqlite_db, team):
    chat = staff_chat(chat_factory, 902)
    await walk_to_times(chat)
    await chat.press(f"pb_time:{TUESDAY_1300}")
    other = await add_client(sqlite_db, telegram_id=9500)
    async with sqlite_db.transaction() as session:
        for member in (team["first"], team["second"]):
            await book(session, client_id=other, staff_member_id=member,
                       office_id="kim-odenthal", kind=AppointmentKind.FOLLOW_UP,
                       channel=Channel.PHONE, starts_at=local(24, 13),
                       duration=timedelta(minutes=30), now=NOW, max_open=5)
    retry = await chat.press("pb_book")
    assert text(retry).startswith("Diese Zeit wurde eben vergeben.")
    assert "13:00" not in [b.label for b in buttons(retry)]
    assert "pb_time:" in " ".join(actions(retry))
    clients, appointments = await stored(sqlite_db)
    assert [c.telegram_id for c in clients] == [9500] and len(appointments) == 2


async def test_the_database_refusal_is_handled_too(chat_factory, sqlite_db, team, monkeypatch):
    """Someone books between our re-check and our insert: SlotTaken, nothing kept."""
    from storage import appointments as storage_appointments

    chat = staff_chat(chat_factory, 902)
    await walk_to_times(chat)
    await chat.press(f"pb_time:{TUESDAY_1300}")

    async def lose_the_race(*args, **kwargs):
        raise storage_appointments.SlotTaken

    monkeypatch.setattr(phone_booking_book, "book", lose_the_race)
    retry = await chat.press("pb_book")
    assert text(retry).startswith("Diese Zeit wurde eben vergeben.")
    assert await stored(sqlite_db) == ([], [])


async def test_typed_names_and_numbers_are_checked(chat_factory, team):
    chat = staff_chat(chat_factory, 900)
    await chat.send("/termin")
    assert NAME_EMPTY in text(await chat.send("   "))
    assert NAME_TOO_LONG in text(await chat.send("A" * 61))
    assert text(await chat.send("x" * 4000)) == texts.TOO_LONG.format(limit=1000)
    assert text(await chat.send_unsupported("photo")) == texts.UNSUPPORTED
    assert "erreichbar" in text(await chat.send("A" * 60))
    assert PHONE_CHARACTERS in text(await chat.send("ruf an: 0171"))
    assert PHONE_DIGITS in text(await chat.send("12345"))
    assert PHONE_DIGITS in text(await chat.send("1" * 21))
    assert "Sprache" in text(await chat.send("+49 (2202) 13-0"))


async def test_buttons_of_other_steps_and_forged_values_change_nothing(chat_factory,
                                                                       sqlite_db, team):
    chat = staff_chat(chat_factory, 900)
    await chat.send("/termin")
    assert text(await chat.press("pb_language:ar")) == phone_booking.WRONG_STEP
    await chat.send("Amal")
    await chat.send("0171 2345678")
    assert text(await chat.send("Arabisch")) == texts.CHOOSE_A_BUTTON
    for forged in ("pb_language:xx", "pb_town:odenthal", "pb_book", "no_phone"):
        assert text(await chat.press(forged)) == phone_booking.WRONG_STEP, forged
    await chat.press("pb_language:ar")
    assert text(await chat.press("pb_town:nowhere")) == phone_booking.WRONG_STEP
    await chat.press("pb_town:odenthal")
    assert text(await chat.press("pb_kind:walk_in")) == phone_booking.WRONG_STEP
    await chat.press("pb_kind:follow_up")
    for forged in ("pb_place:999", "pb_place:odenthal", "pb_channel:phone"):
        assert text(await chat.press(forged)) == phone_booking.WRONG_STEP, forged
    await chat.press("pb_place:any")
    assert text(await chat.press("pb_channel:fax")) == phone_booking.WRONG_STEP
    await chat.press("pb_channel:phone")
    await chat.press("pb_interpreter:no")
    assert text(await chat.press("pb_day:20261399")) == phone_booking.WRONG_STEP
    await chat.press("pb_day:20261124")
    night = str(int(local(24, 3).timestamp()))
    refused = await chat.press(f"pb_time:{night}")  # a start that was never offered
    assert text(refused).startswith(phone_booking_ask.NOT_FREE)
    assert "pb_book" not in actions(refused)
    assert await stored(sqlite_db) == ([], [])


async def test_a_town_without_free_times_asks_for_another(chat_factory, team):
    chat = staff_chat(chat_factory, 900)
    again = await walk(chat, name="Amal", phone=None, town="burscheid", interpreter="no")
    assert text(again).startswith("In Burscheid ist in den nächsten 14 Tagen kein "
                                  "Erstgespräch frei.")
    assert "pb_town:odenthal" in actions(again)
    assert text(await chat.press("pb_town:odenthal")) == phone_booking_ask.ASK_KIND
    assert "Wo in Odenthal?" in text(await chat.press("pb_kind:first_interview"))
    assert "Dolmetschung" in text(await chat.press("pb_place:any"))


async def test_abbrechen_and_other_commands_leave_the_booking(chat_factory, sqlite_db, team):
    chat = staff_chat(chat_factory, 900)
    await walk_to_times(chat, kind="follow_up")
    await chat.press(f"pb_time:{TUESDAY_1300}")
    assert text(await chat.press("abort")) == texts.CANCELLED_FLOW
    assert text(await chat.press("pb_book")) == phone_booking.WRONG_STEP
    await chat.send("/termin")
    await chat.send("Amal")
    assert "Ihre Termine heute" in text(await chat.send("/heute"))
    assert text(await chat.send("0171 2345678")) == texts.UNKNOWN
    assert await stored(sqlite_db) == ([], [])


async def test_other_day_and_other_time_go_back(chat_factory, team):
    chat = staff_chat(chat_factory, 900)
    await walk_to_times(chat)
    await chat.press(f"pb_time:{TUESDAY_1300}")
    times = await chat.press("pb_other_time")
    assert f"pb_time:{TUESDAY_1300}" in actions(times)
    days = await chat.press("pb_other_day")
    assert "pb_day:20261201" in actions(days)


async def test_phone_booking_and_a_lost_race_on_both_databases(db, clock, monkeypatch):
    """The savepoint around person + appointment, on SQLite and on PostgreSQL."""
    from bot.flows.context import FlowSettings
    from bot.flows.engine import FlowEngine
    from storage import appointments as storage_appointments
    from tests.support.chat import Chat

    await import_catalogue(db, [RBK], clock.now())
    member = await add_member(db, 900, "Frau Kaya")
    await add_workplace(db, member, hours="Tu 13:00-15:00")
    chat = Chat(FlowEngine(db, clock, FlowSettings()), 900, "de", BotKind.STAFF)
    await walk_to_times(chat)
    await chat.press(f"pb_time:{TUESDAY_1300}")
    real_book = phone_booking_book.book

    async def lose_the_race(*args, **kwargs):
        await real_book(*args, **kwargs)  # our rows are written, then the race is lost
        raise storage_appointments.SlotTaken

    monkeypatch.setattr(phone_booking_book, "book", lose_the_race)
    assert text(await chat.press("pb_book")).startswith("Diese Zeit wurde eben vergeben.")
    assert await stored(db) == ([], [])
    monkeypatch.setattr(phone_booking_book, "book", real_book)
    await chat.press(f"pb_time:{TUESDAY_1300}")
    assert text(await chat.press("pb_book")).startswith(phone_booking_book.BOOKED)
    [client], [appointment] = await stored(db)
    assert (appointment.client_id, appointment.booked_by_staff_id) == (client.id, member)
