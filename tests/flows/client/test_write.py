"""Writing to KIM in the client bot: consent first, text and files to the right person on the
staff side, a receipt that says who answers and when, a polite cap, the finder's offer, and
the person's rights (see and erase)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.flows.client.write import flow as write
from bot.flows.context import FlowSettings
from bot.flows.engine import FlowEngine
from bot.flows.events import Attachment, Event, EventKind
from bot.i18n import FSI, PDI, translator
from storage.models import Absence, Client, KimMessage, OutboxMessage
from tests.support.chat import Chat
from tests.support.common import actions, text
from tests.support.staff import outbox
from tests.support.talk import CASE_MANAGER, COORDINATOR, conversations, kreis, messages, person

FA = translator("fa")


@pytest.fixture
async def engine(sqlite_db, clock) -> FlowEngine:
    engine = FlowEngine(sqlite_db, clock, FlowSettings())
    await kreis(sqlite_db, clock, engine)
    return engine


def photo(chat: Chat, kind: str = "photo", attachment: Attachment | None = None) -> Event:
    return Event(chat.bot, chat.user_id, chat.user_id, EventKind.UNSUPPORTED, chat.language_code,
                 content_type=kind, attachment=attachment)


async def test_someone_who_has_not_agreed_reads_the_notice_first_then_writes(engine, sqlite_db):
    chat = Chat(engine, 4243, "fa")
    await chat.send("/start")
    await chat.press("lang:fa")
    asked = await chat.send("/write")
    assert FA._("To pass on your messages we must save them. Please read this first:") \
        in text(asked)
    assert actions(asked) == ["consent:yes", "consent:no", "privfull"]
    agreed = await chat.press("consent:yes")
    assert FA._("Write your message to the KIM team.") in text(agreed)
    hello = await chat.send("سلام، کی با من تماس می‌گیرید؟")
    assert FA._("Thank you. Your message has arrived.") in text(hello)
    assert [m.text for m in await messages(sqlite_db)] == ["سلام، کی با من تماس می‌گیرید؟"]


async def test_an_older_consent_is_asked_again_because_it_did_not_mention_messages(
        engine, sqlite_db):
    chat = await person(engine, sqlite_db)
    async with sqlite_db.transaction() as session:
        client = await session.scalar(select(Client))
        client.consent_version = "2026-11-21"
    asked = await chat.press("write")
    assert actions(asked) == ["consent:yes", "consent:no", "privfull"]
    assert FA._("Write your message to the KIM team.") in text(await chat.press("consent:yes"))
    async with sqlite_db.transaction() as session:
        assert (await session.scalar(select(Client))).consent_version == \
            FlowSettings().privacy_notice_version


async def test_text_reaches_the_case_manager_as_written_labelled_and_isolated(engine, sqlite_db):
    chat = await person(engine, sqlite_db)
    await chat.send("/write")
    written = "سلام. شماره من 0176 12345678 است"
    receipt = await chat.send(written)
    # Odenthal's only case manager answers; the person is told who, and when.
    assert text(receipt).startswith(FA._("Thank you. Your message has arrived."))
    assert FA.ngettext("The KIM team will answer you, usually within {n} working day.",
                       "The KIM team will answer you, usually within {n} working days.",
                       2) in text(receipt)
    [sent] = await outbox(sqlite_db)
    [conversation] = await conversations(sqlite_db)
    assert sent.chat_id == CASE_MANAGER and sent.bot == "staff"
    assert sent.text.splitlines()[0] == (
        f"✉️ Nachricht von Person Nr. {conversation.client_id} · Persisch · Odenthal"
        f" · Gespräch Nr. {conversation.id}")
    assert f"Text (Persisch, wie geschrieben):\n{FSI}{written}{PDI}" in sent.text
    assert [data for row in sent.buttons for _, data in row] == [
        f"km_re:{conversation.id}", f"km_tpl:{conversation.id}", f"km_done:{conversation.id}",
        f"km_fwd:{conversation.id}"]
    # More messages join the open conversation, with a short receipt.
    more = await chat.send("لطفا زنگ بزنید")
    assert text(more) == FA._("✓ Sent to KIM.")
    assert len(await conversations(sqlite_db)) == 1
    assert [m.text for m in await messages(sqlite_db)] == [written, "لطفا زنگ بزنید"]


async def test_the_own_case_manager_is_named_and_an_absence_is_told(engine, sqlite_db, clock):
    from tests.support.staff import add_appointment, local

    chat = await person(engine, sqlite_db)
    async with sqlite_db.transaction() as session:
        client = await session.scalar(select(Client))
    await add_appointment(sqlite_db, client.id, 1, local(26, 10))
    async with sqlite_db.transaction() as session:
        session.add(Absence(staff_member_id=1, starts_at=clock.now() - timedelta(hours=1),
                            ends_at=local(25, 0), created_at=clock.now()))
    await chat.send("/write")
    receipt = text(await chat.send("سلام"))
    assert FA.ngettext("Your case manager will answer you, usually within {n} working day.",
                       "Your case manager will answer you, usually within {n} working days.",
                       2) in receipt
    assert FA._("Your case manager is away until {date}.", date=FA.date(local(25, 0))) \
        in receipt


async def test_a_photo_of_a_letter_is_passed_on_and_never_stored(engine, sqlite_db):
    chat = await person(engine, sqlite_db)
    await chat.send("/write")
    letter = Attachment("photo", "AgAD-letter", None, "image/jpeg")
    receipt = await engine.handle(photo(chat, attachment=letter))
    assert FA._("Thank you. Your message has arrived.") in text(receipt)
    [sent] = await outbox(sqlite_db)
    assert sent.relay == {"from": "client", "kind": "photo", "file_id": "AgAD-letter",
                          "file_name": None, "mime_type": "image/jpeg"}
    assert sent.text.endswith("📷 Foto")
    [stored] = await messages(sqlite_db)
    assert (stored.text, stored.attachment) == (None, "photo")
    assert sent.kim_message_id == stored.id


async def test_a_sticker_gets_a_polite_answer_and_changes_nothing(engine, sqlite_db):
    chat = await person(engine, sqlite_db)
    await chat.send("/write")
    answer = await engine.handle(photo(chat, "sticker"))
    assert text(answer) == FA._("I can pass on text, photos, PDF files and voice messages. "
                                "Please send one of these.")
    assert await messages(sqlite_db) == [] and await outbox(sqlite_db) == []


async def test_a_photo_outside_writing_says_how_to_send_it(engine, sqlite_db):
    chat = await person(engine, sqlite_db)
    answer = await engine.handle(photo(chat, attachment=Attachment("photo", "x")))
    assert "write" in actions(answer)
    assert await messages(sqlite_db) == [] and await outbox(sqlite_db) == []


async def test_a_flood_stops_politely_after_thirty_an_hour(engine, sqlite_db, clock):
    chat = await person(engine, sqlite_db)
    await chat.send("/write")
    for n in range(write.MAX_PER_HOUR):
        await chat.send(f"Nachricht {n}")
    stopped = await chat.send("noch eine")
    assert text(stopped) == FA._("You have sent many messages. Please wait a little: the KIM "
                                 "team reads all of them.")
    assert len(await messages(sqlite_db)) == write.MAX_PER_HOUR
    clock.advance(timedelta(hours=1))
    assert text(await chat.send("später")) == FA._("✓ Sent to KIM.")


async def test_unplaced_free_text_can_be_sent_to_kim(engine, sqlite_db):
    chat = await person(engine, sqlite_db)
    question = "Hallo, wann rufen Sie mich an?"
    found = await chat.send(question)
    assert actions(found)[-1] == "wsend"
    assert FA._("Do you want to send this message to the KIM team?") in text(found)
    await chat.press("wsend")
    assert [m.text for m in await messages(sqlite_db)] == [question]
    # The draft went with it: pressing again sends nothing twice.
    again = await chat.press("wsend")
    assert FA._("Write your message to the KIM team.") in text(again)
    assert len(await messages(sqlite_db)) == 1


async def test_without_a_town_or_case_manager_coordination_gets_it(engine, sqlite_db):
    chat = await person(engine, sqlite_db, town=None)
    await chat.send("/write")
    await chat.send("Hallo")
    [sent] = await outbox(sqlite_db)
    assert sent.chat_id == COORDINATOR
    assert "(noch niemandem zugewiesen – Koordination)" in sent.text


async def test_my_data_shows_the_messages_and_delete_erases_them(engine, sqlite_db):
    chat = await person(engine, sqlite_db)
    await chat.send("/write")
    await chat.send("سلام")
    await engine.handle(photo(chat, attachment=Attachment("photo", "AgAD")))
    shown = await chat.send("/mydata")
    assert FA._("Your messages with the KIM team:") in text(shown)
    assert "سلام" in text(shown) and FA._("(a photo)") in text(shown)
    await chat.send("/delete")
    await chat.press("delete:yes")
    assert await messages(sqlite_db) == [] and await conversations(sqlite_db) == []
    # Nothing about the person waits to be relayed any more.
    async with sqlite_db.transaction() as session:
        assert list(await session.scalars(select(OutboxMessage))) == []
        assert list(await session.scalars(select(KimMessage))) == []
