"""The delivery policy both bot adapters share, in no bot library's words.

The client bot runs on python-telegram-bot and the staff bot on aiogram, yet what they do is the
same: which updates become which `Event`, how a button press is acknowledged, whether a document
goes as a picture or a file, in what order replies leave, and which failed calls are worth another
try. Those rules live here once, so the two bots cannot drift apart. An adapter supplies only a
`Library` (its exception classes, keyboard and upload types) and its library's objects; both
libraries name Bot API methods and fields as the Bot API does, which is what lets one set of calls
serve either.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from functools import partial
from typing import Any, Protocol

from bot import metrics
from bot.flows.events import (
    Attachment,
    BotKind,
    Document,
    Event,
    EventKind,
    Outcome,
    Reply,
)
from bot.telegram.retry import Verdict, with_retries

log = logging.getLogger(__name__)

# A library's answerCallbackQuery, bound to one press: answer(text).
Answer = Callable[[str | None], Awaitable[object]]


class Failure(StrEnum):
    """Why a Bot API call failed, as far as the policy needs to know."""

    FLOOD = "flood"  # 429: Telegram says how long to wait
    NETWORK = "network"  # refused or dropped connection: a later try may get through
    # No answer in time: the request left and may have arrived. Sending it again could show
    # the person the same message twice, so it is not (as in the outbox).
    MAYBE_SENT = "maybe sent"
    BLOCKED = "blocked"  # 403: the person blocked the bot
    REFUSED = "refused"  # 400: this request will never succeed (message gone, not modified ...)
    OTHER = "other"  # any other Bot API error


@dataclass(frozen=True)
class ApiFailure:
    kind: Failure
    retry_after: float = 0.0  # for FLOOD: the seconds Telegram asked for
    message: str = ""  # Telegram's description


@dataclass(frozen=True)
class Library:
    """What one bot library does its own way; everything else about delivery is in this module."""

    name: str  # "client bot": log lines say which bot it was
    log: logging.Logger  # the adapter's logger, so its lines keep their source
    markup: Callable[[Reply], Any]  # the reply's inline keyboard in its types; None without one
    upload: Callable[..., Any]  # its type for new files, called as upload(content, filename=...)
    # Its exception classes, tried in order: most specific first (in python-telegram-bot a
    # BadRequest is also a NetworkError), the library's base class of Bot API errors last.
    failures: Mapping[type[Exception], Failure]
    # Which of its network errors are a request that timed out after leaving (maybe sent).
    timed_out: Callable[[BaseException], bool] = lambda exc: False


def describe(exc: BaseException | None, library: Library) -> ApiFailure | None:
    """`exc` in neutral words; None when it is no Bot API error of `library` (a bug, say)."""
    for cls, kind in library.failures.items():
        if isinstance(exc, cls):
            wait = _seconds(getattr(exc, "retry_after", 0)) if kind is Failure.FLOOD else 0.0
            if kind is Failure.NETWORK and exc is not None and library.timed_out(exc):
                kind = Failure.MAYBE_SENT
            return ApiFailure(kind, wait, str(getattr(exc, "message", exc)))
    return None


def _seconds(value: float | timedelta) -> float:
    # aiogram gives an int; python-telegram-bot an int, or a timedelta once PTB_TIMEDELTA is set.
    return float(value if isinstance(value, int | float) else value.seconds)


def backoff(attempt: int) -> float:
    """The pause after the attempt-th network error: 0.5 s, doubling, at most 8 s."""
    return min(0.5 * 2 ** (attempt - 1), 8.0)


def verdict(failure: ApiFailure | None, attempt: int) -> Verdict:
    """Whether, and after how long, a failed call is tried again."""
    if failure is None:
        return Verdict(False)  # no Bot API error but a bug: it would fail the same way again
    if failure.kind is Failure.FLOOD:
        return Verdict(True, failure.retry_after)
    if failure.kind is Failure.NETWORK:
        return Verdict(True, backoff(attempt))
    # Blocked by the person, a request that will never succeed, or one that may have arrived.
    return Verdict(False)


def report_lost(library: Library, exc: BaseException | None, what: str) -> None:
    """Log a reply that is lost for good. A blocked bot is the person's choice (info); anything
    else is a fault, logged with its traceback."""
    failure = describe(exc, library)
    if failure is not None and failure.kind is Failure.BLOCKED:
        library.log.info("%s: the user blocked the bot; reply dropped", library.name)
    else:
        library.log.error("%s: %s", library.name, what, exc_info=exc)


# ------------------------------------------------------------------------ webhook updates


# The updates both bots take, in polling and in the webhook `kimbot webhook set` registers.
ALLOWED_UPDATES = ("message", "callback_query")


class WebhookResult:
    """What became of one webhook update, told from inside the library's dispatching (which
    keeps a handler's errors to itself) to the web server, which answers Telegram: 2xx only
    when the update's transaction committed."""

    def __init__(self) -> None:
        self.committed = False


# Set by an adapter's `feed` around its library's dispatching of one webhook update.
CURRENT_WEBHOOK: ContextVar[WebhookResult | None] = ContextVar("kimbot_webhook", default=None)


@contextmanager
def webhook_update() -> Iterator[WebhookResult]:
    """Around a library's dispatching of one webhook update (an adapter's `feed`): the handlers
    below see the result in CURRENT_WEBHOOK and mark it committed."""
    result = WebhookResult()
    token = CURRENT_WEBHOOK.set(result)
    try:
        yield result
    finally:
        CURRENT_WEBHOOK.reset(token)


def count_update(bot: BotKind, event: Event | None) -> None:
    metrics.UPDATES.labels(bot.value, event.kind.value if event else "ignored").inc()


# ------------------------------------------------------------------------ incoming updates

# Bot API Message fields that carry content the bots cannot read, in the order checked.
_KINDS = ("photo", "voice", "video_note", "video", "audio", "sticker", "animation", "document",
          "location", "venue", "contact", "poll", "dice")


class _User(Protocol):
    id: int
    language_code: str | None


class _Chat(Protocol):
    id: int
    type: str


class _Carrier(Protocol):
    """The message a pressed button belongs to."""

    message_id: int
    chat: _Chat


class _Answered(Protocol):
    message_id: int


class IncomingMessage(_Carrier, Protocol):
    """A Bot API Message as both libraries expose it."""

    from_user: _User | None
    text: str | None
    reply_to_message: _Answered | None


class ButtonPress(Protocol):
    """A Bot API CallbackQuery as both libraries expose it."""

    from_user: _User
    data: str | None
    message: _Carrier | None


# Files a person may send to the KIM team: photos of letters, PDFs, pictures sent as files,
# voice messages. Anything else is answered politely and not passed on.
_PASSABLE_DOCUMENTS = ("application/pdf", "image/jpeg", "image/png")


def attachment(message: dict[str, Any]) -> Attachment | None:
    """The file in a Bot API message dict that may be passed on, if there is one."""
    if message.get("photo"):
        biggest = max(message["photo"], key=lambda size: size.get("width", 0))
        return Attachment("photo", biggest["file_id"], None, "image/jpeg")
    voice = message.get("voice")
    if voice:
        return Attachment("voice", voice["file_id"], None, voice.get("mime_type"))
    document = message.get("document")
    if document and document.get("mime_type") in _PASSABLE_DOCUMENTS:
        return Attachment("document", document["file_id"], document.get("file_name"),
                          document.get("mime_type"))
    return None


def unsupported_kind(message: dict[str, Any]) -> str:
    """"photo", "voice", ... for a Bot API message dict; "other" for anything else. Only the
    kind is named, never the content."""
    for kind in _KINDS:
        if message.get(kind):
            return kind
    return "other"


def event_from_message(bot: BotKind, message: IncomingMessage,
                       as_dict: Callable[[], dict[str, Any]]) -> Event | None:
    """The event for a message, or None: the bots talk one to one only, so group chats and
    messages without a sender (channel posts) are ignored. `as_dict` gives the message as a Bot
    API dict; it is asked for only when the message is not text."""
    user = message.from_user
    if user is None or message.chat.type != "private":
        return None
    answered = message.reply_to_message
    reply_to = answered.message_id if answered is not None else None
    if message.text is not None:
        return Event.from_text(bot, message.chat.id, user.id, message.text, user.language_code,
                               reply_to)
    content = as_dict()
    return Event(bot, message.chat.id, user.id, EventKind.UNSUPPORTED, user.language_code,
                 content_type=unsupported_kind(content), attachment=attachment(content),
                 reply_to=reply_to)


def event_from_press(bot: BotKind, press: ButtonPress) -> Event:
    """The event for a button press: in the chat of the message that carried the button, so a
    reply can replace that message; in the presser's own chat when the press comes without it."""
    message, user = press.message, press.from_user
    return Event(bot, message.chat.id if message else user.id, user.id, EventKind.ACTION,
                 user.language_code, action=press.data or "",
                 message_id=message.message_id if message else None)


# ------------------------------------------------------------------------------- replies


async def acknowledge(answer: Answer, notice: str | None, library: Library) -> None:
    """Stop the button's spinner, showing the outcome's notice, if any, as a toast (not an alert
    the person must close). A press Telegram no longer accepts an answer for (too old, after
    downtime) must not cost the person the reply itself."""
    try:
        await answer(notice)
    except Exception as exc:
        if describe(exc, library) is None:
            raise
        library.log.info("%s: button press not acknowledged (%s)", library.name,
                         type(exc).__name__)


class EditRefused(Exception):
    """Telegram will not edit that message (deleted, too old, ...): send a new one instead."""


class ChatApi(Protocol):
    async def send_text(self, chat_id: int, reply: Reply) -> None: ...

    async def send_document(self, chat_id: int, document: Document, reply: Reply) -> None: ...

    async def edit_text(self, chat_id: int, message_id: int, reply: Reply) -> None:
        """Replace the message; an unchanged text counts as done, other refusals raise
        EditRefused."""
        ...


async def deliver(api: ChatApi, event: Event, outcome: Outcome) -> None:
    """Send the replies in order; the first one marked `edit` replaces the pressed message."""
    edit_target = event.message_id
    for index, reply in enumerate(outcome.replies):
        # Counted as started before it leaves; another instance may have taken the rest.
        if index and outcome.progress is not None and not await outcome.progress(index):
            log.info("the rest of this answer is being sent by another instance")
            return
        if reply.document is not None:
            await api.send_document(event.chat_id, reply.document, reply)
        elif reply.edit and edit_target is not None:
            try:
                await api.edit_text(event.chat_id, edit_target, reply)
            except EditRefused as refusal:
                log.info("edit refused, sending instead: %s", refusal)
                await api.send_text(event.chat_id, reply)
            edit_target = None  # one pressed message is replaced once
        else:
            await api.send_text(event.chat_id, reply)


async def respond(api: ChatApi, library: Library, event: Event, outcome: Outcome,
                  answer: Answer | None = None) -> None:
    """Answer one handled event: a pressed button is acknowledged first, so its spinner stops
    before the replies arrive, then the replies go out. A reply that cannot be sent raises."""
    if answer is not None:
        await acknowledge(answer, outcome.notice, library)
    await deliver(api, event, outcome)


class BotMethods(Protocol):
    """The Bot API methods delivery calls, as python-telegram-bot's and aiogram's Bot both name
    them; their keyword arguments are the Bot API's fields."""

    def send_message(self, *, chat_id: int, text: str, reply_markup: Any) -> Awaitable[Any]: ...

    def send_photo(self, *, chat_id: int, photo: Any, caption: str | None,
                   reply_markup: Any) -> Awaitable[Any]: ...

    def send_document(self, *, chat_id: int, document: Any, caption: str | None,
                      reply_markup: Any) -> Awaitable[Any]: ...

    def edit_message_text(self, *, text: str, chat_id: int, message_id: int,
                          reply_markup: Any) -> Awaitable[Any]: ...


_RESULTS = {Failure.FLOOD: "429", Failure.BLOCKED: "403"}


class LibraryChatApi:
    """`ChatApi` on a library's Bot, with this module's retries. An adapter subclasses it naming
    its library: `class PtbChatApi(LibraryChatApi, library=PTB)`."""

    library: Library

    def __init_subclass__(cls, library: Library, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.library = library

    def __init__(self, bot: BotMethods, bot_kind: str = "") -> None:
        self.bot = bot
        self.bot_kind = bot_kind or self.library.name.split()[0]  # "client", "staff"

    async def _call(self, call: Callable[[], Awaitable[object]]) -> None:
        def classify(exc: Exception, attempt: int) -> Verdict:
            failure = describe(exc, self.library)
            metrics.count_send(self.bot_kind, _RESULTS.get(failure.kind if failure else None,
                                                           "other"))
            return verdict(failure, attempt)

        await with_retries(call, classify)
        metrics.count_send(self.bot_kind, "ok")

    async def send_text(self, chat_id: int, reply: Reply) -> None:
        markup = self.library.markup(reply)
        await self._call(lambda: self.bot.send_message(chat_id=chat_id, text=reply.text,
                                                       reply_markup=markup))

    async def send_document(self, chat_id: int, document: Document, reply: Reply) -> None:
        upload = self.library.upload(document.content, filename=document.filename)
        # A photo shows as a picture in the chat (a QR code to hold up), a file as a download.
        send = (partial(self.bot.send_photo, photo=upload) if document.photo
                else partial(self.bot.send_document, document=upload))
        markup = self.library.markup(reply)
        await self._call(lambda: send(chat_id=chat_id, caption=reply.text or None,
                                      reply_markup=markup))

    async def edit_text(self, chat_id: int, message_id: int, reply: Reply) -> None:
        markup = self.library.markup(reply)
        try:
            await self._call(lambda: self.bot.edit_message_text(
                text=reply.text, chat_id=chat_id, message_id=message_id, reply_markup=markup))
        except Exception as exc:
            failure = describe(exc, self.library)
            if failure is None or failure.kind is not Failure.REFUSED:
                raise
            if "not modified" not in failure.message:  # "not modified": already as wanted
                raise EditRefused(failure.message) from exc
