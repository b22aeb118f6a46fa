"""Both adapters follow one delivery policy: pinned here through each library's own types.

The end-to-end tests drive the bots through the sandbox, where calls rarely fail; these tests
hand each adapter its library's real exceptions and update objects, so a rule that holds for
one bot and not the other shows up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from bot.flows.events import Attachment, BotKind, Document, Event, EventKind, Reply
from bot.telegram.delivery import EditRefused


class FakeBot:
    """A library Bot whose calls fail with the given exceptions first, then succeed."""

    def __init__(self, *failures: Exception) -> None:
        self.failures = list(failures)
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> Callable[..., Any]:
        async def call(*args: Any, **kwargs: Any) -> bool:
            self.calls.append(name)
            if self.failures:
                raise self.failures.pop(0)
            return True

        return call


@dataclass
class Library:
    """One adapter and its library's exceptions, by what they mean."""

    api: Callable[[Any], Any]
    flood: Callable[[], Exception]  # 429 with retry_after 0
    blocked: Callable[[], Exception]
    bad_request: Callable[[str], Exception]
    network: Callable[[], Exception]
    timed_out: Callable[[], Exception]  # the request left, no answer came


def ptb() -> Library:
    from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

    from bot.telegram.client_bot import PtbChatApi

    return Library(PtbChatApi, lambda: RetryAfter(0),
                   lambda: Forbidden("Forbidden: bot was blocked by the user"),
                   BadRequest, lambda: NetworkError("connection reset"),
                   lambda: TimedOut("Timed out"))


def aiogram() -> Library:
    from aiogram.exceptions import (
        TelegramBadRequest,
        TelegramForbiddenError,
        TelegramNetworkError,
        TelegramRetryAfter,
    )
    from aiogram.methods import SendMessage

    from bot.telegram.staff_bot import AiogramChatApi

    method = SendMessage(chat_id=1, text="x")
    return Library(AiogramChatApi,
                   lambda: TelegramRetryAfter(method, "Too Many Requests", 0),
                   lambda: TelegramForbiddenError(method, "Forbidden: bot was blocked by the user"),
                   lambda text: TelegramBadRequest(method, text),
                   lambda: TelegramNetworkError(method, "connection reset"),
                   lambda: TelegramNetworkError(method, "Request timeout error"))


LIBRARIES = pytest.mark.parametrize("library", [ptb, aiogram], ids=["ptb", "aiogram"])


@LIBRARIES
@pytest.mark.parametrize("failure", ["flood", "network"])
async def test_a_flood_answer_or_a_network_error_is_tried_again(library, failure):
    # 429 after the retry_after Telegram gave (0 here), a network error after a short pause.
    lib = library()
    bot = FakeBot(getattr(lib, failure)())
    await lib.api(bot).send_text(1, Reply("hi"))
    assert bot.calls == ["send_message", "send_message"]


@LIBRARIES
async def test_a_send_that_timed_out_is_not_sent_again(library):
    # It may have arrived: a second try could show the person the same message twice.
    lib = library()
    bot = FakeBot(lib.timed_out())
    with pytest.raises(type(lib.timed_out())):
        await lib.api(bot).send_text(1, Reply("hi"))
    assert bot.calls == ["send_message"]


@LIBRARIES
@pytest.mark.parametrize("failure", ["blocked", "bad request", "not a Bot API error"])
async def test_what_cannot_succeed_is_tried_once(library, failure):
    lib = library()
    exc = {"blocked": lib.blocked(), "bad request": lib.bad_request("Bad Request: chat not found"),
           "not a Bot API error": ValueError("a bug")}[failure]
    bot = FakeBot(exc)
    with pytest.raises(type(exc)):
        await lib.api(bot).send_text(1, Reply("hi"))
    assert bot.calls == ["send_message"]


@LIBRARIES
async def test_an_edit_that_changes_nothing_is_done_and_a_refused_edit_says_so(library):
    lib = library()
    unchanged = FakeBot(lib.bad_request("Bad Request: message is not modified: same content"))
    await lib.api(unchanged).edit_text(1, 42, Reply("hi"))
    assert unchanged.calls == ["edit_message_text"]
    gone = FakeBot(lib.bad_request("Bad Request: message to edit not found"))
    with pytest.raises(EditRefused, match=r"(?i)message to edit not found"):
        await lib.api(gone).edit_text(1, 42, Reply("hi"))
    blocked = FakeBot(lib.blocked())
    with pytest.raises(type(lib.blocked())):
        await lib.api(blocked).edit_text(1, 42, Reply("hi"))


@LIBRARIES
async def test_a_document_goes_as_a_photo_only_when_it_asks_to(library):
    lib = library()
    bot = FakeBot()
    api = lib.api(bot)
    await api.send_document(1, Document("qr.png", b"png", "image/png", photo=True), Reply(""))
    await api.send_document(1, Document("termin.ics", b"ics", "text/calendar"), Reply("x"))
    assert bot.calls == ["send_photo", "send_document"]


# ------------------------------------------------------------------------ incoming updates

USER = {"id": 7, "is_bot": False, "first_name": "Amal", "language_code": "ar"}
PRIVATE = {"id": 7, "type": "private"}


def message(chat: dict = PRIVATE, sender: dict | None = USER, **content: Any) -> dict:
    fields = {"message_id": 5, "date": 0, "chat": chat, **content}
    return {**fields, "from": sender} if sender else fields


def ptb_message_event(data: dict) -> Event | None:
    from telegram import Update

    from bot.telegram.client_bot import to_event

    return to_event(Update.de_json({"update_id": 1, "message": data}, None))


def aiogram_message_event(data: dict) -> Event | None:
    from aiogram.types import Message

    from bot.telegram.staff_bot import message_event

    return message_event(Message.model_validate(data))


def ptb_press_event(data: dict) -> Event:
    from telegram import Update

    from bot.telegram.client_bot import to_event

    event = to_event(Update.de_json({"update_id": 1, "callback_query": data}, None))
    assert event is not None
    return event


def aiogram_press_event(data: dict) -> Event:
    from aiogram.types import CallbackQuery

    from bot.telegram.staff_bot import callback_event

    return callback_event(CallbackQuery.model_validate(data))


MESSAGES = pytest.mark.parametrize("to_event,bot", [(ptb_message_event, BotKind.CLIENT),
                                                    (aiogram_message_event, BotKind.STAFF)],
                                   ids=["ptb", "aiogram"])
PRESSES = pytest.mark.parametrize("to_event,bot", [(ptb_press_event, BotKind.CLIENT),
                                                   (aiogram_press_event, BotKind.STAFF)],
                                  ids=["ptb", "aiogram"])


@MESSAGES
def test_texts_and_commands_become_their_events(to_event, bot):
    assert to_event(message(text="Hallo")) == Event(bot, 7, 7, EventKind.TEXT, "ar", text="Hallo")
    assert to_event(message(text="/start abc")) == Event(
        bot, 7, 7, EventKind.COMMAND, "ar", text="/start abc", command="start", argument="abc")


@MESSAGES
def test_unreadable_content_is_named_by_its_kind_only(to_event, bot):
    photo = [{"file_id": "x", "file_unique_id": "y", "width": 1, "height": 1}]
    assert to_event(message(photo=photo, caption="secret")) == Event(
        bot, 7, 7, EventKind.UNSUPPORTED, "ar", content_type="photo",
        attachment=Attachment("photo", "x", None, "image/jpeg"))  # a reference, no caption
    assert to_event(message(dice={"emoji": "🎲", "value": 3})).content_type == "dice"
    assert to_event(message(new_chat_title="x")).content_type == "other"


@MESSAGES
def test_letters_pdfs_and_voice_messages_can_be_passed_on_other_files_cannot(to_event, bot):
    sizes = [{"file_id": f"p{w}", "file_unique_id": f"u{w}", "width": w, "height": w}
             for w in (90, 1280, 320)]
    assert to_event(message(photo=sizes)).attachment.file_id == "p1280"  # the largest
    pdf = {"file_id": "d", "file_unique_id": "e", "file_name": "Bescheid.pdf",
           "mime_type": "application/pdf"}
    assert to_event(message(document=pdf)).attachment == Attachment(
        "document", "d", "Bescheid.pdf", "application/pdf")
    voice = {"file_id": "v", "file_unique_id": "w", "duration": 3, "mime_type": "audio/ogg"}
    assert to_event(message(voice=voice)).attachment == Attachment("voice", "v", None,
                                                                   "audio/ogg")
    program = {**pdf, "file_name": "x.exe", "mime_type": "application/x-msdownload"}
    assert to_event(message(document=program)).attachment is None
    assert to_event(message(sticker={"file_id": "s", "file_unique_id": "t", "type": "regular",
                                     "width": 1, "height": 1, "is_animated": False,
                                     "is_video": False})).attachment is None


@MESSAGES
def test_a_reply_names_the_message_it_answers(to_event, bot):
    answered = message({"id": 7, "type": "private"}, text="Frage")
    assert to_event(message(text="Antwort", reply_to_message=answered)).reply_to == 5
    assert to_event(message(text="Neu")).reply_to is None


@MESSAGES
def test_group_chats_and_messages_without_a_sender_are_ignored(to_event, bot):
    assert to_event(message({"id": -100, "type": "group", "title": "g"}, text="Hallo")) is None
    assert to_event(message(sender=None, text="Hallo")) is None


@PRESSES
def test_a_press_names_the_message_it_came_from(to_event, bot):
    press = {"id": "1", "from": USER, "chat_instance": "c", "data": "lang:ar",
             "message": message({"id": 9, "type": "private"}, text="Sprache?")}
    assert to_event(press) == Event(bot, 9, 7, EventKind.ACTION, "ar", action="lang:ar",
                                    message_id=5)
    alone = {"id": "1", "from": USER, "chat_instance": "c"}
    assert to_event(alone) == Event(bot, 7, 7, EventKind.ACTION, "ar", action="")
