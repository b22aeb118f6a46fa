"""The client bot on python-telegram-bot: Telegram updates in, flow replies out, nothing else."""

from __future__ import annotations

import logging
from functools import lru_cache

from telegram import Bot as PtbBot
from telegram import (
    BotCommand,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Update,
)
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from bot.flows.client.menu import command_descriptions
from bot.flows.engine import FlowEngine
from bot.flows.events import BotKind, Button, Document, Event, EventKind, Outcome, Reply
from bot.i18n import FALLBACK_LANGUAGE, LANGUAGES, translator
from bot.telegram.content import unsupported_kind
from bot.telegram.delivery import EditRefused, deliver
from bot.telegram.retry import Verdict, backoff, with_retries

log = logging.getLogger(__name__)


def classify(exc: Exception, attempt: int) -> Verdict:
    if isinstance(exc, RetryAfter):
        retry_after = exc.retry_after
        seconds = retry_after if isinstance(retry_after, int | float) else retry_after.seconds
        return Verdict(True, float(seconds))
    if isinstance(exc, Forbidden | BadRequest):
        return Verdict(False)  # blocked by the user, or a request that will never succeed
    if isinstance(exc, NetworkError):
        return Verdict(True, backoff(attempt))
    return Verdict(False)


def to_event(update: Update) -> Event | None:
    """The flow event for an update, or None for updates the client bot ignores."""
    if update.callback_query is not None:
        query = update.callback_query
        message = query.message
        return Event(BotKind.CLIENT, message.chat.id if message else query.from_user.id,
                     query.from_user.id, EventKind.ACTION, query.from_user.language_code,
                     action=query.data or "",
                     message_id=message.message_id if message else None)
    message = update.message
    if message is None or message.from_user is None or message.chat.type != ChatType.PRIVATE:
        return None  # edits, channel posts, group chats: this bot talks one to one only
    user = message.from_user
    if message.text is not None:
        return Event.from_text(BotKind.CLIENT, message.chat.id, user.id, message.text,
                               user.language_code)
    return Event(BotKind.CLIENT, message.chat.id, user.id, EventKind.UNSUPPORTED,
                 user.language_code, content_type=unsupported_kind(message.to_dict()))


def _markup(reply: Reply) -> InlineKeyboardMarkup | None:
    return _keyboard(reply.buttons) if reply.buttons else None


@lru_cache(maxsize=1024)
def _keyboard(buttons: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup:
    # Most keyboards repeat (the menu, the 14 languages, consent) in each language. Building
    # python-telegram-bot's objects took ~0.2 ms for the language keyboard, on the event loop,
    # per reply; they are immutable once built, so one object can serve every send. The cache
    # is bounded for keyboards that do vary (finder answers, free times).
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.label, callback_data=b.action)
                                  for b in row] for row in buttons])


class PtbChatApi:
    """The delivery operations in python-telegram-bot's words, with retries."""

    def __init__(self, bot: PtbBot) -> None:
        self.bot = bot

    async def send_text(self, chat_id: int, reply: Reply) -> None:
        await with_retries(lambda: self.bot.send_message(chat_id, reply.text,
                                                         reply_markup=_markup(reply)), classify)

    async def send_document(self, chat_id: int, document: Document, reply: Reply) -> None:
        upload = InputFile(document.content, filename=document.filename)
        send = self.bot.send_photo if document.photo else self.bot.send_document
        await with_retries(lambda: send(chat_id, upload, caption=reply.text or None,
                                        reply_markup=_markup(reply)), classify)

    async def edit_text(self, chat_id: int, message_id: int, reply: Reply) -> None:
        try:
            await with_retries(lambda: self.bot.edit_message_text(
                reply.text, chat_id=chat_id, message_id=message_id,
                reply_markup=_markup(reply)), classify)
        except BadRequest as exc:
            if "not modified" not in exc.message:
                raise EditRefused(exc.message) from exc


async def acknowledge(query: CallbackQuery, notice: str | None) -> None:
    """Stop the button's spinner. A press Telegram no longer accepts an answer for (too old,
    after downtime) must not cost the person the reply itself."""
    try:
        await query.answer(notice)
    except TelegramError as exc:
        log.info("client bot: button press not acknowledged (%s)", type(exc).__name__)


class ClientBot:
    """Owns the python-telegram-bot Application and its long polling."""

    def __init__(self, token: str, api_url: str, engine: FlowEngine) -> None:
        self.engine = engine
        self.app: Application = (
            ApplicationBuilder()
            .token(token)
            .base_url(f"{api_url}/bot")
            .base_file_url(f"{api_url}/file/bot")
            # Chats run concurrently; the flow engine keeps each chat's events in order.
            .concurrent_updates(True)
            # Our scheduler drives timed work; PTB's own JobQueue would be a second one.
            .job_queue(None)
            .build()
        )
        self.app.add_handler(TypeHandler(Update, self._on_update))
        self.app.add_error_handler(self._on_error)

    async def _on_update(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if not isinstance(update, Update):
            return
        event = to_event(update)
        if event is None:
            return
        query = update.callback_query

        async def send(outcome: Outcome) -> None:
            if query is not None:
                await acknowledge(query, outcome.notice)
            await deliver(PtbChatApi(context.bot), event, outcome)

        await self.engine.handle(event, deliver=send)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        error = context.error
        if isinstance(error, Forbidden):
            log.info("client bot: the user blocked the bot; reply dropped")
            return
        log.error("client bot: update failed: %s", type(error).__name__, exc_info=error)

    async def set_commands(self) -> None:
        """The command menu in every language, so the '/' list speaks the person's language."""
        bot = self.app.bot
        for lang in LANGUAGES:
            commands = [BotCommand(n, d) for n, d in command_descriptions(translator(lang.code))]
            await bot.set_my_commands(commands, language_code=lang.code)
        default = command_descriptions(translator(FALLBACK_LANGUAGE))
        await bot.set_my_commands([BotCommand(n, d) for n, d in default])

    async def start(self) -> None:
        await self.app.initialize()
        try:
            await self.set_commands()
        except Exception:
            log.warning("client bot: could not set the command menu", exc_info=True)
        await self.app.start()
        assert self.app.updater is not None
        await self.app.updater.start_polling(poll_interval=0.0, timeout=10,
                                             allowed_updates=["message", "callback_query"])

    @property
    def username(self) -> str | None:
        """The bot's @username (without @), known once start() has run getMe."""
        try:
            return self.app.bot.username
        except RuntimeError:  # not initialised yet
            return None

    async def stop(self) -> None:
        if self.app.updater is not None and self.app.updater.running:
            await self.app.updater.stop()
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()
