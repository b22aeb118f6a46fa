"""Talk to KIM on the staff side: answering by button, by Telegram's reply and with a template
in the person's language; /nachrichten; done and handing on; who may not; the digest."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.flows.context import FlowSettings
from bot.flows.engine import FlowEngine
from bot.flows.events import BotKind, Event
from bot.flows.staff.digest.content import compose
from bot.flows.staff.messages import access, answer, handover, inbox
from bot.i18n import FSI, PDI, translator
from bot.talk.templates import BY_KEY
from scheduler.send_errors import Blocked
from storage import kim_messages
from storage.models import AccessLog, StaffMember
from tests.support.common import actions, text
from tests.support.outbox import Recorder, dispatcher_for
from tests.support.staff import outbox
from tests.support.talk import (
    CASE_MANAGER,
    COORDINATOR,
    VOLUNTEER,
    conversations,
    kreis,
    messages,
    person,
)

FA = translator("fa")
DE = translator("de")


@pytest.fixture
async def engine(sqlite_db, clock) -> FlowEngine:
    return FlowEngine(sqlite_db, clock, FlowSettings())


@pytest.fixture
async def setting(sqlite_db, clock, engine):
    place = await kreis(sqlite_db, clock, engine)
    chat = await person(engine, sqlite_db)
    await chat.send("/write")
    await chat.send("سلام، نامه‌ای از اداره دارم")
    [conversation] = await conversations(sqlite_db)
    return place, chat, conversation.id


async def to_person(db) -> list:
    return [m for m in await outbox(db) if m.bot == "client"]


async def test_an_answer_by_button_arrives_under_a_header_in_the_persons_language(
        setting, sqlite_db):
    place, _, conversation = setting
    manager = place.staff()
    asked = await manager.press(f"km_re:{conversation}")
    assert text(asked) == answer.WRITE.format(id=conversation)
    sent = await manager.send("Ich rufe Sie morgen um 10 Uhr an.")
    assert text(sent) == answer.SENT.format(id=conversation,
                                            text="Ich rufe Sie morgen um 10 Uhr an.")
    [reply] = await to_person(sqlite_db)
    assert reply.text == (f"{FA._('Message from your KIM case manager (in German):')}\n\n"
                          f"{FSI}Ich rufe Sie morgen um 10 Uhr an.{PDI}")
    assert reply.rtl and [data for row in reply.buttons for _, data in row] == ["write"]
    [stored] = await conversations(sqlite_db)
    assert stored.waiting_since is None  # answered
    assert [(m.from_client, m.text) for m in await messages(sqlite_db)][-1] == \
        (False, "Ich rufe Sie morgen um 10 Uhr an.")


async def test_telegrams_own_reply_to_the_relayed_message_is_an_answer(setting, sqlite_db,
                                                                        engine):
    _, _, conversation = setting
    first = (await messages(sqlite_db))[0]
    async with sqlite_db.transaction() as session:
        await kim_messages.record_relayed(session, first.id, CASE_MANAGER, 77)
    reply = Event.from_text(BotKind.STAFF, CASE_MANAGER, CASE_MANAGER, "Bitte kommen Sie vorbei.",
                            "de", reply_to=77)
    done = await engine.handle(reply)
    assert text(done) == answer.SENT.format(id=conversation, text="Bitte kommen Sie vorbei.")
    assert "Bitte kommen Sie vorbei." in (await to_person(sqlite_db))[0].text
    # A reply to any other message is not taken for an answer.
    other = Event.from_text(BotKind.STAFF, CASE_MANAGER, CASE_MANAGER, "Notiz", "de",
                            reply_to=78)
    await engine.handle(other)
    assert len(await to_person(sqlite_db)) == 1


async def test_a_template_arrives_entirely_in_the_persons_language(setting, sqlite_db):
    place, _, conversation = setting
    manager = place.staff()
    listed = await manager.press(f"km_tpl:{conversation}")
    assert f"km_t:{conversation}_bring" in actions(listed)
    assert len(actions(listed)) >= 25
    ask = await manager.press(f"km_t:{conversation}_bring")
    assert text(ask) == answer.ASK[answer.Field.DOCUMENTS]
    assert "km_v:pass" in actions(ask)
    sent = await manager.press("km_v:pass")
    german = DE._("Please bring {documents} to your appointment.",
                  documents=DE._("your passport"))
    assert text(sent) == answer.SENT.format(id=conversation, text=german)
    [reply] = await to_person(sqlite_db)
    assert reply.text == FA._("Please bring {documents} to your appointment.",
                              documents=FA._("your passport"))
    assert (await messages(sqlite_db))[-1].template == "bring"


async def test_template_fields_are_checked_and_typed_ones_limited(setting, sqlite_db):
    place, _, conversation = setting
    manager = place.staff()
    await manager.press(f"km_t:{conversation}_call")
    assert text(await manager.send("ruf mich an")) == answer.BAD_PHONE
    assert await to_person(sqlite_db) == []
    await manager.send("02202 123456")
    [reply] = await to_person(sqlite_db)
    assert "02202 123456" in reply.text
    # Two fields, by buttons; a forged value is refused.
    await manager.press(f"km_t:{conversation}_open")
    assert text(await manager.press("km_v:9")) == answer.CHOOSE_A_BUTTON
    await manager.press("km_v:1")
    assert text(await manager.press("km_v:2500")) == answer.CHOOSE_A_BUTTON
    await manager.press("km_v:0930")
    reply = (await to_person(sqlite_db))[-1]
    assert reply.text == answer.fill(BY_KEY["open"], {"weekday": "1", "time": "0930"}, "fa",
                                     "Europe/Berlin")
    assert "9:30" in reply.text


async def test_the_inbox_lists_the_longest_waiting_first(setting, sqlite_db, engine, clock):
    place, _, first = setting
    clock.advance(timedelta(hours=3))
    other = await person(engine, sqlite_db, user_id=4300, language="ar")
    await other.send("/write")
    await other.send("مرحبا")
    listed = await place.staff().send("/nachrichten")
    lines = text(listed).splitlines()
    assert lines[0] == inbox.HEAD.format(count=2)
    assert lines[1].startswith(f"• Nr. {first} ") and lines[1].endswith("wartet seit 3 Std.")
    assert actions(listed) == [f"km_open:{first}", f"km_open:{first + 1}"]
    opened = await place.staff().press(f"km_open:{first}")
    assert "سلام، نامه‌ای از اداره دارم" in text(opened)
    async with sqlite_db.transaction() as session:
        logged = [e.action for e in await session.scalars(select(AccessLog))]
    assert "messages.open" in logged and "messages.received" in logged


async def test_done_closes_and_the_next_message_opens_a_new_conversation(setting, sqlite_db):
    place, chat, conversation = setting
    done = await place.staff().press(f"km_done:{conversation}")
    assert text(done) == handover.DONE.format(id=conversation)
    assert text(await place.staff().press(f"km_re:{conversation}")) == access.NOT_YOURS
    await chat.send("یک سوال دیگر")
    assert len(await conversations(sqlite_db)) == 2


async def test_handing_on_to_coordination_and_back_to_a_colleague(setting, sqlite_db, engine):
    place, _, conversation = setting
    manager = place.staff()
    whom = await manager.press(f"km_fwd:{conversation}")
    assert f"km_to:{conversation}_q" in actions(whom)
    await manager.press(f"km_to:{conversation}_q")
    [stored] = await conversations(sqlite_db)
    assert stored.staff_member_id is None
    # Now the case manager may no longer act on it; coordination may, and assigns it back.
    assert text(await manager.press(f"km_re:{conversation}")) == access.NOT_YOURS
    coordinator = place.staff(COORDINATOR)
    options = await coordinator.press(f"km_fwd:{conversation}")
    assert f"km_to:{conversation}_{place.manager_id}" in actions(options)
    handed = await coordinator.press(f"km_to:{conversation}_{place.manager_id}")
    assert text(handed) == handover.HANDED.format(id=conversation, name="S. Kaya")
    briefed = (await outbox(sqlite_db))[-1]
    assert briefed.chat_id == CASE_MANAGER and "wurde an Sie weitergegeben" in briefed.text


async def test_volunteers_never_see_messages_and_forged_buttons_change_nothing(setting,
                                                                             sqlite_db):
    place, _, conversation = setting
    volunteer = place.staff(VOLUNTEER)
    refused = await volunteer.press(f"km_open:{conversation}")
    assert "nicht freigeschaltet" in text(refused)
    assert "nicht freigeschaltet" in text(await volunteer.send("/nachrichten"))
    manager = place.staff()
    for forged in (f"km_re:{conversation + 5}", "km_re:abc", f"km_t:{conversation}_nope",
                   f"km_to:{conversation}_999", "km_v:pass"):
        assert text(await manager.press(forged)) in (access.NOT_YOURS, answer.CHOOSE_A_BUTTON)
    assert await to_person(sqlite_db) == []


async def test_the_digest_counts_conversations_waiting_over_two_working_days(setting,
                                                                           sqlite_db, clock):
    place, _, _ = setting
    async with sqlite_db.transaction() as session:
        manager = await session.get(StaffMember, place.manager_id)
        fresh = await compose(session, manager, since=clock.now(), now=clock.now(),
                              timezone="Europe/Berlin", on_demand=True)
        later = clock.now() + timedelta(days=3)  # Monday 09:00 -> Thursday 09:00
        old = await compose(session, manager, since=later, now=later,
                            timezone="Europe/Berlin", on_demand=True)
    assert not any("länger als zwei Arbeitstage" in m for m in fresh.messages)
    assert any("länger als zwei Arbeitstage" in m and "bei Ihnen: 1" in m for m in old.messages)


async def test_an_answer_to_someone_who_blocked_the_bot_is_reported_to_its_author(
        setting, sqlite_db, clock):
    place, _, conversation = setting
    manager = place.staff()
    await manager.press(f"km_re:{conversation}")
    await manager.send("Bitte melden Sie sich.")
    staff = Recorder()
    dispatcher = dispatcher_for(sqlite_db, clock, {"client": Recorder(fail=Blocked("blocked")),
                                                   "staff": staff})
    await dispatcher.run_once()
    await dispatcher.run_once()  # the report, written while the first run handled the refusal
    reports = [reply.text for chat_id, reply in staff.sent
               if chat_id == CASE_MANAGER and reply.text.startswith("⚠️")]
    assert reports == [kim_messages.NOT_DELIVERED.format(id=conversation)]
