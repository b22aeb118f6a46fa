"""/kurz: a Kurzberatung in three taps, undo for 10 minutes, *Noch einmal*, the optional
language, and that nothing written on this path identifies a client."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.catalogue.samples import RBK
from bot.flows.engine import FlowEngine
from bot.flows.events import BotKind, Outcome
from bot.flows.staff import texts
from bot.flows.staff.kurz import flow as kurz
from storage.catalogue_io import import_catalogue
from storage.models import ShortConsultation, StaffMember, StaffRole
from tests.support.chat import Chat
from tests.support.common import actions, all_rows, text
from tests.support.staff import add_client, add_member, add_workplace, count, not_counting


class CountingChat(Chat):
    """A staff chat that counts what the person does: messages sent and buttons pressed."""

    def __init__(self, engine: FlowEngine, user_id: int) -> None:
        super().__init__(engine, user_id, "de", BotKind.STAFF)
        self.updates = 0

    async def send(self, text: str) -> Outcome:
        self.updates += 1
        return await super().send(text)

    async def press(self, action: str, message_id: int = 1) -> Outcome:
        self.updates += 1
        return await super().press(action, message_id)


async def entries(db) -> list[ShortConsultation]:
    async with db.transaction() as session:
        return list(await session.scalars(select(ShortConsultation)
                                          .order_by(ShortConsultation.id)))


@pytest.fixture
async def manager(db, clock) -> int:
    await import_catalogue(db, [RBK], clock.now())
    member = await add_member(db, 800, "Frau Kaya")
    async with db.transaction() as session:
        found = await session.get(StaffMember, member)
        found.towns, found.region_id = ["odenthal", "kuerten"], "rbk"
    return member


async def test_a_kurzberatung_takes_three_updates_from_an_idle_chat(db, flow, manager, clock):
    chat = CountingChat(flow, 800)
    topics = await chat.send("/kurz")
    assert text(topics) == kurz.ASK_TOPIC
    # 18 topics, and "Ort ändern" because this member has two towns.
    assert len(actions(topics)) == 19 and "kurz_topic:housing" in actions(topics)
    assert actions(topics)[-1] == "kurz_towns"
    channels = await chat.press("kurz_topic:housing")
    assert channels.replies[0].edit
    assert actions(channels) == ["kurz_chan:in_person", "kurz_chan:phone", "kurz_chan:email",
                                 "kurz_chan:messenger", "kurz_chan:outreach", "kurz_more"]
    saved = await chat.press("kurz_chan:phone")
    assert chat.updates == 3
    line = text(saved)
    assert line == "✅ Kurzberatung gezählt: Wohnen · Telefon · Odenthal (10:00 Uhr). Heute: 1."
    assert "\n" not in line
    [entry] = await entries(db)
    assert (entry.staff_member_id, entry.topic, entry.second_topic, entry.channel, entry.town,
            entry.language) == (manager, "housing", None, "phone", "odenthal", None)
    # The next one from the confirmation's button: three presses again.
    chat.updates = 0
    await chat.press("kurz_new")
    await chat.press("kurz_topic:debts")
    await chat.press("kurz_chan:in_person")
    assert chat.updates == 3 and len(await entries(db)) == 2


async def test_the_welcome_carries_the_kurzberatung_button(db, flow, manager):
    assert actions(await CountingChat(flow, 800).send("/start")) == ["kurz_new"]


async def test_two_topics_at_most(db, flow, manager):
    chat = CountingChat(flow, 800)
    await chat.send("/kurz")
    await chat.press("kurz_topic:residence")
    second = await chat.press("kurz_more")
    assert "kurz_second:residence" not in actions(second) and len(actions(second)) == 17
    assert text(await chat.press("kurz_second:residence")) == kurz.WRONG_STEP
    channels = await chat.press("kurz_second:work")
    assert "kurz_more" not in actions(channels)  # no third topic
    assert text(await chat.press("kurz_more")) == kurz.WRONG_STEP
    assert text(await chat.press("kurz_second:letters")) == kurz.WRONG_STEP
    saved = text(await chat.press("kurz_chan:messenger"))
    assert "Aufenthalt + Arbeit und Arbeitserlaubnis · Messenger" in saved
    [entry] = await entries(db)
    assert (entry.topic, entry.second_topic) == ("residence", "work")


async def test_undo_works_for_ten_minutes_only(db, flow, manager, clock):
    chat = CountingChat(flow, 800)
    await count(chat, "health", "phone")
    await chat.press("kurz_again:1")
    first, second = await entries(db)
    clock.advance(timedelta(minutes=10))
    undone = await chat.press(f"kurz_undo:{first.id}")
    assert text(undone).startswith("↩️ Gelöscht: Kurzberatung Gesundheit · Telefon")
    assert text(undone).endswith("Heute: 1.") and actions(undone) == ["kurz_new"]
    assert [e.id for e in await entries(db)] == [second.id]
    assert text(await chat.press(f"kurz_undo:{first.id}")) == kurz.GONE
    clock.advance(timedelta(seconds=1))
    assert text(await chat.press(f"kurz_undo:{second.id}")) == kurz.UNDO_TOO_LATE.format(
        minutes=10)
    assert len(await entries(db)) == 1


async def test_same_again_repeats_the_entry_with_one_tap(db, flow, manager, clock):
    chat = CountingChat(flow, 800)
    saved = await count(chat, "kita_school", "outreach", second="language_courses")
    again = next(a for a in actions(saved) if a.startswith("kurz_again:"))
    clock.advance(timedelta(hours=3))  # later the same day: still one tap
    chat.updates = 0
    repeated = await chat.press(again)
    assert chat.updates == 1
    assert not repeated.replies[0].edit  # the first confirmation stays in the chat
    assert text(repeated).endswith("Heute: 2.")
    first, second = await entries(db)
    assert (second.topic, second.second_topic, second.channel, second.town) == (
        first.topic, first.second_topic, first.channel, first.town)
    assert second.created_at == first.created_at + timedelta(hours=3)


async def test_the_language_is_optional_and_set_on_the_confirmation(db, flow, manager, clock):
    chat = CountingChat(flow, 800)
    await chat.press("kurz_topic:housing")  # a topic list from earlier starts a new entry
    saved = await chat.press("kurz_chan:in_person")
    [entry] = await entries(db)
    languages = await chat.press(f"kurz_langs:{entry.id}")
    assert f"kurz_lang:{entry.id}_ar" in actions(languages)
    assert "العربية" in text(await chat.press(f"kurz_lang:{entry.id}_ar"))
    assert (await entries(db))[0].language == "ar"
    assert text(await chat.press(f"kurz_lang:{entry.id}_xx")) == kurz.GONE
    assert saved.replies[0].edit


async def test_forged_and_foreign_buttons_change_nothing(db, flow, manager, clock):
    chat = CountingChat(flow, 800)
    await chat.send("/kurz")
    await chat.press("kurz_topic:housing")
    await chat.press("kurz_chan:phone")
    [entry] = await entries(db)
    other = await add_member(db, 801, "Herr Kollege")
    colleague = CountingChat(flow, 801)
    assert other != manager
    for data in (f"kurz_undo:{entry.id}", f"kurz_again:{entry.id}",
                 f"kurz_lang:{entry.id}_de", f"kurz_langs:{entry.id}"):
        assert text(await colleague.press(data)) == kurz.GONE
    assert text(await colleague.press("kurz_chan:phone")) == kurz.WRONG_STEP  # no topic yet
    assert text(await colleague.press("kurz_topic:nonsense")) == kurz.WRONG_STEP
    assert text(await colleague.press("kurz_undo:abc")) == kurz.GONE
    assert text(await colleague.press("kurz_new:x")) == kurz.WRONG_STEP
    assert text(await colleague.send("Wohnen")) == texts.UNKNOWN
    await colleague.send("/kurz")
    assert text(await colleague.send("Wohnen")) == texts.CHOOSE_A_BUTTON
    assert [(e.id, e.language) for e in await entries(db)] == [(entry.id, None)]


@pytest.mark.parametrize("role", [StaffRole.VOLUNTEER, StaffRole.PARTNER])
async def test_volunteers_and_partners_cannot_count(db, flow, clock, role):
    chat, refusal = await not_counting(db, flow, role)
    assert text(await chat.send("/kurz")) == refusal
    for data in ("kurz_new", "kurz_topic:housing", "kurz_chan:phone", "kurz_again:1",
                 "kurz_undo:1"):
        assert text(await chat.press(data)) == refusal
    assert await entries(db) == []
    assert "/kurz" not in text(await chat.send("/hilfe"))
    assert actions(await chat.send("/start")) == []


async def test_the_town_falls_back_to_the_workplace(db, flow, clock):
    member = await add_member(db, 810, "Herr Ohne Orte")
    await add_workplace(db, member, towns=("kuerten", "odenthal"))
    chat = CountingChat(flow, 810)
    await chat.press("kurz_topic:debts")
    await chat.press("kurz_chan:email")
    assert (await entries(db))[0].town == "kuerten"


IDENTIFYING = {"client_id", "telegram_id", "alias", "phone", "name", "display_name", "text",
               "chat_id", "note", "comment"}


async def test_no_table_written_by_the_kurzberatung_path_holds_a_client_identifier(
        db, flow, manager, clock):
    await add_client(db, telegram_id=4242, alias="Amal", phone="+49 170 1234567")
    chat = CountingChat(flow, 800)
    before = await all_rows(db)
    await chat.send("/kurz")
    await chat.press("kurz_topic:housing")
    await chat.press("kurz_more")
    await chat.press("kurz_second:debts")
    saved = await chat.press("kurz_chan:phone")
    entry_id = next(a for a in actions(saved) if a.startswith("kurz_undo:")).split(":")[1]
    await chat.press(f"kurz_lang:{entry_id}_ar")
    await chat.press(f"kurz_again:{entry_id}")
    after = await all_rows(db)
    changed = {table for table in after if after[table] != before[table]}
    # Only the counts and the chat's step (a keyed hash, codes only) were written.
    assert changed <= {"short_consultations", "conversation_states"}
    assert len(after["short_consultations"]) == 2
    for table in changed:
        for row in after[table]:
            assert not IDENTIFYING & set(row), (table, row)
            assert not any(value in (4242, "4242", "Amal", "+49 170 1234567")
                           for value in row.values()), (table, row)
    columns = {column.name for column in ShortConsultation.__table__.columns}
    assert columns == {"id", "staff_member_id", "town", "topic", "second_topic", "channel",
                       "language", "created_at"}


async def test_a_member_with_several_towns_changes_the_town_and_keeps_three_taps(
        db, flow, manager, clock):
    chat = CountingChat(flow, 800)
    topics = await chat.send("/kurz")
    assert [b.label for row in topics.replies[0].buttons for b in row][-1] == (
        "📍 Odenthal · Ort ändern")
    towns = await chat.press("kurz_towns")
    assert text(towns) == kurz.ASK_TOWN and towns.replies[0].edit
    assert [(b.label, b.action) for row in towns.replies[0].buttons for b in row] == [
        ("✓ Odenthal", "kurz_town:odenthal"), ("Kürten", "kurz_town:kuerten")]
    back = await chat.press("kurz_town:kuerten")
    assert text(back) == kurz.ASK_TOPIC and back.notice == "Ort: Kürten"
    assert back.replies[0].buttons[-1][0].label == "📍 Kürten · Ort ändern"
    await chat.press("kurz_topic:housing")
    saved = await chat.press("kurz_chan:phone")
    assert "Wohnen · Telefon · Kürten" in text(saved)
    # The town stays the chat's default, also across other commands: three taps again.
    await chat.send("/stats")
    chat.updates = 0
    await chat.send("/kurz")
    await chat.press("kurz_topic:debts")
    await chat.press("kurz_chan:email")
    assert chat.updates == 3
    assert [e.town for e in await entries(db)] == ["kuerten", "kuerten"]
    # No longer one of the member's towns: back to the first one.
    async with db.transaction() as session:
        (await session.get(StaffMember, manager)).towns = ["odenthal", "burscheid"]
    await chat.press("kurz_topic:work")
    await chat.press("kurz_chan:phone")
    assert (await entries(db))[-1].town == "odenthal"


async def test_only_the_members_own_towns_can_be_chosen(db, flow, manager, clock):
    chat = CountingChat(flow, 800)
    await chat.send("/kurz")
    for data in ("kurz_town:bergisch-gladbach", "kurz_town:nowhere", "kurz_towns:x"):
        assert text(await chat.press(data)) == kurz.WRONG_STEP
    await chat.press("kurz_topic:housing")
    await chat.press("kurz_chan:phone")
    assert [e.town for e in await entries(db)] == ["odenthal"]
    single = await add_member(db, 820, "Frau Einort")
    async with db.transaction() as session:
        (await session.get(StaffMember, single)).towns = ["odenthal"]
    one = CountingChat(flow, 820)
    assert "kurz_towns" not in actions(await one.send("/kurz"))
    assert text(await one.press("kurz_towns")) == kurz.WRONG_STEP
    assert text(await one.press("kurz_town:kuerten")) == kurz.WRONG_STEP
