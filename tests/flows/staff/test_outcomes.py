"""The question after each appointment: when it is asked, once, and each answer through the
staff flow (attended, missed, moved; a first interview's Kurzberatung or case)."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest
from sqlalchemy import func, select

from bot.catalogue.topics import TOPICS
from bot.flows.context import FlowSettings
from bot.flows.engine import FlowEngine
from bot.flows.events import BotKind
from bot.flows.staff import texts
from bot.flows.staff.appointments.actions import ALREADY, NOT_STARTED, NOT_YOURS
from bot.flows.staff.outcomes import answers
from bot.i18n import FSI, PDI
from scheduler.clock import FixedClock
from scheduler.outcome_questions import ask_after_appointments
from storage.db import Database
from storage.models import (
    AppointmentKind,
    AppointmentOutcome,
    Base,
    Channel,
    CmCase,
    ShortConsultation,
    StaffRole,
)
from tests.support.chat import Chat
from tests.support.common import actions, text
from tests.support.digest import (
    BERLIN,
    access_log,
    messages_to,
    set_appointment,
    set_client,
    set_member,
)
from tests.support.staff import (
    add_appointment,
    add_client,
    add_member,
    add_workplace,
    appointment,
    local,
)


async def ask(db: Database, at: datetime) -> int:
    return await ask_after_appointments(db, FixedClock(at), BERLIN)


async def count(db: Database, model: type[Base]) -> int:
    async with db.transaction() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


async def outcomes(db: Database) -> list[tuple[int, str, str, str]]:
    async with db.transaction() as session:
        return [(o.staff_member_id, o.office_id, o.kind, o.outcome) for o in
                await session.scalars(select(AppointmentOutcome).order_by(AppointmentOutcome.id))]


# --- when the question is asked ------------------------------------------------------------

async def test_asked_once_when_the_appointment_has_ended(db):
    me = await add_member(db, 700, "Frau Kaya")
    amal = await add_client(db, telegram_id=9001, alias="أمل")
    first = await add_appointment(db, amal, me, local(23, 10),
                                  kind=AppointmentKind.FIRST_INTERVIEW,
                                  channel=Channel.IN_PERSON, minutes=60)
    assert await ask(db, local(23, 10, 30)) == 0  # running
    assert await ask(db, local(23, 10, 59)) == 0
    assert await ask(db, local(23, 11)) == 1
    assert await ask(db, local(23, 11, 1)) == 0
    assert await ask(db, local(24, 11)) == 0
    [message] = await messages_to(db, 700)
    assert message.text == "Termin 10:00 mit \u2068أمل\u2069 (Erstgespräch): War die Person da?"
    assert message.buttons == [[["✅ Erschienen", f"oc_att:{first}"],
                                ["🚫 Nicht erschienen", f"oc_miss:{first}"]],
                               [["🔁 Verschoben", f"oc_move:{first}"]]]
    assert (await appointment(db, first)).outcome_asked_at == local(23, 11)
    assert await access_log(db) == [(me, amal, "appointment.question")]


async def test_only_within_seven_days_of_the_end(db):
    me = await add_member(db, 700)
    client = await add_client(db, telegram_id=9001, alias="Amal")
    six_days = await add_appointment(db, client, me, local(17, 9, 30))
    eight_days = await add_appointment(db, client, me, local(15, 9, 30))
    # A process that was down for days asks about what is recent enough, with its date.
    assert await ask(db, local(23, 10)) == 1
    [message] = await messages_to(db, 700)
    assert message.text == (
        f"Termin Di 17.11., 09:30 mit {FSI}Amal{PDI} (Folgetermin): War die Person da?")
    assert (await appointment(db, eight_days)).outcome_asked_at is None
    assert (await appointment(db, six_days)).outcome_asked_at is not None


async def test_not_about_appointments_already_closed(db):
    me = await add_member(db, 700)
    client = await add_client(db, telegram_id=9001, alias="Amal")
    for hour, status in ((6, "attended"), (7, "missed"), (8, "cancelled")):
        done = await add_appointment(db, client, me, local(23, hour))
        await set_appointment(db, done, status=status)
    confirmed = await add_appointment(db, client, me, local(23, 9))
    await set_appointment(db, confirmed, status="confirmed")
    assert await ask(db, local(23, 12)) == 1
    [message] = await messages_to(db, 700)
    assert message.text.startswith(f"Termin 09:00 mit {FSI}Amal{PDI}")


async def test_two_instances_ask_once(db, db_url):
    me = await add_member(db, 700)
    client = await add_client(db, telegram_id=9001, alias="Amal")
    for hour in range(8, 16):
        await add_appointment(db, client, me, local(23, hour))
    other = Database(db_url)
    try:
        results = await asyncio.gather(ask(db, local(23, 17)), ask(other, local(23, 17)))
    finally:
        await other.dispose()
    assert sum(results) == 8
    assert len(await messages_to(db, 700)) == 8


async def test_nobody_to_ask_marks_it_without_a_message(db):
    me = await add_member(db, 700)
    client = await add_client(db, telegram_id=9001, alias="Amal")
    gone = await add_appointment(db, client, me, local(23, 8))
    await set_member(db, me, active=False)
    assert await ask(db, local(23, 12)) == 0
    assert await messages_to(db, 700) == []
    assert (await appointment(db, gone)).outcome_asked_at is not None


# --- the answers ---------------------------------------------------------------------------

@pytest.fixture
async def asked(sqlite_db, clock):
    """Monday 23.11.2026; now is 12:00 in Berlin. Frau Kaya had a follow-up at 09:00 with
    Amal, a first interview at 10:00 with Olena (who named Kürten in the finder) and one at
    11:00 with a caller, and has one at 15:00 still ahead; a colleague had one at 09:00."""
    me = await add_member(sqlite_db, 700, "Frau Kaya")
    await add_workplace(sqlite_db, me, towns=("odenthal",))
    colleague = await add_member(sqlite_db, 701, "Herr Lenz")
    amal = await add_client(sqlite_db, telegram_id=9001, alias="Amal", language="ar")
    olena = await add_client(sqlite_db, telegram_id=9002, alias="Olena", language="uk")
    await set_client(sqlite_db, olena, town="kuerten")
    caller = await add_client(sqlite_db, alias="Herr D.", phone="0171 2345678", language="fa")
    first = {"kind": AppointmentKind.FIRST_INTERVIEW, "channel": Channel.IN_PERSON}
    ids = {
        "follow_up": await add_appointment(sqlite_db, amal, me, local(23, 9)),
        "first": await add_appointment(sqlite_db, olena, me, local(23, 10), interpreter="uk",
                                       **first),
        "caller_first": await add_appointment(sqlite_db, caller, me, local(23, 11), **first),
        "later": await add_appointment(sqlite_db, amal, me, local(23, 15)),
        "theirs": await add_appointment(sqlite_db, amal, colleague, local(23, 9)),
    }
    clock.set(local(23, 12))
    assert await ask(sqlite_db, local(23, 12)) == 4  # not the one at 15:00
    return {"me": me, "amal": amal, "olena": olena, "caller": caller, **ids}


def staff_chat(chat_factory, user_id: int = 700) -> Chat:
    return chat_factory(user_id=user_id, language_code="de", bot=BotKind.STAFF)


async def test_attended_follow_up_is_recorded_once(chat_factory, sqlite_db, asked):
    chat = staff_chat(chat_factory)
    done = await chat.press(f"oc_att:{asked['follow_up']}")
    assert done.notice == "Vermerkt: erschienen."
    assert done.replies[0].edit
    assert text(done) == f"Termin 09:00 mit {FSI}Amal{PDI} (Folgetermin): erschienen ✔️"
    assert (await appointment(sqlite_db, asked["follow_up"])).status == "attended"
    assert await outcomes(sqlite_db) == [(asked["me"], "kim-odenthal", "follow_up", "attended")]
    for again in ("oc_att", "oc_miss", "oc_move"):
        assert text(await chat.press(f"{again}:{asked['follow_up']}")) == ALREADY.format(
            status="erschienen")
    assert len(await outcomes(sqlite_db)) == 1


async def test_missed(chat_factory, sqlite_db, asked):
    chat = staff_chat(chat_factory)
    done = await chat.press(f"oc_miss:{asked['follow_up']}")
    assert text(done) == (f"Termin 09:00 mit {FSI}Amal{PDI} (Folgetermin): nicht erschienen ✔️\n"
                          f"{FSI}Amal{PDI} hat im Chat eine freundliche Nachricht mit einem "
                          "Knopf für einen neuen Termin bekommen.")
    assert (await appointment(sqlite_db, asked["follow_up"])).status == "missed"
    assert await outcomes(sqlite_db) == [(asked["me"], "kim-odenthal", "follow_up", "missed")]
    assert text(await chat.press(f"oc_miss:{asked['follow_up']}")) == ALREADY.format(
        status="nicht erschienen")
    assert len(await outcomes(sqlite_db)) == 1


async def test_moved_closes_it_and_asks_the_person_to_book_again(chat_factory, sqlite_db,
                                                                 asked):
    chat = staff_chat(chat_factory)
    done = await chat.press(f"oc_move:{asked['first']}")
    assert text(done) == (f"Termin 10:00 mit {FSI}Olena{PDI} (Erstgespräch): verschoben ✔️\n"
                          + answers.ASK_BOOK)
    row = await appointment(sqlite_db, asked["first"])
    assert (row.status, row.cancelled_by) == ("cancelled", "staff")
    message, removal = await messages_to(sqlite_db, 9002, bot="client")
    assert removal.document["file_name"].endswith("-cancelled.ics")  # the calendar update
    assert "10:00" in message.text and "23 листопада 2026" in message.text  # Ukrainian date
    assert message.buttons is not None and message.buttons[0][0][1] == "book"
    assert await outcomes(sqlite_db) == []  # neither kept nor missed
    again = await chat.press(f"oc_move:{asked['first']}")
    assert text(again) == ALREADY.format(status="abgesagt (vom Team)")
    assert len(await messages_to(sqlite_db, 9002, bot="client")) == 2


async def test_moved_for_a_caller_asks_to_phone_them(chat_factory, sqlite_db, asked):
    done = await staff_chat(chat_factory).press(f"oc_move:{asked['caller_first']}")
    assert text(done).endswith(f"bitte rufen Sie sie an: Tel. {FSI}0171 2345678{PDI}.")


async def test_the_moved_message_in_english_and_german(chat_factory, sqlite_db, asked):
    await set_client(sqlite_db, asked["olena"], language="en")
    await set_client(sqlite_db, asked["amal"], language="de")
    chat = staff_chat(chat_factory)
    await chat.press(f"oc_move:{asked['first']}")
    await chat.press(f"oc_move:{asked['follow_up']}")
    english, _ = await messages_to(sqlite_db, 9002, bot="client")
    german, _ = await messages_to(sqlite_db, 9001, bot="client")
    assert english.text == ("Your appointment on November 23, 2026 at 10:00 is moved. "
                            "Please choose a new time.")
    assert german.text == ("Ihr Termin am 23. November 2026 um 09:00 Uhr wird verschoben. "
                           "Bitte wählen Sie eine neue Zeit.")
    assert german.buttons == [[["Termin buchen", "book"]]]


async def test_a_first_interview_then_kurzberatung_with_its_topic(chat_factory, sqlite_db,
                                                                  asked):
    chat = staff_chat(chat_factory)
    first = asked["first"]
    step = await chat.press(f"oc_att:{first}")
    assert text(step) == (f"Termin 10:00 mit {FSI}Olena{PDI} (Erstgespräch): erschienen. "
                          "Wie geht es weiter?")
    assert actions(step) == [f"oc_kurz:{first}", f"oc_case:{first}", f"oc_only:{first}",
                             f"oc_ask:{first}"]
    # Nothing is recorded until the next tap.
    assert (await appointment(sqlite_db, first)).status == "booked"
    topics = await chat.press(f"oc_kurz:{first}")
    assert text(topics) == ("Kurzberatung nach dem Termin 10:00 mit "
                            f"{FSI}Olena{PDI} (Erstgespräch): "
                            "Worum ging es?")
    assert actions(topics) == [f"oc_topic:{first}_{t.code}" for t in TOPICS] + [
        f"oc_att:{first}"]
    saved = await chat.press(f"oc_topic:{first}_housing")
    assert saved.notice == "Gezählt"
    assert text(saved).startswith(f"Termin 10:00 mit {FSI}Olena{PDI} (Erstgespräch): "
                                  "erschienen ✔️\n"
                                  "✅ Kurzberatung gezählt: Wohnen · persönlich · kuerten")
    assert (await appointment(sqlite_db, first)).status == "attended"
    async with sqlite_db.transaction() as session:
        [entry] = list(await session.scalars(select(ShortConsultation)))
    # In person (a first interview is), the person's town, the interpreter's language.
    assert (entry.staff_member_id, entry.topic, entry.channel, entry.town, entry.language) == (
        asked["me"], "housing", "in_person", "kuerten", "uk")
    assert await outcomes(sqlite_db) == [
        (asked["me"], "kim-odenthal", "first_interview", "attended")]
    # Old buttons pressed again count nothing twice.
    for data in (f"oc_topic:{first}_housing", f"oc_topic:{first}_work", f"oc_case:{first}",
                 f"oc_only:{first}"):
        assert text(await chat.press(data)) == answers.ALREADY_CLOSED.format(
            status="erschienen"), data
    assert text(await chat.press(f"oc_kurz:{first}")) == answers.ALREADY_CLOSED.format(
        status="erschienen")
    assert await count(sqlite_db, ShortConsultation) == 1
    assert await count(sqlite_db, CmCase) == 0
    assert len(await outcomes(sqlite_db)) == 1


async def test_a_first_interview_then_a_cm_case(chat_factory, sqlite_db, asked):
    chat = staff_chat(chat_factory)
    first = asked["caller_first"]
    await chat.press(f"oc_att:{first}")
    opened = await chat.press(f"oc_case:{first}")
    assert opened.notice == "Eröffnet"
    # The caller named no town: the case counts for the case manager's town.
    assert text(opened) == (f"Termin 11:00 mit {FSI}Herr D.{PDI} (Erstgespräch): erschienen.\n"
                            "✅ KIM-Fall eröffnet (odenthal). Offene Fälle: 1.")
    async with sqlite_db.transaction() as session:
        [case] = list(await session.scalars(select(CmCase)))
    assert (case.staff_member_id, case.town, case.closed_at) == (asked["me"], "odenthal", None)
    assert actions(opened) == [f"case_undo:{case.id}", "case_list"]
    assert text(await chat.press(f"oc_case:{first}")) == answers.ALREADY_CLOSED.format(
        status="erschienen")
    assert await count(sqlite_db, CmCase) == 1
    assert await count(sqlite_db, ShortConsultation) == 0
    assert (await appointment(sqlite_db, first)).status == "attended"


async def test_a_first_interview_attended_without_counting(chat_factory, sqlite_db, asked):
    chat = staff_chat(chat_factory)
    await chat.press(f"oc_att:{asked['first']}")
    back = await chat.press(f"oc_ask:{asked['first']}")
    assert text(back).endswith("War die Person da?") and back.replies[0].edit
    await chat.press(f"oc_att:{asked['first']}")
    done = await chat.press(f"oc_only:{asked['first']}")
    assert text(done) == f"Termin 10:00 mit {FSI}Olena{PDI} (Erstgespräch): erschienen ✔️"
    assert (await appointment(sqlite_db, asked["first"])).status == "attended"
    assert await count(sqlite_db, ShortConsultation) == 0 and await count(sqlite_db, CmCase) == 0


async def test_counting_buttons_only_after_a_first_interview(chat_factory, sqlite_db, asked):
    chat = staff_chat(chat_factory)
    for data in (f"oc_kurz:{asked['follow_up']}", f"oc_case:{asked['follow_up']}",
                 f"oc_topic:{asked['follow_up']}_housing"):
        assert text(await chat.press(data)) == answers.ONLY_FIRST, data
    assert (await appointment(sqlite_db, asked["follow_up"])).status == "booked"
    assert await count(sqlite_db, ShortConsultation) == 0 and await count(sqlite_db, CmCase) == 0


async def test_forged_and_early_buttons_change_nothing(chat_factory, sqlite_db, asked):
    chat = staff_chat(chat_factory)
    theirs = asked["theirs"]
    for name in ("oc_att", "oc_miss", "oc_move", "oc_kurz", "oc_case", "oc_only", "oc_ask"):
        assert text(await chat.press(f"{name}:{theirs}")) == NOT_YOURS, name
        assert text(await chat.press(f"{name}:999999")) == NOT_YOURS, name
    assert text(await chat.press(f"oc_topic:{theirs}_housing")) == NOT_YOURS
    assert text(await chat.press(f"oc_topic:{asked['first']}_nonsense")) == texts.STALE_BUTTON
    assert text(await chat.press("oc_topic:housing")) == texts.STALE_BUTTON
    assert text(await chat.press("oc_att:1:2")) == texts.STALE_BUTTON
    assert text(await chat.press(f"oc_move:{asked['later']}")) == NOT_STARTED
    assert text(await chat.press(f"oc_att:{asked['later']}")) == NOT_STARTED
    statuses = [(await appointment(sqlite_db, asked[k])).status
                for k in ("theirs", "later", "first")]
    assert statuses == ["booked", "booked", "booked"]
    assert await messages_to(sqlite_db, 9001, bot="client") == []
    assert await outcomes(sqlite_db) == []


async def test_volunteers_cannot_answer(chat_factory, sqlite_db, asked):
    await add_member(sqlite_db, 710, "Frau Ehrenamt", StaffRole.VOLUNTEER)
    reply = text(await staff_chat(chat_factory, 710).press(f"oc_att:{asked['follow_up']}"))
    assert reply == texts.NOT_FOR_ROLE.format(role="Ehrenamt")


async def test_answers_are_in_the_access_log(chat_factory, sqlite_db, asked):
    chat = staff_chat(chat_factory)
    await chat.press(f"oc_miss:{asked['follow_up']}")
    await chat.press(f"oc_move:{asked['first']}")
    logged = (await access_log(sqlite_db))[4:]  # after the four questions
    assert logged == [(asked["me"], asked["amal"], "appointment.missed"),
                      (asked["me"], asked["olena"], "appointment.moved")]


async def test_answers_on_both_databases(db, clock):
    me = await add_member(db, 720, "Frau Kaya")
    client = await add_client(db, telegram_id=9200, alias="Amal")
    first = await add_appointment(db, client, me, local(23, 8),
                                  kind=AppointmentKind.FIRST_INTERVIEW,
                                  channel=Channel.IN_PERSON, minutes=60)
    follow = await add_appointment(db, client, me, local(23, 9, 30))
    clock.set(local(23, 12))
    assert await ask(db, clock.now()) == 2
    chat = Chat(FlowEngine(db, clock, FlowSettings()), 720, "de", BotKind.STAFF)
    await chat.press(f"oc_att:{first}")
    assert (await chat.press(f"oc_case:{first}")).notice == "Eröffnet"
    assert (await chat.press(f"oc_move:{follow}")).notice == "Vermerkt: verschoben."
    assert text(await chat.press(f"oc_case:{first}")).startswith("Dieser Termin ist schon")
    assert await count(db, CmCase) == 1
    assert await outcomes(db) == [(me, "kim-odenthal", "first_interview", "attended")]
