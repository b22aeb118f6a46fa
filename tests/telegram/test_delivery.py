"""The delivery sequence shared by both bots, with a fake API."""

from __future__ import annotations

from bot.flows.events import BotKind, Document, Event, EventKind, Outcome, Reply
from bot.telegram.delivery import EditRefused, deliver


class FakeApi:
    def __init__(self, refuse_edits: bool = False) -> None:
        self.calls: list[tuple[str, int | None, str]] = []
        self.refuse_edits = refuse_edits

    async def send_text(self, chat_id: int, reply: Reply) -> None:
        self.calls.append(("send", None, reply.text))

    async def send_document(self, chat_id: int, document: Document, reply: Reply) -> None:
        self.calls.append(("document", None, document.filename))

    async def edit_text(self, chat_id: int, message_id: int, reply: Reply) -> None:
        if self.refuse_edits:
            raise EditRefused("message to edit not found")
        self.calls.append(("edit", message_id, reply.text))


def pressed(message_id: int | None = 42) -> Event:
    return Event(BotKind.CLIENT, 1, 1, EventKind.ACTION, action="x", message_id=message_id)


async def test_the_pressed_message_is_edited_once_then_new_messages_follow():
    api = FakeApi()
    await deliver(api, pressed(), Outcome([Reply("a", edit=True), Reply("b", edit=True),
                                           Reply("c")]))
    assert api.calls == [("edit", 42, "a"), ("send", None, "b"), ("send", None, "c")]


async def test_a_refused_edit_becomes_a_new_message():
    api = FakeApi(refuse_edits=True)
    await deliver(api, pressed(), Outcome([Reply("a", edit=True)]))
    assert api.calls == [("send", None, "a")]


async def test_without_a_pressed_message_nothing_is_edited_and_documents_are_sent():
    api = FakeApi()
    document = Document("termin.ics", b"x", "text/calendar")
    await deliver(api, pressed(None), Outcome([Reply("a", edit=True),
                                               Reply("b", document=document)]))
    assert api.calls == [("send", None, "a"), ("document", None, "termin.ics")]


def test_client_keyboards_are_built_once_and_keep_their_buttons():
    # python-telegram-bot's keyboard objects are immutable, so the client bot reuses them.
    from bot.flows.events import Button
    from bot.telegram.client_bot import _markup

    buttons = ((Button("English", "lang:en"), Button("العربية", "lang:ar")),
               (Button("Deutsch", "lang:de"),))
    markup = _markup(Reply("Language?", buttons))
    assert markup is not None
    assert [[(b.text, b.callback_data) for b in row] for row in markup.inline_keyboard] == [
        [("English", "lang:en"), ("العربية", "lang:ar")], [("Deutsch", "lang:de")]]
    assert _markup(Reply("Sprache?", tuple(tuple(row) for row in buttons))) is markup
    assert _markup(Reply("No keyboard")) is None
